"""Generate a deterministic cohort of valid journeys for a pathway, from its fact dictionary (for benchmarks, the
engines' differential test and trying cohorts out: ``pathway cohort generate``).

Each event gives a few facts drawn from the dictionary (values within the declared type, range or values), never
a value that would break one of the pathway's constraints with the facts given before it, and now and then a
declared event or care given; times only move forward, a date alone at midnight and a date-time otherwise. The
journeys are random, not clinical: they exercise the engine, they do not tell a story.
"""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.constraints import forbidden
from pathway.definition.model import Fact
from pathway.journey.reasons import REASON_CODES


def fact_value(rng: random.Random, fact: Fact) -> object:
    """A valid value for ``fact`` (a date fact's as 'YYYY-MM-DD'); ranges default to 0-100."""
    if fact.type == "bool":
        return rng.random() < 0.5
    if fact.type == "enum":
        return rng.choice(fact.values or [])
    if fact.type == "date":
        return (date(2024, 1, 1) + timedelta(days=rng.randrange(730))).isoformat()
    if fact.type == "datetime":
        return (datetime(2024, 1, 1) + timedelta(minutes=30 * rng.randrange(35040))).isoformat("T", "minutes")
    low = fact.min if fact.min is not None else 0.0
    high = fact.max if fact.max is not None else 100.0
    if fact.type == "int":
        return rng.randint(math.ceil(low), math.floor(high))
    return min(max(round(rng.uniform(low, high), 2), low), high)


def _decision(rng: random.Random, event: dict[str, Any], actions: list[str]) -> None:
    """With ``decisions``: a done entry carries a reason now and then; an entry without one may decline an action,
    with a reason code, a reason in free text only, or neither (as clinicians record them)."""
    if "done" not in event and rng.random() < 0.1:
        event["declined"] = rng.choice(actions)
    if "done" not in event and "declined" not in event:
        return
    draw = rng.random()
    if draw < (0.7 if "declined" in event else 0.3):
        event["reason_code"] = rng.choice(sorted(REASON_CODES))
    elif draw < (0.85 if "declined" in event else 0.4):
        event["reason"] = "as discussed with the patient"


def journey(rng: random.Random, analysis: Analysis, ident: str, events: int, decisions: bool = False) -> dict[str, Any]:
    """One journey of ``events`` events, shaped like a journey file; with ``decisions``, declined recommendations
    and reasons too (without, the random draws are those of earlier versions: a seed gives the same cohort)."""
    pathway = analysis.pathway
    facts = sorted(pathway.facts)
    given: dict[str, object] = {}
    moment = datetime(2025, 1, 1) + timedelta(days=rng.randrange(365))
    out: list[dict[str, Any]] = []
    for _ in range(events):
        moment += timedelta(days=rng.randrange(15), minutes=rng.choice((0, 0, 0, 30, 90)))
        text = moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat("T", "minutes")
        event: dict[str, Any] = {"at": text}
        chosen = rng.sample(facts, min(len(facts), rng.choice((0, 1, 1, 2, 3))))
        values: dict[str, object] = {}
        for name in chosen:
            value = fact_value(rng, pathway.facts[name])
            if not forbidden(analysis, _typed(analysis, {**given, **values, name: value})):
                values[name] = value
        if values:
            event["facts"] = values
            given |= values
        if pathway.events and rng.random() < 0.2:
            event["event"] = rng.choice(sorted(pathway.events))
        if pathway.actions and rng.random() < 0.1:
            event["done"] = rng.choice(sorted(pathway.actions))
        if decisions and pathway.actions:
            _decision(rng, event, sorted(pathway.actions))
        out.append(event)
    return {"journey": ident, "events": out}


def _typed(analysis: Analysis, facts: dict[str, object]) -> dict[str, object]:
    """The facts as the engine holds them (dates as dates), for the constraints to read."""
    out: dict[str, object] = {}
    for name, value in facts.items():
        kind = analysis.pathway.facts[name].type
        if kind == "date" and isinstance(value, str):
            out[name] = date.fromisoformat(value)
        elif kind == "datetime" and isinstance(value, str):
            out[name] = datetime.fromisoformat(value)
        else:
            out[name] = value
    return out


def journeys(
    analysis: Analysis, size: int = 1000, events: int = 20, seed: int = 2026, decisions: bool = False
) -> Iterator[dict[str, Any]]:
    """``size`` journeys of ``events`` events each, one at a time; the same arguments always give the same cohort.
    Ids are ``<pathway>-0000`` on, with at least four digits."""
    rng = random.Random(seed)
    for n in range(size):
        yield journey(rng, analysis, f"{analysis.pathway.pathway}-{n:04d}", events, decisions)


def cohort(analysis: Analysis, size: int = 1000, events: int = 20, seed: int = 2026) -> list[dict[str, Any]]:
    """``size`` journeys of ``events`` events each, as a list (see :func:`journeys`)."""
    return list(journeys(analysis, size, events, seed))


def write_ndjson(
    path: str | Path, analysis: Analysis, size: int, events: int = 20, seed: int = 2026, decisions: bool = False
) -> int:
    """Write a generated cohort as NDJSON (one journey a line), atomically; returns how many journeys."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as out:
            for data in journeys(analysis, size, events, seed, decisions):
                out.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return size
