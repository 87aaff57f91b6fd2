"""Evidence and grading as CPG-on-FHIR writes them: each evidence entry a ``RelatedArtifact`` (type citation, with
the article section and the numbered references the source cites), and a recommendation's strength, direction and
quality of evidence as the extensions of ``PlanDefinition.action``.

The definition grades quality on evidence entries, while ``cqf-qualityOfEvidence`` is one code per action: an
action's quality is the lowest quality stated by the entries it cites (note: CHOICE, the GRADE convention that a
recommendation rests on its weakest critical evidence); each entry's own quality and grade stay in its citation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pathway.definition.grading import QUALITIES, QUALITY_SYSTEM, STRENGTH_SYSTEM, quality_text
from pathway.definition.model import Action, Evidence
from pathway.fhir.cpg_terms import (
    DIRECTION_EXTENSION,
    DIRECTION_SYSTEM,
    QUALITY_EXTENSION,
    STRENGTH_EXTENSION,
    concept,
)

_STRENGTH_DISPLAY = {"strong": "Strong", "weak": "Weak"}
_QUALITY_DISPLAY = {"high": "High quality", "moderate": "Moderate quality", "low": "Low quality"}
_QUALITY_DISPLAY["very-low"] = "Very low quality"
_DIRECTION_DISPLAY = {"for": "For", "against": "Against"}


def citation_text(entry: Evidence) -> str:
    """The entry in one line: its citation, section, the source's numbered references, quality, URL and note."""
    parts = [entry.cite]
    if entry.section:
        parts.append(f"Section: {entry.section}")
    if entry.references:
        parts.append("References: " + ", ".join(f"[{n}]" for n in entry.references))
    graded = quality_text(entry.quality, entry.grade)
    if graded:
        parts.append(f"Evidence: {graded}")
    if entry.note:
        parts.append(f"Note: {entry.note}")
    return ". ".join(p.rstrip(".") for p in parts) + "."


def related_artifact(evidence_id: str, entry: Evidence) -> dict[str, Any]:
    """One evidence entry as a RelatedArtifact: label the entry's id, display its citation, citation the whole."""
    artifact: dict[str, Any] = {
        "type": "citation",
        "label": evidence_id,
        "display": entry.cite,
        "citation": citation_text(entry),
    }
    if entry.url:
        artifact["url"] = entry.url
    return artifact


def related_artifacts(ids: Iterable[str], evidence: Mapping[str, Evidence]) -> list[dict[str, Any]]:
    """Each cited entry once, in the order first cited."""
    seen = dict.fromkeys(i for i in ids if i in evidence)
    return [related_artifact(i, evidence[i]) for i in seen]


def lowest_quality(ids: Iterable[str], evidence: Mapping[str, Evidence]) -> str | None:
    """The lowest quality the cited entries state, or None when none states one."""
    stated = [evidence[i].quality for i in ids if i in evidence and evidence[i].quality]
    return max(stated, key=QUALITIES.index) if stated else None


def stance_extensions(action: Action, evidence: Mapping[str, Evidence]) -> list[dict[str, Any]]:
    """The strength, direction and quality extensions an action's recommendation carries, each only where the
    definition states it (a direction is written when a strength or a direction is stated, as trails do)."""
    found: list[dict[str, Any]] = []
    if action.strength:
        value = concept(STRENGTH_SYSTEM, action.strength, _STRENGTH_DISPLAY[action.strength])
        found.append({"url": STRENGTH_EXTENSION, "valueCodeableConcept": value})
    direction = action.stance.record().get("direction")
    if direction:
        value = concept(DIRECTION_SYSTEM, direction, _DIRECTION_DISPLAY[direction])
        found.append({"url": DIRECTION_EXTENSION, "valueCodeableConcept": value})
    quality = lowest_quality(action.evidence, evidence)
    if quality:
        value = concept(QUALITY_SYSTEM, quality, _QUALITY_DISPLAY[quality])
        found.append({"url": QUALITY_EXTENSION, "valueCodeableConcept": value})
    return found
