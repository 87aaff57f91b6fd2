"""The engine's semantics of time (docs/time.md), observed through trails: timers, wake-ups, cancellation, chains,
deadlines, recurrence, facts going stale and --until; golden trails for the fixtures, and replay reproduces each."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.audit.replay import replay
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.errors import InvalidInputError
from pathway.trail.io import write_trail
from tests.conftest import GOLDEN, ROOT, assert_golden

FIXTURES = ROOT / "tests" / "fixtures" / "time"
JOURNEYS = FIXTURES / "journeys"
# journey file -> (pathway fixture, --until or None)
CASES: dict[str, tuple[str, str | None]] = {
    "timer-fires": ("timers", "2026-07-20"),
    "timer-cancelled": ("timers", "2026-07-10"),
    "timer-unknown-at-due": ("timers", None),
    "timer-false-then-true": ("timers", None),
    "deadline-done": ("recurrence", "2026-04-01"),
    "deadline-overdue": ("recurrence", "2026-03-20"),
    "stale-renewed": ("recurrence", "2026-04-15"),
    "clock-escalation": ("clock", None),
}


@pytest.fixture(scope="module")
def timers() -> Analysis:
    return load_analysis(FIXTURES / "timers.yaml")


@pytest.fixture(scope="module")
def recurrence() -> Analysis:
    return load_analysis(FIXTURES / "recurrence.yaml")


def records_of(
    analysis: Analysis, events: Sequence[Mapping[str, Any]], until: str | None = None
) -> list[dict[str, Any]]:
    result = pathway.run(analysis, {"journey": "t", "events": list(events)}, until=until)
    return [r.to_dict() for r in result.records]


def of_kind(records: Sequence[Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    return [r for r in records if r["kind"] == kind]


def moves(records: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(transition id, at) of every transition taken."""
    return [(r["id"], r["at"]) for r in of_kind(records, "transition")]


START = {"at": "2026-07-01T09:00", "event": "start_steroids", "facts": {"response": "none", "stopped": False}}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_journey_matches_its_golden_trail_and_replays(name: str, tmp_path: Path) -> None:
    fixture, until = CASES[name]
    result = pathway.run(FIXTURES / f"{fixture}.yaml", JOURNEYS / f"{name}.yaml", until=until)
    trail = tmp_path / f"{name}.jsonl"
    write_trail(trail, result.records)
    assert_golden(GOLDEN / "time" / f"{name}.jsonl", trail.read_text(encoding="utf-8"))
    replayed = replay(GOLDEN / "time" / f"{name}.jsonl", FIXTURES / f"{fixture}.yaml")
    assert replayed.status == "reproduced", replayed.to_text()


def test_a_timer_fires_at_its_due_time_before_the_next_input(timers: Analysis) -> None:
    records = records_of(timers, [START, {"at": "2026-07-05T10:00"}])
    fired = next(r for r in of_kind(records, "transition") if r["id"] == "on_steroids->infliximab")
    assert (fired["at"], fired["after"], fired["input"]) == ("2026-07-04T09:00:00", "72h", 2)
    # in the file, the wake-up's records come before the input whose arrival moved the clock past them
    seqs = {r["kind"]: r["seq"] for r in records if r.get("input") == 2}
    assert fired["seq"] < seqs["input"]


def test_without_a_later_input_a_timer_does_not_fire(timers: Analysis) -> None:
    records = records_of(timers, [START])
    assert ("on_steroids->infliximab", "2026-07-04T09:00:00") not in moves(records)
    summary = records[-1]
    assert summary["due"] == [
        {
            "kind": "timer",
            "id": "on_steroids->infliximab",
            "state": "on_steroids",
            "at": "2026-07-04T09:00:00",
            "after": "72h",
        }
    ]


def test_a_timer_due_exactly_at_an_input_fires_before_that_input(timers: Analysis) -> None:
    records = records_of(timers, [START, {"at": "2026-07-04T09:00", "facts": {"response": "improved"}}])
    assert ("on_steroids->infliximab", "2026-07-04T09:00:00") in moves(records)
    assert "on_steroids->tapering" not in [m[0] for m in moves(records)]


def test_a_timer_one_minute_later_than_an_input_has_not_fired(timers: Analysis) -> None:
    records = records_of(timers, [START, {"at": "2026-07-04T08:59", "facts": {"response": "improved"}}])
    assert [m[0] for m in moves(records)][-1] == "on_steroids->tapering"


