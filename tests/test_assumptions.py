"""Visible assumptions (docs/recommendations.md): a guard reads a fact's assumed value only while the fact is not
recorded and only where the assumption decides it; every such read is marked as assumed in the trail, the run
output and explain; the summary lists the assumptions in force and `needs` still asks for them; an assumption the
recorded facts contradict (through a constraint) is not made; golden trails for the fixture's journeys, and replay
reproduces each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.audit.explain import explain
from pathway.audit.replay import replay
from pathway.audit.report import render_run
from pathway.cli.main import main
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.engine.runner import RunResult
from pathway.trail.io import write_trail
from pathway.trail.parts import ReadAssumed, ReadUnknown
from pathway.trail.records import TransitionRecord, WaitingRecord
from tests.conftest import GOLDEN, ROOT, assert_golden

FIXTURES = ROOT / "tests" / "fixtures" / "recommendations"
PATHWAY = FIXTURES / "assumptions.yaml"
JOURNEYS = sorted((FIXTURES / "journeys").glob("assumptions-*.yaml"))
NOTE = "contraindications to IVIg are rare and checked before the infusion"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return load_analysis(PATHWAY)


def run(analysis: Analysis, events: Sequence[Mapping[str, Any]]) -> RunResult:
    return pathway.run(analysis, {"journey": "j", "events": list(events)})


def taken(result: RunResult, transition: str) -> TransitionRecord:
    return next(r for r in result.records if isinstance(r, TransitionRecord) and r.id == transition)


@pytest.mark.parametrize("journey", JOURNEYS, ids=lambda p: p.stem)
def test_fixture_journey_matches_its_golden_trail_and_replays(journey: Path, tmp_path: Path) -> None:
    result = pathway.run(PATHWAY, journey)
    trail = tmp_path / "trail.jsonl"
    write_trail(trail, result.records)
    golden = GOLDEN / "recommendations" / f"{journey.stem}.jsonl"
    assert_golden(golden, trail.read_text(encoding="utf-8"))
    assert replay(golden, PATHWAY).status == "reproduced"


def test_an_assumed_value_decides_a_guard_and_every_read_of_it_is_marked(analysis: Analysis) -> None:
    result = run(analysis, [{"at": "2026-03-02", "facts": {"immune_supported": True, "on_drug": True}}])
    zoster = taken(result, "zoster_check->zoster_needed")
    assert zoster.read["zoster_prophylaxis_active"] == ReadAssumed(value=False, assumed=True)
    assert zoster.read["zoster_prophylaxis_active"].to_dict() == {"value": False, "assumed": True}
    ivig = taken(result, "therapy_choice->ivig")  # 'otherwise': the contraindication was read, as assumed, before it
    assert ivig.alternatives[0].read == {"ivig_contraindicated": ReadAssumed(value=False, assumed=True)}
    summary = result.summary
    assert summary.needs == ("ivig_contraindicated", "zoster_prophylaxis_active")  # the pathway still asks
    assert summary.waiting == ()
    assert [(a.fact, a.value, a.since, a.note) for a in summary.assumed or ()] == [
        ("ivig_contraindicated", False, "2026-03-02", NOTE),
        ("zoster_prophylaxis_active", False, "2026-03-02", "a reminder to a patient already protected does no harm"),
    ]
    assert [r.id for r in summary.recommendations] == ["give_prophylaxis", "give_ivig"]


def test_an_assumption_is_not_read_where_the_recorded_facts_decide(analysis: Analysis) -> None:
    result = run(analysis, [{"at": "2026-03-02", "facts": {"on_drug": False}}])
    check = taken(result, "zoster_check->zoster_ok").alternatives[0]  # on_drug false decides the guard alone
    assert check.read is not None
    assert check.read["zoster_prophylaxis_active"] == ReadUnknown(unknown=True)
    assert result.summary.assumed is None
    assert "zoster_prophylaxis_active" not in result.summary.needs


def test_a_recorded_value_ends_the_assumption_and_always_wins(analysis: Analysis) -> None:
    start = {"at": "2026-03-02", "facts": {"immune_supported": True, "on_drug": True}}
    result = run(analysis, [start, {"at": "2026-03-04", "facts": {"ivig_contraindicated": True}}])
    steroids = taken(result, "ivig->steroids")
    assert steroids.read["ivig_contraindicated"].to_dict() == {"value": True, "from": 2}
    assert [a.fact for a in result.summary.assumed or ()] == ["zoster_prophylaxis_active"]
    assert "ivig_contraindicated" not in result.summary.needs


def test_an_assumption_the_recorded_facts_contradict_is_not_made(analysis: Analysis) -> None:
    facts = {"immune_supported": True, "severe_renal_failure": True, "on_drug": False}
    result = run(analysis, [{"at": "2026-03-02", "facts": facts}])
    wait = next(r for r in result.records if isinstance(r, WaitingRecord))
    assert (wait.state, wait.needs) == ("therapy_choice", ("ivig_contraindicated",))
    assert wait.blocked[0].read == {"ivig_contraindicated": ReadUnknown(unknown=True)}
    assert result.summary.assumed is None


def test_an_assumption_that_does_not_decide_leaves_the_guard_unknown(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "pathway: p\nversion: 1.0.0\ntitle: P\nstatus: draft\nfacts:\n  a: {type: bool}\n"
        "  b: {type: bool, assume: {value: false, note: rare}}\n"
        "states:\n  s:\n    initial: true\n    transitions:\n      - {to: t, when: a or b}\n  t: {final: true}\n",
        encoding="utf-8",
    )
    result = pathway.run(path, {"journey": "j", "events": [{"at": "2026-03-02"}]})
    wait = next(r for r in result.records if isinstance(r, WaitingRecord))
    assert wait.needs == ("a", "b")  # b false would not decide 'a or b': nothing is assumed, both are asked for
    assert result.summary.assumed is None
    later = pathway.run(path, {"journey": "j", "events": [{"at": "2026-03-02", "facts": {"a": False}}]})
    # b assumed false now decides 'a or b': the patient stays in s because of it, which no record shows, so the
    # summary says so, and still asks for b
    assert later.summary.states == ("s",)
    assert [(a.fact, a.since) for a in later.summary.assumed or ()] == [("b", "2026-03-02")]
    assert later.summary.needs == ("b",)


def test_a_value_gone_stale_is_assumed_again_where_it_decides(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "pathway: p\nversion: 1.0.0\ntitle: P\nstatus: draft\nfacts:\n  go: {type: bool}\n"
        "  protected: {type: bool, valid_for: 7d, assume: {value: false, note: a reminder does no harm}}\n"
        "actions:\n  remind: {title: Remind, kind: advice}\n"
        "states:\n  s:\n    initial: true\n    transitions:\n"
        "      - {to: needed, when: go and not protected}\n"
        "  needed:\n    recommend: [remind]\n    transitions:\n      - {to: s, when: protected}\n",
        encoding="utf-8",
    )
    events = [
        {"at": "2026-03-02", "facts": {"go": True, "protected": True}},
        {"at": "2026-03-20", "facts": {}},
    ]
    result = pathway.run(path, {"journey": "j", "events": events})
    fired = taken(result, "s->needed")
    assert fired.at == "2026-03-09T00:00:00"  # the wake-up at which 'protected' went stale
    assert fired.read["protected"] == ReadAssumed(value=False, assumed=True)
    assert [(a.fact, a.since) for a in result.summary.assumed or ()] == [("protected", "2026-03-09T00:00:00")]


def test_run_output_and_explain_say_what_is_assumed_and_why(analysis: Analysis, tmp_path: Path) -> None:
    result = pathway.run(PATHWAY, FIXTURES / "journeys" / "assumptions-in-force.yaml")
    text = render_run(result.records, analysis)
    assert "with on_drug=true (#1), zoster_prophylaxis_active=false (assumed)" in text
    assert f"assuming ivig_contraindicated=false: not recorded ({NOTE})" in text
    assert f"  assuming ivig_contraindicated=false: not recorded ({NOTE}), since 2026-03-02" in text.split("Now (")[1]
    trail = tmp_path / "trail.jsonl"
    result.write(trail)
    answer = explain(trail, pathway=PATHWAY)
    assert f"      assuming ivig_contraindicated=false: not recorded ({NOTE})" in answer.lines
    assert "Assumed, not recorded (the pathway still asks for these):" in answer.lines
    assert answer.to_json()["assumed"] == [
        {"fact": "ivig_contraindicated", "value": False, "since": "2026-03-02"},
        {"fact": "zoster_prophylaxis_active", "value": False, "since": "2026-03-02"},
    ]
    without = explain(trail, pathway=PATHWAY, step=1)  # before any guard read them
    assert without.assumed == {}


def test_the_summary_alone_gives_why_when_the_pathway_is_not_at_hand(analysis: Analysis) -> None:
    result = pathway.run(PATHWAY, FIXTURES / "journeys" / "assumptions-in-force.yaml")
    assert f"assuming ivig_contraindicated=false: not recorded ({NOTE})" in render_run(result.records)


def test_assumptions_do_not_change_the_hash_of_a_definition_that_does_not_use_them() -> None:
    bundled = load_analysis(ROOT / "definitions" / "example" / "pathway.yaml").pathway
    dumped = bundled.model_dump(mode="json")
    assert "constraints" not in dumped
    assert all("assume" not in fact for fact in dumped["facts"].values())


def test_show_names_each_assumed_value(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(PATHWAY)]) == 0
    assert "ivig_contraindicated         bool; assumed false while not recorded" in capsys.readouterr().out


def test_explain_reads_a_pending_timer_s_guard_as_the_engine_would(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "pathway: p\nversion: 1.0.0\ntitle: P\nstatus: draft\nfacts:\n  go: {type: bool}\n"
        "  protected: {type: bool, assume: {value: false, note: a reminder does no harm}}\n"
        "states:\n  s:\n    initial: true\n    transitions:\n"
        "      - {to: t, after: 3d, when: go and not protected}\n  t: {final: true}\n",
        encoding="utf-8",
    )
    trail = tmp_path / "trail.jsonl"
    pathway.run(path, {"journey": "j", "events": [{"at": "2026-03-02", "facts": {"go": True}}]}).write(trail)
    lines = explain(trail, pathway=path).lines
    guard = lines[next(i for i, line in enumerate(lines) if "s->t: after 3d" in line) + 1]
    assert guard.strip() == "its guard go and not protected is true now  [go=true (#1), protected=false (assumed)]"
