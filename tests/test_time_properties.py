"""Properties of the engine's time (docs/time.md) over random journeys through the time fixtures: timers, recurring
recommendations with deadlines, and facts that go stale.

The journeys are drawn from each fixture's dictionary: times to the minute (gaps often whole hours or days, so that
inputs land exactly on due times), random facts (a date or date-time near the entry's time), events and care
given, and sometimes ``until``. The fixtures: timers, recurrence, one where timers, staleness, parallel regions
and recurrence meet, and the one whose guards read the clock (hours_since, time_in_state(), last()).

(a) A run never raises, ends ok, is deterministic (two runs write the same bytes), and replays as reproduced.
(b) Where guards do not read the clock, inserting an empty input does not change which transitions are taken, nor
    when, nor any other record but its own (stated exactly below).
(c) Timers fire in time order, each at or after its due time; every record's time is at or after the one before;
    the summary's pending timers are due when their state's entry says.
(d) A guard reads a fact's latest value, and only while it is current: never after it went stale (until it is given
    again), and never unknown while it is current.
(e) After each input, the summary ``Runner.steps`` gives (what a scenario's due and overdue expectations are checked
    against) is the summary of the journey cut after that input.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathway.audit.replay import replay
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.diagnostics import Diagnostic
from pathway.engine.runner import Runner, RunResult
from pathway.expr.durations import parse_duration
from pathway.journey.check import LoadedJourney, journey_from_data
from pathway.journey.model import parse_time
from pathway.journey.until import with_until
from pathway.trail.parts import ReadFact, ReadUnknown
from pathway.trail.records import (
    ExpiredRecord,
    InputRecord,
    Record,
    StartRecord,
    TransitionRecord,
    checks_in,
)
from tests.conftest import ROOT
from tests.test_engine_properties import fact_values

TIME = ROOT / "tests" / "fixtures" / "time"
CLOCKLESS = ["timers.yaml", "recurrence.yaml", "interplay.yaml"]
"""The fixtures whose guards do not read the clock (property (b) needs that)."""
SUBJECTS = [*CLOCKLESS, "clock.yaml"]
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
# Gaps between inputs, in minutes: anything up to a week, and often whole hours or days (the fixtures' durations
# are whole hours and days, so sums of these land on due times exactly).
GAPS = st.one_of(
    st.integers(0, 7 * 24 * 60),
    st.sampled_from([0, 1, 30, 90, 6 * 60, 12 * 60, 36 * 60]),
    st.integers(0, 21).map(lambda days: days * 24 * 60),
)


class Subject:
    """A time fixture: its analysis and a runner, shown by its file name."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.analysis = load_analysis(TIME / name)
        self.runner = Runner(self.analysis)

    def __repr__(self) -> str:
        return f"Subject({self.name!r})"

    def load(self, journey: Mapping[str, Any], until: str | None = None) -> LoadedJourney:
        """The journey checked against the fixture, with its ``until`` input when there is one."""
        loaded = journey_from_data(journey, self.analysis)
        if until is None:
            return loaded
        extended = with_until(loaded, until)
        assert not isinstance(extended, Diagnostic), extended
        return extended

    def run(self, journey: Mapping[str, Any], until: str | None = None) -> RunResult:
        return self.runner.run(self.load(journey, until))


@pytest.fixture(scope="module", params=SUBJECTS)
def subject(request: pytest.FixtureRequest) -> Subject:
    return Subject(request.param)


@pytest.fixture(scope="module", params=CLOCKLESS)
def clockless(request: pytest.FixtureRequest) -> Subject:
    return Subject(request.param)


def text(moment: datetime) -> str:
    """A journey time: the date alone at midnight (sometimes), else to the minute."""
    return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat(timespec="minutes")


def when_before(moment: datetime, kind: str) -> st.SearchStrategy[str]:
    """A date (``kind`` 'date') or date-time fact's value near an entry's time: mostly before it, as far as a
    gap or a hundred days, sometimes a little after."""
    back = st.one_of(GAPS, st.integers(-24 * 60, 100 * 24 * 60))
    moments = back.map(lambda minutes: moment - minutes * MINUTE)
    if kind == "date":
        return moments.map(lambda m: m.date().isoformat())
    return moments.map(lambda m: m.isoformat(timespec="minutes"))


