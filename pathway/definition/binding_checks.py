"""Whole-file checks of the facts' FHIR bindings (:mod:`pathway.definition.bindings`), each at the key it is about:
a resource type the importer cannot read (PW130), an unknown code system (PW131), a value that does not fit the
fact or the resource (PW132), a map to a value the fact does not have (PW133), a unit or a conversion not in the
table (PW134), a time the resource does not have (PW135), a map key that is not a value the resource can hold
(PW136)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pathway.definition.bindings import (
    KINDS,
    MAPPED,
    PERIOD_UNITS,
    RESOURCES,
    STATUSES,
    SYSTEMS,
    TIMES,
    UNITS,
    FhirBinding,
)
from pathway.definition.index import DocPath
from pathway.definition.issues import Issue
from pathway.definition.model import Fact
from pathway.definition.units import MASS, MOLAR_MASS, SUBSTANCE, factor, known_unit
from pathway.diagnostics import did_you_mean, one_of
from pathway.diagnostics.codes import Code

SCHEDULE = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*) ?([a-z]+)")


def binding_issues(facts: dict[str, Fact]) -> Iterator[Issue]:
    """Every problem of every fact's ``fhir`` binding."""
    for name, fact in facts.items():
        if fact.fhir is not None:
            yield from _check(("facts", name, "fhir"), name, fact, fact.fhir)


def _check(path: DocPath, name: str, fact: Fact, binding: FhirBinding) -> Iterator[Issue]:
    if binding.resource not in RESOURCES:
        close = did_you_mean(binding.resource, RESOURCES)
        hint = f"{close} pathway reads {one_of(RESOURCES)}" if close else f"pathway reads {one_of(RESOURCES)}"
        yield Issue(path + ("resource",), Code.PW130, f"pathway cannot read '{binding.resource}' resources", hint)
        return
    for index, coding in enumerate(binding.code):
        if coding.system not in SYSTEMS:
            hint = f"use a code system's FHIR URI: {one_of(SYSTEMS, len(SYSTEMS))}"
            close = did_you_mean(coding.system, SYSTEMS)
            message = f"unknown code system '{coding.system}'"
            yield Issue(path + ("code", index, "system"), Code.PW131, message, f"{close} {hint}" if close else hint)
    yield from _kind(path, name, fact, binding)
    yield from _time(path, binding)


def _kind(path: DocPath, name: str, fact: Fact, binding: FhirBinding) -> Iterator[Issue]:
    kind = fact.type
    resources, types = KINDS[binding.value]
    if binding.resource not in resources:
        message = f"{_a(binding.resource)} has no '{binding.value}' value"
        hint = f"'{binding.value}' is read from {one_of(resources)}"
        yield Issue(path + ("value",), Code.PW132, message, hint)
        return
    if kind not in types:
        message = f"a '{binding.value}' value does not fit fact '{name}', which is {kind}"
        yield Issue(path + ("value",), Code.PW132, message, f"'{binding.value}' fills {one_of(types)} facts")
        return
    if binding.value in MAPPED:
        yield from _map(path, name, fact, binding)
    elif binding.map is not None:
        hint = f"'map' is for {one_of(sorted(MAPPED))} values"
        yield Issue(path + ("map",), Code.PW132, f"a '{binding.value}' value is not mapped", hint, key=True)
    if binding.value in UNITS:
        yield from _units(path, binding)
    elif binding.unit is not None or binding.accept:
        key = "unit" if binding.unit is not None else "accept"
        hint = f"units are for {one_of(sorted(UNITS))} values"
        yield Issue(path + (key,), Code.PW134, f"a '{binding.value}' value has no unit", hint, key=True)


def _map(path: DocPath, name: str, fact: Fact, binding: FhirBinding) -> Iterator[Issue]:
    if not binding.map:
        hint = "map each FHIR value to one of the fact's values, e.g. map: {'http://snomed.info/sct|47625008': iv}"
        yield Issue(path + ("value",), Code.PW133, f"a '{binding.value}' value needs a 'map'", hint)
        return
    for key, value in binding.map.items():
        where = path + ("map", key)
        problem = _key_problem(binding, key)
        if problem is not None:
            yield Issue(where, Code.PW136, problem[0], problem[1], key=True)
        wrong = _value_problem(name, fact, value)
        if wrong is not None:
            yield Issue(where, Code.PW133, wrong[0], wrong[1])


