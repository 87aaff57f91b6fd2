"""pathway.source.reader: safe YAML 1.2 loading with the position of every node, limits, and located errors."""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pathway.errors import InvalidInputError, UnreadableInputError
from pathway.source.reader import Mark, SourceDocument, load_file, parse_text

LOADERS = [pytest.param(yaml.SafeLoader, id="pure")]
if yaml.__with_libyaml__:
    LOADERS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest) -> Any:
    return request.param


def parse(text: str, loader: Any, **limits: int) -> SourceDocument:
    return parse_text(textwrap.dedent(text), "doc.yaml", loader=loader, **limits)


def failure(text: str, loader: Any, **limits: int) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as caught:
        parse(text, loader, **limits)
    return caught.value


def found(error: InvalidInputError) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in error.diagnostics]


# --- scalar resolution: YAML 1.2 core schema, not PyYAML's YAML 1.1
SCALARS = [
    ("null", None),
    ("Null", None),
    ("NULL", None),
    ("~", None),
    ("", None),
    ("nULL", "nULL"),
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("false", False),
    ("FALSE", False),
    ("tRUE", "tRUE"),
    ("yes", "yes"),
    ("no", "no"),
    ("Yes", "Yes"),
    ("on", "on"),
    ("off", "off"),
    ("ON", "ON"),
    ("y", "y"),
    ("n", "n"),
    ("0", 0),
    ("42", 42),
    ("-17", -17),
    ("+5", 5),
    ("0755", 755),
    ("0o17", 15),
    ("0o18", "0o18"),
    ("0x1F", 31),
    ("0xg", "0xg"),
    ("0b101", "0b101"),
    ("1_000", "1_000"),
    ("1:30", "1:30"),
    ("1.5", 1.5),
    ("-2.5e3", -2500.0),
    ("1e3", 1000.0),
    (".5", 0.5),
    ("1.", 1.0),
    ("+12.5E-1", 1.25),
    ("1.5e", "1.5e"),
    (".inf", math.inf),
    ("+.Inf", math.inf),
    ("-.INF", -math.inf),
    (".infinity", ".infinity"),
    ("2026-03-02", "2026-03-02"),
    ("2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z"),
    ("'true'", "true"),
    ('"0755"', "0755"),
    ("'~'", "~"),
    ("''", ""),
    ("!!str 123", "123"),
    ("!!str yes", "yes"),
    ("!!int '42'", 42),
    ("!!int 0x10", 16),
    ("!!float 1", 1.0),
    ('!!float "2.5"', 2.5),
    ("!!bool 'false'", False),
    ("!!null ''", None),
    ("!!null", None),
    ("! 12", "12"),
    ("!<tag:yaml.org,2002:str> 7", "7"),
]


@pytest.mark.parametrize(("written", "expected"), SCALARS, ids=[repr(s[0]) for s in SCALARS])
def test_scalar_resolves_by_yaml_1_2_core_schema(written: str, expected: object, loader: Any) -> None:
    value = parse(f"v: {written}\n", loader).data["v"]  # type: ignore[index]
    assert type(value) is type(expected)
    assert value == expected


@pytest.mark.parametrize("written", [".nan", ".NaN", ".NAN"])
def test_nan(written: str, loader: Any) -> None:
    value = parse(f"v: {written}\n", loader).data["v"]  # type: ignore[index]
    assert isinstance(value, float)
    assert math.isnan(value)


def test_block_scalars_and_multiline_plain_are_strings(loader: Any) -> None:
    doc = parse("a: |\n  12\n  true\nb: >\n  folded\n  text\nc: 12\n  34\n", loader)
    assert doc.data == {"a": "12\ntrue\n", "b": "folded text\n", "c": "12 34"}


def test_keys_resolve_like_values_and_merge_key_is_plain(loader: Any) -> None:
    doc = parse("1: one\nnull: nothing\nbase: &b {x: 1}\nderived:\n  <<: *b\n", loader)
    assert doc.data == {1: "one", None: "nothing", "base": {"x": 1}, "derived": {"<<": {"x": 1}}}


def test_alias_reuses_the_anchored_object(loader: Any) -> None:
    doc = parse("a: &x {k: [1, 2]}\nb: *x\nc: [*x]\n", loader)
    data: Any = doc.data
    assert data["b"] is data["a"]
    assert data["c"][0] is data["a"]


