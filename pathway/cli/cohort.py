"""The cohort commands: ``pathway cohort run``, ``verify``, ``extract`` and ``generate``, thin wrappers over
:mod:`pathway.cohort` (imported when a command runs: pyarrow and the engine are not paid for at start-up)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pathway.cli.output import add_engine, add_format, emit, wants_json
from pathway.definition.loader import load_analysis, resolve
from pathway.diagnostics.escape import escape_block
from pathway.errors import UsageError


def _whole(least: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``least`` (``what`` names it in the error)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"expected {what} of at least {least}, got {value}")
        return value

    return parse


_jobs = _whole(1, "a number of worker processes")
_count = _whole(0, "a whole number")


def cmd_cohort_run(args: argparse.Namespace) -> int:
    """Run every journey of a cohort (folders of journey files, NDJSON files) through one pathway: a trail per
    journey, journeys.parquet, records.parquet and cohort.json in the output folder."""
    from pathway.cohort.parallel import executor_for
    from pathway.cohort.run import run_cohort

    if args.dask is not None and args.jobs is not None:
        raise UsageError("give --jobs or --dask, not both")
    analysis = load_analysis(resolve(args.pathway))
    with executor_for(args.jobs, args.dask) as (executor, workers, scheduler):
        result = run_cohort(
            args.inputs,
            analysis,
            args.out,
            executor,
            workers=workers,
            engine=args.engine,
            resume=args.resume,
            scheduler=scheduler,
            store=args.store,
        )
    return emit(args, result, result.to_text)


def cmd_cohort_verify(args: argparse.Namespace) -> int:
    """Check a cohort folder: every trail's chain, every trail replayed (in parallel), the trails cohort.json and
    journeys.parquet list against the trails present."""
    from pathway.cohort.parallel import executor_for
    from pathway.cohort.verify import verify_cohort

    with executor_for(args.jobs, None) as (executor, workers, _):
        result = verify_cohort(args.dir, executor, workers=workers, pathway=args.pathway and resolve(args.pathway))
    return emit(args, result, result.to_text)


def cmd_cohort_generate(args: argparse.Namespace) -> int:
    """Write a generated cohort as NDJSON: random valid journeys drawn from a pathway's fact dictionary (the same
    seed always gives the same file); for trying cohorts out and for benchmarks, not clinical stories."""
    from pathway.cli.output import print_json, wants_json
    from pathway.cohort.generate import write_ndjson
    from pathway.diagnostics.escape import escape

    analysis = load_analysis(resolve(args.pathway))
    count = write_ndjson(args.out, analysis, args.count, args.events, args.seed, decisions=args.decisions)
    if wants_json(args):
        print_json({"out": args.out, "journeys": count, "events": args.events, "seed": args.seed, "exit_code": 0})
    else:
        print(escape(f"wrote {args.out}: {count} journeys of {args.events} events (seed {args.seed})"))
    return 0


def cmd_cohort_extract(args: argparse.Namespace) -> int:
    """Write one journey's trail from a cohort folder (either store) as its own file, byte-identical to what
    'pathway run --trail' writes."""
    from pathway.cohort.extract import extract

    result = extract(args.dir, args.journey, args.out)
    return emit(args, result, result.to_text)


def _duration(text: str) -> Any:
    from pathway.expr.durations import duration_hint, parse_duration

    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error}: {duration_hint(text)}") from None


def cmd_cohort_conformance(args: argparse.Namespace) -> int:
    """The conformance of the care recorded in a cohort run: per recommendation the episodes it was issued in, met,
    met late, exceptions by reason code, not documented, still open; care never recommended, with and without a
    reason; each patient's deviations, pointing at the trail records (rules: docs/conformance.md)."""
    from pathway.cohort.conformance import GRACE, conformance

    if args.format == "measurereport" and args.out is None:
        raise UsageError("--format measurereport writes files: give the folder with --out DIR")
    result = conformance(
        args.dir, by=args.by, pathway=args.pathway and resolve(args.pathway), grace=args.grace or GRACE
    )
    if args.format == "measurereport":
        from pathway.fhir.measurereport import export_measurereports

        written = export_measurereports(result, args.out)
        print(escape_block(written.to_text()))
        return int(result.exit_code)
    if args.out is None:
        return emit(args, result, result.to_text)
    from pathway.cohort.store import write_atomic

    document = json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False) if wants_json(args) else ""
    write_atomic(Path(args.out), (document or result.to_text()).encode("utf-8") + b"\n")
    print(escape_block(f"wrote {args.out}"), file=sys.stderr)
    return int(result.exit_code)


