"""Lint finishes promptly on hostile definitions: the exhaustive checks are planned within a budget of evaluations,
whatever is beyond it is named by PW519 (information), and the number of evaluations made never exceeds the budget.
Small versions run in the quick tests; the sizes that once hung run as slow tests. No timing is asserted: the
budget is counted in evaluations."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pathway.definition.analysis import Analysis
from pathway.definition.domains import assignments
from pathway.definition.loader import check_document
from pathway.expr import Compiled
from pathway.linter import exhaustive, lint_file
from pathway.linter.base import RULES
from pathway.linter.cycles import loops
from pathway.linter.exhaustive import Table, tables
from pathway.source.reader import parse_text
from tests import hostile


def analysed(text: str) -> Analysis:
    result = check_document(parse_text(text, "<hostile>", max_nodes=10**7))
    assert result.ok, result.diagnostics[:3]
    assert result.analysis is not None
    return result.analysis


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every evaluation of a compiled guard or derived fact."""
    count = [0]
    real = Compiled.evaluate

    def counting(self: Compiled, scope: object) -> object:
        count[0] += 1
        return real(self, scope)  # type: ignore[arg-type]

    monkeypatch.setattr(Compiled, "evaluate", counting)
    return count


def findings(analysis: Analysis) -> dict[str, list[str]]:
    """Every rule's findings (code -> messages), running each rule twice: the second run must agree."""
    out: dict[str, list[str]] = {}
    for code in sorted(RULES):
        first = [issue.message for issue in RULES[code].check(analysis)]
        assert [issue.message for issue in RULES[code].check(analysis)] == first
        out[code] = first
    return out


def test_a_state_too_large_for_one_check_is_skipped_and_named(evaluations: list[int]) -> None:
    """The finding: 17 booleans and 780 transitions did not finish in 10 minutes (131,072 patients x 780 guards)."""
    analysis = analysed(hostile.many_booleans(17, 780))
    found = findings(analysis)
    (info,) = found["PW519"]
    assert "(no event) would take at least 305,370 evaluations" in info  # 780 guards, 304,590 pairs of 781
    assert f"(the limit is {exhaustive.MAX_PER_CHECK:,} per check)" in info
    assert found["PW510"] == found["PW511"] == found["PW512"] == found["PW513"] == []
    assert evaluations[0] == 0  # planned, not tried


def test_a_state_within_the_budget_is_checked_in_full(evaluations: list[int]) -> None:
    analysis = analysed(hostile.many_booleans(10, 100))
    found = findings(analysis)
    assert found["PW519"] == []
    assert found["PW511"]  # the generated guards shadow one another
    known = tables(analysis)
    assert known.spent == known.budget <= exhaustive.MAX_PER_CHECK
    assert 0 < evaluations[0] <= known.budget


def test_the_file_budget_skips_the_states_past_it_in_document_order(
    monkeypatch: pytest.MonkeyPatch, evaluations: list[int]
) -> None:
    monkeypatch.setattr(exhaustive, "MAX_PER_FILE", 5_000)
    analysis = analysed(hostile.integer_states(40))
    found = findings(analysis)
    known = tables(analysis)
    assert known.skipped
    assert known.planned
    assert known.budget <= 5_000
    assert evaluations[0] <= known.budget
    skipped = [key for key in known.skipped if not key[0].startswith("s0->")]
    assert skipped  # the first state was checked, later ones were not
    assert len(found["PW519"]) == len(known.skipped)
    assert all(message.endswith("(the limit is 5,000 for the file)") for message in found["PW519"])


@pytest.mark.parametrize("states", [20, 200])
def test_states_with_many_integer_literals_are_checked_with_their_own_boundaries(states: int) -> None:
    """The finding: 200 states with integer facts took 186 s; each state's table now uses only its own literals."""
    analysis = analysed(hostile.integer_states(states))
    found = findings(analysis)
    assert found["PW519"] == []
    assert len(found["PW513"]) == 3 * states  # the three guards of each state overlap pairwise
    assert tables(analysis).budget <= exhaustive.MAX_PER_FILE


@pytest.mark.slow
def test_two_thousand_integer_states_stop_at_the_file_budget(evaluations: list[int]) -> None:
    analysis = analysed(hostile.integer_states(2_000))
    found = findings(analysis)
    assert found["PW519"]
    assert evaluations[0] <= exhaustive.MAX_PER_FILE + exhaustive.MAX_PER_FILE  # tables, then PW503's checks


