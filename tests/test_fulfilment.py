"""What fulfils an order (``fulfilled_by``) and whom a recommendation concerns (``applies_to``), observed through
trails (docs/recommendations.md, "What fulfils an order, and whom it concerns")."""

from __future__ import annotations

from typing import Any

import pytest

import pathway
from pathway.definition.analysis import Analysis, analyse
from pathway.definition.canonical import canonical_json, sha256_of
from pathway.definition.loader import load_analysis
from pathway.definition.model import Pathway
from pathway.linter.base import run_rules
from pathway.scenarios.generate import generate
from tests.conftest import ROOT

BASE: dict[str, Any] = {
    "pathway": "orders",
    "version": "0.1.0",
    "title": "Orders (test)",
    "status": "draft",
    "evidence": {"e": {"cite": "Test"}},
    "facts": {
        "suspected": {"type": "bool"},
        "result": {"type": "enum", "values": ["normal", "abnormal"]},
        "other_result": {"type": "int", "min": 0, "max": 9},
        "eligible": {"type": "bool"},
        "divisor": {"type": "int", "min": 0, "max": 9},
    },
    "actions": {
        "order_test": {
            "title": "Order the test",
            "kind": "order",
            "evidence": ["e"],
            "fulfilled_by": ["result", "other_result"],
        },
        "advise": {"title": "Advise", "kind": "advice", "evidence": ["e"]},
    },
    "states": {
        "idle": {
            "initial": True,
            "transitions": [{"to": "testing", "when": "suspected", "evidence": ["e"]}],
        },
        "testing": {
            "recommend": [{"action": "order_test", "due": "1w"}, "advise"],
            "transitions": [{"to": "idle", "when": "not suspected", "evidence": ["e"]}],
        },
    },
}


def build(**actions: dict[str, Any]) -> Analysis:
    data = {**BASE, "actions": {name: {**BASE["actions"][name], **extra} for name, extra in actions.items()}}
    data["actions"] = {**BASE["actions"], **data["actions"]}
    analysis = analyse(Pathway.model_validate(data))
    assert analysis.ok, analysis.issues
    return analysis


def records_of(analysis: Analysis, events: list[dict[str, Any]], until: str | None = None) -> list[dict[str, Any]]:
    result = pathway.run(analysis, {"journey": "t", "events": events}, until=until)
    return [r.to_dict() for r in result.records]


def of_kind(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in records if r["kind"] == kind]


def item(records: list[dict[str, Any]], action: str) -> dict[str, Any]:
    return next(i for i in records[-1]["recommendations"] if i["id"] == action)


SUSPECT = {"at": "2026-03-02", "facts": {"suspected": True}}


@pytest.fixture(scope="module")
def orders() -> Analysis:
    return build()


# --- fulfilled_by ------------------------------------------------------------------------------------------------


def test_a_result_arriving_fulfils_the_active_order(orders: Analysis) -> None:
    records = records_of(orders, [SUSPECT, {"at": "2026-03-05", "facts": {"result": "normal"}}], until="2026-03-20")
    (fulfilled,) = of_kind(records, "fulfilled")
    assert fulfilled == fulfilled | {
        "action": "order_test",
        "state": "testing",
        "fact": "result",
        "value": "normal",
        "from": 2,
        "input": 2,
        "at": "2026-03-05",
    }
    assert item(records, "order_test")["done"] == "2026-03-05"
    assert "overdue" not in records[-1]
    unfulfilled = records_of(orders, [SUSPECT, {"at": "2026-03-05"}], until="2026-03-20")
    assert [d["id"] for d in unfulfilled[-1]["overdue"]] == ["order_test"]


def test_any_fact_of_fulfilled_by_fulfils_and_the_first_listed_is_named(orders: Analysis) -> None:
    both = {"at": "2026-03-05", "facts": {"other_result": 3, "result": "abnormal"}}
    (fulfilled,) = of_kind(records_of(orders, [SUSPECT, both]), "fulfilled")
    assert (fulfilled["fact"], fulfilled["value"]) == ("result", "abnormal")
    (other,) = of_kind(records_of(orders, [SUSPECT, {"at": "2026-03-05", "facts": {"other_result": 3}}]), "fulfilled")
    assert (other["fact"], other["value"]) == ("other_result", 3)


def test_a_result_with_the_entry_that_issues_the_order_fulfils_it(orders: Analysis) -> None:
    records = records_of(orders, [{"at": "2026-03-02", "facts": {"suspected": True, "result": "normal"}}])
    (fulfilled,) = of_kind(records, "fulfilled")
    issued = next(r for r in of_kind(records, "issued") if r["id"] == "order_test")
    assert fulfilled["seq"] == issued["seq"] + 1


