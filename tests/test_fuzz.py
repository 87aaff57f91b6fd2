"""Fuzzing the inputs a designer controls (slow: hypothesis).

1. The YAML reader, on random text and on bundled definitions with random edits: it returns a document or raises
   our InvalidInputError (or UnreadableInputError), never anything else, and every finding is located in the text.
2. A mutated definition that reads goes through the whole-file checks and, when valid, through every lint rule,
   without an exception; every finding is located.
3. The guard language, on random text with Unicode, Python syntax and junk: compiling never raises, every issue is
   located inside the text; the one-expression fast path of the word scan never accepts what the word-by-word scan
   refuses; the names found while parsing are the names of the tree.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from pathway.definition.loader import check_document
from pathway.diagnostics import Diagnostic
from pathway.errors import InvalidInputError
from pathway.expr import Compiled, compile_expr
from pathway.expr.lexical import _CLEAN, scan_words
from pathway.expr.parse import names_in, parse
from pathway.linter.base import run_rules
from pathway.source.reader import _BREAK, SourceDocument, parse_text
from tests.conftest import ROOT
from tests.test_sandbox_corpus import FACTS

pytestmark = pytest.mark.slow

DEFINITIONS = {
    path.parent.name: path.read_text(encoding="utf-8") for path in (ROOT / "definitions").glob("*/pathway.yaml")
}
YAML_BITS = list("[]{}\"'#:-,&*!|>?%@`\t\n ") + ["\n  ", ": ", "- ", "&a ", "*a", "!!str ", "---\n", "...\n", "\u2028"]
FUZZ = settings(max_examples=300)


def located(diagnostics: list[Diagnostic], text: str) -> None:
    lines = len(_BREAK.split(text)) + 1  # the line breaks PyYAML counts, and the end of the file
    for diag in diagnostics:
        assert 1 <= diag.line <= lines, diag
        assert diag.column >= 1, diag
        assert diag.code.startswith("PW"), diag


def read(text: str) -> SourceDocument | None:
    """The document, or None when the reader refused the text with located findings (nothing else may escape)."""
    try:
        return parse_text(text, "fuzz.yaml")
    except InvalidInputError as error:  # UnreadableInputError is one too
        refused = list(error.diagnostics)
    assert refused
    located(refused, text)
    return None


yaml_text = st.lists(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=6)), max_size=60).map("".join)


@FUZZ
@given(yaml_text)
def test_the_reader_refuses_random_text_with_located_findings_only(text: str) -> None:
    read(text)


@st.composite
def mutated(draw: st.DrawFn, name: str) -> str:
    """A bundled definition with one to four random edits: a span deleted, YAML punctuation or junk inserted, a line
    duplicated or moved."""
    text = DEFINITIONS[name]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["delete", "insert", "duplicate", "move"]))
        if edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif edit == "insert":
            text = text[:at] + draw(st.one_of(st.sampled_from(YAML_BITS), st.text(max_size=4))) + text[at:]
        else:
            lines = text.split("\n")
            line = lines.pop(draw(st.integers(0, len(lines) - 1)))
            if edit == "duplicate":
                lines.insert(min(len(lines), draw(st.integers(0, len(lines)))), line)
            lines.insert(draw(st.integers(0, len(lines))), line)
            text = "\n".join(lines)
    return text


def checked(text: str, lint: bool) -> None:
    doc = read(text)
    if doc is None:
        event("refused by the reader")
        return
    result = check_document(doc)
    located(list(result.diagnostics), text)
    event("valid" if result.ok else "invalid")
    if lint and result.ok and result.analysis is not None:
        for _, issue in run_rules(result.analysis):
            assert issue.code.startswith("PW5")


@FUZZ
@given(mutated("example"))
def test_an_edited_example_definition_is_read_checked_and_linted_without_an_exception(text: str) -> None:
    checked(text, lint=True)


@settings(max_examples=60)
@given(mutated("bipn"))
def test_an_edited_bipn_definition_is_read_and_checked_without_an_exception(text: str) -> None:
    checked(text, lint=False)


GUARD_BITS = [
    "grade", "dose", "pain", "route", "'iv'", '"sc"', "3", "6.5", "0x1", "1e3", "1_0", ".5", "1.", "007", "1j",
    " and ", " or ", "not ", " == ", " >= ", " < ", " in ", " + ", " * ", " / ", " ** ", "(", ")", "[", "]", ", ",
    "max(", "known(", "days_since(", "lambda: ", "#", "\\", "\n", "\t", "\f", "__import__", ".__class__",
    "ｇrade", "é", "\u00a0", "𝓮", "'", '"', 'r"', 'f"{', "}", ":=", "if", "else", "...", "\x00", "\x1b",
    "72h", "1d12h", "PT72H", "P3D", "P3M", "3x", "0h", "time_in_state()", "last(", "time_since(",
]  # fmt: skip
guard_text = st.lists(st.one_of(st.sampled_from(GUARD_BITS), st.text(max_size=3)), max_size=25).map("".join)


@FUZZ
@given(guard_text)
def test_compiling_any_guard_text_returns_located_issues_and_never_raises(text: str) -> None:
    for want_bool in (True, False):
        result = compile_expr(text, FACTS, want_bool=want_bool)
        if isinstance(result, Compiled):
            continue
        assert result
        for issue in result:
            assert 0 <= issue.offset < max(len(text), 1)
            assert 1 <= issue.length <= max(len(text) - issue.offset, 1)


@FUZZ
@given(guard_text)
def test_the_fast_scan_never_accepts_what_the_word_scan_refuses(text: str) -> None:
    if _CLEAN.fullmatch(text):
        assert scan_words(text) == []


@FUZZ
@given(guard_text)
def test_the_names_found_while_parsing_are_the_names_of_the_tree(text: str) -> None:
    parsed = parse(text)
    if not isinstance(parsed, list):
        tree, source = parsed
        assert source.names == names_in(tree)


def test_the_fuzzed_definitions_exist() -> None:
    assert set(DEFINITIONS) >= {"bipn", "example"}
