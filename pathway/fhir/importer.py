"""``pathway import fhir``: FHIR files in, one journey per patient out, and every finding about what could not be
used. Streams: resources are read one at a time (NDJSON line by line), validated, turned into values and spilled
per patient (:mod:`pathway.fhir.group`); journeys are built one patient at a time."""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.diagnostics import Diagnostic, render_text, sorted_diagnostics
from pathway.diagnostics.codes import Code
from pathway.errors import ExitCode, UsageError
from pathway.fhir import validate
from pathway.fhir.extract import Extractor, Unbound, Value, patient_of
from pathway.fhir.group import Spill
from pathway.fhir.journeys import check, journey_data, journey_id, write_yaml
from pathway.fhir.read import Located, finding, read_inputs


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the journeys written, the resources read, and every finding."""

    written: tuple[str, ...]
    resources: int
    patients: int
    findings: tuple[Diagnostic, ...] = field(default=())

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.findings else ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "written": list(self.written),
            "resources": self.resources,
            "patients": self.patients,
            "findings": [d.model_dump(mode="json", exclude_none=True) for d in self.findings],
            "exit_code": int(self.exit_code),
        }

    def to_text(self) -> str:
        lines = [render_text(list(self.findings))] if self.findings else []
        lines.append(
            f"{self.resources} resource(s) read, {self.patients} patient(s), {len(self.written)} journey(s) written, "
            f"{len(self.findings)} finding(s)"
        )
        return "\n".join(lines)


class _Run:
    def __init__(self, analysis: Analysis, spill: Spill) -> None:
        self.analysis, self.spill = analysis, spill
        self.extractor = Extractor(analysis.pathway)
        self.found: list[Diagnostic] = []
        self.unbound: Counter[tuple[str, str]] = Counter()
        self.first: dict[tuple[str, str], tuple[str, int]] = {}
        self.seen: dict[str, tuple[str, int]] = {}
        self.resources = 0

    def take(self, item: Located) -> None:
        self.resources += 1
        wrong = validate.problem(item.resource)
        if wrong is not None:
            label = f"{item.resource.get('resourceType')}/{item.resource.get('id')}"
            message = f"{label} ({item.where}) is not valid FHIR R4 at {wrong[0]}: {wrong[1]}"
            self.found.append(finding(Code.PW703, message, item.file, item.line))
            return
        patient = patient_of(item.resource)
        if patient is not None:
            self.seen.setdefault(patient, (item.file, item.line))
        for out in self.extractor.read(item):
            if isinstance(out, Value):
                self.spill.add(out)
            elif isinstance(out, Unbound):
                key = (out.kind, out.code)
                self.unbound[key] += 1
                self.first.setdefault(key, (out.file, out.line))
            else:
                self.found.append(out)

    def unbound_findings(self) -> list[Diagnostic]:
        out = []
        for (kind, code), count in sorted(self.unbound.items()):
            file, line = self.first[(kind, code)]
            message = f"{count} {kind} resource(s) with code {code} are bound to no fact (first here)"
            hint = "bind a fact to the code in the pathway ('fhir:'), or leave it: it is not read"
            if kind == "Patient":
                continue  # the patients themselves: read for their ids, never a fact
            out.append(finding(Code.PW705, message, file, line, hint))
        return out


def import_fhir(inputs: list[Path], analysis: Analysis, out: Path) -> ImportResult:
    """Import FHIR files into journeys under ``out``, one per patient; never raises for bad FHIR."""
    validate.require()
    for path in inputs:
        if not path.is_file():
            raise UsageError(f"{path}: no such file", parameter="inputs")
    written: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pathway-fhir-") as folder:
        spill = Spill(Path(folder))
        run = _Run(analysis, spill)
        for item in read_inputs(inputs):
            if isinstance(item, Located):
                run.take(item)
            else:
                run.found.append(item)
        run.found += run.unbound_findings()
        patients = len(run.seen)
        for patient, values in spill.patients():
            run.seen.pop(patient, None)  # imported: what is left of seen had nothing bound
            data, conflicts = journey_data(patient, values, analysis)
            target = out / f"{journey_id(patient)}.yaml"
            problems = check(data, analysis, values[0]) if data["events"] else []
            run.found += conflicts + problems
            if data["events"] and not problems:
                write_yaml(target, data)
                written.append(str(target))
        for patient in sorted(run.seen):
            hint = "nothing the pathway binds was found for this patient; no journey is written"
            file, line = run.seen[patient]
            run.found.append(
                finding(Code.PW708, f"Patient/{patient}: nothing bound (first seen here)", file, line, hint)
            )
    return ImportResult(tuple(written), run.resources, patients, tuple(sorted_diagnostics(run.found)))
