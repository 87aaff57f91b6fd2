"""Where a fact comes from in FHIR R4: a fact's ``fhir:`` binding (the resource type, its codes, the value to
take, the unit and the effective time), and the tables the checks and the importer share.

The binding is data: :mod:`pathway.definition.binding_checks` checks it against the fact it binds (PW130-PW136),
and :mod:`pathway.fhir.extract` reads resources with it. The kinds of value (``value``):

- ``quantity``: an Observation's ``valueQuantity``, in ``unit`` (UCUM), or in one of ``accept`` converted by the
  table of :mod:`pathway.definition.units`; for int and number facts.
- ``concept``: an Observation's ``valueCodeableConcept``, mapped (``map``) to the fact's values; for enum, int
  (a CTCAE grade) and bool facts.
- ``boolean``: an Observation's ``valueBoolean``; for bool facts.
- ``present``: a Condition's clinical status: active, recurrence or relapse give true; inactive, remission or
  resolved give false. No Condition gives nothing (missing data is never false).
- ``condition``: which of the codes a Condition carries, mapped to an enum value (e.g. the diagnosis).
- ``route``, ``dose``, ``schedule``, ``status``: a MedicationAdministration's ``dosage.route`` and
  ``dosage.dose``, a MedicationRequest's ``dosageInstruction[0]`` route, dose and ``timing.repeat``, or either
  one's ``status``; route, schedule and status mapped to enum values, the dose in ``unit``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pathway.definition.fields import Id, Model, Text

SYSTEMS: dict[str, str] = {
    "http://loinc.org": "LOINC",
    "http://snomed.info/sct": "SNOMED CT",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
    "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl": "NCI Thesaurus",
    "http://terminology.hl7.org/CodeSystem/mdr": "MedDRA",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD-10-CM",
    "http://hl7.org/fhir/sid/icd-10": "ICD-10",
}
"""The code systems a binding may name, by their FHIR URI (terminology.hl7.org's canonical URIs)."""

RESOURCES: tuple[str, ...] = ("Observation", "Condition", "MedicationAdministration", "MedicationRequest")
"""The resource types a binding may name: the ones the importer reads."""

ValueKind = Literal["quantity", "concept", "boolean", "present", "condition", "route", "dose", "schedule", "status"]

KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "quantity": (("Observation",), ("int", "number")),
    "concept": (("Observation",), ("enum", "int", "bool")),
    "boolean": (("Observation",), ("bool",)),
    "present": (("Condition",), ("bool",)),
    "condition": (("Condition",), ("enum",)),
    "route": (("MedicationAdministration", "MedicationRequest"), ("enum",)),
    "dose": (("MedicationAdministration", "MedicationRequest"), ("int", "number")),
    "schedule": (("MedicationRequest",), ("enum",)),
    "status": (("MedicationAdministration", "MedicationRequest"), ("enum",)),
}
"""Each kind of value: the resource types that carry it and the fact types it fits."""

MAPPED = frozenset({"concept", "condition", "route", "schedule", "status"})
"""The kinds whose values are mapped to the fact's values with ``map``."""
UNITS = frozenset({"quantity", "dose"})
"""The kinds that read a quantity, in ``unit``."""

TIMES: dict[str, tuple[str, ...]] = {
    "Observation": ("effectiveDateTime", "effectivePeriod.start", "effectiveInstant", "issued"),
    "Condition": ("recordedDate", "onsetDateTime", "onsetPeriod.start", "abatementDateTime"),
    "MedicationAdministration": ("effectiveDateTime", "effectivePeriod.start"),
    "MedicationRequest": ("authoredOn",),
}
"""The elements each resource type may date a value by; the first is the default."""

STATUSES: dict[str, tuple[str, ...]] = {
    "MedicationRequest": (
        "active",
        "on-hold",
        "cancelled",
        "completed",
        "entered-in-error",
        "stopped",
        "draft",
        "unknown",
    ),
    "MedicationAdministration": (
        "in-progress",
        "not-done",
        "on-hold",
        "completed",
        "entered-in-error",
        "stopped",
        "unknown",
    ),
}
"""The status codes of each medication resource (FHIR R4's required value sets)."""

PERIOD_UNITS = ("s", "min", "h", "d", "wk", "mo", "a")
"""The units of ``Timing.repeat.periodUnit`` (FHIR R4, units-of-time)."""


class Coding(Model):
    """One code of a code system, as FHIR writes a Coding."""

    system: Text = Field(description="The code system's URI, e.g. 'http://loinc.org'.")
    code: Text = Field(description="The code, e.g. '1952-1'.")
    display: str | None = Field(default=None, description="The system's display name for the code.")

    @property
    def token(self) -> str:
        """``system|code``, the way FHIR search writes a token and ``map`` keys a coding."""
        return f"{self.system}|{self.code}"


MapValue = bool | int | Id


class FhirBinding(Model):
    """Where a fact comes from in FHIR R4: a resource type with one of these codes, the value to take, its unit,
    and the time that dates it."""

    resource: Text = Field(description=f"The resource type: one of {', '.join(RESOURCES)}.")
    code: list[Coding] = Field(
        min_length=1,
        description="The codes that select the resource (a value set of one or more codings): the Observation's or "
        "the Condition's code, or the medication's code.",
    )
    value: ValueKind = Field(description="The value to take (see the FHIR import page).")
    unit: str | None = Field(default=None, description="UCUM unit of the value the fact holds (quantity, dose).")
    accept: list[Text] = Field(
        default_factory=list,
        description="Other UCUM units accepted and converted to 'unit' by the conversion table.",
    )
    substance: str | None = Field(
        default=None, description="The substance, for a conversion between amount and mass (e.g. 'cobalamin')."
    )
    map: dict[Text, MapValue] | None = Field(
        default=None,
        description="FHIR value -> the fact's value: 'system|code' for a concept, condition or route; the status "
        "code for a status; 'FREQUENCY/PERIOD UNIT' (e.g. '2/1 wk') for a schedule.",
    )
    time: str | None = Field(
        default=None,
        description="The element that dates the value, e.g. 'effectiveDateTime' (the default is the first the "
        "resource type allows).",
    )
    note: str | None = Field(default=None, description="A documented choice about this binding.")

    @property
    def when(self) -> str:
        """The element that dates the value: ``time``, or the resource type's default."""
        return self.time or TIMES.get(self.resource, ("",))[0]

    @property
    def tokens(self) -> frozenset[str]:
        """The ``system|code`` of each coding."""
        return frozenset(c.token for c in self.code)
