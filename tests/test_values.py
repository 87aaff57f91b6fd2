"""Computed values in a recommendation (docs/recommendations.md, "Computed values"), observed through trails: worked
out when issued and after each input and wake-up, three-valued (a number, unknown with the facts it needs, or an
error), revised only when a clinician would see a change; golden trails, run output and explain for the fixture
journeys, and replay reproduces each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.audit.replay import replay
from pathway.audit.report import render_run
from pathway.definition.analysis import Analysis
from pathway.definition.canonical import canonical_json
from pathway.definition.loader import load_analysis
from pathway.definition.model import Action
from pathway.definition.values import rounded, shown
from pathway.linter import lint_file
from pathway.publish.pathway_docs import evidence_page
from pathway.publish.site_pages import actions_page
from pathway.render.diagrams import dot
from pathway.render.graph import build_graph
from pathway.trail.io import read_trail, write_trail
from tests.conftest import FIXTURES, GOLDEN, ROOT, assert_golden

HERE = FIXTURES / "recommendations"
VALUES = HERE / "values.yaml"
JOURNEYS = HERE / "journeys"
GOLDEN_VALUES = GOLDEN / "values"
NAMES = sorted(p.stem for p in JOURNEYS.glob("*.yaml") if "pathway: values" in p.read_text(encoding="utf-8"))
START = {"at": "2026-05-04", "event": "start", "facts": {"weight_kg": 82, "grade": 1, "infusion_hours": 2}}


@pytest.fixture(scope="module")
def values() -> Analysis:
    return load_analysis(VALUES)


def records_of(analysis: Analysis, events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    result = pathway.run(analysis, {"journey": "t", "events": list(events)})
    return [r.to_dict() for r in result.records]


def of_kind(records: Sequence[Mapping[str, Any]], kind: str, action: str | None = None) -> list[Mapping[str, Any]]:
    return [r for r in records if r["kind"] == kind and (action is None or r.get("id") == action)]


def summary_item(records: Sequence[Mapping[str, Any]], action: str) -> Mapping[str, Any]:
    return next(i for i in records[-1]["recommendations"] if i["id"] == action)


@pytest.mark.parametrize("name", NAMES)
def test_fixture_journey_matches_its_golden_trail_run_and_explain_and_replays(name: str, tmp_path: Path) -> None:
    result = pathway.run(VALUES, JOURNEYS / f"{name}.yaml")
    trail = tmp_path / f"{name}.jsonl"
    write_trail(trail, result.records)
    golden = GOLDEN_VALUES / f"{name}.jsonl"
    assert_golden(golden, trail.read_text(encoding="utf-8"))
    replayed = replay(golden, VALUES)
    assert replayed.status == "reproduced", replayed.to_text()
    records = read_trail(golden).records
    assert render_run(records, load_analysis(VALUES)) == render_run(result.records, load_analysis(VALUES))
    assert_golden(GOLDEN_VALUES / f"{name}.run.txt", render_run(records, load_analysis(VALUES)) + "\n")
    assert_golden(GOLDEN_VALUES / f"{name}.explain.txt", pathway.explain(golden, pathway=VALUES).text + "\n")


def test_a_value_is_worked_out_from_the_facts_when_the_recommendation_is_issued(values: Analysis) -> None:
    records = records_of(values, [START])
    (issued,) = of_kind(records, "issued", "start_prednisone")
    assert issued["values"] == {
        "dose": {
            "value": 82,
            "unit": "mg/day",
            "expr": "weight_kg * 1",
            "read": {"weight_kg": {"value": 82, "from": 1}},
        }
    }
    assert issued["text"] == "Prednisone 82 mg/day once daily"
    assert summary_item(records, "start_prednisone")["text"] == "Prednisone 82 mg/day once daily"


def test_a_value_reads_derived_facts_with_the_facts_behind_them(values: Analysis) -> None:
    heavy = {**START, "facts": {**START["facts"], "weight_kg": 120}}
    (issued,) = of_kind(records_of(values, [heavy]), "issued", "infuse")
    assert issued["values"]["volume"]["value"] == 1000  # min(weight_kg, 100) * 10
    assert issued["values"]["volume"]["read"] == {
        "dosing_weight": {"value": 100, "derived": True},
        "weight_kg": {"value": 120, "from": 1},
    }


def test_an_unknown_fact_makes_the_value_unknown_and_needed_never_a_number(values: Analysis) -> None:
    start = {**START, "facts": {"grade": 1, "infusion_hours": 2}}
    records = records_of(values, [start])
    (issued,) = of_kind(records, "issued", "start_prednisone")
    dose = issued["values"]["dose"]
    assert dose["unknown"] is True
    assert dose["missing"] == ["weight_kg"]
    assert "value" not in dose
    assert issued["text"] == "Prednisone [dose unknown] once daily"
    assert records[-1]["needs"] == ["weight_kg"]  # what to collect next, though no state waits for it
    assert records[-1]["waiting"] == []


def test_a_value_that_becomes_known_is_revised_with_the_input_that_gave_it(values: Analysis) -> None:
    start = {**START, "facts": {"grade": 1, "infusion_hours": 2}}
    records = records_of(values, [start, {"at": "2026-05-05", "facts": {"weight_kg": 75}}])
    (revised,) = of_kind(records, "revised", "start_prednisone")
    assert (revised["at"], revised["input"], revised["changed"]) == ("2026-05-05", 2, ["dose"])
    assert revised["values"]["dose"]["read"] == {"weight_kg": {"value": 75, "from": 2}}
    assert revised["text"] == "Prednisone 75 mg/day once daily"
    assert records[-1]["needs"] == []
    assert summary_item(records, "start_prednisone")["values"]["dose"]["value"] == 75


def test_no_revision_when_the_value_a_clinician_sees_is_the_same(values: Analysis) -> None:
    same = [START, {"at": "2026-05-05", "facts": {"weight_kg": 82}}, {"at": "2026-05-06", "facts": {"weight_kg": 82.2}}]
    records = records_of(values, same)
    assert of_kind(records, "revised", "start_prednisone") == []  # 82, 82 again, 82.2 rounds to 82
    assert [r["values"]["volume"]["value"] for r in of_kind(records, "revised", "infuse")] == [822]


def test_a_fact_going_stale_makes_the_value_unknown_at_the_wake_up(values: Analysis) -> None:
    records = records_of(values, [START, {"at": "2026-08-20", "facts": {"grade": 1}}])
    expired = next(r for r in records if r["kind"] == "expired")
    first = of_kind(records, "revised", "start_prednisone")[0]
    assert (first["at"], first["seq"]) == ("2026-08-02T00:00:00", expired["seq"] + 1)
    assert first["values"]["dose"]["missing"] == ["weight_kg"]
    assert records[-1]["needs"] == ["weight_kg"]


def test_a_table_gives_the_first_case_whose_guard_is_true(values: Analysis) -> None:
    records = records_of(values, [START, {"at": "2026-05-11", "facts": {"grade": 2}}])
    (revised,) = of_kind(records, "revised", "adjust_dose")
    assert revised["values"]["level"] == {
        "value": "reduce one level",
        "when": "grade == 2",
        "read": {"grade": {"value": 2, "from": 2}},
    }
    assert revised["values"]["dose"]["value"] == 1  # 1.0 in the table: never shown with a trailing zero
    assert revised["text"] == "Dose level: reduce one level (1 mg/m2)"


def test_otherwise_records_the_guards_that_were_false(values: Analysis) -> None:
    records = records_of(values, [{**START, "facts": {**START["facts"], "grade": 4}}])
    (issued,) = of_kind(records, "issued", "adjust_dose")
    assert issued["values"]["level"] == {
        "value": "hold",
        "when": "otherwise",
        "read": {"grade": {"value": 4, "from": 1}},
    }
    assert "unit" not in issued["values"]["dose"]  # text: the unit is for numbers


def test_an_unknown_guard_before_the_true_case_leaves_the_table_unknown(tmp_path: Path) -> None:
    text = VALUES.read_text(encoding="utf-8").replace(
        "          - {when: grade <= 1, value: full dose}\n",
        "          - {when: infusion_hours > 24, value: split}\n          - {when: grade <= 1, value: full dose}\n",
    )
    path = tmp_path / "values.yaml"
    path.write_text(text, encoding="utf-8")
    records = records_of(load_analysis(path), [{**START, "facts": {"grade": 1, "weight_kg": 70}}])
    (issued,) = of_kind(records, "issued", "adjust_dose")
    assert issued["values"]["level"] == {
        "unknown": True,
        "missing": ["infusion_hours"],
        "when": "infusion_hours > 24",
        "read": {"infusion_hours": {"unknown": True}},
    }


def test_a_recurring_recommendation_is_issued_with_the_values_of_that_moment(values: Analysis) -> None:
    records = records_of(values, [START, {"at": "2026-05-11", "facts": {"grade": 2}}, {"at": "2026-05-26"}])
    second = [r for r in of_kind(records, "issued", "adjust_dose") if r.get("occurrence") == 2]
    assert [r["values"]["level"]["value"] for r in second] == ["reduce one level"]


def test_a_value_that_cannot_be_evaluated_is_an_error_and_the_run_is_not_ok(values: Analysis) -> None:
    zero = {**START, "facts": {**START["facts"], "infusion_hours": 0}}
    result = pathway.run(
        values, {"journey": "t", "events": [zero, {"at": "2026-05-05", "facts": {"infusion_hours": 4}}]}
    )
    records = [r.to_dict() for r in result.records]
    (issued,) = of_kind(records, "issued", "infuse")
    rate = issued["values"]["rate"]
    assert rate["error"] == {
        "kind": "ZeroDivisionError",
        "message": "division by zero in 'dosing_weight * 10 / infusion_hours'",
    }
    assert "value" not in rate
    assert "unknown" not in rate
    assert issued["text"] == "Infuse 820 mL at [rate: error]"
    assert of_kind(records, "revised", "infuse")[0]["values"]["rate"]["value"] == 205
    assert not result.ok  # set right later, but it happened: like a guard error
    assert result.exit_code == 1
    assert result.to_json()["value_errors"] == [
        {
            "id": "infuse",
            "value": "rate",
            "state": "treatment",
            "step": 7,
            "at": "2026-05-04",
            "kind": "ZeroDivisionError",
            "message": "division by zero in 'dosing_weight * 10 / infusion_hours'",
        }
    ]
    assert "value error in infuse (rate, at #7, 2026-05-04): division by zero" in render_run(result.records)
    trail = GOLDEN_VALUES / "division-by-zero.jsonl"
    assert (
        "      ! rate could not be worked out: division by zero in 'dosing_weight * 10 / infusion_hours'  "
        "[dosing_weight=70 (derived), infusion_hours=0 (#1), weight_kg=70 (#1)]; evidence: fixture"
    ) in pathway.explain(trail, step=7, pathway=VALUES).lines


def test_a_value_of_the_initial_state_is_worked_out_before_the_first_facts_and_then_revised(tmp_path: Path) -> None:
    text = VALUES.read_text(encoding="utf-8").replace(
        "  assessment:\n    initial: true\n", "  assessment:\n    initial: true\n    recommend: [start_prednisone]\n"
    )
    path = tmp_path / "values.yaml"
    path.write_text(text, encoding="utf-8")
    records = records_of(load_analysis(path), [{"at": "2026-05-04", "facts": {"weight_kg": 70}}])
    issued, revised = of_kind(records, "issued", "start_prednisone")[0], of_kind(records, "revised")[0]
    assert (issued["input"], issued["values"]["dose"]["missing"]) == (1, ["weight_kg"])  # the chart starts first
    assert (revised["input"], revised["values"]["dose"]["value"]) == (1, 70)


def test_a_value_given_as_the_source_states_it_is_recorded_as_written(values: Analysis) -> None:
    (issued,) = of_kind(records_of(values, [START]), "issued", "give_antiemetic")
    assert issued["values"] == {"dose": {"value": "8 mg by mouth"}}
    assert "text" not in issued


def test_recommendations_without_values_keep_their_records_and_definitions_their_hash() -> None:
    assert "values" not in canonical_json(Action(title="Order NCS", kind="order"))
    records = records_of(load_analysis(ROOT / "definitions" / "example" / "pathway.yaml"), [{"at": "2026-01-01"}])
    assert all("values" not in r and "text" not in r for r in records if r["kind"] == "issued")


@pytest.mark.parametrize(
    ("value", "decimals", "recorded", "text"),
    [
        (82.5, 0, 83, "83"),  # half away from zero, not to even
        (-82.5, 0, -83, "-83"),
        (233.3333, 1, 233.3, "233.3"),
        (1.25, 1, 1.3, "1.3"),
        (2.675, 2, 2.68, "2.68"),  # as written, not as the nearest binary float (2.67499...)
        (1.0, None, 1, "1"),  # never a trailing zero
        (0.5, None, 0.5, "0.5"),  # always a leading zero
        (1e-7, None, 1e-7, "0.0000001"),  # never an exponent
        (7, 2, 7, "7"),
        (1.5e300, 0, 15 * 10**299, "15" + "0" * 299),  # far beyond a dose, but never an exception
    ],
)
def test_rounding_and_showing_a_number(value: float, decimals: int | None, recorded: float, text: str) -> None:
    assert rounded(value, decimals) == recorded
    assert type(rounded(value, decimals)) is type(recorded)
    assert shown(rounded(value, decimals)) == text


def test_lint_counts_what_values_read_and_asks_each_value_for_evidence(tmp_path: Path) -> None:
    text = VALUES.read_text(encoding="utf-8").replace(
        "        decimals: 0\n        evidence: [fixture]\n", "        decimals: 0\n", 1
    )
    path = tmp_path / "values.yaml"
    path.write_text(text, encoding="utf-8")
    findings = [(d.code, d.message) for d in lint_file(str(path)).diagnostics]
    assert findings == [("PW520", "value 'dose' of action 'start_prednisone' cites no evidence")]


def test_the_fixture_lints_clean_though_some_facts_are_read_only_by_values() -> None:
    # infusion_hours is read only by the rate, dosing_weight (derived) only by the infusion's values
    assert lint_file(str(VALUES.relative_to(ROOT))).diagnostics == ()


def test_explain_says_why_this_dose_at_a_step() -> None:
    trail = GOLDEN_VALUES / "weight-missing-then-given.jsonl"
    before = pathway.explain(trail, step=7, pathway=VALUES).lines
    assert "      Prednisone [dose unknown] once daily" in before
    assert "      dose unknown: needs weight_kg (weight_kg * 1)  [weight_kg unknown]; evidence: fixture" in before
    after = pathway.explain(trail, pathway=VALUES).lines
    assert "      Prednisone 75 mg/day once daily (revised at #14, 2026-05-19)" in after
    assert "      dose = weight_kg * 1 = 75 mg/day  [weight_kg=75 (#13)]; evidence: fixture" in after


def test_explain_without_the_pathway_still_shows_the_values_from_the_trail() -> None:
    trail = GOLDEN_VALUES / "cases-by-grade.jsonl"
    assert (
        "      level = hold, otherwise  [grade=4 (#11)]; evidence: fixture"
        in pathway.explain(trail, pathway=VALUES).lines
    )
    # the fixture is not bundled: the case and the facts read come from the trail, only the evidence needs the pathway
    assert "      level = hold, otherwise  [grade=4 (#11)]" in pathway.explain(trail).lines


def test_a_diagram_lists_each_value_below_its_recommendation_and_keeps_it_short(values: Analysis) -> None:
    node = build_graph(values).nodes["treatment"]
    assert node.recommend_labels == ("start_prednisone", "adjust_dose · every 3w", "give_antiemetic", "infuse")
    assert node.value_labels == (
        ("dose: weight_kg × 1 mg/day",),
        ("level: 3 cases on grade", "dose: 3 cases on grade"),
        ("dose: 8 mg by mouth",),
        ("volume: dosing_weight × 10 mL", "rate: dosing_weight × 10 / infusion_hou…"),
    )
    source = dot(values, "overview")
    assert source.index("start_prednisone") < source.index("dose: weight_kg × 1 mg/day") < source.index("adjust_dose")


def test_the_actions_page_gives_each_value_its_rule_and_evidence(values: Analysis) -> None:
    page = actions_page(values)
    assert "- `infuse`: `Infuse {volume} at {rate}`" in page
    assert (
        "| `adjust_dose` | `dose` | `grade <= 1` → 1.3 mg/m2; `grade == 2` → 1 mg/m2; otherwise → withheld | mg/m2 "
        "| [`fixture`](evidence.md#ev-fixture) | - |"
    ) in page
    assert "| `infuse` | `rate` | `dosing_weight * 10 / infusion_hours`, rounded to 1 decimal | mL/h |" in page
    assert "value `rate` of action `infuse`" in evidence_page(values)
    assert "## Computed values" not in actions_page(load_analysis(ROOT / "definitions" / "example" / "pathway.yaml"))


def test_the_run_and_explain_shown_in_the_docs_are_what_pathway_prints() -> None:
    page = (ROOT / "docs" / "recommendations.md").read_text(encoding="utf-8")
    section = page.split("## Computed values", 1)[1].split("\n## ", 1)[0]
    run, explained = (block.split("```", 1)[0] for block in section.split("```text\n")[1:3])
    golden = (GOLDEN_VALUES / "weight-missing-then-given.run.txt").read_text(encoding="utf-8").splitlines()
    assert all(line in golden for line in run.splitlines())
    explain = (GOLDEN_VALUES / "weight-missing-then-given.explain.txt").read_text(encoding="utf-8").splitlines()
    assert all(line in explain for line in explained.splitlines())


def test_a_text_naming_a_value_that_failed_is_not_reported_twice(tmp_path: Path) -> None:
    text = VALUES.read_text(encoding="utf-8").replace(
        "        expr: weight_kg * 1\n", "        expr: weight_kg * 1\n        value: 1\n"
    )
    path = tmp_path / "values.yaml"
    path.write_text(text, encoding="utf-8")
    found = [(d.code, d.message) for d in pathway.validate(str(path))]
    assert found == [("PW013", "a value has exactly one of 'expr', 'cases' or 'value'; it has 'expr' and 'value'")]


def test_a_value_that_reads_the_clock_is_worked_out_again_at_each_input(tmp_path: Path) -> None:
    text = (
        VALUES.read_text(encoding="utf-8")
        .replace("facts:\n", "facts:\n  started: {type: date}\n", 1)
        .replace(
            "      dose:\n        value: 8 mg by mouth\n",
            "      day:\n        expr: days_since(started) + 1\n        evidence: [fixture]\n"
            "      dose:\n        value: 8 mg by mouth\n",
        )
    )
    path = tmp_path / "values.yaml"
    path.write_text(text, encoding="utf-8")
    start = {**START, "facts": {**START["facts"], "started": "2026-05-04"}}
    records = records_of(load_analysis(path), [start, {"at": "2026-05-11"}])
    issued, revised = of_kind(records, "issued", "give_antiemetic")[0], of_kind(records, "revised", "give_antiemetic")
    assert issued["values"]["day"]["value"] == 1
    assert [(r["at"], r["changed"], r["values"]["day"]["value"]) for r in revised] == [("2026-05-11", ["day"], 8)]
