"""The guard / derived-fact expression language: values, read/missing, every issue class, escapes, limits, docs."""

from __future__ import annotations

import ast
import copy
import pickle
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import pytest

from pathway.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    UNKNOWN,
    Compiled,
    EvalError,
    Evaluation,
    ExprIssue,
    Scope,
    ValueType,
    compile_expr,
    referenced_names,
)

U = UNKNOWN
NCS = frozenset({"axonal_sensory", "axonal_sensorimotor", "demyelinating", "mixed", "normal"})
FACTS: dict[str, ValueType] = {
    "sensory_grade": ValueType("int", name="sensory_grade"),
    "motor_grade": ValueType("int", name="motor_grade"),
    "ncs_pattern": ValueType("enum", NCS, "ncs_pattern"),
    "route": ValueType("enum", frozenset({"iv", "sc"}), "route"),
    "planned_route": ValueType("enum", frozenset({"iv", "sc", "oral"}), "planned_route"),
    "bortezomib_status": ValueType(
        "enum", frozenset({"never", "planned", "active", "discontinued", "completed"}), "bortezomib_status"
    ),
    "neuropathic_pain": ValueType("bool", name="neuropathic_pain"),
    "rapid_progression": ValueType("bool", name="rapid_progression"),
    "diabetes": ValueType("bool", name="diabetes"),
    "hba1c_percent": ValueType("number", name="hba1c_percent"),
    "b2m_mg_l": ValueType("number", name="b2m_mg_l"),
    "last_dose_date": ValueType("date", name="last_dose_date"),
    "first_dose_date": ValueType("date", name="first_dose_date"),
    "symptom_onset_date": ValueType("date", name="symptom_onset_date"),
    "steroid_start": ValueType("datetime", name="steroid_start"),
}
DERIVED_TEXT = {
    "effective_grade": "max(sensory_grade, motor_grade)",
    "grade_gap": "abs(sensory_grade - motor_grade)",
    "diabetes_checked": "known(hba1c_percent) and diabetes",
    "severe": "effective_grade >= 3",  # a derived fact over a derived fact
    "ratio": "hba1c_percent / b2m_mg_l",
}


def _build_derived() -> tuple[dict[str, ValueType], dict[str, Compiled]]:
    symbols = dict(FACTS)
    derived: dict[str, Compiled] = {}
    for name, text in DERIVED_TEXT.items():  # in dependency order
        result = compile_expr(text, symbols, want_bool=False)
        assert isinstance(result, Compiled), result
        derived[name] = result
        symbols[name] = ValueType(result.type.kind, result.type.values, name, derived=True)
    return symbols, derived


SYMBOLS, DERIVED = _build_derived()
TODAY = date(2026, 3, 2)


def compiled(text: str, *, want_bool: bool = True) -> Compiled:
    result = compile_expr(text, SYMBOLS, want_bool=want_bool)
    assert isinstance(result, Compiled), result
    return result


def issues(text: str, *, want_bool: bool = True, symbols: Mapping[str, ValueType] = SYMBOLS) -> list[ExprIssue]:
    result = compile_expr(text, symbols, want_bool=want_bool)
    assert isinstance(result, list), f"{text!r} compiled but should not"
    assert result, "an invalid expression must give at least one issue"
    for found in result:
        assert 0 <= found.offset < max(len(text), 1)
        assert found.length >= 1
        assert found.offset + found.length <= max(len(text), 1)
    return result


def run(text: str, facts: Mapping[str, object], today: date | None = TODAY) -> Evaluation:
    return compiled(text).evaluate(Scope(facts, DERIVED, today))


# --- values, read and missing ---------------------------------------------------------------------------------

