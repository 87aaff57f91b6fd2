"""Strict JSON lines (:mod:`pathway.source.jsontext`): what :func:`json_object` gives and refuses, and why, is what
the plain reading gives (each object's keys checked one by one, every number and string of the parsed value walked
afterwards), on lines made to break each rule and on random ones (hypothesis)."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathway.source.jsontext import MAX_DEPTH, json_object, too_deep

_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def reference_too_deep(raw: bytes, limit: int) -> bool:
    """Nesting deeper than ``limit``, by scanning every bracket outside strings."""
    level = 0
    for bracket in re.findall(rb"[\[\]{}]", _STRING.sub(b'""', raw)):
        level += 1 if bracket in b"[{" else -1
        if level > limit:
            return True
    return False


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for key, value in pairs:
        if key in record:
            raise KeyError(key)
        record[key] = value
    return record


def _finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return all(_finite(v) for v in value) if isinstance(value, list) else True


def _text(value: object) -> bool:
    if isinstance(value, str):
        return not _SURROGATE.search(value)
    if isinstance(value, dict):
        return all(_text(k) and _text(v) for k, v in value.items())
    return all(_text(v) for v in value) if isinstance(value, list) else True


DEPTHS = [
    b"[" * 3 + b"]" * 3,
    b"[{}]" * 40,
    b"[" * 5 + b"]" * 5 + b"{" * 6 + b"}" * 6,
    b"[]" * 3 + b"[" * 4 + b"]" * 4,
    b"]" * 3 + b"[" * 40,
    b"[" * 40,
    b"}" * 40 + b"{" * 40,
    b"[" * 4 + b'"' + b"[" * 10 + b'"' + b"]" * 4 + b"{}" * 20,
    b"[" * 4 + b'"' + b"[" * 10 + b"]" * 4 + b"{}" * 20,
    b"[" * 4 + b'"\\"' + b"[" * 10 + b'"' + b"]" * 4 + b"{}" * 20,
    b"[[[[]]]" * 10,
    b"[" * 3 + b"][" * 30 + b"]" * 3,
]


@pytest.mark.parametrize("raw", DEPTHS)
@pytest.mark.parametrize("limit", [2, 4, 5, 8])
def test_the_depth_is_judged_as_scanning_every_bracket_judges_it(raw: bytes, limit: int) -> None:
    assert too_deep(raw, limit) == reference_too_deep(raw, limit)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.text(alphabet='[]{}"\\ a', max_size=60), st.integers(0, 6))
def test_the_depth_of_random_text_is_judged_as_scanning_judges_it(text: str, limit: int) -> None:
    raw = text.encode()
    assert too_deep(raw, limit) == reference_too_deep(raw, limit)


def reference(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The plain reading: which rule a line breaks first (the messages' first words), or its object."""
    if too_deep(raw):
        return None, "is nested"

    def constant(name: str) -> object:
        raise ValueError(name)

    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_pairs, parse_constant=constant)
    except UnicodeDecodeError:
        return None, "is not UTF-8"
    except KeyError as twice:
        return None, f"holds the key {json.dumps(twice.args[0], ensure_ascii=True)[:80]} twice"
    except ValueError:
        return None, "is not valid JSON"
    if not isinstance(value, dict):
        return None, "is not a JSON object"
    if not _finite(value):
        return None, "holds a number too large"
    if not _text(value):
        return None, "holds an unpaired surrogate"
    return value, ""


def same_as_reference(raw: bytes) -> None:
    value, problem = json_object(raw)
    expected, why = reference(raw)
    assert problem.startswith(why), (raw, problem, why)
    assert bool(problem) == bool(why), (raw, problem, why)
    assert value == expected
    assert json.dumps(value) == json.dumps(expected)  # the same types too (1.0 is not 1)


LINES = [
    b'{"a": 1, "b": [1.5, -0.0, 1e308, {"c": "\\u00e9"}]}',
    b'{"a": 1e400}',
    b'{"a": [1, {"b": -1e999}]}',
    b"[1e400]",
    b'{"a": "\\ud800"}',
    b'{"\\udfff": 1}',
    b'{"a": "\\ud83d\\ude00"}',
    b'{"a": "\\\\ud800"}',
    b'{"a": 1, "a": 2}',
    b'{"a": {"b": 1, "c": 2, "b": 3}}',
    b'{"a": 1, "b": {"a": 1}}',
    b'{"x": NaN}',
    b'{"x": -Infinity}',
    b'{"x": 1' + b"0" * 5000 + b"}",
    b'{"x": "\xff"}',
    b'{"x": 1.' + b"1" * 400 + b"}",
    b'{"a": "\xed\xa0\x80"}',
    b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
    b'{"a": [[[[1]]]]}',
    b"{}",
    b'"text"',
    b"{",
]


@pytest.mark.parametrize("raw", LINES)
def test_a_line_reads_as_the_plain_reading_reads_it(raw: bytes) -> None:
    same_as_reference(raw)


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.dictionaries(st.text(max_size=4), VALUES, max_size=4), st.integers(0, 3))
def test_random_lines_read_as_the_plain_reading_reads_them(data: dict[str, Any], twist: int) -> None:
    """Written by json.dumps (infinities as ``Infinity``, surrogates escaped), and now and then with a key given
    twice or a float made too large."""
    text = json.dumps(data, ensure_ascii=twist % 2 == 0, allow_nan=True)
    if twist == 1 and data:
        key = json.dumps(next(iter(data)))
        text = text[:-1] + ("," if len(text) > 2 else "") + f"{key}: 1}}"
    if twist == 3:
        text = text.replace("Infinity", "1e999")
    same_as_reference(text.encode("utf-8", errors="surrogatepass"))
