"""Every ```python block in the README and docs runs, so the documentation cannot drift from the code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCKS = [
    (page, n, block.split("```", 1)[0])
    for page in PAGES
    for n, block in enumerate(page.read_text(encoding="utf-8").split("```python\n")[1:], start=1)
]


@pytest.mark.parametrize(("page", "number", "code"), BLOCKS, ids=[f"{p.relative_to(ROOT)}#{n}" for p, n, _ in BLOCKS])
def test_python_block_runs(
    page: Path,
    number: int,
    code: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copytree(ROOT / "definitions", tmp_path / "definitions")  # the blocks read these, and write under out/
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"{page.name} block {number}", "exec"), {})  # our own docs, not user input


def test_replay_example_in_the_guide_is_true() -> None:
    guide = (ROOT / "docs" / "journeys.md").read_text(encoding="utf-8")
    lines = (ROOT / "definitions" / "example" / "trails" / "grade2-then-grade3.jsonl").read_text().splitlines()
    assert f"`reproduced: {len(lines)} records identical`" in guide


def test_the_clinical_review_covers_every_evidence_entry_action_and_finding() -> None:
    import pathway

    review = (ROOT / "docs" / "clinical-review.md").read_text(encoding="utf-8")
    bipn = pathway.load(ROOT / "definitions" / "bipn" / "pathway.yaml")
    missing = [f"`{i}`" for i in [*bipn.evidence, *bipn.actions, *bipn.findings] if f"`{i}`" not in review]
    assert missing == []
