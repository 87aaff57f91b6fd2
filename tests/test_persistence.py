"""Persistence, supersession and conflicts (docs/recommendations.md), observed through trails: a recommendation
with `until` outlives its state until the guard is true (unknown keeps it), is issued again when its state is
entered again, keeps recurring; an action that supersedes others retires them; conflicting recommendations active
together are recorded once, and listed in the summary. Golden trails and run texts for the fixture's journeys, and
replay reproduces each."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

import pathway
from pathway.audit.explain import explain
from pathway.audit.replay import replay
from pathway.audit.report import render_run
from pathway.definition.loader import load_analysis
from pathway.trail.io import read_trail, write_trail
from tests.conftest import GOLDEN, ROOT, assert_golden

FIXTURES = ROOT / "tests" / "fixtures" / "recommendations"
DEFINITION = FIXTURES / "persistence.yaml"
JOURNEYS = FIXTURES / "journeys"
CASES = ("superseded", "resolved", "reissued", "conflict")
Records = list[dict[str, Any]]


def journey(name: str) -> Path:
    return JOURNEYS / f"persistence-{name}.yaml"


def records_of(name: str) -> Records:
    return [r.to_dict() for r in pathway.run(DEFINITION, journey(name)).records]


def about(records: Records, action: str, *kinds: str) -> Records:
    """The records of these kinds about one action (issued, retired, persisting)."""
    return [r for r in records if r["kind"] in kinds and r.get("id") == action]


def brief(records: Sequence[Mapping[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(r.get(k) for k in keys) for r in records]


@pytest.mark.parametrize("name", CASES)
def test_fixture_journey_matches_its_golden_trail_and_replays(name: str, tmp_path: Path) -> None:
    trail = tmp_path / f"{name}.jsonl"
    write_trail(trail, pathway.run(DEFINITION, journey(name)).records)
    golden = GOLDEN / "recommendations" / f"persistence-{name}.jsonl"
    assert_golden(golden, trail.read_text(encoding="utf-8"))
    replayed = replay(golden, DEFINITION)
    assert replayed.status == "reproduced", replayed.to_text()


@pytest.mark.parametrize("name", CASES)
def test_run_text_of_each_journey(name: str) -> None:
    golden = GOLDEN / "recommendations" / f"persistence-{name}.jsonl"
    text = render_run(read_trail(golden).records, load_analysis(DEFINITION))
    assert_golden(GOLDEN / "recommendations" / f"persistence-{name}.txt", text + "\n")


def test_leaving_its_state_keeps_a_recommendation_whose_until_is_false_and_says_what_it_read() -> None:
    records = records_of("resolved")
    (kept,) = about(records, "hold_drug", "persisting")
    assert (kept["cause"], kept["until"], kept["outcome"], kept["read"], kept["input"]) == (
        "grade_2->grade_3_4",
        "grade <= 1",
        "false",
        {"grade": {"value": 3, "from": 2}},
        2,
    )
    assert not [r for r in about(records, "hold_drug", "retired") if r["input"] == 2]


def test_it_is_retired_once_its_until_guard_is_true_after_an_input_with_what_the_guard_read() -> None:
    records = records_of("resolved")
    (gone,) = about(records, "hold_drug", "retired")
    assert brief([gone], "input", "cause", "why", "until", "read") == [
        (5, "until", "condition", "grade <= 1", {"grade": {"value": 1, "from": 5}})
    ]
    resumed = next(r for r in records if r["kind"] == "issued" and r["id"] == "resume_drug")
    assert resumed["seq"] < gone["seq"]  # checked once the input is processed, after its transitions
    assert [r for r in records if r["kind"] == "conflict"] == []  # retired before conflicts are looked for


def test_an_until_already_true_when_the_state_is_left_retires_it_with_that_transition() -> None:
    records = records_of("reissued")
    gone = about(records, "hold_drug", "retired")
    assert brief(gone, "input", "cause", "why") == [(4, "grade_2->recovered", "condition")]
    assert about(records, "hold_drug", "persisting")[-1]["input"] == 2  # not when it was left with grade 1


def test_unknown_keeps_it_a_fact_going_stale_does_not_retire_it() -> None:
    records = records_of("conflict")
    stale = next(r for r in records if r["kind"] == "expired" and r["fact"] == "grade")
    assert not about(records, "hold_drug", "retired")
    hold = next(i for i in records[-1]["recommendations"] if i["id"] == "hold_drug")
    assert (hold["persisting"], hold["until"], hold["state"]) == (True, "grade <= 1", "grade_2")
    assert stale["seq"] < records[-1]["seq"]


def test_a_recurring_recommendation_keeps_recurring_after_its_state_is_left_until_resolved() -> None:
    records = records_of("resolved")
    issues = about(records, "check_tsh", "issued")
    assert brief(issues, "at", "cause", "occurrence", "state") == [
        ("2026-03-02", "assess->grade_2", None, "grade_2"),
        ("2026-03-09T00:00:00", "every", 2, "grade_2"),
        ("2026-03-16T00:00:00", "every", 3, "grade_2"),
    ]
    (kept,) = about(records, "check_tsh", "persisting")
    assert (kept["outcome"], kept["missing"]) == ("unknown", ["tsh_normal"])
    (gone,) = about(records, "check_tsh", "retired")
    assert brief([gone], "at", "cause", "why") == [("2026-03-16", "until", "condition")]


def test_entering_its_state_again_issues_a_persisting_recommendation_again() -> None:
    records = records_of("reissued")
    issues = about(records, "hold_drug", "issued")
    assert brief(issues, "input", "cause", "until") == [
        (1, "assess->grade_2", "grade <= 1"),
        (3, "grade_3_4->grade_2", "grade <= 1"),
    ]
    assert [r["kind"] for r in about(records, "hold_drug", "issued", "retired", "persisting")] == [
        "issued",
        "persisting",
        "issued",
        "retired",
    ]


def test_a_superseded_recommendation_is_retired_with_the_action_that_superseded_it() -> None:
    records = records_of("superseded")
    assert not about(records, "hold_drug", "persisting")  # superseded as its state is left: it does not persist
    (gone,) = about(records, "hold_drug", "retired")
    assert brief([gone], "cause", "why", "by", "state") == [
        ("grade_2->refractory", "superseded", "discontinue_drug", "grade_2")
    ]
    issued = next(r for r in records if r["kind"] == "issued" and r["id"] == "discontinue_drug")
    assert issued["seq"] < gone["seq"]


def test_a_retirement_because_its_state_was_left_has_no_why_so_old_trails_keep_their_bytes() -> None:
    (gone,) = about(records_of("superseded"), "start_steroids", "retired")
    assert set(gone) == {"seq", "kind", "at", "input", "prev", "hash", "item", "id", "state", "cause"}


def test_a_conflict_is_recorded_once_when_it_starts_and_stands_in_the_summary() -> None:
    events = [*_events("conflict"), {"at": "2026-03-27", "facts": {"tsh_normal": True}}]
    records = [r.to_dict() for r in pathway.run(DEFINITION, {"journey": "c", "events": events}).records]
    conflicts = [r for r in records if r["kind"] == "conflict"]
    assert brief(conflicts, "at", "actions", "states") == [
        ("2026-03-25", ["hold_drug", "resume_drug"], ["grade_2", "recovered"])
    ]
    assert records[-1]["conflicts"] == [
        {"actions": ["hold_drug", "resume_drug"], "states": ["grade_2", "recovered"], "since": "2026-03-25"}
    ]


def test_a_conflict_ends_when_one_of_the_two_is_retired_and_is_recorded_again_if_it_comes_back() -> None:
    events = [
        *_events("conflict"),
        {"at": "2026-03-26", "facts": {"grade": 1}},  # the hold is resolved: the conflict ends
        {"at": "2026-03-27", "facts": {"grade": 3}},
        {"at": "2026-03-28", "facts": {"grade": 2}},  # grade_2 again: the hold is issued again
        {"at": "2026-04-20", "facts": {"steroid_response": "improving"}},
    ]
    records = [r.to_dict() for r in pathway.run(DEFINITION, {"journey": "c", "events": events}).records]
    assert [r["at"] for r in records if r["kind"] == "conflict"] == ["2026-03-25"]
    assert "conflicts" not in records[-1]


def _events(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load(journey(name).read_text(encoding="utf-8"))
    return [{**e, "at": str(e["at"])} for e in data["events"]]


PARALLEL = """
pathway: parallel_supersede
version: 1.0.0
title: Supersession across parallel regions
status: draft
facts:
  stop: {type: bool}
