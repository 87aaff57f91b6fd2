"""Generate a deterministic cohort of valid journeys for a pathway, from its fact dictionary (for benchmarks).

Each event gives a few facts drawn from the dictionary (values within the declared type, range or values), now
and then a declared event or care given; times only move forward, a date alone at midnight and a date-time
otherwise. The journeys are random, not clinical: they exercise the engine, they do not tell a story.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from typing import Any

from pathway.definition.model import Fact, Pathway


def fact_value(rng: random.Random, fact: Fact) -> object:
    """A valid value for ``fact`` (a date fact's as 'YYYY-MM-DD'); ranges default to 0-100."""
    if fact.type == "bool":
        return rng.random() < 0.5
    if fact.type == "enum":
        return rng.choice(fact.values or [])
    if fact.type == "date":
        return (date(2024, 1, 1) + timedelta(days=rng.randrange(730))).isoformat()
    low = fact.min if fact.min is not None else 0.0
    high = fact.max if fact.max is not None else 100.0
    if fact.type == "int":
        return rng.randint(math.ceil(low), math.floor(high))
    return min(max(round(rng.uniform(low, high), 2), low), high)


def journey(rng: random.Random, pathway: Pathway, ident: str, events: int) -> dict[str, Any]:
    """One journey of ``events`` events, shaped like a journey file."""
    facts = sorted(pathway.facts)
    moment = datetime(2025, 1, 1) + timedelta(days=rng.randrange(365))
    out: list[dict[str, Any]] = []
    for _ in range(events):
        moment += timedelta(days=rng.randrange(15), minutes=rng.choice((0, 0, 0, 30, 90)))
        text = moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat("T", "minutes")
        event: dict[str, Any] = {"at": text}
        chosen = rng.sample(facts, min(len(facts), rng.choice((0, 1, 1, 2, 3))))
        if chosen:
            event["facts"] = {name: fact_value(rng, pathway.facts[name]) for name in chosen}
        if pathway.events and rng.random() < 0.2:
            event["event"] = rng.choice(sorted(pathway.events))
        if pathway.actions and rng.random() < 0.1:
            event["done"] = rng.choice(sorted(pathway.actions))
        out.append(event)
    return {"journey": ident, "events": out}


def cohort(pathway: Pathway, size: int = 1000, events: int = 20, seed: int = 2026) -> list[dict[str, Any]]:
    """``size`` journeys of ``events`` events each; the same arguments always give the same cohort."""
    rng = random.Random(seed)
    return [journey(rng, pathway, f"{pathway.pathway}-{n:04d}", events) for n in range(size)]
