"""Recorded decisions in journeys (docs/recommendations.md, "Recorded decisions"): declined care with a CDS Hooks
reason code, done care with one, and sign-offs by a role; how they are checked and how a trail keeps them."""

from __future__ import annotations

import pytest

from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.errors import InvalidInputError
from pathway.journey.check import LoadedJourney, input_from_record, input_to_record, journey_from_data
from pathway.journey.reasons import CATEGORIES, REASON_CODES, SYSTEM
from pathway.journey.until import with_until
from tests.conftest import ROOT

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