events:
  cycle: {description: A new cycle.}
actions:
  reduce: {title: Reduce the dose, kind: dose_change}
  stop_drug: {title: Stop the drug, kind: dose_change, supersedes: [reduce]}
states:
  care:
    initial: true
    parallel: true
    states:
      dose:
        states:
          reducing:
            initial: true
            recommend: [reduce]
            transitions: [{to: reassess, event: cycle}]
          reassess:
            transitions: [{to: reducing}]
      stopping:
        states:
          idle:
            initial: true
            transitions: [{to: stopped, when: stop}]
          stopped:
            recommend: [stop_drug]
            transitions: [{to: idle, when: not stop}]
"""


def test_a_superseded_recommendation_is_not_issued_again_while_its_state_stays_active_only_when_entered_again(
    tmp_path: Path,
) -> None:
    definition = tmp_path / "p.yaml"
    definition.write_text(PARALLEL, encoding="utf-8")
    events = [
        {"at": "2026-01-01", "facts": {"stop": False}},
        {"at": "2026-01-02", "facts": {"stop": True}},  # stop_drug supersedes reduce; reducing stays active
        {"at": "2026-01-03", "facts": {"stop": False}},  # stop_drug is retired: reduce does not come back by itself
        {"at": "2026-01-04", "event": "cycle"},  # reducing is entered again: a new decision issues reduce
    ]
    records = [r.to_dict() for r in pathway.run(definition, {"journey": "p", "events": events}).records]
    shown = [(r["input"], r["kind"], r["id"], r.get("why")) for r in records if r["kind"] in ("issued", "retired")]
    assert shown == [
        (1, "issued", "reduce", None),
        (2, "issued", "stop_drug", None),
        (2, "retired", "reduce", "superseded"),
        (3, "retired", "stop_drug", None),
        (4, "issued", "reduce", None),
    ]


@pytest.mark.parametrize("first", ["reduce", "stop_drug"])
def test_what_is_issued_at_one_moment_is_superseded_whatever_the_document_order(first: str, tmp_path: Path) -> None:
    second = "stop_drug" if first == "reduce" else "reduce"
    definition = tmp_path / "p.yaml"
    definition.write_text(
        f"""
