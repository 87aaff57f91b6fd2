"""The journey format: a patient's inputs in time order, in YAML (or JSONL: a header line, then one event a line).

These models check the journey's shape only: keys, and the types that do not depend on a pathway. The values are
checked against a pathway's fact dictionary, events and actions by :mod:`pathway.journey.check`, which reports every
problem with its file position. Like the definition models, they are frozen, strict and forbid unknown keys.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from pathway.definition.model import Fact
from pathway.diagnostics import did_you_mean, one_of
from pathway.diagnostics.codes import Code
from pathway.journey.reasons import REASON_CODES, SYSTEM

JOURNEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,128}")
ROLE = re.compile(r"[a-z][a-z0-9_]{0,39}")
PIN = re.compile(r"[a-z][a-z0-9_]*(?:@[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?)?|sha256:[0-9a-f]{64}")
TIME_FORMATS = "'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM' or 'YYYY-MM-DDTHH:MM:SS'"
_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?")


def parse_time(text: str, *, date_only: bool = False) -> tuple[datetime, bool]:
    """(the time, whether a time of day was given) from a journey time; ValueError saying why when it is not one.

    Accepted: TIME_FORMATS, in clinic local time with no time zone; a date alone means midnight. With date_only
    (the value of a date fact) only 'YYYY-MM-DD' is accepted.
    """
    match = _TIME.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not {'a date' if date_only else 'a date or date-time'} in an accepted format")
    if date_only and match[4] is not None:
        raise ValueError(f"{text!r} has a time of day, but a date fact takes a date alone")
    try:  # the C parser reads each accepted format as the fields below; the slower path words what it refuses
        return datetime.fromisoformat(text), match[4] is not None
    except ValueError:
        pass
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups(default="0"))
        value = datetime(year, month, day, hour, minute, second)  # naive: clinic local time
    except ValueError as problem:
        raise ValueError(f"{text!r} is not a valid {'date' if match[4] is None else 'date-time'}: {problem}") from None
    return value, match[4] is not None


def time_hint(text: str) -> str:
    """What to write instead of a journey time that parse_time refused."""
    formats = f"write {TIME_FORMATS}, in clinic local time"
    if text[10:11] in (" ", "t"):
        return f"put a capital 'T' between the date and the time: {formats}"
    if text[10:11] == "T" and (text.endswith("Z") or "+" in text or "-" in text[11:]):
        return f"remove the time zone: times are clinic local time; {formats}"
    return formats


def _journey_id(value: str) -> str:
    if not JOURNEY_ID.fullmatch(value):
        raise ValueError(f"journey id {value!r} may only hold letters, digits, '-', '_' and '.' (1 to 128 of them)")
    return value


def _pin(value: str) -> str:
    if not PIN.fullmatch(value):
        raise ValueError(
            f"pathway pin {value!r} is not well formed: expected 'id', 'id@version' (e.g. 'bipn@1.0.0') "
            "or 'sha256:' and 64 lower-case hex digits"
        )
    return value


def _not_empty(events: list[JourneyEvent]) -> list[JourneyEvent]:
    if not events:
        raise ValueError("a journey needs at least one event")
    return events


def _reason_code(value: str) -> str:
    if value not in REASON_CODES:
        close = did_you_mean(value, REASON_CODES)
        codes = f"the codes are {one_of(REASON_CODES, len(REASON_CODES))}"
        raise PydanticCustomError(
            "reason_code",
            "'{value}' is not a non-adherence reason code (CDS Hooks, {system})",
            {"value": value, "system": SYSTEM, "hint": f"{close} {codes}" if close else codes},
        )
    return value


def _role(value: str) -> str:
    if not ROLE.fullmatch(value):
        raise PydanticCustomError(
            "role",
            "'by' takes a role such as 'attending' or 'oncologist', not '{value}'",
            {
                "value": value,
                "hint": "write the role in lower case with '_' between words (at most 40 characters): a trail "
                "never holds a person's name",
            },
        )
    return value


JourneyId = Annotated[
    str, AfterValidator(_journey_id), WithJsonSchema({"type": "string", "pattern": JOURNEY_ID.pattern})
]
Pin = Annotated[str, AfterValidator(_pin), WithJsonSchema({"type": "string", "pattern": PIN.pattern})]
ReasonCode = Annotated[
    str, AfterValidator(_reason_code), WithJsonSchema({"type": "string", "enum": list(REASON_CODES)})
]
"""A CDS Hooks non-adherence reason code (:mod:`pathway.journey.reasons`)."""
Role = Annotated[str, AfterValidator(_role), WithJsonSchema({"type": "string", "pattern": ROLE.pattern})]
"""Who signed off: a role word, never a person's name."""
FactValue = Annotated[Any, WithJsonSchema({"type": ["boolean", "integer", "number", "string"]})]
"""A fact's value as written; its type is checked against the pathway's fact dictionary, never coerced."""


