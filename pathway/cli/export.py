"""``pathway export``: the pathway as CPG-on-FHIR (``export fhir``), where a journey stands as a CarePlan
(``export careplan``), and a trail as a Provenance (``export provenance``). Thin wrappers over
:mod:`pathway.fhir`; ``fhir.resources`` is imported only when a command runs (``pip install 'pathway[fhir]'``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pathway.cli.output import add_format, emit
from pathway.errors import UsageError
from pathway.fhir.cpg_terms import DEFAULT_BASE
from pathway.source.files import kind_of

if TYPE_CHECKING:
    from pathway.fhir.export_trail import TrailRun

BASE_HELP = f"the canonical base URL of the exported resources (default: {DEFAULT_BASE}, for examples only)"


def cmd_export_fhir(args: argparse.Namespace) -> int:
    """Export a pathway as CPG-on-FHIR: a pathway PlanDefinition, a strategy per region, a recommendation per
    recommending state, an ActivityDefinition per action and the canonical definition as a Library, one JSON file
    each plus a Bundle, validated with the FHIR R4B models and written all or nothing."""
    from pathway.definition.loader import load_analysis, resolve
    from pathway.fhir.export import export_fhir

    result = export_fhir(load_analysis(resolve(args.pathway)), args.out, args.base)
    return emit(args, result, result.to_text)


def _is_trail(path: Path) -> bool:
    """Whether the file starts with a trail header (else it is read as a journey)."""
    with path.open("rb") as handle:
        first = handle.readline(1 << 20)
    try:
        header = json.loads(first)
    except ValueError:
        return False
    return isinstance(header, dict) and header.get("kind") == "header" and "schema" in header


def trail_run(source: str, pathway: str | None) -> TrailRun:
    """A trail as it is, or a journey run now (its pinned pathway, or --pathway), as a trail run."""
    from pathway.fhir.export_trail import from_records, read_run

    path = Path(source)
    found = kind_of(path)
    if found != "a file":
        raise UsageError(f"{source}: no such journey or trail file" if found == "nothing" else f"{source} is {found}")
    if _is_trail(path):
        return read_run(path, pathway)
    from pathway.cli.commands import pinned_definition
    from pathway.definition.loader import resolve
    from pathway.definition.workspace import Workspace
    from pathway.engine.runner import Runner
    from pathway.errors import invalid_input
    from pathway.journey.check import check_journey

    ws = Workspace()
    definition = resolve(pathway) if pathway else pinned_definition(path, ws)
    if isinstance(definition, list):
        raise invalid_input(definition)
    analysis = ws.analysis(definition)
    journey, problems = check_journey(path, analysis)
    if journey is None:
        raise invalid_input(problems)
    records = Runner(analysis).run(journey).records
    return from_records([r.to_dict() for r in records], str(definition))


def cmd_export_careplan(args: argparse.Namespace) -> int:
    """Export where a journey stands (a trail's end, or a journey run now) as a CPG CarePlan instantiating the
    pathway PlanDefinition, with a RequestGroup per region holding the active recommendations."""
    from pathway.fhir.careplan import export_careplan

    result = export_careplan(trail_run(args.source, args.pathway), args.out, args.base, args.utc_offset)
    return emit(args, result, result.to_text)


def cmd_export_provenance(args: argparse.Namespace) -> int:
    """Export a trail (or a journey run now) as a FHIR Provenance: the pathway version followed, the trail's final
    hash, the canonical definition run, and the FHIR resources its inputs were read from."""
    from pathway.fhir.provenance import export_provenance

    result = export_provenance(trail_run(args.source, args.pathway), args.out, args.base, args.utc_offset)
    return emit(args, result, result.to_text)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base", default=DEFAULT_BASE, metavar="URL", help=BASE_HELP)
    add_format(p)


def _from_trail(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("source", metavar="JOURNEY|TRAIL", help="a trail file, or a journey to run now")
    p.add_argument("--out", required=True, metavar="FILE", help=f"the {what} JSON file to write (replaced whole)")
    p.add_argument(
        "--pathway",
        metavar="ID|PATH",
        help="the definition (default: the bundled one with the trail's sha256, or the journey's pin)",
    )
    p.add_argument(
        "--utc-offset",
        metavar="+HH:MM",
        help="the clinic's offset from UTC, for times of day (FHIR needs a time zone; trails write local time)",
    )
    _common(p)


def add_export_commands(sub: Any) -> None:
    p = sub.add_parser("export", help="export to FHIR", description="Export pathways, journeys and trails to FHIR R4.")
    export = p.add_subparsers(dest="export_command", metavar="COMMAND", required=True)

    f = export.add_parser("fhir", help=cmd_export_fhir.__doc__, description=cmd_export_fhir.__doc__)
    f.add_argument("pathway", metavar="ID|PATH", help="a pathway id under definitions/, or a definition path")
    f.add_argument("--out", required=True, metavar="DIR", help="the folder to write (new, empty, or an earlier export)")
    _common(f)
    f.set_defaults(handler=cmd_export_fhir)

    c = export.add_parser("careplan", help=cmd_export_careplan.__doc__, description=cmd_export_careplan.__doc__)
    _from_trail(c, "CarePlan")
    c.set_defaults(handler=cmd_export_careplan)

    v = export.add_parser("provenance", help=cmd_export_provenance.__doc__, description=cmd_export_provenance.__doc__)
    _from_trail(v, "Provenance")
    v.set_defaults(handler=cmd_export_provenance)
