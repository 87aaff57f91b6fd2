"""Values and results of the guard language: the unknown value, value types, issues and evaluations.

Nothing here parses or evaluates; :mod:`pathway.expr.check` type-checks expressions against :class:`ValueType`
symbols and :mod:`pathway.expr.evaluate` produces :class:`Evaluation` results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

Kind = Literal["bool", "int", "number", "enum", "date", "datetime", "duration", "str", "list"]
Checker = Callable[[object], object]


class _Unknown:
    """The type of :data:`UNKNOWN`. Its truth value is undecided, so ``bool(UNKNOWN)`` raises TypeError."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "unknown"

    def __bool__(self) -> bool:
        raise TypeError("the truth of an unknown value is undecided; test it with 'value is UNKNOWN'")

    def __reduce__(self) -> str:
        return "UNKNOWN"  # pickles as a reference to the module-level singleton

    def __copy__(self) -> _Unknown:
        return self

    def __deepcopy__(self, memo: object) -> _Unknown:
        return self


UNKNOWN: Final = _Unknown()
"""The value of any expression that cannot be decided (a fact it needs is not known yet)."""

_KIND_WORDS: Final = {
    "bool": "true/false",
    "int": "a number",
    "number": "a number",
    "enum": "an enum",
    "date": "a date",
    "datetime": "a date-time",
    "duration": "a duration",
    "str": "a string",
    "list": "a list",
}


@dataclass(frozen=True)
class ValueType:
    """The static type of a fact, derived fact or subexpression."""

    kind: Kind
    values: frozenset[str] = frozenset()  # for kind == "enum": the allowed values
    name: str | None = None  # the fact/derived name it came from, for messages
    derived: bool = False  # the type of a derived fact (last() reads facts only: a derived fact is never given)

    @property
    def numeric(self) -> bool:
        """int and number are both numeric; int is a subtype of number."""
        return self.kind == "int" or self.kind == "number"

    def describe(self) -> str:
        """The kind in a designer's words: 'a number', 'true/false', 'a date'..."""
        return _KIND_WORDS[self.kind]


class Symbols(Mapping[str, ValueType]):
    """A frozen table of declared names and their types. Compiling many expressions against one table shares
    ``names``, the frozenset that did-you-mean suggestions index once (a dict would be copied per suggestion).
    ``also_declared`` are names that are declared but have no type (a derived fact whose expression has errors):
    they are not readable, but a misspelling of one is still suggested."""

    __slots__ = ("_types", "names")

    def __init__(self, types: Mapping[str, ValueType], also_declared: frozenset[str] = frozenset()) -> None:
        self._types = dict(types)
        self.names = frozenset(self._types) | also_declared

    def __getitem__(self, name: str) -> ValueType:
        return self._types[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)


@dataclass(frozen=True)
class ExprIssue:
    """A problem in an expression's text, located by character offset and length."""

    code: str  # PW201..PW207
    message: str  # one sentence, quoting the offending text
    offset: int  # 0-based character offset into the expression text where the problem starts
    length: int  # number of characters of the offending part (>= 1)
    hint: str | None  # a did-you-mean suggestion or the allowed values


@dataclass(frozen=True)
class EvalError:
    """Why an expression could not be evaluated although the facts it reads are known: a division by zero, a
    number too large, or a failure of the evaluator itself."""

    kind: str  # the Python exception's class name, e.g. 'ZeroDivisionError'
    message: str  # a plain sentence quoting the expression, e.g. "division by zero in 'a / b > 1'"

    @classmethod
    def of(cls, error: BaseException, text: str) -> EvalError:
        """The error an exception raised while evaluating ``text`` stands for."""
        kind = type(error).__name__
        plain = "division by zero" if isinstance(error, ZeroDivisionError) else str(error) or kind
        return cls(kind, f"{plain} in '{' '.join(text.split())}'")


