"""Sealing without validation (:mod:`pathway.trail.sealing`, :mod:`pathway.trail.writers`) gives exactly what
validating, ``model_dump`` and ``json.dumps`` give: the same record (values, their types, the fields set) and the
same line, byte for byte, with either encoder (the standard library's, and orjson's when it is installed).

(a) Every record of every trail the engines write for the committed trails (frozen, bundled, fixtures) and the
    bundled journeys, on both engines: each record the engine seals is sealed again the reference way and compared.
(b) Random JSON data (hypothesis: non-ASCII and control characters, huge integers, floats of every magnitude):
    both encoders write what ``json.dumps`` writes, or refuse what it refuses.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from pathway.audit.replay import intact_records, journey_of
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.engine import execute
from pathway.engine.engines import ENGINES, engine_for
from pathway.journey.check import LoadedJourney, journey_from_data, load_journey
from pathway.trail import manifest, parts, records
from pathway.trail.encode import HAS_ORJSON, dumps
from pathway.trail.io import canonical, seal_line
from pathway.trail.plain import file_dict, layout, trusted
from pathway.trail.records import SCHEMA, InputRecord, TransitionRecord
from pathway.trail.sealing import seal_values
from pathway.trail.writers import ORJSON, STD, Backend, encodable, using
from tests.conftest import ROOT
from tests.test_compiled_engine import ANALYSES, TRAILS

BACKENDS = [STD, *([ORJSON] if ORJSON is not None else [])]


def reference_dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def reference_seal(kind: type[BaseModel], values: Mapping[str, Any]) -> tuple[BaseModel, str]:
    """How records were sealed before: validated, dumped, hashed, copied with the hash."""
    record = kind(**{**values, "hash": ""})
    data = record.model_dump(mode="json", by_alias=True)
    body = reference_dumps({k: v for k, v in data.items() if k != "hash"})
    sealed = record.model_copy(update={"hash": hashlib.sha256(body.encode("utf-8")).hexdigest()})
    return sealed, reference_dumps(sealed.model_dump(mode="json", by_alias=True))


def same_types(left: Any, right: Any, where: str = "") -> str | None:
    """Where two equal values differ in type (a str subclass, a list for a tuple, a dict for a model)."""
    if type(left) is not type(right):
        return f"{where}: {type(left).__name__} and {type(right).__name__}"
    if isinstance(left, BaseModel):
        left, right = left.__dict__, right.__dict__
    if isinstance(left, dict):
        found = (same_types(left[k], right[k], f"{where}.{k}") for k in left)
    elif isinstance(left, tuple | list):
        found = (same_types(a, b, f"{where}[{n}]") for n, (a, b) in enumerate(zip(left, right, strict=True)))
    else:
        return None
    return next((f for f in found if f), None)


def nested_parts(value: Any) -> Iterator[BaseModel]:
    """Every model inside a record's fields (not the record itself), depth first."""
    items = value.__dict__.values() if isinstance(value, BaseModel) else value
    for item in items.values() if isinstance(items, dict) else items:
        if isinstance(item, BaseModel):
            yield item
            yield from nested_parts(item)
        elif isinstance(item, dict | tuple | list):
            yield from nested_parts(item)


class Checked:
    """Runs journeys and checks every record the run sealed: sealed again from its values the reference way, and with
    each backend, and validated again whole (its nested parts built without validation too). The values are read
    back from the record (sealing without validation keeps the very values it was given, and the fields given as
    its fields set), so nothing is patched: the same check holds on the native build, whose compiled run no
    monkeypatch reaches."""

    def __init__(self) -> None:
        self.records = 0
        self.kinds: set[str] = set()

    def run(self, analysis: Analysis, engine: str, journey: LoadedJourney, schema: str = SCHEMA) -> list[str]:
        """The journey's trail lines (a trail of format ``schema``), each record of it checked."""
        made, lines = execute.run_trail(analysis, engine_for(analysis, engine), journey, schema)
        for record, line in zip(made, lines, strict=True):
            values = {name: record.__dict__[name] for name in record.model_fields_set if name != "hash"}
            assert self.check(type(record), values) == line, type(record).__name__
        return lines

    def check(self, kind: type[BaseModel], values: dict[str, Any]) -> str:
        """The line the reference way writes, once every way of sealing these values was checked against it."""
        expected, line = reference_seal(kind, values)
        for backend in BACKENDS:
            before = using(backend)
            try:
                record, written = seal_values(kind, dict(values))
                resealed, again = seal_line(record)  # a record already built, sealed again: the same
            finally:
                using(before)
            assert again == line, f"{backend.name}: {kind.__name__}"
            assert resealed == record
            assert resealed.model_fields_set == record.model_fields_set
            assert written == line, f"{backend.name}: {kind.__name__}\n{written}\n{line}"
            assert record == expected, kind.__name__
            assert same_types(record, expected) is None, same_types(record, expected)
            assert record.model_fields_set == expected.model_fields_set
            assert file_dict(record) == expected.model_dump(mode="json", by_alias=True)
            assert list(file_dict(record)) == list(expected.model_dump(mode="json", by_alias=True))
            assert canonical(record) == line
            deep = kind.model_validate(record.model_dump())  # every nested part validated again too
            assert deep == record
            assert same_types(record, deep) is None, same_types(record, deep)
            for part in nested_parts(record):  # each built by trusted(): as validating its fields builds it
                given = {name: getattr(part, name) for name in part.model_fields_set}
                validated = type(part)(**given)
                assert list(vars(part).items()) == list(vars(validated).items()), type(part).__name__
                assert part.model_fields_set == validated.model_fields_set, type(part).__name__
                assert (part.__pydantic_extra__, part.__pydantic_private__) == (None, None)
                assert same_types(part, validated) is None, same_types(part, validated)
        self.records += 1
        self.kinds.add(kind.__name__)
        return line