def test_a_result_on_file_before_the_order_does_not_fulfil_it(orders: Analysis) -> None:
    records = records_of(orders, [{"at": "2026-03-01", "facts": {"result": "normal"}}, SUSPECT])
    assert of_kind(records, "fulfilled") == []
    assert "done" not in item(records, "order_test")


def test_an_order_done_is_not_fulfilled_again(orders: Analysis) -> None:
    events = [SUSPECT, {"at": "2026-03-03", "done": "order_test"}, {"at": "2026-03-05", "facts": {"result": "normal"}}]
    records = records_of(orders, events)
    assert of_kind(records, "fulfilled") == []
    assert item(records, "order_test")["done"] == "2026-03-03"


def test_an_order_fulfilled_once_is_not_fulfilled_again_until_it_is_issued_again(orders: Analysis) -> None:
    events = [
        SUSPECT,
        {"at": "2026-03-03", "facts": {"result": "normal"}},
        {"at": "2026-03-04", "facts": {"result": "abnormal"}},
        {"at": "2026-03-05", "facts": {"suspected": False}},
        {"at": "2026-03-06", "facts": {"suspected": True}},
        {"at": "2026-03-07", "facts": {"result": "normal"}},
    ]
    fulfilled = of_kind(records_of(orders, events), "fulfilled")
    assert [(r["input"], r["value"]) for r in fulfilled] == [(2, "normal"), (6, "normal")]


def test_a_fulfilled_order_is_done_for_guards(orders: Analysis) -> None:
    data = {**BASE, "states": {**BASE["states"]}}
    data["states"]["testing"] = {
        **BASE["states"]["testing"],
        "transitions": [{"to": "idle", "when": "done(order_test)", "evidence": ["e"]}],
    }
    analysis = analyse(Pathway.model_validate(data))
    records = records_of(analysis, [SUSPECT, {"at": "2026-03-05", "facts": {"result": "normal"}}])
    back = next(r for r in of_kind(records, "transition") if r["id"] == "testing->idle")
    assert back["read"] == {"done(order_test)": {"value": True, "decision": True, "from": 2}}


def test_an_action_without_fulfilled_by_keeps_the_summary_it_had(orders: Analysis) -> None:
    records = records_of(orders, [SUSPECT, {"at": "2026-03-05", "done": "advise"}])
    assert "done" not in item(records, "advise")  # no deadline, no fulfilled_by: as before


def test_definitions_without_the_new_keys_keep_their_hash() -> None:
    plain = Pathway.model_validate({**BASE, "actions": {"a": {"title": "A", "kind": "advice"}}, "states": BASE_STATES})
    same = Pathway.model_validate(
        {**BASE, "actions": {"a": {"title": "A", "kind": "advice", "fulfilled_by": None}}, "states": BASE_STATES}
    )
    assert sha256_of(plain) == sha256_of(same)
    assert "fulfilled_by" not in canonical_json(plain)
    assert "applies_to" not in canonical_json(plain)
    changed = Pathway.model_validate(
        {**BASE, "actions": {"a": {"title": "A", "kind": "advice", "applies_to": "eligible"}}, "states": BASE_STATES}
    )
    assert sha256_of(changed) != sha256_of(plain)


BASE_STATES = {"only": {"initial": True, "recommend": ["a"]}}


# --- applies_to --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def targeted() -> Analysis:
    return build(advise={"applies_to": "eligible"})


def issued_advice(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in of_kind(records, "issued") if r["id"] == "advise"]


def test_unknown_applies_to_issues_the_recommendation_and_says_so(targeted: Analysis) -> None:
    (issued,) = issued_advice(records_of(targeted, [SUSPECT]))
    assert issued["applies"] == "unknown"


def test_definitely_false_applies_to_withholds_it_never_silently(targeted: Analysis) -> None:
    records = records_of(targeted, [{"at": "2026-03-02", "facts": {"suspected": True, "eligible": False}}])
    assert issued_advice(records) == []
    (withheld,) = of_kind(records, "inapplicable")
    assert withheld == withheld | {
        "id": "advise",
        "state": "testing",
        "guard": "eligible",
        "read": {"eligible": {"value": False, "from": 1}},
    }
    assert "advise" not in [i["id"] for i in records[-1]["recommendations"]]


