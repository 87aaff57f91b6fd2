"""Lint and time: timers in the exhaustive guard analysis, dates read through days_since analysed like numbers,
guards that read time otherwise reported (PW518), and the time rules PW540-PW543, each where it should fire and
not where it should not."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from pathway.definition.analysis import Analysis
from pathway.definition.clock import REFERENCE_DAY, clock_domain, time_calls, unenumerable
from pathway.definition.loader import load_analysis
from pathway.expr import Scope
from pathway.linter import lint_file
from pathway.linter.base import LintIssue
from pathway.linter.cycles import eventless_cycles
from pathway.linter.exhaustive import Tables
from pathway.linter.guards import never_true, not_analysed, overlapping, shadowed, stuck
from pathway.linter.timers import clock_without_timer, longer_than_the_state, longest_stay, racing_timers
from tests.conftest import FIXTURES, ROOT

LINT = FIXTURES / "lint"
TIME = LINT / "time"


def _codes(path: Path) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in lint_file(path).diagnostics]


def _ids(found: list[LintIssue], analysis: Analysis) -> list[str]:
    """The id of the transition each finding is located at."""
    by_path = {t.path: t.id for t in analysis.index.transitions}
    return [by_path[tuple(issue.path[:-1])] for issue in found]


@pytest.fixture(scope="module")
def dates() -> Analysis:
    return load_analysis(TIME / "dates.yaml")


@pytest.fixture(scope="module")
def timers() -> Analysis:
    return load_analysis(TIME / "timers.yaml")


def test_a_date_read_through_days_since_is_decided_like_a_number(dates: Analysis) -> None:
    assert _ids(list(never_true(dates)), dates) == ["impossible"]
    assert _ids(list(shadowed(dates)), dates) == ["long_off"]  # days_off > 90 (a derived fact) implies > 21
    assert list(not_analysed(dates)) == []


def test_the_patients_lint_shows_for_dates_hold_at_the_reference_day(dates: Analysis) -> None:
    (overlap,) = overlapping(dates)
    (stuck_state,) = stuck(dates)
    for issue, expected in ((overlap, [True, True]), (stuck_state, [False, False, False])):
        assert issue.hint is not None
        (entry,) = yaml.safe_load(issue.hint.split("\n", 1)[1])
        assert entry["at"] == REFERENCE_DAY
        ids = ["soon", "unwell"] if expected == [True, True] else ["soon", "unwell", "late"]
        scope = Scope(entry["facts"], dates.derived, entry["at"])
        assert [dates.guards[i].evaluate(scope).value for i in ids] == expected, issue.message
    assert "{last_dose: 2025-12-29, unwell: false}" in stuck_state.message  # 3 days ago: between <= 2 and >= 7


def test_a_timer_counts_as_false_until_due(timers: Analysis) -> None:
    assert _ids(list(never_true(timers)), timers) == ["contradiction"]
    assert "'contradiction' (after 1d, when: grade > 3 and grade < 2)" in next(iter(never_true(timers))).message
    assert _ids(list(shadowed(timers)), timers) == ["racing_out"]  # not 'improved' nor 'rest' behind 'timeout'
    assert list(eventless_cycles(timers)) == []  # a -> b -> a by timers is not an instant loop
    assert [str(i.path[-1]) for i in stuck(timers)] == ["waiting"]
    assert list(overlapping(timers)) == []  # 'racing_first' and 'racing_twin' are PW542's
    assert _ids(list(racing_timers(timers)), timers) == ["racing_twin"]


def test_an_eventless_cycle_through_a_timer_is_not_reported_but_one_without_is(tmp_path: Path) -> None:
    text = (TIME / "timers.yaml").read_text(encoding="utf-8")
    path = tmp_path / "cycle.yaml"
    path.write_text(text.replace("        to: a\n        after: 1d\n", "        to: a\n"), encoding="utf-8")
    assert [c for c, _ in _codes(path) if c == "PW503"] == []  # a -> b needs 72h: still no instant loop
    path.write_text(text.replace("        to: b\n        after: 72h\n", "        to: b\n"), encoding="utf-8")
    assert [c for c, _ in _codes(path) if c == "PW503"] == []  # b -> a needs 1d
    both = text.replace("        to: b\n        after: 72h\n", "        to: b\n").replace(
        "        to: a\n        after: 1d\n", "        to: a\n"
    )
    path.write_text(both, encoding="utf-8")
    assert "PW503" in [c for c, _ in _codes(path)]


def test_pw518_names_every_guard_left_out_and_why() -> None:
    analysis = load_analysis(LINT / "trigger" / "PW518.yaml")
    found = list(not_analysed(analysis))
    assert _ids(found, analysis) == ["gap", "after_dose", "recent", "spacing", "recent_dose"]
    assert all(issue.path[-1] == "when" for issue in found)
    messages = [issue.message for issue in found]
    assert "by PW510-PW513: it reads days_between(), which lint cannot enumerate" in messages[0]
    assert "date 'first_dose' other than through days_since()" in messages[1]
    assert "checked together, and 'gap' reads days_between()" in messages[2]
    assert "(through derived fact 'dose_spacing')" in messages[3]
    assert "not analysed by PW512" in messages[4]  # its own group is analysed; its stuck check is not
    assert [check.__name__ for check in (never_true, shadowed, overlapping) if list(check(analysis))] == []


def test_a_guard_unknown_at_the_reference_moment_is_reported_not_taken_as_false(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As a guard whose clock lint cannot supply would be: here days_since evaluated without a day."""
    monkeypatch.setattr(
        "pathway.linter.exhaustive.Scope", lambda facts, derived, _, **more: Scope(facts, derived, None, **more)
    )
    analysis = load_analysis(TIME / "dates.yaml")
    assert list(never_true(analysis)) == []  # 'impossible' is unknown, not false: no error
    found = list(not_analysed(analysis))
    assert "it is unknown with every fact known" in found[0].message
    assert {"impossible", "off", "long_off"} <= set(_ids(found, analysis))