# --- positions and styles
NESTED = """\
pathway: demo
states:
  assess:
    title: "Assess"
    on: [start, 'stop']
    when: grade >= 3
  treat:
    - action: &dose dose
      note: |
        text
    - action: *dose
      amount: !!float 2
"""

KEY_MARKS = {
    ("pathway",): (1, 1),
    ("states",): (2, 1),
    ("states", "assess"): (3, 3),
    ("states", "assess", "title"): (4, 5),
    ("states", "assess", "on"): (5, 5),
    ("states", "assess", "when"): (6, 5),
    ("states", "treat"): (7, 3),
    ("states", "treat", 0, "action"): (8, 7),
    ("states", "treat", 0, "note"): (9, 7),
    ("states", "treat", 1, "action"): (11, 7),
    ("states", "treat", 1, "amount"): (12, 7),
}
VALUE_MARKS = {
    (): (1, 1),
    ("pathway",): (1, 10),
    ("states",): (3, 3),
    ("states", "assess"): (4, 5),
    ("states", "assess", "title"): (4, 12),
    ("states", "assess", "on"): (5, 9),
    ("states", "assess", "on", 0): (5, 10),
    ("states", "assess", "on", 1): (5, 17),
    ("states", "assess", "when"): (6, 11),
    ("states", "treat"): (8, 5),
    ("states", "treat", 0): (8, 7),
    ("states", "treat", 0, "action"): (8, 21),
    ("states", "treat", 0, "note"): (9, 13),
    ("states", "treat", 1): (11, 7),
    ("states", "treat", 1, "action"): (11, 15),
    ("states", "treat", 1, "amount"): (12, 23),
}
STYLES = {
    ("pathway",): None,
    ("states", "assess", "title"): '"',
    ("states", "assess", "on", 0): None,
    ("states", "assess", "on", 1): "'",
    ("states", "assess", "when"): None,
    ("states", "treat", 0, "action"): None,
    ("states", "treat", 0, "note"): "|",
    ("states", "treat", 1, "amount"): None,
}


def test_key_marks_of_a_nested_document(loader: Any) -> None:
    doc = parse(NESTED, loader)
    assert {path: (m.line, m.column) for path, m in doc.key_marks.items()} == KEY_MARKS


def test_value_marks_of_a_nested_document(loader: Any) -> None:
    doc = parse(NESTED, loader)
    assert {path: (m.line, m.column) for path, m in doc.value_marks.items()} == VALUE_MARKS


def test_styles_of_a_nested_document(loader: Any) -> None:
    assert dict(parse(NESTED, loader).styles) == STYLES


def test_value_mark_and_style_place_a_character_inside_a_scalar(loader: Any) -> None:
    doc = parse(NESTED, loader)
    for path, offset, fragment in [
        (("states", "assess", "when"), 6, ">="),
        (("states", "assess", "title"), 0, "A"),
    ]:
        mark, quote = doc.value_marks[path], doc.styles[path] is not None
        column = mark.column + quote + offset
        assert doc.line_text(mark.line)[column - 1 : column - 1 + len(fragment)] == fragment


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        ("a: &x 'quoted'\n", ("a",), Mark(1, 7)),
        ("a: !!str   plain\n", ("a",), Mark(1, 12)),
        ("a: &x !!str\n  # note\n  next\n", ("a",), Mark(3, 3)),
        ("a: !!null\nb: 1\n", ("b",), Mark(2, 4)),
        ("[&a x, !!int '3']\n", (1,), Mark(1, 14)),
    ],
    ids=["anchor", "tag", "properties-then-newline", "empty-tagged", "flow"],
)
def test_scalar_mark_is_after_anchor_and_tag(
    text: str, path: tuple[str | int, ...], expected: Mark, loader: Any
) -> None:
    assert parse(text, loader).value_marks[path] == expected


def test_mark_falls_back_to_the_nearest_recorded_ancestor(loader: Any) -> None:
    doc = parse(NESTED, loader)
    assert doc.mark(("states", "assess", "title")) == Mark(4, 12)
    assert doc.mark(("states", "assess", "title"), key=True) == Mark(4, 5)
    assert doc.mark(("states", "assess", "missing"), key=True) == Mark(4, 5)
    assert doc.mark(["states", "treat", 5, "x"]) == Mark(8, 5)
    assert doc.mark(("states", "treat", 0), key=True) == Mark(8, 7)
    assert doc.mark(()) == Mark(1, 1)
    assert doc.mark(("nowhere",)) == Mark(1, 1)


