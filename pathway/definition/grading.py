"""Strength of recommendation, quality of evidence and a recommendation's direction: the codes a definition writes
them in, the hints that correct a wrong one, and the one wording every reader shows them in.

The codes are those of two HL7 FHIR code systems, so that they export without a mapping:
``recommendation-strength`` (``strong``, ``weak``) and ``evidence-quality`` (``high``, ``moderate``, ``low``,
``very-low``). A direction (``for``, ``against``) says whether the recommendation is to do something or not to do
it. A source's own scale (GRADE 1A, NCCN category 2A) is never translated into these codes: it is kept verbatim in
an evidence entry's ``grade``. :class:`Stance` is a recommendation's strength and direction, with the short form the
run output and diagrams show (``strong for``), the words the docs and explain use (``strong recommendation
against``) and the fields an ``issued`` trail record carries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from pathway.diagnostics import did_you_mean, one_of

STRENGTH_SYSTEM = "http://terminology.hl7.org/CodeSystem/recommendation-strength"
QUALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/evidence-quality"

StrengthCode = Literal["strong", "weak"]
QualityCode = Literal["high", "moderate", "low", "very-low"]
DirectionCode = Literal["for", "against"]
Requirement = Literal["question", "strength", "quality"]
"""What a pathway may require of itself (``requires:``): a question on each deciding state, a strength on each
action, a quality on each evidence entry."""

STRENGTHS: tuple[str, ...] = get_args(StrengthCode)
QUALITIES: tuple[str, ...] = get_args(QualityCode)
DIRECTIONS: tuple[str, ...] = get_args(DirectionCode)

_SOURCE_SCALE = re.compile(r"\d|^[a-d][+-]?$|grade|category|level|class", re.IGNORECASE)
"""Values that look like a grade in a source's own scale: 1A, 2B, A, B+, 'category 2A', 'level III'."""


def _hint(value: str, allowed: tuple[str, ...], elsewhere: dict[str, str]) -> str:
    """What to write instead: the code meant, where a code of the other system goes, or where a source's own
    grade goes."""
    spelled = value.strip().lower().replace(" ", "-").replace("_", "-")
    expected = f"expected one of {one_of(allowed)}"
    if spelled in allowed:
        return f"write '{spelled}'; {expected}"
    if spelled in elsewhere:
        return elsewhere[spelled]
    if _SOURCE_SCALE.search(value):
        return (
            "a grade in the source's own scale (GRADE 1A, NCCN category 2A) goes verbatim in 'grade:' on the "
            f"evidence entry; {expected}"
        )
    close = did_you_mean(spelled, allowed)
    return f"{close} {expected}" if close else expected


def _checked(kind: str, allowed: tuple[str, ...], elsewhere: dict[str, str]) -> BeforeValidator:
    """Refuse text that is not one of ``allowed`` with a hint; anything else (a number, a list) is left to the
    Literal to refuse as the wrong type."""

    def check(value: object) -> object:
        if isinstance(value, str) and value not in allowed:
            raise PydanticCustomError(
                "bad_code",
                "'{value}' is not a {kind} code",
                {"value": value, "kind": kind, "hint": _hint(value, allowed, elsewhere)},
            )
        return value

    return BeforeValidator(check)


_QUALITY_HERE = "is a quality of evidence: write it as 'quality:' on the evidence entries the action cites"
_STRENGTH_HERE = "is a strength of recommendation: write it as 'strength:' on the action"
_WEAK = "GRADE's conditional recommendation is 'weak' in the FHIR code system: write 'weak'"
_AGAINST = "a recommendation not to do something is 'against'"

Strength = Annotated[
    StrengthCode,
    _checked(
        "strength",
        STRENGTHS,
        {q: f"'{q}' {_QUALITY_HERE}" for q in QUALITIES} | {w: _WEAK for w in ("conditional", "discretionary")},
    ),
]
"""A strength of recommendation: ``strong`` or ``weak`` (FHIR ``recommendation-strength``)."""
Quality = Annotated[QualityCode, _checked("quality", QUALITIES, {s: f"'{s}' {_STRENGTH_HERE}" for s in STRENGTHS})]
"""A quality of evidence: ``high``, ``moderate``, ``low`` or ``very-low`` (FHIR ``evidence-quality``)."""
Direction = Annotated[
    DirectionCode, _checked("direction", DIRECTIONS, {w: _AGAINST for w in ("do-not", "avoid", "not", "no")})
]
"""``for`` (do it) or ``against`` (do not do it)."""


@dataclass(frozen=True)
class Stance:
    """A recommendation's strength and direction as its action states them (``None``: not stated; a direction not
    stated is ``for``)."""

    strength: StrengthCode | None = None
    direction: DirectionCode | None = None

    @property
    def against(self) -> bool:
        """True for a recommendation not to do something."""
        return self.direction == "against"

    @property
    def short(self) -> str:
        """``strong for``, ``weak against``, ``against`` (no strength stated), or '' (neither, or ``for`` alone:
        the default says nothing)."""
        if self.strength:
            return f"{self.strength} {self.direction or 'for'}"
        return "against" if self.against else ""

    @property
    def words(self) -> str:
        """``strong recommendation for``, ``weak recommendation against``, ``recommendation against``, or ''."""
        if self.strength:
            return f"{self.strength} recommendation {self.direction or 'for'}"
        return "recommendation against" if self.against else ""

    def record(self) -> dict[str, str]:
        """The fields of an ``issued`` record: the strength when stated, the direction when either is stated
        (``for`` when only the strength is); none when the action states neither, so older trails keep their
        bytes."""
        fields: dict[str, str] = {}
        if self.strength:
            fields["strength"] = self.strength
        if self.strength or self.direction:
            fields["direction"] = self.direction or "for"
        return fields


QUALITY_WORDS = {
    "high": "high quality",
    "moderate": "moderate quality",
    "low": "low quality",
    "very-low": "very low quality",
}
"""Each quality code as the FHIR code system displays it (in lower case, to sit inside a sentence)."""


def quality_text(quality: str | None, grade: str | None) -> str:
    """``moderate quality``, ``moderate quality, GRADE 1B`` (the source's own grade verbatim), ``GRADE 1B``, or
    '' when the entry states neither."""
    return ", ".join(part for part in (QUALITY_WORDS.get(quality or ""), grade) if part)
