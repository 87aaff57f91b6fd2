"""Each resource checked against FHIR R4 with ``fhir.resources``' R4B models (R4B is R4 with the same resource
shapes for what pathway reads), imported lazily: without the extra, the import says how to install it."""

from __future__ import annotations

from functools import cache
from typing import Any

from pathway.errors import UsageError

INSTALL = "pip install 'pathway[fhir]'"


@cache
def _model(resource_type: str) -> Any:
    try:
        from fhir.resources.R4B import get_fhir_model_class
    except ImportError:
        raise UsageError(f"reading FHIR needs the fhir.resources package: {INSTALL}") from None
    try:
        return get_fhir_model_class(resource_type)
    except (ValueError, KeyError, AttributeError):
        return None


def require() -> None:
    """Raise the install hint now when ``fhir.resources`` is missing, before any file is read."""
    _model("Patient")


def problem(resource: dict[str, Any]) -> tuple[str, str] | None:
    """(the element, what is wrong) when the resource is not valid FHIR R4, else None."""
    kind = str(resource.get("resourceType"))
    model = _model(kind)
    if model is None:
        return "resourceType", f"'{kind}' is not a FHIR R4 resource type"
    from pydantic import ValidationError

    try:
        model.model_validate(resource)
    except ValidationError as err:
        first = err.errors()[0]
        element = ".".join(str(part) for part in first["loc"]) or "(resource)"
        return element, str(first["msg"])
    except (ValueError, TypeError) as err:  # fhir.resources' own checks
        return "(resource)", str(err)
    return None
