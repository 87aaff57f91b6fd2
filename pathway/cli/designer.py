"""The designer's workflow commands: ``pathway new`` (start a pathway), ``pathway schema --for ID`` (an editor
schema that knows one pathway's names) and ``pathway watch`` (re-check on save). Thin wrappers over
:mod:`pathway.publish.scaffold`, :mod:`pathway.publish.input_schemas` and :mod:`pathway.cli.watch`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pathway.cli.output import add_format, emit, print_freshness
from pathway.errors import ExitCode, UsageError


def cmd_new(args: argparse.Namespace) -> int:
    """Start a pathway: definitions/ID/ with a commented draft definition, a scenario file and an example journey,
    each with its editor schema line; it validates, lints clean and its scenarios cover every state and
    transition. Never overwrites an existing folder."""
    from pathway.publish.scaffold import new_pathway

    created = new_pathway(args.pathway_id, args.title, Path(args.root) if args.root else None)
    return emit(args, created, created.to_text)


def cmd_schema_for(args: argparse.Namespace) -> int:
    """``pathway schema --for ID``: the schema of one pathway's journeys and scenarios (or --check it)."""
    from pathway.definition.loader import load_analysis, resolve
    from pathway.publish.artefacts import write_or_check
    from pathway.publish.input_schemas import pathway_schema, pathway_schema_path

    analysis = load_analysis(resolve(args.for_pathway))
    out = Path(args.out) if args.out else pathway_schema_path(analysis.pathway.id)
    command = f"pathway schema --for {args.for_pathway}"
    return print_freshness(write_or_check({out: pathway_schema(analysis)}, args.check, command))


def cmd_watch(args: argparse.Namespace) -> int:
    """Re-check on save: run validate, lint and test (or the checks named) now and again whenever a definition,
    scenario or journey file changes (polling every --interval seconds). Ctrl-C stops."""
    from pathway.cli.watch import Watch, split_targets, watch

    if not args.interval > 0:
        raise UsageError("the interval must be a positive number of seconds", parameter="interval")
    checks, paths = split_targets(args.targets)
    try:
        watch(Watch(checks, paths, Path.cwd(), sys.stdout), interval=args.interval)
    except KeyboardInterrupt:  # the way to stop watching, not a failure
        print("pathway watch: stopped")
    return int(ExitCode.OK)


def add_schema_for(parser: argparse.ArgumentParser) -> None:
    """The ``--for`` option of ``pathway schema``."""
    parser.add_argument(
        "--for",
        dest="for_pathway",
        metavar="ID|PATH",
        help="write the schema of this pathway's journeys and scenarios instead, knowing its facts, values, events, "
        "actions and states (default --out: schema/pathways/<id>.schema.json)",
    )


def add_designer_commands(sub: Any) -> None:
    p = sub.add_parser("new", help=cmd_new.__doc__, description=cmd_new.__doc__)
    p.add_argument("pathway_id", metavar="ID", help="the new pathway's id (snake_case), also its folder name")
    p.add_argument("--title", help="its title (default: from the id)")
    p.add_argument("--root", metavar="DIR", help="the project folder that holds definitions/ (default: .)")
    add_format(p)
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("watch", help=cmd_watch.__doc__, description=cmd_watch.__doc__)
    p.add_argument(
        "targets",
        nargs="*",
        metavar="CHECK|PATH",
        help="the checks to run (validate, lint, test; default: all three), then the definition files or folders "
        "(default: every definitions/*/pathway.yaml)",
    )
    p.add_argument("--interval", type=float, default=1.0, metavar="SECONDS", help="how often to look (default: 1)")
    p.set_defaults(handler=cmd_watch)
