"""The parts of the result of ``pathway cohort conformance``: a row per recommendation, the deviations of each
patient; as JSON. :mod:`pathway.cohort.conformance` computes and holds them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pathway.cohort.episodes import Classified, GivenCare, JourneyFindings
from pathway.definition.analysis import Analysis

DEVIATIONS = ("not_documented", "met_late", "exception", "unrecommended_with_reason", "unrecommended_without_reason")
"""The kinds of a patient's deviations (``undetermined`` and ``open`` are listed apart: they are not deviations)."""


def _time(at: datetime) -> str:
    return at.isoformat()


def days(length: timedelta) -> str:
    return f"{length / timedelta(days=1):g}d"


@dataclass(frozen=True)
class Evidence:
    """An evidence entry a recommendation cites, with its quality and the source's own grade when stated."""

    id: str
    quality: str | None
    grade: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "quality": self.quality, "grade": self.grade}


@dataclass(frozen=True)
class RecommendationRow:
    """One recommendation's figures: episodes counted once each (docs/conformance.md)."""

    action: str
    title: str
    strength: str | None
    direction: str | None
    evidence: tuple[Evidence, ...]
    issued: int  # every episode, transient ones included
    transient: int  # excluded from the denominator
    denominator: int
    patients: int  # distinct journeys in the denominator
    met: int
    met_late: int
    exceptions: Mapping[str, int]  # reason code (or "free-text") -> episodes
    not_documented: int
    open: int  # still within the window at the end of the data
    unrecommended_with_reason: int
    unrecommended_without_reason: int
    undetermined: int

    @property
    def exception_total(self) -> int:
        return sum(self.exceptions.values())

    @property
    def rate(self) -> float | None:
        """met / (denominator - exceptions - open): the eCQM performance rate; None when nothing is left."""
        closed = self.denominator - self.exception_total - self.open
        return self.met / closed if closed else None

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "title": self.title,
            "strength": self.strength,
            "direction": self.direction,
            "evidence": [e.to_json() for e in self.evidence],
            "issued": self.issued,
            "transient": self.transient,
            "denominator": self.denominator,
            "patients": self.patients,
            "met": self.met,
            "met_late": self.met_late,
            "exceptions": dict(sorted(self.exceptions.items())),
            "not_documented": self.not_documented,
            "open": self.open,
            "unrecommended_with_reason": self.unrecommended_with_reason,
            "unrecommended_without_reason": self.unrecommended_without_reason,
            "undetermined": self.undetermined,
            "rate": None if self.rate is None else round(self.rate, 4),
        }


@dataclass(frozen=True)
class Deviation:
    """One thing to review in a patient's record, pointing at the trail record that shows it (journey, seq, at):
    the care or decision recorded, or the issue of a recommendation nothing was recorded for."""

    kind: str
    action: str
    journey: str
    seq: int
    at: str
    issued_seq: int | None = None
    issued_at: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    note: str | None = None
    waiting: tuple[str, ...] = ()

    @classmethod
    def of_episode(cls, journey: str, c: Classified) -> Deviation:
        return cls(
            c.outcome, c.action, journey, c.seq, _time(c.at), c.issued_seq, _time(c.issued_at), c.reason_code,
            c.reason, c.note,
        )  # fmt: skip

    @classmethod
    def of_care(cls, journey: str, g: GivenCare) -> Deviation:
        return cls(g.kind, g.action, journey, g.seq, _time(g.at), reason_code=g.reason_code, reason=g.reason,
                   waiting=g.waiting)  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"kind": self.kind, "action": self.action, "journey": self.journey,
                                    "seq": self.seq, "at": self.at}  # fmt: skip
        optional = {"issued_seq": self.issued_seq, "issued_at": self.issued_at, "reason_code": self.reason_code,
                    "reason": self.reason, "note": self.note, "waiting": list(self.waiting) or None}  # fmt: skip
        return document | {k: v for k, v in optional.items() if v is not None}

    def to_text(self) -> str:
        why = f" [{self.reason_code}]" if self.reason_code else ""
        why += f" ({self.reason})" if self.reason else ""
        extra = f"; {self.note}" if self.note else ""
        extra += f"; waiting in {', '.join(self.waiting)}" if self.waiting else ""
        return f"{self.kind.replace('_', ' ')}: {self.action}{why} at {self.at} (record {self.seq}){extra}"


