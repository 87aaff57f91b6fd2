"""The command-line interface: a thin layer over the library. ``main(argv)`` returns the exit code.

Exit codes: 0 success; 1 findings (invalid definition); 2 bad usage or unreadable input. Library errors become
messages here, at the edge; a Python traceback is shown only for a bug in pathway itself, with PATHWAY_DEBUG=1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from pathway.cli.commands import add_commands
from pathway.definition.loader import CheckResult, check, find_definitions, load_analysis, resolve
from pathway.definition.summary import render_summary
from pathway.diagnostics import Severity, render_json, render_text, summary_line
from pathway.errors import PathwayError
from pathway.publish.schema import REFERENCE_PATH, SCHEMA_PATH, generated
from pathway.version import __version__

Handler = Callable[[argparse.Namespace], int]


def cmd_validate(args: argparse.Namespace) -> int:
    """Check definitions and report every problem."""
    results = [check(p) for p in find_definitions(args.paths)]
    diags = [d for r in results for d in r.diagnostics]
    if args.format == "json":
        files = [
            {"path": r.path, "valid": r.ok, "diagnostics": json.loads(render_json(r.diagnostics))} for r in results
        ]
        errors = sum(1 for d in diags if d.severity is Severity.ERROR)
        print(json.dumps({"files": files, "errors": errors}, indent=2, sort_keys=True))
    else:
        for r in results:
            if r.diagnostics:
                print(render_text(r.diagnostics))
            if r.ok and r.pathway is not None and r.analysis is not None:
                idx = r.analysis.index
                print(
                    f"{r.path}: valid ({r.pathway.pathway} {r.pathway.version}, {len(idx.states)} states, "
                    f"{len(idx.transitions)} transitions, {len(r.pathway.facts)} facts)"
                )
        print(summary_line(diags, len(results)))
    return _exit_code(results)


def _exit_code(results: Sequence[CheckResult]) -> int:
    if any(r.unreadable for r in results):
        return 2
    return 0 if all(r.ok for r in results) else 1


def cmd_show(args: argparse.Namespace) -> int:
    """Print a readable summary of one definition."""
    print(render_summary(load_analysis(resolve(args.pathway))))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schema and the format reference page (or check that the committed ones are fresh)."""
    from pathway.publish.artefacts import write_or_check

    return write_or_check(generated(Path(args.out), Path(args.reference)), args.check, "pathway schema")


def cmd_generate(args: argparse.Namespace) -> int:
    """Regenerate every generated artefact (schema, format reference, pathway pages, example trails), or --check."""
    from pathway.cli.reference import cli_reference
    from pathway.publish.artefacts import artefacts, write_or_check

    return write_or_check(artefacts(extra=cli_reference(Path.cwd(), args.parser)), args.check, "pathway generate")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pathway",
        description="Clinical pathways as executable, auditable state machines. Decision support for clinicians, "
        "not a substitute for clinical judgement.",
    )
    parser.add_argument("--version", action="version", version=f"pathway {__version__}")
    parser.set_defaults(parser=parser)  # for `generate`, which documents the whole CLI
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help=cmd_validate.__doc__, description=cmd_validate.__doc__)
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="definition files or folders (default: every definitions/*/pathway.yaml)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("show", help=cmd_show.__doc__, description=cmd_show.__doc__)
    p.add_argument("pathway", metavar="ID|PATH", help="a pathway id under definitions/, or a definition path")
    p.set_defaults(handler=cmd_show)

    add_commands(sub)

    p = sub.add_parser("generate", help=cmd_generate.__doc__, description=cmd_generate.__doc__)
    p.add_argument("--check", action="store_true", help="exit 1 when a generated file is missing or stale")
    p.set_defaults(handler=cmd_generate)

    p = sub.add_parser("schema", help=cmd_schema.__doc__, description=cmd_schema.__doc__)
    p.add_argument("--out", default=str(SCHEMA_PATH), help=f"where to write it (default: {SCHEMA_PATH})")
    p.add_argument(
        "--reference",
        default=str(REFERENCE_PATH),
        help=f"where to write the format reference page (default: {REFERENCE_PATH})",
    )
    p.add_argument("--check", action="store_true", help="exit 1 when a file is missing or stale")
    p.set_defaults(handler=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a usage error (argparse printed it)
        return exit_.code if isinstance(exit_.code, int) else 2
    handler: Handler = args.handler
    try:
        return handler(args)
    except PathwayError as err:
        diags = getattr(err, "diagnostics", None)
        print(render_text(diags) if diags else f"pathway: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head: not an error
        sys.stderr.close()
        return 0
    except Exception as err:  # a bug in pathway, not bad input
        if os.environ.get("PATHWAY_DEBUG"):
            traceback.print_exc()
        print(
            f"pathway: internal error ({type(err).__name__}: {err}). This is a bug in pathway; please report "
            "it with the command you ran (PATHWAY_DEBUG=1 shows the traceback).",
            file=sys.stderr,
        )
        return 70