@pytest.fixture
def checked() -> Checked:
    return Checked()


@pytest.mark.parametrize("trail", TRAILS, ids=[str(p.relative_to(ROOT)) for p in TRAILS])
def test_every_record_of_every_committed_trail_seals_as_validated(trail: Path, checked: Checked) -> None:
    written = trail.read_text(encoding="utf-8").splitlines()
    header = json.loads(written[0])
    analysis = ANALYSES[header["pathway"]["sha256"]]
    journey = journey_of(intact_records(trail), analysis, str(trail))
    assert checked.run(analysis, "compiled", journey, header["schema"]) == written  # reproduced, byte for byte
    assert checked.records > 2


JOURNEYS = sorted((ROOT / "definitions").glob("*/journeys/*.yaml"))


@pytest.mark.parametrize("engine", ENGINES)
def test_every_record_of_the_bundled_journeys_seals_as_validated(engine: str, checked: Checked) -> None:
    for path in JOURNEYS:
        analysis = load_analysis(path.parent.parent / "pathway.yaml")
        checked.run(analysis, engine, load_journey(path, analysis))
    assert len(JOURNEYS) >= 10
    assert {"InputRecord", "TransitionRecord", "IssuedRecord", "WaitingRecord", "SummaryRecord"} <= checked.kinds


def test_records_of_imported_journeys_with_sources_seal_as_validated(checked: Checked) -> None:
    """An input's sources (`pathway import fhir`) are parts of the record, as validation made them."""
    analysis = load_analysis(ROOT / "definitions/bipn/pathway.yaml")
    events = [
        {"at": "2026-01-01", "facts": {"age": 60, "diagnosis": "other"}},
        {
            "at": "2026-01-02",
            "facts": {"dose_mg_m2": 1.3, "age": 61},
            "sources": {
                "dose_mg_m2": {"resource": "MedicationAdministration/m-1", "element": "dosage", "file": "a.json"},
                "age": {"resource": "Patient/p-1", "element": "birthDate"},
            },
        },
    ]
    journey = journey_from_data({"journey": "sourced", "events": events}, analysis)
    for engine in ENGINES:
        checked.run(analysis, engine, journey)
    assert checked.records >= 8


def test_every_trail_model_has_a_layout() -> None:
    """The fast paths are taken: no model of the trail or its manifests falls back to pydantic."""
    models = [
        *records.RECORD_TYPES,
        *(v for v in vars(parts).values() if isinstance(v, type) and issubclass(v, parts.Part)),
        manifest.Manifest,
        manifest.SealedTrail,
    ]
    assert [m.__name__ for m in models if layout(m) is None] == []


def test_trusted_values_are_checked_for_fit() -> None:
    with pytest.raises(TypeError, match="unknown field"):
        trusted(parts.FirstIssued, id="a", first="2024-01-01", firts="x")
    with pytest.raises(TypeError, match="missing field"):
        trusted(parts.FirstIssued, id="a")
    with pytest.raises(TypeError, match="unknown field"):
        seal_values(InputRecord, {"seq": 1, "prev": "p", "at": "2024-01-01", "input": 1, "facts": {}, "bogus": 1})
    with pytest.raises(TypeError, match="missing field"):
        seal_values(TransitionRecord, {"seq": 1, "prev": "p", "at": "2024-01-01", "input": 1})
    assert trusted(parts.ReadFact, **{"value": 1, "from": 2}) == parts.ReadFact(value=1, from_=2)


