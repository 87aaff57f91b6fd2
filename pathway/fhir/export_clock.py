"""A trail's clock in FHIR: trails write clinic local time (``2026-03-02``, ``2026-03-02T09:30``), while a FHIR
dateTime with a time of day, and every instant, needs a time zone. The offset is never guessed: a date stays a date,
and a time of day, or an instant, takes the offset given (``--utc-offset``), or the export stops and asks for it.
"""

from __future__ import annotations

import re

from pathway.errors import UsageError

OFFSET = re.compile(r"^(Z|[+-](0\d|1[0-4]):[0-5]\d)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


def check_offset(offset: str | None) -> str | None:
    if offset is not None and not OFFSET.fullmatch(offset):
        raise UsageError(
            f"'{offset}' is not a UTC offset: expected Z or +HH:MM / -HH:MM, e.g. +01:00", parameter="utc_offset"
        )
    return offset


def _needs(at: str, what: str) -> UsageError:
    return UsageError(
        f"the trail's times are clinic local time ({at}) and a FHIR {what} needs a time zone: "
        "give the clinic's offset from UTC, e.g. +01:00",
        parameter="utc_offset",
    )


def date_time(at: str, offset: str | None) -> str:
    """A FHIR dateTime: a date as it is; a date-time with seconds and the offset."""
    if _DATE.fullmatch(at):
        return at
    if not _DATETIME.fullmatch(at):
        raise UsageError(f"'{at}' is not a time a trail writes (YYYY-MM-DD, YYYY-MM-DDTHH:MM or with seconds)")
    if offset is None:
        raise _needs(at, "dateTime with a time of day")
    return f"{at}{'' if at.count(':') == 2 else ':00'}{offset}"


def instant(at: str, offset: str | None) -> str:
    """A FHIR instant: always a time of day and an offset (a date is its midnight, clinic time)."""
    if offset is None:
        raise _needs(at, "instant")
    return date_time(at if "T" in at else f"{at}T00:00", offset)