def test_a_fact_without_values_is_reported_not_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the reference day a date has no values (as every date had before lint read days_since)."""
    monkeypatch.setattr("pathway.linter.exhaustive.REFERENCE_DAY", None)
    analysis = load_analysis(TIME / "dates.yaml")
    found = list(not_analysed(analysis))
    assert "it reads 'last_dose', which has no finite set of values" in found[0].message
    assert {"impossible", "off", "long_off", "soon", "unwell", "late"} == set(_ids(found, analysis))


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        ("days_since(a) > 3 and days_between(a, b) < 2", ("days_since", "days_between")),
        ("time_in_state() >= 3d", ("time_in_state",)),  # a duration literal this parser does not read: by name
        ("hours_since(t) > 48 or last(x) == t", ("hours_since", "last")),
        ("grade >= 3", ()),
    ],
)
def test_time_calls_from_the_tree_or_by_name(text: str, calls: tuple[str, ...]) -> None:
    assert time_calls(text) == calls


def test_what_lint_cannot_enumerate() -> None:
    pathway = load_analysis(LINT / "trigger" / "PW518.yaml").pathway
    assert unenumerable(pathway, "days_since(last_dose) > 3 and known(first_dose)") is None
    assert unenumerable(pathway, "x") is None
    assert unenumerable(pathway, "days_between(first_dose, last_dose) > 3") == "days_between()"
    assert unenumerable(pathway, "first_dose < last_dose") == "date 'first_dose' other than through days_since()"
    assert unenumerable(pathway, "hours_since(last_dose) > 3") == "date 'last_dose' other than through days_since()"
    assert unenumerable(pathway, "time_in_state() >= 3d") == "time_in_state()"


def test_clock_domains_decide_comparisons_with_their_numbers() -> None:
    day = date(2026, 1, 1)
    assert clock_domain("date", [21], day) == tuple(day - timedelta(days=k) for k in (0, 20, 21, 22))
    assert clock_domain("date", [1e300, -1e300], day) == (day,)  # beyond the calendar: today alone
    assert clock_domain("date", [0.5], day) == tuple(day - timedelta(days=k) for k in (-1, 0, 1, 2))
    midnight = datetime(2026, 1, 1)
    hours = [midnight - timedelta(hours=k) for k in (0, 1, 2, 3)]  # 2 as hours, and as days:
    assert clock_domain("datetime", [2], day) == (*hours, *(midnight - timedelta(days=k) for k in (1, 2, 3)))


def test_the_timed_table_has_a_row_per_timer_duration(timers: Analysis) -> None:
    known = Tables(timers)
    group = tuple(t for t in timers.index.outgoing("a") if t.event is None)
    known.plan(timers.index.states["a"], "no event", group, stuck=False)
    table = known.table(group)
    assert table is not None
    assert table.facts[0] == "(time in state)"
    assert table.domains[0] == (timedelta(0), timedelta(days=1), timedelta(hours=72))


def test_how_long_a_state_lasts() -> None:
    analysis = load_analysis(LINT / "trigger" / "PW541.yaml")
    stays = {s: longest_stay(analysis, s) for s in analysis.index.states}
    assert stays["steroids"] == (timedelta(hours=72), analysis.index.outgoing("steroids")[1])
    assert stays["infusion"] == (timedelta(days=3), analysis.index.outgoing("treatment")[0])  # through its parent
    assert stays["guarded"] is None  # its timers have guards
    assert stays["waiting"] is None  # 'better' before 'give_up' may be unknown: the state may wait
    found = list(longer_than_the_state(analysis))
    assert [issue.path[-1] for issue in found] == ["due", "every", "after", "due"]


def test_pw542_reports_a_race_only_when_both_can_fire() -> None:
    trigger = load_analysis(LINT / "trigger" / "PW542.yaml")
    (found,) = racing_timers(trigger)
    assert _ids([found], trigger) == ["no_data"]
    assert "'no_response' (after 72h, when: not improved) and 'no_data' (after 3d)" in found.message
    assert list(racing_timers(load_analysis(LINT / "clean" / "PW542.yaml"))) == []


def test_pw543_reads_the_clock_through_derived_facts_too() -> None:
    analysis = load_analysis(LINT / "trigger" / "PW543.yaml")
    found = list(clock_without_timer(analysis))
    assert _ids(found, analysis) == ["overdue", "long_off"]
    assert "(days_since(), through derived fact 'days_off')" in found[1].message
    assert "'after: 3d'" in str(found[0].hint)


@pytest.mark.parametrize("name", ["bipn", "example"])
def test_the_bundled_definitions_lint_clean_with_their_time(name: str) -> None:
    path = ROOT / "definitions" / name / "pathway.yaml"
    assert lint_file(path.relative_to(ROOT)).diagnostics == ()
