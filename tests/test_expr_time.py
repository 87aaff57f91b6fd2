"""Time in the guard language (docs/time.md, "Time in guards"): duration literals, the types of dates, date-times
and durations, the functions of time, and what an evaluation reads and misses through last() and time_in_state()."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

import pytest

from pathway.definition.analysis import analyse
from pathway.definition.model import Pathway
from pathway.expr import UNKNOWN, Compiled, Evaluation, ExprIssue, Scope, ValueType, compile_expr
from pathway.expr.durations import duration_hint
from pathway.expr.lexical import read_words, scan
from tests.test_expr import DERIVED as BASE_DERIVED
from tests.test_expr import SYMBOLS as BASE_SYMBOLS
from tests.test_expr import issues

U = UNKNOWN
NOW = datetime(2026, 3, 2, 8, 0)

# A few derived facts over time, on top of the neuropathy facts of test_expr (steroid_start is a date-time).
DERIVED_TEXT = {
    "on_steroids_for": "time_since(steroid_start)",  # a duration
    "grade_given": "last(sensory_grade)",  # a date-time
    "grade_recent": "hours_since(last(sensory_grade)) < 24",
}


def _build() -> tuple[dict[str, ValueType], dict[str, Compiled]]:
    symbols = dict(BASE_SYMBOLS)
    derived: dict[str, Compiled] = dict(BASE_DERIVED)
    for name, text in DERIVED_TEXT.items():
        result = compile_expr(text, symbols, want_bool=False)
        assert isinstance(result, Compiled), result
        derived[name] = result
        symbols[name] = ValueType(result.type.kind, result.type.values, name, derived=True)
    return symbols, derived


SYMBOLS, DERIVED = _build()


def compiled(text: str, *, want_bool: bool = True) -> Compiled:
    result = compile_expr(text, SYMBOLS, want_bool=want_bool)
    assert isinstance(result, Compiled), result
    return result


def run(
    text: str,
    facts: Mapping[str, object] | None = None,
    now: date | datetime | None = NOW,
    *,
    given: Mapping[str, datetime] | None = None,
    entered: datetime | None = None,
    want_bool: bool = True,
) -> Evaluation:
    scope = Scope(facts or {}, DERIVED, now, given=given)
    return compiled(text, want_bool=want_bool).evaluate(scope, entered)


def value(text: str, facts: Mapping[str, object] | None = None, now: date | datetime | None = NOW) -> object:
    result = run(text, facts, now, want_bool=False)
    assert result.error is None, result.error
    return result.value


def only(text: str, *, want_bool: bool = True) -> ExprIssue:
    (found,) = issues(text, want_bool=want_bool, symbols=SYMBOLS)
    return found


# --- duration literals ----------------------------------------------------------------------------------------

LITERALS = [
    ("72h", timedelta(hours=72)),
    ("3d", timedelta(days=3)),
    ("2w", timedelta(weeks=2)),
    ("90min", timedelta(minutes=90)),
    ("1d12h", timedelta(hours=36)),
    ("1w2d3h4min", timedelta(weeks=1, days=2, hours=3, minutes=4)),
    ("PT72H", timedelta(hours=72)),
    ("P3D", timedelta(days=3)),
    ("P2W", timedelta(weeks=2)),
    ("PT90M", timedelta(minutes=90)),
    ("P1DT12H", timedelta(hours=36)),
]


@pytest.mark.parametrize(("text", "expected"), LITERALS, ids=[text for text, _ in LITERALS])
def test_a_duration_literal_is_a_duration_constant(text: str, expected: timedelta) -> None:
    expr = compiled(text, want_bool=False)
    assert expr.type == ValueType("duration")
    assert expr.names == frozenset()
    assert value(text) == expected


def test_literals_with_the_same_placeholder_keep_their_own_values() -> None:
    # 72h and 12h are both parsed as the name '_2h': the side table is by offset, not by name
    assert value("72h - 12h") == timedelta(hours=60)
    assert value("12h - 72h") == timedelta(hours=-60)
    assert run("72h != 12h").value is True


def test_compact_and_iso_durations_are_equal_when_their_lengths_are() -> None:
    assert run("72h == 3d and 3d == PT72H and P1DT12H == 36h and 2w == 14d and 90min == PT1H30M").value is True
    assert run("90min < 2h and P1D > 23h").value is True


def test_a_name_that_looks_like_a_placeholder_is_still_a_name() -> None:
    found = issues("_2h > 72h", symbols=SYMBOLS)
    assert [(i.code, i.offset, i.length) for i in found] == [("PW203", 0, 3)]
    assert "'_2h'" in found[0].message


def test_an_iso_duration_inside_quotes_is_text() -> None:
    assert read_words('route == "P3D"').durations == ()
    assert only('route == "P3D"').code == "PW207"


@pytest.mark.parametrize("text", ["P", "PT", "Pain"])
def test_names_that_are_not_iso_durations_stay_names(text: str) -> None:
    assert read_words(f"{text} > 1").durations == ()
    assert only(f"{text} > 1").code == "PW203"


def test_read_words_finds_each_duration_where_it_stands() -> None:
    words = read_words("time_since(steroid_start) >= 1d12h or PT72H < time_in_state()")
    assert words.issues == []
    assert [(d.offset, d.length, d.value) for d in words.durations] == [
        (29, 5, timedelta(hours=36)),
        (38, 5, timedelta(hours=72)),
    ]


BAD = [
    # (id, duration, message fragment, hint fragment)
    ("unknown-unit", "3x", "'3x' is not a duration", "write a number and a unit"),
    ("zero", "0h", "'0h' is zero", "longer than zero"),
    ("zero-iso", "PT0M", "is zero", "longer than zero"),
    ("months", "3m", "'3m' is not a duration", "months and years vary"),
    ("iso-months", "P3M", "'P3M' is not a duration", "ISO months and years"),
    ("iso-years", "P1Y", "'P1Y' is not a duration", "ISO months and years"),
    ("seconds", "PT30S", "counts seconds", "write minutes (PT5M)"),
    ("decimal", "1.5d", "'1.5d' is not a duration", "36h rather than 1.5d"),
    ("word-unit", "72hours", "not a duration", "one letter"),
    ("smallest-first", "12h1d", "not a duration", "largest first"),
    ("too-long", "36601d", "longer than any pathway needs", None),
    ("upper-compact", "72H", "not a duration", None),
]


@pytest.mark.parametrize(("duration", "message", "hint"), [pytest.param(*case[1:], id=case[0]) for case in BAD])
def test_a_bad_duration_is_refused_where_it_stands_with_the_format_hint(
    duration: str, message: str, hint: str | None
) -> None:
    text = f"time_since(steroid_start) > {duration} and diabetes"
    found = only(text)
    assert (found.code, found.offset, found.length) == ("PW202", 28, len(duration))
    assert message in found.message
    assert found.hint == duration_hint(duration)
    if hint is not None:
        assert hint in found.hint


def test_every_bad_duration_is_reported_at_once() -> None:
    found = issues("3x < time_in_state() and time_in_state() < PT30S and 1e3 > 2", symbols=SYMBOLS)
    assert [(i.code, i.offset, i.length) for i in found] == [("PW202", 0, 2), ("PW202", 43, 5), ("PW202", 53, 3)]
    assert "in full" in (found[2].hint or "")  # Python's number spellings keep their own refusal


def test_offsets_after_a_duration_and_a_non_ascii_string_stay_exact() -> None:
    text = 'route == "é" and time_since(steroid_start) > 1d12h and ncs_patern == "mixed"'
    found = issues(text, symbols=SYMBOLS)
    assert [i.code for i in found] == ["PW207", "PW203"]
    assert [text[i.offset : i.offset + i.length] for i in found] == ['"é"', "ncs_patern"]
    text = "time_since(steroid_start) > 72h and\n  bogus"
    found = only(text)
    assert text[found.offset : found.offset + found.length] == "bogus"


def test_a_type_error_quotes_the_literal_as_written() -> None:
    found = only("72h and diabetes")
    assert (found.code, found.offset, found.length) == ("PW204", 0, 3)
    assert "'72h' is a duration" in found.message


def test_the_fast_scan_leaves_durations_to_the_word_scan() -> None:
    assert scan("PT72H < time_in_state()") == []
    assert len(read_words("PT72H < time_in_state()").durations) == 1
    assert len(read_words("72h < time_in_state()").durations) == 1


# --- types ----------------------------------------------------------------------------------------------------

ACCEPTED = [
    "time_in_state() >= 3d",
    "3d <= time_in_state()",
    "time_since(steroid_start) == 72h",
    "time_since(steroid_start) != time_in_state()",
    "steroid_start < last(sensory_grade)",
    "steroid_start == last_dose_date",
    "last_dose_date <= steroid_start",
    "last_dose_date < steroid_start < last(motor_grade)",
    "time_in_state() + 12h > 3d - 1h",
    "on_steroids_for >= 72h",
    "grade_given > steroid_start",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_time_comparisons_are_accepted(text: str) -> None:
    assert compiled(text).type == ValueType("bool")


REFUSED = [
    # (id, text, code, offset, length, message fragment, hint)
    ("number-vs-duration", "time_in_state() > 3", "PW204", 0, 19, "(a duration) with '3' (a number)", "unit"),
    ("duration-vs-number", "72 <= time_in_state()", "PW204", 0, 21, "'72' (a number) with", "unit"),
    ("equal-number", "time_since(steroid_start) == 72", "PW204", 0, 31, "'==' cannot compare", "unit"),
    ("not-equal-number", "3 != 3d", "PW204", 0, 7, "'!=' cannot compare", "unit"),
    ("duration-vs-date", "time_in_state() > last_dose_date", "PW204", 0, 32, "needs two numbers, two durations", None),
    ("duration-eq-date", "3d == last_dose_date", "PW204", 0, 20, "cannot compare", None),
    ("datetime-vs-number", "steroid_start > 3", "PW204", 0, 17, "or two dates or date-times", None),
    ("duration-times", "3d * 2 > 1d", "PW204", 0, 2, "'*' needs numbers, but '3d' is a duration", "adds to"),
    ("duration-divided", "time_in_state() / 2 > 1d", "PW204", 0, 15, "'/' needs numbers", "duration"),
    ("duration-plus-number", "time_in_state() + 1 > 1d", "PW204", 18, 1, "'+' needs two durations", "unit"),
    ("number-minus-duration", "1 - 3d > 1", "PW204", 0, 1, "'-' needs two durations", "unit"),
    ("datetime-plus-duration", "steroid_start + 3d > steroid_start", "PW204", 0, 13, "a date-time", "no date"),
    ("negative-duration", "-3d < time_in_state()", "PW204", 1, 2, "'-' needs numbers", "duration"),
    ("max-durations", "max(1d, 2) > 1", "PW204", 4, 2, "'max()' needs numbers", "duration"),
    ("duration-guard", "time_in_state()", "PW204", 0, 15, "a guard must be true or false", "time_in_state() >= 72h"),
    ("datetime-guard", "steroid_start", "PW204", 0, 13, "a guard must be true or false", "time_since(x) >= 72h"),
    ("datetime-minus", "steroid_start - 1 > 1", "PW204", 0, 13, "'-' needs numbers", "days_between"),
    ("duration-in-list", "time_in_state() in [1, 2]", "PW204", 0, 15, "needs an enum or a number", None),
]


@pytest.mark.parametrize(
    ("text", "code", "offset", "length", "message", "hint"), [pytest.param(*case[1:], id=case[0]) for case in REFUSED]
)
def test_time_type_errors_are_located(
    text: str, code: str, offset: int, length: int, message: str, hint: str | None
) -> None:
    found = only(text)
    assert (found.code, found.offset, found.length) == (code, offset, length), found
    assert message in found.message
    if hint is None:
        return
    assert found.hint is not None
    assert hint in found.hint


def test_the_unit_hint_is_exact() -> None:
    assert only("time_in_state() > 3").hint == "write the unit, e.g. 72h or 3d"
    assert only("3 < time_in_state()").hint == "write the unit, e.g. 72h or 3d"


def test_durations_add_and_subtract() -> None:
    assert compiled("3d + 12h", want_bool=False).type == ValueType("duration")
    assert value("3d + 12h") == timedelta(hours=84)
    assert value("3d - 12h - 1d") == timedelta(hours=36)
    assert value("12h - 3d") == timedelta(hours=-60)  # a difference may be negative; a literal may not


@pytest.mark.parametrize(
    ("text", "kind"),
    [("time_since(steroid_start)", "duration"), ("last(motor_grade)", "datetime"), ("72h", "duration")],
)
def test_a_derived_expression_may_give_a_duration_or_a_date_time(text: str, kind: str) -> None:
    assert compiled(text, want_bool=False).type.kind == kind


def test_a_date_compared_with_a_date_time_counts_as_midnight() -> None:
    facts = {"last_dose_date": date(2026, 3, 1), "steroid_start": datetime(2026, 3, 1, 0, 0)}
    assert run("last_dose_date == steroid_start and steroid_start == last_dose_date", facts).value is True
    assert run("last_dose_date < steroid_start or steroid_start < last_dose_date", facts).value is False
    later = {"last_dose_date": date(2026, 3, 1), "steroid_start": datetime(2026, 3, 1, 0, 1)}
    assert run("last_dose_date < steroid_start and steroid_start > last_dose_date", later).value is True
    assert run("last_dose_date != steroid_start", later).value is True
    assert run("last_dose_date < steroid_start", {"steroid_start": datetime(2026, 3, 1)}).value is U


# --- the functions ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clock",
    [date(2026, 3, 2), datetime(2026, 3, 2), datetime(2026, 3, 2, 0, 1), datetime(2026, 3, 2, 9, 30),
     datetime(2026, 3, 2, 23, 59, 59)],
    ids=["date", "midnight", "00:01", "09:30", "23:59:59"],
)  # fmt: skip
@pytest.mark.parametrize("then", [date(2026, 3, 2), date(2026, 3, 1), date(2025, 3, 2), date(2026, 3, 5)])
def test_days_since_a_date_is_the_days_between_dates_whatever_the_time_of_day(clock: date, then: date) -> None:
    today = clock.date() if isinstance(clock, datetime) else clock
    assert value("days_since(last_dose_date)", {"last_dose_date": then}, clock) == (today - then).days


SINCE = [
    # (id, expression, then, expected)
    ("days-23h", "days_since(steroid_start)", datetime(2026, 3, 1, 9, 0), 0),
    ("days-24h", "days_since(steroid_start)", datetime(2026, 3, 1, 8, 0), 1),
    ("days-future-1h", "days_since(steroid_start)", datetime(2026, 3, 2, 9, 0), -1),
    ("days-future-25h", "days_since(steroid_start)", datetime(2026, 3, 3, 9, 0), -2),
    ("hours-59min", "hours_since(steroid_start)", datetime(2026, 3, 2, 7, 1), 0),
    ("hours-60min", "hours_since(steroid_start)", datetime(2026, 3, 2, 7, 0), 1),
    ("hours-72h", "hours_since(steroid_start)", datetime(2026, 2, 27, 8, 0), 72),
    ("hours-future-1min", "hours_since(steroid_start)", datetime(2026, 3, 2, 8, 1), -1),
    ("hours-now", "hours_since(steroid_start)", NOW, 0),
    ("hours-date", "hours_since(last_dose_date)", date(2026, 3, 1), 32),
    ("time", "time_since(steroid_start)", datetime(2026, 2, 27, 7, 59), timedelta(hours=72, minutes=1)),
    ("time-future", "time_since(steroid_start)", datetime(2026, 3, 2, 9, 0), timedelta(hours=-1)),
    ("time-date", "time_since(last_dose_date)", date(2026, 3, 1), timedelta(hours=32)),
    ("days-date", "days_since(last_dose_date)", date(2026, 2, 28), 2),
    ("days-last", "days_since(last(sensory_grade))", None, 0),
]


@pytest.mark.parametrize(("text", "then", "expected"), [pytest.param(*case[1:], id=case[0]) for case in SINCE])
def test_the_time_since_a_moment_is_rounded_down(text: str, then: date | None, expected: object) -> None:
    name = "steroid_start" if "steroid_start" in text else "last_dose_date"
    facts = {} if then is None else {name: then}
    result = run(text, facts, given={"sensory_grade": datetime(2026, 3, 1, 8, 1)}, want_bool=False)
    assert result.value == expected
    assert type(result.value) is type(expected)


@pytest.mark.parametrize(
    "text", ["days_since(steroid_start)", "hours_since(steroid_start)", "time_since(steroid_start)"]
)
def test_the_time_since_is_unknown_without_a_clock_or_without_the_moment(text: str) -> None:
    without_clock = run(text, {"steroid_start": NOW}, now=None, want_bool=False)
    assert without_clock.value is U
    assert without_clock.missing == frozenset()  # no fact can give a clock
    without_value = run(text, {}, want_bool=False)
    assert without_value.value is U
    assert without_value.missing == frozenset({"steroid_start"})


BETWEEN = [
    # (id, a, b, expected)
    ("dates", date(2026, 1, 1), date(2026, 2, 11), 41),
    ("dates-reversed", date(2026, 2, 11), date(2026, 1, 1), -41),
    ("date-then-datetime", date(2026, 3, 1), datetime(2026, 3, 2, 23, 59), 1),
    ("datetime-then-date", datetime(2026, 3, 2, 23, 59), date(2026, 3, 1), -2),
    ("datetimes-23h", datetime(2026, 3, 1, 9, 0), datetime(2026, 3, 2, 8, 0), 0),
    ("datetimes-24h", datetime(2026, 3, 1, 8, 0), datetime(2026, 3, 2, 8, 0), 1),
    ("datetimes-minus-1min", datetime(2026, 3, 2, 8, 1), datetime(2026, 3, 2, 8, 0), -1),
]


@pytest.mark.parametrize(("a", "b", "expected"), [pytest.param(*case[1:], id=case[0]) for case in BETWEEN])
def test_days_between_is_rounded_down(a: date, b: date, expected: int) -> None:
    symbols = {
        "a": ValueType("datetime" if isinstance(a, datetime) else "date", name="a"),
        "b": ValueType("datetime" if isinstance(b, datetime) else "date", name="b"),
    }
    expr = compile_expr("days_between(a, b)", symbols, want_bool=False)
    assert isinstance(expr, Compiled)
    result = expr.evaluate(Scope({"a": a, "b": b}, {}))  # no clock needed
    assert result.value == expected
    assert type(result.value) is int
    assert not expr.clock


def test_the_day_functions_refuse_what_is_not_a_moment() -> None:
    found = only("days_since(time_in_state()) > 1")
    assert (found.offset, found.length) == (11, 15)
    assert found.message == "days_since() needs a date or a date-time, but 'time_in_state()' is a duration"
    assert found.hint == "it is a duration already: compare it, e.g. x >= 72h"
    assert only("hours_since(sensory_grade) > 1").message.startswith("hours_since() needs a date or a date-time")
    arity = only("time_since() > 1d")
    assert arity.message == "time_since() takes 1 date or date-time, but 0 given in 'time_since()'"
    assert "takes 2 dates or date-times" in only("days_between(steroid_start) > 1").message


def test_time_in_state_is_now_minus_entered() -> None:
    entered = datetime(2026, 2, 27, 8, 30)
    result = run("time_in_state() >= 3d", entered=entered)
    assert result.value is False
    assert result.read == {"time_in_state()": timedelta(days=2, hours=23, minutes=30)}
    assert run("time_in_state() >= 3d", entered=datetime(2026, 2, 27, 8, 0)).value is True
    assert run("time_in_state() == 1h - 1h", entered=NOW).value is True


@pytest.mark.parametrize(("now", "entered"), [(NOW, None), (None, NOW), (None, None)])
def test_time_in_state_is_unknown_without_either_time_and_needs_no_fact(
    now: datetime | None, entered: datetime | None
) -> None:
    result = run("time_in_state() >= 3d", now=now, entered=entered)
    assert result.value is U
    assert result.missing == frozenset()
    assert result.read == {"time_in_state()": U}


def test_time_in_state_with_a_date_clock_counts_from_midnight() -> None:
    result = run("time_in_state() > 1h", now=date(2026, 3, 2), entered=datetime(2026, 3, 1, 23, 30))
    assert result.read == {"time_in_state()": timedelta(minutes=30)}
    assert result.value is False


def test_time_in_state_is_for_guards_only() -> None:
    found = only("time_in_state()", want_bool=False)
    assert (found.code, found.offset, found.length) == ("PW204", 0, 15)
    assert found.message == (
        "time_in_state() reads the state of the transition whose guard it is in; use it in a guard"
    )
    found = only("time_in_state() > 3d", want_bool=False)
    assert (found.offset, found.length) == (0, 15)
    found = only("time_in_state(diabetes) > 3d")
    assert found.message == "time_in_state() takes no argument, but 1 given in 'time_in_state(diabetes)'"


def test_last_is_when_a_fact_was_last_given_even_when_its_value_is_unknown() -> None:
    given = {"sensory_grade": datetime(2026, 3, 1, 9, 15)}
    result = run("last(sensory_grade)", {}, given=given, want_bool=False)  # a stale value is not in facts
    assert result.value == datetime(2026, 3, 1, 9, 15)
    assert result.read == {"last(sensory_grade)": datetime(2026, 3, 1, 9, 15)}
    assert result.missing == frozenset()


def test_last_of_a_fact_never_given_is_unknown_and_asks_for_the_fact() -> None:
    result = run("hours_since(last(sensory_grade)) < 24", {"sensory_grade": 2})
    assert result.value is U
    assert result.read == {"last(sensory_grade)": U}  # the value 2 is not read: last() reads the time only
    assert result.missing == frozenset({"sensory_grade"})


def test_last_given_as_a_date_counts_as_midnight_and_anything_else_as_unknown() -> None:
    assert run("last(sensory_grade)", given={"sensory_grade": date(2026, 3, 1)}, want_bool=False).value == datetime(
        2026, 3, 1
    )
    broken = {"sensory_grade": "2026-03-01"}
    assert run("last(sensory_grade)", given=broken, want_bool=False).value is U  # type: ignore[arg-type]


def test_read_holds_the_facts_and_the_times_sorted() -> None:
    text = "sensory_grade >= 2 and time_in_state() > 1d and last(sensory_grade) > last(motor_grade) and diabetes"
    given = {"motor_grade": datetime(2026, 3, 1), "sensory_grade": datetime(2026, 3, 2)}
    result = run(text, {"sensory_grade": 3, "diabetes": True}, given=given, entered=datetime(2026, 2, 1))
    assert result.value is True
    assert list(result.read.items()) == [
        ("diabetes", True),
        ("last(motor_grade)", datetime(2026, 3, 1)),
        ("last(sensory_grade)", datetime(2026, 3, 2)),
        ("sensory_grade", 3),
        ("time_in_state()", timedelta(days=29, hours=8)),
    ]


def test_missing_is_exact_through_last_and_time_in_state() -> None:
    text = "time_in_state() > 3d or last(motor_grade) > steroid_start or diabetes"
    result = run(text, {"steroid_start": datetime(2026, 3, 1)})
    assert result.value is U
    assert result.missing == frozenset({"motor_grade", "diabetes"})  # time_in_state() needs no fact
    decided = run(text, {"steroid_start": datetime(2026, 3, 1)}, entered=datetime(2026, 2, 1))
    assert decided.value is True
    assert decided.missing == frozenset()
    false_first = run("diabetes and last(motor_grade) > steroid_start", {"diabetes": False})
    assert false_first.missing == frozenset()  # a decided part needs nothing


def test_a_fact_read_by_value_and_by_last_is_in_both() -> None:
    result = run("sensory_grade >= 2 and hours_since(last(sensory_grade)) < 24", {})
    assert result.read == {"last(sensory_grade)": U, "sensory_grade": U}
    assert result.missing == frozenset({"sensory_grade"})


def test_a_derived_fact_reading_last_passes_it_on() -> None:
    given = {"sensory_grade": datetime(2026, 3, 1, 9, 0)}
    result = run("grade_recent and diabetes", {"diabetes": True}, given=given)
    assert result.value is True
    assert result.read == {"diabetes": True, "grade_recent": True, "last(sensory_grade)": given["sensory_grade"]}
    unknown = run("grade_recent and diabetes", {"diabetes": True})
    assert unknown.missing == frozenset({"sensory_grade"})
    assert list(unknown.read) == ["diabetes", "grade_recent", "last(sensory_grade)"]


def test_derived_facts_of_time_types_work_as_slots() -> None:
    facts = {"steroid_start": datetime(2026, 2, 27, 8, 0)}
    assert run("on_steroids_for >= 72h", facts).value is True
    assert run("on_steroids_for > 72h", facts).value is False
    assert run("on_steroids_for >= 72h", {}).missing == frozenset({"steroid_start"})
    given = {"sensory_grade": datetime(2026, 3, 1)}
    assert run("grade_given > steroid_start", facts, given=given).value is True


def test_last_refuses_what_is_not_a_fact_name() -> None:
    found = only("last(grade_given) > steroid_start")
    assert (found.code, found.offset, found.length) == ("PW204", 5, 11)
    assert (
        found.message
        == "last() reads when a fact was given a value, but 'grade_given' is a derived fact: it is never given"
    )
    for text in ["last(sensory_grade + 1) > steroid_start", "last(true) > steroid_start", "last() > steroid_start",
                 "last(sensory_grade, motor_grade) > steroid_start"]:  # fmt: skip
        found = only(text)
        assert found.code == "PW204"
        assert found.message.startswith("last() takes one fact name, e.g. last(sensory_grade); not 'last(")
    unknown = only("last(sensory_grad) > steroid_start")
    assert (unknown.code, unknown.offset, unknown.length) == ("PW203", 5, 12)
    assert unknown.hint is not None
    assert "sensory_grade" in unknown.hint


# --- what a compiled expression says it reads -------------------------------------------------------------------

ATTRIBUTES = [
    # (expression, clock, in_state, last)
    ("sensory_grade >= 3", False, False, set()),
    ("days_since(last_dose_date) <= 90", True, False, set()),
    ("hours_since(steroid_start) >= 72", True, False, set()),
    ("time_since(steroid_start) >= 72h", True, False, set()),
    ("time_in_state() >= 3d", True, True, set()),
    ("days_between(last_dose_date, steroid_start) > 1", False, False, set()),
    ("last(sensory_grade) > last(motor_grade)", False, False, {"sensory_grade", "motor_grade"}),
    ("days_since(last(motor_grade)) < 7", True, False, {"motor_grade"}),
    ("on_steroids_for >= 72h", False, False, set()),  # the clock is read by the derived fact, not directly
    ("grade_recent", False, False, set()),
]


@pytest.mark.parametrize(("text", "clock", "in_state", "last"), ATTRIBUTES)
def test_compiled_says_whether_it_reads_the_clock_the_state_and_last(
    text: str, clock: bool, in_state: bool, last: set[str]
) -> None:
    expr = compiled(text)
    assert (expr.clock, expr.in_state, expr.last) == (clock, in_state, frozenset(last))


def test_names_include_the_facts_given_to_last() -> None:
    expr = compiled("last(sensory_grade) > steroid_start")
    assert expr.names == frozenset({"sensory_grade", "steroid_start"})
    assert DERIVED["on_steroids_for"].clock
    assert DERIVED["grade_given"].last == frozenset({"sensory_grade"})


def test_existing_guards_read_and_miss_what_they_did() -> None:
    result = run("effective_grade >= 3 or days_since(last_dose_date) <= 90", {"sensory_grade": 1})
    assert result.value is U
    assert list(result.read) == ["effective_grade", "last_dose_date", "motor_grade", "sensory_grade"]
    assert result.missing == frozenset({"motor_grade", "last_dose_date"})


def test_an_evaluation_that_fails_reads_its_times_as_unknown() -> None:
    class Broken(dict[str, object]):
        def get(self, key: str, default: object = None) -> object:
            raise RuntimeError("broken")

    expr = compiled("time_in_state() > 1d and last(motor_grade) > steroid_start")
    result = expr.evaluate(Scope(Broken(), {}, NOW), NOW)
    assert result.error is not None
    assert result.read == {"last(motor_grade)": U, "steroid_start": U, "time_in_state()": U}


# --- the scope's clock ------------------------------------------------------------------------------------------


def test_a_scope_with_a_date_is_at_midnight() -> None:
    scope = Scope({}, {}, date(2026, 3, 2))
    assert (scope.today, scope.now) == (date(2026, 3, 2), datetime(2026, 3, 2))
    assert type(scope.today) is date


def test_a_scope_with_a_date_time_keeps_the_time() -> None:
    scope = Scope({}, {}, datetime(2026, 3, 2, 9, 30))
    assert (scope.today, scope.now) == (date(2026, 3, 2), datetime(2026, 3, 2, 9, 30))
    assert type(scope.today) is date


def test_a_scope_without_a_clock_or_given_times() -> None:
    scope = Scope({}, {})
    assert (scope.today, scope.now) == (None, None)
    assert dict(scope.given) == {}
    given = {"grade": datetime(2026, 3, 1)}
    assert Scope({}, {}, None, given=given).given is given


def test_a_derived_fact_over_time_is_evaluated_once_per_scope() -> None:
    scope = Scope({}, DERIVED, NOW, given={"sensory_grade": datetime(2026, 3, 1, 9)})
    first = compiled("grade_recent").evaluate(scope, datetime(2026, 1, 1))
    second = compiled("grade_recent or diabetes").evaluate(scope, datetime(2026, 3, 1))
    assert scope.derived_evaluation("grade_recent") is scope.derived_evaluation("grade_recent")
    assert first.value is True
    assert second.value is True


# --- through the loader -------------------------------------------------------------------------------------------


def _pathway(guards: list[str], derived: Mapping[str, str]) -> Pathway:
    data = {
        "pathway": "timed",
        "version": "1.0.0",
        "title": "Timed",
        "status": "draft",
        "facts": {"grade": {"type": "int", "min": 0, "max": 4}, "started": {"type": "datetime"}},
        "derived": {name: {"expr": text} for name, text in derived.items()},
        "states": {
            "start": {"initial": True, "transitions": [{"to": "end", "when": guard} for guard in guards]},
            "end": {"final": True},
        },
    }
    return Pathway.model_validate(data)


def test_the_loader_records_derived_facts_of_time_types_and_refuses_last_of_one() -> None:
    analysis = analyse(
        _pathway(
            ["treated_for >= 72h and last(grade) > started", "last(treated_for) > started"],
            {"treated_for": "time_since(started)", "graded": "last(grade)"},
        )
    )
    assert analysis.symbols["treated_for"] == ValueType("duration", name="treated_for", derived=True)
    assert analysis.symbols["graded"].kind == "datetime"
    assert analysis.derived["treated_for"].clock
    assert [(issue.code, issue.message) for issue in analysis.issues] == [
        ("PW204", "last() reads when a fact was given a value, but 'treated_for' is a derived fact: it is never given")
    ]


def test_the_loader_refuses_time_in_state_in_a_derived_fact() -> None:
    analysis = analyse(_pathway(["grade > 1"], {"stay": "time_in_state()"}))
    assert [(issue.path, issue.code) for issue in analysis.issues] == [(("derived", "stay", "expr"), "PW204")]
