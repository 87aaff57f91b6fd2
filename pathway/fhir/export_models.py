"""Every exported resource goes through the FHIR R4B models of ``fhir.resources`` before it is written: what is
written is what validated, serialised deterministically (sorted keys, two-space indent, a final newline).

``fhir.resources`` is an optional dependency (``pip install 'pathway[fhir]'``), imported only here and only when
something is exported.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from pathway.errors import ExitCode, PathwayError, UsageError

INSTALL_HINT = "pip install 'pathway[fhir]'"


class ExportError(PathwayError):
    """A resource pathway built does not validate against the FHIR R4B model: nothing is written."""

    exit_code = ExitCode.FINDINGS
    kind = "export"


def _model(resource_type: str) -> Any:
    try:
        module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    except ModuleNotFoundError as err:
        if err.name and err.name.startswith("fhir"):
            raise UsageError(
                f"exporting FHIR needs the 'fhir.resources' package, which is not installed: {INSTALL_HINT}"
            ) from err
        raise
    return getattr(module, resource_type)


def validated(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource as the R4B model reads it back (its JSON form), or an ExportError naming each field at fault."""
    from pydantic import ValidationError

    model = _model(resource["resourceType"])
    try:
        parsed = model.model_validate(resource)
    except ValidationError as err:
        where = f"{resource['resourceType']}/{resource.get('id', '?')}"
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors(include_url=False)[:10]
        )
        raise ExportError(f"the exported {where} does not validate as FHIR R4B: {problems}") from None
    data: dict[str, Any] = json.loads(parsed.model_dump_json(exclude_none=True, by_alias=True))
    return data


def resource_text(resource: dict[str, Any]) -> str:
    """The JSON file of a resource: sorted keys, indented, non-ASCII text as it is, one final newline."""
    return json.dumps(resource, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