def test_a_part_whose_fields_are_all_true_is_built_once() -> None:
    """ReadUnknown is the same whenever the engine makes it: one instance serves, equal to the validated one; a
    value that is not True itself (1) is built as given."""
    first, again = trusted(parts.ReadUnknown, unknown=True), trusted(parts.ReadUnknown, unknown=True)
    assert first is again
    assert list(vars(first).items()) == list(vars(parts.ReadUnknown(unknown=True)).items())
    assert first.model_fields_set == {"unknown"}
    odd = trusted(parts.ReadUnknown, unknown=1)
    assert odd is not first
    assert type(odd.unknown) is int
    with pytest.raises(TypeError, match="unknown field"):
        trusted(parts.ReadUnknown, unknown=True, extra=True)


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_a_field_given_by_its_file_key_seals_as_by_its_name(backend: Backend) -> None:
    values = {"seq": 3, "prev": "0" * 64, "at": "2024-01-01", "input": 2, "action": "a", "state": "s", "fact": "f"}
    before = using(backend)
    try:
        by_key, line = seal_values(records.FulfilledRecord, {**values, "value": 1.5, "from": 2})
    finally:
        using(before)
    expected = reference_seal(records.FulfilledRecord, {**values, "value": 1.5, "from_": 2})
    assert (by_key, line) == expected
    assert by_key.model_fields_set == expected[0].model_fields_set


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
@pytest.mark.parametrize(
    "facts",
    [
        {"big": 2**70, "neg": -(2**64)},  # beyond orjson's 64 bits: the standard library writes them
        {"tiny": 1e-7, "huge": 1e16, "exact": 0.1, "neg": -0.0, "low": 5e-324, "high": 1.7976931348623157e308},
        {"text": 'é\u2028\x00\x1f\x7f"\\ 😀', "flag": True, "n": 0},
        {"hash": "\x00", ',"hash":\x00': "\x00", "a\x00": 1.5},  # where the sealer holds the hash's place
    ],
)
def test_input_records_seal_as_validated(backend: Backend, facts: dict[str, Any]) -> None:
    values = {"seq": 1, "prev": "0" * 64, "at": "2024-01-01", "input": 1, "facts": facts, "note": "ü"}
    before = using(backend)
    try:
        record, line = seal_values(InputRecord, values)
        assert seal_line(record)[1] == line
    finally:
        using(before)
    assert (record, line) == reference_seal(InputRecord, values)


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
@pytest.mark.parametrize(("value", "error"), [(math.inf, ValueError), (math.nan, ValueError), ("\ud800", UnicodeError)])
def test_what_the_reference_refuses_is_refused(backend: Backend, value: Any, error: type[Exception]) -> None:
    values = {"seq": 1, "prev": "0" * 64, "at": "2024-01-01", "input": 1, "facts": {"x": value}}
    with pytest.raises(error):
        reference_seal(InputRecord, values)
    before = using(backend)
    try:
        with pytest.raises(error):
            seal_values(InputRecord, values)
    finally:
        using(before)


class Sparse(parts.Part):
    """A sealed model whose keys before ``hash``, or after it, may all be left out."""

    alpha: str | None = parts.optional("A key before hash.")
    hash: str
    zeta: int | None = parts.optional("A key after hash.")


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
@pytest.mark.parametrize("values", [{}, {"alpha": "a"}, {"zeta": 1}, {"alpha": "a", "zeta": 2}])
def test_a_record_whose_halves_may_be_empty_seals_as_validated(backend: Backend, values: dict[str, Any]) -> None:
    before = using(backend)
    try:
        sealed = seal_values(Sparse, values)
    finally:
        using(before)
    assert sealed == reference_seal(Sparse, values)
    assert sealed[0].model_fields_set == {*values, "hash"}


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


class Doc(parts.Part):
    """A model holding any JSON data, to run the backends on it."""

    value: dict[str, Any]


@pytest.mark.slow
@pytest.mark.skipif(not HAS_ORJSON, reason="orjson is not installed")
@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.dictionaries(st.text(max_size=6), JSON, max_size=5))
def test_both_encoders_write_what_json_dumps_writes(data: dict[str, Any]) -> None:
    try:
        expected: str | None = reference_dumps(data)
        expected.encode("utf-8")
    except (ValueError, UnicodeError):
        expected = None
    assert dumps(data) == reference_dumps(data)
    for backend in BACKENDS:
        marked = encodable_data(data, backend)
        try:
            written = backend.dumps(marked).decode("utf-8")
        except Exception:  # Unwritable: the caller writes it with the standard library
            written = STD.dumps(data).decode("utf-8") if expected is not None else None
        assert written == expected, backend.name


def encodable_data(data: Any, backend: Backend) -> Any:
    """Data with its floats marked for the backend, as the writers mark a model's values."""
    if isinstance(data, dict):
        return {k: encodable_data(v, backend) for k, v in data.items()}
    if isinstance(data, list):
        return [encodable_data(v, backend) for v in data]
    return backend.number(data)


def test_a_model_without_a_layout_is_written_from_its_dump() -> None:
    doc = Doc(value={"a": [1.5, 1e16, "x"]})
    assert layout(Doc) is None
    for backend in BACKENDS:
        assert backend.dumps(encodable(doc, backend.number)).decode() == reference_dumps(doc.model_dump(mode="json"))
