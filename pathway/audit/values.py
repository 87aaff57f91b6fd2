"""A recommendation's values as a reader sees them in the run output, the summary and explain: each value with
its unit, what it was worked out from (the expression, or the case of a table) and the facts it read with the
steps that gave them; an unknown value with the facts it needs; a value that could not be worked out, and why.

The renderers pass their own ``read`` (the facts a record read, as text with steps), so that every output names
the inputs the same way. Nothing here needs the pathway: the trail records each value with its expression.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from pathway.definition.analysis import Analysis
from pathway.definition.values import shown
from pathway.engine.values import value_errors
from pathway.trail.parts import Computed, Read, ReadDerived, ReadFact, ValueComputed, ValueUnknown
from pathway.trail.records import IssuedRecord, Record, RetiredRecord, RevisedRecord

ReadText = Callable[[Mapping[str, Read] | None], str]
"""How a renderer writes what was read: ``weight_kg=82 (#3), dosing_weight=82 (derived)``."""


def outcome(value: Computed) -> str:
    """The value alone: ``82 mg/day``, ``unknown``, ``an error``."""
    if isinstance(value, ValueComputed):
        return shown(value.value, value.unit)
    return "unknown" if isinstance(value, ValueUnknown) else "an error"


def value_line(name: str, value: Computed, read: ReadText | None = None) -> str:
    """One value and what it was worked out from: ``dose = weight_kg * 1 = 82 mg/day``, ``level = reduce one
    level, when grade == 2``, ``level = hold, otherwise``, ``dose unknown: needs weight_kg (weight_kg * 1)``,
    ``! rate could not be worked out: division by zero in '...'``; with ``read``, the facts it read in brackets
    (``[weight_kg=82 (#3)]``)."""
    facts = f"  [{read(value.read)}]" if value.read and read is not None else ""
    if isinstance(value, ValueComputed):
        if value.expr:
            return f"{name} = {value.expr} = {outcome(value)}{facts}"
        case = "" if value.when is None else ", otherwise" if value.when == "otherwise" else f", when {value.when}"
        return f"{name} = {outcome(value)}{case}{facts}"
    rule = value.expr or (f"when {value.when}" if value.when else "")
    if isinstance(value, ValueUnknown):
        needs = f"needs {', '.join(value.missing)}" if value.missing else "not decided yet"
        return f"{name} unknown: {needs}" + (f" ({rule})" if rule else "") + facts
    return f"! {name} could not be worked out: {value.error.message}{facts}"


def known_reads(values: Iterable[Computed]) -> dict[str, Read]:
    """The facts and derived facts the values read that had a value, each once (for a one-line ``(...)``)."""
    out: dict[str, Read] = {}
    for value in values:
        out.update((k, r) for k, r in (value.read or {}).items() if isinstance(r, ReadFact | ReadDerived))
    return dict(sorted(out.items()))


def headline(text: str | None, values: Mapping[str, Computed], read: ReadText) -> str:
    """The recommendation's text with the facts its values read: ``Prednisone 82 mg/day once daily (weight_kg=82
    (#3))``; empty without a text."""
    if text is None:
        return ""
    facts = known_reads(values.values())
    return text + (f" ({read(facts)})" if facts else "")


def issue_details(text: str | None, values: Mapping[str, Computed]) -> list[str]:
    """The run output's lines below an issue: each value the text does not show in full (every value when there is
    no text): ``dose = 8 mg by mouth``, ``dose unknown: needs weight_kg (weight_kg * 1)``, or the error."""
    return [value_line(n, v) for n, v in values.items() if text is None or not isinstance(v, ValueComputed)]


def revision_details(r: RevisedRecord, before: Mapping[str, Computed]) -> list[str]:
    """The run output's lines below a revision: each changed value, now and before."""
    lines = []
    for name in r.changed:
        now, was = r.values[name], before.get(name)
        previous = f" (was {outcome(was)})" if was is not None else ""
        if isinstance(now, ValueComputed):
            lines.append(f"{name} now {outcome(now)}{previous}")
        elif isinstance(now, ValueUnknown):
            lines.append(f"{name} now unknown: needs {', '.join(now.missing) or 'nothing known yet'}{previous}")
        else:
            lines.append(f"! {name} could not be worked out: {now.error.message}{previous}")
    return lines


def standing(text: str | None, values: Mapping[str, Computed]) -> str:
    """A recommendation's values as they stand, on one line for the closing summary: its text (or each value),
    then what its unknown values need and what could not be worked out."""
    line = text or ", ".join(f"{name} = {outcome(value)}" for name, value in values.items())
    needs = sorted({f for v in values.values() if isinstance(v, ValueUnknown) for f in v.missing})
    if needs:
        line += f"; needs {', '.join(needs)}"
    failed = [n for n, v in values.items() if not isinstance(v, ValueComputed | ValueUnknown)]
    if failed:
        line += f"; ! {', '.join(failed)} could not be worked out"
    return line


def failures(records: Sequence[Record]) -> list[str]:
    """Each value that could not be worked out during the run, with the step and time of the record: the run is
    not ok (exit 1) even when a later input set it right."""
    lines = []
    for r, name, value in value_errors(records):
        lines.append(f"value error in {r.id} ({name}, at #{r.seq}, {r.at}): {value.error.message}")
    return lines


class Latest:
    """The values of each active recommendation as the records so far leave them (fed one record at a time)."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, Computed]] = {}
        self.text: dict[str, str | None] = {}
        self.since: dict[str, Record] = {}

    def see(self, r: Record) -> None:
        if isinstance(r, IssuedRecord | RevisedRecord) and r.values is not None:
            self.values[r.id], self.text[r.id], self.since[r.id] = dict(r.values), r.text, r
        elif isinstance(r, RetiredRecord | IssuedRecord) and r.item == "recommendation":
            self.values.pop(r.id, None)

    @classmethod
    def of(cls, records: Sequence[Record]) -> Latest:
        latest = cls()
        for r in records:
            latest.see(r)
        return latest


def value_reasons(records: Sequence[Record], action: str, read: ReadText, analysis: Analysis | None) -> list[str]:
    """For explain, below a recommendation: its text as it stands, and why each value is what it is (the
    expression or the case, the facts read with their steps, the value's evidence when the pathway is known)."""
    latest = Latest.of(records)
    values = latest.values.get(action)
    if not values:
        return []
    since = latest.since[action]
    revised = f" (revised at #{since.seq}, {since.at})" if isinstance(since, RevisedRecord) else ""
    text = latest.text.get(action)
    lines = [f"      {text}{revised}"] if text else [f"      values{revised}:"] if revised else []
    declared = analysis.pathway.actions[action].values or {} if analysis and action in analysis.pathway.actions else {}
    for name, value in values.items():
        cited = declared[name].evidence if name in declared else []
        evidence = f"; evidence: {', '.join(cited)}" if cited else ""
        lines.append(f"      {value_line(name, value, read)}{evidence}")
    return lines
