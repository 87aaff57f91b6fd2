"""The engine's decision rules, observed through the records it writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

import pathway
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis

FIXTURE = "tests/fixtures/engine/semantics.yaml"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return load_analysis(FIXTURE)


def run(analysis: Analysis, *events: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The records of a run as the trail file holds them."""
    result = pathway.run(analysis, {"journey": "t", "events": list(events)})
    return [r.to_dict() for r in result.records]


def kinds(records: Sequence[Mapping[str, Any]], kind: str) -> list[Mapping[str, Any]]:
    return [r for r in records if r["kind"] == kind]


def moves(records: Sequence[Mapping[str, Any]]) -> list[str]:
    return [r["id"] for r in kinds(records, "transition")]


def test_unknown_guards_wait_and_name_the_facts_needed(analysis: Analysis) -> None:
    records = run(analysis, {"at": "2026-01-01"})
    assert moves(records) == []
    (wait,) = kinds(records, "waiting")
    assert (wait["state"], wait["needs"]) == ("first", ["a", "b"])
    assert [b["id"] for b in wait["blocked"]] == ["first->on_a", "first->on_b"]
    assert records[-1]["needs"] == ["a", "b"]
    assert records[-1]["states"] == ["first"]


def test_a_known_false_guard_no_longer_needs_its_fact(analysis: Analysis) -> None:
    records = run(analysis, {"at": "2026-01-01", "facts": {"a": False}})
    assert records[-1]["needs"] == ["b"]


def test_an_unknown_earlier_guard_blocks_a_true_later_one(analysis: Analysis) -> None:
    records = run(analysis, {"at": "2026-01-01", "facts": {"b": True}})
    assert moves(records) == []
    assert records[-1]["needs"] == ["a"]


def test_otherwise_fires_only_when_every_earlier_guard_is_false(analysis: Analysis) -> None:
    records = run(analysis, {"at": "2026-01-01", "facts": {"a": False, "b": False}})
    (move,) = kinds(records, "transition")
    assert (move["id"], move["outcome"]) == ("first->neither", "otherwise")
    assert [(a["id"], a["outcome"]) for a in move["alternatives"]] == [
        ("first->on_a", "false"),
        ("first->on_b", "false"),
    ]


def test_transition_records_the_facts_it_read_and_where_they_came_from(analysis: Analysis) -> None:
    records = run(analysis, {"at": "2026-01-01", "facts": {"b": False}}, {"at": "2026-01-02", "facts": {"a": True}})
    (move,) = kinds(records, "transition")
    assert move["read"] == {"a": {"value": True, "from": 2}}
    assert (move["at"], move["input"], move["evidence"]) == ("2026-01-02", 2, ["ev"])
    assert (move["exited"], move["entered"]) == (["first"], ["on_a"])


def test_recommendations_and_findings_are_issued_and_retired_with_their_cause(analysis: Analysis) -> None:
    records = run(analysis, {"at": "2026-01-01", "facts": {"a": True}})
    changes = [(r["kind"], r["id"], r["cause"]) for r in records if r["kind"] in ("issued", "retired")]
    assert changes == [
        ("issued", "act_x", "start"),
        ("retired", "act_x", "first->on_a"),
        ("issued", "act_a", "first->on_a"),
        ("issued", "found_a", "first->on_a"),
    ]
    summary = records[-1]
    assert [r["id"] for r in summary["recommendations"]] == ["act_a"]
    assert [f["id"] for f in summary["findings"]] == ["found_a"]
    assert summary["issued"] == [{"id": "act_x", "first": "2026-01-01"}, {"id": "act_a", "first": "2026-01-01"}]


def test_the_virtual_clock_drives_date_guards(analysis: Analysis) -> None:
    facts = {"a": True, "n": 0, "seen_on": "2025-12-01"}
    assert moves(run(analysis, {"at": "2026-01-01", "facts": facts})) == ["first->on_a"]  # 31 days: not recent
    assert moves(run(analysis, {"at": "2025-12-08", "facts": facts})) == ["first->on_a", "on_a->recent"]  # 7 days
    old = run(analysis, {"at": "2025-12-09", "facts": facts})
    assert moves(old) == ["first->on_a"]
    (move,) = [r for r in old if r["kind"] == "transition"]
    assert move["at"] == "2025-12-09"