VALUES = [
    # (id, text, facts, value, read, missing)
    (
        "or-true-despite-unknown",
        "sensory_grade >= 3 or motor_grade >= 3",
        {"sensory_grade": 3},
        True,
        {"motor_grade": U, "sensory_grade": 3},
        set(),
    ),
    (
        "or-unknown",
        "sensory_grade >= 3 or motor_grade >= 3",
        {"sensory_grade": 1},
        U,
        {"motor_grade": U, "sensory_grade": 1},
        {"motor_grade"},
    ),
    (
        "or-false",
        "sensory_grade >= 3 or motor_grade >= 3",
        {"sensory_grade": 1, "motor_grade": 2},
        False,
        {"motor_grade": 2, "sensory_grade": 1},
        set(),
    ),
    (
        "or-unknown-first",
        "motor_grade >= 3 or sensory_grade >= 3",
        {"sensory_grade": 3},
        True,
        {"motor_grade": U, "sensory_grade": 3},
        set(),
    ),
    (
        "and-false-despite-unknown",
        "sensory_grade >= 3 and motor_grade >= 3",
        {"motor_grade": 0},
        False,
        {"motor_grade": 0, "sensory_grade": U},
        set(),
    ),
    (
        "needs-only-what-can-decide",
        "(diabetes and neuropathic_pain) or sensory_grade >= 3",
        {"diabetes": False},
        U,
        {"diabetes": False, "neuropathic_pain": U, "sensory_grade": U},
        {"sensory_grade"},
    ),
    (
        "and-unknown",
        "sensory_grade >= 3 and motor_grade >= 3",
        {"motor_grade": 4},
        U,
        {"motor_grade": 4, "sensory_grade": U},
        {"sensory_grade"},
    ),
    (
        "and-true",
        "sensory_grade >= 3 and neuropathic_pain",
        {"sensory_grade": 4, "neuropathic_pain": True},
        True,
        {"neuropathic_pain": True, "sensory_grade": 4},
        set(),
    ),
    (
        "and-three",
        "diabetes and neuropathic_pain and not rapid_progression",
        {"diabetes": True, "neuropathic_pain": True, "rapid_progression": False},
        True,
        {"diabetes": True, "neuropathic_pain": True, "rapid_progression": False},
        set(),
    ),
    (
        "or-three-unknown",
        "diabetes or neuropathic_pain or rapid_progression",
        {"diabetes": False},
        U,
        {"diabetes": False, "neuropathic_pain": U, "rapid_progression": U},
        {"neuropathic_pain", "rapid_progression"},
    ),
    ("not-unknown", "not neuropathic_pain", {}, U, {"neuropathic_pain": U}, {"neuropathic_pain"}),
    ("not-true", "not neuropathic_pain", {"neuropathic_pain": True}, False, {"neuropathic_pain": True}, set()),
    ("chain-inside", "0 < sensory_grade <= 4", {"sensory_grade": 2}, True, {"sensory_grade": 2}, set()),
    ("chain-below", "0 < sensory_grade <= 4", {"sensory_grade": 0}, False, {"sensory_grade": 0}, set()),
    ("chain-above", "0 < sensory_grade < 3", {"sensory_grade": 3}, False, {"sensory_grade": 3}, set()),
    ("chain-unknown", "0 < sensory_grade <= 4", {}, U, {"sensory_grade": U}, {"sensory_grade"}),
    (
        "enum-in",
        'ncs_pattern in ["demyelinating", "mixed"]',
        {"ncs_pattern": "mixed"},
        True,
        {"ncs_pattern": "mixed"},
        set(),
    ),
    (
        "enum-in-false",
        'ncs_pattern in ["demyelinating", "mixed"]',
        {"ncs_pattern": "normal"},
        False,
        {"ncs_pattern": "normal"},
        set(),
    ),
    (
        "enum-not-in",
        'ncs_pattern not in ("normal",)',
        {"ncs_pattern": "normal"},
        False,
        {"ncs_pattern": "normal"},
        set(),
    ),
    ("enum-in-unknown", 'ncs_pattern in ["mixed"]', {}, U, {"ncs_pattern": U}, {"ncs_pattern"}),
    ("number-in", "sensory_grade in [3, 4]", {"sensory_grade": 4}, True, {"sensory_grade": 4}, set()),
    ("number-in-float-value", "sensory_grade in [3, 4]", {"sensory_grade": 4.0}, True, {"sensory_grade": 4.0}, set()),
    (
        "number-in-negative",
        "sensory_grade - motor_grade in [-1, 1]",
        {"sensory_grade": 1, "motor_grade": 2},
        True,
        {"motor_grade": 2, "sensory_grade": 1},
        set(),
    ),
    ("enum-eq", 'route == "iv"', {"route": "iv"}, True, {"route": "iv"}, set()),
    ("enum-ne", "route != 'iv'", {"route": "sc"}, True, {"route": "sc"}, set()),
    ("literal-left", '"sc" == route', {"route": "sc"}, True, {"route": "sc"}, set()),
    (
        "enum-vs-enum",
        "route == planned_route",
        {"route": "iv", "planned_route": "oral"},
        False,
        {"planned_route": "oral", "route": "iv"},
        set(),
    ),
    (
        "arithmetic",
        "sensory_grade + motor_grade >= 5",
        {"sensory_grade": 3, "motor_grade": 2},
        True,
        {"motor_grade": 2, "sensory_grade": 3},
        set(),
    ),
    (
        "precedence",
        "sensory_grade + motor_grade * 2 == 7",
        {"sensory_grade": 3, "motor_grade": 2},
        True,
        {"motor_grade": 2, "sensory_grade": 3},
        set(),
    ),
    ("unary-minus", "-sensory_grade < -2", {"sensory_grade": 3}, True, {"sensory_grade": 3}, set()),
    (
        "division",
        "hba1c_percent / b2m_mg_l > 2",
        {"hba1c_percent": 6.6, "b2m_mg_l": 3},
        True,
        {"b2m_mg_l": 3, "hba1c_percent": 6.6},
        set(),
    ),
    (
        "division-by-zero-or-true",
        "hba1c_percent / b2m_mg_l > 2 or diabetes",
        {"hba1c_percent": 6.6, "b2m_mg_l": 0.0, "diabetes": True},
        True,
        {"b2m_mg_l": 0.0, "diabetes": True, "hba1c_percent": 6.6},
        set(),
    ),
    (
        "max",
        "max(sensory_grade, motor_grade, 1) == 3",
        {"sensory_grade": 3, "motor_grade": 2},
        True,
        {"motor_grade": 2, "sensory_grade": 3},
        set(),
    ),
    (
        "min",
        "min(sensory_grade, motor_grade) == 2",
        {"sensory_grade": 3, "motor_grade": 2},
        True,
        {"motor_grade": 2, "sensory_grade": 3},
        set(),
    ),
    (
        "max-unknown",
        "max(sensory_grade, motor_grade) >= 3",
        {"sensory_grade": 4},
        U,
        {"motor_grade": U, "sensory_grade": 4},
        {"motor_grade"},
    ),
    (
        "abs",
        "abs(sensory_grade - motor_grade) == 2",
        {"sensory_grade": 1, "motor_grade": 3},
        True,
        {"motor_grade": 3, "sensory_grade": 1},
        set(),
    ),
    ("known-false", "known(hba1c_percent)", {}, False, {"hba1c_percent": U}, set()),
    ("known-true", "known(hba1c_percent)", {"hba1c_percent": 7.1}, True, {"hba1c_percent": 7.1}, set()),
    ("known-and-read", "known(hba1c_percent) or hba1c_percent > 6.5", {}, U, {"hba1c_percent": U}, {"hba1c_percent"}),
    (
        "not-known-and",
        "not known(hba1c_percent) and diabetes",
        {"diabetes": True},
        True,
        {"diabetes": True, "hba1c_percent": U},
        set(),
    ),
    (
        "days-since",
        "days_since(last_dose_date) == 60",
        {"last_dose_date": date(2026, 1, 1)},
        True,
        {"last_dose_date": date(2026, 1, 1)},
        set(),
    ),
    (
        "days-since-future",
        "days_since(last_dose_date) == -3",
        {"last_dose_date": date(2026, 3, 5)},
        True,
        {"last_dose_date": date(2026, 3, 5)},
        set(),
    ),
    ("days-since-unknown-date", "days_since(last_dose_date) <= 90", {}, U, {"last_dose_date": U}, {"last_dose_date"}),
    (
        "days-between",
        "days_between(first_dose_date, symptom_onset_date) == 41",
        {"first_dose_date": date(2026, 1, 1), "symptom_onset_date": date(2026, 2, 11)},
        True,
        {"first_dose_date": date(2026, 1, 1), "symptom_onset_date": date(2026, 2, 11)},
        set(),
    ),
    (
        "date-order",
        "first_dose_date < symptom_onset_date",
        {"first_dose_date": date(2026, 1, 1), "symptom_onset_date": date(2025, 2, 11)},
        False,
        {"first_dose_date": date(2026, 1, 1), "symptom_onset_date": date(2025, 2, 11)},
        set(),
    ),
    (
        "bool-literals",
        "neuropathic_pain == true and false == rapid_progression",
        {"neuropathic_pain": True, "rapid_progression": False},
        True,
        {"neuropathic_pain": True, "rapid_progression": False},
        set(),
    ),
    ("python-bool-literals", "True and not False", {}, True, {}, set()),
    (
        "derived",
        "effective_grade >= 3",
        {"sensory_grade": 3, "motor_grade": 1},
        True,
        {"effective_grade": 3, "motor_grade": 1, "sensory_grade": 3},
        set(),
    ),
    (
        "derived-missing-transitive",
        "effective_grade >= 3",
        {"sensory_grade": 3},
        U,
        {"effective_grade": U, "motor_grade": U, "sensory_grade": 3},
        {"motor_grade"},
    ),
    (
        "derived-of-derived",
        "severe",
        {"sensory_grade": 0, "motor_grade": 4},
        True,
        {"effective_grade": 4, "motor_grade": 4, "sensory_grade": 0, "severe": True},
        set(),
    ),
    (
        "derived-in-known",
        "known(effective_grade)",
        {"sensory_grade": 3},
        False,
        {"effective_grade": U, "motor_grade": U, "sensory_grade": 3},
        set(),
    ),
    (
        "derived-with-known-inside",
        "diabetes_checked",
        {"diabetes": True},
        False,
        {"diabetes": True, "diabetes_checked": False, "hba1c_percent": U},
        set(),
    ),
    (
        "derived-with-known-inside-missing",
        "diabetes_checked",
        {"hba1c_percent": 7.0},
        U,
        {"diabetes": U, "diabetes_checked": U, "hba1c_percent": 7.0},
        {"diabetes"},
    ),
    ("float-for-int-fact", "sensory_grade >= 3", {"sensory_grade": 3.0}, True, {"sensory_grade": 3.0}, set()),
    (
        "multi-line",
        "  sensory_grade >= 3\n  and neuropathic_pain",
        {"sensory_grade": 3, "neuropathic_pain": False},
        False,
        {"neuropathic_pain": False, "sensory_grade": 3},
        set(),
    ),
]


