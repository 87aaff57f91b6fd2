"""What a journey records about the pathway's recommendations, as part of a run: care done (checked against what
was recommended: a deviation otherwise), a recommendation declined (a recorded decision), an order fulfilled by its
result (``fulfilled_by``), and whom an action concerns (``applies_to``). ``docs/recommendations.md`` states the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pathway.engine.checks import json_value, read_entries
from pathway.engine.decisions import Decisions
from pathway.engine.items import Carried, ItemRules
from pathway.engine.selection import outcome
from pathway.expr import Scope
from pathway.journey.check import Input
from pathway.trail.records import DeclinedRecord, DeviationRecord, FulfilledRecord, InapplicableRecord


class DecisionRules(ItemRules):
    """Recorded decisions, fulfilment and applicability, as part of a run."""

    inapplicable: dict[str, str]  # action -> the state whose recommendation its applies_to withholds
    issued_now: set[str]  # the actions issued while the current input is processed
    decisions: Decisions
    fulfilling: frozenset[str]  # the facts that fulfil an action (``fulfilled_by``)

    def decided(self, inp: Input, before: tuple[str, ...]) -> None:
        """Once the input's transitions ran: what its facts changed of whom actions concern, the care it records
        as done and the recommendation it records as declined, checked against what was recommended."""
        if self.error is None and self.analysis.applies_to:  # without applies_to, nothing can have changed
            self.sync_items("applies_to")
        if inp.done is not None:
            self.conformance(inp, before)
        if inp.declined is not None:
            self.decline(inp, before)

    def fulfil_active(self, inp: Input) -> None:
        """The active recommendations whose result this input gave (``fulfilled_by``)."""
        if self.fulfilling.isdisjoint(inp.facts):  # no result of any order
            return
        for (kind, action), item in self.items.items():
            if kind == "recommendation":
                self.fulfil(action, item, inp.facts)

    def issued_by(self, key: tuple[str, str], state: str, cause: str) -> str:
        """Why an item is issued: its action's ``applies_to`` stopped being false while the state that recommends it
        stayed active, else ``cause``."""
        withheld = key[0] == "recommendation" and self.inapplicable.pop(key[1], None) == state
        return "applies_to" if withheld else cause

    def retired_by(self, key: tuple[str, str], cause: str) -> str:
        """Why an item is retired: its action's ``applies_to`` turned false while its state still recommends it
        (the inapplicable record was just written), else ``cause``."""
        return "applies_to" if key[0] == "recommendation" and key[1] in self.inapplicable else cause

    def applicability(self, wanted: Mapping[tuple[str, str], str]) -> dict[str, str]:
        """For each wanted recommendation whose action has ``applies_to``: its outcome now ('true', 'false',
        'unknown', 'error'); an ``inapplicable`` record for each that has just become definitely false."""
        found: dict[str, str] = {}
        scope: Scope | None = None
        for (kind, action), state in wanted.items():
            guard = self.analysis.applies_to.get(action)
            if kind != "recommendation" or guard is None:
                continue
            seen = self.seen(self.tables.applies[action])
            evaluation = self.kept.get(("applies_to", action), seen)
            if evaluation is None:
                scope = scope or self.scope()
                evaluation = self.kept.put(("applies_to", action), seen, guard.evaluate(scope))
            found[action] = outcome(evaluation)
            if found[action] == "false" and self.inapplicable.get(action) != state:
                self.inapplicable[action] = state
                entry = self.analysis.pathway.actions[action]
                read = read_entries(
                    evaluation, self.analysis.derived, self.supplied, self.given_by, recorded_by=self.decisions.by
                )
                self.emit(
                    InapplicableRecord,
                    id=action,
                    title=entry.title,
                    state=state,
                    guard=guard.text,
                    read=read,
                )
        return found

    def fulfil(self, action: str, item: Carried, given: Iterable[str]) -> None:
        """An active recommendation is done when a fact of its action's ``fulfilled_by`` was given by the input
        being processed (its result arrived): recorded once per issue, with the fact and the input."""
        facts = self.analysis.pathway.actions[action].fulfilled_by
        if not facts or item.done is not None:
            return
        given = set(given)
        fact = next((name for name in facts if name in given), None)
        if fact is None or fact not in self.facts:
            return
        item.done = self.at
        self.decisions.record("done", action, self.timeline.now, self.input_seq)
        value = json_value(self.facts[fact])
        self.emit(FulfilledRecord, action=action, state=item.state, fact=fact, value=value, from_=self.input_seq)

    def recommended(self) -> tuple[str, ...]:
        return tuple(sorted(k[1] for k in self.items if k[0] == "recommendation"))

    def conformance(self, inp: Input, before: tuple[str, ...]) -> None:
        """Care given conforms when it was recommended just before this input or once it was processed (an entry
        may record the care together with the facts it changed)."""
        after = self.recommended()
        item = self.items.get(("recommendation", inp.done or ""))
        if item is not None:
            item.done = inp.at_text
        if inp.done not in before and inp.done not in after:
            self.emit(
                DeviationRecord,
                action=inp.done,
                recommended=after,
                reason=inp.reason or None,
                reason_code=inp.reason_code,
            )

    def decline(self, inp: Input, before: tuple[str, ...]) -> None:
        """A recommendation declined is a recorded decision, not a deviation; declining one the pathway did not
        recommend at any moment of this input is kept too (guards read it), and flagged (``recommended: false``)."""
        action = inp.declined or ""
        item = self.items.get(("recommendation", action))
        if item is not None:
            item.declined = inp.at_text
        recommended = action in before or action in self.recommended() or action in self.issued_now
        self.emit(
            DeclinedRecord,
            action=action,
            recommended=recommended,
            state=item.state if item is not None else None,
            reason_code=inp.reason_code,
            reason=inp.reason or None,
        )

    def fulfillable(self, action: str) -> bool:
        """Whether an action has ``fulfilled_by`` (its summary entry says when it was done, deadline or not)."""
        entry = self.analysis.pathway.actions.get(action)
        return entry is not None and bool(entry.fulfilled_by)