@st.composite
def timed_journeys(draw: st.DrawFn, analysis: Analysis) -> tuple[dict[str, Any], str | None]:
    """A valid journey for ``analysis`` (1 to 12 entries, times to the minute, in order; random facts, events,
    care given) and an ``until`` at or after its last entry, or None."""
    p = analysis.pathway
    values = {name: s for name, fact in p.facts.items() if (s := fact_values(fact)) is not None}
    dated = {name: fact.type for name, fact in p.facts.items() if fact.type in ("date", "datetime")}
    moment = datetime(2026, 1, 1) + draw(st.integers(0, 365)) * DAY  # midnight often: entries dated alone
    moment += draw(st.one_of(st.just(0), st.integers(0, 24 * 60 - 1))) * MINUTE
    entries: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 12))):
        moment += draw(GAPS) * MINUTE
        entry: dict[str, Any] = {"at": text(moment)}
        names = draw(st.lists(st.sampled_from(sorted({*values, *dated})), unique=True, max_size=3))
        if names:
            entry["facts"] = {
                name: draw(when_before(moment, dated[name])) if name in dated else draw(values[name]) for name in names
            }
        if p.events and draw(st.integers(0, 2)) == 0:
            entry["event"] = draw(st.sampled_from(sorted(p.events)))
        if p.actions and draw(st.integers(0, 3)) == 0:
            entry["done"] = draw(st.sampled_from(sorted(p.actions)))
        entries.append(entry)
    until = text(moment + draw(GAPS) * MINUTE) if draw(st.booleans()) else None
    return {"journey": "random", "events": entries}, until


def trail_bytes(result: RunResult, folder: Path, name: str) -> bytes:
    path = folder / name
    result.write(path)
    return path.read_bytes()


def when(record: Record) -> datetime:
    assert record.at is not None
    return parse_time(record.at)[0]


# (a) never raises, deterministic, replays ------------------------------------------------------------------------


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_a_run_is_ok_deterministic_and_replays(subject: Subject, data: st.DataObject) -> None:
    journey, until = data.draw(timed_journeys(subject.analysis), label="journey, until")
    first = subject.run(journey, until)
    again = Subject(subject.name).run(journey, until)  # a fresh load and runner: nothing carried over
    assert first.ok, first.summary.error or first.summary.errors
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        assert trail_bytes(first, folder, "first.jsonl") == trail_bytes(again, folder, "again.jsonl")
        replayed = replay(folder / "first.jsonl", subject.analysis)
    assert (replayed.status, replayed.records) == ("reproduced", len(first.records)), replayed.message


# (b) an empty input changes nothing ------------------------------------------------------------------------------


def moves(records: Sequence[Record]) -> list[tuple[str, str, str | None]]:
    """(transition id, at, after) of every transition taken, in order."""
    return [(r.id, r.at or "", r.after) for r in records if isinstance(r, TransitionRecord)]


def renumbered(value: Any, inserted: int) -> Any:
    """``value`` with every input number (``from``) after the inserted input moved back by one."""
    if isinstance(value, dict):
        return {
            k: v - 1 if k == "from" and isinstance(v, int) and v > inserted else renumbered(v, inserted)
            for k, v in value.items()
        }
    return [renumbered(v, inserted) for v in value] if isinstance(value, list) else value


