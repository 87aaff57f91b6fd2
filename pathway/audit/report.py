"""Readable terminal text for trail records: each step with its time, the guard and the facts that decided it,
what was recommended or retired with its evidence, what the pathway waits for, and what went wrong."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence

from pathway.definition.summary import DISCLAIMER
from pathway.trail.parts import ActiveItem, Read, ReadDerived, ReadError, ReadFact
from pathway.trail.records import (
    DeviationRecord,
    ErrorRecord,
    HeaderRecord,
    InputRecord,
    IssuedRecord,
    Record,
    RetiredRecord,
    StartRecord,
    SummaryRecord,
    TransitionRecord,
    WaitingRecord,
    header_of,
    summary_of,
)

INDENT = " " * 14


def value_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | bool) or value is None else str(value)


def read_text(read: Mapping[str, Read]) -> str:
    parts = []
    for name, entry in read.items():
        if isinstance(entry, ReadFact):
            parts.append(f"{name}={value_text(entry.value)} (#{entry.from_})")
        elif isinstance(entry, ReadDerived):
            parts.append(f"{name}={value_text(entry.value)} (derived)")
        elif isinstance(entry, ReadError):
            parts.append(f"{name} could not be evaluated")
        else:
            parts.append(f"{name} unknown")
    return ", ".join(parts)


def _input(r: InputRecord) -> list[str]:
    parts = [f"{k}={value_text(v)}" for k, v in r.facts.items()]
    if r.event:
        parts.append(f"event {r.event}")
    if r.done:
        parts.append(f"done {r.done}" + (f" ({r.reason})" if r.reason else ""))
    return [f"{r.at:<10} #{r.input:<2} input: {', '.join(parts) or 'clock tick'}"]


def _transition(r: TransitionRecord) -> list[str]:
    trigger = f" on {r.trigger}" if r.trigger else ""
    lines = [f"{INDENT}{r.source} -> {r.target}{trigger}"]
    if r.outcome == "true":
        lines.append(f"{INDENT}    because {r.guard}")
        lines.append(f"{INDENT}    with {read_text(r.read)}")
    elif r.outcome == "otherwise":
        lines.append(f"{INDENT}    because no earlier guard was true (otherwise)")
    for alt in r.alternatives:
        why = f"{alt.guard} was {alt.outcome}"
        detail = f" ({read_text(alt.read)})" if alt.read else ""
        lines.append(f"{INDENT}    not {alt.target}: {why}{detail}")
    if r.evidence:
        lines.append(f"{INDENT}    evidence: {', '.join(r.evidence)}")
    return lines


def _item(r: IssuedRecord | RetiredRecord) -> list[str]:
    verb = {"recommendation": "recommend", "finding": "conclude"}[r.item]
    if isinstance(r, IssuedRecord):
        return [f"{INDENT}+ {verb} {r.id}: {r.title}  [evidence: {', '.join(r.evidence) or 'none'}]"]
    return [f"{INDENT}- no longer {verb} {r.id}"]


def _waiting(r: WaitingRecord) -> list[str]:
    return [f"{INDENT}waiting in {r.state} for: {', '.join(r.needs) or '(nothing: see the blocked guards)'}"]


def _error(r: ErrorRecord) -> list[str]:
    lines = [f"{INDENT}! error {r.code}: {r.message}"]
    for check in r.blocked or ():
        lines.append(f"{INDENT}    {check.id}: {check.guard}" + (f"  [{read_text(check.read)}]" if check.read else ""))
    return lines


def _step(r: Record) -> list[str]:
    if isinstance(r, InputRecord):
        return _input(r)
    if isinstance(r, TransitionRecord):
        return _transition(r)
    if isinstance(r, IssuedRecord | RetiredRecord):
        return _item(r)
    if isinstance(r, WaitingRecord):
        return _waiting(r)
    if isinstance(r, StartRecord):
        return [f"{INDENT}start in {', '.join(r.entered)}"]
    if isinstance(r, DeviationRecord):
        return [
            f"{INDENT}! deviation: {r.action} was done but is not recommended now"
            + (f" (reason: {r.reason})" if r.reason else "")
        ]
    if isinstance(r, ErrorRecord):
        return _error(r)
    return []  # header and summary are shown apart


def render_steps(records: Iterable[Record]) -> str:
    return "\n".join(line for r in records for line in _step(r))


def render_summary(
    header: HeaderRecord, summary: SummaryRecord, leaves: Callable[[Sequence[str]], list[str]] | None = None
) -> str:
    def ids(items: Sequence[ActiveItem]) -> str:
        return ", ".join(f"{i.id} (since {i.since})" for i in items) or "none"

    lines = [
        f"Now ({summary.at}):",
        f"  states:          {', '.join(leaves(summary.states) if leaves else summary.states) or 'none'}",
        f"  recommendations: {ids(summary.recommendations)}",
        f"  findings:        {ids(summary.findings)}",
    ]
    for wait in summary.waiting:
        lines.append(f"  waiting in {wait.state} for: {', '.join(wait.needs)}")
    for failed in summary.errors or ():
        lines.append(f"  guard error in {failed.state} ({failed.id}, since {failed.first}): {failed.message}")
    if summary.error:
        lines.append(f"  stopped: {summary.error}")
    return "\n".join(lines)


def render_run(records: Sequence[Record], leaves: Callable[[Sequence[str]], list[str]] | None = None) -> str:
    """The whole run for a terminal; ``leaves`` (from the pathway's tree) keeps only the innermost states."""
    header, summary = header_of(records), summary_of(records)
    p, j = header.pathway, header.journey
    head = [
        f"Journey {j.id} on pathway {p.id} {p.version} (sha256 {p.sha256[:12]})",
        DISCLAIMER,
        "",
    ]
    return "\n".join([*head, render_steps(records), "", render_summary(header, summary, leaves)])
