"""Journeys: loaded from YAML and JSONL, checked against a pathway, every problem located (golden files)."""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathway.cohort.generate import journeys
from pathway.definition.analysis import Analysis, analyse
from pathway.definition.canonical import sha256_of
from pathway.definition.loader import load_analysis
from pathway.definition.model import Pathway
from pathway.diagnostics import Diagnostic, render_text
from pathway.diagnostics.codes import CODES
from pathway.errors import InvalidInputError, UnreadableInputError
from pathway.expr.durations import format_time
from pathway.journey import check
from pathway.journey.check import (
    Input,
    LoadedJourney,
    check_journey,
    input_from_record,
    input_to_record,
    journey_from_data,
    load_journey,
)
from pathway.journey.model import _TIME, parse_time
from pathway.journey.read import read_pin
from tests.conftest import FIXTURES, GOLDEN, ROOT, assert_golden

JOURNEYS = FIXTURES / "journeys"
INVALID = sorted(p for p in (JOURNEYS / "invalid").iterdir() if p.suffix in (".yaml", ".jsonl"))
TINY = "tests/fixtures/definitions/valid/tiny.yaml"


@pytest.fixture(scope="module")
def tiny() -> Analysis:
    return load_analysis(TINY)


def _rel(path: Path) -> str:
    return str(path.relative_to(FIXTURES.parent.parent))


def _codes(data: Mapping[str, object], analysis: Analysis) -> list[str]:
    with pytest.raises(InvalidInputError) as caught:
        journey_from_data(data, analysis)
    return [d.code for d in caught.value.diagnostics]


def _outcome(data: Mapping[str, object], analysis: Analysis) -> tuple[LoadedJourney | None, list[Diagnostic]]:
    """The journey, or None and the diagnostics it was refused with (anything else raised fails the test)."""
    try:
        return journey_from_data(data, analysis), []
    except InvalidInputError as err:
        return None, err.diagnostics


def _one(at: str = "2026-03-02", **event: object) -> dict[str, object]:
    return {"journey": "j", "events": [{"at": at, **event}]}


# Golden diagnostics: one fixture per code, each pointing at the offending key or value ----------------------------


def _pathway_of(path: Path, tiny: Analysis) -> Analysis:
    """The pathway an invalid fixture is checked against: the fixture under tests/fixtures/recommendations/ it pins
    (for what tiny cannot show, such as constraints), else tiny."""
    pin, _ = read_pin(path)
    pinned = FIXTURES / "recommendations" / f"{pin}.yaml"
    return load_analysis(pinned) if pin is not None and pinned.is_file() else tiny


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_journey_matches_golden(path: Path, tiny: Analysis) -> None:
    loaded, diagnostics = check_journey(_rel(path), _pathway_of(path, tiny))
    assert loaded is None
    assert diagnostics
    assert all(d.code in CODES and d.file == _rel(path) for d in diagnostics)
    assert diagnostics == sorted(diagnostics, key=lambda d: (d.line, d.column))
    assert_golden(GOLDEN / "journeys" / f"{path.stem}.txt", render_text(diagnostics) + "\n")


def test_every_journey_code_has_an_invalid_fixture() -> None:
    golden = "\n".join(p.read_text(encoding="utf-8") for p in (GOLDEN / "journeys").glob("*.txt"))
    journey_codes = {c for c, title in CODES.items() if title.startswith("journey ")}
    assert len(journey_codes) == 12
    assert {c for c in journey_codes if f": {c} " not in golden} == set()


def test_golden_files_have_fixtures() -> None:
    stems = {p.stem for p in INVALID}
    assert len(stems) == len(INVALID)
    assert {p.stem for p in (GOLDEN / "journeys").glob("*.txt")} == stems


def test_jsonl_positions_are_file_lines(tiny: Analysis) -> None:
    _, diagnostics = check_journey("tests/fixtures/journeys/invalid/jsonl_bad_lines.jsonl", tiny)
    assert [(d.code, d.line, d.column) for d in diagnostics] == [
        ("PW001", 4, 21),
        ("PW012", 5, 1),
        ("PW303", 6, 41),
        ("PW302", 6, 53),
        ("PW307", 7, 9),
        ("PW010", 7, 22),
        ("PW002", 8, 51),
    ]
    assert "the event before on line 6" in diagnostics[4].message