def test_a_pending_timer_counts_as_false_and_is_shown_with_its_due_time(timers: Analysis) -> None:
    records = records_of(timers, [START, {"at": "2026-07-02T09:00", "facts": {"stopped": True}}])
    stop = next(r for r in of_kind(records, "transition") if r["id"] == "on_steroids->stopped_early")
    pending = [a for a in stop["alternatives"] if a["id"] == "on_steroids->infliximab"]
    assert pending == [
        {
            "id": "on_steroids->infliximab",
            "target": "infliximab",
            "guard": 'response == "none"',
            "outcome": "pending",
            "after": "72h",
            "due": "2026-07-04T09:00:00",
        }
    ]


def test_leaving_the_state_cancels_its_timer(timers: Analysis) -> None:
    events = [{**START, "facts": {"response": "partial", "stopped": False}}]
    records = records_of(timers, [*events, {"at": "2026-07-02T12:00", "facts": {"response": "improved"}}], "2026-07-30")
    ids = [m[0] for m in moves(records)]
    assert "on_steroids->infliximab" not in ids
    assert ("tapering->done", "2026-07-09T12:00:00") in moves(records)  # P1W counted from entering tapering


def test_chained_timers_fire_in_time_order_each_at_its_time(timers: Analysis) -> None:
    records = records_of(timers, [START], "2026-08-01")
    assert moves(records)[1:] == [
        ("on_steroids->infliximab", "2026-07-04T09:00:00"),
        ("infliximab->review", "2026-07-18T09:00:00"),
        ("review->done", "2026-07-19T09:00:00"),
    ]
    assert records[-1]["states"] == ["done"]
    assert "due" not in records[-1]


def test_an_unknown_guard_at_the_due_time_waits_and_fires_when_the_fact_arrives(timers: Analysis) -> None:
    start = {"at": "2026-07-01T09:00", "event": "start_steroids"}
    records = records_of(timers, [start, {"at": "2026-07-06T08:00", "facts": {"response": "none", "stopped": False}}])
    assert moves(records)[-1] == ("on_steroids->infliximab", "2026-07-06T08:00:00")
    assert of_kind(records, "waiting")[0]["needs"] == ["response", "stopped"]


def test_a_false_guard_at_the_due_time_keeps_the_timer_armed(timers: Analysis) -> None:
    start = {**START, "facts": {"response": "partial", "stopped": False}}
    records = records_of(timers, [start, {"at": "2026-07-06T08:00", "facts": {"response": "none"}}])
    assert moves(records)[-1] == ("on_steroids->infliximab", "2026-07-06T08:00:00")


def test_an_empty_input_between_does_not_change_which_timers_fire_or_when(timers: Analysis) -> None:
    plain = records_of(timers, [START], "2026-08-01")
    ticked = records_of(timers, [START, {"at": "2026-07-10T13:17"}], "2026-08-01")
    assert moves(plain) == moves(ticked)


def test_a_recurring_recommendation_is_issued_each_period_with_its_due_time(recurrence: Analysis) -> None:
    records = records_of(recurrence, [{"at": "2026-03-02", "facts": {"grade": 1}}], "2026-03-24")
    issues = [(r["at"], r.get("occurrence"), r["due"]) for r in of_kind(records, "issued") if r["id"] == "reassess"]
    assert issues == [
        ("2026-03-02", None, "2026-03-09T00:00:00"),
        ("2026-03-09T00:00:00", 2, "2026-03-16T00:00:00"),
        ("2026-03-16T00:00:00", 3, "2026-03-23T00:00:00"),
        ("2026-03-23T00:00:00", 4, "2026-03-30T00:00:00"),
    ]


def test_a_deadline_not_met_is_overdue_and_one_done_is_not(recurrence: Analysis) -> None:
    first = {"at": "2026-03-02", "facts": {"grade": 1}}
    late = records_of(recurrence, [first], "2026-03-20")[-1]
    assert late["overdue"] == [
        {"kind": "action", "id": "order_ncs", "state": "monitoring", "at": "2026-03-16T00:00:00"}
    ]
    done = records_of(recurrence, [first, {"at": "2026-03-20", "done": "order_ncs"}])[-1]
    assert "overdue" not in done
    (ncs,) = [r for r in done["recommendations"] if r["id"] == "order_ncs"]
    assert (ncs["due"], ncs["done"]) == ("2026-03-16T00:00:00", "2026-03-20")


