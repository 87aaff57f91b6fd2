"""The compiled engine's per-pathway tables (:mod:`pathway.engine.dependencies`): the scan over a configuration
is the reference rule's own (:func:`pathway.engine.selection.leaves`) for every configuration met on generated
journeys of every pathway."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from pathway.cohort.generate import cohort
from pathway.definition.loader import load_analysis
from pathway.engine import clockwatch
from pathway.engine.clockwatch import ClockWatch
from pathway.engine.dependencies import Dependencies, Layout, Seen, _changed, passes
from pathway.engine.runner import Runner
from pathway.engine.selection import Clock, leaves
from pathway.expr import Scope
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


def _trails(path: Path, seed: int) -> list[tuple[str, ...] | None]:
    """The compiled engine's trails (canonical lines) of generated journeys (enough that the clock passes the
    crossings of bipn's clocked guards)."""
    analysis = load_analysis(path)
    runner = Runner(analysis, engine="compiled")
    return [runner.run(journey_from_data(data, analysis)).lines for data in cohort(analysis, 30, 20, seed=seed)]


@pytest.mark.parametrize("mark", ["facts_logged", "entries_logged"])
@pytest.mark.parametrize("path", PATHWAYS, ids=IDS)
def test_reading_a_log_of_changes_is_comparing_the_snapshots(
    path: Path, mark: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What changed, read from the run's logs (the facts given or forgotten: Scope.changes; the states entered or
    left: Clock.changes), forgets what comparing the snapshots would: the trails are the same either way."""
    logged = _trails(path, 3)
    original = Seen.update

    def compared(self: Seen, scope: Scope, clock: Clock) -> tuple[set[str], set[str], set[str], bool, datetime | None]:
        getattr(self, mark).log = None  # never the run's log: the snapshots are compared every time
        return original(self, scope, clock)

    monkeypatch.setattr(Seen, "update", compared)
    assert _trails(path, 3) == logged


@pytest.mark.parametrize("path", PATHWAYS, ids=IDS)
def test_a_timed_state_is_decided_again_only_when_a_timer_falls(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A state with timers is forgotten when the clock moves past one of its timers' due times: the trails are
    those of deciding every such state again at every move of the clock."""
    kept = _trails(path, 4)
    monkeypatch.setattr(clockwatch, "timer_falls", lambda afters, entered, before, now: True)
    assert _trails(path, 4) == kept


@pytest.mark.parametrize("path", PATHWAYS, ids=IDS)
def test_a_quiet_stretch_dismisses_only_moves_that_pass_no_crossing(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clock move inside a clocked guard's quiet stretch is dismissed without testing its crossings: the trails
    are those of testing every crossing at every move."""
    kept = _trails(path, 2)
    monkeypatch.setattr(
        ClockWatch,
        "_moved",
        lambda self, key, crossed, scope, before, now: passes(crossed, scope, before, now),
    )
    assert _trails(path, 2) == kept


def test_a_snapshot_compared_finds_a_value_of_another_type_or_sign_changed() -> None:
    """What a scope without the run's log reaches (and the assumed values and decisions always do): a fact given
    ``1.0`` after ``1``, ``True`` after ``1`` or ``-0.0`` after ``0.0`` changed, since a guard's record shows it
    differently; an equal value of the same type and sign did not."""
    old = {"a": 1, "b": 1, "c": 0.0, "d": 2.5, "e": "x", "f": 1}
    new = {"a": 1.0, "b": True, "c": -0.0, "d": 2.5, "e": "x", "g": 1}
    assert _changed(old, new) == {"a", "b", "c", "f", "g"}
    assert _changed(new, dict(new)) == set()
