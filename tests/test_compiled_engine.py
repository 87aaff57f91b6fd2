"""The compiled engine against the reference engine (python-statemachine): byte-identical trails.

(a) Every trail committed in the repository (the frozen trails, the bundled pathways' trails, every engine, time,
    recommendation and value fixture) replays as reproduced on the compiled engine.
(b) Random valid journeys (hypothesis), over every bundled pathway and the engine, time and recommendation
    fixtures: both engines write the same trail, byte for byte; a difference fails with the first differing record.
    The lines each engine keeps as it seals its records (what it writes) are the records' canonical JSON.
(c) The cohort generator's journeys (`pathway cohort generate`), several seeds per bundled pathway: a few in the
    quick run, five hundred per pathway in the slow run.
(d) The configuration rules (:mod:`pathway.engine.configuration`) against python-statemachine, on every
    transition of every subject from every configuration the reference engine reaches.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathway.audit.replay import replay
from pathway.definition.analysis import Analysis
from pathway.definition.canonical import legacy_sha256_of, sha256_of
from pathway.definition.loader import load_analysis
from pathway.engine.compile import compile_chart
from pathway.engine.configuration import PlainChart
from pathway.engine.runner import Runner
from pathway.journey.check import journey_from_data
from pathway.trail.io import canonical
from pathway.trail.records import Record
from tests.conftest import ROOT
from tests.test_engine_properties import journeys

FIXTURE_PATHWAYS = [
    *sorted((ROOT / "definitions").glob("*/pathway.yaml")),
    ROOT / "tests/fixtures/engine/semantics.yaml",
    ROOT / "tests/fixtures/engine/guard_errors/pathway.yaml",
    *sorted((ROOT / "tests/fixtures/recommendations").glob("*.yaml")),
    *sorted((ROOT / "tests/fixtures/time").glob("*.yaml")),
    *sorted((ROOT / "tests/golden/trails").glob("*/*/pathway.yaml")),  # the frozen trails' definitions
]
TRAILS = sorted(
    [*(ROOT / "tests/golden").rglob("*.jsonl"), *(ROOT / "definitions").glob("*/trails/*.jsonl")],
    key=lambda p: str(p),
)


def _analyses() -> dict[str, Analysis]:
    """Every loadable pathway the trails may pin, by sha256 (and by the legacy hash ``pathway-trail/1`` trails name)."""
    found: dict[str, Analysis] = {}
    for path in FIXTURE_PATHWAYS:
        try:
            analysis = load_analysis(path)
        except Exception:  # a fixture of an invalid definition: no trail pins it
            continue
        found[sha256_of(analysis.pathway)] = found[legacy_sha256_of(analysis.pathway)] = analysis
    return found


ANALYSES = _analyses()


def first_difference(reference: Sequence[Record], compiled: Sequence[Record]) -> str | None:
    """The first record whose canonical bytes differ (or the length), in words; None when the trails are equal."""
    for n, (a, b) in enumerate(zip(reference, compiled, strict=False)):
        left, right = canonical(a.to_dict()), canonical(b.to_dict())
        if left != right:
            return f"record {n} differs:\nreference {left}\ncompiled  {right}"
    if len(reference) != len(compiled):
        return f"the reference engine wrote {len(reference)} records, the compiled one {len(compiled)}"
    return None


@pytest.mark.parametrize("trail", TRAILS, ids=[str(p.relative_to(ROOT)) for p in TRAILS])
def test_every_committed_trail_reproduces_on_the_compiled_engine(trail: Path) -> None:
    header = json.loads(trail.read_text(encoding="utf-8").splitlines()[0])
    analysis = ANALYSES.get(header["pathway"]["sha256"])
    if analysis is None:
        pytest.fail(f"no fixture pathway has the sha256 {trail.name} pins; add it to FIXTURE_PATHWAYS")
    result = replay(trail, analysis, engine="compiled")
    assert result.status == "reproduced", result.message


def test_the_committed_trails_cover_every_fixture_kind() -> None:
    """The parametrized test above is not vacuous: it sees the frozen trails and every fixture family."""
    folders = {p.relative_to(ROOT).parts[:3] for p in TRAILS}
    assert ("tests", "golden", "trails") in folders
    assert {("tests", "golden", kind) for kind in ("time", "recommendations", "values")} <= folders
    assert len(TRAILS) >= 40


class Pair:
    """A pathway with a runner on each engine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.analysis = load_analysis(path)
        self.reference = Runner(self.analysis, "reference")
        self.compiled = Runner(self.analysis, "compiled")

    def __repr__(self) -> str:
        return f"Pair({str(self.path.relative_to(ROOT))!r})"

    def difference(self, data: Mapping[str, Any]) -> str | None:
        """The first difference between the engines' trails, or between a trail and the lines the engine wrote
        for it as it sealed each record (what the trail file holds)."""
        journey = journey_from_data(data, self.analysis)
        reference, compiled = self.reference.run(journey), self.compiled.run(journey)
        for result in (reference, compiled):
            written = [canonical(r.to_dict()) for r in result.records]
            if list(result.lines or ()) != written:
                return f"the lines sealed with the records differ from the records:\n{result.lines}\n{written}"
        return first_difference(reference.records, compiled.records)


