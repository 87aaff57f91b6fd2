"""The content hash (``pathway/definition/canonical.py``): keys sorted, except each map of sibling states, which keeps
its document order because that order decides; trails written before (``pathway-trail/1``) name their pathway by
the legacy hash, with every key sorted, and are still read and reproduced by it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.audit.replay import replay
from pathway.definition.canonical import canonical_json, legacy_sha256_of, sha256_of
from pathway.definition.loader import analysis_of
from pathway.definition.model import Pathway
from pathway.trail.records import LEGACY_SCHEMA, SCHEMA
from tests.conftest import ROOT

BIPN = ROOT / "definitions" / "bipn" / "pathway.yaml"
FROZEN = sorted((ROOT / "tests" / "golden" / "trails").glob("*/*/*.jsonl"))


def _reordered(model: Pathway, key: str) -> Pathway:
    """The same definition with one map reversed: the top-level states (and the children of each), or another
    top-level map."""
    data: dict[str, Any] = model.model_dump(mode="json")

    def states(mapping: dict[str, Any]) -> dict[str, Any]:
        return {
            name: {**state, "states": states(state["states"])} if state.get("states") else state
            for name, state in reversed(mapping.items())
        }

    data[key] = states(data[key]) if key == "states" else dict(reversed(data[key].items()))
    return Pathway.model_validate(data)


@pytest.fixture(scope="module")
def bipn() -> Pathway:
    return pathway.load(BIPN)


def test_the_order_of_sibling_states_is_in_the_hash_and_was_not_in_the_legacy_one(bipn: Pathway) -> None:
    swapped = _reordered(bipn, "states")
    assert sha256_of(swapped) != sha256_of(bipn)
    assert legacy_sha256_of(swapped) == legacy_sha256_of(bipn)


@pytest.mark.parametrize("key", ["evidence", "facts", "derived", "actions", "findings"])
def test_the_order_of_other_maps_is_not(bipn: Pathway, key: str) -> None:
    assert sha256_of(_reordered(bipn, key)) == sha256_of(bipn)


def test_the_order_of_sibling_states_decides(bipn: Pathway) -> None:
    """Why it belongs in the hash: the same journey, the states reversed, gives another trail."""
    journey = ROOT / "definitions" / "bipn" / "journeys" / "grade3-discontinue.yaml"
    lines = [r.to_dict() for r in pathway.run(bipn, journey).records]
    swapped = [r.to_dict() for r in pathway.run(_reordered(bipn, "states"), journey).records]
    assert [r["kind"] for r in lines] != [r["kind"] for r in swapped]


def test_the_canonical_json_reads_back_as_the_same_pathway_in_the_same_order(bipn: Pathway) -> None:
    text = canonical_json(bipn)
    again = Pathway.model_validate_json(text)
    assert canonical_json(again) == text
    assert list(json.loads(text)["states"]) == list(bipn.states)
    assert list(json.loads(text)["facts"]) == sorted(bipn.facts)


def test_an_analysis_is_named_by_either_hash_and_nothing_else(bipn: Pathway) -> None:
    analysis = analysis_of(bipn)
    assert analysis.named_by(sha256_of(bipn))
    assert analysis.named_by(legacy_sha256_of(bipn))
    assert not analysis.named_by(sha256_of(_reordered(bipn, "states")))
    assert not analysis.named_by("0" * 64)


def test_a_trail_written_now_names_its_pathway_by_the_hash(bipn: Pathway) -> None:
    header = pathway.run(BIPN, ROOT / "definitions" / "bipn" / "journeys" / "grade3-discontinue.yaml").header
    assert (header.schema_, header.pathway.sha256) == (SCHEMA, sha256_of(bipn))


@pytest.mark.parametrize("trail", FROZEN, ids=lambda p: "/".join(p.parts[-3:]))
def test_a_frozen_trail_names_its_pathway_by_the_legacy_hash_and_replays_by_it(trail: Path) -> None:
    header = json.loads(trail.read_text(encoding="utf-8").splitlines()[0])
    definition = pathway.load(trail.parent / "pathway.yaml")
    assert (header["schema"], header["pathway"]["sha256"]) == (LEGACY_SCHEMA, legacy_sha256_of(definition))
    assert header["pathway"]["sha256"] != sha256_of(definition)
    for engine in ("reference", "compiled"):
        result = replay(trail, trail.parent / "pathway.yaml", engine=engine)
        assert result.status == "reproduced", result.message


def test_a_legacy_trail_of_a_bundled_pathway_is_found_by_its_hash(tmp_path: Path) -> None:
    """A trail written before the rule changed, of a definition still bundled: found by the legacy hash, replayed by
    it, and reproduced byte for byte."""
    from pathway.definition.loader import load_analysis
    from pathway.engine.engines import engine_for
    from pathway.engine.execute import run_trail
    from pathway.journey.check import load_journey

    analysis = load_analysis(BIPN)
    journey = load_journey(ROOT / "definitions" / "bipn" / "journeys" / "grade3-discontinue.yaml", analysis)
    _, lines = run_trail(analysis, engine_for(analysis, "reference"), journey, LEGACY_SCHEMA)
    trail = tmp_path / "legacy.jsonl"
    trail.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    assert json.loads(lines[0])["pathway"]["sha256"] == legacy_sha256_of(analysis.pathway)
    result = replay(trail, root=tmp_path)  # no definitions there: the bundled bipn, found by the legacy hash
    assert result.status == "reproduced", result.message


def test_a_journey_pinned_by_the_legacy_hash_still_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pathway.cli.main import main

    example = ROOT / "definitions" / "example"
    legacy = legacy_sha256_of(pathway.load(example / "pathway.yaml"))
    text = (example / "journeys" / "waiting-for-grades.yaml").read_text(encoding="utf-8")
    journey = tmp_path / "pinned.yaml"
    journey.write_text(text.replace("pathway: example@0.1.0", f"pathway: sha256:{legacy}"), encoding="utf-8")
    assert main(["run", str(journey), "--trail", str(tmp_path / "t.jsonl")]) == 0, capsys.readouterr()
    header = json.loads((tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert (header["schema"], header["pathway"]["sha256"]) == (
        SCHEMA,
        sha256_of(pathway.load(example / "pathway.yaml")),
    )
