"""``pathway export provenance``: a trail as a FHIR Provenance: what the run produced (the CarePlan of the same
trail, and the trail itself named by its final hash), the pathway version it followed (``policy``, the versioned
canonical URL of the pathway PlanDefinition), the canonical definition it ran (an entity naming the Library and its
sha256), the software that ran it (the agent), and the FHIR resources its inputs were read from.

Those come from an input record's ``sources`` (``{"<fact>": {"resource": "Observation/obs-12", "element":
"valueQuantity"}}``, written by ``pathway import fhir``), read from the record as the file holds it, so that a
trail written before the field existed gives a Provenance that lists no FHIR resource, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.errors import ExitCode, UsageError
from pathway.fhir.cpg_terms import DEFAULT_BASE, check_base, concept, hash_identifier
from pathway.fhir.cpg_urls import Canon
from pathway.fhir.export_clock import check_offset, date_time, instant
from pathway.fhir.export_models import resource_text, validated
from pathway.fhir.export_trail import TrailRun
from pathway.source.files import display_path, write_atomically

PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def sources(run: TrailRun) -> dict[str, list[str]]:
    """FHIR resource -> what the trail read from it (``fact (element), input N``), in the order first read."""
    found: dict[str, list[str]] = {}
    for record in run.inputs:
        given = record.get("sources")
        if given is None:
            continue
        if not isinstance(given, Mapping):
            raise UsageError(f"the input record {record.get('seq')} has 'sources' that is not an object")
        for fact, source in given.items():
            resource = source.get("resource") if isinstance(source, Mapping) else None
            if not isinstance(resource, str) or "/" not in resource:
                raise UsageError(
                    f"the input record {record.get('seq')}: the source of '{fact}' does not name a resource as Type/id"
                )
            element = f" ({source['element']})" if source.get("element") else ""
            found.setdefault(resource, []).append(f"{fact}{element}, input {record.get('input')}")
    return found


def _entities(run: TrailRun, canon: Canon, read: dict[str, list[str]]) -> list[dict[str, Any]]:
    p, sha = run.analysis.pathway, str(run.header["pathway"]["sha256"])
    definition = {
        "role": "source",
        "what": {
            "reference": f"Library/{canon.library_id}",
            "identifier": hash_identifier(sha),
            "display": f"pathway {p.id} {p.version}, canonical definition sha256 {sha}",
        },
    }
    data = [
        {"role": "source", "what": {"reference": resource, "display": "read: " + "; ".join(what)}}
        for resource, what in read.items()
    ]
    return [definition, *data]


def provenance(run: TrailRun, base: str = DEFAULT_BASE, offset: str | None = None) -> dict[str, Any]:
    """The Provenance of a trail, validated with the R4B models."""
    problem = check_base(base)
    if problem:
        raise UsageError(problem, parameter="base")
    check_offset(offset)
    canon = Canon.of(run.analysis.pathway, base)
    engine = run.header["engine"]
    trail = {
        "identifier": hash_identifier(run.final_hash),
        "display": f"audit trail of journey {run.journey} ({run.header['schema']}), final hash {run.final_hash}",
    }
    resource = {
        "resourceType": "Provenance",
        "id": run.resource_id("provenance"),
        "target": [{"reference": f"CarePlan/{run.resource_id('careplan')}"}, trail],
        "occurredPeriod": {
            "start": date_time(run.started, offset),
            "end": date_time(str(run.summary["at"]), offset),
        },
        "recorded": instant(str(run.summary["at"]), offset),
        "policy": [canon.canonical("PlanDefinition", canon.pathway_id)],
        "activity": {"text": "pathway run: the journey's inputs through the pathway (decision support)"},
        "agent": [
            {
                "type": concept(PARTICIPANT_TYPE, "assembler", "Assembler"),
                "who": {"display": f"pathway {engine['pathway']} (python-statemachine {engine['statemachine']})"},
            }
        ],
        "entity": _entities(run, canon, sources(run)),
    }
    return validated(resource)


@dataclass(frozen=True)
class ProvenanceResult:
    """What ``export provenance`` wrote."""

    out: str
    id: str
    journey: str
    resources: tuple[str, ...]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {"out": self.out, "id": self.id, "journey": self.journey, "fhir_resources": list(self.resources)}

    def to_text(self) -> str:
        read = (
            f"{len(self.resources)} FHIR resource(s) read: {', '.join(self.resources)}"
            if self.resources
            else "no FHIR resources: the trail's inputs name no source (a journey not imported from FHIR)"
        )
        return f"Provenance/{self.id} for journey {self.journey}: {read}; written to {self.out}"


def export_provenance(run: TrailRun, out: str, base: str = DEFAULT_BASE, offset: str | None = None) -> ProvenanceResult:
    found = provenance(run, base, offset)
    write_atomically(Path(out), resource_text(found))
    return ProvenanceResult(display_path(Path(out)), found["id"], run.journey, tuple(sources(run)))
