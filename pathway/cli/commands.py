"""The journey, scenario, lint and diagram commands of the CLI: thin wrappers that print library results
(:mod:`pathway.cli.output`).

Each handler imports what it needs when it runs, so that starting the CLI (and `pathway validate`) does not pay
for the engine, python-statemachine or graphviz."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pathway.cli.output import add_engine, add_format, emit, print_freshness, wants_json
from pathway.cli.security import add_security_commands, add_sign_key, add_trusted_keys
from pathway.definition.loader import DEFINITIONS_DIR, bundled_definitions, find_definitions, load_analysis, resolve
from pathway.definition.workspace import Workspace
from pathway.diagnostics import Diagnostic, render_text
from pathway.diagnostics.escape import escape
from pathway.errors import ExitCode, UsageError, invalid_input
from pathway.source.files import display_path, kind_of

if TYPE_CHECKING:
    from pathway.definition.analysis import Analysis
    from pathway.journey.check import LoadedJourney
    from pathway.trail.keys import SigningKey


def pinned_definition(journey: Path, ws: Workspace) -> Path | list[Diagnostic]:
    """The definition a journey pins (an id, ``id@version`` or ``sha256:<hex>``, never a path: the project's, else
    one bundled with pathway), or the problems that keep the pin from being read (an unreadable file, a syntax
    error, a malformed pin)."""
    from pathway.journey.read import read_pin

    pin, problems = read_pin(journey)
    if problems:
        return problems
    if pin is None:
        raise UsageError(f"{display_path(journey)} does not pin a pathway: pass --pathway ID|PATH")
    if pin.startswith("sha256:"):
        found = next((d for d in ws.known() if _named(ws, d, pin.removeprefix("sha256:"))), None)
        where = f"no definition has this hash (under {display_path(ws.root / DEFINITIONS_DIR)}/, or bundled)"
    else:
        pathway_id = pin.split("@", 1)[0]
        found = ws.definition_of(pathway_id)
        where = f"there is no {display_path(found)}, nor a bundled pathway '{pathway_id}'"
        if kind_of(found) == "nothing":
            found = bundled_definitions().get(pathway_id, found)
    if found is None or kind_of(found) == "nothing":
        raise UsageError(f"{display_path(journey)} pins pathway '{pin}', but {where}: pass --pathway ID|PATH")
    return found


def _named(ws: Workspace, definition: Path, sha256: str) -> bool:
    """Whether a pin's hash names this definition (by the current rule or the legacy one)."""
    result = ws.check(definition)
    return result.ok and result.analysis is not None and result.analysis.named_by(sha256)


def _refuse_overwrite(trail: str, journey: Path, definition: Path) -> None:
    """Refuse --trail onto one of the run's own inputs (the same file by any path, hard links included)."""
    for role, path in (("journey", journey), ("definition", definition)):
        try:
            same = os.path.samefile(trail, path)
        except OSError:  # one of them does not exist (yet)
            same = False
        if same:
            raise UsageError(f"--trail {trail} is the {role} file being run: write the trail to another path")


def _bad_journey(args: argparse.Namespace, diagnostics: list[Diagnostic]) -> int:
    """Report a journey that cannot run: every problem, like validate does; with json, raise so that the error
    document holds them all."""
    error = invalid_input(diagnostics)
    if wants_json(args):
        raise error
    print(render_text(diagnostics), file=sys.stderr)
    print(f"{len(diagnostics)} problem(s) in this journey: ", end="", file=sys.stderr)
    print("nothing was run and no trail was written", file=sys.stderr)  # render_text escaped the rest
    return int(error.exit_code)


def _journey_until(path: Path, analysis: Analysis, until: str | None) -> LoadedJourney | list[Diagnostic]:
    """The journey checked against the pathway, with the ``--until`` input when given; or every problem."""
    from pathway.journey.check import check_journey
    from pathway.journey.until import with_until

    journey, diagnostics = check_journey(path, analysis)
    if journey is None:
        return diagnostics
    if until is None:
        return journey
    extended = with_until(journey, until)
    return [extended] if isinstance(extended, Diagnostic) else extended