@pytest.mark.parametrize(
    ("text", "facts", "value", "read", "missing"), [pytest.param(*case[1:], id=case[0]) for case in VALUES]
)
def test_value_read_missing(
    text: str, facts: dict[str, object], value: object, read: dict[str, object], missing: set[str]
) -> None:
    result = run(text, facts)
    assert result.value is value if value in (True, False, U) else result.value == value
    assert dict(result.read) == read
    assert list(result.read) == sorted(result.read)
    assert result.missing == frozenset(missing)
    assert result.error is None


ZERO = {"hba1c_percent": 6.6, "b2m_mg_l": 0}
DIVIDES = "hba1c_percent / b2m_mg_l > 2"
# (id, text, facts, value when decided or None for an error). An operand that fails is held back while another can
# still decide its and/or, wherever it stands; otherwise the failure dominates unknown and propagates.
ERRORS = [
    ("division-by-zero", DIVIDES, ZERO, None),
    ("division-by-float-zero", DIVIDES, {**ZERO, "b2m_mg_l": 0.0}, None),
    ("divisor-not-zero", DIVIDES, {**ZERO, "b2m_mg_l": 2}, True),
    ("true-or-error", f"diabetes or {DIVIDES}", {**ZERO, "diabetes": True}, True),
    ("error-or-true", f"{DIVIDES} or diabetes", {**ZERO, "diabetes": True}, True),
    ("false-and-error", f"diabetes and {DIVIDES}", {**ZERO, "diabetes": False}, False),
    ("error-and-false", f"{DIVIDES} and diabetes", {**ZERO, "diabetes": False}, False),
    ("error-and-true", f"{DIVIDES} and diabetes", {**ZERO, "diabetes": True}, None),
    ("true-and-error", f"diabetes and {DIVIDES}", {**ZERO, "diabetes": True}, None),
    ("error-or-false", f"{DIVIDES} or diabetes", {**ZERO, "diabetes": False}, None),
    ("error-or-unknown", f"{DIVIDES} or diabetes", ZERO, None),
    ("unknown-and-error", f"diabetes and {DIVIDES}", ZERO, None),
    (
        "error-and-x-and-false",
        f"{DIVIDES} and diabetes and neuropathic_pain",
        {**ZERO, "neuropathic_pain": False},
        False,
    ),
    ("error-or-x-or-true", f"{DIVIDES} or diabetes or neuropathic_pain", {**ZERO, "neuropathic_pain": True}, True),
    ("error-or-x-or-false", f"{DIVIDES} or diabetes or neuropathic_pain", {**ZERO, "neuropathic_pain": False}, None),
    ("not-error", f"not ({DIVIDES})", ZERO, None),
    ("error-in-max", "max(hba1c_percent / b2m_mg_l, sensory_grade) > 1", {**ZERO, "sensory_grade": 3}, None),
    ("error-beside-unknown", "max(hba1c_percent / b2m_mg_l, sensory_grade) > 1", ZERO, None),
    ("error-in-chain", "1 < hba1c_percent / b2m_mg_l < 5", ZERO, None),
    ("error-in-list", "hba1c_percent / b2m_mg_l in [1, 2]", ZERO, None),
    ("derived-error", "ratio > 2", ZERO, None),
    ("derived-error-in-known", "not known(ratio)", ZERO, None),
    ("derived-error-decided-without-it", "diabetes or ratio > 2", {**ZERO, "diabetes": True}, True),
    ("derived-divisor-not-zero", "ratio > 2", {**ZERO, "b2m_mg_l": 2}, True),
]


