"""Readable terminal text for trail records: each moment with its time (an input, or a wake-up and why the
engine woke), each record on a line of its own labelled with its step (``#12``, the record's ``seq``: the number
``explain --step`` takes and the diagram overlay draws), the guard and the facts that decided a transition, what
was recommended or retired with its strength and direction, its evidence (with the quality each entry states) and
its due time, what the pathway waits for, and what went wrong; then the closing summary with what falls due and
what is overdue."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pathway.audit.assumptions import assumed_reads, assuming, assumption_notes
from pathway.audit.moments import Moment, moments, timer_due, wake_reasons
from pathway.audit.recommendations import VERB, conflict_text, persisting_text, retired_why, until_now
from pathway.audit.timing import StateClock, input_sources, input_steps
from pathway.audit.values import Latest, failures, headline, issue_details, outcome, revision_details, standing
from pathway.definition.analysis import Analysis
from pathway.definition.grading import Stance, quality_text
from pathway.definition.summary import DISCLAIMER
from pathway.diagnostics.escape import escape
from pathway.journey.reasons import REASON_CODES
from pathway.trail.parts import (
    ActiveItem,
    Check,
    Due,
    Read,
    ReadAssumed,
    ReadClock,
    ReadDecision,
    ReadDerived,
    ReadError,
    ReadFact,
)
from pathway.trail.records import (
    ConflictRecord,
    DeclinedRecord,
    DeviationRecord,
    ErrorRecord,
    ExpiredRecord,
    FulfilledRecord,
    HeaderRecord,
    InapplicableRecord,
    InputRecord,
    IssuedRecord,
    PersistingRecord,
    Record,
    RetiredRecord,
    RevisedRecord,
    StartRecord,
    SummaryRecord,
    TimerRecord,
    TransitionRecord,
    WaitingRecord,
    header_of,
    summary_of,
)

DETAIL = " " * 4
"""How far a record's details (guard, facts, alternatives) are indented below it."""


def value_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str | bool) or value is None else str(value)


def step_of(number: int, steps: Mapping[int, int]) -> str:
    """Input ``number`` as the step of its input record (``#7``), or in words when the trail lacks it."""
    return f"#{steps[number]}" if number in steps else f"input {number}"


def evidence_text(ids: Sequence[str], analysis: Analysis | None) -> str:
    """Evidence ids, each with its quality and the source's own grade when the pathway states them:
    ``trial (moderate quality, GRADE 1B), series``; 'none' for no evidence."""

    def one(evidence_id: str) -> str:
        entry = analysis.pathway.evidence.get(evidence_id) if analysis is not None else None
        graded = quality_text(entry.quality, entry.grade) if entry is not None else ""
        return f"{evidence_id} ({graded})" if graded else evidence_id

    return ", ".join(map(one, ids)) or "none"


def stance_of(r: IssuedRecord) -> Stance:
    """The strength and direction an issued record carries (none in trails written before they existed)."""
    return Stance(r.strength, r.direction)


def read_text(
    read: Mapping[str, Read], steps: Mapping[int, int], sources: Mapping[int, Mapping[str, str]] | None = None
) -> str:
    """What a guard read: each value with the step of the input that gave it (``steps``: input -> step), and the
    FHIR resource it came from when the input says (``sources``: input -> fact -> 'Type/id element')."""
    parts = []
    for name, entry in read.items():
        if isinstance(entry, ReadFact):
            source = (sources or {}).get(entry.from_, {}).get(name)
            origin = f", {source}" if source else ""
            parts.append(f"{name}={value_text(entry.value)} ({step_of(entry.from_, steps)}{origin})")
        elif isinstance(entry, ReadDerived):
            parts.append(f"{name}={value_text(entry.value)} (derived)")
        elif isinstance(entry, ReadError):
            parts.append(f"{name} could not be evaluated")
        elif isinstance(entry, ReadClock):
            parts.append(f"{name}={entry.value}")
        elif isinstance(entry, ReadAssumed):
            parts.append(f"{name}={value_text(entry.value)} (assumed)")
        elif isinstance(entry, ReadDecision):
            recorded = f"recorded ({step_of(entry.from_, steps)})" if entry.from_ is not None else "recorded"
            parts.append(f"{name} {recorded if entry.value else 'not recorded'}")
        else:
            parts.append(f"{name} unknown")
    return ", ".join(parts)


