"""``pathway cohort patient``: one patient of a cohort run for the clinician reviewer, from either store: titles
and evidence citations instead of ids, each deviation with its reason, and what the pathway waits for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from tests.conftest import ROOT

JOURNEYS = ROOT / "definitions" / "bipn" / "journeys"
BIPN = load_analysis(ROOT / "definitions" / "bipn" / "pathway.yaml").pathway


@pytest.fixture(scope="module", params=["files", "shards"])
def cohort(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("patient") / "run"
    args = ["cohort", "run", str(JOURNEYS), "--pathway", "bipn", "--out", str(out), "--jobs", "1"]
    assert main([*args, "--store", request.param]) == 0
    return out


def test_the_reviewer_reads_titles_citations_and_the_reasons_of_each_declined_recommendation(
    cohort: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["cohort", "patient", str(cohort), "bipn-declined-and-fulfilled"]) == 0
    text = capsys.readouterr().out
    switch = BIPN.actions["switch_to_weekly_sc"].title
    assert (
        f"declined: {switch}; reason: Patient fears discomfort from complying with recommended action; does not "
        "want subcutaneous injections" in text
    )
    assert "declined: Start duloxetine for neuropathic pain; reason: Patient prefers an alternative" in text
    # every evidence entry a recommendation cites is listed by its citation, never by its id
    references = text.split("\nReferences\n")[1]
    for ident in BIPN.actions["switch_to_weekly_sc"].evidence:
        assert BIPN.evidence[ident].cite.strip() in references
        assert ident not in text
    assert "switch_to_weekly_sc" not in text
    assert "2026-03-02" in text
    assert "Where the journey stands" in text


def test_json_numbers_each_citation_and_lists_what_the_pathway_waits_for(
    cohort: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["cohort", "patient", str(cohort), "bipn-declined-and-fulfilled", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    numbers = {r["number"] for r in data["references"]}
    cited = {n for row in data["timeline"] for c in row["recommended_cited"] for n in c["references"]}
    assert cited
    assert cited <= numbers == set(range(1, len(numbers) + 1))
    kinds = [d["kind"] for d in data["deviations"]]
    assert kinds.count("declined") == 2
    first = next(row for row in data["timeline"] if row["recommended_cited"])
    assert all(c["title"] in {a.title for a in BIPN.actions.values()} for c in first["recommended_cited"])


def test_a_journey_the_cohort_does_not_hold_is_a_usage_error(cohort: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", "patient", str(cohort), "nobody"]) == 2
    assert "has no trail of journey 'nobody'" in capsys.readouterr().err