def test_nodes_under_an_alias_have_no_marks_of_their_own(loader: Any) -> None:
    doc = parse("base: &b {x: 1}\ncopy: *b\n", loader)
    assert doc.value_marks[("copy",)] == Mark(2, 7)
    assert ("copy", "x") not in doc.value_marks
    assert ("copy",) not in doc.styles
    assert doc.mark(("copy", "x")) == Mark(2, 7)


def test_non_ascii_columns_count_characters(loader: Any) -> None:
    doc = parse("é: ü\nb: [ä, ö]\n", loader)
    assert doc.value_marks[("é",)] == Mark(1, 4)
    assert doc.value_marks[("b", 1)] == Mark(2, 8)


def test_line_text(loader: Any) -> None:
    doc = parse("a: 1\r\nb: 2\x85c: 3\n", loader)
    assert doc.data == {"a": 1, "b": 2, "c": 3}
    assert [doc.line_text(n) for n in (0, 1, 2, 3, 4, 5)] == ["", "a: 1", "b: 2", "c: 3", "", ""]
    assert doc.value_marks[("c",)] == Mark(3, 4)


def test_document_records_text_and_display_path(loader: Any) -> None:
    doc = parse_text("\ufeffa: 1\n", "shown/path.yaml", loader=loader)
    assert (doc.path, doc.text, doc.data) == ("shown/path.yaml", "a: 1\n", {"a": 1})
    assert doc.value_marks[("a",)] == Mark(1, 4)


def test_both_loaders_build_identical_documents() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("libyaml is not installed")
    text = NESTED + "extra: &e [1, {k: ~}, 'q', 0x1F, 1e3]\nmore: *e\n? complex key\n: value\n"
    fast, pure = (parse_text(text, "x.yaml", loader=cls) for cls in (yaml.CSafeLoader, yaml.SafeLoader))
    assert fast.data == pure.data
    assert dict(fast.key_marks) == dict(pure.key_marks)
    assert dict(fast.value_marks) == dict(pure.value_marks)
    assert dict(fast.styles) == dict(pure.styles)


