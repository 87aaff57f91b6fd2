"""The JSON Schema of the definition format, generated from the pydantic models and committed for editors.

Editors with the YAML language server read it through the ``# yaml-language-server: $schema=...`` line at the top
of each definition, so that keys complete and errors show while the designer types.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pathway.definition.model import Pathway
from pathway.publish.format_doc import format_reference

SCHEMA_PATH = Path("schema") / "pathway.schema.json"
REFERENCE_PATH = Path("docs") / "reference" / "definition-format.md"
SCHEMA_ID = "https://pathway.invalid/schema/pathway.schema.json"


def strict_keys(node: Any) -> Any:
    """Rewrite pydantic's ``patternProperties`` for constrained dict keys into ``propertyNames`` plus
    ``additionalProperties``: with ``patternProperties`` alone, a key that does not match is silently allowed."""
    if isinstance(node, list):
        return [strict_keys(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: strict_keys(value) for key, value in node.items()}
    patterns = out.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) == 1 and "additionalProperties" not in out:
        ((pattern, value_schema),) = patterns.items()
        del out["patternProperties"]
        out["propertyNames"] = {**out.get("propertyNames", {}), "pattern": pattern}
        out["additionalProperties"] = value_schema
    return out


def definition_schema() -> str:
    """The schema text, deterministic (same models, same bytes), ending in a newline."""
    schema = strict_keys(Pathway.model_json_schema())
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generated(schema_path: Path = SCHEMA_PATH, reference_path: Path = REFERENCE_PATH) -> dict[Path, str]:
    """Every artefact generated from the models, by path."""
    return {schema_path: definition_schema(), reference_path: format_reference() + "\n"}


def write_generated(files: dict[Path, str]) -> list[Path]:
    """Write the files whose content differs; return those written."""
    written = []
    for path, text in files.items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale(files: dict[Path, str]) -> list[Path]:
    """The files that are missing or differ from what the models generate."""
    return [p for p, text in files.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