def cmd_run(args: argparse.Namespace) -> int:
    """Run a patient journey through a pathway; show each step, optionally write the audit trail."""
    from pathway.audit.report import render_run
    from pathway.engine.runner import Runner

    journey_path = Path(args.journey)
    if kind_of(journey_path) == "nothing":
        raise UsageError(f"{args.journey}: no such journey file")
    if args.sign_key and not args.trail:
        raise UsageError("--sign-key signs the trail: give --trail OUT.jsonl too")
    ws = Workspace()
    definition = resolve(args.pathway) if args.pathway else pinned_definition(journey_path, ws)
    if isinstance(definition, list):
        return _bad_journey(args, definition)
    if args.trail:
        _refuse_overwrite(args.trail, journey_path, definition)
    analysis = ws.analysis(definition)
    journey = _journey_until(journey_path, analysis, args.until)
    if isinstance(journey, list):
        return _bad_journey(args, journey)
    key = signing_key(args.sign_key)
    result = Runner(analysis, args.engine).run(journey)
    if args.trail:
        result.write(args.trail, sign_key=key)

    def text() -> str:
        shown = render_run(result.records, analysis)
        if args.trail:
            signed = f", signed by {key.key_id}" if key else ""
            shown += f"\n\ntrail: {display_path(Path(args.trail))} ({len(result.records)} records{signed})"
        return shown

    return emit(args, result, text)


def signing_key(path: str | None) -> SigningKey | None:
    """The key ``--sign-key`` names, read before anything runs (a bad key stops the command early)."""
    from pathway.trail.keys import load_signing_key

    return load_signing_key(path) if path else None


def cmd_replay(args: argparse.Namespace) -> int:
    """Re-run a trail's inputs: 'reproduced', the first divergence, tampering, or (with --pathway of another
    version) each decision that would differ."""
    from pathway.audit import replay

    result = replay(
        args.trail,
        args.pathway and resolve(args.pathway),
        trusted_keys=args.trusted_keys,
        require_signature=args.require_signature,
        engine=args.engine,
    )
    return emit(args, result, result.to_text)


def cmd_explain(args: argparse.Namespace) -> int:
    """Why is the patient in these states, why was this recommended, why was that not, and what is due when."""
    from pathway.audit import explain

    if args.step is not None and args.at is not None:
        raise UsageError("give --step or --at, not both")
    answer = explain(
        args.trail, step=args.step, at=args.at, why_not=args.why_not, pathway=args.pathway and resolve(args.pathway)
    )
    return emit(args, answer, lambda: answer.text)


def cmd_test(args: argparse.Namespace) -> int:
    """Run the designer scenarios of definitions (default: every definitions/*/scenarios/*.yaml); with --coverage,
    report state, transition and guard-outcome coverage and what no scenario reaches."""
    from pathway.scenarios.report import run_tests

    report = run_tests(Workspace(), args.paths, with_coverage=args.coverage, min_coverage=args.min_coverage)
    code = emit(args, report, report.to_text)
    if report.below_minimum and not wants_json(args):
        print(f"\nstate or transition coverage is below --min-coverage {args.min_coverage:g}%", file=sys.stderr)
    return code


def cmd_diagram(args: argparse.Namespace) -> int:
    """Draw a pathway's diagrams (one per view), optionally with a journey's trail; --check the committed ones."""
    from pathway.publish.artefacts import write_or_check
    from pathway.render.diagrams import committed_diagrams, write_diagrams

    if args.check:
        return print_freshness(write_or_check(committed_diagrams(Workspace(), args.pathway), True))
    if args.pathway is None:
        raise UsageError("give the pathway to draw (ID or PATH), or --check")
    analysis = load_analysis(resolve(args.pathway))
    written = write_diagrams(analysis, args.format, args.out, args.trail, args.view)
    for path in written:
        print(escape(f"wrote {display_path(path)}"))
    return int(ExitCode.OK)


def cmd_lint(args: argparse.Namespace) -> int:
    """Find what validation cannot: unreachable states, dead ends, cycles, guards that never fire or overlap,
    states that can get stuck, missing evidence, unused declarations."""
    from pathway.linter import lint_report

    ws = Workspace()
    report = lint_report(ws.definitions(args.paths), ws)
    return emit(args, report, report.to_text)


def cmd_scenarios_generate(args: argparse.Namespace) -> int:
    """Generate a scenario for every transition that no scenario fires yet (a journey found by a bounded search),
    for the designer to review and keep."""
    from pathway.scenarios.generated_file import generate_file, report

    found = [resolve(args.pathway)] if args.pathway else find_definitions([])
    if len(found) != 1:
        raise UsageError(f"give the pathway (ID or PATH): there are {len(found)} definitions")
    definition = found[0]
    generation, written = generate_file(load_analysis(definition), definition, args.out and Path(args.out))
    return emit(args, generation, lambda: report(generation, written))