# --- errors
ERRORS = [
    ("flow-not-closed", "a: [1, 2\nb: 3\n", "PW001", 1, 4, "'[' is never closed ("),
    ("flow-mapping-not-closed", "a: {x: 1\nb: 3\n", "PW001", 1, 4, "'{' is never closed"),
    ("flow-wrong-closer", "a: [1, 2}\n", "PW001", 1, 9, "while parsing a flow sequence at line 1, column 4"),
    ("flow-missing-comma", "a: {x: 1 y: 2}\n", "PW001", 1, 11, "while parsing a flow mapping at line 1, column 4"),
    ("colon-in-plain", "a: b: c\n", "PW001", 1, 5, "mapping values are not allowed"),
    ("unterminated-quote", "a: 'x\n", "PW001", 1, 4, "the quote ' is never closed (found unexpected end of the file"),
    ("unterminated-quote-at-end", 'a: "x', "PW001", 1, 6, "found unexpected end of the file"),
    ("bad-indentation", "a:\n  b: 1\n c: 2\n", "PW001", 3, 2, "parsing a block mapping at line 1, column 1"),
    ("tab-indentation", "a:\n\tb: 1\n", "PW001", 2, 1, "cannot start any token"),
    ("control-character", "a: ok\nb: x\x01y\n", "PW001", 2, 5, "character U+0001 is not allowed"),
    ("nul-after-accent", "é: x\x00\n", "PW001", 1, 5, "character U+0000"),
    ("lone-surrogate", "a: \ud800\n", "PW001", 1, 4, "character U+D800"),
    ("undefined-alias", "a: 1\nb: *nope\n", "PW001", 2, 4, "alias *nope has no anchor before it"),
    ("recursive-alias", "a: &x [1, *x]\n", "PW001", 1, 11, "alias *x is inside the node it refers to"),
    ("yaml-2-directive", "%YAML 2.0\n---\na: 1\n", "PW001", 1, 1, "incompatible YAML document"),
    ("duplicate-key", "a: 1\nb: 2\na: 3\n", "PW002", 3, 1, "duplicate key 'a' (first defined on line 1)"),
    ("sequence-key", "? [a, b]\n: 1\n", "PW002", 1, 3, "a sequence cannot be a mapping key"),
    ("mapping-key", "{{a: 1}: 2}\n", "PW002", 1, 2, "a mapping cannot be a mapping key"),
    ("python-tag", "a: !!python/object:os.system x\n", "PW006", 1, 4, "tag !!python/object:os.system is not"),
    ("python-apply", "a: !!python/object/apply:os.system [ls]\n", "PW006", 1, 4, "!!python/object/apply:os"),
    ("custom-tag", "a: !foo x\n", "PW006", 1, 4, "tag !foo is not supported"),
    ("custom-tag-map", "a: !foo {x: 1}\n", "PW006", 1, 4, "tag !foo is not supported"),
    (
        "tag-handle",
        "%TAG !e! tag:example.org,2000:\n---\na: !e!x 1\n",
        "PW006",
        3,
        4,
        "tag:example.org,2000:x",
    ),
    ("timestamp-tag", "a: !!timestamp 2026-03-02\n", "PW006", 1, 4, "tag !!timestamp is not supported"),
    ("int-tag-mismatch", "a: !!int abc\n", "PW006", 1, 4, "'abc' is not a valid !!int value"),
    ("bool-tag-yaml11", "a: !!bool yes\n", "PW006", 1, 4, "'yes' is not a valid !!bool value"),
    ("float-tag-hex", "a: !!float 0x1\n", "PW006", 1, 4, "'0x1' is not a valid !!float value"),
    ("seq-tag-on-map", "a: !!seq {x: 1}\n", "PW006", 1, 4, "tag !!seq cannot be used on a mapping"),
    ("str-tag-on-seq", "a: !!str [1]\n", "PW006", 1, 4, "tag !!str cannot be used on a sequence"),
    ("map-tag-on-scalar", "a: !!map x\n", "PW006", 1, 4, "tag !!map cannot be used on a scalar"),
    ("integer-too-long", "a: " + "7" * 5000 + "\n", "PW006", 1, 4, "has 5000 digits"),
    ("empty", "", "PW008", 1, 1, "the document is empty"),
    ("only-comments", "# nothing\n\n# here\n", "PW008", 1, 1, "the document is empty"),
    ("bare-start-marker", "---\n", "PW008", 1, 1, "the document is empty"),
    ("two-documents", "a: 1\n---\nb: 2\n", "PW009", 2, 1, "more than one document"),
    ("two-explicit-documents", "--- 1\n--- 2\n", "PW009", 2, 1, "more than one document"),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "fragment"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_error_is_located(text: str, code: str, line: int, column: int, fragment: str, loader: Any) -> None:
    error = failure(text, loader)
    assert type(error) is InvalidInputError
    assert found(error) == [(code, line, column)]
    assert fragment in error.diagnostics[0].message
    assert error.diagnostics[0].file == "doc.yaml"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("a:\n\tb: 1\n", "indent with spaces"),
        ("a:\n  b: 1\n c: 2\n", "check the indentation"),
        ("a: 1\na: 2\n", "remove one of them"),
        ("a: !foo x\n", "the allowed tags are !!str"),
    ],
    ids=["tab", "indentation", "duplicate", "tag"],
)
def test_errors_carry_a_hint(text: str, hint: str, loader: Any) -> None:
    assert hint in (failure(text, loader).diagnostics[0].hint or "")


def test_syntax_error_message_names_no_parser_tokens() -> None:
    error = failure("a: [1\n", yaml.SafeLoader)  # the pure parser says "but got '<stream end>'"
    assert error.diagnostics[0].message == (
        "'[' is never closed (expected ',' or ']', but got the end of the file at line 2, column 1)"
    )


