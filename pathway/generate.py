"""Every generated artefact, from one place: ``pathway generate`` writes them, ``--check`` fails when any is stale.

Artefacts: the JSON Schema and the definition-format reference (from the models), and the committed audit trail
of every bundled example journey (``definitions/<id>/journeys/<name>.yaml`` -> ``definitions/<id>/trails/
<name>.jsonl``), which doubles as a golden file: a change in engine behaviour shows up as a diff to review.
"""

from __future__ import annotations

from pathlib import Path

from pathway.engine.run import Runner
from pathway.engine.trail import canonical
from pathway.journey import load_journey
from pathway.loader import DEFINITIONS_DIR, load_analysis
from pathway.pathway_docs import pathway_pages
from pathway.schema import generated as schema_artefacts


def journeys_of(definition_dir: Path) -> list[Path]:
    folder = definition_dir / "journeys"
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.jsonl")])


def trail_artefacts(root: Path) -> dict[Path, str]:
    """The trail text of every bundled journey, keyed by where it is committed."""
    out: dict[Path, str] = {}
    for definition in sorted((root / DEFINITIONS_DIR).glob("*/pathway.yaml")):
        journeys = journeys_of(definition.parent)
        if not journeys:
            continue
        runner = Runner(load_analysis(definition))
        for journey in journeys:
            records = runner.run(load_journey(journey, runner.analysis)).records
            out[definition.parent / "trails" / f"{journey.stem}.jsonl"] = "".join(canonical(r) + "\n" for r in records)
    return out


def doc_artefacts(root: Path) -> dict[Path, str]:
    """The generated reference pages of every bundled definition."""
    out: dict[Path, str] = {}
    for definition in sorted((root / DEFINITIONS_DIR).glob("*/pathway.yaml")):
        out.update(pathway_pages(load_analysis(definition), root / "docs"))
    return out


def artefacts(root: Path | None = None) -> dict[Path, str]:
    """Every generated file, by path: schema and format reference, per-pathway pages, example trails."""
    base = root or Path.cwd()
    reference = base / "docs" / "reference" / "definition-format.md"
    schema = schema_artefacts(base / "schema" / "pathway.schema.json", reference)
    return {**schema, **doc_artefacts(base), **trail_artefacts(base)}