def add_commands(sub: Any) -> None:
    p = sub.add_parser("lint", help=cmd_lint.__doc__, description=cmd_lint.__doc__)
    p.add_argument("paths", nargs="*", metavar="PATH", help="definition files or folders (default: all bundled)")
    add_format(p)
    p.set_defaults(handler=cmd_lint)

    p = sub.add_parser("diagram", help=cmd_diagram.__doc__, description=cmd_diagram.__doc__)
    p.add_argument("pathway", nargs="?", metavar="ID|PATH", help="the pathway (with --check: only its diagrams)")
    p.add_argument("--format", choices=("svg", "png", "dot", "mermaid"), default="svg", help="output format")
    p.add_argument("--out", metavar="DIR", help="output folder (default: diagrams/<pathway-id>)")
    p.add_argument("--trail", metavar="TRAIL", help="draw this journey's trail over every view (<view>.<trail>.*)")
    p.add_argument(
        "--view",
        choices=("statechart", "clinical"),
        default="statechart",
        help="the state chart for designers (default), or the clinical algorithm (clinical-<n>.*; with --trail, "
        "the patient's path: <trail>.clinical-<n>.*)",
    )
    p.add_argument("--check", action="store_true", help="fail when the committed diagrams/ are stale")
    p.set_defaults(handler=cmd_diagram)

    p = sub.add_parser("test", help=cmd_test.__doc__, description=cmd_test.__doc__)
    p.add_argument("paths", nargs="*", metavar="PATH", help="definition files or folders (default: all bundled)")
    p.add_argument("--coverage", action="store_true", help="report state, transition and guard-outcome coverage")
    p.add_argument(
        "--min-coverage",
        type=float,
        metavar="PCT",
        help="fail when state or transition coverage of a definition is below PCT (implies --coverage)",
    )
    add_format(p)
    p.set_defaults(handler=cmd_test)

    p = sub.add_parser("scenarios", help="designer scenarios", description="Work with designer scenarios.")
    gen = p.add_subparsers(dest="scenarios_command", metavar="COMMAND", required=True)
    g = gen.add_parser("generate", help=cmd_scenarios_generate.__doc__, description=cmd_scenarios_generate.__doc__)
    g.add_argument("pathway", nargs="?", metavar="ID|PATH", help="the pathway (default: the first bundled one)")
    g.add_argument("--out", metavar="FILE", help="output file (default: definitions/<id>/scenarios/generated.yaml)")
    add_format(g)
    g.set_defaults(handler=cmd_scenarios_generate)

    p = sub.add_parser("run", help=cmd_run.__doc__, description=cmd_run.__doc__)
    p.add_argument("journey", metavar="JOURNEY", help="journey file (.yaml, or .jsonl with one event per line)")
    p.add_argument("--pathway", metavar="ID|PATH", help="the pathway (default: the one the journey pins)")
    p.add_argument("--trail", metavar="OUT.jsonl", help="write the audit trail here (atomically)")
    p.add_argument(
        "--until",
        metavar="TIME",
        help="after the last entry, advance the clock to TIME (YYYY-MM-DD or YYYY-MM-DDTHH:MM), firing what falls "
        "due; the trail records it",
    )
    add_sign_key(p, "the trail")
    add_engine(p, "reference")
    add_format(p)
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("replay", help=cmd_replay.__doc__, description=cmd_replay.__doc__)
    p.add_argument("trail", metavar="TRAIL", help="a trail written by 'pathway run --trail'")
    p.add_argument("--pathway", metavar="ID|PATH", help="replay against this definition (what-if when it differs)")
    add_trusted_keys(p)
    add_engine(p, "reference")
    add_format(p)
    p.set_defaults(handler=cmd_replay)

    add_security_commands(sub)

    p = sub.add_parser("explain", help=cmd_explain.__doc__, description=cmd_explain.__doc__)
    p.add_argument("trail", metavar="TRAIL", help="a trail written by 'pathway run --trail'")
    p.add_argument(
        "--step", type=int, metavar="N", help="explain the situation after step N, as numbered in the run output (#N)"
    )
    p.add_argument("--at", metavar="TIME", help="explain the situation at this time (ISO date or date-time)")
    p.add_argument("--why-not", metavar="ACTION", help="why this action is not (or no longer) recommended")
    p.add_argument("--pathway", metavar="ID|PATH", help="the definition, when the pinned one is not bundled")
    add_format(p)
    p.set_defaults(handler=cmd_explain)
