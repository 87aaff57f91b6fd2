"""Durations as pathways write them (compact and ISO 8601) and clock times as the engine writes them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pathway.expr.durations import duration_hint, format_duration, format_time, later, parse_duration


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90min", 90),
        ("72h", 72 * 60),
        ("3d", 3 * 1440),
        ("2w", 14 * 1440),
        ("1d12h", 36 * 60),
        ("1w2d3h4min", (9 * 24 + 3) * 60 + 4),
        ("PT72H", 72 * 60),
        ("P3D", 3 * 1440),
        ("P2W", 14 * 1440),
        ("P1DT12H", 36 * 60),
        ("PT90M", 90),
        ("PT0H30M", 30),
    ],
)
def test_a_duration_reads_as_whole_minutes(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("72", "give the unit"),
        ("3m", "months and years vary"),
        ("2mo", "months and years vary"),
        ("P1M", "ISO months and years vary"),
        ("P1Y", "ISO months and years vary"),
        ("PT30S", "whole minutes"),
        ("3 days", "one letter"),
        ("0h", "longer than zero"),
        ("P0D", "longer than zero"),
        ("-3d", "without a sign"),
        ("3d2w", "largest first"),
        ("", "largest first"),
        ("72H", "largest first"),
    ],
)
def test_what_is_not_a_duration_is_refused_with_a_hint(text: str, hint: str) -> None:
    with pytest.raises(ValueError, match="duration|zero|seconds|longer"):
        parse_duration(text)
    assert hint in duration_hint(text)


def test_a_duration_longer_than_a_century_or_with_huge_numbers_is_refused() -> None:
    assert parse_duration("36600d") == timedelta(days=36600)
    for text in ("36601d", "9999999999h", "P99999999999D"):
        with pytest.raises(ValueError, match="longer than any pathway needs"):
            parse_duration(text)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("90min", "1h30min"),
        ("72h", "3d"),
        ("PT72H", "3d"),
        ("14d", "2w"),
        ("1d12h", "1d12h"),
        ("1w2d3h4min", "1w2d3h4min"),
    ],
)
def test_format_writes_the_largest_units_first(text: str, canonical: str) -> None:
    assert format_duration(parse_duration(text)) == canonical
    assert parse_duration(canonical) == parse_duration(text)


def test_format_duration_of_zero_negative_and_seconds() -> None:
    assert format_duration(timedelta(0)) == "0min"
    assert format_duration(-timedelta(hours=26)) == "-1d2h"
    assert format_duration(timedelta(minutes=5, seconds=59)) == "5min"


def test_times_are_written_with_seconds_like_a_journey_date_time() -> None:
    assert format_time(datetime(2026, 7, 4, 9, 0)) == "2026-07-04T09:00:00"
    assert format_time(datetime(2026, 7, 4, 9, 0, 7)) == "2026-07-04T09:00:07"


def test_later_saturates_at_the_end_of_the_calendar_instead_of_overflowing() -> None:
    assert later(datetime(2026, 1, 1), timedelta(days=1)) == datetime(2026, 1, 2)
    assert later(datetime(9999, 12, 1), timedelta(days=60)) == datetime.max