def test_jsonl_error_in_a_line_names_lines_of_the_file(tiny: Analysis) -> None:
    _, diagnostics = check_journey("tests/fixtures/journeys/invalid/jsonl_bad_lines.jsonl", tiny)
    duplicate = diagnostics[-1]
    assert duplicate.message == "duplicate key 'note' (first defined on line 8)"


def test_many_problems_are_reported_together_in_file_order(tiny: Analysis) -> None:
    _, diagnostics = check_journey("tests/fixtures/journeys/invalid/wrong_type.yaml", tiny)
    assert [(d.line, d.column) for d in diagnostics] == [
        (6, 13),
        (7, 14),
        (8, 14),
        (10, 21),
        (10, 31),
        (10, 46),
        (12, 20),
        (12, 38),
        (12, 56),
        (15, 14),
        (16, 13),
    ]
    assert diagnostics[1].message == "fact 'grade' takes a whole number, not 2.0"
    assert diagnostics[1].hint == "write 2 without the decimal point: an int fact takes whole numbers only"
    assert diagnostics[0].hint == "use true or false (unquoted): 'yes' is a string"


# Valid journeys ------------------------------------------------------------------------------------------------


def test_valid_yaml_journey_loads_typed_inputs(tiny: Analysis) -> None:
    journey = load_journey("tests/fixtures/journeys/valid.yaml", tiny)
    assert (journey.id, journey.pin, journey.path) == ("tiny-001", "tiny@1.0.0", "tests/fixtures/journeys/valid.yaml")
    assert journey.description == "Grade 2 with pain, then a cycle, then the care given"
    first, cycle, done, tick = journey.inputs
    assert first == Input(
        seq=1,
        at=datetime(2026, 3, 2),
        at_text="2026-03-02",
        facts={"grade": 2, "pain": True, "route": "iv", "onset_date": date(2026, 2, 20)},
        event=None,
        done=None,
        reason=None,
        note=None,
    )
    assert type(first.facts["pain"]) is bool
    assert type(first.facts["grade"]) is int
    assert (first.line, cycle.line, done.line, tick.line) == (6, 8, 11, 14)
    assert (cycle.seq, cycle.at, cycle.at_text, cycle.event, cycle.note) == (
        2,
        datetime(2026, 3, 9, 8, 30),
        "2026-03-09T08:30:00",
        "cycle_start",
        "day 1 of cycle 2",
    )
    assert (done.done, done.reason, done.at == cycle.at) == ("treat", "patient preference", True)
    assert (tick.at_text, dict(tick.facts), tick.event, tick.done) == ("2026-03-16T09:15:30", {}, None, None)


def test_yaml_and_jsonl_journeys_load_the_same_inputs(tiny: Analysis) -> None:
    from_yaml = load_journey("tests/fixtures/journeys/valid.yaml", tiny)
    from_jsonl = load_journey("tests/fixtures/journeys/valid.jsonl", tiny)
    assert from_jsonl.path == "tests/fixtures/journeys/valid.jsonl"
    header = (from_yaml.id, from_yaml.pin, from_yaml.description)
    assert (from_jsonl.id, from_jsonl.pin, from_jsonl.description) == header
    assert from_jsonl.inputs == from_yaml.inputs
    assert [i.line for i in from_jsonl.inputs] == [2, 4, 5, 6]  # line 3 is blank


def test_loaded_journey_cannot_be_changed(tiny: Analysis) -> None:
    journey = load_journey("tests/fixtures/journeys/valid.yaml", tiny)
    with pytest.raises(TypeError):
        journey.inputs[0].facts["grade"] = 3  # type: ignore[index]
    with pytest.raises(AttributeError):
        journey.inputs[0].seq = 5  # type: ignore[misc]


@pytest.mark.parametrize("pin", ["tiny", "tiny@1.0.0", None])
def test_matching_pins_load(pin: str | None, tiny: Analysis) -> None:
    data = _one() | ({"pathway": pin} if pin else {})
    assert journey_from_data(data, tiny).pin == pin