@pytest.mark.parametrize(("text", "facts", "value"), [pytest.param(*case[1:], id=case[0]) for case in ERRORS])
def test_an_expression_that_cannot_be_evaluated_is_an_error_unless_decided_without_it(
    text: str, facts: dict[str, object], value: bool | None
) -> None:
    result = run(text, facts)
    assert result.missing == frozenset()
    if value is None:
        assert result.value is UNKNOWN
        assert result.error is not None
        assert result.error.kind == "ZeroDivisionError"
        failing = "hba1c_percent / b2m_mg_l" if "ratio" in text else text
        assert result.error.message == f"division by zero in '{failing}'"
    else:
        assert (result.value, result.error) == (value, None)


def test_a_derived_fact_that_fails_reads_as_its_error() -> None:
    result = run("ratio > 2 or diabetes", {**ZERO, "diabetes": False})
    error = result.read["ratio"]
    assert isinstance(error, EvalError)
    assert error == result.error
    assert (result.read["b2m_mg_l"], result.read["hba1c_percent"]) == (0, 6.6)


def test_a_float_result_too_large_is_an_error() -> None:
    result = run("hba1c_percent * b2m_mg_l > 1", {"hba1c_percent": 1e308, "b2m_mg_l": 10.0})
    assert result.error == EvalError(
        "OverflowError", "the result is too large for a number in 'hba1c_percent * b2m_mg_l > 1'"
    )


WRONG_TYPED = [
    ("string-for-int", "sensory_grade >= 3", {"sensory_grade": "3"}),
    ("bool-for-int", "sensory_grade >= 1", {"sensory_grade": True}),
    ("nan-for-number", "hba1c_percent > 1", {"hba1c_percent": float("nan")}),
    ("inf-for-number", "hba1c_percent > 1", {"hba1c_percent": float("inf")}),
    ("int-for-bool", "neuropathic_pain", {"neuropathic_pain": 1}),
    ("undeclared-enum-value", 'ncs_pattern == "mixed"', {"ncs_pattern": "Mixed"}),
    ("string-for-date", "days_since(last_dose_date) > 1", {"last_dose_date": "2026-01-01"}),
    ("none", "sensory_grade >= 3", {"sensory_grade": None}),
    ("list-for-enum", 'ncs_pattern in ["mixed"]', {"ncs_pattern": ["mixed"]}),
]


@pytest.mark.parametrize(("text", "facts"), [pytest.param(*case[1:], id=case[0]) for case in WRONG_TYPED])
def test_wrong_typed_values_are_unknown(text: str, facts: dict[str, object]) -> None:
    result = run(text, facts)
    assert result.value is UNKNOWN
    assert set(result.read.values()) == {UNKNOWN}
    assert result.missing == frozenset(facts)


DERIVED_VALUES = [
    ("max", "max(sensory_grade, motor_grade)", {"sensory_grade": 1, "motor_grade": 3}, 3, "int"),
    ("max-mixed", "max(sensory_grade, 2.5)", {"sensory_grade": 1}, 2.5, "number"),
    ("division", "sensory_grade / 2", {"sensory_grade": 3}, 1.5, "number"),
    ("product", "sensory_grade * 2 - 1", {"sensory_grade": 3}, 5, "int"),
    ("number-plus", "hba1c_percent + 1", {"hba1c_percent": 6.5}, 7.5, "number"),
    ("abs", "abs(-sensory_grade)", {"sensory_grade": 3}, 3, "int"),
    ("days-since", "days_since(last_dose_date)", {"last_dose_date": date(2026, 2, 1)}, 29, "int"),
    (
        "days-between",
        "days_between(symptom_onset_date, first_dose_date)",
        {"first_dose_date": date(2026, 1, 1), "symptom_onset_date": date(2026, 1, 11)},
        -10,
        "int",
    ),
    ("enum", "ncs_pattern", {"ncs_pattern": "mixed"}, "mixed", "enum"),
    ("date", "last_dose_date", {"last_dose_date": datetime(2026, 2, 1, 13, 5)}, date(2026, 2, 1), "date"),
    ("literal", "-2.5", {}, -2.5, "number"),
]


@pytest.mark.parametrize(
    ("text", "facts", "value", "kind"), [pytest.param(*case[1:], id=case[0]) for case in DERIVED_VALUES]
)
def test_expression_values_and_types(text: str, facts: dict[str, object], value: object, kind: str) -> None:
    expr = compiled(text, want_bool=False)
    assert expr.type.kind == kind
    result = expr.evaluate(Scope(facts, DERIVED, TODAY))
    assert result.value == value
    assert type(result.value) is type(value)


