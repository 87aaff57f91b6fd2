"""Strict JSON for the JSON lines pathway reads (trails, JSONL journeys): one object a line, read safely.

:func:`json_object` refuses, with a reason in words, what ``json.loads`` would accept or crash on: nesting deeper
than :data:`MAX_DEPTH` (checked before parsing, so a line of a hundred thousand brackets costs a scan, not a
RecursionError), a key given twice in one object (``json.loads`` keeps the last one silently, so a reader and a
program could see different values), ``NaN`` and ``Infinity``, a number too long to convert or too large to be
exact, an unpaired surrogate escape (``"\\ud800"``: not text, it cannot be hashed or printed), text that is not
UTF-8, and anything but an object.
"""

from __future__ import annotations

import json
import re
from math import isfinite
from typing import Any

MAX_DEPTH = 32
"""The deepest nesting of objects and lists a JSON line may have (a trail record's is at most 5)."""
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(rb"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Twice(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):  # a key given twice: the first that is
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Twice(key)
            seen.add(key)
    return record


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed")


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text nests objects and lists more than ``limit`` levels deep (brackets inside strings do
    not count). A line with few brackets is not scanned at all; a scan stops as soon as the limit is passed."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    if b"\\" not in raw and raw.count(b'"') % 2 == 0 and _shallow(raw, limit):
        return False
    level = 0
    for bracket in _BRACKET.findall(_STRING.sub(b'""', raw)):
        level += 1 if bracket in b"[{" else -1
        if level > limit:
            return True
    return False


_ROUND = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def _shallow(raw: bytes, limit: int) -> bool:
    """Whether a text without escapes, its quotes paired, has balanced brackets outside its strings (every other
    piece between quotes) nested at most ``limit`` deep: taking out every innermost pair at once takes out one
    level, so balanced brackets ``limit`` deep are gone after ``limit`` rounds. False also when unbalanced (the
    scan then decides), so True is certain."""
    brackets = b"".join(raw.split(b'"')[::2]).translate(_ROUND, _NOT_BRACKET)
    for _ in range(limit):
        if not brackets:
            return True
        reduced = brackets.replace(b"()", b"")
        if len(reduced) == len(brackets):
            return False  # unbalanced
        brackets = reduced
    return not brackets


def _text(value: object) -> bool:
    """No unpaired surrogate (``"\\ud800"`` alone) in any key or string: that is not text, and cannot be encoded."""
    if isinstance(value, str):
        return not _SURROGATE.search(value)
    if isinstance(value, dict):
        return all(_text(k) and _text(v) for k, v in value.items())
    return all(_text(v) for v in value) if isinstance(value, list) else True


def json_object(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """(the object, '') for a line that holds one JSON object, else (None, what is wrong with it, completing
    "the line ...")."""
    if too_deep(raw):
        return None, f"is nested more than {MAX_DEPTH} levels deep"
    huge: list[float] = []

    def number(text: str) -> float:
        value = float(text)
        if not isfinite(value):  # too large: float() gives infinity
            huge.append(value)
        return value

    try:
        text = raw.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_reject_constant, parse_float=number)
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"
    except _Twice as twice:
        shown = json.dumps(twice.key, ensure_ascii=True)[:80]
        return None, f"holds the key {shown} twice in one object (a reader would see one value, a program another)"
    except ValueError as err:  # JSONDecodeError is a ValueError; so are NaN/Infinity and too many digits
        return None, f"is not valid JSON: {getattr(err, 'msg', err)}"
    if not isinstance(value, dict):
        return None, "is not a JSON object"
    if huge:
        return None, "holds a number too large to be exact"
    if "\\u" in text and not _text(value):  # only an escape can give a surrogate: UTF-8 text has none
        return None, "holds an unpaired surrogate escape (such as \\ud800 alone), which is not text"
    return value, ""