SUBJECTS = [p for p in FIXTURE_PATHWAYS if "golden" not in p.parts]
PAIRS: dict[Path, Pair] = {}


def _pair(path: Path) -> Pair:
    if path not in PAIRS:
        PAIRS[path] = Pair(path)
    return PAIRS[path]


RANDOM = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
MANY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("path", SUBJECTS, ids=[str(p.relative_to(ROOT)) for p in SUBJECTS])
def test_both_engines_write_the_same_trail_for_random_journeys(path: Path) -> None:
    pair = _pair(path)

    @RANDOM
    @given(st.data())
    def check(data: st.DataObject) -> None:
        difference = pair.difference(data.draw(journeys(pair.analysis)))
        assert difference is None, difference

    check()


@pytest.mark.slow
@pytest.mark.parametrize("path", SUBJECTS, ids=[str(p.relative_to(ROOT)) for p in SUBJECTS])
def test_both_engines_write_the_same_trail_for_many_random_journeys(path: Path) -> None:
    pair = _pair(path)

    @MANY
    @given(st.data())
    def check(data: st.DataObject) -> None:
        difference = pair.difference(data.draw(journeys(pair.analysis, least=5)))
        assert difference is None, difference

    check()


@pytest.mark.parametrize("path", SUBJECTS, ids=[str(p.relative_to(ROOT)) for p in SUBJECTS])
def test_the_plain_configuration_matches_python_statemachine(path: Path) -> None:
    """From every configuration reached by taking transitions breadth-first from the start (bounded), every
    transition whose source is active gives the same configuration and the same termination on both."""
    analysis = _pair(path).analysis
    chart, plain = compile_chart(analysis), PlainChart(analysis)
    start = chart.new()
    assert plain.new().active() == start.active()
    frontier: list[list[str]] = [[]]
    seen = {start.active()}
    checked = 0
    while frontier and checked < 400:
        history = frontier.pop(0)
        for t in analysis.index.transitions:
            reference, ours = chart.new(), plain.new()
            for step in history:
                reference.fire(step)
                ours.fire(step)
            if reference.terminated or t.source not in reference.active():
                continue
            reference.fire(t.id)
            ours.fire(t.id)
            checked += 1
            assert (ours.active(), ours.terminated) == (reference.active(), reference.terminated), (history, t.id)
            if reference.active() not in seen and not reference.terminated:
                seen.add(reference.active())
                frontier.append([*history, t.id])
    assert checked > len(analysis.index.transitions) // 2


def test_run_and_replay_take_either_engine(tmp_path: Path) -> None:
    """`pathway run --engine compiled` writes the trail `--engine reference` writes, and replay reproduces it on
    either engine; ENGINES in the CLI names the engines the library has."""
    from pathway.cli import main
    from pathway.cli.output import ENGINES
    from pathway.engine.engines import ENGINES as LIBRARY_ENGINES

    assert ENGINES == LIBRARY_ENGINES
    journey = ROOT / "definitions/bipn/journeys/immune-mediated-ivig.yaml"
    written = {}
    for engine in ENGINES:
        trail = tmp_path / f"{engine}.jsonl"
        assert main(["run", str(journey), "--engine", engine, "--trail", str(trail), "--format", "json"]) == 0
        written[engine] = trail.read_bytes()
        for again in ENGINES:
            assert main(["replay", str(trail), "--engine", again, "--format", "json"]) == 0
    assert written["reference"] == written["compiled"]


def _cohort_difference(path: Path, size: int, seed: int) -> str | None:
    from pathway.cohort.generate import cohort

    pair = _pair(path)
    for data in cohort(pair.analysis, size, 20, seed=seed):
        difference = pair.difference(data)
        if difference is not None:
            return f"{data['journey']} (seed {seed}): {difference}"
    return None


BUNDLED = sorted((ROOT / "definitions").glob("*/pathway.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.parent.name for p in BUNDLED])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_engines_write_the_same_trails_for_a_generated_cohort(path: Path, seed: int) -> None:
    """The cohort generator's journeys (what `pathway cohort generate` writes), several seeds."""
    assert _cohort_difference(path, 15, seed) is None


@pytest.mark.slow
@pytest.mark.parametrize("path", BUNDLED, ids=[p.parent.name for p in BUNDLED])
@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15])
def test_both_engines_write_the_same_trails_for_a_large_generated_cohort(path: Path, seed: int) -> None:
    assert _cohort_difference(path, 100, seed) is None
