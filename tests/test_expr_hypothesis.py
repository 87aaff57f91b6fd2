"""Properties of the expression language over generated expressions.

1. Any text (grammar soup or junk) either compiles or gives issues located inside the text; nothing raises.
2. Well-typed guards, generated as trees with an independent reference evaluator, compile; with any subset of facts
   missing their value matches the reference and ``missing`` / ``read`` are exactly the statically expected names.
3. With every fact known the value is never unknown, except after a function of time without a clock; a division by
   zero is an error, never an unknown.

The trees include the functions of time over dates and a date-time, and duration literals (compact and ISO), with
a clock that is a date or a date-time: days_since of a date is checked against ``(today - date).days``, as before
date-times existed.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pathway.expr import MAX_LENGTH, UNKNOWN, Compiled, Scope, ValueType, compile_expr

pytestmark = pytest.mark.slow  # every test here is a property test

U = UNKNOWN
E = "<error>"  # the reference's value for what cannot be evaluated (the engine's: UNKNOWN with an error)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ENUMS = {
    "ncs_pattern": ("axonal_sensory", "demyelinating", "mixed", "normal"),
    "route": ("iv", "sc"),
}
FACTS: dict[str, ValueType] = {
    "sensory_grade": ValueType("int", name="sensory_grade"),
    "motor_grade": ValueType("int", name="motor_grade"),
    "hba1c_percent": ValueType("number", name="hba1c_percent"),
    "b2m_mg_l": ValueType("number", name="b2m_mg_l"),
    "neuropathic_pain": ValueType("bool", name="neuropathic_pain"),
    "diabetes": ValueType("bool", name="diabetes"),
    "last_dose_date": ValueType("date", name="last_dose_date"),
    "onset_date": ValueType("date", name="onset_date"),
    "admitted_at": ValueType("datetime", name="admitted_at"),
    **{name: ValueType("enum", frozenset(values), name) for name, values in ENUMS.items()},
}

# Expression trees: ("name", n) ("lit", v) ("neg", x) ("arith", op, l, r) ("max"/"min", [args]) ("abs", x)
# ("days_since", n) ("days_between", a, b) ("cmp", [ops], [operands]) ("and"/"or", [items]) ("not", x)
# ("known", n) ("in", x, [items], negated) ("hours_since", n) ("time_since", n) ("dur", text, timedelta)
Tree = tuple[Any, ...]
SINCE = ("days_since", "hours_since", "time_since")

DERIVED_TREES: dict[str, Tree] = {
    "effective_grade": ("max", [("name", "sensory_grade"), ("name", "motor_grade")]),
    "grade_gap": ("abs", ("arith", "-", ("name", "sensory_grade"), ("name", "motor_grade"))),
    "diabetes_checked": ("and", [("known", "hba1c_percent"), ("name", "diabetes")]),
    "ratio": ("arith", "/", ("name", "hba1c_percent"), ("name", "b2m_mg_l")),
    "severe": ("cmp", [">="], [("name", "effective_grade"), ("lit", 3)]),
}
DERIVED_KINDS = {
    "effective_grade": "int",
    "grade_gap": "int",
    "diabetes_checked": "bool",
    "ratio": "number",
    "severe": "bool",
}


def render(tree: Tree) -> str:  # noqa: C901 - one branch per node kind
    kind = tree[0]
    if kind == "name":
        return str(tree[1])
    if kind == "lit":
        value = tree[1]
        if isinstance(value, bool):
            return "true" if value else "false"
        return f'"{value}"' if isinstance(value, str) else f"({value!r})"
    if kind in ("neg", "not", "abs"):
        return {"neg": "(-{})", "not": "(not {})", "abs": "abs({})"}[kind].format(render(tree[1]))
    if kind == "arith":
        return f"({render(tree[2])} {tree[1]} {render(tree[3])})"
    if kind in ("max", "min"):
        return f"{kind}({', '.join(render(arg) for arg in tree[1])})"
    if kind in (*SINCE, "known"):
        return f"{kind}({tree[1]})"
    if kind == "dur":
        return str(tree[1])
    if kind == "days_between":
        return f"days_between({tree[1]}, {tree[2]})"
    if kind == "cmp":
        parts = [render(tree[2][0])]
        for op, operand in zip(tree[1], tree[2][1:], strict=True):
            parts += [op, render(operand)]
        return f"({' '.join(parts)})"
    if kind in ("and", "or"):
        return "(" + f" {kind} ".join(render(item) for item in tree[1]) + ")"
    assert kind == "in"
    items = ", ".join(render(("lit", item)) for item in tree[2])
    return f"({render(tree[1])} {'not in' if tree[3] else 'in'} [{items}])"


class Reference:
    """An independent evaluator over trees: Kleene logic, where a failure (E) is decided only by an operand that
    decides its and/or and otherwise dominates unknown; with a flag for the expected source of unknown."""

    def __init__(self, facts: Mapping[str, object], today: date | None) -> None:
        self.facts = facts
        self.today = today.date() if isinstance(today, datetime) else today
        self.now = today if isinstance(today, datetime) else None if today is None else _midnight(today)
        self.no_today = False

    def value(self, tree: Tree) -> object:  # noqa: C901 - one branch per node kind
        kind = tree[0]
        if kind == "name":
            name = tree[1]
            return self.value(DERIVED_TREES[name]) if name in DERIVED_TREES else self.facts.get(name, U)
        if kind == "lit":
            return tree[1]
        if kind == "dur":
            return tree[2]
        if kind == "known":
            named = self.value(("name", tree[1]))
            return E if named is E else named is not U
        if kind in ("and", "or"):
            return self.logic(kind, [self.value(item) for item in tree[1]])
        if kind == "not":
            inner = self.value(tree[1])
            return inner if inner is U or inner is E else not inner
        if kind == "cmp":
            return self.chain(tree[1], [_moment(self.value(operand)) for operand in tree[2]])
        if kind == "in":
            inner = self.value(tree[1])
            return inner if inner is U or inner is E else (inner in tree[2]) != tree[3]
        if kind in SINCE:
            return self.since(kind, self.value(("name", tree[1])))
        return self.numeric(kind, tree)

    def since(self, kind: str, then: object) -> object:
        self.no_today = self.no_today or self.today is None
        if then is U or self.today is None or self.now is None:
            return U
        assert isinstance(then, date)
        if kind == "days_since" and not isinstance(then, datetime):
            return (self.today - then).days  # as before date-times: the days between the dates
        elapsed = self.now - _moment(then)
        if kind == "time_since":
            return elapsed
        return math.floor(elapsed.total_seconds() / (86400 if kind == "days_since" else 3600))

    def numeric(self, kind: str, tree: Tree) -> object:
        args = [self.value(arg) for arg in (tree[1] if kind in ("max", "min") else tree[1:]) if isinstance(arg, tuple)]
        if any(arg is E for arg in args):
            return E
        if any(arg is U for arg in args):
            return U
        if kind in ("max", "min"):
            return (max if kind == "max" else min)(args)
        if kind == "abs":
            return abs(args[0])
        if kind == "neg":
            return -args[0]
        if kind == "days_between":
            a, b = (_moment(self.value(("name", n))) for n in tree[1:])
            return U if a is U or b is U else math.floor((b - a).total_seconds() / 86400)
        a, b = args
        if tree[1] == "/" and b == 0:
            return E
        result = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}[tree[1]](a, b)
        if isinstance(result, float) and not math.isfinite(result):
            return E  # a number too large (inf) is an error, like a division by zero
        return result

    def needs(self, tree: Tree) -> set[str]:
        """The facts an undecided tree still needs: none when decided; else what its undecided parts need."""
        if self.value(tree) is not U:
            return set()
        kind = tree[0]
        if kind == "name":
            name = tree[1]
            return self.needs(DERIVED_TREES[name]) if name in DERIVED_TREES else {name}
        if kind in (*SINCE, "days_between"):
            return set().union(*(self.needs(("name", name)) for name in tree[1:]))
        parts = {
            "and": lambda: tree[1],
            "or": lambda: tree[1],
            "max": lambda: tree[1],
            "min": lambda: tree[1],
            "cmp": lambda: tree[2],
            "arith": lambda: tree[2:4],
        }.get(kind, lambda: [tree[1]])()
        return set().union(*(self.needs(part) for part in parts if isinstance(part, tuple)))

    @staticmethod
    def logic(kind: str, values: list[object]) -> object:
        decisive = kind == "or"  # or: any true decides; and: any false decides
        if any(v is decisive for v in values):
            return decisive
        if any(v is E for v in values):
            return E
        return U if any(v is U for v in values) else not decisive

    @staticmethod
    def chain(ops: list[str], values: list[object]) -> object:
        results = []
        for op, a, b in zip(ops, values, values[1:], strict=False):
            if a is E or b is E:
                results.append(E)
                continue
            if a is U or b is U:
                results.append(U)
                continue
            results.append({"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])
        return Reference.logic("and", results)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _moment(value: object) -> object:
    """A date as midnight at its start; anything else as it is."""
    return _midnight(value) if isinstance(value, date) and not isinstance(value, datetime) else value


def static_names(tree: Tree, inside_known: bool = False) -> tuple[set[str], set[str]]:
    """(names read outside known(), all names read), transitively through derived facts."""
    kind = tree[0]
    if kind in ("name", "known", *SINCE):
        return _name(tree[1], inside_known or kind == "known")
    if kind == "days_between":
        first, second = _name(tree[1], inside_known), _name(tree[2], inside_known)
        return first[0] | second[0], first[1] | second[1]
    value: set[str] = set()
    every: set[str] = set()
    for child in _children(tree):
        v, a = static_names(child, inside_known)
        value |= v
        every |= a
    return value, every


def _name(name: str, inside_known: bool) -> tuple[set[str], set[str]]:
    value, every = ({name} if not inside_known else set()), {name}
    if name in DERIVED_TREES:
        v, a = static_names(DERIVED_TREES[name], inside_known)
        return value | v, every | a
    return value, every


def _children(tree: Tree) -> list[Tree]:
    children: list[Tree] = []
    for part in tree[1:]:
        if isinstance(part, tuple):
            children.append(part)
        elif isinstance(part, list):
            children += [p for p in part if isinstance(p, tuple)]
    return children


def _symbols() -> tuple[dict[str, ValueType], dict[str, Compiled]]:
    symbols = dict(FACTS)
    derived: dict[str, Compiled] = {}
    for name, tree in DERIVED_TREES.items():
        result = compile_expr(render(tree), symbols, want_bool=False)
        assert isinstance(result, Compiled), result
        assert result.type.kind == DERIVED_KINDS[name]
        derived[name] = result
        symbols[name] = ValueType(result.type.kind, result.type.values, name)
    return symbols, derived


SYMBOLS, DERIVED = _symbols()

# --- strategies -----------------------------------------------------------------------------------------------

DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
DATETIMES = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31))
CLOCKS = st.none() | DATES | DATETIMES
SMALL_FLOATS = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
FACT_VALUES: dict[str, st.SearchStrategy[object]] = {
    "sensory_grade": st.integers(0, 4) | st.sampled_from([0.0, 2.0, 3.5]),
    "motor_grade": st.integers(0, 4),
    "hba1c_percent": SMALL_FLOATS | st.integers(-3, 3),
    "b2m_mg_l": st.sampled_from([0, 0.0, 1, 2.5, -1.5]) | SMALL_FLOATS,
    "neuropathic_pain": st.booleans(),
    "diabetes": st.booleans(),
    "last_dose_date": DATES,
    "onset_date": DATES,
    "admitted_at": DATETIMES,
    **{name: st.sampled_from(values) for name, values in ENUMS.items()},
}
NUMERIC_NAMES = ["sensory_grade", "motor_grade", "hba1c_percent", "b2m_mg_l", "effective_grade", "grade_gap", "ratio"]
BOOL_NAMES = ["neuropathic_pain", "diabetes", "diabetes_checked", "severe"]
DATE_NAMES = ["last_dose_date", "onset_date", "admitted_at"]
DURATIONS = [
    ("72h", timedelta(hours=72)),
    ("3d", timedelta(days=3)),
    ("1d12h", timedelta(hours=36)),
    ("90min", timedelta(minutes=90)),
    ("PT72H", timedelta(hours=72)),
    ("P1DT12H", timedelta(hours=36)),
    ("P2W", timedelta(weeks=2)),
]
ALL_NAMES = sorted(SYMBOLS)


def _literal_zero(tree: Tree) -> bool:
    """A literal 0 (possibly negated): dividing by it is refused when compiling, so trees avoid it."""
    while tree[0] == "neg":
        tree = tree[1]
    return tree[0] == "lit" and tree[1] == 0


def numeric(depth: int) -> st.SearchStrategy[Tree]:
    leaves = st.one_of(
        st.sampled_from(NUMERIC_NAMES).map(lambda n: ("name", n)),
        st.integers(-5, 5).map(lambda v: ("lit", v)),
        st.sampled_from([0.5, 2.5, -1.25, 100.0, 0.0]).map(lambda v: ("lit", v)),
        st.tuples(st.sampled_from(["days_since", "hours_since"]), st.sampled_from(DATE_NAMES)),
        st.tuples(st.sampled_from(DATE_NAMES), st.sampled_from(DATE_NAMES)).map(lambda p: ("days_between", *p)),
    )
    if depth == 0:
        return leaves
    inner = numeric(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(st.sampled_from(["+", "-", "*", "/"]), inner, inner)
        .filter(lambda t: t[0] != "/" or not _literal_zero(t[2]))
        .map(lambda t: ("arith", *t)),
        st.tuples(st.sampled_from(["max", "min"]), st.lists(inner, min_size=2, max_size=3)),
        inner.map(lambda x: ("abs", x)),
        inner.map(lambda x: ("neg", x)),
    )


def duration(depth: int) -> st.SearchStrategy[Tree]:
    leaves = st.one_of(
        st.sampled_from(DURATIONS).map(lambda d: ("dur", *d)),
        st.sampled_from(DATE_NAMES).map(lambda n: ("time_since", n)),
    )
    if depth == 0:
        return leaves
    inner = duration(depth - 1)
    return leaves | st.tuples(st.sampled_from(["+", "-"]), inner, inner).map(lambda t: ("arith", *t))


def boolean(depth: int) -> st.SearchStrategy[Tree]:
    num = numeric(max(depth - 1, 0))
    lengths = duration(max(depth - 1, 0))
    enum_eq = st.sampled_from(sorted(ENUMS)).flatmap(
        lambda n: st.tuples(
            st.just(("name", n)), st.sampled_from(ENUMS[n]).map(lambda v: ("lit", v)), st.sampled_from(["==", "!="])
        ).map(lambda t: ("cmp", [t[2]], [t[0], t[1]]))
    )
    enum_in = st.sampled_from(sorted(ENUMS)).flatmap(
        lambda n: st.tuples(st.lists(st.sampled_from(ENUMS[n]), max_size=3), st.booleans()).map(
            lambda t: ("in", ("name", n), t[0], t[1])
        )
    )
    leaves = st.one_of(
        st.sampled_from(BOOL_NAMES).map(lambda n: ("name", n)),
        st.booleans().map(lambda v: ("lit", v)),
        st.sampled_from(ALL_NAMES).map(lambda n: ("known", n)),
        enum_eq,
        enum_in,
        st.lists(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), min_size=1, max_size=2).flatmap(
            lambda ops: st.lists(num, min_size=len(ops) + 1, max_size=len(ops) + 1).map(
                lambda operands: ("cmp", ops, operands)
            )
        ),
        st.tuples(num, st.lists(st.integers(-3, 5), max_size=3), st.booleans()).map(lambda t: ("in", *t)),
        st.tuples(st.sampled_from(["<", "==", ">="]), st.sampled_from(DATE_NAMES), st.sampled_from(DATE_NAMES)).map(
            lambda t: ("cmp", [t[0]], [("name", t[1]), ("name", t[2])])
        ),
        st.tuples(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), lengths, lengths).map(
            lambda t: ("cmp", [t[0]], [t[1], t[2]])
        ),
    )
    if depth == 0:
        return leaves
    inner = boolean(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)),
        inner.map(lambda x: ("not", x)),
    )


GUARDS = boolean(3)


@st.composite
def fact_subsets(draw: st.DrawFn, all_known: bool = False) -> dict[str, object]:
    present = set(FACTS) if all_known else draw(st.sets(st.sampled_from(sorted(FACTS))))
    return {name: draw(FACT_VALUES[name]) for name in sorted(present)}


TOKENS = [
    *ALL_NAMES,
    "foo",
    "ncs_patern",
    "__import__",
    "__class__",
    "os",
    "x",
    "0",
    "3",
    "-1",
    "2.5",
    "1e999",
    "10**10",
    '"mixed"',
    "'iv'",
    '"bogus"',
    "true",
    "false",
    "True",
    "None",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "and",
    "or",
    "not",
    "in",
    "not in",
    "is",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    ":=",
    "lambda",
    "if",
    "else",
    "for",
    "f'{x}'",
    "max(",
    "min(",
    "abs(",
    "known(",
    "days_since(",
    "days_between(",
    "hours_since(",
    "time_since(",
    "time_in_state()",
    "last(",
    "72h",
    "1d12h",
    "PT72H",
    "P3M",
    "3x",
    "0h",
    "open(",
    "eval(",
    "len(",
]
SOUP = st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join)
JUNK = st.text(max_size=80) | st.text(alphabet="()[]{}-+*/<=>!notandr .,'\"\\x0123456789", max_size=300)


def _check_issues(text: str, result: object) -> None:
    assert isinstance(result, list)
    assert result, "an invalid expression must give at least one issue"
    for found in result:
        assert found.code in {"PW201", "PW202", "PW203", "PW204", "PW205", "PW207"}
        assert 0 <= found.offset < max(len(text), 1)
        assert found.length >= 1
        assert found.offset + found.length <= max(len(text), 1)
        assert found.message


# --- 1. anything in, a result out -----------------------------------------------------------------------------


@SETTINGS
@given(text=SOUP | JUNK | GUARDS.map(render), want_bool=st.booleans(), facts=fact_subsets(), today=CLOCKS)
def test_any_text_compiles_or_gives_located_issues(
    text: str, want_bool: bool, facts: dict[str, object], today: date | None
) -> None:
    result = compile_expr(text, SYMBOLS, want_bool=want_bool)
    if isinstance(result, Compiled):
        assert not want_bool or result.type.kind == "bool"
        result.evaluate(Scope(facts, DERIVED, today))  # must not raise
    else:
        _check_issues(text, result)


# --- 2. exact missing and read, value as the reference computes it --------------------------------------------


@SETTINGS
@given(tree=GUARDS, facts=fact_subsets(), today=CLOCKS)
def test_missing_and_read_are_exact(tree: Tree, facts: dict[str, object], today: date | None) -> None:
    text = render(tree)
    assume(len(text) <= MAX_LENGTH)
    compiled = compile_expr(text, SYMBOLS, want_bool=True)
    assert isinstance(compiled, Compiled), (text, compiled)
    result = compiled.evaluate(Scope(facts, DERIVED, today))
    _, all_names = static_names(tree)
    assert result.missing == Reference(facts, today).needs(tree)
    assert set(result.read) == all_names
    assert list(result.read) == sorted(result.read)
    for name in all_names & set(FACTS):
        assert result.read[name] == facts.get(name, U)
    expected = Reference(facts, today).value(tree)
    assert (result.error is not None) == (expected is E), (text, result.error)
    if expected is E:
        assert result.value is U
        assert result.error is not None
        assert result.error.kind == "ZeroDivisionError"
        assert result.error.message == f"division by zero in '{text}'" or "ratio" in text
    else:
        assert result.value is expected if expected in (True, False, U) else result.value == expected


@SETTINGS
@given(tree=GUARDS, facts=fact_subsets(), today=CLOCKS)
def test_operand_order_does_not_change_the_evaluation(tree: Tree, facts: dict[str, object], today: date | None) -> None:
    if tree[0] not in ("and", "or"):
        tree = ("or", [tree, ("name", "diabetes")])
    flipped = (tree[0], list(reversed(tree[1])))
    assume(len(render(tree)) <= MAX_LENGTH)
    scope = Scope(facts, DERIVED, today)
    results = []
    for variant in (tree, flipped):
        compiled = compile_expr(render(variant), SYMBOLS, want_bool=True)
        assert isinstance(compiled, Compiled)
        results.append(compiled.evaluate(scope))
    first, second = results
    assert (first.value, first.read, first.missing) == (second.value, second.read, second.missing)
    assert (first.error is None) == (second.error is None)


# --- 3. with every fact known, unknown only for a reason ------------------------------------------------------


@SETTINGS
@given(tree=GUARDS, facts=fact_subsets(all_known=True), today=CLOCKS)
def test_all_facts_known_gives_a_decided_value(tree: Tree, facts: dict[str, object], today: date | None) -> None:
    assume(len(render(tree)) <= MAX_LENGTH)
    compiled = compile_expr(render(tree), SYMBOLS, want_bool=True)
    assert isinstance(compiled, Compiled)
    result = compiled.evaluate(Scope(facts, DERIVED, today))
    assert result.missing == frozenset()
    reference = Reference(facts, today)
    expected = reference.value(tree)
    assert result.value is (U if expected is E else expected)
    assert (result.error is not None) == (expected is E)
    if expected is U:
        assert reference.no_today
    if today is not None and "/" not in render(tree) and "ratio" not in render(tree):
        assert result.value in (True, False)
