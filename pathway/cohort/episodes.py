"""The conformance rules applied to one journey's trail: its recommendation episodes, what was recorded in each, and
the care given that was never recommended. ``docs/conformance.md`` states every rule; :mod:`pathway.cohort.conformance`
adds the journeys up.

A journey is read as its parsed trail records, in order. Two passes: the episodes first (from ``issued`` and
``retired`` records), then every recorded decision (care ``done`` in an input, a ``fulfilled`` order, a ``declined``
record, a ``deviation``) is placed in the episode whose window holds its time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

Outcome = Literal["met", "met_late", "exception", "transient", "open", "not_documented"]
Care = Literal["unrecommended_with_reason", "unrecommended_without_reason", "undetermined"]
FREE_TEXT = "free-text"
"""The reason key of an exception documented in free text only (no reason code)."""


@dataclass
class Episode:
    """A recommendation active for a patient: from an issue to its last retirement, issues within the window of a
    retirement counted in the same episode."""

    action: str
    seq: int
    start: datetime
    issues: list[tuple[datetime, datetime | None]]  # (issued at, due) of each issue, in order
    retired: datetime | None = None
    done: list[tuple[datetime, int]] = field(default_factory=list)
    declined: list[tuple[int, datetime, str | None, str | None]] = field(default_factory=list)
    replaced: list[tuple[int, datetime, str, str | None, str | None]] = field(default_factory=list)

    def end(self, grace: timedelta) -> datetime | None:
        """The end of its window: None while active; else its retirement plus the grace, or the due time of its
        latest issue when that is later."""
        if self.retired is None:
            return None
        due = self.issues[-1][1]
        return max(self.retired + grace, due) if due is not None else self.retired + grace

    def holds(self, at: datetime, grace: timedelta) -> bool:
        end = self.end(grace)
        return self.start <= at and (end is None or at <= end)

    def due_at(self, at: datetime) -> datetime | None:
        """The due time of the issue in force at ``at`` (the latest issued at or before it)."""
        due = self.issues[0][1]
        for issued, issue_due in self.issues:
            if issued <= at:
                due = issue_due
        return due


@dataclass(frozen=True)
class Classified:
    """An episode's outcome, with the record that shows it."""

    action: str
    outcome: Outcome
    issued_seq: int
    issued_at: datetime
    seq: int  # the record that decided the outcome (the issue itself for not_documented, open and transient)
    at: datetime
    reason_code: str | None = None
    reason: str | None = None
    stratum: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class GivenCare:
    """Care recorded done that no episode of its action holds: unrecommended, or undetermined."""

    action: str
    kind: Care
    seq: int
    at: datetime
    reason_code: str | None
    reason: str | None
    waiting: tuple[str, ...] = ()  # for undetermined: the states that waited, whose next step could recommend it
    stratum: str | None = None


@dataclass(frozen=True)
class JourneyFindings:
    journey: str
    version: str
    never_assessed: bool
    start: datetime | None  # the first input's time
    end: datetime | None  # the clock at the end of the data (the summary's)
    episodes: tuple[Classified, ...]
    care: tuple[GivenCare, ...]


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def build_episodes(records: Sequence[Mapping[str, Any]], grace: timedelta) -> list[Episode]:
    """Every episode of every recommendation of a journey, in order of their first issue."""
    episodes: list[Episode] = []
    latest: dict[str, Episode] = {}
    for r in records:
        if r.get("item") != "recommendation" or r["kind"] not in ("issued", "retired"):
            continue
        action, at = r["id"], when(r["at"])
        current = latest.get(action)
        if r["kind"] == "retired":
            if current is not None:
                current.retired = at
            continue
        due = when(r["due"]) if r.get("due") else None
        if current is not None and (current.retired is None or current.holds(at, grace)):
            current.retired = None
            current.issues.append((at, due))
            continue
        latest[action] = Episode(action, r["seq"], at, [(at, due)])
        episodes.append(latest[action])
    return episodes


def _holding(episodes: Sequence[Episode], action: str, at: datetime, grace: timedelta) -> Episode | None:
    found = [e for e in episodes if e.action == action and e.holds(at, grace)]
    return found[-1] if found else None


def _outcome(e: Episode, end: datetime | None, grace: timedelta, transient: timedelta) -> tuple[Outcome, Any]:
    """The episode's outcome and the evidence for it (a done, a decline, a replacement), in the documented order."""
    on_time = [d for d in e.done if (due := e.due_at(d[0])) is None or d[0] <= due]
    if on_time:
        return "met", on_time[0]
    if e.done:
        return "met_late", e.done[0]
    documented = sorted(
        [(seq, at, code, text, None) for seq, at, code, text in e.declined if code or text]
        + [(seq, at, code, text, f"replaced by {given}") for seq, at, given, code, text in e.replaced],
    )
    if documented:
        return "exception", documented[0]
    if e.retired is not None and not e.declined and e.retired - e.start < transient:
        return "transient", None
    window = e.end(grace) if e.retired is not None else e.issues[-1][1]
    if end is not None and (window is None or end < window):
        return "open", None
    return "not_documented", None


def classify(e: Episode, end: datetime | None, grace: timedelta, transient: timedelta) -> Classified:
    outcome, proof = _outcome(e, end, grace, transient)
    if outcome in ("met", "met_late"):
        return Classified(e.action, outcome, e.seq, e.start, seq=proof[1], at=proof[0])
    if outcome == "exception":
        seq, at, code, text, note = proof
        return Classified(e.action, outcome, e.seq, e.start, seq, at, code, text, note=note)
    note = "declined without a reason" if outcome == "not_documented" and e.declined else None
    if outcome == "not_documented" and e.retired is None and e.issues[-1][1] is not None:
        note = "overdue"
    return Classified(e.action, outcome, e.seq, e.start, seq=e.seq, at=e.start, note=note)