def test_pin_by_sha256_of_the_definition(tiny: Analysis) -> None:
    pin = f"sha256:{sha256_of(tiny.pathway)}"
    assert journey_from_data(_one() | {"pathway": pin}, tiny).pin == pin
    assert _codes(_one() | {"pathway": "sha256:" + "a" * 64}, tiny) == ["PW309"]


def test_equal_times_keep_file_order_and_a_bare_at_is_a_clock_tick(tiny: Analysis) -> None:
    data = {"journey": "j", "events": [{"at": "2026-03-02", "facts": {"grade": 1}}, {"at": "2026-03-02"}]}
    inputs = journey_from_data(data, tiny).inputs
    assert [(i.seq, dict(i.facts)) for i in inputs] == [(1, {"grade": 1}), (2, {})]


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({"grade": 4.0}, "PW302"),
        ({"grade": True}, "PW302"),
        ({"pain": "true"}, "PW302"),
        ({"pain": 0}, "PW302"),
        ({"route": "IV"}, "PW304"),
        ({"grade": 5}, "PW303"),
        ({"grade": -1}, "PW303"),
        ({"onset_date": "2026-02-29"}, "PW308"),
        ({"onset_date": "2026-03-02T10:00"}, "PW308"),
        ({"onset_date": "March 2nd"}, "PW302"),
        ({"grade_": 1}, "PW301"),
        ({"severe": True}, "PW301"),
    ],
)
def test_fact_values_are_never_coerced(facts: dict[str, object], code: str, tiny: Analysis) -> None:
    assert _codes(_one(facts=facts), tiny) == [code]


@pytest.fixture(scope="module")
def dosing() -> Analysis:
    """A pathway with number facts (tiny has none): a dose in mg/m2 from 0 to 1.3, a weight of at least 1."""
    facts = {"dose": {"type": "number", "min": 0, "max": 1.3, "unit": "mg/m2"}, "weight": {"type": "number", "min": 1}}
    states = {"start": {"initial": True, "final": True}}
    data = {"pathway": "dosing", "version": "1.0.0", "title": "Dosing", "status": "draft", "facts": facts}
    return analyse(Pathway.model_validate(data | {"states": states}))


@pytest.mark.parametrize("value", [1, 1.3, 0, 0.25])
def test_number_facts_take_ints_and_floats_as_given(value: float, dosing: Analysis) -> None:
    (inp,) = journey_from_data(_one(facts={"dose": value}), dosing).inputs
    assert inp.facts["dose"] == value
    assert type(inp.facts["dose"]) is type(value)


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"dose": 1.5}, "fact 'dose' is 1.5 mg/m2, outside its range: 0 to 1.3 mg/m2"),
        ({"weight": 0.5}, "fact 'weight' is 0.5, outside its range: at least 1"),
        ({"dose": float("nan")}, "fact 'dose' takes a number, not nan"),
        ({"dose": float("inf")}, "fact 'dose' takes a number, not inf"),
        ({"dose": False}, "fact 'dose' takes a number, not false"),
        ({"dose": "1.0"}, "fact 'dose' takes a number, not the string '1.0'"),
    ],
)
def test_number_fact_problems(facts: dict[str, object], message: str, dosing: Analysis) -> None:
    with pytest.raises(InvalidInputError) as caught:
        journey_from_data(_one(facts=facts), dosing)
    assert [d.message for d in caught.value.diagnostics] == [message]


def test_out_of_range_hint_names_the_unit(dosing: Analysis) -> None:
    with pytest.raises(InvalidInputError) as caught:
        journey_from_data(_one(facts={"dose": 13}), dosing)
    assert caught.value.diagnostics[0].hint == "check the value and its unit: the pathway's range is in mg/m2"


def test_data_diagnostics_are_at_line_one_of_the_name(tiny: Analysis) -> None:
    with pytest.raises(InvalidInputError) as caught:
        journey_from_data(_one(facts={"grade": 9}, done="nope"), tiny, name="api")
    assert [(d.file, d.line, d.column, d.code) for d in caught.value.diagnostics] == [
        ("api", 1, 1, "PW303"),
        ("api", 1, 1, "PW306"),
    ]


def test_data_must_be_plain_data(tiny: Analysis) -> None:
    assert _codes({"journey": "j", "events": [{"at": date(2026, 3, 2)}]}, tiny) == ["PW012"]
    assert _codes(
        {"journey": "j", "events": [{"at": "2026-03-02", "facts": {"onset_date": date(2026, 3, 1)}}]}, tiny
    ) == ["PW302"]