def test_non_yaml_tags_never_construct_objects(loader: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr("os.system", lambda command: calls.append(command))
    error = failure("- !!python/object/apply:os.system ['echo hi']\n- !!python/name:os.system x\n", loader)
    assert found(error) == [("PW006", 1, 3), ("PW006", 2, 3)]
    assert calls == []


def test_every_duplicate_key_is_reported_naming_the_first(loader: Any) -> None:
    text = """\
        a: 1
        b:
          x: 1
          y: 2
          x: 3
        a: 2
        c:
          - k: 1
            k: 2
            k: 3
        1: int
        0x1: same int
        a: 3
        """
    error = failure(text, loader)
    assert [(d.line, d.column, d.message) for d in error.diagnostics] == [
        (5, 3, "duplicate key 'x' (first defined on line 3)"),
        (6, 1, "duplicate key 'a' (first defined on line 1)"),
        (9, 5, "duplicate key 'k' (first defined on line 8)"),
        (10, 5, "duplicate key 'k' (first defined on line 8)"),
        (12, 1, "duplicate key 1 (first defined on line 11)"),
        (13, 1, "duplicate key 'a' (first defined on line 1)"),
    ]
    assert {d.code for d in error.diagnostics} == {"PW002"}


def test_findings_of_different_kinds_are_collected_together(loader: Any) -> None:
    error = failure("a: !foo 1\nb: 1\nb: 2\nc: *missing\n", loader)
    assert found(error) == [("PW006", 1, 4), ("PW002", 3, 1), ("PW001", 4, 4)]


def test_duplicate_keys_inside_a_complex_key_are_reported_without_a_first_line(loader: Any) -> None:
    error = failure("? {a: 1, a: 2}\n: v\n", loader)
    assert [(d.code, d.line, d.column, d.message) for d in error.diagnostics] == [
        ("PW002", 1, 3, "a mapping cannot be a mapping key"),
        ("PW002", 1, 10, "duplicate key 'a'"),
    ]


# --- limits (how long they take to refuse: bench/bench_limits.py)
def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefghijklmnop", "bcdefghijklmnop"[: levels - 1], strict=False):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_while_reading(loader: Any) -> None:
    error = failure(billion_laughs(), loader)
    assert type(error) is UnreadableInputError
    assert found(error) == [("PW005", 6, 12)]  # line 6 of 9: the count passes the limit long before 9**9 nodes
    assert "more than 200000 nodes" in error.diagnostics[0].message


def test_expanded_size_counts_each_alias_as_its_anchored_node(loader: Any) -> None:
    text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"  # 1 root + a + [4] + b + [1 + 4 + 4] = 16 nodes
    assert parse(text, loader, max_nodes=16).data == {"a": [1, 2, 3], "b": [[1, 2, 3], [1, 2, 3]]}
    assert found(failure(text, loader, max_nodes=15)) == [("PW005", 2, 9)]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[" * 10_000 + "]" * 10_000, {"libyaml": (1, 1001), "pure": (1, 65)}),
        ("".join(" " * i + "k:\n" for i in range(2_000)), {"libyaml": (65, 65), "pure": (65, 65)}),
        ("- " * 10_000 + "x\n", {"libyaml": (1, 129), "pure": (1, 129)}),
    ],
    ids=["flow-10000", "block-mapping-2000", "block-sequence-10000"],
)
def test_deep_nesting_is_refused_without_recursion(text: str, where: dict[str, tuple[int, int]], loader: Any) -> None:
    error = failure(text, loader)
    assert type(error) is UnreadableInputError
    name = "libyaml" if loader is not yaml.SafeLoader else "pure"
    assert found(error) == [("PW004", *where[name])]
    assert error.diagnostics[0].message == "nesting is deeper than 64 levels"


def test_nesting_up_to_max_depth_is_accepted(loader: Any) -> None:
    assert parse("a: {b: [1]}\n", loader, max_depth=3).data == {"a": {"b": [1]}}
    assert found(failure("a: {b: [1]}\n", loader, max_depth=2)) == [("PW004", 1, 8)]


# --- files
def test_load_file_reads_utf8_and_shows_the_display_path(tmp_path: Path, loader: Any) -> None:
    file = tmp_path / "p.yaml"
    file.write_bytes(b"\xef\xbb\xbfname: caf\xc3\xa9\n")
    doc = load_file(file, display="defs/p.yaml", loader=loader)
    assert (doc.path, doc.data, doc.value_marks[("name",)]) == ("defs/p.yaml", {"name": "café"}, Mark(1, 7))
    assert load_file(str(file), loader=loader).path == str(file)


def test_oversized_file_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "big.yaml"
    file.write_bytes(b"[" * (4 * 2**20 + 1))  # invalid YAML and over the default limit
    monkeypatch.setattr(yaml, "parse", lambda *args, **kwargs: pytest.fail("parsed an oversized file"))
    with pytest.raises(UnreadableInputError) as caught:
        load_file(file)
    assert found(caught.value) == [("PW003", 1, 1)]
    assert caught.value.diagnostics[0].message == "the file is larger than 4194304 bytes"


def test_size_limit_is_inclusive(tmp_path: Path, loader: Any) -> None:
    file = tmp_path / "ten.yaml"
    file.write_bytes(b"a: 123456\n")
    assert load_file(file, max_bytes=10, loader=loader).data == {"a": 123456}
    with pytest.raises(UnreadableInputError) as caught:
        load_file(file, max_bytes=9, loader=loader)
    assert found(caught.value) == [("PW003", 1, 1)]


