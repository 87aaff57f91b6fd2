"""The committed JSON Schema is what editors use: it must accept every valid definition and flag mistakes (that it
matches the models is checked once, by ``pathway generate --check`` in ``make test``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from pathway.publish.schema import SCHEMA_PATH
from pathway.source.reader import load_file
from tests.conftest import FIXTURES

BUNDLED = sorted(Path("definitions").glob("*/pathway.yaml"))
VALID = BUNDLED + [FIXTURES / "definitions" / "valid" / "tiny.yaml"]


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", VALID, ids=str)
def test_schema_accepts_valid_definitions(path: Path) -> None:
    errors = list(_validator().iter_errors(load_file(path).data))
    assert errors == []


@pytest.mark.parametrize(
    ("fixture", "fragment"),
    [
        ("unknown_key", "'whenn' was unexpected"),
        ("bad_status", "'aproved' is not one of"),
        ("missing_key", "'version' is a required property"),
        ("wrong_type_bool", "'yes' is not of type 'boolean'"),
        ("bad_state_id", "'High' does not match"),
    ],
)
def test_schema_flags_mistakes_an_editor_should_show(fixture: str, fragment: str) -> None:
    data = load_file(FIXTURES / "definitions" / "invalid" / f"{fixture}.yaml").data
    messages = [e.message for e in _validator().iter_errors(data)]
    assert any(fragment in m for m in messages), messages


@pytest.mark.parametrize("path", BUNDLED, ids=str)
def test_bundled_definitions_point_the_language_server_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path} must start with '# yaml-language-server: $schema=...'"
    assert (path.parent / match.group(1)).resolve() == SCHEMA_PATH.resolve()
