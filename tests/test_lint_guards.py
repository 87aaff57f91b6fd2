"""PW51x guard rules: a failing and a passing fixture per rule, the finite domains, the findings on the bipn
pathway checked against the guards themselves, and properties of the counterexamples on random small pathways."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pathway
from pathway.definition.analysis import Analysis
from pathway.definition.domains import assignments, fact_domains
from pathway.definition.loader import check_document, load_analysis
from pathway.expr import Scope
from pathway.linter.base import LintIssue
from pathway.linter.guards import never_true, overlapping, shadowed, stuck, too_large, truths
from pathway.source.reader import parse_text
from pathway.trail.records import TransitionRecord
from tests.conftest import FIXTURES, ROOT

GUARDS = FIXTURES / "lint" / "guards"
Check = Callable[[Analysis], Iterable[LintIssue]]


def issues(check: Check, name: str) -> list[LintIssue]:
    return list(check(load_analysis(GUARDS / name)))


def counterexample(issue: LintIssue) -> dict[str, Any]:
    """The journey event printed in the hint, parsed back: its facts (decisions recorded come as entries of their
    own, read by :func:`decided`)."""
    assert issue.hint is not None
    events = yaml.safe_load(issue.hint.split("\n", 1)[1])
    assert len(events) == 1 + len(decided(issue))
    facts: dict[str, Any] = events[0]["facts"]
    return facts


def decided(issue: LintIssue) -> dict[str, datetime]:
    """The decisions the hint's journey records, as a Scope takes them (each recorded at the reference day)."""
    assert issue.hint is not None
    events = yaml.safe_load(issue.hint.split("\n", 1)[1])
    kinds = ("done", "declined", "signed")
    return {f"{k}({e[k]})": datetime(2026, 1, 1) for e in events for k in kinds if k in e}


@pytest.mark.parametrize(
    ("check", "name"),
    [(never_true, "never_true_ok.yaml"), (shadowed, "shadowed_ok.yaml"), (stuck, "stuck_ok.yaml")]
    + [(overlapping, "overlap_ok.yaml"), (too_large, "overlap.yaml")],
    ids=lambda v: v if isinstance(v, str) else v.__name__,
)
def test_passing_fixture_has_no_issue(check: Check, name: str) -> None:
    assert issues(check, name) == []


def test_pw510_never_true() -> None:
    found = issues(never_true, "never_true.yaml")
    assert [(i.code, i.path) for i in found] == [
        ("PW510", ("states", "start", "transitions", 0, "when")),
        ("PW510", ("states", "start", "transitions", 2, "when")),
    ]
    assert "'impossible' (when: n > 5 and n < 3)" in found[0].message
    assert "'contradictory_review'" in found[1].message


def test_pw511_shadowed() -> None:
    found = issues(shadowed, "shadowed.yaml")
    assert [(i.code, i.path[1], i.path[3]) for i in found] == [("PW511", "start", 1), ("PW511", "check", 2)]
    assert "'higher' (when: grade >= 3)" in found[0].message
    assert "'high' (earlier, no event)" in found[0].message
    assert "'never' (when: otherwise)" in found[1].message
    assert "'yes', 'no'" in found[1].message


def test_pw512_stuck_with_counterexample() -> None:
    (found,) = issues(stuck, "stuck.yaml")
    assert (found.code, found.path, found.key) == ("PW512", ("states", "episode", "states", "waiting"), True)
    assert counterexample(found) == {"a": True, "kind": "z"}  # kind y would leave through parent_exit
    assert found.hint is not None
    assert found.hint.endswith("- at: 2026-01-01\n  facts: {a: true, kind: z}")
    assert "'both' (when: a and kind == \"x\"), 'not_a' (when: not a)" in found.message


def test_pw513_overlap_with_witness() -> None:
    (found,) = issues(overlapping, "overlap.yaml")
    assert (found.code, found.path) == ("PW513", ("states", "start", "transitions", 1, "when"))
    assert "'high' (when: n >= 7) and 'mid' (when: n >= 3 and a)" in found.message
    assert counterexample(found) == {"a": True, "n": 7}


def test_pw519_too_large_is_skipped_and_said_once() -> None:
    (found,) = issues(too_large, "too_large.yaml")
    assert (found.code, found.path, found.key) == ("PW519", ("states", "start"), True)
    assert "18 facts with 262144 combinations" in found.message
    assert [check.__name__ for check in (never_true, shadowed, stuck) if issues(check, "too_large.yaml")] == []


def test_domains() -> None:
    analysis = load_analysis(GUARDS / "never_true_ok.yaml")
    domains = fact_domains(analysis)
    assert domains["n"] == (4, 5, 6, 7, 8)  # boundaries of 5 and 7, unbounded int
    assert domains["x"] == (0, 4, 5, 5.25, 5.5, 6.5)  # min, literals, midpoint, one beyond each end
    assert fact_domains(load_analysis(GUARDS / "shadowed.yaml"))["grade"] == (0, 1, 2, 3, 4)  # small range: all
    assert list(assignments(["b", "a"], {"a": (1, 2), "b": (True,)}, include_unknown=True)) == [
        {"a": 1, "b": True},
        {"a": 1},
        {"a": 2, "b": True},
        {"a": 2},
        {"b": True},
        {},
    ]