def test_a_top_level_list_is_not_a_journey(tiny: Analysis) -> None:
    assert _codes([{"at": "2026-03-02"}], tiny) == ["PW012"]  # type: ignore[arg-type]


# Unreadable input -------------------------------------------------------------------------------------------------


def test_missing_file_gives_pw007(tiny: Analysis) -> None:
    for name in ("tests/fixtures/journeys/nowhere.yaml", "tests/fixtures/journeys/nowhere.jsonl"):
        loaded, diagnostics = check_journey(name, tiny)
        assert loaded is None
        assert [(d.code, d.message, d.file) for d in diagnostics] == [("PW007", "file not found", name)]
        with pytest.raises(UnreadableInputError) as caught:
            load_journey(name, tiny)
        assert caught.value.exit_code == 2


def test_jsonl_not_utf8_and_empty(tmp_path: Path, tiny: Analysis) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"journey": "x"}\n{"at": "\xff"}\n')
    assert [(d.code, d.line) for d in check_journey(bad, tiny)[1]] == [("PW007", 2)]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n  \n", encoding="utf-8")
    assert [(d.code, d.hint) for d in check_journey(empty, tiny)[1]] == [
        ("PW008", 'expected a journey: "journey: <id>" and "events:", or in JSONL a header line {"journey": "<id>"}')
    ]
    with pytest.raises(InvalidInputError) as caught:
        load_journey(empty, tiny)
    assert caught.value.exit_code == 1


def test_jsonl_with_windows_line_ends(tmp_path: Path, tiny: Analysis) -> None:
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(b'{"journey": "crlf"}\r\n{"at": "2026-03-02", "facts": {"grade": 9}}\r\n\r\n{\r\n')
    assert [(d.code, d.line, d.column, d.message) for d in check_journey(path, tiny)[1]] == [
        ("PW303", 2, 41, "fact 'grade' is 9, outside its range: 0 to 4"),
        ("PW001", 4, 2, "did not find expected node content (while parsing a flow node at line 4, column 2)"),
    ]


def test_invalid_journey_raises_with_every_diagnostic(tiny: Analysis) -> None:
    with pytest.raises(InvalidInputError) as caught:
        load_journey("tests/fixtures/journeys/invalid/unknown_fact.yaml", tiny)
    assert [d.code for d in caught.value.diagnostics] == ["PW301", "PW301", "PW301"]
    assert "unknown_fact.yaml:6:7: PW301 unknown fact 'grdae' (and 2 more error(s))" in str(caught.value)
    assert caught.value.exit_code == 1


# Records, for the trail and replay ---------------------------------------------------------------------------------


def former_input_to_record(inp: Input) -> dict[str, object]:
    """input_to_record as it was first written: every optional key gathered, then those without a value left out."""

    def text(value: object) -> object:
        if isinstance(value, datetime):
            return format_time(value)
        return value.isoformat() if isinstance(value, date) else value

    record: dict[str, object] = {"at": inp.at_text, "facts": {k: text(v) for k, v in sorted(inp.facts.items())}}
    extra = {
        "event": inp.event,
        "done": inp.done,
        "declined": inp.declined,
        "reason_code": inp.reason_code,
        "reason": inp.reason,
        "signed": inp.signed,
        "by": inp.by,
        "note": inp.note,
        "until": inp.until or None,
        "sources": {k: dict(v) for k, v in inp.sources.items()} if inp.sources else None,
    }
    return record | {key: value for key, value in extra.items() if value is not None}