@dataclass(frozen=True)
class PatientConformance:
    """One journey: its deviations, its undetermined care and its episodes still open, in trail order."""

    journey: str
    pathway_version: str
    never_assessed: bool
    episodes: int  # in the denominator
    met: int
    deviations: tuple[Deviation, ...]
    undetermined: tuple[Deviation, ...]
    open: tuple[Deviation, ...]
    outcomes: tuple[tuple[str, str], ...] = ()  # (action, outcome) of each episode, transient ones included

    @classmethod
    def of(cls, f: JourneyFindings) -> PatientConformance:
        items = sorted(
            [Deviation.of_episode(f.journey, c) for c in f.episodes if c.outcome not in ("met", "transient")]
            + [Deviation.of_care(f.journey, g) for g in f.care],
            key=lambda d: d.seq,
        )
        counted = [c for c in f.episodes if c.outcome != "transient"]
        return cls(
            f.journey, f.version, f.never_assessed, len(counted), sum(c.outcome == "met" for c in counted),
            tuple(d for d in items if d.kind in DEVIATIONS), tuple(d for d in items if d.kind == "undetermined"),
            tuple(d for d in items if d.kind == "open"), tuple((c.action, c.outcome) for c in f.episodes),
        )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "pathway_version": self.pathway_version,
            "never_assessed": self.never_assessed,
            "episodes": self.episodes,
            "met": self.met,
            "deviations": [d.to_json() for d in self.deviations],
            "undetermined": [d.to_json() for d in self.undetermined],
            "open": [d.to_json() for d in self.open],
        }


def _evidence(analysis: Analysis, action: str) -> tuple[Evidence, ...]:
    entries = analysis.pathway.evidence
    ids = analysis.pathway.actions[action].evidence
    return tuple(Evidence(e, entries[e].quality, entries[e].grade) for e in ids if e in entries)


def rows_for(
    analysis: Analysis, found: Sequence[JourneyFindings], stratum: str | None
) -> tuple[RecommendationRow, ...]:
    """A row per action issued or given in these journeys (of the stratum, when one is named), in catalogue order."""

    def wanted(value: str | None) -> bool:
        return stratum is None or (value or "") == stratum

    episodes = [(f.journey, c) for f in found for c in f.episodes if wanted(c.stratum)]
    care = [g for f in found for g in f.care if wanted(g.stratum)]
    seen = {c.action for _, c in episodes} | {g.action for g in care}
    rows = []
    for action, entry in analysis.pathway.actions.items():
        if action not in seen:
            continue
        mine = [(j, c) for j, c in episodes if c.action == action]
        outcomes = Counter(c.outcome for _, c in mine)
        given = Counter(g.kind for g in care if g.action == action)
        reasons = Counter(c.reason_code or "free-text" for _, c in mine if c.outcome == "exception")
        rows.append(
            RecommendationRow(
                action=action, title=entry.title, strength=entry.strength,
                direction=entry.direction or ("for" if entry.strength else None), evidence=_evidence(analysis, action),
                issued=len(mine), transient=outcomes["transient"], denominator=len(mine) - outcomes["transient"],
                patients=len({j for j, c in mine if c.outcome != "transient"}), met=outcomes["met"],
                met_late=outcomes["met_late"], exceptions=dict(sorted(reasons.items())),
                not_documented=outcomes["not_documented"], open=outcomes["open"],
                unrecommended_with_reason=given["unrecommended_with_reason"],
                unrecommended_without_reason=given["unrecommended_without_reason"], undetermined=given["undetermined"],
            )
        )  # fmt: skip
    return tuple(rows)