def test_a_parent_transition_fires_while_a_child_region_waits(analysis: Analysis) -> None:
    records = run(analysis, {"at": "2026-01-01", "facts": {"a": True, "n": 1}})
    assert moves(records) == ["first->on_a", "on_a->split"]
    assert sorted(records[-1]["needs"]) == ["loop", "stop"]
    assert {w["state"] for w in kinds(records, "waiting")} == {"split", "r1"}
    records = run(
        analysis, {"at": "2026-01-01", "facts": {"a": True, "n": 1}}, {"at": "2026-01-02", "facts": {"stop": True}}
    )
    assert moves(records)[-1] == "split->stopped"
    assert records[-1]["states"] == ["stopped"]
    assert records[-1]["terminated"] is True


def test_parallel_regions_move_independently(analysis: Analysis) -> None:
    records = run(analysis, {"at": "2026-01-01", "facts": {"a": True, "n": 5, "stop": False, "loop": False}})
    assert moves(records) == ["first->on_a", "on_a->split", "l1->l2"]
    assert records[-1]["states"] == ["split", "left", "l2", "right", "r1"]
    assert [r["id"] for r in records[-1]["recommendations"]] == ["act_split", "act_p"]


def test_conflicting_region_transitions_resolve_in_document_order(analysis: Analysis) -> None:
    start = {"at": "2026-01-01", "facts": {"a": True, "n": 1, "stop": False, "loop": False}}
    records = run(analysis, start, {"at": "2026-01-02", "event": "tick"})
    (tick,) = [r for r in kinds(records, "transition") if r["trigger"] == "tick"]
    assert tick["id"] == "l1->done_left"
    assert tick["preempted"] == ["r1->stopped"]
    assert records[-1]["states"] == ["split", "left", "done_left", "right", "r1"]


def test_events_only_move_transitions_that_name_them(analysis: Analysis) -> None:
    records = run(
        analysis, {"at": "2026-01-01", "facts": {"a": False, "b": False}}, {"at": "2026-01-02", "event": "tick"}
    )
    assert moves(records) == ["first->neither", "neither->first", "first->neither"]


def test_care_given_without_a_recommendation_is_a_deviation(analysis: Analysis) -> None:
    records = run(
        analysis, {"at": "2026-01-01", "facts": {"a": True}}, {"at": "2026-01-02", "done": "act_b", "reason": "r"}
    )
    (deviation,) = kinds(records, "deviation")
    assert (deviation["action"], deviation["recommended"], deviation["reason"]) == ("act_b", ["act_a"], "r")
    followed = run(analysis, {"at": "2026-01-01", "facts": {"a": True}}, {"at": "2026-01-02", "done": "act_a"})
    assert kinds(followed, "deviation") == []


def test_an_eventless_cycle_stops_the_run_with_an_error(analysis: Analysis) -> None:
    result = pathway.run(
        analysis,
        {
            "journey": "t",
            "events": [
                {"at": "2026-01-01", "facts": {"a": True, "n": 1, "stop": False, "loop": True}},
                {"at": "2026-01-02", "facts": {"loop": False}},
            ],
        },
    )
    records = [r.to_dict() for r in result.records]
    (error,) = kinds(records, "error")
    assert error["code"] == "PW410"
    assert not result.ok
    assert result.summary.error == error["message"]
    assert [r["input"] for r in kinds(records, "input")] == [1]


def test_a_terminated_run_keeps_recording_inputs(analysis: Analysis) -> None:
    records = run(
        analysis, {"at": "2026-01-01", "facts": {"b": True, "a": False}}, {"at": "2026-01-02", "facts": {"n": 3}}
    )
    assert moves(records) == ["first->on_b"]
    assert len(kinds(records, "input")) == 2
    assert records[-1]["terminated"] is True


def test_every_record_is_chained_and_the_run_is_deterministic(analysis: Analysis) -> None:
    events = (
        {"at": "2026-01-01", "facts": {"a": True, "n": 5, "stop": False, "loop": False}},
        {"at": "2026-01-03", "event": "tick"},
    )
    first, second = run(analysis, *events), run(analysis, *events)
    assert first == second
    assert [r["seq"] for r in first] == list(range(len(first)))
    assert all(r["prev"] == p["hash"] for p, r in zip(first, first[1:], strict=False))
    assert first[0]["prev"] is None


def test_care_recorded_with_the_facts_it_changed_is_not_a_deviation(analysis: Analysis) -> None:
    # act_a is recommended in on_a; the same entry records it and n=1, which moves on to split (retiring act_a).
    records = run(
        analysis, {"at": "2026-01-01", "facts": {"a": True}}, {"at": "2026-01-02", "done": "act_a", "facts": {"n": 1}}
    )
    assert "on_a->split" in moves(records)
    assert kinds(records, "deviation") == []
