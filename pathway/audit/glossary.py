"""The words a trail is read in: what each of the pathway's ids means to a clinician, and each thing said in words
kept together with the engine's own form of it, for an auditor.

A :class:`Glossary` maps ids to words: the states' titles and questions and the words on each transition's arrow,
as the clinical-algorithm view draws them (``pathway.render.patient.glossary`` builds it from the view: this layer
reads trails and cannot draw), and the facts' words. What the pathway itself says (action and finding titles, a
fact's unit, an evidence entry's citation, an event's description) is read from the :class:`Pathway`. Without
either, an id stands for itself, so a trail alone still reads completely.

Each thing a timeline says is a :class:`Said`: ``text`` in words (``Serum beta-2 microglobulin 4.1 mg/L``), ``code``
in the trail's own terms (``beta2_microglobulin_mg_l = 4.1``), and the evidence it cites as :class:`Cited`
(citation and id).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from pathway.definition.model import Pathway


@dataclass(frozen=True)
class Cited:
    """An evidence entry: its id and its citation (``Source article, Work-Up step 2``: the cite up to its colon)."""

    id: str
    cite: str


@dataclass(frozen=True)
class Said:
    """One thing in words, with the trail's own form of it (ids, guard text) and the evidence it cites."""

    text: str
    code: str
    evidence: tuple[Cited, ...] = ()


@dataclass(frozen=True)
class Glossary:
    """Words for the pathway's ids: ``states`` (a state's title), ``questions`` (the question a state asks),
    ``arrows`` (a transition's words on its arrow: ``Grade 3-4``, ``after 90 days``), ``facts`` (a fact's or
    derived fact's words, without its unit), ``sources`` (the state a transition leaves, for a timer that fell due
    without firing), ``answering`` (the transitions that answer their state's question; a timer or an event out of
    a state that asks is said with the state's title, not its question)."""

    states: Mapping[str, str] = field(default_factory=dict)
    questions: Mapping[str, str] = field(default_factory=dict)
    arrows: Mapping[str, str] = field(default_factory=dict)
    facts: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    answering: frozenset[str] = frozenset()


def value_text(value: object) -> str:
    """A fact's value as a person reads it: text with spaces for underscores, yes/no, numbers as written."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return json.dumps(value)
    return str(value).replace("_", " ") if isinstance(value, str) else str(value)


def code_text(value: object) -> str:
    """A fact's value as the trail holds it: text bare, true/false, numbers as written."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return str(value)


class Words:
    """Words for ids: from the trail's own records first (titles it issued), then the glossary and the pathway,
    else the id itself."""

    def __init__(self, pathway: Pathway | None, glossary: Glossary | None, titles: Mapping[str, str]) -> None:
        self.pathway = pathway
        self.glossary = glossary or Glossary()
        self.titles = titles

    def title(self, item: str) -> str:
        """An action's or finding's title."""
        if item in self.titles:
            return self.titles[item]
        if self.pathway is not None:
            found = self.pathway.actions.get(item) or self.pathway.findings.get(item)
            if found is not None:
                return found.title
        return item

    def fact(self, name: str) -> str:
        """A fact's words (its short description), else its id with spaces."""
        return self.glossary.facts.get(name) or name.replace("_", " ")

    def unit(self, name: str) -> str:
        fact = self.pathway.facts.get(name) if self.pathway is not None else None
        derived = self.pathway.derived.get(name) if self.pathway is not None else None
        unit = fact.unit if fact is not None else derived.unit if derived is not None else None
        return f" {unit}" if unit else ""

    def value(self, name: str, value: object) -> Said:
        """``Serum beta-2 microglobulin 4.1 mg/L`` (a number with its unit), ``Neuropathic pain: yes``."""
        number = isinstance(value, int | float) and not isinstance(value, bool)
        text = f"{self.fact(name)} {value}{self.unit(name)}" if number else f"{self.fact(name)}: {value_text(value)}"
        return Said(text, f"{name} = {code_text(value)}")

    def state(self, state_id: str) -> str:
        return self.glossary.states.get(state_id) or state_id

    def asked(self, state_id: str, transition: str) -> str:
        """What a state asked when ``transition`` answers its question; else the state's title."""
        asked = self.glossary.questions.get(state_id) if transition in self.glossary.answering else None
        return asked or self.state(state_id)

    def event(self, name: str) -> str:
        return name.replace("_", " ")

    def cited(self, ids: tuple[str, ...]) -> tuple[Cited, ...]:
        """Each evidence id with its citation (the cite up to its first colon), the id when the pathway lacks it."""
        entries = self.pathway.evidence if self.pathway is not None else {}
        return tuple(Cited(e, entries[e].cite.split(": ")[0] if e in entries else e) for e in ids)
