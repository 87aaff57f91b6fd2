"""``pathway cohort conformance`` as text: the table of recommendations, the care never recommended, the strata,
and each patient's deviations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Protocol

from pathway.cohort.conformance_rows import PatientConformance, RecommendationRow


class Conformance(Protocol):
    """What the text shows of a :class:`pathway.cohort.conformance.Conformance`."""

    @property
    def folder(self) -> str: ...

    @property
    def pathway(self) -> Mapping[str, str]: ...

    @property
    def grace(self) -> timedelta: ...

    @property
    def transient(self) -> timedelta: ...

    @property
    def by(self) -> str | None: ...

    @property
    def journeys(self) -> int: ...

    @property
    def rows(self) -> tuple[RecommendationRow, ...]: ...

    @property
    def strata(self) -> Mapping[str, tuple[RecommendationRow, ...]]: ...

    @property
    def patients(self) -> tuple[PatientConformance, ...]: ...

    @property
    def never_assessed(self) -> tuple[str, ...]: ...

    @property
    def fitness(self) -> float | None: ...

    @property
    def exit_code(self) -> int: ...


HEAD = ("recommendation", "stance", "denominator", "met", "late", "exceptions", "not documented", "open", "rate")


def _stance(row: RecommendationRow) -> str:
    words = " ".join(w for w in (row.strength, row.direction) if w)
    qualities = sorted({e.quality for e in row.evidence if e.quality})
    return ", ".join(part for part in (words, "/".join(qualities) + " quality" if qualities else "") if part) or "-"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _exceptions(row: RecommendationRow) -> str:
    if not row.exceptions:
        return "0"
    return f"{row.exception_total} (" + ", ".join(f"{k} {n}" for k, n in row.exceptions.items()) + ")"


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as aligned columns, the first left-aligned, the others right-aligned, with a rule under the head."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def recommendations(rows: Sequence[RecommendationRow]) -> list[str]:
    issued = [r for r in rows if r.issued]
    if not issued:
        return ["no recommendation was issued"]
    body = [
        [f"{r.action}", _stance(r), str(r.denominator), str(r.met), str(r.met_late), _exceptions(r),
         str(r.not_documented), str(r.open), _rate(r.rate)]
        for r in issued
    ]  # fmt: skip
    return table([list(HEAD), *body])


def unrecommended(rows: Sequence[RecommendationRow]) -> list[str]:
    given = [r for r in rows if r.unrecommended_with_reason + r.unrecommended_without_reason + r.undetermined]
    if not given:
        return ["no care was given that the pathway did not recommend"]
    body = [
        [r.action, str(r.unrecommended_with_reason), str(r.unrecommended_without_reason), str(r.undetermined)]
        for r in given
    ]
    return table([["care given, never recommended", "with a reason", "without", "undetermined"], *body])


def text(result: Conformance) -> str:
    p = result.pathway
    lines = [
        f"conformance of {result.folder}: {result.journeys} journeys, pathway {p['id']} {p['version']} "
        f"(grace {result.grace.days}d after retirement, transient under {result.transient.days}d)",
        "",
        *recommendations(result.rows),
        "",
        *unrecommended(result.rows),
    ]
    for name, rows in result.strata.items():
        lines += ["", f"{result.by} = {name}:", *recommendations(rows), *unrecommended(rows)]
    for patient in result.patients:
        items = (*patient.deviations, *patient.undetermined)
        if items:
            lines += ["", f"{patient.journey}:", *(f"  {d.to_text()}" for d in items)]
    if result.never_assessed:
        lines += ["", "never assessed: " + ", ".join(result.never_assessed)]
    fitness = result.fitness
    lines += ["", f"fitness {_rate(fitness)}; exit {int(result.exit_code)}"]
    return "\n".join(lines)