def test_enum_type_keeps_its_values() -> None:
    assert compiled("ncs_pattern", want_bool=False).type.values == NCS


def test_days_since_without_today_is_unknown() -> None:
    result = run("days_since(last_dose_date) <= 90", {"last_dose_date": date(2026, 1, 1)}, today=None)
    assert result.value is UNKNOWN
    assert result.missing == frozenset()


def test_today_may_be_a_datetime() -> None:
    result = run("days_since(last_dose_date) == 1", {"last_dose_date": date(2026, 3, 1)}, today=datetime(2026, 3, 2, 9))
    assert result.value is True


def test_names_include_known_arguments() -> None:
    expr = compiled("known(hba1c_percent) and effective_grade >= 1 and true")
    assert expr.names == frozenset({"hba1c_percent", "effective_grade"})
    assert expr.text == "known(hba1c_percent) and effective_grade >= 1 and true"
    assert expr.type == ValueType("bool")


# --- issues: code, offset, message ----------------------------------------------------------------------------

ISSUES = [
    # (id, text, code, offset, length, message fragment)
    ("syntax-double-op", "sensory_grade >= >= 3", "PW201", 17, 2, "invalid syntax"),
    ("syntax-ends-early", "sensory_grade >=", "PW201", 15, 1, "ends too early"),
    ("syntax-unclosed", "(sensory_grade > 1", "PW201", 0, 1, "'(' was never closed"),
    ("syntax-unmatched", "sensory_grade > 1)", "PW201", 17, 1, "unmatched ')'"),
    ("syntax-walrus-bare", "a := 1", "PW201", 2, 2, "invalid syntax"),
    ("syntax-empty", "", "PW201", 0, 1, "empty"),
    ("syntax-blank", "  \n ", "PW201", 0, 4, "empty"),
    ("syntax-nul", "diabetes\x00", "PW201", 8, 1, "NUL"),
    ("syntax-unterminated", "route == 'iv", "PW201", 9, 1, "unterminated string"),
    ("syntax-after-indent", "   diabetes diabetes", "PW201", 12, 8, "invalid syntax"),
    ("unknown-name", 'ncs_patern == "mixed"', "PW203", 0, 10, "guard reads unknown name 'ncs_patern'"),
    ("unknown-name-in-known", "known(hba1c)", "PW203", 6, 5, "unknown name 'hba1c'"),
    ("non-ascii-name", "gradé > 1", "PW202", 0, 5, "'gradé' holds the character 'é' (U+00E9"),
    ("unknown-function-as-name", "max > 1", "PW203", 0, 3, "unknown name 'max'"),
    (
        "and-number",
        "sensory_grade and neuropathic_pain",
        "PW204",
        0,
        13,
        "'and' needs true/false operands, but 'sensory_grade' is a number",
    ),
    ("or-enum", "neuropathic_pain or ncs_pattern", "PW204", 20, 11, "'or' needs true/false operands"),
    ("not-number", "not sensory_grade", "PW204", 4, 13, "'not' needs a true/false operand"),
    (
        "bool-ordered",
        "neuropathic_pain < 3",
        "PW204",
        0,
        20,
        "'<' needs two numbers, two durations, or two dates or date-times, but 'neuropathic_pain' is true/false and "
        "'3' is a number",
    ),
    ("enum-ordered", 'ncs_pattern >= "mixed"', "PW204", 0, 22, "'>=' needs two numbers, two durations"),
    ("date-vs-number", "last_dose_date > 3", "PW204", 0, 18, "'>' needs two numbers, two durations"),
    (
        "number-eq-string",
        'sensory_grade == "3"',
        "PW204",
        0,
        20,
        "'==' cannot compare 'sensory_grade' (a number) with '\"3\"' (a string)",
    ),
    ("bool-eq-number", "neuropathic_pain == 1", "PW204", 0, 21, "'==' cannot compare"),
    ("disjoint-enums", "route == ncs_pattern", "PW204", 0, 20, "have no value in common, so '==' is always false"),
    (
        "not-a-guard",
        "max(sensory_grade, motor_grade)",
        "PW204",
        0,
        31,
        "a guard must be true or false, but 'max(sensory_grade, motor_grade)' is a number",
    ),
    ("enum-not-a-guard", "ncs_pattern", "PW204", 0, 11, "a guard must be true or false"),
    ("arith-bool", "neuropathic_pain + 1 > 1", "PW204", 0, 16, "'+' needs numbers, but 'neuropathic_pain'"),
    ("unary-minus-enum", "-route == 1", "PW204", 1, 5, "'-' needs numbers"),
    ("division-by-literal-zero", "hba1c_percent / 0 > 1", "PW204", 16, 1, "division by zero"),
    ("division-by-literal-zero-float", "hba1c_percent / 0.0 > 1", "PW204", 16, 3, "division by zero"),
    ("max-one-arg", "max(sensory_grade) > 1", "PW204", 0, 18, "max() takes at least 2 numbers, but 1 given"),
    ("min-enum", "min(sensory_grade, route) > 1", "PW204", 19, 5, "'min()' needs numbers"),
    ("abs-two-args", "abs(1, 2) > 1", "PW204", 0, 9, "abs() takes 1 number"),
    ("days-since-number", "days_since(sensory_grade) > 1", "PW204", 11, 13, "days_since() needs a date"),
    ("days-between-one-arg", "days_between(last_dose_date) > 1", "PW204", 0, 28, "days_between() takes 2 dates"),
    ("known-literal", "known(1)", "PW204", 0, 8, "known() takes one fact or derived name"),
    ("known-expression", "known(sensory_grade + 1)", "PW204", 0, 24, "known() takes one fact"),
    ("known-two", "known(diabetes, route)", "PW204", 0, 22, "known() takes one fact"),
    ("in-not-a-list", "sensory_grade in motor_grade", "PW204", 17, 11, "the right side of 'in' must be a list"),
    ("in-number-string", 'sensory_grade in [1, "2"]', "PW204", 21, 3, "which is not a number"),
    ("in-number-bool", "sensory_grade in [1, true]", "PW204", 21, 4, "which is not a number"),
    ("in-enum-number", "ncs_pattern in [1]", "PW204", 16, 1, "the list must hold strings"),
    ("in-bool-left", "neuropathic_pain in [true]", "PW204", 0, 16, "needs an enum or a number on its left"),
    ("list-as-guard", '["iv", "sc"]', "PW204", 0, 12, "is a list"),
    ("exponent", "hba1c_percent < 1e999", "PW202", 16, 5, "'1e999' is not a number the guard language accepts"),
    ("enum-bad-value", 'ncs_pattern == "demylinating"', "PW207", 15, 14, "'ncs_pattern' has no value 'demylinating'"),
    ("enum-bad-value-left", "'mixd' == ncs_pattern", "PW207", 0, 6, "has no value 'mixd'"),
    ("enum-bad-value-in-list", 'route in ["iv", "im"]', "PW207", 16, 4, "'route' has no value 'im'"),
    ("enum-bad-value-ne", "route != 'IV'", "PW207", 9, 4, "no value 'IV'"),
    ("too-long", "neuropathic_pain or " * 50 + "diabetes", "PW205", 1000, 8, "the limit is 1000"),
    ("too-deep", "-" * 41 + "sensory_grade > 1", "PW205", 39, 15, "nested more than 40 levels deep at '--sens"),
    ("none", "route == None", "PW202", 9, 4, "None is not allowed in a guard"),
    ("set", "route in {'iv'}", "PW202", 9, 6, "a set is not allowed"),
    ("keyword-argument", "max(sensory_grade, motor_grade, key=1) > 1", "PW202", 32, 5, "keyword arguments"),
    ("is", "route is 'iv'", "PW202", 0, 13, "the operator 'is' is not allowed"),
    ("is-not", "route is not 'iv'", "PW202", 0, 17, "the operator 'is not' is not allowed"),
    ("modulo", "sensory_grade % 2 == 0", "PW202", 0, 17, "the operator '%' is not allowed"),
    ("floor-division", "sensory_grade // 2 == 0", "PW202", 0, 18, "the operator '//' is not allowed"),
    ("bit-or", "diabetes | neuropathic_pain", "PW202", 0, 27, "the operator '|' is not allowed"),
    ("invert", "~sensory_grade > 1", "PW202", 0, 14, "the operator '~' is not allowed"),
    ("list-of-names", "sensory_grade in [motor_grade]", "PW202", 18, 11, "may hold only literals"),
    ("dict", "{'a': 1}", "PW202", 0, 8, "a dict is not allowed"),
    ("bytes", "route == b'iv'", "PW202", 9, 5, "a bytes literal is not allowed"),
    ("method-call", "route.upper() == 'IV'", "PW202", 0, 11, "may be called; not 'route.upper'"),
    ("derived-string", '"abc"', "PW204", 0, 5, "an expression must give true/false, a number"),
]