class _Steps:
    """Renders records one after the other: what each needs to know of the records before it (the steps of the
    inputs, when each state was entered, the items shown only in passing)."""

    def __init__(
        self, records: Sequence[Record], analysis: Analysis | None = None, notes: Mapping[str, str] | None = None
    ) -> None:
        self.analysis = analysis
        self.notes = notes or {}
        self.steps = input_steps(records)
        self.sources = input_sources(records)
        self.clock = StateClock()
        self.passing = _in_passing(records)
        self.withheld = {r.seq for r in records if isinstance(r, RetiredRecord) and r.cause == "applies_to"}
        self.retired = {r.seq: r for r in records if isinstance(r, RetiredRecord)}
        self.until = {r.input for r in records if isinstance(r, InputRecord) and r.until}
        self.latest = Latest()

    def record(self, r: Record) -> list[str]:
        """The record's lines: the first is the record itself, the others its details."""
        if isinstance(r, TransitionRecord):
            return self.transition(r)
        if isinstance(r, IssuedRecord | RetiredRecord | PersistingRecord | ConflictRecord):
            return self.item(r)
        if isinstance(r, RevisedRecord):
            return self.revised(r)
        if isinstance(r, WaitingRecord | ExpiredRecord | StartRecord):
            return self.plain(r)
        if isinstance(r, TimerRecord):
            return self.timer(r)
        if isinstance(r, DeviationRecord):
            reason = f" (reason: {r.reason})" if r.reason else ""
            return [f"! deviation: {r.action} was done but is not recommended now{reason}", *_coded(r.reason_code)]
        if isinstance(r, DeclinedRecord | FulfilledRecord | InapplicableRecord):
            return self.decision(r)
        if isinstance(r, ErrorRecord):
            blocked = [f"{c.id}: {c.guard}" + (f"  [{self.read(c.read)}]" if c.read else "") for c in r.blocked or ()]
            return [f"! error {r.code}: {r.message}", *blocked]
        return []  # an input heads its moment; header and summary are shown apart

    def read(self, read: Mapping[str, Read] | None) -> str:
        return read_text(read or {}, self.steps, self.sources)

    def plain(self, r: WaitingRecord | ExpiredRecord | StartRecord) -> list[str]:
        """A wait, a fact gone stale, the start: one line each."""
        if isinstance(r, WaitingRecord):
            return [f"waiting in {r.state} for: {', '.join(r.needs) or '(nothing: see the blocked guards)'}"]
        if isinstance(r, ExpiredRecord):
            given = f"given {r.given} by {step_of(r.from_, self.steps)}, valid for {r.valid_for}"
            return [f"{r.fact}={value_text(r.value)} went stale ({given})"]
        return [f"start in {', '.join(r.entered)}"]

    def timer(self, r: TimerRecord) -> list[str]:
        """A timer that fell due with a false guard: it stays armed."""
        c = r.check
        read = f" ({self.read(c.read)})" if c.read else ""
        return [
            f"timer {c.id} fell due (after {c.after}) but its guard is false: {c.guard}{read}",
            f"it stays armed: it fires when its guard becomes true while {r.state} is active",
            *self.assuming(c.read),
        ]

    def decision(self, r: DeclinedRecord | FulfilledRecord | InapplicableRecord) -> list[str]:
        """A recommendation declined, done by its result, or withheld because it does not apply."""
        if isinstance(r, FulfilledRecord):
            given = f"{r.fact}={value_text(r.value)} ({step_of(r.from_, self.steps)})"
            return [f"= {r.action} done: fulfilled by its result, {given}"]
        if isinstance(r, InapplicableRecord):
            return [
                f"- not recommending {r.id} in {r.state}: it does not apply ({r.guard} is false)",
                f"with {self.read(r.read)}",
            ]
        reason = f" ({r.reason})" if r.reason else ""
        if not r.recommended:
            line = f"! declined {r.action}{reason}, which the pathway did not recommend then: kept, guards read it"
            return [line, *_coded(r.reason_code)]
        return [f"x declined {r.action}{reason}: a recorded decision, not a deviation", *_coded(r.reason_code)]

    def transition(self, r: TransitionRecord) -> list[str]:
        trigger = f" on {r.trigger}" if r.trigger else ""
        timer = ""
        if r.after is not None:
            due = timer_due(r, self.clock)
            entered = self.clock.at(r.source)
            when = f" (entered {entered}, due {due})" if entered and due else ""
            timer = f"  after {r.after} in {r.source}{when}"
        lines = [f"{r.source} -> {r.target}{trigger}{timer}"]
        if r.outcome == "true":
            lines += [f"because {r.guard}", f"with {self.read(r.read)}"]
        elif r.outcome == "otherwise":
            lines.append("because no earlier guard was true (otherwise)")
        lines += [self.alternative(alt) for alt in r.alternatives]
        lines += self.assuming(r.read, *(alt.read for alt in r.alternatives))
        if r.evidence:
            lines.append(f"evidence: {evidence_text(r.evidence, self.analysis)}")
        return lines

    def assuming(self, *reads: Mapping[str, Read] | None) -> list[str]:
        """A line for each fact these reads took at its assumed value."""
        return [assuming(name, value, self.notes.get(name)) for name, value in assumed_reads(*reads).items()]

    def alternative(self, alt: Check) -> str:
        if alt.outcome == "pending":
            return f"not {alt.target}: after {alt.after}, due {alt.due}"
        detail = f" ({self.read(alt.read)})" if alt.read else ""
        return f"not {alt.target}: {alt.guard} was {alt.outcome}{detail}"

    def item(self, r: IssuedRecord | RetiredRecord | PersistingRecord | ConflictRecord) -> list[str]:
        if isinstance(r, PersistingRecord):
            return [f"= {persisting_text(r)}", until_now(r.outcome, r.missing, self.read(r.read))]
        if isinstance(r, ConflictRecord):
            return [conflict_text(r)]
        if isinstance(r, RetiredRecord):
            return self.retirement(r)
        return self.issue(r)

    def retirement(self, r: RetiredRecord) -> list[str]:
        """A recommendation or finding no longer active, and why (nothing for one issued only in passing)."""
        verb = VERB[r.item]
        if r.seq in self.passing:
            return []
        if r.cause == "applies_to":
            return [f"- no longer {verb} {r.id}" + _APPLIES_GONE.get(r.cause, "")]
        read = [f"with {self.read(r.read)}"] if r.why == "condition" and r.read else []
        return [f"- no longer {verb} {r.id}: {retired_why(r)}", *read]

    def issue(self, r: IssuedRecord) -> list[str]:
        """A recommendation or finding issued: its title (with its values), strength, evidence and timing."""
        verb = VERB[r.item]
        if r.seq in self.passing:
            left = self.retired[self.passing[r.seq]]
            if left.seq in self.withheld:
                how = f"withheld at #{left.seq}, once it was known not to apply"
            elif left.why is None:
                how = f"{r.state} was left again at #{left.seq}"
            else:
                how = f"{retired_why(left)} at #{left.seq}"
            return [f"~ {verb} {r.id} only in passing: {how}  ({r.title})"]
        due = f"  due {r.due}" if r.due else ""
        if r.every:
            due += f" (every {r.every}, issue {r.occurrence})" if r.occurrence else f" (every {r.every})"
        due += f"  persists until {r.until}" if r.until else ""
        stance = stance_of(r).short
        graded = f"{stance}; " if stance else ""
        title = headline(r.text, r.values or {}, self.read) or r.title
        line = f"+ {verb} {r.id}: {title}  [{graded}evidence: {evidence_text(r.evidence, self.analysis)}]{due}"
        applies = [_APPLIES[r.applies]] if r.applies in _APPLIES else []
        if r.cause == "applies_to":
            applies.insert(0, "it applies again: its applies_to is no longer false")
        return [line, *applies, *issue_details(r.text, r.values or {})]

    def revised(self, r: RevisedRecord) -> list[str]:
        """A recommendation whose values changed: its text (or the changed values), then each change."""
        changed = ", ".join(f"{name} = {outcome(r.values[name])}" for name in r.changed)
        head = headline(r.text, r.values, self.read) or changed
        return [f"* revised {r.id}: {head}", *revision_details(r, self.latest.values.get(r.id, {}))]

    def heading(self, m: Moment) -> str:
        """The line a moment starts with: the input, or why the engine woke."""
        if m.input is not None:
            return f"{m.at}  " + _input_text(m.input)
        before = "--until" if m.before in self.until else f"input {m.before}"
        reasons = wake_reasons(m, self.clock)
        return f"{m.at}  wake-up before {before}" + (f": {'; '.join(reasons)}" if reasons else "")