@pytest.mark.slow
def test_seventeen_booleans_and_780_transitions_lint_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "pathway.yaml"
    path.write_text(hostile.many_booleans(17, 780), encoding="utf-8")
    result = lint_file(path)
    assert result.ok
    assert [d.code for d in result.diagnostics] == ["PW519"]


# --- eventless cycles ------------------------------------------------------------------------------------------


def test_a_ring_of_states_is_searched_once(evaluations: list[int]) -> None:
    analysis = analysed(hostile.eventless_ring(300))
    found = loops(analysis)
    (cycle,) = found.cycles
    assert len(cycle[0]) == 300
    assert found.stopped is None
    assert found.steps == 599 + 16 * 300  # one search around the ring (not one per state), one check of 16 patients
    (message,) = findings(analysis)["PW503"]
    assert message.startswith("eventless cycle s0 -> s1 -> s2")


@pytest.mark.slow
def test_a_ring_of_eight_thousand_states_is_linted() -> None:
    analysis = analysed(hostile.eventless_ring(8_000))
    assert len(findings(analysis)["PW503"]) == 1


def test_the_cycle_search_stops_at_the_budget_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pathway.linter.cycles.MAX_PER_FILE", 100)
    analysis = analysed(hostile.eventless_ring(300))
    found = findings(analysis)
    assert found["PW503"] == []
    assert found["PW519"] == [
        "the search for eventless cycles took 100 steps, the limit for the file; PW503 did not search from here on"
    ]


def test_a_loop_check_beyond_the_budget_counts_as_a_loop_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pathway.linter.cycles.MAX_PER_CHECK", 1)
    analysis = analysed(hostile.eventless_ring(3))
    ((cycle, unchecked),) = loops(analysis).cycles
    assert unchecked is not None
    assert "past the limit of 1 per check" in unchecked
    (issue,) = RULES["PW503"].check(analysis)
    assert issue.hint is not None
    assert "not checked exhaustively" in issue.hint


def test_a_chain_of_states_has_no_cycle_to_search() -> None:
    analysis = analysed(hostile.integer_states(300))
    found = loops(analysis)
    assert (found.cycles, found.stopped, found.steps) == ((), None, 0)


# --- the tables themselves -------------------------------------------------------------------------------------


def test_rows_decode_in_the_order_assignments_enumerates() -> None:
    domains = {"a": (False, True), "b": ("x", "y", "z"), "n": (1, 2)}
    table = Table(("a", "b", "n"), tuple(domains.values()), (), 12)
    expected = list(assignments(["n", "b", "a"], domains, include_unknown=False))
    assert [table.assignment(row) for row in range(12)] == expected
    assert table.first(0) is None
    assert table.first(0b1000) == expected[3]


def test_columns_are_the_rows_where_each_transition_is_true() -> None:
    analysis = analysed(hostile.many_booleans(3, 4))
    transitions = analysis.index.outgoing("start")
    table = tables(analysis).table(transitions)
    assert table is not None
    for row, (a, b, c) in enumerate(itertools.product((False, True), repeat=3)):
        facts = {"b0": a, "b1": b, "b2": c}
        assert table.assignment(row) == facts
        truths = [bool(column >> row & 1) for column in table.columns]
        assert truths[:4] == [
            facts[f"b{i % 3}"] and not facts[f"b{(i * 7 + 1) % 3}"] or facts[f"b{(i * 13 + 2) % 3}"] for i in range(4)
        ]
        assert truths[4] == (not any(truths[:4]))  # otherwise


# --- parallel regions ------------------------------------------------------------------------------------------


def test_many_parallel_states_are_each_walked_once() -> None:
    found = findings(analysed(hostile.parallel_regions(300)))["PW504"]
    assert len(found) == 900  # every region of every parallel state leaves on 'tick' while the others move
    assert found[0] == (
        "'p0_r0_a->p1' leaves parallel state 'p0' on 'tick', which also moves p0_r1_a->p1, p0_r2_a->p1 "
        "in another region"
    )


def test_a_conflict_names_the_first_other_transitions_and_counts_the_rest() -> None:
    found = findings(analysed(hostile.parallel_regions(1, 40)))["PW504"]
    assert len(found) == 40
    assert found[0].endswith(
        "which also moves p0_r10_a->done, p0_r11_a->done, p0_r12_a->done, p0_r13_a->done, "
        "p0_r14_a->done and 34 more in another region"
    )