@pytest.mark.parametrize(
    ("text", "code", "offset", "length", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in ISSUES]
)
def test_issue(text: str, code: str, offset: int, length: int, fragment: str) -> None:
    found = issues(text, want_bool=not text.startswith('"abc"'))
    assert [(i.code, i.offset, i.length) for i in found] == [(code, offset, length)], found
    assert fragment in found[0].message


def test_unknown_name_hint_is_did_you_mean() -> None:
    (found,) = issues('ncs_patern == "mixed"')
    assert found.hint == "did you mean 'ncs_pattern'?"


def test_unknown_function_hint() -> None:
    (found,) = issues("maxx(sensory_grade, motor_grade) > 1")
    assert (found.code, found.offset, found.length) == ("PW202", 0, 4)
    assert found.hint == "did you mean 'max'?"


def test_enum_value_hint_lists_values_and_suggests() -> None:
    (found,) = issues('ncs_pattern == "demylinating"')
    assert found.hint is not None
    assert found.hint.startswith("did you mean 'demyelinating'? ")
    assert "['axonal_sensorimotor', 'axonal_sensory', 'demyelinating', 'mixed', 'normal']" in found.hint


def test_every_issue_is_collected_in_one_pass() -> None:
    text = 'foo > 1 and ncs_pattern == "bad" and neuropathic_pain < 2 or route in ["iv", "im", "xx"]'
    found = issues(text)
    assert [(i.code, i.offset) for i in found] == [
        ("PW203", 0),
        ("PW207", 27),
        ("PW204", 37),
        ("PW207", 77),
        ("PW207", 83),
    ]


def test_operands_of_a_type_error_are_all_reported() -> None:
    found = issues("last_dose_date - first_dose_date > 3")
    assert [(i.code, i.offset, i.length) for i in found] == [("PW204", 0, 14), ("PW204", 17, 15)]
    assert found[0].hint == "use days_between(a, b) for the days from date a to date b"


def test_non_ascii_text_offsets_are_characters() -> None:
    (found,) = issues('route == "ív" and diabetes')
    assert (found.code, found.offset, found.length) == ("PW207", 9, 4)
    (found,) = issues('"é" == "é" and diabetes')
    assert found.code == "PW204"
    (found, missing) = issues('"é" == route and grade > 1')
    assert (found.code, found.offset, found.length) == ("PW207", 0, 3)
    assert (missing.code, missing.offset, missing.length) == ("PW203", 17, 5)


def test_derived_fact_may_not_be_a_list() -> None:
    (found,) = issues("[1, 2]", want_bool=False)
    assert found.code == "PW204"