NAMED = re.compile(r"'([^']+)' \(when: ")  # the transitions a finding names


def test_bipn_findings_hold_for_the_patients_they_show() -> None:
    """On bipn: no guard is impossible or hidden and every group is small enough to check in full; each stuck
    patient makes every eventless guard of the state and of its ancestors false, and each overlap patient makes
    both guards true (evaluated here, not by the rules), among them high grade before low grade at grade 3."""
    analysis = load_analysis(ROOT / "definitions" / "bipn" / "pathway.yaml")

    def eventless(state: str) -> list[str]:
        return [t.id for t in analysis.index.outgoing(state) if t.event is None]

    def values(ids: Iterable[str], issue: LintIssue) -> list[object]:
        scope = Scope(counterexample(issue), analysis.derived, None, recorded=decided(issue))
        return [analysis.guards[i].evaluate(scope).value for i in ids]

    assert [i.code for check in (never_true, shadowed, too_large) for i in check(analysis)] == []
    stuck_states = []
    for issue in stuck(analysis):
        state = str(issue.path[-1])
        assert NAMED.findall(issue.message) == eventless(state)
        guards = [t for s in (state, *analysis.index.ancestors(state)) for t in eventless(s)]
        assert values(guards, issue) == [False] * len(guards), issue.message
        stuck_states.append(state)
    assert {"no_neuropathy", "off_treatment", "not_treated"} <= set(stuck_states)
    pairs = []
    for issue in overlapping(analysis):
        first, second = NAMED.findall(issue.message)
        assert values([first, second], issue) == [True, True], issue.message
        assert issue.message.endswith(f"document order picks '{first}'")
        pairs.append((first, second))
    assert ("grade_check->high_grade", "grade_check->low_grade") in pairs


# Random small pathways: one state 's', 2-4 eventless transitions to final states, guards over a, b, c and d.
ATOMS = ["a", "not a", "b", "not b", 'c == "x"', 'c != "y"', 'c in ["x", "z"]', "d"]
HEADER = """pathway: gen
version: 1.0.0
title: Generated
status: draft
facts:
  a: {type: bool}
  b: {type: bool}
  c: {type: enum, values: [x, y, z]}
derived:
  d: {expr: 'a and c == "z"'}
states:
  s:
    initial: true
    transitions:
"""


@st.composite
def small_pathways(draw: st.DrawFn) -> str:
    atom = st.sampled_from(ATOMS)
    guard = st.one_of(atom, st.builds(lambda x, op, y: f"{x} {op} {y}", atom, st.sampled_from(["and", "or"]), atom))
    guards = draw(st.lists(guard, min_size=2, max_size=4))
    if draw(st.booleans()):
        guards[-1] = "otherwise"
    lines = [HEADER]
    for i, when in enumerate(guards):
        lines.append(f"      - id: t{i}\n        to: f{i}\n        when: '{when}'\n")
    lines += [f"  f{i}:\n    final: true\n" for i in range(len(guards))]
    return "".join(lines)


def analysed(text: str) -> Analysis:
    result = check_document(parse_text(text, "<generated>"))
    assert result.ok, result.diagnostics
    assert result.analysis is not None
    return result.analysis


def stays(analysis: Analysis, facts: dict[str, Any]) -> bool:
    run = pathway.run(analysis, {"journey": "t", "events": [{"at": "2026-01-01", "facts": facts}]})
    moved = [r for r in run.records if isinstance(r, TransitionRecord) and r.source == "s"]
    return "s" in run.summary.states and not moved


PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@PROPERTY
@given(small_pathways(), st.data())
def test_stuck_counterexamples_are_real(text: str, data: st.DataObject) -> None:
    analysis = analysed(text)
    found = list(stuck(analysis))
    if found:
        (issue,) = found
        assert stays(analysis, counterexample(issue))
    else:
        patient = data.draw(
            st.fixed_dictionaries({"a": st.booleans(), "b": st.booleans(), "c": st.sampled_from("xyz")})
        )
        assert not stays(analysis, patient)


@pytest.mark.slow
@PROPERTY
@given(small_pathways())
def test_overlap_witnesses_make_both_guards_true(text: str) -> None:
    analysis = analysed(text)
    transitions = analysis.index.outgoing("s")
    ids = [t.id for t in transitions]
    assert ids == [f"t{i}" for i in range(len(ids))]
    for issue in overlapping(analysis):
        named = re.search(r"'(t\d)'", issue.message)
        assert named is not None
        first = named.group(1)
        second = ids[int(issue.path[-2])]
        scope = Scope(counterexample(issue), analysis.derived, None)
        assert analysis.guards[first].evaluate(scope).value is True
        assert analysis.guards[second].evaluate(scope).value is True


@pytest.mark.slow
@PROPERTY
@given(small_pathways())
def test_shadowed_transitions_never_fire(text: str) -> None:
    analysis = analysed(text)
    transitions = analysis.index.outgoing("s")
    hidden = {int(i.path[-2]) for i in shadowed(analysis)} | {int(i.path[-2]) for i in never_true(analysis)}
    domains = fact_domains(analysis)
    for patient in assignments(["a", "b", "c"], domains, include_unknown=False):
        row = truths(analysis, transitions, Scope(patient, analysis.derived, None))
        first = next((i for i, value in enumerate(row) if value), None)
        assert first not in hidden