pathway: together
version: 1.0.0
title: Issued together
status: draft
facts: {{}}
actions:
  reduce: {{title: Reduce the dose, kind: dose_change}}
  stop_drug: {{title: Stop the drug, kind: dose_change, supersedes: [reduce]}}
states:
  care:
    initial: true
    parallel: true
    states:
      a: {{states: {{x: {{initial: true, final: true, recommend: [{first}]}}}}}}
      b: {{states: {{y: {{initial: true, final: true, recommend: [{second}]}}}}}}
""",
        encoding="utf-8",
    )
    result = pathway.run(definition, {"journey": "t", "events": [{"at": "2026-01-01"}]})
    assert [i.id for i in result.summary.recommendations] == ["stop_drug"]
    (gone,) = [r for r in result.records if r.kind == "retired"]
    assert (gone.to_dict()["id"], gone.to_dict()["why"], gone.to_dict()["cause"]) == ("reduce", "superseded", "start")


def test_run_output_says_why_each_recommendation_was_retired_or_kept() -> None:
    text = render_run(pathway.run(DEFINITION, journey("resolved")).records, load_analysis(DEFINITION))
    lines = [line.split("    ", 1)[-1].strip() for line in text.splitlines()]
    assert "= still recommend hold_drug after grade_2 was left: it persists until grade <= 1" in lines
    assert "which is false: grade=3 (#8)" in lines
    assert "- no longer recommend start_steroids: its state grade_2 was left" in lines
    assert "- no longer recommend hold_drug: resolved (grade <= 1)" in lines
    superseded = render_run(pathway.run(DEFINITION, journey("superseded")).records, load_analysis(DEFINITION))
    assert "- no longer recommend hold_drug: superseded by discontinue_drug" in superseded
    conflict = render_run(pathway.run(DEFINITION, journey("conflict")).records, load_analysis(DEFINITION))
    assert "! CONFLICT: hold_drug (from grade_2) and resume_drug (from recovered) are recommended together" in (
        conflict
    )


def test_explain_says_why_a_recommendation_persists_why_it_was_retired_and_what_conflicts() -> None:
    golden = GOLDEN / "recommendations"
    now = explain(golden / "persistence-conflict.jsonl", pathway=DEFINITION).lines
    persists = "grade_2 was left at #10 (2026-03-05, grade_2->grade_3_4); it persists until grade <= 1, which is not"
    assert f"      {persists} true yet" in now
    assert "  hold_drug (from grade_2) and resume_drug (from recovered), since #21 (2026-03-25)" in now
    gone = explain(golden / "persistence-superseded.jsonl", pathway=DEFINITION, why_not="hold_drug").lines
    assert "  It was retired at #14 (2026-03-05): superseded by discontinue_drug (issued by grade_2->refractory)." in (
        gone
    )
    resolved = explain(golden / "persistence-resolved.jsonl", pathway=DEFINITION, why_not="hold_drug").lines
    assert "  It was retired at #23 (2026-03-23): resolved (grade <= 1)  [grade=1 (#19)]." in resolved


def test_the_run_shown_in_the_recommendations_page_is_true(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console blocks of the persistence section of docs/recommendations.md run against the fixture, in a copy."""
    from tests.test_site import BLOCK, _commands_of, _run_shown

    page = (ROOT / "docs" / "recommendations.md").read_text(encoding="utf-8")
    section = page.split("## Persistence, supersession and conflicts\n", 1)[1].split("\n## ", 1)[0]
    shutil.copytree(FIXTURES, tmp_path / "tests" / "fixtures" / "recommendations")
    monkeypatch.chdir(tmp_path)
    consoles = [body for kind, body in BLOCK.findall(section) if kind == "console"]
    assert consoles
    for body in consoles:
        for command, shown in _commands_of(body):
            _run_shown(command, shown, capsys)


