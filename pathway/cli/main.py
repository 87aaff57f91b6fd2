"""The command-line interface: a thin layer over the library. ``main(argv)`` returns the exit code.

Exit codes are :class:`~pathway.errors.ExitCode` (0 success, 1 findings, 2 bad usage or unreadable input, 70 a bug
in pathway, 130 interrupted), the same in every command. Library errors become messages here, at the edge, where a
parameter the library names (``at``) becomes the flag (``--at``); a Python traceback is shown only for a bug in
pathway itself, with PATHWAY_DEBUG=1.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from pathway.cli.cohort import add_cohort_commands
from pathway.cli.commands import add_commands
from pathway.cli.designer import add_designer_commands, add_schema_for, cmd_schema_for
from pathway.cli.export import add_export_commands
from pathway.cli.fhir import add_fhir_commands
from pathway.cli.output import add_format, emit, print_freshness, print_json, wants_json
from pathway.definition.loader import load_analysis, resolve, validate_paths
from pathway.definition.summary import Summary
from pathway.diagnostics import Diagnostic, render_text
from pathway.diagnostics.escape import escape
from pathway.errors import ExitCode, InvalidInputError, PathwayError, UsageError
from pathway.publish.schema import REFERENCE_PATH, SCHEMA_PATH, generated
from pathway.version import __version__, build

Handler = Callable[[argparse.Namespace], int]


def cmd_validate(args: argparse.Namespace) -> int:
    """Check definitions and report every problem."""
    report = validate_paths(args.paths)
    return emit(args, report, report.to_text)


def cmd_show(args: argparse.Namespace) -> int:
    """Print a readable summary of one definition."""
    summary = Summary(load_analysis(resolve(args.pathway)))
    return emit(args, summary, summary.to_text)


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schema and the format reference page (or check that the committed ones are fresh); with
    --for, the schema of one pathway's journeys and scenarios."""
    from pathway.publish.artefacts import write_or_check

    if args.for_pathway:
        return cmd_schema_for(args)
    return print_freshness(
        write_or_check(generated(Path(args.out or SCHEMA_PATH), Path(args.reference)), args.check, "pathway schema")
    )


def cmd_generate(args: argparse.Namespace) -> int:
    """Regenerate every generated artefact (schema, format reference, pathway pages, example trails), or --check."""
    from pathway.cli.reference import cli_reference
    from pathway.publish.artefacts import artefacts, write_or_check

    return print_freshness(write_or_check(artefacts(extra=cli_reference(Path.cwd(), args.parser)), args.check))


class BadArguments(Exception):
    """Arguments argparse refused, handed back to :func:`main` so that ``--format json`` can report them."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        self.parser = parser
        self.message = message
        super().__init__(message)


class _Parser(argparse.ArgumentParser):
    """An argument parser (subcommand parsers are of the same class) that raises instead of exiting on error."""

    def error(self, message: str) -> NoReturn:
        raise BadArguments(self, message)


def _bad_arguments(bad: BadArguments, argv: Sequence[str]) -> int:
    """What argparse would print (usage and error on stderr), or with ``--format json`` one JSON document."""
    pairs = zip(argv, [*argv[1:], ""], strict=True)
    if any(a == "--format=json" or (a, b) == ("--format", "json") for a, b in pairs):
        print_json(UsageError(bad.message).to_json())
    else:
        bad.parser.print_usage(sys.stderr)
        print(escape(f"{bad.parser.prog}: error: {bad.message}"), file=sys.stderr)
    return int(ExitCode.USAGE)


class _Version(argparse.Action):
    """``--version``: the version, and whether this installation is the native build (worked out only when
    asked: :func:`pathway.version.build`)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> NoReturn:
        print(f"pathway {__version__} ({build()})")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pathway",
        description="Clinical pathways as executable, auditable state machines. Decision support for clinicians, "
        "not a substitute for clinical judgement.",
    )
    parser.add_argument("--version", action=_Version, help="show the version and how the hot path runs, and exit")
    parser.set_defaults(parser=parser)  # for `generate`, which documents the whole CLI
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help=cmd_validate.__doc__, description=cmd_validate.__doc__)
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="definition files or folders (default: every definitions/*/pathway.yaml)",
    )
    add_format(p)
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("show", help=cmd_show.__doc__, description=cmd_show.__doc__)
    p.add_argument("pathway", metavar="ID|PATH", help="a pathway id under definitions/, or a definition path")
    add_format(p)
    p.set_defaults(handler=cmd_show)

    add_commands(sub)
    add_cohort_commands(sub)
    add_designer_commands(sub)
    add_export_commands(sub)
    add_fhir_commands(sub)

    p = sub.add_parser("generate", help=cmd_generate.__doc__, description=cmd_generate.__doc__)
    p.add_argument("--check", action="store_true", help="exit 1 when a generated file is missing or stale")
    p.set_defaults(handler=cmd_generate)

    p = sub.add_parser("schema", help=cmd_schema.__doc__, description=cmd_schema.__doc__)
    p.add_argument("--out", help=f"where to write it (default: {SCHEMA_PATH})")
    p.add_argument(
        "--reference",
        default=str(REFERENCE_PATH),
        help=f"where to write the format reference page (default: {REFERENCE_PATH})",
    )
    p.add_argument("--check", action="store_true", help="exit 1 when a file is missing or stale")
    add_schema_for(p)
    p.set_defaults(handler=cmd_schema)
    _remember_command_parsers(parser)
    return parser