_APPLIES = {
    "unknown": "its applies_to is unknown: recommended until it is known not to apply",
    "error": "its applies_to could not be evaluated: recommended, never withheld on an error",
}
_APPLIES_GONE = {"applies_to": " (it does not apply: see above)"}


def _coded(code: str | None) -> list[str]:
    """The detail line of a reason code: the code and what it means."""
    return [f"reason code {code}: {REASON_CODES.get(code, 'not a known code')}"] if code else []


def _input_text(r: InputRecord) -> str:
    if r.until:
        return f"clock advanced to {r.at} (--until)"
    parts = [f"{k}={value_text(v)}" for k, v in r.facts.items()]
    if r.event:
        parts.append(f"event {r.event}")
    code = f" [{r.reason_code}]" if r.reason_code else ""
    reason = f" ({r.reason})" if r.reason else ""
    if r.done:
        parts.append(f"done {r.done}{code}{reason}")
    if r.declined:
        parts.append(f"declined {r.declined}{code}{reason}")
    if r.signed:
        parts.append(f"signed {r.signed} by {r.by}")
    return f"input {r.input}: {', '.join(parts) or 'clock tick'}"


def _in_passing(records: Sequence[Record]) -> dict[int, int]:
    """Each item issued and retired again at the same moment (a state the run passed through): the seq of its
    issued record -> the seq of its retired record, and the retired seq -> the issued one. Such an item is shown
    once."""
    open_: dict[tuple[int, str, str, str], int] = {}
    paired: dict[int, int] = {}
    for r in records:
        if isinstance(r, IssuedRecord):
            open_[(r.input, r.at, r.item, r.id)] = r.seq
        elif isinstance(r, RetiredRecord) and (issued := open_.pop((r.input, r.at, r.item, r.id), None)) is not None:
            paired |= {issued: r.seq, r.seq: issued}
    return paired


