"""Did-you-mean suggestions stay cheap with thousands of mistakes among thousands of names, and a terminal report
stops after the first findings of a file with one line that counts the rest."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway
from pathway.diagnostics import MAX_SHOWN, Diagnostic, Severity, did_you_mean, one_of, render_text, suggest
from tests import hostile

NAMES = [f"step_{i}" for i in range(2_000)]


def _difflib(name: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(name, sorted(set(choices)), n=1, cutoff=0.6)
    return found[0] if found else None


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    name=st.text("abcde_", max_size=8),
    choices=st.lists(st.text("abcde_", min_size=1, max_size=8), max_size=suggest.SCAN_ALL),
)
def test_a_small_set_of_choices_gets_exactly_difflibs_answer(name: str, choices: list[str]) -> None:
    assert suggest.closest(name, choices) == _difflib(name, choices)


def _typos(word: str) -> list[str]:
    return [
        word[:2] + "x" + word[2:],  # insertion
        word[:2] + word[3:],  # deletion
        word[:2] + "x" + word[3:],  # substitution
        word[:1] + word[2] + word[1] + word[3:],  # transposition
    ]


@pytest.mark.parametrize("word", ["step_7", "step_1234", "step_1999"])
def test_a_typo_of_one_edit_is_found_among_thousands(word: str) -> None:
    for typo in _typos(word):
        found = suggest.closest(typo, frozenset(NAMES))
        assert found is not None
        assert difflib.SequenceMatcher(None, typo, found).ratio() >= suggest.CUTOFF
        assert difflib.SequenceMatcher(None, typo, found).ratio() >= difflib.SequenceMatcher(None, typo, word).ratio()


def test_a_name_far_from_every_choice_gets_no_suggestion() -> None:
    assert did_you_mean("completely_different", NAMES) is None
    assert did_you_mean("x" * 1000, NAMES) is None


def test_ranking_compares_a_bounded_number_of_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    ranked: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: Sequence[str], n: int, cutoff: float) -> list[str]:
        ranked.append(len(possibilities))
        return real(word, possibilities, n, cutoff)

    monkeypatch.setattr(suggest.difflib, "get_close_matches", counting)
    choices = frozenset(NAMES)
    for i in range(200):
        suggest.closest(f"stepp_{i}", choices)
    assert len(ranked) == 200
    assert max(ranked) <= suggest.MAX_CANDIDATES + 2 * len("stepp_499")


def test_one_of_lists_the_first_values_and_counts_the_rest() -> None:
    assert one_of(["b", "a", "b"]) == "['a', 'b']"
    assert one_of(NAMES, limit=2) == "['step_0', 'step_1' and 1998 more]"


def test_every_undeclared_target_among_thousands_gets_its_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "pathway.yaml"
    path.write_text(hostile.undeclared_targets(500), encoding="utf-8")
    diagnostics = pathway.validate(path)
    assert len(diagnostics) == 500
    for diag in diagnostics:
        assert diag.code == "PW102"
        target = diag.message.removeprefix("undeclared state 'stepp_").removesuffix("'")
        assert diag.hint == f"did you mean 'step_{target}'?"


@pytest.mark.slow
def test_eight_thousand_undeclared_targets_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "pathway.yaml"
    path.write_text(hostile.undeclared_targets(8_000), encoding="utf-8")
    diagnostics = pathway.validate(path)
    assert [d.code for d in diagnostics] == ["PW102"] * 8_000
    assert all(d.hint and d.hint.startswith("did you mean 'step_") for d in diagnostics)


# --- the terminal report is capped per file -------------------------------------------------------------------


def _findings(file: str, count: int, severity: Severity = Severity.ERROR) -> list[Diagnostic]:
    return [
        Diagnostic(code="PW102", severity=severity, message=f"finding {i}", file=file, line=i + 1) for i in range(count)
    ]


def test_a_file_with_thousands_of_findings_shows_the_first_and_counts_the_rest() -> None:
    text = render_text(_findings("big.yaml", 2_000) + _findings("big.yaml", 5, Severity.WARNING))
    lines = text.splitlines()
    assert sum(line.startswith("big.yaml:") and " PW102 " in line for line in lines) == MAX_SHOWN
    assert lines[-1] == "big.yaml: and 1,805 more not shown (1,800 errors, 5 warnings); the JSON output lists every one"


def test_the_cap_is_per_file_and_can_be_lifted() -> None:
    findings = _findings("a.yaml", 3) + _findings("b.yaml", 4)
    lines = render_text(findings, limit=2).splitlines()
    assert [line for line in lines if "more not shown" in line] == [
        "a.yaml: and 1 more not shown (1 error); the JSON output lists every one",
        "b.yaml: and 2 more not shown (2 errors); the JSON output lists every one",
    ]
    assert lines.index("a.yaml: and 1 more not shown (1 error); the JSON output lists every one") < lines.index(
        "b.yaml:1:1: PW102 finding 0"
    )
    assert "more not shown" not in render_text(findings, limit=None)
    assert "more not shown" not in render_text(_findings("a.yaml", MAX_SHOWN))
