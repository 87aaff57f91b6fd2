"""The words of the guard language, checked before Python's parser sees the text.

Python's parser accepts more than the guard language documents, and some of it changes what a guard means
without showing it: a ``#`` starts a comment that silently drops the rest of the guard, a full-width
``ｓensory_grade`` is read as ``sensory_grade`` (identifiers are NFKC-normalised), ``"a" "b"`` is one string,
``"\\x61"`` is ``"a"``. :func:`scan` walks the text once and refuses everything that is not a documented word:

- names: ASCII letters, digits and ``_``, not starting with a digit;
- numbers: ``12``, ``6.5``, ``0.25``: digits with an optional decimal part, at most :data:`MAX_DIGITS` digits
  (no ``0x10``, ``1_000``, ``1e3``, ``1j``, ``1.``, ``.5``, ``007``);
- durations: digits and a unit, compact (``72h``, ``3d``, ``1d12h``, ``90min``) or ISO 8601 (``PT72H``, ``P3D``),
  read by :func:`~pathway.expr.durations.parse_duration`. Python's tokenizer cannot read ``72h`` (and would read
  ``PT72H`` as a name), so :func:`read_words` returns where each one stands and its value, for the parser to put in
  its place; a digit run with letters that is not one of Python's number spellings is taken for a duration, and
  refused with :func:`~pathway.expr.durations.duration_hint` when it is not one (``3x``, ``0h``, ``3m``);
- strings: one pair of single or double quotes with no backslash inside, no prefix (``r``, ``b``, ``u``, ``f``),
  not triple-quoted, and never two side by side;
- white space: spaces, tabs and line breaks; everything else outside quotes must be ASCII, with no ``#`` and no
  backslash. Operators and brackets are left to the parser and to the construct allowlist.

Every refusal is an :class:`~pathway.expr.types.ExprIssue` (PW202, or PW205 for a number with too many digits)
at the offending characters, with a hint; all of them are returned, not only the first.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Final, NamedTuple

from pathway.diagnostics.codes import Code
from pathway.expr.durations import duration_hint, parse_duration
from pathway.expr.types import ExprIssue

MAX_DIGITS: Final = 15
"""Most digits in a number literal (PW205): every whole number of 15 digits is exact as a float."""

_SPACE: Final = re.compile(r"[ \t\r\n]+")
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER_RUN: Final = re.compile(r"\.?[0-9][0-9A-Za-z_.]*")
_NUMBER: Final = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_PYTHON_NUMBER: Final = re.compile(r"0[xXoObB][0-9A-Za-z_]*|[0-9]+(?:\.[0-9]*)?(?:[eE][0-9]*)?[jJ]?")
"""Number spellings Python reads (``0x10``, ``1e3``, ``1j``): refused as numbers, never taken for durations."""
_DURATION_RUN: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?[A-Za-z][0-9A-Za-z]*")
_ISO_WORD: Final = re.compile(
    r"P(?=[0-9A-Z]*[0-9])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?(?:T(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+S)?)?"
)
"""A name that is an ISO 8601 duration (with at least one number; months, years and seconds included, so that
:func:`~pathway.expr.durations.parse_duration` refuses them with a reason rather than as an unknown name)."""
_WORD: Final = re.compile(r"[\w.]+")  # a run of name-like characters, any script: what a non-ASCII name spans
_PREFIXES: Final = frozenset({"r", "u", "b", "f", "br", "rb", "fr", "rf"})
_STRING_HINT: Final = "write the value in plain quotes, e.g. \"mixed\" or 'mixed'"


class Duration(NamedTuple):
    """A duration literal: where it stands in the text, how many characters it spans, and its value."""

    offset: int
    length: int
    value: timedelta


class Words(NamedTuple):
    """What :func:`read_words` finds: the refused words, and the duration literals (both in text order)."""

    issues: list[ExprIssue]
    durations: tuple[Duration, ...]


def _issue(code: Code, offset: int, length: int, message: str, hint: str | None) -> ExprIssue:
    return ExprIssue(code=code, message=message, offset=offset, length=max(length, 1), hint=hint)


def _number_hint(token: str) -> str:
    lower = token.lower()
    if lower.startswith(("0x", "0o", "0b")):
        return "write the number in decimal digits"
    if "_" in token:
        return f"write it without '_': {token.replace('_', '')}"
    if lower.endswith("j"):
        return "complex numbers have no meaning in a guard"
    if "e" in lower:
        return "write the number out in full, e.g. 1000 rather than 1e3"
    if token.startswith("."):
        return f"write a 0 before the point: 0{token}"
    if token.endswith("."):
        return f"write {token[:-1]} or {token}0"
    if re.fullmatch(r"0[0-9]+(?:\.[0-9]+)?", token):
        return f"write it without leading zeros: {token.lstrip('0') or '0'}"
    return "numbers are digits with an optional decimal part, e.g. 12 or 6.5"


def _number(text: str, start: int) -> tuple[str, int, ExprIssue | None]:
    """The kind ("number" or "duration"), end and problem of the digit run at ``start``."""
    token = _NUMBER_RUN.match(text, start)
    assert token is not None  # the caller saw a digit, or a point before a digit
    end, value = token.end(), token.group()
    if _DURATION_RUN.fullmatch(value) and not _PYTHON_NUMBER.fullmatch(value):
        return "duration", end, _duration(value, start)
    if not _NUMBER.fullmatch(value):
        message = f"'{value}' is not a number the guard language accepts"
        return "number", end, _issue(Code.PW202, start, end - start, message, _number_hint(value))
    digits = sum(c.isdigit() for c in value)
    if digits > MAX_DIGITS:
        shown = value if len(value) <= 20 else value[:17] + "..."
        message = f"the number '{shown}' has {digits} digits; a number in a guard has at most {MAX_DIGITS}"
        return "number", end, _issue(Code.PW205, start, end - start, message, "no clinical threshold needs more")
    return "number", end, None


def _duration(word: str, start: int) -> ExprIssue | None:
    """The problem with a duration literal, as the definition format reports it, or None."""
    try:
        parse_duration(word)
    except ValueError as problem:
        return _issue(Code.PW202, start, len(word), str(problem), duration_hint(word))
    return None


def _string(text: str, start: int, previous: tuple[str, int, int] | None) -> tuple[int, ExprIssue | None]:
    """The end of the string at start, and its problem if any; previous = (kind, start, end) of the token before."""
    quote = text[start]
    if text.startswith(quote * 3, start):
        close = text.find(quote * 3, start + 3)
        end = len(text) if close < 0 else close + 3
        return end, _issue(Code.PW202, start, end - start, "triple-quoted strings are not allowed", _STRING_HINT)
    close = text.find(quote, start + 1)
    if close < 0:
        return len(text), None  # unterminated: the parser says so
    end = close + 1
    backslash = text.find("\\", start, end)
    if backslash >= 0:
        message = "a backslash is not allowed in a string: there are no escape sequences"
        return end, _issue(Code.PW202, backslash, 2, message, 'enum values are plain words, e.g. "mixed"')
    if previous is not None and previous[0] == "string":
        message = "two strings side by side would be joined into one"
        return end, _issue(Code.PW202, previous[1], end - previous[1], message, "write one string")
    if previous is not None and previous[0] == "name" and previous[2] == start:
        prefix = text[previous[1] : start]
        if prefix.lower() in _PREFIXES:
            what = "an f-string" if "f" in prefix.lower() else "a bytes literal" if "b" in prefix.lower() else ""
            message = f"{what or f'the string prefix {prefix!r}'} is not allowed in a guard"
            return end, _issue(Code.PW202, previous[1], end - previous[1], message, _STRING_HINT)
    return end, None


def _non_ascii(text: str, at: int) -> tuple[int, ExprIssue]:
    """A non-ASCII character outside quotes, refused with the whole word it is part of and what Python would
    have read instead (identifiers are NFKC-normalised: 'ｓensory_grade' reads as 'sensory_grade')."""
    start, end = at, at + 1
    if text[at].isalnum():
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        word = _WORD.match(text, start)
        end = max(word.end() if word else end, end)
    char, shown = text[at], text[start:end]
    described = f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"
    message = f"'{shown}' holds the character '{char}' ({described}): outside quotes, write plain ASCII"
    plain = unicodedata.normalize("NFKC", shown)
    if plain.isascii() and plain.strip():
        hint = f"it would be read as '{plain}'; type it in plain ASCII"
    elif char.isspace():
        hint = "replace it with an ordinary space"
    else:
        hint = "names are ASCII letters, digits and '_'"
    return end, _issue(Code.PW202, start, end - start, message, hint)


def _symbol(text: str, at: int) -> ExprIssue | None:
    """The problem with a character that starts no word: a backslash or a control character (operators and
    brackets are left to the parser)."""
    char = text[at]
    if char == "\\":
        return _issue(Code.PW202, at, 1, "a backslash is not allowed in a guard", "a guard may span lines without one")
    if ord(char) < 32 or ord(char) == 127:
        return _issue(Code.PW202, at, 1, f"the control character U+{ord(char):04X} is not allowed", "remove it")
    return None


def _token(text: str, at: int, previous: tuple[str, int, int] | None) -> tuple[str, int, ExprIssue | None]:
    """The kind, end and problem of the token at ``at`` (not white space, not a comment)."""
    char = text[at]
    if not char.isascii():
        return ("name", *_non_ascii(text, at))
    if char.isdigit() or (char == "." and text[at + 1 : at + 2].isdigit() and text[at + 1].isascii()):
        return _number(text, at)
    if (name := _NAME.match(text, at)) is not None:
        if char == "P" and _ISO_WORD.fullmatch(name.group()):
            return "duration", name.end(), _duration(name.group(), at)
        return "name", name.end(), None
    if char in "'\"":
        return ("string", *_string(text, at, previous))
    return "other", at + 1, _symbol(text, at)


_CLEAN: Final = re.compile(
    r"""(?>[ \t\r\n]++
    |(?!P[0-9T])[A-Za-z_][A-Za-z0-9_]*+
    |(?<![0-9A-Za-z_.])(?:0|[1-9][0-9]{0,14}+)(?![0-9A-Za-z_.])
    |(?<![0-9A-Za-z_.])(?=[0-9.]{3,16}(?![0-9A-Za-z_.]))(?:0|[1-9][0-9]*+)\.[0-9]++(?![0-9A-Za-z_.])
    |(?<![A-Za-z0-9_])(?:"[^"\\]*+"|'[^'\\]*+')(?![ \t\r\n]*+["'])
    |\.(?![0-9])
    |[-+*/<>=!(),\[\]{}:;%@&|^~$?`]
    )*+""",
    re.VERBOSE,
)
"""Text made only of words that :func:`scan` accepts and no duration: most guards, checked in one regular
expression (a test keeps the two in step: whatever this accepts, the word-by-word scan accepts too). A digit run
with letters (``72h``) does not match, and neither does a name that may be an ISO duration (``P3D``, ``PT72H``), so
that the word-by-word scan finds every duration. Every word is an atomic group
and every repetition possessive, so a text that does not match fails in linear time: with backtracking, a name of
30 letters followed by '#' took seconds, and each further letter doubled it."""


def scan(text: str) -> list[ExprIssue]:
    """Every word of ``text`` the guard language does not accept, in text order ([] when all are fine)."""
    return read_words(text).issues


def read_words(text: str) -> Words:
    """Every word of ``text`` the guard language does not accept, and every duration literal, in text order."""
    if _CLEAN.fullmatch(text):
        return Words([], ())
    return _words(text)


def scan_words(text: str) -> list[ExprIssue]:
    """:func:`scan`, word by word: what each refused word is, and where."""
    return _words(text).issues


def _words(text: str) -> Words:
    found: list[ExprIssue] = []
    durations: list[Duration] = []
    previous: tuple[str, int, int] | None = None  # kind, start and end of the last token
    at, size = 0, len(text)
    while at < size:
        if (space := _SPACE.match(text, at)) is not None:
            at = space.end()
            continue
        if text[at] == "#":
            message = "a guard cannot hold a comment: '#' would hide everything after it"
            hint = "remove the '#' and what follows; write remarks under the transition's 'note:'"
            found.append(_issue(Code.PW202, at, size - at, message, hint))
            break
        kind, end, problem = _token(text, at, previous)
        if problem is not None:
            if found and found[-1].offset >= problem.offset:  # a word refused again, whole
                found.pop()
            found.append(problem)
        elif kind == "duration":
            durations.append(Duration(at, end - at, parse_duration(text[at:end])))
        previous = (kind, at, end)
        at = end
    return Words(found, tuple(durations))
