"""Issue 17's worked example: the figures and the patients of docs/clinical-review.md's label-variant section are
those `pathway cohort diff` finds today, on the cohort the section names (300 generated journeys, seed 2026), run
under bipn 2.0.0 and replayed under bipn_label 1.0.0. A change to either definition that moves a patient fails
here until the write-up is redone."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from pathway.audit.impact import WORDS
from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from tests.conftest import ROOT

DOC = ROOT / "docs" / "clinical-review.md"
BIPN, LABEL = (ROOT / "definitions" / name / "pathway.yaml" for name in ("bipn", "bipn_label"))


def _block(name: str) -> list[list[str]]:
    """The rows (cells) of the table between ``<!-- label-diff: name -->`` and ``<!-- /label-diff -->``."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"<!-- label-diff: {name} -->", 1)[1].split("<!-- /label-diff -->", 1)[0]
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")] for line in body.splitlines() if line.startswith("|")
    ]
    return rows[2:]  # the head and its rule


def test_the_two_versions_declare_the_same_facts() -> None:
    facts = [yaml.safe_load(path.read_text(encoding="utf-8"))["facts"] for path in (BIPN, LABEL)]
    assert facts[0] == facts[1]
    assert load_analysis(BIPN).pathway.facts == load_analysis(LABEL).pathway.facts


@pytest.mark.slow  # runs and replays 300 journeys
def test_the_write_up_numbers_and_patients_are_the_diffs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ndjson, out = tmp_path / "label.ndjson", tmp_path / "label-run"
    generate = ["cohort", "generate", "--pathway", "bipn", "--count", "300", "--seed", "2026", "--out", str(ndjson)]
    assert main(generate) == 0
    assert main(["cohort", "run", str(ndjson), "--pathway", "bipn", "--out", str(out), "--jobs", "1"]) == 0
    capsys.readouterr()
    assert main(["cohort", "diff", str(out), "--pathway", "bipn_label", "--jobs", "1", "--format", "json"]) == 1
    diff = json.loads(capsys.readouterr().out)
    unfit = Counter(
        re.search(r"unknown action '(\w+)'", d["message"])[1]  # type: ignore[index]
        for u in diff["unfit"]
        for d in u["diagnostics"]
    )
    assert all(len(u["diagnostics"]) == 1 for u in diff["unfit"])
    found = {
        "journeys in the cohort": diff["listed"],
        "compared under both versions": diff["compared"],
        **{f"do not fit the label version: care recorded as `{a}`": n for a, n in unfit.items()},
        "whose pathway changes": diff["changed"],
        **{WORDS[k]: n for k, n in diff["counts"].items() if n},  # type: ignore[index]
    }
    assert {row[0]: int(row[1]) for row in _block("counts")} == found
    written = {row[0]: row[1] for row in _block("patients")}
    assert written == {j["journey"]: ", ".join(WORDS[k] for k in j["kinds"]) for j in diff["journeys"]}
