"""``pathway lint``: run every registered rule over a valid definition, locate the findings, apply suppressions.

A finding is suppressed by a comment on its line: ``# pathway: allow PW521 because recorded for the dose review``
(several codes: ``allow PW521, PW522 because ...``). A suppression without a reason is itself an error (PW530),
and one that suppresses nothing is a warning (PW531), so suppressions cannot rot silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.definition.workspace import Workspace
from pathway.diagnostics import Diagnostic, Severity, render_text, sorted_diagnostics, summary_line
from pathway.diagnostics.codes import UNREADABLE, Code
from pathway.errors import ExitCode
from pathway.linter import conflicts as _conflicts  # noqa: F401 - registers the conflict rules
from pathway.linter import consistency as _consistency  # noqa: F401 - registers the constraint rules
from pathway.linter import cycles as _cycles  # noqa: F401 - registers the eventless-cycle rule
from pathway.linter import grading as _grading  # noqa: F401 - registers the question, strength and quality rules
from pathway.linter import guards as _guards  # noqa: F401 - registers the guard rules
from pathway.linter import hygiene as _hygiene  # noqa: F401 - registers the hygiene rules
from pathway.linter import structure as _structure  # noqa: F401 - registers the structural rules
from pathway.linter import timers as _timers  # noqa: F401 - registers the time rules
from pathway.linter.base import RULES, run_rules
from pathway.source.locate import located
from pathway.source.reader import SourceDocument

ALLOW = re.compile(r"#\s*pathway:\s*allow\s+(?P<codes>PW\d{3}(?:\s*,\s*PW\d{3})*)(?:\s+because\s+(?P<reason>\S.*))?")


@dataclass(frozen=True)
class LintResult:
    """The findings for one file (validation errors instead, when the file is not valid)."""

    path: str
    diagnostics: tuple[Diagnostic, ...]
    suppressed: int = 0
    valid: bool = True

    @property
    def ok(self) -> bool:
        return self.valid and not any(d.severity is Severity.ERROR for d in self.diagnostics)


@dataclass(frozen=True)
class _Allow:
    line: int
    column: int
    codes: frozenset[str]
    reason: str | None


def _allows(doc: SourceDocument) -> list[_Allow]:
    found = []
    for number, text in enumerate(doc.text.splitlines(), start=1):
        match = ALLOW.search(text)
        if match:
            codes = frozenset(c.strip() for c in match.group("codes").split(","))
            found.append(_Allow(number, match.start() + 1, codes, match.group("reason")))
    return found


def _suppression_findings(doc: SourceDocument, allows: list[_Allow], used: set[int]) -> list[Diagnostic]:
    out = []
    for allow in allows:
        codes = ", ".join(sorted(allow.codes))
        if allow.reason is None:
            out.append(
                Diagnostic(
                    code=Code.PW530,
                    message=f"suppression of {codes} gives no reason",
                    file=doc.path,
                    line=allow.line,
                    column=allow.column,
                    hint="write '# pathway: allow CODE because <why this is right here>'",
                )
            )
        elif allow.line not in used:
            out.append(
                Diagnostic(
                    code=Code.PW531,
                    severity=Code.PW531.severity,
                    file=doc.path,
                    line=allow.line,
                    column=allow.column,
                    message=f"suppression of {codes} suppresses nothing",
                    hint="remove it: the finding it was written for is gone",
                )
            )
    return out


def lint_file(path: str | Path, workspace: Workspace | None = None) -> LintResult:
    """Lint one definition (read and checked once, through ``workspace`` when given). An invalid definition gives
    its validation diagnostics instead."""
    ws = workspace or Workspace()
    result = ws.check(Path(path))
    if not result.ok or result.analysis is None:
        return LintResult(result.path, result.diagnostics, valid=False)
    doc = ws.document(Path(path))
    allows = {a.line: a for a in _allows(doc)}
    kept: list[Diagnostic] = []
    used: set[int] = set()
    for current, issue in run_rules(result.analysis):
        diag = located(
            doc,
            issue.path,
            issue.code,
            issue.message,
            hint=issue.hint,
            key=issue.key,
            span=issue.span,
            severity=current.severity,
        )
        allow = allows.get(diag.line)
        if allow is not None and allow.reason is not None and diag.code in allow.codes:
            used.add(diag.line)
            continue
        kept.append(diag)
    kept += _suppression_findings(doc, list(allows.values()), used)
    return LintResult(doc.path, tuple(sorted_diagnostics(kept)), suppressed=len(used))


def lint_paths(paths: Sequence[Path], workspace: Workspace | None = None) -> list[LintResult]:
    ws = workspace or Workspace()
    return [lint_file(p, ws) for p in paths]


@dataclass(frozen=True)
class LintReport:
    """The outcome of ``pathway lint``: one :class:`LintResult` per definition file."""

    results: tuple[LintResult, ...]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    @property
    def exit_code(self) -> ExitCode:
        """2 when a file could not be read at all, 1 on an error (lint errors included), else 0."""
        if any(not r.valid and any(d.code in UNREADABLE for d in r.diagnostics) for r in self.results):
            return ExitCode.USAGE
        return ExitCode.OK if all(r.ok for r in self.results) else ExitCode.FINDINGS

    def to_json(self) -> dict[str, Any]:
        """Each file with whether it passes, how many findings were suppressed, and its diagnostics."""
        files = [
            {
                "path": r.path,
                "ok": r.ok,
                "suppressed": r.suppressed,
                "diagnostics": [d.model_dump(mode="json") for d in r.diagnostics],
            }
            for r in self.results
        ]
        return {"files": files}

    def to_text(self) -> str:
        """Every finding, located, then the summary line with the number of suppressed findings."""
        suppressed = sum(r.suppressed for r in self.results)
        tail = f", {suppressed} suppressed with a reason" if suppressed else ""
        found = [render_text(self.diagnostics)] if self.diagnostics else []
        return "\n".join([*found, summary_line(self.diagnostics, len(self.results)) + tail])


def lint_report(paths: Sequence[Path], workspace: Workspace | None = None) -> LintReport:
    """Lint every definition of ``paths`` (``pathway lint``), each read and checked once."""
    return LintReport(tuple(lint_paths(paths, workspace)))


__all__ = ["RULES", "LintReport", "LintResult", "lint_file", "lint_paths", "lint_report"]