def test_input_to_record_writes_what_it_first_wrote() -> None:
    """Every input of every bundled journey, and one with every key (sources, until, dates), gives the same keys in
    the same order, the same values and types."""
    inputs: list[Input] = []
    for path in sorted(ROOT.glob("definitions/*/journeys/*.yaml")):
        inputs += load_journey(path, load_analysis(path.parent.parent / "pathway.yaml")).inputs
    for data in journeys(bipn(), 20, 10, decisions=True):  # declined, reasons, dates and date-times
        inputs += journey_from_data(data, bipn()).inputs
    inputs.append(
        Input(
            3,
            datetime(2026, 3, 2, 9, 30),
            "2026-03-02T09:30:00",
            MappingProxyType({"b": date(2026, 3, 1), "a": datetime(2026, 3, 1, 8, 0), "c": 1.5, "d": True}),
            "ev",
            "done-it",
            "why",
            "a note",
            until=True,
            declined="no",
            reason_code="patient-refusal",
            signed="s",
            by="attending",
            sources=MappingProxyType({"c": MappingProxyType({"resource": "Observation/1", "element": "value"})}),
        )
    )
    for inp in inputs:
        now, before = input_to_record(inp), former_input_to_record(inp)
        assert [(k, v, type(v)) for k, v in now.items()] == [(k, v, type(v)) for k, v in before.items()]
        assert json.dumps(now) == json.dumps(before)
    assert len(inputs) > 100


def test_input_to_record_is_json_ready_and_sorted(tiny: Analysis) -> None:
    first, cycle, done, _ = load_journey("tests/fixtures/journeys/valid.yaml", tiny).inputs
    record = input_to_record(first)
    assert record == {
        "at": "2026-03-02",
        "facts": {"grade": 2, "onset_date": "2026-02-20", "pain": True, "route": "iv"},
    }
    assert list(record["facts"]) == ["grade", "onset_date", "pain", "route"]  # type: ignore[call-overload]
    assert json.loads(json.dumps(record)) == record
    assert input_to_record(cycle) == {
        "at": "2026-03-09T08:30:00",
        "facts": {},
        "event": "cycle_start",
        "note": "day 1 of cycle 2",
    }
    assert input_to_record(done) == {
        "at": "2026-03-09T08:30:00",
        "facts": {},
        "done": "treat",
        "reason": "patient preference",
    }


def test_records_round_trip(tiny: Analysis) -> None:
    for inp in load_journey("tests/fixtures/journeys/valid.yaml", tiny).inputs:
        back = input_from_record(json.loads(json.dumps(input_to_record(inp))), tiny, inp.seq)
        assert back == inp
        assert (back.seq, back.at, back.at_text, dict(back.facts)) == (inp.seq, inp.at, inp.at_text, dict(inp.facts))
        assert back.line == 1


def test_input_from_record_checks_again(tiny: Analysis) -> None:
    rebuilt = input_from_record({"at": "2026-03-02", "facts": {"grade": 3}}, tiny, 7, name="trail.jsonl", line=12)
    assert (rebuilt.seq, rebuilt.line, dict(rebuilt.facts)) == (7, 12, {"grade": 3})
    with pytest.raises(InvalidInputError) as caught:
        input_from_record({"at": "2026-03-32", "facts": {"grade": 3.0}}, tiny, 7, name="trail.jsonl", line=12)
    assert [(d.code, d.file, d.line) for d in caught.value.diagnostics] == [
        ("PW302", "trail.jsonl", 12),
        ("PW308", "trail.jsonl", 12),
    ]


def test_input_from_record_reads_a_trail_record_ignoring_its_envelope(tiny: Analysis) -> None:
    record = {"seq": 4, "kind": "input", "at": "2026-03-09T08:30:00", "input": 2, "hash": "ab", "event": "cycle_start"}
    rebuilt = input_from_record(record, tiny, 2)
    assert (rebuilt.seq, rebuilt.at, rebuilt.event) == (2, datetime(2026, 3, 9, 8, 30), "cycle_start")
    assert dict(rebuilt.facts) == {}


# Random facts never crash -----------------------------------------------------------------------------------------

NAMES = st.sampled_from(["grade", "pain", "route", "onset_date", "severe", "grdae", "", "x" * 70, "1"])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
FACTS = st.dictionaries(NAMES | st.text(max_size=8), VALUES, max_size=6)
TIMES = st.sampled_from(["2026-03-02", "2026-03-02T10:00", "2026-02-30", "x"]) | st.text(max_size=20)


@pytest.mark.slow
@given(facts=FACTS, at=TIMES)
@settings(max_examples=300, deadline=None)
def test_random_facts_load_or_give_diagnostics(facts: dict[str, object], at: str, tiny: Analysis) -> None:
    journey, diagnostics = _outcome(_one(at=at, facts=facts), tiny)
    if journey is None:
        assert diagnostics
        assert all(d.code in CODES and (d.file, d.line) == ("<data>", 1) for d in diagnostics)
    else:
        assert set(journey.inputs[0].facts) == set(facts)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@pytest.mark.slow
