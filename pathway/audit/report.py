"""Readable terminal text for trail records: each step with its time, the guard and the facts that decided it,
what was recommended or retired with its evidence, and what the pathway waits for."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pathway.definition.summary import DISCLAIMER

INDENT = " " * 14


def value_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | bool) or value is None else str(value)


def read_text(read: Mapping[str, Mapping[str, Any]]) -> str:
    parts = []
    for name, entry in read.items():
        if entry.get("unknown"):
            parts.append(f"{name} unknown")
        elif entry.get("derived"):
            parts.append(f"{name}={value_text(entry['value'])} (derived)")
        else:
            parts.append(f"{name}={value_text(entry['value'])} (#{entry.get('from')})")
    return ", ".join(parts)


def _input(r: Mapping[str, Any]) -> list[str]:
    parts = [f"{k}={value_text(v)}" for k, v in r.get("facts", {}).items()]
    if r.get("event"):
        parts.append(f"event {r['event']}")
    if r.get("done"):
        parts.append(f"done {r['done']}" + (f" ({r['reason']})" if r.get("reason") else ""))
    return [f"{r['at']:<10} #{r['input']:<2} input: {', '.join(parts) or 'clock tick'}"]


def _transition(r: Mapping[str, Any]) -> list[str]:
    trigger = f" on {r['trigger']}" if r.get("trigger") else ""
    lines = [f"{INDENT}{r['source']} -> {r['target']}{trigger}"]
    if r["outcome"] == "true":
        lines.append(f"{INDENT}    because {r['guard']}")
        lines.append(f"{INDENT}    with {read_text(r['read'])}")
    elif r["outcome"] == "otherwise":
        lines.append(f"{INDENT}    because no earlier guard was true (otherwise)")
    for alt in r.get("alternatives", []):
        why = f"{alt['guard']} was {alt['outcome']}"
        detail = f" ({read_text(alt['read'])})" if alt.get("read") else ""
        lines.append(f"{INDENT}    not {alt['target']}: {why}{detail}")
    if r.get("evidence"):
        lines.append(f"{INDENT}    evidence: {', '.join(r['evidence'])}")
    return lines


def _item(r: Mapping[str, Any]) -> list[str]:
    verb = {"recommendation": "recommend", "finding": "conclude"}[r["item"]]
    if r["kind"] == "issued":
        return [f"{INDENT}+ {verb} {r['id']}: {r['title']}  [evidence: {', '.join(r['evidence']) or 'none'}]"]
    return [f"{INDENT}- no longer {verb} {r['id']}"]


def _waiting(r: Mapping[str, Any]) -> list[str]:
    return [f"{INDENT}waiting in {r['state']} for: {', '.join(r['needs']) or '(nothing: see the blocked guards)'}"]


def _other(r: Mapping[str, Any]) -> list[str]:
    if r["kind"] == "start":
        return [f"{INDENT}start in {', '.join(r['entered'])}"]
    if r["kind"] == "deviation":
        return [
            f"{INDENT}! deviation: {r['action']} was done but is not recommended now"
            + (f" (reason: {r['reason']})" if r.get("reason") else "")
        ]
    if r["kind"] == "error":
        return [f"{INDENT}! error {r['code']}: {r['message']}"]
    return []


_RENDER = {"input": _input, "transition": _transition, "issued": _item, "retired": _item, "waiting": _waiting}


def render_steps(records: Iterable[Mapping[str, Any]]) -> str:
    lines: list[str] = []
    for r in records:
        if r["kind"] in ("header", "summary"):
            continue
        lines += _RENDER.get(r["kind"], _other)(r)
    return "\n".join(lines)


def render_summary(
    header: Mapping[str, Any], summary: Mapping[str, Any], leaves: Callable[[Sequence[str]], list[str]] | None = None
) -> str:
    def ids(items: Sequence[Mapping[str, Any]]) -> str:
        return ", ".join(f"{i['id']} (since {i['since']})" for i in items) or "none"

    lines = [
        f"Now ({summary.get('at', '')}):",
        f"  states:          {', '.join(leaves(summary['states']) if leaves else summary['states']) or 'none'}",
        f"  recommendations: {ids(summary['recommendations'])}",
        f"  findings:        {ids(summary['findings'])}",
    ]
    for wait in summary.get("waiting", []):
        lines.append(f"  waiting in {wait['state']} for: {', '.join(wait['needs'])}")
    if summary.get("error"):
        lines.append(f"  stopped: {summary['error']}")
    return "\n".join(lines)


def render_run(records: Sequence[Mapping[str, Any]], leaves: Callable[[Sequence[str]], list[str]] | None = None) -> str:
    """The whole run for a terminal; ``leaves`` (from the pathway's tree) keeps only the innermost states."""
    header = records[0]
    p, j = header["pathway"], header["journey"]
    head = [
        f"Journey {j['id']} on pathway {p['id']} {p['version']} (sha256 {p['sha256'][:12]})",
        DISCLAIMER,
        "",
    ]
    return "\n".join([*head, render_steps(records), "", render_summary(header, records[-1], leaves)])
