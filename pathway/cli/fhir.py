"""``pathway import fhir`` (FHIR R4 Bundles or bulk-export NDJSON -> one journey per patient) and ``pathway fhir
example`` (synthetic FHIR patients for bipn, with the journeys they should import into). Thin wrappers over
:mod:`pathway.fhir`."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.cli.output import add_format, emit
from pathway.errors import ExitCode


def cmd_import_fhir(args: argparse.Namespace) -> int:
    """Import FHIR R4 data (Bundles as JSON, or bulk-export NDJSON) into journeys, one per patient, for a pathway
    whose facts carry FHIR bindings; report every resource or value that could not be used. Exits 1 when something
    was reported."""
    from pathway.definition.loader import load_analysis, resolve
    from pathway.fhir.importer import import_fhir

    analysis = load_analysis(resolve(args.pathway))
    result = import_fhir([Path(p) for p in args.inputs], analysis, Path(args.out))
    return emit(args, result, result.to_text)


@dataclass(frozen=True)
class Generated:
    """The files ``pathway fhir example`` wrote."""

    files: tuple[str, ...]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {"written": list(self.files), "exit_code": 0}

    def to_text(self) -> str:
        return "\n".join(f"wrote {f}" for f in self.files)


def cmd_fhir_example(args: argparse.Namespace) -> int:
    """Write synthetic FHIR patients for bipn (OUT/fhir/patients.ndjson and OUT/fhir/bundle.json) and the journeys
    they should import into (OUT/intended/), deterministic for a seed."""
    from pathway.errors import UsageError
    from pathway.fhir.generate import generate

    if not 1 <= args.patients <= 10_000:
        raise UsageError("the number of patients is 1 to 10000", parameter="patients")
    files = generate(Path(args.out), args.patients, args.seed)
    result = Generated(tuple(str(f) for f in files))
    return emit(args, result, result.to_text)


def add_fhir_commands(sub: Any) -> None:
    p = sub.add_parser("import", help="Import patients' data into journeys.", description="Import patients' data.")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    q = kinds.add_parser("fhir", help=cmd_import_fhir.__doc__, description=cmd_import_fhir.__doc__)
    q.add_argument("inputs", nargs="+", metavar="INPUT", help="FHIR Bundle (.json) or NDJSON (.ndjson) files")
    q.add_argument("--pathway", required=True, metavar="ID|PATH", help="the pathway whose bindings to use")
    q.add_argument("--out", required=True, metavar="DIR", help="the folder the journeys are written to")
    add_format(q)
    q.set_defaults(handler=cmd_import_fhir)

    p = sub.add_parser("fhir", help="FHIR example data.", description="FHIR example data.")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    q = kinds.add_parser("example", help=cmd_fhir_example.__doc__, description=cmd_fhir_example.__doc__)
    q.add_argument("--out", required=True, metavar="DIR", help="the folder to write into")
    q.add_argument("--patients", type=int, default=6, help="how many patients (default: 6)")
    q.add_argument("--seed", type=int, default=14, help="the random seed (default: 14)")
    add_format(q)
    q.set_defaults(handler=cmd_fhir_example)
