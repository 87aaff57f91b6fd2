"""Expectations about time in a scenario step: the timers and deadlines the run's summary lists as ``due`` after
the step, and the recommendations it lists as ``overdue`` (``docs/time.md``).

``due: [{timer: <transition id>, at: <time>}, {action: <action id>, at: <time>}]`` holds when the summary lists
each entry (at that time, when ``at`` is given); ``not_due`` when it lists none of them; ``overdue`` and
``not_overdue`` name actions. Every id must be one that can be due at all (a transition with ``after``, an action
recommended with ``due`` or ``every``: PW320 otherwise) and every time must be one (PW308), so that an expectation
about time can neither pass nor fail by a typo.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from pathway.definition.analysis import Analysis
from pathway.diagnostics import Diagnostic, did_you_mean, one_of
from pathway.diagnostics.codes import Code
from pathway.expr.durations import format_time
from pathway.journey.model import parse_time, time_hint
from pathway.scenarios.model import DueItem, Expect
from pathway.source.locate import DocPath, located
from pathway.source.reader import SourceDocument
from pathway.trail.parts import Due
from pathway.trail.records import SummaryRecord


def timer_ids(analysis: Analysis) -> list[str]:
    """The transitions with ``after``, in document order."""
    return [t.id for t in analysis.index.transitions if t.after is not None]


def deadline_actions(analysis: Analysis) -> list[str]:
    """The actions some state recommends with ``due`` or ``every``: those that can be due or overdue."""
    found = {
        rule.action
        for info in analysis.index.states.values()
        for rule in info.state.recommendations
        if rule.due is not None or rule.every is not None
    }
    return [a for a in analysis.pathway.actions if a in found]


def _hint(name: str, kind: str, fitting: Sequence[str], others: Sequence[str], why: str, pathway: str) -> str:
    """The hint for an id that cannot be due: the closest one that can, else why not and those that can."""
    close = did_you_mean(name, fitting)
    if close:
        return close
    can = f"the {kind}s of pathway {pathway} that can be due are {one_of(fitting)}"
    if not fitting:
        can = f"pathway {pathway} has no {kind} that can be due"
    return f"{why}; {can}" if name in others else can


class _Checker:
    def __init__(self, doc: SourceDocument, analysis: Analysis) -> None:
        self.doc, self.pathway = doc, analysis.pathway.pathway
        self.timers, self.transitions = timer_ids(analysis), [t.id for t in analysis.index.transitions]
        self.deadlines, self.actions = deadline_actions(analysis), list(analysis.pathway.actions)

    def timer(self, path: DocPath, name: str) -> Diagnostic | None:
        if name in self.timers:
            return None
        message = f"expectation names unknown timer '{name}'"
        why = f"transition '{name}' has no 'after', so it is never due"
        if name in self.transitions:
            message = f"expectation names transition '{name}' as a timer, but it has no 'after'"
        hint = _hint(name, "timer", self.timers, self.transitions, why, self.pathway)
        return located(self.doc, path, Code.PW320, message, hint=hint)

    def action(self, path: DocPath, name: str) -> Diagnostic | None:
        if name in self.deadlines:
            return None
        message = f"expectation names unknown action '{name}'"
        why = f"no state recommends '{name}' with 'due' or 'every', so it is never due"
        if name in self.actions:
            message = f"expectation names action '{name}', which has no deadline"
        hint = _hint(name, "action", self.deadlines, self.actions, why, self.pathway)
        return located(self.doc, path, Code.PW320, message, hint=hint)

    def time(self, path: DocPath, text: str) -> Diagnostic | None:
        try:
            parse_time(text)
        except ValueError as problem:
            return located(self.doc, path, Code.PW308, f"due time {problem}", hint=time_hint(text))
        return None

    def items(self, path: DocPath, items: Sequence[DueItem]) -> Iterator[Diagnostic | None]:
        for i, item in enumerate(items):
            if item.timer is not None:
                yield self.timer((*path, i, "timer"), item.timer)
            if item.action is not None:
                yield self.action((*path, i, "action"), item.action)
            if item.at is not None:
                yield self.time((*path, i, "at"), item.at)


def check_due(doc: SourceDocument, path: DocPath, expect: Expect, analysis: Analysis) -> Iterator[Diagnostic]:
    """Every id and time of a step's due and overdue expectations that cannot be, located at it."""
    checker = _Checker(doc, analysis)
    found = [*checker.items((*path, "due"), expect.due), *checker.items((*path, "not_due"), expect.not_due)]
    for key in ("overdue", "not_overdue"):
        found += [checker.action((*path, key, i), name) for i, name in enumerate(getattr(expect, key))]
    yield from (d for d in found if d is not None)


def _moment(text: str) -> datetime:
    return parse_time(text)[0]


def _matches(item: DueItem, entry: Due) -> bool:
    same = (item.kind, item.id) == (entry.kind, entry.id)
    return same and (item.at is None or _moment(item.at) == _moment(entry.at))


def _shown(item: DueItem) -> str:
    when = f" at {format_time(_moment(item.at))}" if item.at is not None else ""
    return f"{item.kind} '{item.id}'{when}"


def _listed(entries: Sequence[Due]) -> str:
    return "[" + ", ".join(f"{e.kind} '{e.id}' at {e.at}" for e in entries) + "]" if entries else "none"


def due_failures(prefix: str, expect: Expect, summary: SummaryRecord) -> list[str]:
    """What the summary after a step contradicts in its due and overdue expectations; ``prefix`` says which step."""
    due, overdue = summary.due or (), summary.overdue or ()
    late = [e.id for e in overdue]
    out = [
        f"{prefix}expected {_shown(item)} to be due; due: {_listed(due)}"
        for item in expect.due
        if not any(_matches(item, e) for e in due)
    ]
    out += [
        f"{prefix}expected {_shown(item)} not to be due; due: {_listed(due)}"
        for item in expect.not_due
        if any(_matches(item, e) for e in due)
    ]
    out += [
        f"{prefix}expected recommendation '{a}' to be overdue; overdue: {_listed(overdue)}"
        for a in expect.overdue
        if a not in late
    ]
    out += [
        f"{prefix}expected recommendation '{a}' not to be overdue; overdue: {_listed(overdue)}"
        for a in expect.not_overdue
        if a in late
    ]
    return out
