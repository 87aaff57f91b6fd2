"""Translate pydantic validation errors into located diagnostics with plain-language messages and hints.

pydantic reports an error location as a tuple of keys and indices, which is exactly a path in the YAML document;
this module rewrites its messages for a pathway designer ("unknown key 'whenn' in a transition; allowed keys are
[...]", "expected a whole number, got the string '3'") and finds the allowed keys from the models themselves.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Sequence
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from pathway.diagnostics import Diagnostic, did_you_mean, one_of
from pathway.diagnostics.codes import Code
from pathway.source.locate import located
from pathway.source.reader import SourceDocument

CODE_UNKNOWN_KEY = Code.PW010
CODE_MISSING_KEY = Code.PW011
CODE_WRONG_TYPE = Code.PW012
CODE_BAD_VALUE = Code.PW013

_TYPE_WORDS = {
    "str": "a string",
    "string": "a string",  # pydantic's string_type
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "dict": "a mapping (key: value lines)",
    "list": "a list",
    "NoneType": "nothing (null)",
}


_FINITE_HINT = "write an ordinary number such as 0 or 6.5; leave the key out for no limit"


def _describe(value: object, limit: int = 40) -> str:
    word = _TYPE_WORDS.get(type(value).__name__, type(value).__name__)
    if isinstance(value, dict | list):
        return word
    if value is None:
        return "nothing (null)"
    shown = repr(value)
    return f"{word} {shown if len(shown) <= limit else shown[: limit - 3] + '...'}"


def _not_finite(value: object) -> str:
    """Why a number that pydantic refused as not finite (NaN, an infinity, an int beyond a float) is wrong."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN ('not a number') is not allowed: a number must be finite"
    if isinstance(value, float):
        return "an infinite number (.inf, or a number too large, such as 1e400) is not allowed: it must be finite"
    return f"{_describe(value)} is too large for a number"


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated to reach the model, dict or list type inside."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` (walking dicts, lists and fields), if any."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif origin is dict:
            current = typing.get_args(current)[1]
        elif origin is list:
            current = typing.get_args(current)[0]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _noun(model: type[BaseModel] | None) -> str:
    name = model.__name__ if model else "mapping"
    nouns = {"Pathway": "the pathway", "EventDef": "an event", "Journey": "the journey", "JourneyEvent": "an event"}
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return nouns.get(name, f"{article} {name.lower()}")


# Keys people write from other state-machine and workflow languages, and the key pathway spells them with.
SYNONYMS = {
    "on": "event",
    "trigger": "event",
    "if": "when",
    "guard": "when",
    "condition": "when",
    "cond": "when",
    "target": "to",
    "goto": "to",
    "next": "to",
    "then": "to",
}


def _unknown_key(doc: SourceDocument, root: type[BaseModel], err: ErrorDetails) -> Diagnostic:
    loc = err["loc"]
    parent = model_at(root, loc[:-1])
    allowed = list(parent.model_fields) if parent else []
    name = str(loc[-1])
    close = did_you_mean(name, allowed)
    if SYNONYMS.get(name) in allowed:
        close = f"write '{SYNONYMS[name]}:' here, not '{name}:';"
    hint = (
        f"{close} allowed keys are {one_of(allowed, limit=20)}" if close else f"allowed keys are {one_of(allowed, 20)}"
    )
    return located(doc, loc, CODE_UNKNOWN_KEY, f"unknown key '{name}' in {_noun(parent)}", hint=hint, key=True)


def _missing_key(doc: SourceDocument, root: type[BaseModel], err: ErrorDetails) -> Diagnostic:
    loc = err["loc"]
    parent = model_at(root, loc[:-1])
    name = str(loc[-1])
    field = parent.model_fields.get(name) if parent else None
    hint = f"'{name}': {field.description}" if field and field.description else None
    where = loc[:-1]
    return located(
        doc,
        where,
        CODE_MISSING_KEY,
        f"{_noun(parent)} is missing the required key '{name}'",
        hint=hint,
        key=bool(where),
    )


def _message(err: ErrorDetails) -> tuple[str, str, str | None]:
    """(code, message, hint) for an error that is not about keys."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",") if c.strip()]
        close = did_you_mean(str(value), choices)
        hint = f"{close} " if close else ""
        return CODE_BAD_VALUE, f"{_describe(value)} is not allowed here", f"{hint}expected one of {one_of(choices)}"
    if kind == "finite_number" or (kind == "float_type" and type(value) is int):
        return CODE_BAD_VALUE, _not_finite(value), _FINITE_HINT
    if kind == "string_pattern_mismatch":
        return CODE_BAD_VALUE, f"{_describe(value)} is not well formed", _pattern_hint(str(ctx.get("pattern", "")))
    if kind.endswith("_type") or kind in ("model_type", "model_attributes_type"):
        wanted = _TYPE_WORDS.get(kind.removesuffix("_type").removesuffix("_parsing"), None)
        if kind in ("model_type", "model_attributes_type", "dict_type"):
            wanted = _TYPE_WORDS["dict"]
        expected = wanted or kind.removesuffix("_type").replace("_", " ")
        return CODE_WRONG_TYPE, f"expected {expected}, got {_describe(value)}", None
    if kind == "value_error":
        return CODE_BAD_VALUE, str(ctx.get("error", err["msg"])), None
    if "hint" in ctx:  # a PydanticCustomError of the models, which says what to write instead
        return CODE_BAD_VALUE, err["msg"], str(ctx["hint"])
    return CODE_BAD_VALUE, f"{err['msg'][0].lower()}{err['msg'][1:]}", None


def _pattern_hint(pattern: str) -> str:
    if "a-z][a-z0-9_]" in pattern:
        return "ids are snake_case: lower-case letters, digits and '_', starting with a letter"
    if r"\d+\.\d+\.\d+" in pattern:
        return "versions are semantic versions such as '1.0.0' (quote them in YAML)"
    if "a-z0-9][a-z0-9_.-]" in pattern:
        return "evidence ids use lower-case letters, digits, '-', '_' and '.'"
    return f"expected text matching {pattern}"


def diagnostics_from(error: ValidationError, doc: SourceDocument, root: type[BaseModel]) -> list[Diagnostic]:
    """Every pydantic error as a located diagnostic."""
    out: list[Diagnostic] = []
    for err in error.errors(include_url=False):
        loc = [p for p in err["loc"] if not str(p).startswith(("function-", "~"))]  # validators, union tags
        at_key = bool(loc) and loc[-1] == "[key]"
        if at_key:
            loc = loc[:-1]
        err = {**err, "loc": tuple(loc)}
        if err["type"] == "extra_forbidden":
            out.append(_unknown_key(doc, root, err))
        elif err["type"] == "missing":
            out.append(_missing_key(doc, root, err))
        else:
            code, message, hint = _message(err)
            out.append(located(doc, loc, code, message, hint=hint, key=at_key))
    return out
