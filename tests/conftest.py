"""Shared test helpers. Tests run from the project root so that displayed paths are stable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
UPDATE_GOLDEN = os.environ.get("PATHWAY_UPDATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def _at_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def assert_golden(path: Path, actual: str) -> None:
    """Compare with a golden file; PATHWAY_UPDATE_GOLDEN=1 rewrites it (review the diff before committing)."""
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with PATHWAY_UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A property test must be marked slow, so that the default run stays quick (before ``-m`` deselects)."""
    unmarked = [
        item.nodeid
        for item in items
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False) and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError("mark these hypothesis tests @pytest.mark.slow: " + ", ".join(unmarked))
