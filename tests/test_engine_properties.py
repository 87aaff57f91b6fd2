"""Properties of the engine over random valid journeys, for every bundled definition and the semantics fixture.

The journeys are generated from each pathway's own dictionary (facts with their type, range and values; events;
actions), so a new definition is covered as soon as it is added under ``definitions/``.

(a) A trail's bytes do not depend on the hash seed: ``pathway run`` in subprocesses under three seeds, and the
    in-process run, write identical files.
(b) run -> trail -> replay reproduces the run.
(c) A one-byte edit of a trail is reported where it is: tampering at the record it hits, or a parse error at its
    line; an edit that leaves every parsed record canonically equal is invisible to hashes and replays.
(d) The engine never raises on valid input, and the records it returns form a consistent chain ending with the
    summary.

The tests at the end pin down, as plain examples, the bugs these properties found in the trail reader.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, find, given, settings
from hypothesis import strategies as st

from pathway.audit.replay import ReplayResult, replay
from pathway.definition.analysis import Analysis
from pathway.definition.constraints import breaches
from pathway.definition.loader import load_analysis
from pathway.definition.model import Fact
from pathway.engine.runner import Runner, RunResult
from pathway.journey.check import journey_from_data
from pathway.journey.model import parse_time
from pathway.journey.reasons import REASON_CODES
from pathway.source.reader import parse_text
from pathway.trail.io import KINDS, SCHEMA, canonical, verify_chain
from tests.conftest import ROOT

SUBJECTS = [
    *sorted(p.relative_to(ROOT) for p in (ROOT / "definitions").glob("*/pathway.yaml")),
    Path("tests/fixtures/engine/semantics.yaml"),
    Path("tests/fixtures/engine/guard_errors/pathway.yaml"),  # guards that divide: zero divisors are errors
    Path("tests/fixtures/recommendations/decisions.yaml"),  # guards that read decisions; fulfilled_by, applies_to
]
SEEDS = ("0", "12345", "random")
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Line breaks to str.splitlines() (and to YAML) that canonical JSON writes raw inside strings.
RAW_BREAKS = "\x85\u2028\u2029"
TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from(RAW_BREAKS), max_size=12)  # utf-8: no surrogates


class Subject:
    """A pathway under test: where it is (relative to the project root), its analysis and a reusable runner.
    Shown by its path alone (hypothesis prints the arguments of a failing example)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.analysis = load_analysis(ROOT / path)
        self.runner = Runner(self.analysis)

    def __repr__(self) -> str:
        return f"Subject({str(self.path)!r})"

    def run(self, data: Mapping[str, Any]) -> RunResult:
        return self.runner.run(journey_from_data(data, self.analysis))


@pytest.fixture(scope="module", params=SUBJECTS, ids=[str(p) for p in SUBJECTS])
def subject(request: pytest.FixtureRequest) -> Subject:
    return Subject(request.param)


# Journeys ------------------------------------------------------------------------------------------------------


def _limit(value: float | None, default: float) -> float:
    return value if value is not None and math.isfinite(value) else default


def fact_values(fact: Fact) -> st.SearchStrategy[object] | None:
    """Values a journey may give for ``fact`` (dates as ISO text); None when its declaration admits none."""
    if fact.type == "bool":
        return st.booleans()
    if fact.type == "enum":
        return st.sampled_from(fact.values or ())
    if fact.type == "date":
        return st.dates(date(1990, 1, 1), date(2060, 12, 31)).map(date.isoformat)
    if fact.type == "datetime":
        moments = st.datetimes(datetime(1990, 1, 1), datetime(2060, 12, 31))
        return moments.map(lambda m: m.replace(second=0, microsecond=0).isoformat(timespec="minutes"))
    low, high = _limit(fact.min, -1e6), _limit(fact.max, 1e6)
    whole = st.integers(math.ceil(low), math.floor(high)) if math.ceil(low) <= math.floor(high) else None
    if fact.type == "int":
        return whole
    floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
    cents = st.integers(math.ceil(low * 100), math.floor(high * 100)).map(lambda n: n / 100)
    numbers = st.one_of(floats, cents.filter(lambda x: low <= x <= high))  # cents: values as a lab reports them
    return numbers if whole is None else st.one_of(whole, numbers)