def _remember_command_parsers(parser: argparse.ArgumentParser) -> None:
    """Each (sub)command's parser as the ``command_parser`` default, so that an error can name the right flag."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.set_defaults(command_parser=sub)
                _remember_command_parsers(sub)


def _flag(args: argparse.Namespace, parameter: str) -> str:
    """The command-line name of a library parameter: ``at`` -> ``--at``, a positional -> its metavar."""
    parser: argparse.ArgumentParser | None = getattr(args, "command_parser", None)
    for action in parser._actions if parser else ():
        if action.dest == parameter:
            return max(action.option_strings, key=len) if action.option_strings else str(action.metavar or parameter)
    return parameter


def _message(args: argparse.Namespace, err: PathwayError) -> str:
    if isinstance(err, UsageError) and err.parameter:
        return f"{_flag(args, err.parameter)}: {err.detail}"
    return str(err)


def _fail(args: argparse.Namespace, err: PathwayError) -> int:
    """Report an error once: one JSON document on stdout with --format json, else the located problems and the
    message on stderr."""
    message = _message(args, err)
    diagnostics: list[Diagnostic] = getattr(err, "diagnostics", None) or []
    if wants_json(args):
        print_json(err.to_json() | {"message": message})
    elif isinstance(err, InvalidInputError) and diagnostics:
        print(render_text(diagnostics), file=sys.stderr)  # the message is the first of them
    else:
        shown = [render_text(diagnostics)] if diagnostics else []
        print("\n".join([*shown, f"pathway: {escape(message)}"]), file=sys.stderr)
    return int(err.exit_code)


def _internal(args: argparse.Namespace, err: Exception) -> int:
    if os.environ.get("PATHWAY_DEBUG"):
        traceback.print_exc()
    message = (
        f"internal error ({type(err).__name__}: {err}). This is a bug in pathway; please report it with the "
        "command you ran (PATHWAY_DEBUG=1 shows the traceback)."
    )
    if wants_json(args):
        print_json({"error": "internal", "message": message, "exit_code": int(ExitCode.INTERNAL)})
    else:
        print(f"pathway: {escape(message)}", file=sys.stderr)
    return int(ExitCode.INTERNAL)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except BadArguments as bad:
        return _bad_arguments(bad, sys.argv[1:] if argv is None else argv)
    except SystemExit as exit_:  # --help or --version (argparse printed it)
        return exit_.code if isinstance(exit_.code, int) else int(ExitCode.USAGE)
    try:
        return _run(args)
    except BrokenPipeError:  # output piped into head, a result or an error alike: not an error
        sys.stderr.close()
        return int(ExitCode.OK)


def _run(args: argparse.Namespace) -> int:
    handler: Handler = args.handler
    try:
        return handler(args)
    except PathwayError as err:
        return _fail(args, err)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        raise
    except Exception as err:  # a bug in pathway, not bad input
        return _internal(args, err)