def test_at_its_due_time_exactly_a_deadline_is_due_not_overdue(recurrence: Analysis) -> None:
    summary = records_of(recurrence, [{"at": "2026-03-02", "facts": {"grade": 1}}], "2026-03-16")[-1]
    assert "overdue" not in summary
    assert {"kind": "action", "id": "order_ncs", "state": "monitoring", "at": "2026-03-16T00:00:00"} in summary["due"]


def test_a_stale_fact_is_forgotten_recorded_and_asked_for(recurrence: Analysis) -> None:
    records = records_of(recurrence, [{"at": "2026-03-02", "facts": {"grade": 1}}], "2026-03-24")
    (expired,) = of_kind(records, "expired")
    assert {k: expired[k] for k in ("at", "fact", "value", "given", "from", "valid_for")} == {
        "at": "2026-03-23T00:00:00",
        "fact": "grade",
        "value": 1,
        "given": "2026-03-02",
        "from": 1,
        "valid_for": "21d",
    }
    assert records[-1]["needs"] == ["grade"]


def test_a_stale_fact_is_unknown_to_guards_not_its_old_value(recurrence: Analysis) -> None:
    records = records_of(recurrence, [{"at": "2026-03-02", "facts": {"grade": 4}}, {"at": "2026-03-30"}])
    assert records[-1]["states"] == ["high"]  # grade 4 fired at once: staleness never rewrites the past
    records = records_of(recurrence, [{"at": "2026-03-02", "facts": {"grade": 1}}, {"at": "2026-03-30"}])
    assert records[-1]["states"] == ["monitoring"]
    assert records[-1]["needs"] == ["grade"]


def test_until_is_recorded_as_an_input_and_replay_reproduces_it(recurrence: Analysis, tmp_path: Path) -> None:
    result = pathway.run(
        recurrence, {"journey": "t", "events": [{"at": "2026-03-02", "facts": {"grade": 1}}]}, until="2026-03-10"
    )
    last_input = [r for r in result.records if r.kind == "input"][-1].to_dict()
    assert (last_input["at"], last_input["until"], last_input["facts"]) == ("2026-03-10", True, {})
    trail = tmp_path / "t.jsonl"
    result.write(trail)
    assert replay(trail, FIXTURES / "recurrence.yaml").status == "reproduced"