def render_steps(
    records: Sequence[Record], analysis: Analysis | None = None, notes: Mapping[str, str] | None = None
) -> str:
    """Every moment with its time, then each of its records labelled with its step (``#12``: the record's seq).
    Every line is escaped: a reason or a title cannot move the cursor, clear the screen or start a line of its
    own. An item issued and retired at one moment is shown once. An issued recommendation shows the strength and
    direction its record carries (``[strong for; evidence: ...]``); with the pathway's ``analysis``, each evidence
    id shows the quality and grade its entry states. ``notes``: why each assumption is made (fact -> note), shown
    where a guard read an assumed value."""
    width = len(f"#{records[-1].seq}") if records else 2
    steps = _Steps(records, analysis, notes)
    lines: list[str] = []
    for m in moments(records):
        label = f"#{m.input.seq}" if m.input is not None else ""
        lines.append(f"{label:<{width}}  {steps.heading(m)}")
        for r in m.records:
            shown = steps.record(r)
            steps.clock.see(r)
            steps.latest.see(r)
            if shown:
                lines.append(f"{f'#{r.seq}':<{width}}    {shown[0]}")
                lines += [f"{'':<{width}}    {DETAIL}{detail}" for detail in shown[1:]]
    return "\n".join(escape(line) for line in lines)