@pytest.mark.parametrize(
    ("content", "where", "fragment"),
    [
        (b"a: 1\nb: caf\xe9\n", (2, 7), "byte 0xe9"),
        (b"\xff\xfea\x00:\x00", (1, 1), "byte 0xff"),
        (b"a: \xc3\xa9 \xc3\n", (1, 6), "byte 0xc3"),
        (b"\xef\xbb\xbfa: \xe9\n", (1, 4), "byte 0xe9"),
        (b"a: 1\rb: \x80\n", (2, 4), "byte 0x80"),
    ],
    ids=["latin-1", "utf-16", "truncated-sequence", "after-bom", "after-cr"],
)
def test_non_utf8_file_is_refused(tmp_path: Path, content: bytes, where: tuple[int, int], fragment: str) -> None:
    file = tmp_path / "bad.yaml"
    file.write_bytes(content)
    with pytest.raises(UnreadableInputError) as caught:
        load_file(file)
    assert found(caught.value) == [("PW007", *where)]
    assert fragment in caught.value.diagnostics[0].message


def test_missing_file_and_directory_are_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError) as missing:
        load_file(tmp_path / "nope.yaml", display="nope.yaml")
    assert [(d.code, d.file, d.message) for d in missing.value.diagnostics] == [
        ("PW007", "nope.yaml", "file not found")
    ]
    with pytest.raises(UnreadableInputError) as directory:
        load_file(tmp_path)
    assert found(directory.value) == [("PW007", 1, 1)]
    assert directory.value.exit_code == 2


@pytest.mark.parametrize(
    ("content", "code"), [(b"", "PW008"), (b"a: 1\n---\nb: 2\n", "PW009")], ids=["empty", "two-docs"]
)
def test_document_count_errors_from_files(tmp_path: Path, content: bytes, code: str) -> None:
    file = tmp_path / "f.yaml"
    file.write_bytes(content)
    with pytest.raises(InvalidInputError) as caught:
        load_file(file)
    assert type(caught.value) is InvalidInputError
    assert caught.value.exit_code == 1
    assert [d.code for d in caught.value.diagnostics] == [code]


# --- properties
_CORE_NON_STRING = re.compile(
    r"null|Null|NULL|~|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN"
)


def _round_trips(value: str) -> bool:
    """False for strings YAML 1.1 writes unquoted but YAML 1.2 reads as something else (e.g. 0o17, 1e3)."""
    return not (_CORE_NON_STRING.fullmatch(value) and not yaml.safe_dump(value).startswith(("'", '"')))


scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20).filter(_round_trips)
)
keys = st.text(max_size=10).filter(_round_trips)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=25,
)


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=documents, flow=st.sampled_from([False, True, None]), unicode=st.booleans())
def test_safe_dump_output_parses_back_to_the_same_data(
    data: object, flow: bool | None, unicode: bool, loader: Any
) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=unicode)
    assume(not re.search("[\x85\u2028\u2029]", text))  # PyYAML's emitter writes these raw, then misreads them
    assert parse_text(text, "dump.yaml", loader=loader).data == data


yamlish = st.text(alphabet=st.sampled_from(list("ab1.-:[]{},&*!|>'\"#?%@`~ \t\n\r\x85\u2028é\x00\ufeff")), max_size=60)


@pytest.mark.slow
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=documents, flow=st.sampled_from([False, True]))
def test_both_loaders_give_identical_marks_for_any_dumped_data(data: object, flow: bool) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("libyaml is not installed")
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=40)
    assume(not re.search("[\x85\u2028\u2029]", text))
    fast, pure = (parse_text(text, "x.yaml", loader=cls) for cls in (yaml.CSafeLoader, yaml.SafeLoader))
    assert (dict(fast.key_marks), dict(fast.value_marks)) == (dict(pure.key_marks), dict(pure.value_marks))
    assert dict(fast.styles) == dict(pure.styles)


@pytest.mark.slow
@settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(text=st.text(max_size=60) | yamlish)
def test_any_text_either_parses_or_raises_a_located_error(text: str, loader: Any) -> None:
    codes = ["parsed"]
    try:
        parse_text(text, "fuzz.yaml", loader=loader, max_depth=8, max_nodes=500)
    except InvalidInputError as error:
        codes = [f"{d.code} in {d.file}" for d in error.diagnostics]  # located: Diagnostic checks line, column >= 1
    assert codes
    assert all(re.fullmatch(r"PW00\d in fuzz\.yaml|parsed", code) for code in codes)