def _key_problem(binding: FhirBinding, key: str) -> tuple[str, str] | None:
    if binding.value == "status":
        statuses = STATUSES[binding.resource]
        if key not in statuses:
            return f"'{key}' is not a {binding.resource} status", f"the statuses are {one_of(statuses)}"
        return None
    if binding.value == "schedule":
        match = SCHEDULE.fullmatch(key)
        if match is None or match[3] not in PERIOD_UNITS:
            hint = f"write FREQUENCY/PERIOD UNIT, e.g. '2/1 wk' (twice a week); the units are {one_of(PERIOD_UNITS)}"
            return f"'{key}' is not a schedule", hint
        return None
    system, _, code = key.rpartition("|")
    if not system or not code:
        return f"'{key}' is not a coding", "write 'system|code', e.g. 'http://snomed.info/sct|47625008'"
    if system not in SYSTEMS:
        return f"unknown code system '{system}'", f"use a code system's FHIR URI: {one_of(SYSTEMS, len(SYSTEMS))}"
    if binding.value == "condition" and key not in binding.tokens:
        return f"'{key}' is not one of the binding's codes", "a Condition is selected by 'code': list it there too"
    return None


def _value_problem(name: str, fact: Fact, value: object) -> tuple[str, str] | None:
    kind = fact.type
    if kind == "enum":
        values = list(fact.values or ())
        if isinstance(value, str) and value in values:
            return None
        close = did_you_mean(str(value), values) if isinstance(value, str) else None
        hint = f"its values are {one_of(values)}"
        return f"fact '{name}' has no value {value!r}", f"{close} {hint}" if close else hint
    if kind == "bool":
        return (
            None
            if type(value) is bool
            else (f"fact '{name}' takes true or false, not {value!r}", "map to true or false")
        )
    if type(value) is not int:
        return f"fact '{name}' takes a whole number, not {value!r}", "map to a whole number"
    low, high = fact.min, fact.max
    if (low is not None and value < low) or (high is not None and value > high):
        return f"fact '{name}' has no value {value}: it is outside its range", "map to a value within 'min' and 'max'"
    return None


def _units(path: DocPath, binding: FhirBinding) -> Iterator[Issue]:
    unit = binding.unit
    if unit is None:
        yield Issue(path + ("value",), Code.PW134, f"a '{binding.value}' value needs its 'unit' (UCUM)", _UNIT_HINT)
        return
    if not known_unit(unit):
        yield Issue(path + ("unit",), Code.PW134, f"unit '{unit}' is not in the conversion table", _UNIT_HINT)
        return
    if binding.substance is not None and binding.substance not in MOLAR_MASS:
        message = f"no molar mass for substance '{binding.substance}'"
        yield Issue(path + ("substance",), Code.PW134, message, f"the table knows {one_of(MOLAR_MASS)}")
    for index, other in enumerate(binding.accept):
        if factor(other, unit, binding.substance) is None:
            message = f"no conversion from '{other}' to '{unit}' in the table"
            yield Issue(path + ("accept", index), Code.PW134, message, _conversion_hint(other, unit))


_UNIT_HINT = f"the table knows {one_of(sorted(MASS) + sorted(SUBSTANCE) + ['%', 'mg/m2', 'mg', '1'], 30)}"


def _conversion_hint(other: str, unit: str) -> str:
    if (other in SUBSTANCE and unit in MASS) or (other in MASS and unit in SUBSTANCE):
        return f"amount and mass convert only for a substance with a cited molar mass: 'substance' {one_of(MOLAR_MASS)}"
    return "only the conversions of the table are supported (see the FHIR import page); never a guessed one"


def _time(path: DocPath, binding: FhirBinding) -> Iterator[Issue]:
    allowed = TIMES[binding.resource]
    if binding.time is not None and binding.time not in allowed:
        message = f"{_a(binding.resource)} is not dated by '{binding.time}'"
        yield Issue(path + ("time",), Code.PW135, message, f"use {one_of(allowed)}")


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'AEIOU' else 'a'} {word}"