def _carrier(item: ActiveItem, kind: str, active: Sequence[str], analysis: Analysis | None) -> str:
    """An active state that carries the item: the one that issued it while it is active, else the first active
    state (document order) that recommends or concludes it."""
    if item.state in active or analysis is None:
        return item.state
    for state in active:
        info = analysis.index.states[state].state
        if item.id in (info.recommended if kind == "recommendation" else info.conclude):
            return state
    return item.state


def _due_lines(summary: SummaryRecord, analysis: Analysis | None) -> list[str]:
    """The summary's due and overdue lists: each with its time, what it is and the state it belongs to."""
    items = {i.id: i for i in summary.recommendations}

    def entry(d: Due) -> str:
        if d.kind == "timer":
            return f"    {d.at}  timer {d.id}: after {d.after} in {d.state}"
        item = items.get(d.id)
        state = _carrier(item, "recommendation", summary.states, analysis) if item else d.state
        return f"    {d.at}  {d.id}" + (f": {item.title}" if item else "") + f", in {state}"

    lines = []
    if summary.due:
        lines.append("  due next (decision support: what the pathway expects, from the journey's times):")
        lines += map(entry, summary.due)
    if summary.overdue:
        lines.append("  ! OVERDUE (past its due time and not recorded as done):")
        lines += map(entry, summary.overdue)
    return lines


def render_summary(header: HeaderRecord, summary: SummaryRecord, analysis: Analysis | None = None) -> str:
    """The closing summary: the innermost active states, each recommendation and finding with the active state
    that carries it, what the pathway waits for, what falls due and what is overdue."""

    def ids(items: Sequence[ActiveItem], kind: str) -> str:
        def one(i: ActiveItem) -> str:
            done = f", done {i.done}" if i.done else ""
            done += f", declined {i.declined}" if i.declined else ""
            action = analysis.pathway.actions.get(i.id) if analysis is not None and kind == "recommendation" else None
            stance = f"{action.stance.short}, " if action is not None and action.stance.short else ""
            if i.persisting:
                return f"{i.id} ({stance}since {i.since}, persisting after {i.state} until {i.until}{done})"
            return f"{i.id} ({stance}since {i.since}, in {_carrier(i, kind, summary.states, analysis)}{done})"

        return ", ".join(map(one, items)) or "none"

    states = analysis.index.leaves(summary.states) if analysis else summary.states
    lines = [
        f"Now ({summary.at}):",
        f"  states:          {', '.join(states) or 'none'}",
        f"  recommendations: {ids(summary.recommendations, 'recommendation')}",
        *(f"    {i.id}: {standing(i.text, i.values)}" for i in summary.recommendations if i.values),
        f"  findings:        {ids(summary.findings, 'finding')}",
    ]
    for c in summary.conflicts or ():
        (first, second), (sa, sb) = c.actions, c.states
        lines.append(
            f"  ! CONFLICT: {first} (from {sa}) and {second} (from {sb}) are recommended together since {c.since}; "
            "the pathway says they conflict"
        )
    for wait in summary.waiting:
        lines.append(f"  waiting in {wait.state} for: {', '.join(wait.needs)}")
    for a in summary.assumed or ():
        lines.append(f"  {assuming(a.fact, a.value, a.note, a.since)}")
    lines += _due_lines(summary, analysis)
    for failed in summary.errors or ():
        lines.append(f"  guard error in {failed.state} ({failed.id}, since {failed.first}): {failed.message}")
    if summary.error:
        lines.append(f"  stopped: {summary.error}")
    return "\n".join(map(escape, lines))


def render_run(records: Sequence[Record], analysis: Analysis | None = None) -> str:
    """The whole run for a terminal; with the pathway's ``analysis``, the summary keeps only the innermost states
    and names the active state that carries each item."""
    header, summary = header_of(records), summary_of(records)
    p, j = header.pathway, header.journey
    head = [
        escape(f"Journey {j.id} on pathway {p.id} {p.version} (sha256 {p.sha256[:12]})"),
        DISCLAIMER,
        "",
    ]
    failed = [escape(f"  {line}") for line in failures(records)]
    notes = assumption_notes(analysis, summary)
    body = [*head, render_steps(records, analysis, notes), "", render_summary(header, summary, analysis), *failed]
    return "\n".join(body)
