"""Synthetic FHIR patients for the bundled bipn pathway, and the journeys they are meant to import into.

Deterministic (a seed, no clock): each patient is a Patient with a bortezomib MedicationRequest (schedule, status),
MedicationAdministrations (route and dose), CTCAE sensory neuropathy grades as Observations valued with NCI
Thesaurus grade codes, beta-2 microglobulin and HbA1c results (some in another accepted unit, converted), and
Conditions (multiple myeloma; diabetes or hypothyroidism for the metabolic cases). Three profiles rotate: typical
bortezomib neuropathy, a metabolic case (diabetes, hypothyroidism), and a severe case (grade 3, treatment
stopped), standing in for the immune-mediated work-up whose findings (nerve conduction, CSF) are not yet bound.
Every resource's values are written to the intended journey as ``pathway import fhir`` should read them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pathway.definition.units import convert
from pathway.fhir.journeys import write_yaml

LOINC, SNOMED = "http://loinc.org", "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
MEDDRA = "http://terminology.hl7.org/CodeSystem/mdr"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
UCUM = "http://unitsofmeasure.org"
GRADES = {1: "C41338", 2: "C41339", 3: "C41340", 4: "C41337"}
ROUTES = {"iv": "47625008", "sc": "34206005"}
BORTEZOMIB = {"coding": [{"system": RXNORM, "code": "358258", "display": "bortezomib"}]}
PROFILES = ("typical", "metabolic", "severe")


@dataclass
class _Patient:
    id: str
    start: date
    resources: list[dict[str, Any]] = field(default_factory=list)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, resource: dict[str, Any], at: str, facts: dict[str, tuple[Any, str]]) -> None:
        resource = {"id": f"{self.id}-{len(self.resources) + 1}", **resource}
        resource["subject" if resource["resourceType"] != "Patient" else "id"] = (
            {"reference": f"Patient/{self.id}"} if resource["resourceType"] != "Patient" else self.id
        )
        self.resources.append(resource)
        label = f"{resource['resourceType']}/{resource['id']}"
        event = self.events.setdefault(at, {"at": at, "facts": {}, "sources": {}})
        for fact, (value, element) in facts.items():
            event["facts"][fact] = value
            event["sources"][fact] = {"resource": label, "element": element}

    def day(self, n: int) -> str:
        return (self.start + timedelta(days=n)).isoformat()


def _observation(code: dict[str, Any], when: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Observation", "status": "final", "code": code, "effectiveDateTime": when, **value}


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}


def _condition(code: str, display: str, when: str) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active"}]},
        "code": {"coding": [{"system": SNOMED, "code": code, "display": display}]},
        "recordedDate": when,
    }


def _patient(index: int, rng: random.Random) -> _Patient:
    profile = PROFILES[index % len(PROFILES)]
    p = _Patient(f"bipn-{index + 1:03d}", date(2026, 1, 5) + timedelta(days=7 * index))
    p.resources.append({"resourceType": "Patient", "id": p.id, "gender": rng.choice(["female", "male"])})
    p.add(_condition("109989006", "Multiple myeloma", p.day(0)), p.day(0), {"diagnosis": ("multiple_myeloma", "code")})
    route = "sc" if profile == "typical" else "iv"
    weekly = profile == "typical" and index % 2 == 0
    request = {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": BORTEZOMIB,
        "authoredOn": p.day(0),
        "dosageInstruction": [
            {"timing": {"repeat": {"frequency": 1 if weekly else 2, "period": 1, "periodUnit": "wk"}}}
        ],
    }
    schedule = "weekly" if weekly else "twice_weekly"
    p.add(
        request,
        p.day(0),
        {"schedule": (schedule, "dosageInstruction[0].timing.repeat"), "bortezomib_status": ("active", "status")},
    )
    b2m = round(rng.uniform(2.5, 9.0), 1)
    unit = "mg/dL" if index % 2 else "mg/L"  # every other result in another accepted unit, converted on import
    given = round(b2m / 10, 2) if index % 2 else b2m
    in_mg_l = convert(given, unit, "mg/L")
    measured = _observation(_B2M, p.day(1), _quantity(given, unit))
    p.add(measured, p.day(1), {"beta2_microglobulin_mg_l": (in_mg_l, "valueQuantity")})
    for cycle in range(3):
        when = p.day(1 + 21 * cycle)
        administration = {
            "resourceType": "MedicationAdministration",
            "status": "completed",
            "medicationCodeableConcept": BORTEZOMIB,
            "effectiveDateTime": when,
            "dosage": {
                "route": {"coding": [{"system": SNOMED, "code": ROUTES[route]}]},
                "dose": {"value": 1.3, "unit": "mg/m2", "system": UCUM, "code": "mg/m2"},
            },
        }
        p.add(administration, when, {"route": (route, "dosage.route"), "dose_mg_m2": (1.3, "dosage.dose")})
        grade = {"typical": [0, 1, 2], "metabolic": [0, 1, 1], "severe": [1, 2, 3]}[profile][cycle]
        if grade:
            graded = {"valueCodeableConcept": {"coding": [{"system": NCIT, "code": GRADES[grade]}]}}
            p.add(
                _observation(_SENSORY, p.day(20 * cycle + 19), graded),
                p.day(20 * cycle + 19),
                {"sensory_grade": (grade, "valueCodeableConcept")},
            )
    if profile == "metabolic":
        hba1c = round(rng.uniform(6.6, 8.5), 1)
        p.add(
            _observation(_HBA1C, p.day(30), _quantity(hba1c, "%")),
            p.day(30),
            {"hba1c_percent": (hba1c, "valueQuantity")},
        )
        p.add(_condition("73211009", "Diabetes mellitus", p.day(31)), p.day(31), {"diabetes": (True, "clinicalStatus")})
        p.add(_condition("40930008", "Hypothyroidism", p.day(31)), p.day(31), {"hypothyroid": (True, "clinicalStatus")})
    if profile == "severe":
        stopped = {**request, "status": "stopped", "authoredOn": p.day(60)}
        p.add(
            stopped,
            p.day(60),
            {
                "bortezomib_status": ("discontinued", "status"),
                "schedule": (schedule, "dosageInstruction[0].timing.repeat"),
            },
        )
    return p


_B2M = {
    "coding": [{"system": LOINC, "code": "1952-1", "display": "Beta-2-Microglobulin [Mass/volume] in Serum or Plasma"}]
}
_HBA1C = {"coding": [{"system": LOINC, "code": "4548-4", "display": "Hemoglobin A1c/Hemoglobin.total in Blood"}]}
_SENSORY = {"coding": [{"system": MEDDRA, "code": "10034620", "display": "Peripheral sensory neuropathy"}]}


def generate(out: Path, patients: int = 6, seed: int = 14) -> list[Path]:
    """Write ``out/fhir/patients.ndjson`` (bulk-export style), ``out/fhir/bundle.json`` (the first patient as a
    collection Bundle is not repeated there: the Bundle holds the last patient), and ``out/intended/<id>.yaml``,
    the journeys the import should produce (without ``file`` in the sources). Returns the files written."""
    rng = random.Random(seed)
    made = [_patient(i, rng) for i in range(patients)]
    fhir = out / "fhir"
    fhir.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, sort_keys=True) for p in made[:-1] for r in p.resources]
    (fhir / "patients.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in made[-1].resources]}
    (fhir / "bundle.json").write_text(json.dumps(bundle, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    written = [fhir / "patients.ndjson", fhir / "bundle.json"]
    for p in made:
        events = [p.events[at] for at in sorted(p.events)]
        data = {
            "journey": p.id,
            "pathway": "bipn@2.0.0",
            "description": f"Imported from FHIR: Patient/{p.id}",
            "events": events,
        }
        path = out / "intended" / f"{p.id}.yaml"
        write_yaml(path, data)
        written.append(path)
    return written