def time_texts(moment: datetime) -> st.SearchStrategy[str]:
    """The ways to write ``moment`` in a journey: a date alone at midnight, a date-time with or without seconds."""
    forms = [moment.isoformat(timespec="seconds")]
    if moment.second == 0:
        forms.append(moment.isoformat(timespec="minutes"))
    if moment.time() == time(0):
        forms.append(moment.date().isoformat())
    return st.sampled_from(forms[::-1])


def later(moment: datetime, kind: int, amount: int) -> datetime:
    """The next event's time, never earlier: the same time, midnight ``amount`` days later, or seconds later."""
    if kind == 0:
        return moment
    if kind == 1:
        return datetime.combine(moment.date() + timedelta(days=amount), time(0))
    return moment + timedelta(seconds=amount)


@st.composite
def journeys(draw: st.DrawFn, analysis: Analysis, least: int = 1) -> dict[str, Any]:
    """A valid journey for ``analysis``: ``least`` to 15 events in time order, each with a random subset of facts
    and sometimes an event, care given or a recommendation declined (with a reason and a reason code), a sign-off
    or a note. A fact that would break one of the pathway's constraints is left out (see :func:`consistent`)."""
    p = analysis.pathway
    values = {name: s for name, fact in p.facts.items() if (s := fact_values(fact)) is not None}
    given: dict[str, object] = {}
    moment = datetime.combine(draw(st.dates(date(2000, 1, 1), date(2040, 12, 31))), time(0))
    events: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(least, 15))):
        moment = later(moment, draw(st.integers(0, 2)), draw(st.integers(1, 40 * 3600)))
        event: dict[str, Any] = {"at": draw(time_texts(moment))}
        names = draw(st.lists(st.sampled_from(sorted(values)), unique=True)) if values else []
        empty = draw(st.booleans())  # 'facts: {}' is valid too
        if names or empty:
            event["facts"] = consistent(analysis, given, {name: draw(values[name]) for name in names})
        if draw(st.booleans()) and p.events:
            event["event"] = draw(st.sampled_from(sorted(p.events)))
        if p.actions and draw(st.integers(0, 3)) == 0:
            event[draw(st.sampled_from(["done", "declined"]))] = draw(st.sampled_from(sorted(p.actions)))
            if draw(st.booleans()):
                event["reason"] = draw(TEXT)
            if draw(st.booleans()):
                event["reason_code"] = draw(st.sampled_from(sorted(REASON_CODES)))
        if p.actions and draw(st.integers(0, 5)) == 0:
            event["signed"] = draw(st.sampled_from(sorted(p.actions)))
            event["by"] = draw(st.sampled_from(["attending", "oncologist", "clinical_pharmacist"]))
        if draw(st.integers(0, 4)) == 0:
            event["note"] = draw(TEXT)
        events.append(event)
    journey: dict[str, Any] = {"journey": "generated", "events": events}
    if draw(st.booleans()):
        journey["description"] = draw(TEXT)
    return journey


def consistent(analysis: Analysis, given: dict[str, object], facts: Mapping[str, object]) -> dict[str, object]:
    """``facts`` without those that would break a constraint with the facts ``given`` so far (updated). Values that
    would have gone stale are kept in ``given``: with more facts known a constraint is broken more often, so the
    journey check, which forgets stale values, refuses none of what is kept."""
    kept: dict[str, object] = {}
    for name, value in facts.items():
        typed = date.fromisoformat(str(value)) if analysis.pathway.facts[name].type == "date" else value
        if not breaches(analysis, {**given, name: typed}):
            kept[name] = value
            given[name] = typed
    return kept


