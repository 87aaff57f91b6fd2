"""The clinical-algorithm view: goldens for each construct and both bundled pathways, what the SVG promises (width,
font sizes, a legend, evidence links), the words on the arrows, a patient's path and timeline, and the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pathway.audit.timeline import timeline
from pathway.cli.main import main
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.engine.runner import Runner
from pathway.journey.check import load_journey
from pathway.render.clinical import build_clinical, short_title
from pathway.render.clinical_dot import Links
from pathway.render.clinical_lanes import lane_outcomes, lane_start
from pathway.render.clinical_pages import MAX_WIDTH, ClinicalPage, clinical_pages, patient_pages
from pathway.render.patient import audit_facts
from pathway.render.wording import duration_words, ranges, short_description
from tests.conftest import FIXTURES, GOLDEN, ROOT, assert_golden

CLINICAL = FIXTURES / "clinical"
FIXTURE_FILES = sorted(CLINICAL.glob("*.yaml"))
BUNDLED = [ROOT / "definitions" / name / "pathway.yaml" for name in ("example", "bipn")]
_PAGES: dict[Path, list[ClinicalPage]] = {}


def pages_of(path: Path) -> list[ClinicalPage]:
    if path not in _PAGES:
        _PAGES[path] = clinical_pages(load_analysis(path))
    return _PAGES[path]


def arrows(path: Path) -> dict[tuple[str, str], str]:
    view = build_clinical(load_analysis(path))
    return {(a.source, a.target): a.label for a in view.arrows}


@pytest.mark.parametrize("path", [*FIXTURE_FILES, *BUNDLED], ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_clinical_dot_golden(path: Path) -> None:
    name = path.stem if path.parent == CLINICAL else path.parent.name
    for page in pages_of(path):
        assert_golden(GOLDEN / "clinical" / f"{name}-{page.number}.dot", page.dot)


@pytest.mark.parametrize("path", [*FIXTURE_FILES, *BUNDLED], ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_pages_fit_and_explain_themselves(path: Path) -> None:
    analysis = load_analysis(path)
    for page in pages_of(path):
        width = float(re.search(r'<svg width="([0-9.]+)px"', page.svg).group(1))  # type: ignore[union-attr]
        assert width <= MAX_WIDTH + 60, (page.slug, width)  # a page nothing can be moved off may run a little over
        sizes = [float(s) for s in re.findall(r'font-size="([0-9.]+)"', page.svg)]
        assert sizes
        assert min(sizes) >= 12, (page.slug, min(sizes))
        assert "Legend" in page.svg
        links = re.findall(r'xlink:href="([^"]*)"', page.svg)
        evidence = [link for link in links if "ev-" in link]
        assert all(link.startswith("#ev-") and link[4:] in analysis.pathway.evidence for link in evidence)
    assert [p.number for p in pages_of(path)] == list(range(1, len(pages_of(path)) + 1))


def test_bipn_footnotes_link_to_their_evidence() -> None:
    svg = "".join(p.svg for p in pages_of(BUNDLED[1]))
    assert "#ev-art-step2-ncs" in svg
    assert "#ev-art-mgmt-grade34" in svg


def test_yes_no_and_the_unknown_path() -> None:
    said = arrows(CLINICAL / "yesno.yaml")
    assert said[("pain_check", "treat")] == "Yes"
    assert said[("pain_check", "no_pain")] == "No"
    dot = pages_of(CLINICAL / "yesno.yaml")[0].dot
    assert "⟳ Not yet known: wait, ask for the" in dot
    assert "Adults with neuropathic pain" in dot  # the entry box says whom the chart is for


def test_graded_answers_are_ranges_and_otherwise_is_the_rest() -> None:
    said = arrows(CLINICAL / "graded.yaml")
    assert said[("grade_check", "high")] == "3-4"
    assert said[("grade_check", "low")] == "1-2"
    assert said[("grade_check", "none")] == "0"
    assert said[("low", "switch")] == "Iv"
    assert said[("low", "reduce_dose")] == "Sc"


def test_bipn_grades_decide_by_the_higher_one() -> None:
    view = build_clinical(load_analysis(BUNDLED[1]))
    said = {(a.source, a.target): a.label for a in view.arrows}
    assert [said[("grade_check", t)] for t in ("high_grade", "low_grade", "no_neuropathy")] == ["3-4", "1-2", "0"]
    assert view.steps["grade_check"].note is not None
    assert view.steps["grade_check"].note.startswith("the higher of")


def test_timers_recurrences_and_events_in_words() -> None:
    said = arrows(CLINICAL / "timers.yaml")
    assert said[("steroids", "escalate")] == "after 72 hours"
    assert said[("steroids", "recovered")] in ("if The neuropathy improved", "at review")
    items = build_clinical(load_analysis(CLINICAL / "timers.yaml")).steps["steroids"].items
    assert [i.text for i in items][1:] == [
        "Order nerve conduction studies · within 2 weeks",
        "Reassess the neuropathy · every 3 weeks",
    ]
    assert [i.kind for i in items] == ["treatment", "test", "assess"]


def test_cross_lane_arrow_and_checklist() -> None:
    view = build_clinical(load_analysis(CLINICAL / "lanes.yaml"))
    assert view.lanes == {"workup": "screen", "treatment": "flow", "zoster_screen": "screen"}
    assert [(d.source, d.target) for d in view.drives] == [("workup", "treatment")]
    overview = pages_of(CLINICAL / "lanes.yaml")[0].dot
    assert "Checklist" in overview
    assert "zoster_screen.svg" in overview
    assert "result: nerve" in overview
    assert "_check_care -> _lane_treatment" in overview


def test_wide_chart_is_split_into_pages() -> None:
    pages = pages_of(CLINICAL / "wide.yaml")
    assert len(pages) > 1
    assert "Continued on page 2" in pages[0].dot
    assert all(p.width <= MAX_WIDTH for p in pages)


def test_words_helpers() -> None:
    assert ranges([0]) == "0"
    assert ranges([1, 2, 4]) == "1-2, 4"
    assert ranges([True]) == "Yes"
    assert duration_words("72h") == "72 hours"
    assert short_description("Not (yet) on bortezomib.") == "Not (yet) on bortezomib"  # not "Not"
    assert short_description("Grade 1-2 (mild). More.") == "Grade 1-2"
    assert duration_words("1w") == "1 week"
    assert duration_words("P3D") == "3 days"
    assert short_title("Peripheral neuropathy with elevated beta-2 microglobulin, especially on bortezomib") == (
        "Peripheral neuropathy with elevated beta-2 microglobulin"
    )


def test_a_lane_box_says_how_the_lane_starts_and_where_its_answers_lead() -> None:
    view = build_clinical(load_analysis(CLINICAL / "lanes.yaml"))
    assert lane_start(view, "treatment") == "Starts with: Demyelinating pattern?"
    assert lane_start(view, "zoster_screen") == "Starts when on the neurotoxic drug"  # no question: what it waits for
    (outcome,) = lane_outcomes(view, "treatment")  # 'drug_induced' recommends nothing: not an outcome
    assert outcome.when == "Demyelinating pattern? Demyelinating"  # a one-word answer is said after its question
    assert [(i.kind, i.text) for i in outcome.items] == [
        ("treatment", "Start IVIg"),
        ("finding", "Immune-mediated neuropathy"),
    ]
    assert lane_outcomes(view, "workup") == ()  # its only recommendation is where it starts
    overview = pages_of(CLINICAL / "lanes.yaml")[0].dot
    box = next(line for line in overview.splitlines() if line.strip().startswith("_lane_treatment "))
    assert "Demyelinating pattern? Demyelinating →" in box
    assert 'BGCOLOR="#dcefd8"' in box
    assert 'HREF="clinical-2.svg" TITLE="page 2"' in box  # the page that draws the outcome


def test_the_bipn_overview_answers_where_grade_3_and_ivig_lead() -> None:
    view = build_clinical(load_analysis(BUNDLED[1]))
    dose = lane_outcomes(view, "dose")
    grade3 = next(o for o in dose if "3-4" in o.when)
    assert any(i.kind == "stop" and "bortezomib" in i.text.lower() for i in grade3.items), grade3
    immune = [i for o in lane_outcomes(view, "immune") for i in o.items]
    assert any(i.kind == "treatment" and "IVIg" in i.text for i in immune), immune
    overview = pages_of(BUNDLED[1])[0]
    assert overview.width <= MAX_WIDTH
    assert all(o.when.split()[0] in overview.dot for o in dose)
    assert re.search(
        r'HREF="clinical-\d+\.svg" TITLE="page \d+"><FONT POINT-SIZE="12" COLOR="#1f5fbf">p\. \d+', overview.dot
    )


@pytest.mark.parametrize("name", ["bipn", "bipn_label"])
def test_every_bipn_step_is_titled_in_words(name: str) -> None:
    """Each step of the bundled BIPN pathways is titled by its description's first clause, never by its id in words
    (``Exposure review``); only parallel states and lanes, named by their description's first sentence, are not."""
    view = build_clinical(load_analysis(ROOT / "definitions" / name / "pathway.yaml"))
    titled = [s for s in view.steps.values() if s.kind != "parallel" and s.id not in view.lanes]
    assert [s.id for s in titled if not short_description(s.description)] == []
    assert all(s.title == short_description(s.description) for s in titled)