class JourneyModel(BaseModel):
    """Base of the journey models: frozen, strict, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Source(JourneyModel):
    """Where a fact value came from: the FHIR resource and the element read (written by ``pathway import fhir``)."""

    resource: str = Field(
        pattern=r"^[A-Z][A-Za-z]{1,63}/[A-Za-z0-9\-.]{1,64}$",
        description="The resource, as 'Type/id', e.g. 'Observation/obs-12'.",
    )
    element: str = Field(min_length=1, max_length=200, description="The element read, e.g. 'valueQuantity'.")
    file: str | None = Field(default=None, description="The file the resource was read from.")


class JourneyEvent(JourneyModel):
    """One entry of a journey: new facts, an event, care given, or any mix; only 'at' is a clock tick."""

    at: str = Field(
        description="When it happened: a date 'YYYY-MM-DD' (midnight) or a date-time 'YYYY-MM-DDTHH:MM' or "
        "'YYYY-MM-DDTHH:MM:SS', in clinic local time with no time zone. Not earlier than the entry before."
    )
    facts: dict[str, FactValue] = Field(
        default_factory=dict,
        description="Fact values by name, as the pathway's fact dictionary types them: true/false for bool, a "
        "whole number for int, a number for number, one of the values for enum, 'YYYY-MM-DD' for date. Any "
        "value is accepted here and checked against the dictionary, never coerced.",
    )
    event: str | None = Field(
        default=None, description="An event declared in the pathway's 'events', e.g. 'cycle_start'."
    )
    done: str | None = Field(
        default=None,
        description="Care actually given: an action id from the pathway's 'actions' (for conformance; guards read "
        "it with done(action)).",
    )
    declined: str | None = Field(
        default=None,
        description="A recommendation decided against (by the clinician or the patient): an action id from the "
        "pathway's 'actions'. Not with 'done' in the same entry. Guards read it with declined(action).",
    )
    reason_code: ReasonCode | None = Field(
        default=None,
        description="Why, as a CDS Hooks non-adherence reason code (e.g. 'patient-refuses', "
        "'patient-contraindication'); with 'declined' or 'done'.",
    )
    reason: str | None = Field(default=None, description="Why, in free text; with 'declined' or 'done'.")
    signed: str | None = Field(
        default=None,
        description="A clinician's sign-off of an action (an action id from the pathway's 'actions'); with 'by'. "
        "Guards read it with signed(action).",
    )
    by: Role | None = Field(
        default=None,
        description="Who signed off, as a role (e.g. 'attending', 'oncologist'), never a person's name; with 'signed'.",
    )
    note: str | None = Field(default=None, description="Free text for readers; never read by the pathway.")
    sources: dict[str, Source] | None = Field(
        default=None,
        description="Where each of the entry's fact values came from, by fact name: {resource: 'Type/id', element, "
        "file}; shown by the run output and explain wherever the fact decides.",
    )


class JourneyHeader(JourneyModel):
    """What a journey is: its id, the pathway it is meant for, and a description."""

    journey: JourneyId = Field(description="The journey id: letters, digits, '-', '_' and '.', e.g. 'demo-001'.")
    pathway: Pin | None = Field(
        default=None,
        description="The pathway the journey is meant for: 'id', 'id@version', or 'sha256:<64 hex digits>' (the "
        "canonical hash of the definition). Loading against another pathway is an error.",
    )
    description: str | None = Field(default=None, description="What the journey shows, for readers.")


class Journey(JourneyHeader):
    """A patient journey: the header, and the entries in time order (the first line of a JSONL journey is the
    header, each later line one entry)."""

    events: Annotated[list[JourneyEvent], AfterValidator(_not_empty)] = Field(
        json_schema_extra={"minItems": 1},
        description="The entries in time order, at least one; equal times keep order.",
    )


# The value rules: how a journey's fact value is read against the pathway's fact dictionary. ---------------------

_WANTED = {
    "bool": "true or false",
    "int": "a whole number",
    "number": "a number",
    "date": "a date ('YYYY-MM-DD')",
    "datetime": "a date-time ('YYYY-MM-DDTHH:MM')",
}
_BOOL_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false"})
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class Problem(NamedTuple):
    """Why a value cannot be used: a diagnostic code, a message and a hint."""

    code: str
    message: str
    hint: str


def _shown(value: object) -> str:
    """A value as a reader wrote it: true, 2.0, the string 'yes', null, a list."""
    if value is None or type(value) is bool:
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    return repr(value)


def _number_text(x: float | None) -> str:
    """2 for 2 and 2.0 (bounds are floats), 2.5 for 2.5."""
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _wrong(name: str, fact: Fact, value: object, hint: str) -> Problem:
    wanted = f"one of {one_of(fact.values or ())}" if fact.type == "enum" else _WANTED[fact.type]
    return Problem(Code.PW302, f"fact '{name}' takes {wanted}, not {_shown(value)}", hint)


def _type_hint(fact: Fact, value: object) -> str:
    """What to write instead of a value of the wrong type."""
    if value is None:
        return "leave the fact out when its value is not known"
    if fact.type == "bool":
        words = isinstance(value, str) and value.lower() in _BOOL_WORDS
        return f"use true or false (unquoted): {value!r} is a string" if words else "use true or false"
    if fact.type == "enum":
        return f"use one of the fact's values {one_of(fact.values or ())}"
    if fact.type == "date":
        return "write the date as YYYY-MM-DD, e.g. 2026-03-02"
    if fact.type == "datetime":
        return "write the date-time as YYYY-MM-DDTHH:MM in clinic local time, e.g. 2026-03-02T09:30"
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return f"remove the quotes: {value!r} is a string, not a number"
    if fact.type == "int" and type(value) is float and math.isfinite(value):
        whole = f"write {_number_text(value)} without the decimal point" if value.is_integer() else "round it"
        return f"{whole}: an int fact takes whole numbers only"
    return "true and false are not numbers" if type(value) is bool else f"give {_WANTED[fact.type]}"


def _in_range(name: str, fact: Fact, value: float) -> Problem | None:
    low, high = fact.min, fact.max
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    unit = f" {fact.unit}" if fact.unit else ""
    if low is not None and high is not None:
        allowed = f"{_number_text(low)} to {_number_text(high)}{unit}"
    else:
        allowed = f"at least {_number_text(low)}{unit}" if low is not None else f"at most {_number_text(high)}{unit}"
    hint = "check the value; the range is the pathway's, in its fact dictionary"
    if fact.unit:
        hint = f"check the value and its unit: the pathway's range is in {fact.unit}"
    return Problem(Code.PW303, f"fact '{name}' is {_number_text(value)}{unit}, outside its range: {allowed}", hint)


def _fits(fact: Fact, value: object) -> bool:
    """Whether the value has the fact's type (for a date fact: a string starting with a digit, an attempted date)."""
    kind = type(value)
    if fact.type in ("int", "number"):
        finite = isinstance(value, float) and math.isfinite(value)
        return kind is int or (fact.type == "number" and kind is float and finite)
    if fact.type in ("date", "datetime"):
        return isinstance(value, str) and value[:1].isdigit()
    return kind is (bool if fact.type == "bool" else str)


def check_fact_value(name: str, fact: Fact, value: object) -> object | Problem:
    """The typed value of fact ``name`` (a date fact's as a datetime.date, a datetime fact's as a naive
    datetime.datetime), or the Problem with it. Never coerces."""
    if not _fits(fact, value):
        return _wrong(name, fact, value, _type_hint(fact, value))
    if isinstance(value, str) and fact.type == "datetime":
        try:
            return parse_time(value)[0]
        except ValueError as problem:
            return Problem(Code.PW308, f"fact '{name}': {problem}", time_hint(value))
    if isinstance(value, str) and fact.type == "date":
        try:
            return parse_time(value, date_only=True)[0].date()
        except ValueError as problem:
            return Problem(Code.PW308, f"fact '{name}': {problem}", "write the date as YYYY-MM-DD, e.g. 2026-03-02")
    if isinstance(value, str) and fact.type == "enum" and value not in (fact.values or ()):
        allowed = f"its values are {one_of(fact.values or ())}"
        close = did_you_mean(value, fact.values or ())
        hint = f"{close} {allowed}" if close else allowed
        return Problem(Code.PW304, f"{value!r} is not a value of fact '{name}'", hint)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _in_range(name, fact, value) or value
    return value