def add_cohort_commands(sub: Any) -> None:
    p = sub.add_parser("cohort", help="run and verify cohorts of journeys", description="Work with cohorts.")
    commands = p.add_subparsers(dest="cohort_command", metavar="COMMAND", required=True)

    r = commands.add_parser("run", help=cmd_cohort_run.__doc__, description=cmd_cohort_run.__doc__)
    r.add_argument("inputs", nargs="+", metavar="INPUT", help="a folder of journey files, or an NDJSON file")
    r.add_argument("--pathway", required=True, metavar="ID|PATH", help="the pathway every journey runs through")
    r.add_argument("--out", required=True, metavar="DIR", help="the cohort folder to write (new or empty)")
    r.add_argument("--jobs", type=_jobs, metavar="N", help="worker processes (default: the cores this process may use)")
    add_engine(r, "compiled")
    r.add_argument(
        "--resume",
        action="store_true",
        help="continue the cohort in DIR: keep each trail that is complete, intact and of this pathway; run the rest",
    )
    r.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="run on a Dask cluster (tcp://host:8786), or 'local' for a local cluster of two worker processes",
    )
    r.add_argument(
        "--store",
        choices=("files", "shards"),
        default="files",
        help="files: trails/<journey>.jsonl each; shards: trails/shard-NNNNN.jsonl of a batch each, with "
        "trails/index.parquet (for large cohorts) (default: files)",
    )
    add_format(r)
    r.set_defaults(handler=cmd_cohort_run)

    v = commands.add_parser("verify", help=cmd_cohort_verify.__doc__, description=cmd_cohort_verify.__doc__)
    v.add_argument("dir", metavar="DIR", help="a folder written by 'pathway cohort run'")
    v.add_argument("--jobs", type=_jobs, metavar="N", help="worker processes (default: the cores)")
    v.add_argument("--pathway", metavar="ID|PATH", help="the definition, when the one the cohort ran is not bundled")
    add_format(v)
    v.set_defaults(handler=cmd_cohort_verify)

    x = commands.add_parser("extract", help=cmd_cohort_extract.__doc__, description=cmd_cohort_extract.__doc__)
    x.add_argument("dir", metavar="DIR", help="a folder written by 'pathway cohort run'")
    x.add_argument("journey", metavar="JOURNEY", help="the journey id")
    x.add_argument("--out", required=True, metavar="FILE", help="where to write the trail (atomically)")
    add_format(x)
    x.set_defaults(handler=cmd_cohort_extract)

    c = commands.add_parser(
        "conformance", help=cmd_cohort_conformance.__doc__, description=cmd_cohort_conformance.__doc__
    )
    c.add_argument("dir", metavar="DIR", help="a folder written by 'pathway cohort run'")
    c.add_argument("--by", metavar="FACT", help="stratify by a fact's value when each recommendation was first "
                   "issued (or when the care was given), or by pathway_version")  # fmt: skip
    c.add_argument("--pathway", metavar="ID|PATH", help="the definition, when the one the cohort ran is not bundled")
    c.add_argument(
        "--grace",
        type=_duration,
        metavar="DURATION",
        help="how long after a recommendation is retired care still counts for it (default: 1d)",
    )
    c.add_argument(
        "--format",
        choices=("text", "json", "measurereport"),
        default="text",
        help="text for people, json for tools, measurereport: FHIR R4 MeasureReports into --out DIR (default: text)",
    )
    c.add_argument("--out", metavar="FILE|DIR", help="write the text or JSON to FILE (atomically) instead of stdout; "
                   "the folder for the MeasureReports")  # fmt: skip
    c.set_defaults(handler=cmd_cohort_conformance)

    g = commands.add_parser("generate", help=cmd_cohort_generate.__doc__, description=cmd_cohort_generate.__doc__)
    g.add_argument("--pathway", required=True, metavar="ID|PATH", help="the pathway whose facts the journeys give")
    g.add_argument("--count", type=_count, required=True, metavar="N", help="how many journeys")
    g.add_argument("--events", type=_count, default=20, metavar="N", help="events per journey (default: 20)")
    g.add_argument("--seed", type=int, default=2026, metavar="S", help="the random seed (default: 2026)")
    g.add_argument("--out", required=True, metavar="FILE.ndjson", help="the NDJSON file to write (atomically)")
    g.add_argument(
        "--decisions",
        action="store_true",
        help="also record recommendations declined and reasons (codes or free text) with care and declines",
    )
    add_format(g)
    g.set_defaults(handler=cmd_cohort_generate)

    add_cohort_diff(commands)
    add_cohort_patient(commands)
    add_cohort_report(commands)