# --- escapes: nothing runs ------------------------------------------------------------------------------------

ESCAPES = [
    (
        "import",
        "__import__('os')",
        "PW202",
        "only max, min, abs, known, days_since, days_between, hours_since, time_since, time_in_state, last, done, "
        "declined, signed, days_since_done may be called; not '__import__'",
    ),
    ("dunder-class", "().__class__", "PW202", "attribute access is not allowed in a guard"),
    ("subclasses", "().__class__.__bases__[0].__subclasses__()", "PW202", "may be called"),
    ("lambda-call", "(lambda: 1)()", "PW202", "may be called"),
    ("lambda", "lambda: 1", "PW202", "a lambda is not allowed"),
    ("comprehension", "[x for x in y]", "PW202", "a comprehension is not allowed"),
    ("generator", "any(x for x in y)", "PW202", "may be called"),
    ("power-tower", "10**10**10", "PW202", "the operator '**' is not allowed"),
    ("attribute", "a.b", "PW202", "attribute access is not allowed"),
    ("subscript", "a[0]", "PW202", "indexing or slicing is not allowed"),
    ("f-string", 'f"{a}"', "PW202", "an f-string is not allowed"),
    ("open", "open('x')", "PW202", "not 'open'"),
    ("eval", "eval('1')", "PW202", "not 'eval'"),
    ("exec", "exec('1')", "PW202", "not 'exec'"),
    ("conditional", "x if y else z", "PW202", "a conditional expression (x if c else y) is not allowed"),
    ("walrus", "(a := 1)", "PW202", "assignment with ':=' is not allowed"),
    ("starred-in-list", "[*a]", "PW202", "may hold only literals"),
    ("dict-unpack", "{**a}", "PW202", "a dict is not allowed"),
    ("yield", "(yield)", "PW202", "yield is not allowed"),
    ("await", "await x", "PW202", "await is not allowed"),
    ("ellipsis", "...", "PW202", "is not allowed"),
    ("starred", "*a", "PW201", "invalid syntax"),
    ("statement", "import os", "PW201", "invalid syntax"),
    ("semicolon", "diabetes; import os", "PW201", "invalid syntax"),
    ("builtins-name", "__builtins__", "PW203", "unknown name '__builtins__'"),
]


@pytest.mark.parametrize(("text", "code", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in ESCAPES])
def test_escapes_are_refused(text: str, code: str, fragment: str) -> None:
    found = issues(text)
    assert found[0].code == code
    assert fragment in found[0].message


def test_power_tower_is_refused_not_computed() -> None:
    (found,) = issues("9**9**9**9 > 1")
    assert (found.code, found.offset, found.length) == ("PW202", 0, 10)
    assert "'**' is not allowed" in found.message


def test_no_eval_exec_or_compile_in_the_package() -> None:
    package = Path(__file__).resolve().parent.parent / "pathway" / "expr"
    sources = [p.read_text(encoding="utf-8") for p in sorted(package.glob("*.py"))]
    assert sources, "the expr package moved"
    for source in sources:
        assert not re.search(r"(?<![\w.])(eval|exec|compile)\(|__import__|importlib", source)


# --- limits (how long they take to refuse: bench/bench_limits.py) ----------------------------------------------


def _unparsed(text: str, monkeypatch: pytest.MonkeyPatch) -> ExprIssue:
    """The one issue of a text refused for its length alone: it is never handed to the parser."""

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the text was parsed")

    monkeypatch.setattr(ast, "parse", parse)
    (found,) = issues(text)
    return found


def test_a_million_characters_are_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _unparsed("a" * 1_000_000, monkeypatch)
    assert (found.code, found.offset, found.length) == ("PW205", 1000, 999_000)


def test_ten_thousand_parentheses_are_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    found = _unparsed("(" * 10_000, monkeypatch)
    assert (found.code, found.offset, found.length) == ("PW205", 1000, 9000)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("(" * 999, id="parentheses"),
        pytest.param("[" * 999, id="brackets"),
        pytest.param("-" * 999 + "1", id="unary-minus"),
        pytest.param("not " * 249 + "x", id="not"),
        pytest.param("1+" * 499 + "1", id="additions"),
        pytest.param("max(" * 199 + "1" + ")" * 199, id="calls"),
        pytest.param("((" * 150 + "1" + "))" * 150, id="balanced-parentheses"),
    ],
)
def test_deep_nesting_within_the_length_limit_is_refused(text: str) -> None:
    assert len(text) <= MAX_LENGTH
    assert issues(text)[0].code in ("PW201", "PW205")  # the parser's own limit, or ours (MAX_DEPTH)


def test_length_limit_is_inclusive() -> None:
    text = "diabetes or " * 82 + "neuropathic_pain"
    text = text + " " * (MAX_LENGTH - len(text))
    assert len(text) == MAX_LENGTH
    assert isinstance(compile_expr(text, SYMBOLS, want_bool=True), Compiled)
    (found,) = issues(text + " ")
    assert (found.code, found.offset, found.length) == ("PW205", 1000, 1)


def test_depth_limit_is_inclusive() -> None:
    at_limit = "-" * (MAX_DEPTH - 2) + "sensory_grade > 1"  # Compare > UnaryOp x 38 > Name: 40 levels
    assert isinstance(compile_expr(at_limit, SYMBOLS, want_bool=True), Compiled)
    (found,) = issues("-" + at_limit)
    assert found.code == "PW205"


def test_long_flat_chains_are_not_deep() -> None:
    text = " and ".join(["diabetes"] * 70)
    assert isinstance(compile_expr(text, SYMBOLS, want_bool=True), Compiled)


def test_non_string_text_is_an_issue() -> None:
    result = compile_expr(True, SYMBOLS, want_bool=True)  # type: ignore[arg-type]  # YAML 'when: true'
    assert isinstance(result, list)
    assert result[0].code == "PW201"