def test_until_earlier_than_the_last_entry_is_a_located_error_and_nothing_runs(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as raised:
        pathway.run(FIXTURES / "timers.yaml", JOURNEYS / "timer-fires.yaml", until="2026-07-05T09:59")
    (problem,) = raised.value.diagnostics
    assert (problem.code, problem.line) == ("PW307", 8)
    assert "earlier than the journey's last entry" in problem.message


@pytest.mark.parametrize(
    ("until", "hint"),
    [("2026-07-20T10:00+02:00", "remove the time zone"), ("2026-07-20 10:00", "capital 'T'"), ("soon", "YYYY-MM-DD")],
)
def test_until_that_is_not_a_time_is_refused_with_a_hint(until: str, hint: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        pathway.run(FIXTURES / "timers.yaml", JOURNEYS / "timer-fires.yaml", until=until)
    (problem,) = raised.value.diagnostics
    assert problem.code == "PW308"
    assert hint in (problem.hint or "")


def test_cli_until_prints_due_and_overdue_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pathway.cli.main import main

    code = main(
        [
            "run",
            str(JOURNEYS / "deadline-overdue.yaml"),
            "--pathway",
            str(FIXTURES / "recurrence.yaml"),
            "--until",
            "2026-03-20",
            "--format",
            "json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [d["id"] for d in out["overdue"]] == ["order_ncs"]
    assert [(d["kind"], d["id"]) for d in out["due"]] == [("action", "reassess")]


def test_too_many_wake_ups_stop_the_run_with_an_error(tmp_path: Path) -> None:
    text = (FIXTURES / "recurrence.yaml").read_text(encoding="utf-8").replace("every: 1w", "every: 1h")
    hourly = tmp_path / "pathway.yaml"
    hourly.write_text(text, encoding="utf-8")
    result = pathway.run(hourly, {"journey": "t", "events": [{"at": "2026-03-02"}]}, until="2028-03-02")
    (error,) = [r for r in result.records if r.kind == "error"]
    assert error.to_dict()["code"] == "PW413"
    assert result.summary.error is not None
    assert not result.ok


def test_what_if_a_timer_is_shorter_reports_the_earlier_firing(tmp_path: Path) -> None:
    trail = tmp_path / "t.jsonl"
    pathway.run(FIXTURES / "timers.yaml", JOURNEYS / "timer-fires.yaml").write(trail)
    shorter = tmp_path / "pathway.yaml"
    text = (FIXTURES / "timers.yaml").read_text(encoding="utf-8").replace("after: 72h", "after: 48h")
    shorter.write_text(text.replace("version: 0.1.0", "version: 0.2.0"), encoding="utf-8")
    result = replay(trail, shorter)
    assert result.status == "compared"
    (change,) = [c for c in result.changes if c.state == "on_steroids"]
    assert change.recorded == "-> infliximab (after 72h, at 2026-07-04T09:00:00)"
    assert change.replayed == "-> infliximab (after 48h, at 2026-07-03T09:00:00)"


@pytest.fixture(scope="module")
def clock() -> Analysis:
    return load_analysis(FIXTURES / "clock.yaml")


def test_hours_since_a_date_time_fact_decides_at_the_minute(clock: Analysis) -> None:
    given = {"at": "2026-07-01T09:00", "facts": {"steroid_start": "2026-07-01T08:00", "improved": False}}
    early = records_of(clock, [given, {"at": "2026-07-04T07:59"}])
    assert early[-1]["states"] == ["on_steroids"]
    on_time = records_of(clock, [given, {"at": "2026-07-04T08:00"}])
    assert moves(on_time) == [("on_steroids->escalation", "2026-07-04T08:00:00")]


def test_time_in_state_is_read_from_the_clock_and_recorded(clock: Analysis) -> None:
    given = {"at": "2026-07-01T09:00", "facts": {"steroid_start": "2026-07-01T08:00", "improved": True}}
    records = records_of(clock, [given, {"at": "2026-07-03T08:59"}, {"at": "2026-07-03T09:00"}])
    (recovered,) = of_kind(records, "transition")
    assert recovered["at"] == "2026-07-03T09:00:00"
    assert recovered["read"]["time_in_state()"] == {"value": "2d", "clock": True}


def test_last_reads_when_a_fact_was_given_and_by_which_input(clock: Analysis) -> None:
    events = [
        {"at": "2026-07-01T09:00", "facts": {"steroid_start": "2026-07-01T08:00", "improved": False}},
        {"at": "2026-07-02", "facts": {"dose_given": 1.3}},
        {"at": "2026-07-05", "facts": {"dose_given": 1.0}},
        {"at": "2026-10-03"},
        {"at": "2026-10-04"},
    ]
    records = records_of(clock, events)
    off = next(r for r in of_kind(records, "transition") if r["id"] == "escalation->off_drug")
    assert off["at"] == "2026-10-04"  # 91 days after the last dose (2026-07-05), not after the first
    assert off["read"]["last(dose_given)"] == {"value": "2026-07-05T00:00:00", "from": 3}


def test_a_date_time_fact_with_a_time_zone_is_a_located_error(clock: Analysis) -> None:
    events = [{"at": "2026-07-01T09:00", "facts": {"steroid_start": "2026-07-01T08:00+02:00"}}]
    with pytest.raises(InvalidInputError) as raised:
        pathway.run(clock, {"journey": "t", "events": events})
    (problem,) = raised.value.diagnostics
    assert problem.code == "PW308"
    assert "remove the time zone" in (problem.hint or "")


def test_a_timer_whose_guard_is_false_at_its_due_time_is_recorded_as_armed(timers: Analysis) -> None:
    start = {**START, "facts": {"response": "partial", "stopped": False}}
    records = records_of(timers, [start, {"at": "2026-07-05"}])
    (armed,) = of_kind(records, "timer")
    assert (armed["at"], armed["state"], armed["check"]["id"]) == (
        "2026-07-04T09:00:00",
        "on_steroids",
        "on_steroids->infliximab",
    )
    assert armed["check"]["outcome"] == "false"
    assert armed["check"]["read"] == {"response": {"value": "partial", "from": 1}}
    # a timer that fires, or whose guard is unknown, is not an armed-timer record
    assert of_kind(records_of(timers, [START, {"at": "2026-07-05"}]), "timer") == []


def test_show_prints_timers_deadlines_and_periods(capsys: pytest.CaptureFixture[str]) -> None:
    from pathway.cli.main import main

    assert main(["show", str(FIXTURES / "timers.yaml")]) == 0
    assert '-> infliximab: after 72h when response == "none"' in capsys.readouterr().out
    assert main(["show", str(FIXTURES / "recurrence.yaml")]) == 0
    assert "recommends: reassess (every 1w), order_ncs (due 2w)" in capsys.readouterr().out
