"""One patient's values -> a journey: one entry per distinct time, in time order, each value with its source;
conflicting values of one fact at one time are reported (PW707) and left out; the journey is checked against the
pathway (PW711 when it does not fit) and written atomically as YAML, the format ``pathway run`` reads."""

from __future__ import annotations

import re
from itertools import groupby
from pathlib import Path
from typing import Any

import yaml

from pathway.definition.analysis import Analysis
from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code
from pathway.fhir.extract import Value
from pathway.fhir.read import finding
from pathway.journey.check import check_journey_document
from pathway.source.files import write_atomically
from pathway.source.reader import SourceDocument

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def journey_data(patient: str, values: list[Value], analysis: Analysis) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The journey of one patient (data shaped like the YAML) and the conflicts found."""
    pathway = analysis.pathway
    found: list[Diagnostic] = []
    events: list[dict[str, Any]] = []
    ordered = sorted(values, key=lambda v: (v.at, v.fact, v.file, v.line))
    for at, same_time in groupby(ordered, key=lambda v: v.at):
        facts: dict[str, Any] = {}
        sources: dict[str, dict[str, str]] = {}
        for fact, given in groupby(same_time, key=lambda v: v.fact):
            items = list(given)
            if len({repr(v.value) for v in items}) > 1:
                found.append(_conflict(patient, at, fact, items))
                continue
            facts[fact] = items[0].value
            sources[fact] = {"resource": items[0].resource, "element": items[0].element, "file": items[0].file}
        if facts:
            events.append({"at": at, "facts": facts, "sources": sources})
    data = {
        "journey": journey_id(patient),
        "pathway": f"{pathway.id}@{pathway.version}",
        "description": f"Imported from FHIR: Patient/{patient}",
        "events": events,
    }
    return data, found


def journey_id(patient: str) -> str:
    """A journey id from a patient id (FHIR ids are already letters, digits, '-' and '.')."""
    return _UNSAFE.sub("_", patient)[:128] or "patient"


def _conflict(patient: str, at: str, fact: str, items: list[Value]) -> Diagnostic:
    shown = ", ".join(f"{v.value!r} ({v.resource})" for v in items)
    message = f"Patient/{patient}: fact '{fact}' has different values at {at}: {shown}; none is imported"
    hint = "correct the data at the source: one value of a fact at one time"
    return finding(Code.PW707, message, items[0].file, items[0].line, hint)


def check(data: dict[str, Any], analysis: Analysis, first: Value) -> list[Diagnostic]:
    """The journey's own findings against the pathway, as PW711 findings placed at the patient's first value (none
    when it fits)."""
    name = f"{data['journey']}.yaml"
    _, found = check_journey_document(SourceDocument(name, "", data, {}, {}, {}), analysis)
    message = f"Patient/{first.patient}: journey {name} is not written"
    return [finding(Code.PW711, f"{message}: {d.code} {d.message}", first.file, first.line, d.hint) for d in found]


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    """Write the journey atomically (temporary file, then rename): never a partial file."""
    header = "# Imported from FHIR by `pathway import fhir`; each value names its source.\n"
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    write_atomically(path, text)