@given(facts=st.dictionaries(NAMES | st.text(max_size=8), JSON_VALUES, max_size=6), at=TIMES)
@settings(max_examples=100, deadline=None)
def test_random_jsonl_files_load_or_give_diagnostics(facts: dict[str, object], at: str, tiny: Analysis) -> None:
    lines = [json.dumps({"journey": "random"}), json.dumps({"at": at, "facts": facts})]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        loaded, diagnostics = check_journey(path, tiny)
    assert (loaded is None) == bool(diagnostics)
    assert all(d.code in CODES and d.line in (1, 2) for d in diagnostics)


def _fields_time(text: str) -> datetime:
    """A journey time read field by field, as parse_time read every time before its faster path."""
    year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    hour, minute, second = int(text[11:13] or 0), int(text[14:16] or 0), int(text[17:19] or 0)
    return datetime(year, month, day, hour, minute, second)


TIMES = st.from_regex(_TIME, fullmatch=True) | st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}".format, *(st.integers(0, n) for n in (9999, 13, 32, 25, 61, 61))
)


EDGE_TIMES = [
    *("2024-02-29", "2023-02-29", "2026-02-30", "0001-01-01", "9999-12-31T23:59:59", "0000-01-01", "2026-13-01"),
    *("2026-00-10", "2026-01-00", "2026-01-01T24:00", "2026-01-01T23:60", "2026-01-01T23:59:60", "2026-06-30T00:00"),
]


@pytest.mark.parametrize("text", EDGE_TIMES)
def test_a_time_at_the_edges_reads_as_its_fields(text: str) -> None:
    check_time(text)


@pytest.mark.slow
@settings(max_examples=500, deadline=None, derandomize=True)
@given(TIMES)
def test_a_time_in_an_accepted_format_reads_as_its_fields(text: str) -> None:
    check_time(text)


def check_time(text: str) -> None:
    """parse_time's fast path (the C parser) gives the time its fields give, and refuses, worded, what they refuse
    (month 13, February 30, hour 24, second 60, year 0)."""
    try:
        expected: datetime | None = _fields_time(text)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(ValueError, match="is not a valid date"):
            parse_time(text)
    else:
        assert parse_time(text) == (expected, len(text) > 10)
        assert type(parse_time(text)[0]) is datetime
        events = [{"at": text + when} for when in ("", "T10:30", "T23:59:59") if len(text) == 10] or [{"at": text}]
        for event in events:
            loaded = journey_from_data({"journey": "j", "events": [event]}, bipn())
            at = loaded.inputs[0].at
            assert loaded.inputs[0].at_text == (at.isoformat() if len(event["at"]) > 10 else at.date().isoformat())


@functools.cache
def bipn() -> Analysis:
    return load_analysis(ROOT / "definitions/bipn/pathway.yaml")


def test_each_input_of_a_checked_journey_is_what_its_constructor_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    """check.py builds inputs without the frozen dataclass's ``__setattr__``: the same fields, values and order as
    the constructor gives, on every bundled journey."""

    def constructed(seq: int, timed: Any, facts: dict[str, object], e: Any) -> Input:
        return Input(
            seq,
            timed.at,
            timed.text,
            MappingProxyType(facts),
            e.event,
            e.done,
            e.reason,
            e.note,
            timed.line,
            declined=e.declined,
            reason_code=e.reason_code,
            signed=e.signed,
            by=e.by,
            sources=check._sources(e),
        )

    paths = sorted(ROOT.glob("definitions/*/journeys/*.yaml"))
    for path in paths:
        analysis = load_analysis(path.parent.parent / "pathway.yaml")
        fast = load_journey(path, analysis)
        with monkeypatch.context() as patched:
            patched.setattr(check, "_input", constructed)
            slow = load_journey(path, analysis)
        assert fast == slow
        for inp, made in zip(fast.inputs, slow.inputs, strict=True):
            assert [(k, v, type(v)) for k, v in vars(inp).items()] == [(k, v, type(v)) for k, v in vars(made).items()]
    assert len(paths) >= 10
