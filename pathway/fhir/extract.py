"""A resource -> the fact values a pathway's bindings take from it, each with its source (resource, element); or
the findings about why it gives nothing: no patient (PW704), the bound code under another system (PW709), a unit
not accepted (PW706), a value that cannot be used (PW710). A resource no binding selects is returned as unbound,
for the counts (PW705)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pathway.definition.bindings import FhirBinding
from pathway.definition.model import Fact, Pathway
from pathway.definition.units import convert
from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code
from pathway.fhir.read import Located, finding

ACTIVE = {"active": True, "recurrence": True, "relapse": True, "inactive": False, "remission": False, "resolved": False}
"""A Condition's clinicalStatus (terminology.hl7.org/CodeSystem/condition-clinical) as presence."""
_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:T([0-9]{2}:[0-9]{2}:[0-9]{2}))?")
_FIRST_DOSAGE = "dosageInstruction.0"


@dataclass(frozen=True)
class Value:
    """One fact value for one patient at one time, with where it came from."""

    patient: str
    at: str
    fact: str
    value: bool | int | float | str
    resource: str
    element: str
    file: str
    line: int


@dataclass(frozen=True)
class Unbound:
    """A resource no binding selects: its type and first code, for the counts."""

    kind: str
    code: str
    file: str
    line: int


def patient_of(resource: dict[str, Any]) -> str | None:
    """The patient id a resource is about (``subject`` or ``patient``: 'Patient/x' or 'urn:uuid:x')."""
    for key in ("subject", "patient"):
        ref = resource.get(key)
        text = ref.get("reference") if isinstance(ref, dict) else None
        if isinstance(text, str):
            if text.startswith("Patient/") and len(text) > 8:
                return text[8:]
            if text.startswith("urn:uuid:") and len(text) > 9:
                return text[9:]
    return None


def _get(data: object, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, list):
            data = data[int(part)] if part.isdigit() and int(part) < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def tokens(concept: object) -> list[str]:
    """The ``system|code`` of each coding of a CodeableConcept."""
    codings = concept.get("coding") if isinstance(concept, dict) else None
    return [f"{c.get('system')}|{c.get('code')}" for c in codings or [] if isinstance(c, dict)]


def _codes(resource: dict[str, Any]) -> list[str]:
    if resource.get("resourceType") in ("MedicationAdministration", "MedicationRequest"):
        return tokens(resource.get("medicationCodeableConcept"))
    return tokens(resource.get("code"))


def journey_time(text: object) -> str | None:
    """A FHIR date or dateTime as a journey time: the date, or the wall-clock time as written (the offset is
    dropped: times are clinic local time); None for a partial date ('2026-03') or no time."""
    match = _TIME.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    return f"{match[1]}T{match[2]}" if match[2] else match[1]


class Extractor:
    """The bindings of one pathway, by resource type; ``read`` takes one resource."""

    def __init__(self, pathway: Pathway) -> None:
        self.facts = pathway.facts
        self.by_type: dict[str, list[tuple[str, FhirBinding]]] = {}
        for name, fact in pathway.facts.items():
            if fact.fhir is not None:
                self.by_type.setdefault(fact.fhir.resource, []).append((name, fact.fhir))

    def read(self, item: Located) -> Iterator[Value | Diagnostic | Unbound]:
        resource = item.resource
        kind, codes = str(resource["resourceType"]), _codes(resource)
        selected = [(n, b) for n, b in self.by_type.get(kind, []) if b.tokens & set(codes)]
        if not selected:
            yield self._unselected(item, kind, codes)
            return
        patient = patient_of(resource)
        if patient is None:
            hint = "give the resource a subject (or patient) reference such as 'Patient/p1'"
            yield finding(Code.PW704, f"{kind}/{resource.get('id')} names no patient", item.file, item.line, hint)
            return
        for name, binding in selected:
            yield self._value(item, patient, name, self.facts[name], binding)

    def _unselected(self, item: Located, kind: str, codes: list[str]) -> Diagnostic | Unbound:
        bare = {c.rpartition("|")[2]: c for c in codes}
        for name, binding in self.by_type.get(kind, []):
            for coding in binding.code:
                if coding.code in bare:
                    given = bare[coding.code].rpartition("|")[0]
                    message = (
                        f"{kind}/{item.resource.get('id')} has code {coding.code} under '{given}', not {coding.system}"
                    )
                    hint = f"fact '{name}' is bound to {coding.token}: fix the code system at the source"
                    return finding(Code.PW709, message, item.file, item.line, hint)
        return Unbound(kind, codes[0] if codes else "(no code)", item.file, item.line)

    def _value(self, item: Located, patient: str, name: str, fact: Fact, binding: FhirBinding) -> Value | Diagnostic:
        resource = item.resource
        label = f"{resource['resourceType']}/{resource.get('id')}"
        at = journey_time(_get(resource, binding.when))
        if at is None:
            message = f"{label} gives fact '{name}' but has no full date at {binding.when}"
            return finding(Code.PW710, message, item.file, item.line, "give the date (YYYY-MM-DD) of the value")
        element, got = _take(resource, binding)
        if isinstance(got, _Problem):
            return finding(got.code, f"{label} {element}: {got.text}", item.file, item.line, got.hint)
        if fact.type == "int" and isinstance(got, float):
            if not got.is_integer():
                return finding(Code.PW710, f"{label} {element}: {got:g} is not a whole number", item.file, item.line)
            got = int(got)
        return Value(patient, at, name, got, label, element, item.file, item.line)


