"""Text from input made safe to show: every control character escaped, long text cut.

Whatever pathway prints for people (terminal text, the Markdown of the site) may quote what a user wrote: a
reason, a note, a fact name, a title, a line of a file. Printed raw, an ANSI escape sequence in it could clear the
screen and print "all clear", a bidi override could reorder what a reader sees, and a 50 MB line would flood the
terminal. :func:`escape` writes each such character as a visible escape (``\\x1b``, ``\\u202e``): the C0 controls
(newline and tab included), DEL, the C1 controls, the line and paragraph separators, the bidi embeddings,
overrides, isolates and marks, and lone surrogates (which cannot even be encoded). Other text, backslashes
included, is left as it is, so ordinary output does not change. :func:`escape_block` keeps the newlines of text
made of several lines (what a command prints), and :func:`excerpt` cuts one source line around a column.

JSON output needs little of this: ``json.dumps`` escapes the C0 controls; the CLI writes the rest of
:data:`UNSAFE` as ``\\uXXXX`` escapes too (:data:`UNSAFE_IN_JSON`), which mean the same characters to a JSON reader.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""The characters :func:`escape` replaces."""
_UNSAFE_IN_BLOCK = re.compile(UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f"))
UNSAFE_IN_JSON = re.compile(UNSAFE.pattern.replace("\x00-\x1f", ""))
"""What json.dumps leaves raw (it escapes the C0 controls itself): to write as ``\\uXXXX`` in JSON output."""

EXCERPT = 200
"""At most this many characters of a source line are shown with a diagnostic."""
ELLIPSIS = "…"


def _visible(match: re.Match[str]) -> str:
    point = ord(match[0])
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def escape(text: str) -> str:
    """The text on one line, every unsafe character written as its escape: ``\\x1b``, ``\\n``... as ``\\x0a``."""
    return UNSAFE.sub(_visible, text)


def escape_block(text: str) -> str:
    """Like :func:`escape`, but newlines are kept: for the whole text of a command's output."""
    return _UNSAFE_IN_BLOCK.sub(_visible, text)


def shorten(text: str, limit: int = EXCERPT) -> str:
    """The text, cut to ``limit`` characters with an ellipsis and the length it had when it is longer."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}{ELLIPSIS} ({len(text)} characters)"


def excerpt(line: str, column: int, width: int = EXCERPT) -> tuple[str, int]:
    """A source line made safe to show, at most ``width`` characters wide (ellipses aside), and where ``column``
    (1-based) is in it.

    Each unsafe character is escaped (a column after it moves right by the length of the escape); a longer line is
    cut to a window around the column, with an ellipsis on each side that was cut.
    """
    index = min(max(column - 1, 0), len(line))
    start = max(0, min(index - width // 2, len(line) - width))
    pieces = [escape(c) for c in line[start : start + width]]
    caret, low, high = index - start, 0, len(pieces)
    size = sum(map(len, pieces))
    while size > width and high - low > 1:  # escapes made it wider: drop the piece further from the caret
        if caret - low > high - 1 - caret:
            size, low = size - len(pieces[low]), low + 1
        else:
            high -= 1
            size -= len(pieces[high])
    head = ELLIPSIS if start + low > 0 else ""
    tail = ELLIPSIS if start + high < len(line) else ""
    return head + "".join(pieces[low:high]) + tail, len(head) + sum(map(len, pieces[low:caret])) + 1
