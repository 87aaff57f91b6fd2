"""Issuing and retiring what the active states recommend and conclude, as part of a run: what is wanted now,
withheld by ``applies_to``, left (retired, or persisting while its ``until`` is not true), superseded; and the values
of the recommendations, worked out at each issue and again after each input and wake-up
(``docs/recommendations.md``).

Both are kept while what they are worked out from is unchanged: what the active states want is worked out again only
when the active states or the supersessions change, a synchronisation with nothing new to issue or retire is skipped
(:meth:`IssueRules.sync_items`), and a recommendation's values are worked out again only when something they read
changed (:mod:`pathway.engine.tables`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pathway.definition.model import Action, Finding
from pathway.engine.decided import DecisionRules
from pathway.engine.items import Carried
from pathway.engine.tables import Seen
from pathway.engine.values import Values, fields
from pathway.expr import Scope
from pathway.trail.records import IssuedRecord, RetiredRecord, RevisedRecord


def stance(entry: Action | Finding) -> dict[str, str]:
    """An issued recommendation's strength and direction, as its action states them (none for a finding)."""
    return entry.stance.record() if isinstance(entry, Action) else {}


class IssueRules(DecisionRules):
    """What a run issues and retires, and the values of what it issued."""

    values: Values
    first_issued: dict[str, str]
    _wanted: tuple[tuple[frozenset[str], int], dict[tuple[str, str], str]] | None
    _synced: tuple[dict[tuple[str, str], str] | None, dict[str, str] | None]
    _unblocked: frozenset[str] | None
    _value_scope: tuple[int, int, Scope] | None

    def sorted_states(self, states: set[str] | frozenset[str]) -> tuple[str, ...]:
        raise NotImplementedError  # the run's

    def catalogue(self, kind: str) -> Mapping[str, Action | Finding]:
        p = self.analysis.pathway
        return p.actions if kind == "recommendation" else p.findings

    def wanted(self) -> dict[tuple[str, str], str]:
        """What the active states recommend (unless superseded while active) and conclude, each with the first
        state in document order that does; worked out again only when the active states or the supersessions
        changed (the same dict otherwise, which :meth:`sync_items` relies on)."""
        key = (self.active, self.blocked_changes)
        if self._wanted is not None and self._wanted[0] == key:
            return self._wanted[1]
        wanted: dict[tuple[str, str], str] = {}
        for state in self.sorted_states(self.active):
            recommended, concluded = self.tables.offers[state]
            for action in recommended:
                if state not in self.blocked.get(action, ()):  # superseded while this state was active
                    wanted.setdefault(("recommendation", action), state)
            for finding in concluded:
                wanted.setdefault(("finding", finding), state)
        self._wanted = (key, wanted)
        return wanted

    def sync_items(self, cause: str) -> None:
        """Issue what the active states recommend and conclude and retire what they no longer do; a recommendation
        whose action's ``applies_to`` is definitely false is withheld (and retired, cause 'applies_to'); one with
        ``until`` persists after its states are left (see :class:`~pathway.engine.items.ItemRules`); an action issued
        retires the recommendations it supersedes. Nothing to do when neither what the active states want nor
        whom the actions concern changed since the last time: what that one issued is still carried (only this
        method adds items, and what removes one from what is wanted between two of them changes what is wanted)."""
        if self.active is not self._unblocked:
            self.unblock()
            self._unblocked = self.active
        wanted = self.wanted()
        applies = self.applicability(wanted)
        if wanted is self._synced[0] and applies == self._synced[1]:
            return
        self._synced = (wanted, applies)
        withheld = {key for key in wanted if applies.get(key[1]) == "false" and key[0] == "recommendation"}
        for key in [k for k in self.items if k in withheld]:
            item = self.items.pop(key)
            self.emit(RetiredRecord, item=key[0], id=key[1], state=item.state, cause=self.retired_by(key, cause))
        issuing = [
            k[1]
            for k in wanted
            if k[0] == "recommendation" and k not in withheld and (k not in self.items or self.items[k].persisting)
        ]
        superseding = self.superseded_by(issuing)
        for key in [k for k, item in self.items.items() if k not in wanted and not item.persisting]:
            if key[0] != "recommendation" or key[1] not in superseding:  # else retired as superseded below
                self.leave(key, cause)
        issued = [
            key[1]
            for key, state in wanted.items()
            # a persisting one is issued again
            if key not in withheld
            and (key not in self.items or self.items[key].persisting)
            and self.issue(key, state, applies.get(key[1]), cause)
        ]
        self.inapplicable = {a: s for a, s in self.inapplicable.items() if ("recommendation", a) in withheld}
        self.supersede(issued, cause)

    def issue(self, key: tuple[str, str], state: str, applies: str | None, cause: str) -> bool:
        """Issue a recommendation or finding that ``state`` carries; whether it is a recommendation."""
        entry = self.catalogue(key[0])[key[1]]
        rule = self.tables.rules.get((state, key[1]))
        item = self.items[key] = Carried.issue(self.at, state, self.timeline.now, rule)
        if key[0] == "recommendation":
            self.first_issued.setdefault(key[1], self.at)
            self.issued_now.add(key[1])
        self.emit(
            IssuedRecord,
            item=key[0],
            id=key[1],
            title=entry.title,
            state=state,
            cause=self.issued_by(key, state, cause),
            evidence=tuple(entry.evidence),
            due=item.due_text(),
            every=item.every_text,
            **self.valued(*key),
            **stance(entry),
            applies=applies,
            until=item.until,
        )
        if key[0] != "recommendation":
            return False
        fulfilled_by = self.analysis.pathway.actions[key[1]].fulfilled_by
        if fulfilled_by:  # a result this input gave fulfils it at once
            self.fulfil(key[1], item, [f for f in fulfilled_by if self.given_by.get(f) == self.input_seq])
        return True

    def value_scope(self) -> Scope:
        """What computed values see now: the facts given, the clock, when each fact was given; never an assumption
        (a dose is not worked out from a value nobody recorded)."""
        kept, now = self._value_scope, self.timeline.now
        if kept is not None and kept[0] == self.timeline.moments and kept[1] == self.fact_changes:
            return kept[2]
        scope = Scope(self.facts, self.analysis.derived, now, given=self.timeline.given)
        self._value_scope = (self.timeline.moments, self.fact_changes, scope)
        return scope

    def value_seen(self, action: str) -> Seen:
        """A snapshot of what the values of an action read (:mod:`pathway.engine.tables`)."""
        return self.seen(self.tables.values[action])

    def valued(self, kind: str, action: str) -> dict[str, Any]:
        """The ``values`` and ``text`` of an issue of a recommendation, worked out now (none for a finding)."""
        if kind != "recommendation":
            return {}
        seen = self.value_seen(action) if action in self.tables.values else None
        return fields(self.values.issue(action, self.value_scope(), self.supplied, self.given_by, seen))

    def revise(self) -> None:
        """Work out the values of the active recommendations again; record each recommendation whose values
        changed since they were last recorded."""
        active = [action for kind, action in self.items if kind == "recommendation" and action in self.values.recorded]
        if not active:
            return
        changes = self.values.revise(active, self.value_scope(), self.supplied, self.given_by, self.value_seen)
        for action, changed, worked in changes:
            item = self.items[("recommendation", action)]
            self.emit(
                RevisedRecord, id=action, state=item.state, changed=changed, values=worked.values, text=worked.text
            )