@dataclass(frozen=True)
class _Problem:
    code: str
    text: str
    hint: str | None = None


def _take(resource: dict[str, Any], binding: FhirBinding) -> tuple[str, Any]:
    """(the element read, its value or the _Problem with it)."""
    request = resource["resourceType"] == "MedicationRequest"
    kind = binding.value
    if kind == "quantity":
        return "valueQuantity", _quantity(resource.get("valueQuantity"), binding)
    if kind == "dose":
        path = f"{_FIRST_DOSAGE}.doseAndRate.0.doseQuantity" if request else "dosage.dose"
        return _element(path), _quantity(_get(resource, path), binding)
    if kind == "boolean":
        got = resource.get("valueBoolean")
        return "valueBoolean", got if isinstance(got, bool) else _Problem(Code.PW710, "no valueBoolean")
    if kind == "present":
        return "clinicalStatus", _presence(resource)
    if kind == "status":
        return "status", _mapped([str(resource.get("status"))], binding)
    if kind == "schedule":
        path = f"{_FIRST_DOSAGE}.timing.repeat"
        return _element(path), _mapped([_schedule(_get(resource, path))], binding)
    if kind == "route":
        path = f"{_FIRST_DOSAGE}.route" if request else "dosage.route"
        return _element(path), _mapped(tokens(_get(resource, path)), binding)
    if kind == "condition":
        return "code", _mapped(tokens(resource.get("code")), binding)
    return "valueCodeableConcept", _mapped(tokens(resource.get("valueCodeableConcept")), binding)


def _element(path: str) -> str:
    return re.sub(r"\.([0-9]+)", r"[\1]", path)


def _quantity(quantity: object, binding: FhirBinding) -> object:
    if not isinstance(quantity, dict) or not isinstance(quantity.get("value"), int | float):
        return _Problem(Code.PW710, "no quantity with a value")
    unit = quantity.get("code") or quantity.get("unit")
    value = float(quantity["value"])
    if unit == binding.unit:
        return value
    if unit in binding.accept and binding.unit is not None:
        converted = convert(value, str(unit), binding.unit, binding.substance)
        if converted is not None:
            return converted
    accepted = [binding.unit, *binding.accept]
    return _Problem(Code.PW706, f"unit {unit!r} is not accepted", f"the binding accepts {accepted}")


def _presence(resource: dict[str, Any]) -> object:
    verification = tokens(resource.get("verificationStatus"))
    if any(t.endswith("|entered-in-error") for t in verification):
        return _Problem(Code.PW710, "the Condition was entered in error")
    if any(t.endswith("|refuted") for t in verification):
        return False
    status = [t.rpartition("|")[2] for t in tokens(resource.get("clinicalStatus"))]
    found = next((ACTIVE[s] for s in status if s in ACTIVE), None)
    return _Problem(Code.PW710, "no clinicalStatus") if found is None else found


def _schedule(repeat: object) -> str:
    if not isinstance(repeat, dict):
        return "(no timing.repeat)"
    period = repeat.get("period")
    shown = f"{period:g}" if isinstance(period, int | float) else str(period)
    return f"{repeat.get('frequency', 1)}/{shown} {repeat.get('periodUnit')}"


def _mapped(keys: list[str], binding: FhirBinding) -> object:
    for key in keys:
        if binding.map and key in binding.map:
            return binding.map[key]
    shown = ", ".join(keys) or "nothing"
    return _Problem(Code.PW710, f"{shown} is not mapped to a value of the fact", "add it to the binding's 'map'")
