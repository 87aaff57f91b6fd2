"""Recorded decisions in journeys (docs/recommendations.md, "Recorded decisions"): declined care with a CDS Hooks
reason code, done care with one, and sign-offs by a role; how they are checked and how a trail keeps them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.audit.explain import explain
from pathway.audit.replay import replay
from pathway.audit.report import render_run
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.errors import InvalidInputError
from pathway.journey.check import LoadedJourney, input_from_record, input_to_record, journey_from_data
from pathway.journey.reasons import CATEGORIES, REASON_CODES, SYSTEM
from pathway.journey.until import with_until
from pathway.scenarios.coverage import guard_outcomes
from pathway.trail.io import write_trail
from tests.conftest import GOLDEN, ROOT, assert_golden

TINY = "tests/fixtures/definitions/valid/tiny.yaml"


@pytest.fixture(scope="module")
def tiny() -> Analysis:
    return load_analysis(TINY)


def _codes(event: dict[str, object], analysis: Analysis) -> list[str]:
    with pytest.raises(InvalidInputError) as caught:
        journey_from_data({"journey": "j", "events": [{"at": "2026-03-02", **event}]}, analysis)
    return [d.code for d in caught.value.diagnostics]


# --- the reason codes -----------------------------------------------------------------------------------------


def test_the_reason_codes_are_the_cds_hooks_code_system() -> None:
    assert SYSTEM == "http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes"
    assert list(CATEGORIES) == [
        "cds-not-applicable",
        "cds-suboptimal-context",
        "recipient-disagrees-evidence",
        "recipient-concerns-outcomes",
        "does-not-align-preferences",
        "not-convenient-feasible",
    ]
    assert len(REASON_CODES) == 35
    for code in ("patient-ineligible", "action-completed", "patient-refuses", "patient-contraindication"):
        assert code in REASON_CODES
    assert all(code == code.lower() and " " not in code for code in REASON_CODES)


def test_the_docs_list_every_reason_code() -> None:
    page = (ROOT / "docs" / "recommendations.md").read_text(encoding="utf-8")
    assert [code for code in REASON_CODES if f"`{code}`" not in page] == []


# --- journeys -------------------------------------------------------------------------------------------------


def test_a_decision_is_read_with_its_reason_and_role(tiny: Analysis) -> None:
    events = [
        {"at": "2026-03-02", "declined": "treat", "reason_code": "patient-refuses", "reason": "prefers to wait"},
        {"at": "2026-03-03", "done": "treat", "reason_code": "action-not-priority"},
        {"at": "2026-03-04", "signed": "treat", "by": "attending"},
    ]
    inputs = journey_from_data({"journey": "j", "events": events}, tiny).inputs
    assert (inputs[0].declined, inputs[0].reason_code, inputs[0].reason) == (
        "treat",
        "patient-refuses",
        "prefers to wait",
    )
    assert (inputs[1].done, inputs[1].reason_code, inputs[1].declined) == ("treat", "action-not-priority", None)
    assert (inputs[2].signed, inputs[2].by) == ("treat", "attending")


def test_a_decision_survives_the_trail_and_is_checked_again(tiny: Analysis) -> None:
    events = [
        {"at": "2026-03-02", "declined": "treat", "reason_code": "patient-refuses", "signed": "treat", "by": "nurse"}
    ]
    (inp,) = journey_from_data({"journey": "j", "events": events}, tiny).inputs
    record = input_to_record(inp)
    assert record == {
        "at": "2026-03-02",
        "facts": {},
        "declined": "treat",
        "reason_code": "patient-refuses",
        "signed": "treat",
        "by": "nurse",
    }
    assert input_from_record(record, tiny, 1) == inp
    with pytest.raises(InvalidInputError):
        input_from_record(record | {"reason_code": "patient-declines"}, tiny, 1)


def test_an_entry_without_decisions_keeps_its_record() -> None:
    analysis = load_analysis(TINY)
    (inp,) = journey_from_data({"journey": "j", "events": [{"at": "2026-03-02", "done": "treat"}]}, analysis).inputs
    assert input_to_record(inp) == {"at": "2026-03-02", "facts": {}, "done": "treat"}


@pytest.mark.parametrize(
    ("event", "codes"),
    [
        ({"declined": "treet"}, ["PW306"]),
        ({"signed": "treet", "by": "attending"}, ["PW306"]),
        ({"declined": "treat", "reason_code": "declined"}, ["PW013"]),
        ({"declined": "treat", "reason_code": "PATIENT-REFUSES"}, ["PW013"]),
        ({"reason_code": "patient-refuses"}, ["PW310"]),
        ({"reason": "why"}, ["PW310"]),
        ({"by": "attending"}, ["PW310"]),
        ({"signed": "treat"}, ["PW310"]),
        ({"signed": "treat", "by": "Dr. Who"}, ["PW013"]),
        ({"signed": "treat", "by": "a" * 41}, ["PW013"]),
        ({"done": "treat", "declined": "treat"}, ["PW331"]),
        ({"declined": 3}, ["PW012"]),
    ],
)
def test_decisions_are_checked(event: dict[str, object], codes: list[str], tiny: Analysis) -> None:
    assert _codes(event, tiny) == codes


def test_until_records_no_decision(tiny: Analysis) -> None:
    events = [
        {"at": "2026-03-02", "signed": "treat", "by": "attending", "declined": "treat", "reason_code": "limited-time"}
    ]
    journey = journey_from_data({"journey": "j", "events": events}, tiny)
    extended = with_until(journey, "2026-03-05")
    assert isinstance(extended, LoadedJourney)
    last = extended.inputs[-1]
    assert (last.declined, last.reason_code, last.signed, last.by, last.until) == (None, None, None, None, True)


# --- the engine: decisions guards read, declined records, golden trails ----------------------------------------

FIXTURE = ROOT / "tests" / "fixtures" / "recommendations"
GOLDEN_DIR = GOLDEN / "recommendations"
# journey -> --until (or None)
CASES: dict[str, str | None] = {
    "decisions-ivig-declined": None,
    "decisions-order-fulfilled": "2026-03-20",
    "decisions-applies-to": None,
    "decisions-unasked": None,
}
IMMUNE = {"at": "2026-03-02", "facts": {"immune": True, "ivig_contraindicated": False, "on_bortezomib": True}}


@pytest.fixture(scope="module")
def decisions() -> Analysis:
    return load_analysis(FIXTURE / "decisions.yaml")


def records_of(analysis: Analysis, events: list[dict[str, Any]], until: str | None = None) -> list[dict[str, Any]]:
    result = pathway.run(analysis, {"journey": "t", "events": events}, until=until)
    return [r.to_dict() for r in result.records]


def of_kind(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in records if r["kind"] == kind]


def moved(records: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in of_kind(records, "transition")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_journey_matches_its_golden_trail_and_run_text_and_replays(name: str, tmp_path: Path) -> None:
    definition = FIXTURE / "decisions.yaml"
    result = pathway.run(definition, FIXTURE / "journeys" / f"{name}.yaml", until=CASES[name])
    trail = tmp_path / f"{name}.jsonl"
    write_trail(trail, result.records)
    assert_golden(GOLDEN_DIR / f"{name}.jsonl", trail.read_text(encoding="utf-8"))
    assert_golden(GOLDEN_DIR / f"{name}.txt", render_run(result.records, load_analysis(definition)) + "\n")
    replayed = replay(GOLDEN_DIR / f"{name}.jsonl", definition)
    assert replayed.status == "reproduced", replayed.to_text()


def test_declining_an_active_recommendation_is_a_recorded_decision_that_guards_read(decisions: Analysis) -> None:
    declined = {"at": "2026-03-03", "declined": "ivig", "reason_code": "patient-refuses", "reason": "no infusion"}
    records = records_of(decisions, [IMMUNE, declined])
    assert "on_ivig->on_steroids" in moved(records)
    (record,) = of_kind(records, "declined")
    assert record == record | {
        "action": "ivig",
        "recommended": True,
        "reason_code": "patient-refuses",
        "reason": "no infusion",
        "input": 2,
    }
    assert "state" not in record  # ivig was retired by the decision itself
    assert of_kind(records, "deviation") == []
    fired = next(r for r in of_kind(records, "transition") if r["id"] == "on_ivig->on_steroids")
    assert fired["read"] == {"declined(ivig)": {"value": True, "decision": True, "from": 2}}
    assert records[-1]["recommendations"][-1]["id"] == "steroids"


def test_a_decision_not_recorded_reads_false_with_no_input(decisions: Analysis) -> None:
    records = records_of(decisions, [IMMUNE])
    chosen = next(r for r in of_kind(records, "transition") if r["id"] == "choice->on_ivig")
    (before,) = chosen["alternatives"]
    assert before["read"]["declined(ivig)"] == {"value": False, "decision": True}


def test_a_declined_recommendation_that_stays_active_is_neither_due_nor_overdue(decisions: Analysis) -> None:
    start = {"at": "2026-03-02", "facts": {"on_bortezomib": True, "route": "sc"}}
    declined = {"at": "2026-03-03", "declined": "order_ncs", "reason_code": "action-not-priority"}
    records = records_of(decisions, [start, declined], until="2026-04-01")
    summary = records[-1]
    (order,) = [i for i in summary["recommendations"] if i["id"] == "order_ncs"]
    assert order["declined"] == "2026-03-03"
    assert "overdue" not in summary
    assert of_kind(records, "declined")[0]["state"] == "ncs_pending"
    overdue = records_of(decisions, [start], until="2026-04-01")[-1]["overdue"]
    assert [d["id"] for d in overdue] == ["order_ncs"]  # the same journey without the decision: overdue


def test_declining_what_is_not_recommended_is_kept_and_flagged(decisions: Analysis) -> None:
    advance = {"at": "2026-03-02", "declined": "steroids", "reason_code": "patient-contraindication"}
    records = records_of(decisions, [advance, IMMUNE | {"at": "2026-03-03"}, {"at": "2026-03-04", "declined": "ivig"}])
    first, second = of_kind(records, "declined")
    assert (first["action"], first["recommended"], "state" in first) == ("steroids", False, False)
    assert (second["action"], second["recommended"]) == ("ivig", True)
    assert "on_steroids->both_declined" in moved(records)  # the advance decision is read once steroids come up


def test_declining_what_an_entry_itself_brings_up_counts_as_recommended(decisions: Analysis) -> None:
    records = records_of(decisions, [IMMUNE | {"declined": "ivig"}])
    (record,) = of_kind(records, "declined")
    assert record["recommended"] is True  # the entry's facts bring ivig up, then its decision answers it
    assert moved(records)[-2:] == ["choice->on_ivig", "on_ivig->on_steroids"]
    issued, retired = (r for r in records if r["kind"] in ("issued", "retired") and r["id"] == "ivig")
    assert (issued["kind"], retired["kind"], retired["cause"]) == ("issued", "retired", "on_ivig->on_steroids")


def test_done_care_not_recommended_is_a_deviation_with_its_reason_code(decisions: Analysis) -> None:
    done = {"at": "2026-03-03", "done": "steroids", "reason_code": "service-not-available", "reason": "no IVIg"}
    (deviation,) = of_kind(records_of(decisions, [IMMUNE, done]), "deviation")
    assert (deviation["action"], deviation["reason_code"], deviation["reason"]) == (
        "steroids",
        "service-not-available",
        "no IVIg",
    )


def test_a_completed_course_changes_what_comes_next(decisions: Analysis) -> None:
    events = [IMMUNE, {"at": "2026-03-03", "done": "ivig"}, {"at": "2026-03-30"}, {"at": "2026-03-31"}]
    records = records_of(decisions, events)
    review = next(r for r in of_kind(records, "transition") if r["id"] == "on_ivig->review")
    assert (review["at"], review["input"]) == ("2026-03-31", 4)  # 28 whole days after the course, not 27
    assert review["read"] == {"done(ivig)": {"value": True, "decision": True, "from": 2}}
    assert [i["id"] for i in records[-1]["recommendations"]][-1] == "review_response"


def test_a_sign_off_by_a_role_opens_the_gate_it_guards(decisions: Analysis) -> None:
    events = [
        IMMUNE,
        {"at": "2026-03-03", "done": "ivig"},
        {"at": "2026-03-31", "facts": {"improved": False}},
        {"at": "2026-04-01", "signed": "review_response", "by": "attending"},
    ]
    assert "review->escalated" not in moved(records_of(decisions, events))  # a sign-off of another action
    events[-1] = {"at": "2026-04-01", "signed": "plasma_exchange", "by": "attending"}
    records = records_of(decisions, events)
    assert "review->escalated" in moved(records)
    assert (of_kind(records, "input")[-1]["signed"], of_kind(records, "input")[-1]["by"]) == (
        "plasma_exchange",
        "attending",
    )


def test_the_latest_record_of_a_decision_is_the_one_read(decisions: Analysis) -> None:
    events = [IMMUNE, {"at": "2026-03-03", "done": "ivig"}, {"at": "2026-03-20", "done": "ivig"}, {"at": "2026-04-01"}]
    assert "on_ivig->review" not in moved(records_of(decisions, events))  # 12 days since the second course
    events[-1] = {"at": "2026-04-17"}
    assert "on_ivig->review" in moved(records_of(decisions, events))


def test_decisions_survive_a_trail_read_back_for_coverage(decisions: Analysis) -> None:
    events = [IMMUNE, {"at": "2026-03-03", "declined": "ivig"}]
    result = pathway.run(decisions, {"journey": "t", "events": events})
    seen = guard_outcomes(decisions, result.records)
    assert ("on_steroids->both_declined", "false") in seen
    assert ("choice->on_steroids", "true") not in seen  # declined(ivig) is true only once choice was left
    assert ("on_ivig->on_steroids", "true") in seen


# --- explain reads decisions back from the trail -----------------------------------------------------------------


def test_explain_does_not_call_a_fulfilled_or_declined_order_overdue() -> None:
    definition = FIXTURE / "decisions.yaml"
    fulfilled = explain(GOLDEN_DIR / "decisions-order-fulfilled.jsonl", pathway=definition)
    assert [d.id for d in fulfilled.deadlines] == []
    assert any("order_ncs" in line and "done at #11" in line for line in fulfilled.lines)
    early = explain(GOLDEN_DIR / "decisions-order-fulfilled.jsonl", step=9, at="2026-03-20", pathway=definition)
    assert [(d.id, d.status) for d in early.deadlines] == [("order_ncs", "overdue")]  # before the result arrived


def test_explain_says_why_a_recommendation_is_withheld_or_was_declined() -> None:
    definition = FIXTURE / "decisions.yaml"
    withheld = explain(
        GOLDEN_DIR / "decisions-applies-to.jsonl", step=12, why_not="zoster_prophylaxis", pathway=definition
    )
    text = "\n".join(withheld.lines)
    assert "it does not apply since #11 (2026-03-03): on_bortezomib is false (on_bortezomib=false (#10))" in text
    assert "It was withheld at #12 (2026-03-03): its applies_to became false in state on_treatment." in text
    declined = explain(GOLDEN_DIR / "decisions-ivig-declined.jsonl", why_not="ivig", pathway=definition)
    assert "  It was declined at #16 (2026-03-03), reason code patient-refuses." in declined.lines
