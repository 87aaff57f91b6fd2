"""The trail format as typed records: every committed trail reads back into the models and writes back to the same
bytes, validates against the committed JSON Schema, and a record that does not fit is a located error.

The schema and the reference page are generated from the models; ``pathway generate --check`` keeps them fresh.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import pathway
from pathway.errors import InvalidInputError
from pathway.publish.trail_format import SCHEMA_PATH, trail_reference, trail_schema
from pathway.trail.io import canonical, digest, read_trail
from pathway.trail.records import KINDS, HeaderRecord, SummaryRecord
from tests.conftest import GOLDEN, ROOT

TRAILS = sorted([*(ROOT / "definitions").glob("*/trails/*.jsonl"), *(GOLDEN / "trails").glob("**/*.jsonl")])


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_are_trails_to_check() -> None:
    assert len(TRAILS) >= 14


@pytest.mark.parametrize("trail", TRAILS, ids=shown)
def test_a_committed_trail_reads_into_the_models_and_back_to_its_bytes(trail: Path) -> None:
    read = read_trail(trail)
    assert read.tamper is None
    lines = trail.read_text(encoding="utf-8").splitlines()
    assert [canonical(r) for r in read.records] == lines
    assert [digest(r) for r in read.records] == [r.hash for r in read.records]
    assert isinstance(read.records[0], HeaderRecord)
    assert isinstance(read.records[-1], SummaryRecord)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("trail", TRAILS, ids=shown)
def test_a_committed_trail_validates_against_the_schema(trail: Path, validator: jsonschema.Validator) -> None:
    for number, line in enumerate(trail.read_text(encoding="utf-8").splitlines(), start=1):
        errors = [e.message for e in validator.iter_errors(json.loads(line))]
        assert errors == [], f"line {number}"


def test_the_schema_refuses_what_the_models_refuse(validator: jsonschema.Validator) -> None:
    header = json.loads((ROOT / "definitions/example/trails/grade2-then-grade3.jsonl").read_text().splitlines()[0])
    assert list(validator.iter_errors(header)) == []
    assert list(validator.iter_errors({**header, "extra": 1}))
    assert list(validator.iter_errors({k: v for k, v in header.items() if k != "pathway"}))
    assert list(validator.iter_errors({**header, "kind": "headline"}))


def test_the_committed_schema_and_reference_are_what_the_models_generate() -> None:
    assert (ROOT / SCHEMA_PATH).read_text(encoding="utf-8") == trail_schema()
    page = (ROOT / "docs/reference/trail.md").read_text(encoding="utf-8")
    assert page == trail_reference()
    assert all(f"### {kind}\n" in page for kind in KINDS)


# A record whose chain is intact but which does not fit the format -------------------------------------------


@pytest.fixture
def records(tmp_path: Path) -> list[dict[str, Any]]:
    result = pathway.run("definitions/example", "definitions/example/journeys/grade2-then-grade3.yaml")
    return [r.to_dict() for r in result.records]


def forged(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    """The records written with a chain recomputed over them: intact, whatever they say."""
    prev = None
    for r in records:
        r["prev"] = prev
        r["hash"] = prev = digest(r)
    out = tmp_path / "forged.jsonl"
    out.write_text("".join(canonical(r) + "\n" for r in records), encoding="utf-8")
    return out


def problems(trail: Path) -> list[tuple[int, str]]:
    with pytest.raises(InvalidInputError) as caught:
        read_trail(trail)
    assert {d.code for d in caught.value.diagnostics} == {"PW402"}
    return [(d.line, d.message) for d in caught.value.diagnostics]


def test_a_header_without_its_pathway_is_a_located_error(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    del records[0]["pathway"]
    assert problems(forged(tmp_path, records)) == [
        (1, "line 1: the header record does not fit the trail format: field 'pathway': Field required")
    ]


def test_a_record_without_kind_is_a_located_error(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    del records[2]["kind"]
    records[4]["kind"] = "transitions"
    assert problems(forged(tmp_path, records)) == [
        (3, f"line 3: the record's 'kind' is missing; expected one of {', '.join(KINDS)}"),
        (5, f"line 5: the record's 'kind' is \"transitions\", not a record kind; expected one of {', '.join(KINDS)}"),
    ]


def test_a_value_of_the_wrong_type_names_its_field(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    records[2]["entered"] = "care"
    records[5]["alternatives"][0]["outcome"] = "maybe"
    found = problems(forged(tmp_path, records))
    assert [line for line, _ in found] == [3, 6]
    assert "field 'entered': Input should be a valid array" in found[0][1]
    assert "field 'alternatives[0].outcome': Input should be 'false', 'unknown', 'error' or 'pending'" in found[1][1]


def test_an_optional_field_is_left_out_never_null(
    tmp_path: Path, records: list[dict[str, Any]], validator: jsonschema.Validator
) -> None:
    records[0]["journey"]["description"] = None
    move = next(n for n, r in enumerate(records) if r["kind"] == "transition")
    records[move]["preempted"] = None
    assert not validator.is_valid(records[0])  # the schema says so too
    assert not validator.is_valid(records[move])
    assert problems(forged(tmp_path, records)) == [
        (
            1,
            "line 1: the header record does not fit the trail format: field 'journey': Value error, 'description' is "
            "null: an optional field is left out when it has no value",
        ),
        (
            move + 1,
            f"line {move + 1}: the transition record does not fit the trail format: Value error, 'preempted' is "
            "null: an optional field is left out when it has no value",
        ),
    ]


def test_replay_reports_a_record_that_does_not_fit_as_invalid(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    records[1]["facts"]["sensory_grade"] = [2]
    result = pathway.replay(forged(tmp_path, records))
    assert result.status == "invalid"
    assert [(d.code, d.line) for d in result.diagnostics] == [("PW402", 2)]
    assert "field 'facts.sensory_grade'" in result.diagnostics[0].message


def test_the_reference_page_documents_every_part_a_record_holds_once() -> None:
    """Every part model reachable from a record's fields has one section of its own (a part missing from the list
    would leave a link in the page that leads nowhere)."""
    from pydantic import BaseModel

    from pathway.publish.trail_format import PARTS
    from pathway.trail.records import RECORD_TYPES

    def parts_of(annotation: Any) -> set[type[BaseModel]]:
        found: set[type[BaseModel]] = set()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.add(annotation)
            for field in annotation.model_fields.values():
                found |= parts_of(field.annotation)
        for arg in getattr(annotation, "__args__", ()):
            found |= parts_of(arg)
        return found

    reachable = {p for record in RECORD_TYPES for f in record.model_fields.values() for p in parts_of(f.annotation)}
    assert len(PARTS) == len(set(PARTS))
    assert reachable == set(PARTS)