class Evaluation:
    """The result of evaluating a compiled expression over a :class:`~pathway.expr.evaluate.Scope`.

    ``error`` is set when the expression could not be evaluated (its value is then UNKNOWN and ``missing`` is
    empty: no fact could decide it): always test ``error`` before reading ``value`` as unknown.

    Immutable. ``read`` may be given as a function that works it out (``reader``): it is then worked out the first
    time it is read, once (most evaluations the compiled engine keeps only decide; only those that end in a record
    are read)."""

    __slots__ = ("value", "missing", "error", "assumed", "_read", "_reader")

    value: object  # True/False, int/float, str (enum value), date, datetime, timedelta, or UNKNOWN
    missing: frozenset[str]  # the fact names that were unknown and referenced outside known() (transitively)
    error: EvalError | None  # why it could not be evaluated; a derived fact that failed reads as its error
    assumed: frozenset[str]  # the facts not recorded whose assumed values decided it (Scope.assumed)
    _read: Mapping[str, object] | None
    _reader: Callable[[], Mapping[str, object]] | None

    def __init__(
        self,
        value: object,
        read: Mapping[str, object] | None = None,
        missing: frozenset[str] = frozenset(),
        error: EvalError | None = None,
        assumed: frozenset[str] = frozenset(),
        *,
        reader: Callable[[], Mapping[str, object]] | None = None,
    ) -> None:
        if (read is None) == (reader is None):
            raise TypeError("an Evaluation takes either read or reader")
        setter = object.__setattr__
        setter(self, "value", value)
        setter(self, "missing", missing)
        setter(self, "error", error)
        setter(self, "assumed", assumed)
        setter(self, "_read", read)
        setter(self, "_reader", reader)

    @property
    def read(self) -> Mapping[str, object]:
        """Every fact and derived name referenced (transitively), sorted, -> its value; also 'last(f)' -> when f was
        last given and 'time_in_state()' -> how long the state has been active, when used."""
        read = self._read
        if read is None:
            assert self._reader is not None  # set whenever _read is not
            read = self._reader()
            object.__setattr__(self, "_read", read)
            object.__setattr__(self, "_reader", None)
        return read

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"an Evaluation is immutable: cannot set {name!r}")

    def _key(self) -> tuple[object, ...]:
        return (self.value, self.read, self.missing, self.error, self.assumed)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Evaluation) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # its read is a dict, as the dataclass's was

    def __reduce__(self) -> tuple[type[Evaluation], tuple[object, ...]]:
        return (Evaluation, (self.value, self.read, self.missing, self.error, self.assumed))

    def __repr__(self) -> str:
        return (
            f"Evaluation(value={self.value!r}, read={self.read!r}, missing={self.missing!r}, error={self.error!r}, "
            f"assumed={self.assumed!r})"
        )


def _check_bool(value: object) -> object:
    return value if value is True or value is False else UNKNOWN


def _check_number(value: object) -> object:
    kind = type(value)
    if kind is int:
        return value
    if kind is float and isinstance(value, float):
        return value if math.isfinite(value) else UNKNOWN
    return UNKNOWN


def _check_date(value: object) -> object:
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    return UNKNOWN


def _check_datetime(value: object) -> object:
    if type(value) is datetime:
        return value
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return UNKNOWN


def _check_duration(value: object) -> object:
    return value if type(value) is timedelta else UNKNOWN


def _check_str(value: object) -> object:
    return value if type(value) is str else UNKNOWN


def _check_list(value: object) -> object:
    return value if isinstance(value, tuple | list | frozenset) else UNKNOWN


def _enum_checker(values: frozenset[str]) -> Checker:
    def check_enum(value: object) -> object:
        return value if type(value) is str and value in values else UNKNOWN

    return check_enum


_CHECKERS: Final[Mapping[str, Checker]] = {
    "bool": _check_bool,
    "int": _check_number,
    "number": _check_number,
    "date": _check_date,
    "datetime": _check_datetime,
    "duration": _check_duration,
    "str": _check_str,
    "list": _check_list,
}


def value_checker(vt: ValueType) -> Checker:
    """A function that returns a value unchanged when it fits ``vt`` and UNKNOWN otherwise (never raises).

    Numbers may be int or float (bool is not a number; NaN and infinities are unknown); a datetime counts as
    its date; an enum value must be one of the declared values.
    """
    if vt.kind == "enum":
        return _enum_checker(vt.values)
    return _CHECKERS[vt.kind]


def same_value(held: object, value: object) -> bool:
    """Whether two values are the same for every purpose a guard or a record has: the same type and value (``1`` is
    not ``1.0`` nor ``True``) and, for a float, the same sign (``-0.0`` is written differently from ``0.0``)."""
    if type(held) is not type(value) or held != value:
        return False
    return not isinstance(value, float) or math.copysign(1.0, value) == math.copysign(1.0, held)  # type: ignore[arg-type]