@dataclass(frozen=True)
class Rules:
    """What the rules read of the pathway and of the command: the actions each state's subtree recommends, each
    action's declared alternatives (``supersedes`` and ``conflicts``, either way), the grace window, the length under
    which an episode is transient, and the stratifier."""

    recommends: Mapping[str, frozenset[str]]
    alternatives: Mapping[str, frozenset[str]]
    grace: timedelta
    transient: timedelta
    by: str | None = None


class _Waits:
    """The states waiting for facts, as the trail records them: from a ``waiting`` record until the state is
    exited, a later ``waiting`` record replaces it, or inputs have given every fact it needs."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.states: dict[str, tuple[set[str], frozenset[str]]] = {}  # state -> (needs not given yet, could recommend)

    def see(self, r: Mapping[str, Any]) -> None:
        kind = r["kind"]
        if kind == "waiting":
            targets = frozenset().union(*(self.rules.recommends.get(c["target"], frozenset()) for c in r["blocked"]))
            self.states[r["state"]] = (set(r["needs"]), targets)
        elif kind == "transition":
            for state in r["exited"]:
                self.states.pop(state, None)
        elif kind == "input":
            for state, (needs, _) in list(self.states.items()):
                needs -= set(r["facts"])
                if not needs:  # every fact it needed is given (at once if it needed none: it asked for nothing)
                    del self.states[state]

    def could_recommend(self, action: str) -> tuple[str, ...]:
        return tuple(sorted(s for s, (_, targets) in self.states.items() if action in targets))


def _stratum(by: str | None, version: str, facts: Mapping[str, Any]) -> str | None:
    if by is None:
        return None
    if by == "pathway_version":
        return version
    return json_text(facts[by]) if by in facts else "(not given)"


def json_text(value: Any) -> str:
    """A fact's value as a stratum's name: text as it is, anything else as JSON (true, 2, 1.5)."""
    import json

    return value if isinstance(value, str) else json.dumps(value)


def journey_findings(journey: str, records: Sequence[Mapping[str, Any]], rules: Rules) -> JourneyFindings:
    """The outcome of each episode of the journey and the care given outside every episode, by the rules of
    docs/conformance.md."""
    header, summary = records[0], records[-1]
    version = header["pathway"]["version"]
    end = when(summary["at"]) if summary.get("kind") == "summary" and summary.get("at") else None
    episodes = build_episodes(records, rules.grace)
    waits = _Waits(rules)
    facts: dict[str, Any] = {}
    strata: dict[int, str | None] = {}  # episode seq -> stratum, the stratifier's value at its first issue
    care: list[GivenCare] = []
    for r in records:
        kind, seq = r["kind"], r["seq"]
        if kind == "issued" and r.get("item") == "recommendation":
            strata.setdefault(seq, _stratum(rules.by, version, facts))
        elif kind == "input":
            facts |= r["facts"]
            _done(episodes, r, rules)
        elif kind == "fulfilled":
            held = _holding(episodes, r["action"], when(r["at"]), rules.grace)
            if held is not None:
                held.done.append((when(r["at"]), seq))
        elif kind == "declined":
            held = _holding(episodes, r["action"], when(r["at"]), rules.grace)
            if held is not None:
                held.declined.append((seq, when(r["at"]), r.get("reason_code"), r.get("reason")))
        elif kind == "deviation" and _holding(episodes, r["action"], when(r["at"]), rules.grace) is None:
            care.append(_given(r, waits, _stratum(rules.by, version, facts)))
        waits.see(r)
    classified = tuple(
        _with_stratum(classify(e, end, rules.grace, rules.transient), strata.get(e.seq)) for e in episodes
    )
    assessed = any(r["kind"] == "transition" for r in records)
    start = next((when(r["at"]) for r in records if r["kind"] == "input"), None)
    return JourneyFindings(journey, version, not assessed, start, end, classified, tuple(care))


def _with_stratum(c: Classified, stratum: str | None) -> Classified:
    return replace(c, stratum=stratum)


def _done(episodes: Sequence[Episode], r: Mapping[str, Any], rules: Rules) -> None:
    """Care recorded done: done for the episode of its action that holds its time; a replacement, when it carries
    a reason, for each episode of a declared alternative that holds it."""
    action = r.get("done")
    if action is None:
        return
    at = when(r["at"])
    held = _holding(episodes, action, at, rules.grace)
    if held is not None:
        held.done.append((at, r["seq"]))
    code, text = r.get("reason_code"), r.get("reason")
    if not (code or text):
        return
    for other in sorted(rules.alternatives.get(action, frozenset())):
        replaced = _holding(episodes, other, at, rules.grace)
        if replaced is not None:
            replaced.replaced.append((r["seq"], at, action, code, text))


def _given(r: Mapping[str, Any], waits: _Waits, stratum: str | None) -> GivenCare:
    code, text = r.get("reason_code"), r.get("reason")
    waiting = waits.could_recommend(r["action"])
    kind: Care = (
        "undetermined" if waiting else "unrecommended_with_reason" if code or text else "unrecommended_without_reason"
    )
    return GivenCare(r["action"], kind, r["seq"], when(r["at"]), code, text, waiting, stratum)
