"""The compiled engine's per-pathway tables (:mod:`pathway.engine.dependencies`): the scan over a configuration
is the reference rule's own (:func:`pathway.engine.selection.leaves`) for every configuration met on generated
journeys of every pathway."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathway.cohort.generate import cohort
from pathway.definition.loader import load_analysis
from pathway.engine.dependencies import Dependencies, Layout
from pathway.engine.runner import Runner
from pathway.engine.selection import leaves
from pathway.journey.check import journey_from_data
from tests.test_expr_value import IDS, PATHWAYS


@pytest.mark.parametrize("path", PATHWAYS, ids=IDS)
def test_the_scan_over_a_configuration_is_the_reference_rules(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    analysis = load_analysis(path)
    met: list[tuple[frozenset[str], Layout]] = []
    original = Dependencies.layout

    def spy(self: Dependencies, active: frozenset[str]) -> Layout:
        found = original(self, active)
        met.append((active, found))
        return found

    monkeypatch.setattr(Dependencies, "layout", spy)
    runner = Runner(analysis, engine="compiled")
    for data in cohort(analysis, 8, 20, seed=11):
        runner.run(journey_from_data(data, analysis))
    assert met, "the compiled engine met no configuration"
    for active, found in met:
        chains = leaves(analysis.index, active)
        assert found.chains == chains, sorted(active)
        order = [s for chain in chains for s in chain]
        assert list(found.visits) == list(dict.fromkeys(order))
