"""The vocabulary of the CPG-on-FHIR export: the canonical URLs of the profiles, extensions and code systems it
uses, the media type of pathway's guard language, and the small builders every exported resource shares (stable
FHIR ids, canonical URLs, codings, durations, hashes as RFC 6920 names).

Profiles and extensions are those of HL7 Clinical Practice Guidelines 2.0.0 (STU2, http://hl7.org/fhir/uv/cpg/),
which takes strength and quality from the FHIR extensions pack (``cqf-strengthOfRecommendation``,
``cqf-qualityOfEvidence``, context ``PlanDefinition.action``) and adds ``cpg-directionOfRecommendation``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta
from typing import Any

CPG = "http://hl7.org/fhir/uv/cpg"
PROFILE = {
    "pathway": f"{CPG}/StructureDefinition/cpg-pathwaydefinition",
    "strategy": f"{CPG}/StructureDefinition/cpg-strategydefinition",
    "recommendation": f"{CPG}/StructureDefinition/cpg-recommendationdefinition",
    "activity": f"{CPG}/StructureDefinition/cpg-computableactivity",
    "careplan": f"{CPG}/StructureDefinition/cpg-careplan",
    "strategy_instance": f"{CPG}/StructureDefinition/cpg-strategy",
}
STRENGTH_EXTENSION = "http://hl7.org/fhir/StructureDefinition/cqf-strengthOfRecommendation"
QUALITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence"
DIRECTION_EXTENSION = f"{CPG}/StructureDefinition/cpg-directionOfRecommendation"
DIRECTION_SYSTEM = f"{CPG}/CodeSystem/cpg-recommendation-direction-cs"
PART_OF_EXTENSION = f"{CPG}/StructureDefinition/cpg-partOf"
COMMON_PROCESS = f"{CPG}/CodeSystem/cpg-common-process-cs"
ACTIVITY_TYPE = f"{CPG}/CodeSystem/cpg-activity-type-cs"
PLAN_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
LIBRARY_TYPE = "http://terminology.hl7.org/CodeSystem/library-type"
UCUM = "http://unitsofmeasure.org"
URI_SYSTEM = "urn:ietf:rfc:3986"
"""An identifier whose value is itself a URI (here an RFC 6920 ``ni:`` name of a hash)."""

GUARD_LANGUAGE = "text/x-pathway-guard"
"""The media type of an expression in pathway's guard language (docs/guards.md): not CQL, not FHIRPath."""
VALUE_LANGUAGE = "application/json"
"""The media type of a value the definition gives (a number or text), or of a table of cases, as JSON."""

DEFAULT_BASE = "http://example.org/fhir"
"""The canonical base when none is given: example.org is reserved for examples; a publisher passes its own."""

_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_BASE = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")


def fhir_id(*parts: str) -> str:
    """A FHIR id (``[A-Za-z0-9-.]{1,64}``) from the parts: joined with ``-``, ``_`` written ``-``, any other
    character dropped; a longer one is cut and ends with 8 hex digits of the full text's sha256, so it stays unique
    and the same on every export."""
    text = "-".join(parts)
    cleaned = re.sub(r"[^A-Za-z0-9\-.]", "", text.replace("_", "-")) or "x"
    if len(cleaned) <= 64 and cleaned == text.replace("_", "-"):
        return cleaned
    return f"{cleaned[:55]}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def is_fhir_id(text: str) -> bool:
    return bool(_FHIR_ID.fullmatch(text))


def check_base(base: str) -> str | None:
    """Why ``base`` cannot be a canonical base URL, or None: an http(s) URL without query, fragment or final '/'."""
    if not _BASE.fullmatch(base) or base.endswith("/"):
        return f"'{base}' is not a canonical base: expected an http(s) URL without a final '/', e.g. {DEFAULT_BASE}"
    return None


def computable_name(*parts: str) -> str:
    """A computable name (``[A-Z][A-Za-z0-9_]*``): each word capitalised, e.g. ``BipnRecLowGrade``."""
    words = [w for p in parts for w in re.split(r"[^A-Za-z0-9]+", p) if w]
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Pathway"
    return name if name[0].isalpha() else f"P{name}"


def words(identifier: str) -> str:
    """An id as words: ``low_grade`` -> ``Low grade``."""
    text = identifier.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"system": system, "code": code} | ({"display": display} if display else {})


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)]}


def process(code: str = "guideline-based-care") -> list[dict[str, Any]]:
    """An action's code from the CPG common process code system (``guideline-based-care`` for recommendations)."""
    return [concept(COMMON_PROCESS, code)]


_UNITS = (
    (timedelta(weeks=1), "wk"),
    (timedelta(days=1), "d"),
    (timedelta(hours=1), "h"),
    (timedelta(minutes=1), "min"),
)


def duration(length: timedelta) -> dict[str, Any]:
    """A FHIR Duration in the largest UCUM unit that divides it: ``2w`` -> 2 wk, ``36h`` -> 36 h."""
    for unit_length, unit in _UNITS:
        if length % unit_length == timedelta(0):
            return {"value": length // unit_length, "unit": unit, "system": UCUM, "code": unit}
    raise ValueError(f"{length} is not a whole number of minutes")  # durations are whole minutes: a bug


def period_of(length: timedelta) -> dict[str, Any]:
    """The ``repeat`` of a Timing that recurs once per ``length``."""
    d = duration(length)
    return {"frequency": 1, "period": d["value"], "periodUnit": d["unit"]}


def ni_name(hex_digest: str) -> str:
    """A sha256 (hex) as an RFC 6920 name: ``ni:///sha-256;<base64url, no padding>``."""
    raw = bytes.fromhex(hex_digest)
    return "ni:///sha-256;" + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def hash_identifier(hex_digest: str) -> dict[str, Any]:
    """An Identifier naming content by its sha256 (RFC 6920), the form a Library, a trail and a Provenance share."""
    return {"system": URI_SYSTEM, "value": ni_name(hex_digest)}


def extension(url: str, **value: Any) -> dict[str, Any]:
    """``{"url": url, "valueX": ...}`` from one keyword, e.g. ``extension(u, valueBoolean=True)``."""
    return {"url": url, **value}