@pytest.fixture(scope="module")
def example() -> Analysis:
    return load_analysis(BUNDLED[0])


def test_patient_path_and_timeline(example: Analysis) -> None:
    journey = ROOT / "definitions" / "example" / "journeys" / "grade2-then-grade3.yaml"
    records = Runner(example).run(load_journey(journey, example)).records
    pages = patient_pages(example, records, Links(path="own-{number}.svg"))
    dose = next(p for p in pages if p.slug == "dose")
    assert 'href="own-2.svg"' in pages[0].svg  # "see page 2" on the path's overview: the path's own page 2
    taken = re.findall(r"#(\d+) · (\d{4}-\d\d-\d\d)", dose.dot)
    assert taken, "the taken arrows carry their step numbers and dates"
    rows = timeline(records, example.pathway)
    steps = {s.number for r in rows for s in r.steps}
    drawn = {int(n) for page in pages for n in re.findall(r"#(\d+) · \d{4}-", page.dot)}
    assert drawn == steps  # every step of the timeline on the chart, with the same number, and no other
    assert any(r.recommended for r in rows)
    facts = audit_facts(records)
    assert facts["version"] == example.pathway.version
    assert len(facts["trail hash"]) == 64
    assert_golden(GOLDEN / "clinical" / "example-journey-dose.dot", dose.dot)


def test_cli_clinical_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", "example", "--view", "clinical", "--format", "dot", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinical-1.dot", "clinical-2.dot"]
    assert main(["diagram", "example", "--view", "clinical", "--format", "mermaid", "--out", str(tmp_path)]) == 2
    assert "graphviz only" in capsys.readouterr().err


def test_cli_mermaid_with_trail_overlays_it(tmp_path: Path) -> None:
    trail = ROOT / "definitions" / "example" / "trails" / "grade2-then-grade3.jsonl"
    args = ["diagram", "example", "--format", "mermaid", "--trail", str(trail), "--out", str(tmp_path)]
    assert main(args) == 0
    text = (tmp_path / "pathway.grade2-then-grade3.mmd").read_text(encoding="utf-8")
    assert "classDef visited" in text
    assert re.search(r"class [a-z_,]*high_grade[a-z_,]* current", text)
    assert re.search(r": no\.\d+ ", text)