# --- referenced_names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        pytest.param("known(a) and max(b, c) > d and true", {"a", "b", "c", "d"}, id="functions-and-literals"),
        pytest.param("undeclared_thing > 1", {"undeclared_thing"}, id="undeclared"),
        pytest.param("x.y", {"x"}, id="refused-but-parsed"),
        pytest.param("1 > 2", set(), id="no-names"),
        pytest.param("a >", None, id="syntax-error"),
        pytest.param("a" * 1001, None, id="too-long"),
    ],
)
def test_referenced_names(text: str, names: set[str] | None) -> None:
    assert referenced_names(text) == (None if names is None else frozenset(names))


# --- Scope, Compiled, UNKNOWN ---------------------------------------------------------------------------------


def test_scope_caches_derived_evaluations() -> None:
    scope = Scope({"sensory_grade": 1, "motor_grade": 2}, DERIVED, TODAY)
    first = scope.derived_evaluation("effective_grade")
    assert first.value == 2
    assert scope.derived_evaluation("effective_grade") is first
    assert scope.derived_evaluation("not_derived").value is UNKNOWN


def test_derived_takes_precedence_over_a_fact_of_the_same_name() -> None:
    result = run("effective_grade == 4", {"effective_grade": 4, "sensory_grade": 1, "motor_grade": 1})
    assert result.value is False


def test_a_cycle_of_derived_facts_is_unknown_not_a_crash() -> None:
    symbols = {**SYMBOLS, "a": ValueType("int"), "b": ValueType("int")}
    a = compile_expr("b + 1", symbols, want_bool=False)
    b = compile_expr("a + 1", symbols, want_bool=False)
    assert isinstance(a, Compiled)
    assert isinstance(b, Compiled)
    result = a.evaluate(Scope({}, {"a": a, "b": b}))
    assert result.value is UNKNOWN


class _BrokenFacts(dict[str, object]):
    def get(self, key: str, default: object = None) -> object:
        raise RuntimeError("broken")


def test_evaluate_never_raises_on_a_broken_mapping() -> None:
    result = compiled("diabetes or effective_grade > 1").evaluate(Scope(_BrokenFacts(), DERIVED))
    assert result.value is UNKNOWN
    assert result.read == {"diabetes": UNKNOWN, "effective_grade": UNKNOWN}
    assert result.missing == frozenset()
    assert result.error == EvalError("RuntimeError", "broken in 'diabetes or effective_grade > 1'")


def test_huge_values_do_not_crash() -> None:
    expr = compiled("hba1c_percent * sensory_grade > 1")
    result = expr.evaluate(Scope({"hba1c_percent": 1.5, "sensory_grade": 10**400}, DERIVED))
    assert result.value is UNKNOWN
    assert result.error is not None
    assert result.error.kind == "OverflowError"  # int too large to convert to float


def test_unknown_is_a_singleton_that_refuses_truthiness() -> None:
    assert repr(UNKNOWN) == "unknown"
    assert pickle.loads(pickle.dumps(UNKNOWN)) is UNKNOWN
    assert copy.deepcopy(UNKNOWN) is UNKNOWN
    assert copy.copy(UNKNOWN) is UNKNOWN
    with pytest.raises(TypeError, match="undecided"):
        bool(UNKNOWN)


def test_evaluation_pickles_for_worker_processes() -> None:
    result = run("sensory_grade >= 3 or motor_grade >= 3", {"sensory_grade": 1})
    again = pickle.loads(pickle.dumps(result))
    assert again == result
    assert again.value is UNKNOWN


# --- the docs cannot rot --------------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parent.parent / "docs" / "guards.md"
_BLOCK = re.compile(r"^```(guard|derived|refused)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _doc_blocks(kind: str) -> list[str]:
    return [m.group(2).strip() for m in _BLOCK.finditer(DOCS.read_text(encoding="utf-8")) if m.group(1) == kind]


def test_docs_have_examples() -> None:
    assert len(_doc_blocks("guard")) >= 10
    assert len(_doc_blocks("derived")) >= 3
    assert len(_doc_blocks("refused")) >= 3


DOC_ACTIONS = frozenset({"ivig", "high_dose_steroids", "start_duloxetine", "switch_to_weekly_sc", "order_ncs"})
"""The actions of the neuropathy pathway that guards.md's examples read decisions of."""


@pytest.mark.parametrize("text", _doc_blocks("guard"))
def test_docs_guard_examples_compile(text: str) -> None:
    symbols = dict(SYMBOLS)
    symbols["duloxetine_failed"] = ValueType("bool", name="duloxetine_failed")
    symbols["ivig_contraindicated"] = ValueType("bool", name="ivig_contraindicated")
    result = compile_expr(text, symbols, want_bool=True, actions=DOC_ACTIONS)
    assert isinstance(result, Compiled), result


@pytest.mark.parametrize("text", _doc_blocks("derived"))
def test_docs_derived_examples_compile(text: str) -> None:
    result = compile_expr(text, SYMBOLS, want_bool=False)
    assert isinstance(result, Compiled), result


@pytest.mark.parametrize("text", _doc_blocks("refused"))
def test_docs_refused_examples_are_refused(text: str) -> None:
    assert issues(text)[0].code == "PW202"


_CODE_ROW = re.compile(r"^\| (PW20\d) \| [^|]+ \| `([^`]+)` \|$", re.MULTILINE)


def test_docs_diagnostics_table_examples_give_their_code() -> None:
    rows = _CODE_ROW.findall(DOCS.read_text(encoding="utf-8"))
    assert {code for code, _ in rows} == {"PW201", "PW202", "PW203", "PW204", "PW207"}
    for code, text in rows:
        assert [found.code for found in issues(text)] == [code], text