def contents(records: Sequence[Record], inserted: int = 0) -> list[dict[str, Any]]:
    """Every record but the header and the input records, without its place in the trail (seq, input, hash,
    prev), input numbers as they were before ``inserted`` (0: none) was inserted."""
    out = []
    for r in records[1:]:
        if not isinstance(r, InputRecord):
            data = {k: v for k, v in r.to_dict().items() if k not in ("seq", "input", "hash", "prev")}
            out.append(renumbered(data, inserted) if inserted else data)
    return out


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_an_empty_input_changes_no_transition_nor_its_time(clockless: Subject, data: st.DataObject) -> None:
    """Let J be a journey and J' the same journey with one more entry e: no facts, event or done, placed after
    J's first entry (before it, e would start the chart: earlier, or before the first entry's facts are known,
    which changes what fires by construction) at a time t between the entries around it, or up to J's until when
    it is the last entry. When e comes after J's last entry and J has no until, J' is compared with J run until t
    (else J' would run longer than J, by construction).

    These fixtures' guards do not read the clock (the clock fixture's do: there ``time_in_state() >= 2d`` may
    become true at e, by construction), and e gives nothing; so at e nothing can become true that was not already
    true at the moment before (every input and wake-up runs eventless transitions to completion), and the moments
    the engine wakes at (timers, recurrences, facts going stale) are fixed by the entries that give
    facts and by the times states are entered, never by the inputs in between. Hence J' takes no transition at e,
    and J and J' take the same transitions at the same times: in particular the same timers (records with
    ``after``) fire at the same moments. Indeed J' writes the same records as J, but for what depends on e by
    construction: e's input record, and the input numbers of later records (``input``, and ``from`` in what a guard
    read). (A guard that could not be evaluated would be re-stated at e, by design: the fixtures have none.)
    """
    journey, until = data.draw(timed_journeys(clockless.analysis), label="journey, until")
    entries = journey["events"]
    k = data.draw(st.integers(1, len(entries)), label="insert after entry k")
    low = parse_time(entries[k - 1]["at"])[0]
    ticked_until = until
    if k == len(entries) and until is None:  # J runs until t; J' ends with e at t
        t = low + data.draw(GAPS, label="minutes after the last entry") * MINUTE
        until = text(t)
    else:
        high = parse_time(entries[k]["at"] if k < len(entries) else until or "")[0]
        t = low + data.draw(st.integers(0, (high - low) // MINUTE), label="minutes after entry k") * MINUTE
    ticked = {**journey, "events": [*entries[:k], {"at": text(t)}, *entries[k:]]}
    plain, extra = clockless.run(journey, until).records, clockless.run(ticked, ticked_until).records
    timers = [m for m in moves(plain) if m[2] is not None]
    assert [m for m in moves(extra) if m[2] is not None] == timers
    assert moves(extra) == moves(plain)
    assert contents(extra, inserted=k + 1) == contents(plain)


# (c) timers in time order, at or after their due time -----------------------------------------------------------


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_timers_fire_in_time_order_each_at_or_after_its_due_time(subject: Subject, data: st.DataObject) -> None:
    journey, until = data.draw(timed_journeys(subject.analysis), label="journey, until")
    result = subject.run(journey, until)
    records = result.records
    entered: dict[str, datetime] = {}
    fired: list[datetime] = []
    last = datetime.min
    for r in records[1:]:
        assert when(r) >= last, f"record {r.seq} ({r.kind}) at {r.at} is earlier than the record before"
        last = when(r)
        if isinstance(r, TransitionRecord) and r.after is not None:
            due = entered[r.source] + parse_duration(r.after)
            assert when(r) >= due, f"timer {r.id} fired at {r.at}, before its due time {due}"
            fired.append(when(r))
        if isinstance(r, TransitionRecord):
            for state in r.exited:
                del entered[state]
        if isinstance(r, StartRecord | TransitionRecord):
            entered.update((state, when(r)) for state in r.entered)
    assert fired == sorted(fired)
    for due in result.summary.due or ():
        if due.kind == "timer":
            assert due.after is not None
            assert parse_time(due.at)[0] == entered[due.state] + parse_duration(due.after) > last


# (d) stale facts are never read ----------------------------------------------------------------------------------


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_a_guard_reads_a_fact_only_while_it_is_current(subject: Subject, data: st.DataObject) -> None:
    """Each fact a guard reads (a transition's, an alternative's, a waiting or blocked state's) is read with the
    value of the latest input that gave it, and only while that value is current (``at`` before given +
    ``valid_for``); it is read as unknown exactly when no input gave it, or its value went stale (an ``expired``
    record, at given + ``valid_for`` exactly) and no input gave it again since."""
    journey, until = data.draw(timed_journeys(subject.analysis), label="journey, until")
    records = subject.run(journey, until).records
    facts = subject.analysis.pathway.facts
    valid_for = {name: parse_duration(f.valid_for) for name, f in facts.items() if f.valid_for is not None}
    giver: dict[str, InputRecord] = {}  # the input whose value of the fact is current
    for r in records[1:-1]:
        if isinstance(r, InputRecord):
            giver.update((name, r) for name in r.facts)
        elif isinstance(r, ExpiredRecord):
            source = giver.pop(r.fact)
            assert (r.from_, r.given, r.value) == (source.input, source.at, source.facts[r.fact])
            assert when(r) == when(source) + valid_for[r.fact]
        reads = [*(r.read.items() if isinstance(r, TransitionRecord) else ())]
        reads += [item for check in checks_in(r) for item in (check.read or {}).items()]
        for name, read in reads:
            if name not in facts:
                continue  # a derived fact
            current = giver.get(name)
            if current is not None and name in valid_for:
                assert when(r) < when(current) + valid_for[name], f"'{name}' read at {r.at} after it went stale"
            if current is None:
                assert isinstance(read, ReadUnknown), f"'{name}' read at {r.at} as {read}, but it is not current"
            else:
                assert isinstance(read, ReadFact), f"'{name}' read as unknown at {r.at}, given by #{current.input}"
                assert (read.from_, read.value) == (current.input, current.facts[name])


# (e) each step's summary is the run cut there --------------------------------------------------------------------


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_each_steps_summary_is_the_summary_of_the_journey_cut_there(subject: Subject, data: st.DataObject) -> None:
    """What a scenario's time expectations see after step k (its due and overdue lists) is what ``pathway run``
    ends with for the first k entries: the wake-ups between entry k and k + 1 belong to entry k + 1."""
    journey, until = data.draw(timed_journeys(subject.analysis), label="journey, until")
    loaded = subject.load(journey, until)
    for step in subject.runner.steps(loaded):
        cut = replace(loaded, inputs=loaded.inputs[: step.input])
        assert step.summary.to_dict() == subject.runner.run(cut).summary.to_dict(), f"after input {step.input}"
