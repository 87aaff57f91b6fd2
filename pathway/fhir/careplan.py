"""``pathway export careplan``: where a journey stands, from its trail, as a CPG CarePlan that instantiates the
pathway's PlanDefinition, with one RequestGroup (a CPG strategy) per region holding the active recommendations.

Each active recommendation is a RequestGroup action: its title, its text with the values as they stand, when it
was issued and when it is due (``timingPeriod``), whether it was done or declined, its grading and evidence, and
the recommendation definition it comes from (a ``derived-from`` artifact). The RequestGroups are contained in the
CarePlan, so that the file stands alone; active findings are notes. The subject is ``Patient/<journey id>``, and the
trail's final hash is the CarePlan's identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pathway.errors import ExitCode, UsageError
from pathway.fhir.cpg_evidence import related_artifacts, stance_extensions
from pathway.fhir.cpg_plans import region_of
from pathway.fhir.cpg_terms import DEFAULT_BASE, PROFILE, check_base, fhir_id, hash_identifier, process, words
from pathway.fhir.cpg_urls import Canon
from pathway.fhir.export_clock import check_offset, date_time
from pathway.fhir.export_models import resource_text, validated
from pathway.fhir.export_trail import TrailRun
from pathway.source.files import display_path, write_atomically


def _subject(run: TrailRun) -> dict[str, Any]:
    return {"reference": f"Patient/{fhir_id(run.journey)}", "display": f"journey {run.journey}"}


def _action(run: TrailRun, canon: Canon, item: Mapping[str, Any], offset: str | None) -> dict[str, Any]:
    p = run.analysis.pathway
    action = p.actions.get(str(item["id"]))
    status = [
        f"done {item['done']}" if item.get("done") else "",
        f"declined {item['declined']}" if item.get("declined") else "",
    ]
    status += [f"persists until {item['until']}" if item.get("persisting") else ""]
    said = str(item.get("text") or item["title"]) + "".join(f" ({s})" for s in status if s)
    period = {"start": date_time(str(item["since"]), offset)}
    if item.get("due"):
        period["end"] = date_time(str(item["due"]), offset)
    origin = {
        "type": "derived-from",
        "display": f"recommended in state {item['state']}",
        "resource": canon.canonical("PlanDefinition", canon.recommendation_id(str(item["state"]))),
    }
    found: dict[str, Any] = {
        "id": str(item["id"]),
        "extension": stance_extensions(action, p.evidence) if action else [],
        "title": str(item["title"]),
        "description": said,
        "code": process(),
        "documentation": [origin, *related_artifacts(item.get("evidence", ()), p.evidence)],
        "timingPeriod": period,
    }
    return {k: v for k, v in found.items() if v != []}


def _groups(run: TrailRun, canon: Canon, offset: str | None) -> list[dict[str, Any]]:
    by_region: dict[str | None, list[Mapping[str, Any]]] = {}
    for item in run.summary.get("recommendations", ()):
        by_region.setdefault(region_of(run.analysis, str(item["state"])), []).append(item)
    return [
        {
            "resourceType": "RequestGroup",
            "id": fhir_id("strategy", region or "top"),
            "meta": {"profile": [PROFILE["strategy_instance"]]},
            "instantiatesCanonical": [canon.canonical("PlanDefinition", canon.strategy_id(region))],
            "status": "active",
            "intent": "proposal",
            "subject": _subject(run),
            "action": [_action(run, canon, item, offset) for item in items],
        }
        for region, items in by_region.items()
    ]


def careplan(run: TrailRun, base: str = DEFAULT_BASE, offset: str | None = None) -> dict[str, Any]:
    """The CarePlan of a trail's end, validated with the R4B models."""
    problem = check_base(base)
    if problem:
        raise UsageError(problem, parameter="base")
    check_offset(offset)
    p, summary = run.analysis.pathway, run.summary
    canon = Canon.of(p, base)
    groups = _groups(run, canon, offset)
    states = ", ".join(summary.get("states", ())) or "none"
    needs = ", ".join(summary.get("needs", ()))
    about = f"Where journey {run.journey} stands in {p.title} {p.version}: active states {states}."
    about += f" The pathway waits for: {needs}." if needs else ""
    period = {"start": date_time(run.started, offset)}
    if summary.get("terminated"):
        period["end"] = date_time(str(summary["at"]), offset)
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": run.resource_id("careplan"),
        "meta": {"profile": [PROFILE["careplan"]]},
        "contained": groups,
        "identifier": [hash_identifier(run.final_hash)],
        "instantiatesCanonical": [canon.canonical("PlanDefinition", canon.pathway_id)],
        "status": "completed" if summary.get("terminated") else "active",
        "intent": "plan",
        "category": [{"text": p.title}],
        "title": f"{p.title}: {run.journey}",
        "description": about,
        "subject": _subject(run),
        "period": period,
        "activity": [{"reference": {"reference": f"#{g['id']}"}} for g in groups],
        "note": [
            {"text": f"Finding: {f['title']} ({words(str(f['id']))}, since {f['since']}, state {f['state']})"}
            for f in summary.get("findings", ())
        ],
    }
    return validated({k: v for k, v in plan.items() if v != []})


@dataclass(frozen=True)
class CarePlanResult:
    """What ``export careplan`` wrote."""

    out: str
    id: str
    journey: str
    status: str
    recommendations: int
    groups: int

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "id": self.id,
            "journey": self.journey,
            "status": self.status,
            "recommendations": self.recommendations,
            "groups": self.groups,
        }

    def to_text(self) -> str:
        return (
            f"CarePlan/{self.id} ({self.status}) for journey {self.journey}: {self.recommendations} active "
            f"recommendation(s) in {self.groups} RequestGroup(s), validated with the FHIR R4B models; "
            f"written to {self.out}"
        )


def export_careplan(run: TrailRun, out: str, base: str = DEFAULT_BASE, offset: str | None = None) -> CarePlanResult:
    plan = careplan(run, base, offset)
    write_atomically(Path(out), resource_text(plan))
    count = sum(len(g.get("action", ())) for g in plan.get("contained", ()))
    groups = len(plan.get("contained", ()))
    return CarePlanResult(display_path(Path(out)), plan["id"], run.journey, plan["status"], count, groups)
