"""Durations and clock times: how a pathway writes a length of time, and how the engine writes a moment.

A duration is written compact (``72h``, ``3d``, ``2w``, ``90min``, or combined from the largest unit down:
``1d12h``) or in ISO 8601 (``PT72H``, ``P3D``, ``P2W``, ``P1DT12H``). It counts whole minutes at most: seconds are
refused, and so are months and years, whose length varies (write days: ``90d``). It is longer than zero and at most
:data:`LONGEST`. Clock times are naive (clinic local time, as journeys give them); the engine writes a time it
computed (a timer's due time) as ``YYYY-MM-DDTHH:MM:SS``, as it writes the time of a journey's entry.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Final

MINUTE: Final = timedelta(minutes=1)
HOUR: Final = timedelta(hours=1)
DAY: Final = timedelta(days=1)
LONGEST: Final = timedelta(days=36600)
"""The longest duration a pathway may write: about a hundred years."""

_UNITS: Final = (("w", timedelta(weeks=1)), ("d", DAY), ("h", HOUR), ("min", MINUTE))
_COMPACT: Final = re.compile(r"(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)min)?")
_ISO: Final = re.compile(r"P(?:([0-9]+)W)?(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?")
_DIGITS: Final = 9
EXAMPLES: Final = "e.g. 72h, 3d, 2w, 90min, 1d12h, or ISO 8601 PT72H, P3D"


def duration_hint(text: str) -> str:
    """What to write instead of a duration that :func:`parse_duration` refused."""
    stripped = text.strip()
    match = _COMPACT.fullmatch(stripped) or _ISO.fullmatch(stripped)
    if match is not None and any(match.groups()) and not any(int(part or 0) for part in match.groups()):
        return "a duration is longer than zero, e.g. 1h or 1d"
    if re.fullmatch(r"-.*", stripped):
        return "a duration is longer than zero; write it without a sign"
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", stripped):
        return f"give the unit: {stripped}h for hours, {stripped}d for days, {stripped}w for weeks"
    if re.fullmatch(r"[0-9]+\.[0-9]+\s*[A-Za-z]+", stripped):
        return "durations count whole units: write the next smaller unit, e.g. 36h rather than 1.5d"
    if re.fullmatch(r"P?T?(?:0+[A-Za-z]+)+", stripped):
        return "a duration is longer than zero: at least 1min"
    if re.fullmatch(r"[0-9]+\s*(?:m|mo|month|months|y|yr|year|years)", stripped, re.IGNORECASE):
        return "months and years vary in length: write days (90d) or weeks (12w); minutes are 'min'"
    if re.fullmatch(r"P.*[YM].*", stripped) and "T" not in stripped.split("M")[0]:
        return "ISO months and years vary in length: write days (P90D) or weeks (P12W)"
    if "S" in stripped and stripped.startswith("P"):
        return "durations count whole minutes: write minutes (PT5M) rather than seconds"
    if re.fullmatch(r"[0-9]+\s*(?:hours?|hrs?|days?|weeks?|wks?|minutes?|mins)", stripped, re.IGNORECASE):
        return f"write the unit as one letter: {EXAMPLES}"
    return f"write a number and a unit (w, d, h, min), largest first, {EXAMPLES}"


def parse_duration(text: str) -> timedelta:
    """The duration a text writes; ValueError saying why when it writes none (see :func:`duration_hint`)."""
    match = _COMPACT.fullmatch(text) or _ISO.fullmatch(text)
    if match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration")
    if any(len(part) > _DIGITS for part in match.groups() if part):
        raise ValueError(f"{text!r} is longer than any pathway needs (at most {LONGEST.days} days)")
    weeks, days, hours, minutes, *seconds = (int(part or 0) for part in match.groups())
    if seconds and seconds[0]:
        raise ValueError(f"{text!r} counts seconds; durations count whole minutes at most")
    value = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
    if value <= timedelta(0):
        raise ValueError(f"{text!r} is zero, not a length of time")
    if value > LONGEST:
        raise ValueError(f"{text!r} is longer than any pathway needs (at most {LONGEST.days} days)")
    return value


def format_duration(value: timedelta) -> str:
    """A duration in compact form, largest unit first, whole minutes (``3d``, ``1d12h``, ``2w``, ``0min``); a
    negative one with a leading ``-``."""
    sign = "-" if value < timedelta(0) else ""
    rest = abs(value) // MINUTE * MINUTE
    parts: list[str] = []
    for unit, length in _UNITS:
        count, rest = divmod(rest, length)
        if count:
            parts.append(f"{count}{unit}")
    return sign + ("".join(parts) or "0min")


def format_time(moment: datetime) -> str:
    """A clock time as the engine writes it: ``YYYY-MM-DDTHH:MM:SS``, as it writes a journey's date-times."""
    return moment.isoformat(timespec="seconds")


def later(moment: datetime, length: timedelta) -> datetime:
    """``moment + length``, or :data:`datetime.max` when that is past the calendar's end (a timer that never falls
    due rather than an OverflowError)."""
    try:
        return moment + length
    except OverflowError:
        return datetime.max
