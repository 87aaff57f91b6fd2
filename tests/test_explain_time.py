"""explain and time: why a timer fired then, and what the pathway expects next at a step or a time (each timer of
the active states with its due time and its guard's outcome on the facts then, each deadline due or overdue), in
text and JSON; at the end of a trail it agrees with the summary the engine wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pathway
from pathway.cli.main import main
from pathway.trail.io import read_trail
from pathway.trail.records import summary_of
from tests.conftest import GOLDEN
from tests.test_time import CASES, FIXTURES

TIMERS = FIXTURES / "timers.yaml"
RECURRENCE = FIXTURES / "recurrence.yaml"


def trail(name: str) -> Path:
    return GOLDEN / "time" / f"{name}.jsonl"


def definition(name: str) -> Path:
    return FIXTURES / f"{CASES[name][0]}.yaml"


def test_why_now_for_a_timer_that_fired_at_its_due_time() -> None:
    answer = pathway.explain(trail("timer-fires"), step=7, pathway=TIMERS)
    lines = list(answer.lines)
    at = lines.index("  #5   2026-07-04T09:00:00  on_steroids -> infliximab (on_steroids->infliximab)")
    assert lines[at + 1 : at + 3] == [
        "      why now: a timer after 72h in on_steroids, entered 2026-07-01T09:00:00 (#3), due 2026-07-04T09:00:00; "
        "it fired at its due time (a wake-up before input 2)",
        '      because response == "none"  [response="none" (#1)]',
    ]


def test_why_now_for_a_timer_that_fired_later_than_due() -> None:
    answer = pathway.explain(trail("timer-false-then-true"), pathway=TIMERS)
    assert (
        "      why now: a timer after 72h in on_steroids, entered 2026-07-01T09:00:00 (#3), due 2026-07-04T09:00:00; "
        "it fired later, at input 2, the first moment its state could take it"
    ) in answer.lines


@pytest.mark.parametrize(
    ("name", "step", "outcome", "missing", "status"),
    [
        ("timer-fires", 4, "true", (), "pending"),  # response none: it will fire when due
        ("timer-false-then-true", 4, "false", (), "pending"),  # response partial
        ("timer-unknown-at-due", 5, "unknown", ("response",), "pending"),  # nothing known yet
        ("timer-unknown-at-due", 6, "unknown", ("response",), "armed"),  # fell due at the wake-up, still unknown
    ],
)
def test_when_will_it_happen_lists_each_pending_timer_with_its_guard_now(
    name: str, step: int, outcome: str, missing: tuple[str, ...], status: str
) -> None:
    answer = pathway.explain(trail(name), step=step, pathway=TIMERS)
    (timer,) = answer.timers
    assert (timer.id, timer.due, timer.after) == ("on_steroids->infliximab", "2026-07-04T09:00:00", "72h")
    assert (timer.outcome, timer.missing, timer.status) == (outcome, missing, status)
    assert "Timers and deadlines at " in answer.text
    head = "  on_steroids->infliximab: after 72h in on_steroids, entered 2026-07-01T09:00:00 (#3); "
    due = "due 2026-07-04T09:00:00" if status == "pending" else "fell due 2026-07-04T09:00:00"
    assert any(line.startswith(head + due) for line in answer.lines)
    guard = f'      its guard response == "none" is {outcome} now'
    assert any(line.startswith(guard + (f", missing {missing[0]}" if missing else "  [")) for line in answer.lines)


def test_a_timer_without_a_guard_fires_when_due() -> None:
    answer = pathway.explain(trail("timer-fires"), step=8, pathway=TIMERS)
    found = [(t.id, t.due, t.outcome) for t in answer.timers]
    assert found == [("infliximab->review", "2026-07-18T09:00:00", "always")]
    assert "      no guard: it fires when due" in answer.lines


def test_deadlines_due_and_overdue_at_a_time() -> None:
    answer = pathway.explain(trail("deadline-done"), at="2026-03-18", pathway=RECURRENCE)
    assert [(d.id, d.due, d.status) for d in answer.deadlines] == [
        ("order_ncs", "2026-03-16T00:00:00", "overdue"),
        ("reassess", "2026-03-23T00:00:00", "due"),
    ]
    assert answer.lines[0] == "At 2026-03-18, after step #6 (2026-03-16T00:00:00), the patient is in: monitoring."
    assert (
        "  ! OVERDUE order_ncs: Order nerve conduction studies, in monitoring: was due 2026-03-16T00:00:00 "
        "(issued at #4), not done"
    ) in answer.lines
    done = pathway.explain(trail("deadline-done"), at="2026-03-21", pathway=RECURRENCE)
    assert [d.id for d in done.deadlines] == ["reassess"]  # order_ncs was recorded as done on 2026-03-20


def test_at_a_date_takes_in_what_happened_at_its_midnight() -> None:
    """A wake-up at 2026-03-09T00:00:00 is at the date 2026-03-09 (compared as times, not as text)."""
    answer = pathway.explain(trail("deadline-done"), at="2026-03-09", pathway=RECURRENCE)
    assert answer.upto == 5
    assert [(d.id, d.due) for d in answer.deadlines][-1] == ("reassess", "2026-03-16T00:00:00")


@pytest.mark.parametrize("name", sorted(CASES))
def test_at_the_end_explain_agrees_with_the_summary(name: str) -> None:
    summary = summary_of(read_trail(trail(name)).records)
    answer = pathway.explain(trail(name), pathway=definition(name))
    pending = [(t.id, t.state, t.due, t.after) for t in answer.timers if t.status == "pending"]
    assert pending == [(d.id, d.state, d.at, d.after) for d in summary.due or () if d.kind == "timer"]
    due = [(d.id, d.due) for d in answer.deadlines if d.status == "due"]
    assert due == [(d.id, d.at) for d in summary.due or () if d.kind == "action"]
    overdue = [(d.id, d.due) for d in answer.deadlines if d.status == "overdue"]
    assert overdue == [(d.id, d.at) for d in summary.overdue or ()]


def test_json_carries_the_timers_and_deadlines(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["explain", str(trail("timer-unknown-at-due")), "--pathway", str(TIMERS), "--step", "5"]
    assert main([*argv, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    (timer,) = document["timers"]
    assert timer | {"read": None} == {
        "id": "on_steroids->infliximab",
        "state": "on_steroids",
        "target": "infliximab",
        "after": "72h",
        "entered": "2026-07-01T09:00:00",
        "entered_step": 3,
        "due": "2026-07-04T09:00:00",
        "status": "pending",
        "guard": 'response == "none"',
        "outcome": "unknown",
        "missing": ["response"],
        "read": None,
    }
    assert timer["read"] == {"response": {"unknown": True}}
    assert (document["upto"], document["deadlines"]) == (5, [])
    overdue = ["explain", str(trail("deadline-overdue")), "--pathway", str(RECURRENCE), "--format", "json"]
    assert main(overdue) == 0
    deadlines = json.loads(capsys.readouterr().out)["deadlines"]
    assert [(d["id"], d["status"], d["issued_step"]) for d in deadlines] == [
        ("order_ncs", "overdue", 4),
        ("reassess", "due", 6),
    ]


def test_without_the_pathway_deadlines_still_show_and_timers_say_what_is_needed() -> None:
    """The fixtures are not bundled, so their pathway is not found by its hash."""
    overdue = pathway.explain(trail("deadline-overdue"))
    assert [d.status for d in overdue.deadlines] == ["overdue", "due"]
    timers = pathway.explain(trail("timer-fires"), step=7)
    assert timers.timers == ()
    assert "  timers: the pinned pathway is not available; pass it with --pathway to see them" in timers.lines


def test_a_timer_that_fell_due_on_the_way_to_until_says_so() -> None:
    answer = pathway.explain(trail("timer-fires"), pathway=TIMERS)
    assert (
        "      why now: a timer after 1d in review, entered 2026-07-18T09:00:00 (#9), due 2026-07-19T09:00:00; "
        "it fired at its due time (a wake-up before --until)"
    ) in answer.lines


def test_a_forged_trail_with_times_that_are_not_times_is_still_shown(tmp_path: Path) -> None:
    """An intact chain may say anything: a duration or a time that is not one leaves the time out, never fails."""
    from pathway.audit.report import render_run
    from tests.test_replay import forge, lines_of

    forged = tmp_path / "forged.jsonl"
    forged.write_text(trail("timer-fires").read_text(encoding="utf-8"), encoding="utf-8")
    records = lines_of(forged)
    for record in records:
        if record.get("after"):
            record["after"] = "seventy-two hours"
        if record.get("id") == "before->on_steroids":
            record["at"] = "the first of July"
    forge(forged, records)
    text = render_run(read_trail(forged).records)
    assert "on_steroids -> infliximab  after seventy-two hours in on_steroids\n" in text
    answer = pathway.explain(forged, pathway=TIMERS)
    why = "      why now: a timer after seventy-two hours in on_steroids, entered the first of July (#3)"
    assert why in answer.lines
    assert pathway.explain(forged, step=4, pathway=TIMERS).timers == ()  # its state's entry is not a time