def cmd_cohort_diff(args: argparse.Namespace) -> int:
    """Replay every journey of a cohort run under another pathway version and list the patients whose pathway
    changes: recommendations and findings added, removed or moved in time, with the step that decided each and the
    facts it read; counts per kind of change."""
    from pathway.cohort.diff import diff_cohort
    from pathway.cohort.parallel import executor_for

    analysis = load_analysis(resolve(args.pathway))
    with executor_for(args.jobs, None) as (executor, workers, _):
        result = diff_cohort(args.dir, analysis, executor, workers=workers, engine=args.engine)
    return emit(args, result, result.to_text)


def add_cohort_diff(commands: Any) -> None:
    d = commands.add_parser("diff", help=cmd_cohort_diff.__doc__, description=cmd_cohort_diff.__doc__)
    d.add_argument("dir", metavar="DIR", help="a folder written by 'pathway cohort run'")
    d.add_argument("--pathway", required=True, metavar="ID|PATH", help="the other version to run the journeys under")
    d.add_argument("--jobs", type=_jobs, metavar="N", help="worker processes (default: the cores)")
    add_engine(d, "compiled")
    add_format(d)
    d.set_defaults(handler=cmd_cohort_diff)


def cmd_cohort_patient(args: argparse.Namespace) -> int:
    """One patient of a cohort run for the clinician reviewer: a dated timeline with recommendation titles, the
    evidence they cite, the care given, each deviation with its reason, and what the pathway is waiting for."""
    from pathway.cohort.patient import cohort_patient

    result = cohort_patient(args.dir, args.journey, args.pathway and resolve(args.pathway))
    return emit(args, result, result.to_text)


def add_cohort_patient(commands: Any) -> None:
    doc = cmd_cohort_patient.__doc__
    p = commands.add_parser("patient", help=doc, description=doc)
    p.add_argument("dir", metavar="DIR", help="a folder written by 'pathway cohort run'")
    p.add_argument("journey", metavar="JOURNEY", help="the journey id")
    p.add_argument("--pathway", metavar="ID|PATH", help="the definition, when the one the cohort ran is not bundled")
    add_format(p)
    p.set_defaults(handler=cmd_cohort_patient)


def cmd_cohort_report(args: argparse.Namespace) -> int:
    """Write one self-contained HTML report of a cohort run (no network): the conformance table, charts, the
    impact of a change (--diff), an index of every patient and a page per patient (timeline and path)."""
    from pathway.cohort.parallel import executor_for
    from pathway.publish.cohort_report import build_report

    given = args.pathway and resolve(args.pathway)
    new = load_analysis(resolve(args.diff)) if args.diff else None
    with executor_for(args.jobs, None) as (executor, workers, _):
        result = build_report(
            args.dir, args.out, new=new, executor=executor, workers=workers, patients=args.patients, pathway=given
        )
    return emit(args, result, result.to_text)


def add_cohort_report(commands: Any) -> None:
    doc = cmd_cohort_report.__doc__
    r = commands.add_parser("report", help=doc, description=doc)
    r.add_argument("dir", metavar="DIR", help="a folder written by 'pathway cohort run'")
    r.add_argument("--out", required=True, metavar="FILE.html", help="the report to write (atomically)")
    r.add_argument("--diff", metavar="ID|PATH", help="another version: add the impact of running the journeys under it")
    r.add_argument(
        "--patients",
        type=_count,
        default=25,
        metavar="N",
        help="how many patients get a page (timeline and path), those the change moves and those with the most "
        "deviations first; every patient is in the index (default: 25)",
    )
    r.add_argument("--pathway", metavar="ID|PATH", help="the definition, when the one the cohort ran is not bundled")
    r.add_argument("--jobs", type=_jobs, metavar="N", help="worker processes for --diff (default: the cores)")
    add_format(r)
    r.set_defaults(handler=cmd_cohort_report)
