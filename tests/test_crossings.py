"""When the clock can change an evaluation (:mod:`pathway.engine.crossings`): which expressions are analysed, the
moments found, and that an evaluation is the same at every moment between two crossings (checked by evaluating
at many moments)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from pathway.definition.loader import load_analysis
from pathway.engine.crossings import Crossing, crossings, quiet
from pathway.engine.dependencies import quiet_stretch
from pathway.expr import Compiled, Scope, ValueType, compile_expr
from tests.conftest import ROOT

FACTS = {"dose": ValueType("date"), "seen": ValueType("datetime"), "n": ValueType("int")}


def compiled(text: str) -> Compiled:
    result = compile_expr(text, FACTS, want_bool=True)
    assert not isinstance(result, list), result
    return result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("days_since(dose) >= 90", (Crossing("dose", (timedelta(days=90), timedelta(days=91))),)),
        ("90 > days_since(dose)", (Crossing("dose", (timedelta(days=90), timedelta(days=91))),)),
        ("hours_since(seen) < 72", (Crossing("seen", (timedelta(hours=72), timedelta(hours=73))),)),
        ("time_since(seen) >= 72h", (Crossing("seen", (timedelta(hours=72),)),)),
        ("n > 2", ()),
    ],
)
def test_a_comparison_of_the_time_since_a_fact_with_a_literal_is_analysed(text: str, expected: object) -> None:
    assert crossings(compiled(text), FACTS) == expected


@pytest.mark.parametrize(
    "text",
    [
        "days_since(dose) + n >= 90",  # arithmetic on the time
        "0 < days_since(dose) < 90",  # a chained comparison
        "days_since(dose) >= n",  # against a fact, not a literal
        "days_since(dose) >= 90 or days_since(dose) * 2 > 10",  # one reading analysed, one not
    ],
)
def test_any_other_reading_of_the_clock_is_not_analysed(text: str) -> None:
    assert crossings(compiled(text), FACTS) is None


def test_time_in_state_is_not_analysed() -> None:
    analysis = load_analysis(ROOT / "tests/fixtures/time/clock.yaml")
    in_state = [c for c in analysis.guards.values() if c.in_state]
    assert in_state
    for c in in_state:
        assert crossings(c, analysis.pathway.facts) is None


@pytest.mark.parametrize(
    "text",
    [
        "days_since(dose) >= 90",
        "days_since(dose) > 90",
        "days_since(dose) < 3",
        "days_since(dose) <= 3",
        "days_since(dose) == 5",
        "days_since(dose) != 5",
        "hours_since(seen) >= 30",
        "hours_since(seen) == 30",
        "time_since(seen) > 30h",
        "time_since(seen) <= 2d",
    ],
)
def test_an_evaluation_changes_only_where_a_crossing_lies(text: str) -> None:
    """Walk the clock in steps of 17 minutes over 120 days: between two moments with no crossing between them (ends
    included), the evaluation is the same, value and all."""
    c = compiled(text)
    (crossing,) = crossings(c, FACTS) or ()
    facts = {"dose": date(2026, 1, 10), "seen": datetime(2026, 1, 10, 13, 25)}
    step, moment = timedelta(minutes=17), datetime(2026, 1, 9)
    previous = c.evaluate(Scope(facts, {}, moment))
    changes = 0
    while moment < datetime(2026, 5, 10):
        later = moment + step
        now = c.evaluate(Scope(facts, {}, later))
        if not crossing.between(facts, moment, later):
            assert now == previous, (moment, later)
        changes += now != previous
        previous, moment = now, later
    assert changes >= 1  # the walk crosses the threshold


@pytest.mark.parametrize(
    "text",
    ["days_since(dose) >= 90", "days_since(dose) == 5", "hours_since(seen) < 30", "time_since(seen) <= 2d"],
)
def test_a_quiet_stretch_is_bounded_by_the_nearest_crossings(text: str) -> None:
    """Walk the clock as above: the quiet stretch around each moment holds no crossing (no move inside it passes
    one, so the evaluation is the same at both ends of any such move), and a move from inside it to one of its
    ends passes one."""
    c = compiled(text)
    crossed = crossings(c, FACTS)
    assert crossed
    facts = {"dose": date(2026, 1, 10), "seen": datetime(2026, 1, 10, 13, 25)}
    step, moment, bounded = timedelta(minutes=17), datetime(2026, 1, 9), 0
    while moment < datetime(2026, 5, 10):
        stretch = quiet(crossed, facts, moment)
        if stretch is None:  # a crossing at this very moment
            assert any(x.between(facts, moment, moment) for x in crossed)
        else:
            low, high = stretch
            assert low < moment < high
            inside = [t for t in (low + timedelta(seconds=1), moment, high - timedelta(seconds=1)) if low < t < high]
            for a in inside:
                assert not any(x.between(facts, a, moment) for x in crossed), (a, moment)
                assert c.evaluate(Scope(facts, {}, a)) == c.evaluate(Scope(facts, {}, moment))
            for end in (low, high):
                if end not in (datetime.min, datetime.max):
                    bounded += 1
                    assert any(x.between(facts, moment, end) for x in crossed), (moment, end)
        moment += step
    assert bounded  # some stretch ends at a crossing


def test_an_unknown_fact_has_no_crossing_and_an_unanalysed_reading_no_stretch() -> None:
    crossed = crossings(compiled("days_since(dose) >= 90"), FACTS)
    assert crossed
    assert quiet(crossed, {}, datetime(2026, 1, 1)) == (datetime.min, datetime.max)
    scope = Scope({"dose": date(2026, 1, 10)}, {}, datetime(2026, 1, 1))
    assert quiet_stretch(None, scope, datetime(2026, 1, 1)) is None
    assert quiet_stretch(crossed, scope, datetime(2026, 1, 1)) == (datetime.min, datetime(2026, 4, 10))