def test_applies_to_turning_false_retires_and_turning_back_issues_again(targeted: Analysis) -> None:
    events = [
        SUSPECT | {"facts": {"suspected": True, "eligible": True}},
        {"at": "2026-03-03", "facts": {"eligible": False}},
        {"at": "2026-03-04", "facts": {"other_result": 1}},  # still false: nothing recorded again
        {"at": "2026-03-05", "facts": {"eligible": True}},
    ]
    records = records_of(targeted, events)
    first, again = issued_advice(records)
    assert (first["applies"], first["cause"]) == ("true", "idle->testing")
    assert (again["applies"], again["cause"], again["input"]) == ("true", "applies_to", 4)
    (withheld,) = of_kind(records, "inapplicable")
    (retired,) = [r for r in of_kind(records, "retired") if r["id"] == "advise"]
    assert (withheld["input"], retired["input"], retired["cause"]) == (2, 2, "applies_to")
    assert withheld["seq"] < retired["seq"]


def test_leaving_the_state_forgets_that_it_was_withheld(targeted: Analysis) -> None:
    events = [
        SUSPECT | {"facts": {"suspected": True, "eligible": False}},
        {"at": "2026-03-03", "facts": {"suspected": False}},
        {"at": "2026-03-04", "facts": {"suspected": True}},
    ]
    records = records_of(targeted, events)
    assert [r["input"] for r in of_kind(records, "inapplicable")] == [1, 3]  # recorded again at the new entry
    assert issued_advice(records) == []


def test_an_applies_to_that_cannot_be_evaluated_issues_the_recommendation() -> None:
    analysis = build(advise={"applies_to": "10 / divisor > 1"})
    (issued,) = issued_advice(records_of(analysis, [SUSPECT | {"facts": {"suspected": True, "divisor": 0}}]))
    assert issued["applies"] == "error"


def test_applies_to_may_read_a_decision() -> None:
    analysis = build(advise={"applies_to": "not declined(order_test)"})
    events = [SUSPECT, {"at": "2026-03-03", "declined": "order_test", "reason_code": "patient-refuses"}]
    records = records_of(analysis, events)
    (withheld,) = of_kind(records, "inapplicable")
    assert withheld["read"] == {"declined(order_test)": {"value": True, "decision": True, "from": 2}}


# --- lint reads decisions and applies_to -------------------------------------------------------------------------

LINTED: dict[str, Any] = {
    **BASE,
    "actions": {
        **BASE["actions"],
        "advise": {"title": "Advise", "kind": "advice", "evidence": ["e"], "applies_to": "eligible"},
    },
    "states": {
        "idle": {
            "initial": True,
            "transitions": [
                {"to": "testing", "when": "suspected and declined(advise)", "evidence": ["e"]},
                {"to": "testing", "when": "signed(order_test) and not signed(order_test)", "evidence": ["e"]},
            ],
        },
        "testing": {
            "recommend": [{"action": "order_test", "due": "1w"}, "advise"],
            "transitions": [{"to": "idle", "when": "not suspected or done(order_test)", "evidence": ["e"]}],
        },
    },
}


def test_lint_enumerates_decisions_as_recorded_or_not() -> None:
    found = [issue for _, issue in run_rules(analyse(Pathway.model_validate(LINTED)))]
    never = [i for i in found if i.code == "PW510"]
    assert [i.path[-2] for i in never] == [1]  # only the contradiction; declined(advise) can be true
    (stuck,) = [i for i in found if i.code == "PW512" and i.path == ("states", "testing")]
    assert stuck.hint is not None
    assert "facts: {suspected: true}" in stuck.hint
    (idle,) = [i for i in found if i.code == "PW512" and i.path == ("states", "idle")]
    assert idle.hint is not None
    assert "declined" not in idle.hint  # a patient who declined nothing: decisions not recorded are left out


def test_a_fact_read_only_by_applies_to_or_fulfilled_by_is_read() -> None:
    found = [issue for _, issue in run_rules(analyse(Pathway.model_validate(LINTED)))]
    unread = {i.path[-1] for i in found if i.code == "PW521"}
    assert "eligible" not in unread  # applies_to
    assert "other_result" not in unread  # fulfilled_by only
    assert "divisor" in unread


def test_scenario_generation_says_which_decision_it_cannot_record() -> None:
    generation = generate(load_analysis(ROOT / "tests" / "fixtures" / "recommendations" / "decisions.yaml"), [])
    reasons = {u.transition: u.reason for u in generation.unreachable}
    assert reasons["on_ivig->on_steroids"] == (
        "its guard reads recorded decision(s) declined(ivig), which the search does not record; write a scenario "
        "step that records it (e.g. 'declined: ivig')"
    )
