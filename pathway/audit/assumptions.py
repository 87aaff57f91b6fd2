"""The assumptions a trail shows: the facts its guards read at their assumed value (``assume`` in the definition)
while no input had given them, as the run output, explain and the summary name them ("assuming
ivig_contraindicated=false: not recorded (why)"). They are marked in the trail itself (``{"value": false,
"assumed": true}``), so a trail shows them without its pathway; the pathway, when available, adds why."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pathway.audit.timing import record_time
from pathway.definition.analysis import Analysis
from pathway.trail.parts import Read, ReadAssumed, ReadUnknown
from pathway.trail.records import InputRecord, Record, SummaryRecord, TransitionRecord, checks_in


def _text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | bool) or value is None else str(value)


def assumed_reads(*reads: Mapping[str, Read] | None) -> dict[str, object]:
    """The facts read at their assumed value in these reads, with the value, in the order first read."""
    found: dict[str, object] = {}
    for read in reads:
        for name, entry in (read or {}).items():
            if isinstance(entry, ReadAssumed):
                found.setdefault(name, entry.value)
    return found


def assuming(name: str, value: object, note: str | None, since: str | None = None) -> str:
    """``assuming ivig_contraindicated=false: not recorded (why)``: a fact read at its assumed value."""
    why = f" ({' '.join(note.split())})" if note else ""  # a folded YAML note ends with a line break
    return f"assuming {name}={_text(value)}: not recorded{why}" + (f", since {since}" if since else "")


def in_force(records: Sequence[Record]) -> dict[str, tuple[object, str]]:
    """The assumptions the records show in force at their end, by fact name: read at the assumed value (value, when
    first read), not given by an input since and not read as unknown since (the facts given contradicted it). An
    assumption that keeps a guard false without a record (the engine's summary lists it) is not among them."""
    found: dict[str, tuple[object, str]] = {}
    for r in records:
        if isinstance(r, InputRecord):
            for name in r.facts:
                found.pop(name, None)
        reads = [c.read for c in checks_in(r)] + ([r.read] if isinstance(r, TransitionRecord) else [])
        for read in reads:
            for name, entry in (read or {}).items():
                if isinstance(entry, ReadAssumed):
                    found.setdefault(name, (entry.value, record_time(r)))
                elif isinstance(entry, ReadUnknown):
                    found.pop(name, None)
    return dict(sorted(found.items()))


def assumption_notes(analysis: Analysis | None, summary: SummaryRecord | None = None) -> dict[str, str]:
    """The note of each fact's assumption: from the pathway when it is available, else from the summary."""
    notes = {a.fact: a.note for a in (summary.assumed or ())} if summary is not None else {}
    if analysis is not None:
        notes |= {n: f.assume.note for n, f in analysis.pathway.facts.items() if f.assume is not None}
    return notes