class _QuotingDumper(yaml.SafeDumper):
    """Quotes every string that starts with a digit (dates, date-times), so that no reader takes it for a date."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'" if value[:1].isdigit() else None)


_QuotingDumper.add_representer(str, _string)


def journey_yaml(data: Mapping[str, Any]) -> str:
    """A journey file for the CLI, checked to read back (with pathway's own YAML reader) as exactly ``data``."""
    text = yaml.dump(dict(data), Dumper=_QuotingDumper)  # non-ASCII escaped: PyYAML emits U+0085 raw otherwise
    assert parse_text(text, "<journey>").data == data
    return text


# (a) hash seeds ------------------------------------------------------------------------------------------------


def cli_trails(journey: Path, pathway: Path, folder: Path) -> list[tuple[str, int, bytes | None, str]]:
    """(seed, exit code, trail bytes or None, stderr) of ``pathway run`` under each hash seed, run side by side."""
    procs = []
    for seed in SEEDS:
        out = folder / f"seed-{seed}.jsonl"
        cmd = [sys.executable, "-m", "pathway", "run", str(journey), "--pathway", str(pathway), "--trail", str(out)]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        procs.append((seed, out, proc))
    results = []
    for seed, out, proc in procs:
        _, err = proc.communicate(timeout=120)
        results.append((seed, proc.returncode, out.read_bytes() if out.is_file() else None, err.decode()))
    return results


# No shrinking: each step would start three processes (minutes); the failing journey is printed as drawn.
@pytest.mark.slow
@settings(max_examples=2, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(data=st.data())
def test_trail_bytes_do_not_depend_on_the_hash_seed(subject: Subject, data: st.DataObject) -> None:
    """Few examples (three processes each), long journeys: where set order could leak, it has room to."""
    journey = data.draw(journeys(subject.analysis, least=10), label="journey")
    result = subject.run(journey)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "journey.yaml").write_text(journey_yaml(journey), encoding="utf-8")
        result.write(folder / "in-process.jsonl")
        expected = (folder / "in-process.jsonl").read_bytes()
        for seed, code, trail, err in cli_trails(folder / "journey.yaml", subject.path, folder):
            assert code == (0 if result.ok else 1), f"PYTHONHASHSEED={seed}: {err}"
            assert trail == expected, f"PYTHONHASHSEED={seed} wrote other bytes than the in-process run"


# (b) replay ----------------------------------------------------------------------------------------------------


@pytest.mark.slow
@FAST
@given(data=st.data())
def test_run_then_replay_reproduces(subject: Subject, data: st.DataObject) -> None:
    result = subject.run(data.draw(journeys(subject.analysis), label="journey"))
    with tempfile.TemporaryDirectory() as tmp:
        trail = Path(tmp) / "trail.jsonl"
        result.write(trail)
        replayed = replay(trail, subject.analysis)
    assert (replayed.status, replayed.records) == ("reproduced", len(result.records)), replayed.message
    assert replayed.replayed == result.records


# (c) one-byte edits --------------------------------------------------------------------------------------------

# Bytes an edit is likely to matter with (line breaks, JSON whitespace and punctuation, digits and number syntax,
# bytes that break UTF-8), printable ASCII (which mostly keeps the JSON valid), and any byte at all.
EDITS = st.one_of(
    st.sampled_from(b'\n\r\x0b\x0c\x1c \t"\\{}[]:,0159.eE+-tfnx\x00\x80\xc3\xff'),
    st.integers(0x20, 0x7E),
    st.integers(0, 255),
)


@dataclass(frozen=True)
class Expected:
    """What replay must say about an edited trail: the status and the 1-based line it names (None: none)."""

    status: str
    line: int | None = None


def finite(value: object) -> bool:
    """Whether a parsed JSON value holds only finite numbers (json.loads reads 1e999 as inf and accepts NaN)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, list):
        return all(finite(v) for v in value)
    return True


def jsonl_lines(data: bytes) -> list[bytes]:
    """The lines of a JSONL file: split at b"\\n" only, the newline that ends the last line dropped."""
    lines = data.split(b"\n")
    return lines[:-1] if lines[-1] == b"" else lines


def expected_after_edit(original: bytes, edited: bytes) -> Expected:
    """The rule, for a trail whose bytes differ from ``original`` in one place.

    Each record carries its link (``prev``) and the hash of its own canonical JSON, and verify_chain checks both on
    the record itself before moving on, so an edit inside record k is reported at k; the next record's ``prev``
    would notice too, but is never reached. The exceptions: an edit that leaves its line not UTF-8, not JSON, not
    an object or holding a number no float can hold (1e999) is a parse error at that line (PW402); so is a newline
    written inside a record (it splits the line, and the first part is a truncated object) or a newline replaced
    between two records (they share a line). In the header, a changed ``kind`` or ``schema`` means "not a trail"
    (PW402, line 1). An edit that parses to the same record, canonically (``2.0`` written ``2e0``, ``e`` written
    ``E``, a space or ``\\r`` after the last record), changes no hash: nothing can detect it, and replay reproduces.
    """
    old, new = jsonl_lines(original), jsonl_lines(edited)
    k = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    assert k < len(new), "one byte replaced cannot remove a line: every line of a trail is a non-empty record"
    try:
        record = json.loads(new[k].decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError both are
        return Expected("invalid", k + 1)
    if not isinstance(record, dict) or not finite(record):
        return Expected("invalid", k + 1)
    if canonical(record).encode("utf-8") == old[k] and new[k + 1 :] == old[k + 1 :]:
        return Expected("reproduced")
    if k == 0 and (record.get("kind") != "header" or record.get("schema") != SCHEMA):
        return Expected("invalid", 1)
    return Expected("tampered", k + 1)


def observed(result: ReplayResult) -> Expected:
    if result.status == "tampered":
        assert result.tamper is not None
        assert result.tamper.line == result.tamper.seq + 1
        return Expected("tampered", result.tamper.line)
    if result.status == "invalid":
        (diagnostic,) = result.diagnostics
        assert diagnostic.code == "PW402"
        return Expected("invalid", diagnostic.line)
    return Expected(result.status)


@pytest.mark.slow
@FAST
@given(data=st.data())
def test_a_one_byte_edit_is_reported_at_its_record_or_line(subject: Subject, data: st.DataObject) -> None:
    result = subject.run(data.draw(journeys(subject.analysis), label="journey"))
    with tempfile.TemporaryDirectory() as tmp:
        trail = Path(tmp) / "trail.jsonl"
        result.write(trail)
        original = trail.read_bytes()
        lines = original.split(b"\n")[:-1]
        k = data.draw(st.integers(0, len(lines) - 1), label="line index")
        width = len(lines[k])  # column `width` is the line's newline, drawn one time in four
        column = data.draw(st.one_of(*[st.integers(0, width)] * 3, st.just(width)), label="byte (column)")
        offset = sum(len(line) + 1 for line in lines[:k]) + column
        byte = data.draw(EDITS.filter(lambda b: b != original[offset]), label="new byte")
        edited = original[:offset] + bytes([byte]) + original[offset + 1 :]
        trail.write_bytes(edited)
        outcome = replay(trail, subject.analysis)
    expected = expected_after_edit(original, edited)
    event(f"expected: {expected.status}")
    assert observed(outcome) == expected, outcome.message


# (d) never raises, consistent records --------------------------------------------------------------------------


def check_records(records: Sequence[Mapping[str, Any]], inputs: int) -> None:
    """Header first, summary last, seq consecutive, the chain intact, every record plain canonical JSON, and
    every record after an input stamped with that input's number and time, but for those written at a wake-up
    before the next input: stamped with that next input's number and the wake-up's time, later than everything
    before it and not later than that input (docs/time.md)."""
    assert records[0]["kind"] == "header"
    assert records[0]["schema"] == SCHEMA
    assert records[-1]["kind"] == "summary"
    assert [r["seq"] for r in records] == list(range(len(records)))
    assert [r["kind"] for r in records[1:-1] if r["kind"] in ("header", "summary")] == []
    assert {r["kind"] for r in records} <= set(KINDS)
    assert verify_chain(records) is None
    assert all(json.loads(canonical(r)) == r for r in records)
    seen, at, wake = 0, None, None
    clock = datetime.min  # the time of the latest input or wake-up
    for r in records[1:]:
        if r["kind"] == "input":
            seen, at, wake = seen + 1, r["at"], None
            assert parse_time(r["at"])[0] >= clock
            clock = parse_time(r["at"])[0]
        elif (r["input"], r["at"]) != (seen, at) and r["at"] != wake:  # a new wake-up before the next input
            assert parse_time(r["at"])[0] > clock
            clock, wake = parse_time(r["at"])[0], r["at"]
        assert (r["input"], r["at"]) in ((seen, at), (seen + 1, wake))
    errors = [r for r in records if r["kind"] == "error" and r["code"] == "PW410"]
    assert len(errors) <= 1
    blocked = [r for r in records if r["kind"] == "error" and r["code"] == "PW411"]
    assert all(r["blocked"] and {c["outcome"] for c in r["blocked"]} == {"error"} for r in blocked)
    assert bool(blocked) == ("errors" in records[-1])
    if errors:  # the run stops at the input that cycled: records of that input may follow, no later input
        assert records[-1]["error"] == errors[0]["message"]
        assert records[-1]["input"] == errors[0]["input"] == seen
    else:
        assert (seen, records[-1]["error"]) == (inputs, None)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_engine_never_raises_and_every_record_is_chained(subject: Subject, data: st.DataObject) -> None:
    journey = data.draw(journeys(subject.analysis), label="journey")
    result = subject.run(journey)
    records = [r.to_dict() for r in result.records]
    check_records(records, len(journey["events"]))
    assert result.ok == (not any(r["kind"] == "error" for r in records))


@pytest.mark.slow
def test_generated_journeys_move_the_chart(subject: Subject) -> None:
    """The generator is not degenerate: it finds journeys that take a transition, that deviate, and that trip a
    guard that divides."""

    def kinds(journey: Mapping[str, Any]) -> set[str]:
        return {r.kind for r in subject.run(journey).records}

    strategy = journeys(subject.analysis)
    quick = settings(max_examples=500, database=None, phases=[Phase.generate])
    find(strategy, lambda j: "transition" in kinds(j), settings=quick)
    if subject.analysis.pathway.actions:
        find(strategy, lambda j: "deviation" in kinds(j), settings=quick)
    if any("/" in (t.when or "") for t in subject.analysis.index.transitions):
        find(strategy, lambda j: "error" in kinds(j), settings=quick)  # a zero divisor: a guard error


# Bugs these properties found in the trail reader, as examples ------------------------------------------------


def semantics_trail(tmp_path: Path, event: Mapping[str, Any]) -> tuple[Analysis, Path]:
    """The semantics fixture run on a one-event journey, its trail written under ``tmp_path``."""
    analysis = load_analysis(ROOT / "tests/fixtures/engine/semantics.yaml")
    trail = tmp_path / "trail.jsonl"
    Runner(analysis).run(journey_from_data({"journey": "t", "events": [event]}, analysis)).write(trail)
    return analysis, trail


@pytest.mark.parametrize("character", list(RAW_BREAKS), ids=["U+0085", "U+2028", "U+2029"])
def test_a_line_separator_in_free_text_replays(character: str, tmp_path: Path) -> None:
    """Canonical JSON (ensure_ascii=False) writes these raw inside strings; a reader that split lines with
    str.splitlines cut the record there, so a valid journey with one in a note replayed as 'invalid'."""
    analysis, trail = semantics_trail(tmp_path, {"at": "2026-01-01", "note": f"first{character}second"})
    assert character in trail.read_text(encoding="utf-8")
    assert replay(trail, analysis).status == "reproduced"


def test_a_byte_that_breaks_utf8_is_reported_at_its_line(tmp_path: Path) -> None:
    """Reading the whole file as UTF-8 reported any bad byte as PW401 at line 1."""
    analysis, trail = semantics_trail(tmp_path, {"at": "2026-01-01"})
    lines = trail.read_bytes().split(b"\n")
    lines[2] = lines[2][:5] + b"\xff" + lines[2][6:]
    trail.write_bytes(b"\n".join(lines))
    result = replay(trail, analysis)
    assert (result.status, [(d.code, d.line) for d in result.diagnostics]) == ("invalid", [("PW402", 3)])


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_a_number_no_float_holds_is_reported_at_its_line(number: str, tmp_path: Path) -> None:
    """json.loads reads these as inf or nan, and hashing the record (allow_nan=False) raised ValueError out of
    replay. One byte is enough where a trail holds a fraction: '.' -> 'e' turns 100000.875 into 100000e875."""
    analysis, trail = semantics_trail(tmp_path, {"at": "2026-01-01"})
    text = trail.read_text(encoding="utf-8")
    trail.write_text(text.replace('"input":1,', f'"input":{number},', 1), encoding="utf-8")
    result = replay(trail, analysis)
    assert (result.status, [(d.code, d.line) for d in result.diagnostics]) == ("invalid", [("PW402", 2)])