def test_the_json_summary_of_a_run_lists_the_conflicts_that_stand(capsys: pytest.CaptureFixture[str]) -> None:
    from pathway.cli.main import main

    assert main(["run", str(journey("conflict")), "--pathway", str(DEFINITION), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["conflicts"] == [
        {"actions": ["hold_drug", "resume_drug"], "states": ["grade_2", "recovered"], "since": "2026-03-25"}
    ]
    hold = next(r for r in summary["recommendations"] if r["id"] == "hold_drug")
    assert (hold["persisting"], hold["until"]) == (True, "grade <= 1")


def test_after_an_engine_error_the_summary_lists_only_conflicts_whose_recommendations_are_still_active(
    tmp_path: Path,
) -> None:
    definition = tmp_path / "p.yaml"
    definition.write_text(
        """
pathway: conflict_then_cycle
version: 1.0.0
title: A conflict, then an eventless cycle
status: draft
facts: {loop: {type: bool}}
actions:
  give: {title: Give the drug, kind: medication, conflicts: [withhold]}
  withhold: {title: Withhold the drug, kind: medication}
states:
  care:
    initial: true
    parallel: true
    states:
      r1:
        states:
          giving: {initial: true, recommend: [give], transitions: [{to: ping, when: loop}]}
          ping: {transitions: [{to: pong, when: loop}]}
          pong: {transitions: [{to: ping, when: loop}]}
      r2:
        states:
          withholding: {initial: true, final: true, recommend: [withhold]}
""",
        encoding="utf-8",
    )
    events = [{"at": "2026-01-01", "facts": {"loop": False}}, {"at": "2026-01-02", "facts": {"loop": True}}]
    result = pathway.run(definition, {"journey": "c", "events": events})
    assert [r.kind for r in result.records if r.kind in ("conflict", "error")] == ["conflict", "error"]
    assert result.summary.error is not None
    assert result.summary.conflicts is None  # 'give' was retired on the way into the cycle


def test_show_prints_persistence_supersession_and_conflicts(capsys: pytest.CaptureFixture[str]) -> None:
    from pathway.cli.main import main

    assert main(["show", str(DEFINITION)]) == 0
    out = capsys.readouterr().out
    assert "hold_drug (until grade <= 1)" in out
    assert "supersedes: hold_drug, resume_drug" in out
    assert "conflicts with: resume_drug" in out
