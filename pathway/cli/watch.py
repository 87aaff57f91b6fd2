"""``pathway watch``: re-check on save. Validate, lint and test again whenever a definition, scenario or journey
file changes, so that a designer sees the effect of each edit in a terminal beside the editor.

It polls: every ``interval`` seconds it takes the modification time and size of every watched file (each
definition, its ``scenarios/*.yaml`` and its ``journeys/*``), and runs the checks when one changed, appeared or
disappeared. Polling needs no dependency and works on every file system; a pathway project holds a few dozen files.
The screen is never cleared and no header carries a time, so a run's output can be compared with another's.

:func:`watch` takes the clock (``sleep``) and a limit on the number of polls, so that tests drive it without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from pathway.definition.loader import find_definitions, validate_paths
from pathway.definition.workspace import Workspace
from pathway.diagnostics import render_text
from pathway.diagnostics.escape import escape
from pathway.errors import ExitCode, PathwayError
from pathway.source.files import display_path

CHECKS = ("validate", "lint", "test")
Snapshot = dict[Path, tuple[int, int]]


class Report(Protocol):
    @property
    def exit_code(self) -> ExitCode: ...

    def to_text(self) -> str: ...


def _validate(ws: Workspace, paths: Sequence[str]) -> Report:
    return validate_paths(paths, ws.root)


def _lint(ws: Workspace, paths: Sequence[str]) -> Report:
    from pathway.linter import lint_report

    return lint_report(ws.definitions(paths), ws)


def _test(ws: Workspace, paths: Sequence[str]) -> Report:
    from pathway.scenarios.report import run_tests

    return run_tests(ws, paths)


RUNNERS: Mapping[str, Callable[[Workspace, Sequence[str]], Report]] = {
    "validate": _validate,
    "lint": _lint,
    "test": _test,
}


def split_targets(targets: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(checks, paths) from ``[validate|lint|test ...] [PATH...]``: the leading check names, then paths; every
    check when none is named."""
    checks = []
    for word in targets:
        if word not in CHECKS:
            break
        checks.append(word)
    rest = tuple(targets[len(checks) :])
    return (tuple(dict.fromkeys(checks)) or CHECKS), rest


def watched_files(paths: Sequence[str], root: Path) -> list[Path]:
    """Every file whose change triggers a run: the definitions named (default: all), their scenarios and journeys.
    Found again at every poll, so that a new pathway or scenario file is watched from then on."""
    try:
        definitions = find_definitions(paths, root)
    except PathwayError:  # no definition yet, or a named one was removed: the run says so
        return []
    files: list[Path] = []
    for definition in definitions:
        folder = definition.parent
        files += [definition, *sorted((folder / "scenarios").glob("*.yaml"))]
        files += sorted([*(folder / "journeys").glob("*.yaml"), *(folder / "journeys").glob("*.jsonl")])
    return files


def snapshot(files: Iterable[Path]) -> Snapshot:
    """Modification time and size of each file that exists."""
    out: Snapshot = {}
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        out[path] = (stat.st_mtime_ns, stat.st_size)
    return out


def changes(before: Snapshot, after: Snapshot) -> list[Path]:
    """The files changed, added or removed between two snapshots, by path."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


@dataclass(frozen=True)
class Watch:
    """What to check (``checks``, over ``paths``) and where to print."""

    checks: Sequence[str]
    paths: Sequence[str]
    root: Path
    out: TextIO

    def run_once(self, number: int, changed: Sequence[Path]) -> ExitCode:
        """One run of every check, under a header; the worst exit code."""
        what = ", ".join(display_path(p) for p in changed[:3]) + (" ..." if len(changed) > 3 else "")
        cause = f"changed: {what}" if changed else "first run"
        print(f"=== pathway watch: run {number} ({cause}) ===", file=self.out)
        ws = Workspace(self.root)  # a new workspace each run: it caches what it read
        codes: list[str] = []
        worst = ExitCode.OK
        for check in self.checks:
            print(f"--- pathway {check} ---", file=self.out)
            code = self._check(check, ws)
            codes.append(f"{check} {'ok' if code is ExitCode.OK else f'failed (exit {int(code)})'}")
            worst = max(worst, code)
        print(f"=== {'; '.join(codes)}. Watching for changes (Ctrl-C stops) ===", file=self.out, flush=True)
        return worst

    def _check(self, check: str, ws: Workspace) -> ExitCode:
        try:
            report = RUNNERS[check](ws, self.paths)
        except PathwayError as err:
            diagnostics = getattr(err, "diagnostics", None)
            print(render_text(diagnostics) if diagnostics else escape(f"pathway: {err}"), file=self.out)
            return err.exit_code
        print(report.to_text(), file=self.out)
        return report.exit_code


def watch(
    job: Watch,
    *,
    interval: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    polls: int | None = None,
) -> ExitCode:
    """Run the checks, then poll every ``interval`` seconds (through ``sleep``) and run them again after a change;
    stop after ``polls`` polls (default: never). Returns the exit code of the last run."""
    before = snapshot(watched_files(job.paths, job.root))
    number = 1
    last = job.run_once(number, [])
    done = 0
    while polls is None or done < polls:
        sleep(interval)
        done += 1
        after = snapshot(watched_files(job.paths, job.root))
        changed = changes(before, after)
        if changed:
            number += 1
            before = after
            last = job.run_once(number, changed)
    return last
