"""The building blocks of the definition models: identifiers, text, numbers, durations, and the base model.

A key added to the format after 0.1.0 is written with :func:`later` (``exclude_if=absent``; ``empty`` for a
catalogue), so that the canonical form, and so the hash, of a definition that does not use it stays what it was.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from pathway.expr.durations import EXAMPLES, duration_hint, parse_duration

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""Identifier of a fact, state, action, finding or event: snake_case, starting with a letter."""

EvidenceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
"""Identifier of an evidence entry: lower case, digits, ``-``, ``_`` and ``.``."""

Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Number = Annotated[float, Field(allow_inf_nan=False)]
"""A finite number: NaN and the infinities (``.nan``, ``.inf``, ``1e400``) are refused."""


def _duration(text: str) -> str:
    try:
        parse_duration(text)
    except ValueError as problem:
        raise PydanticCustomError(
            "bad_duration", "{message}", {"message": str(problem), "hint": duration_hint(text)}
        ) from None
    return text


Duration = Annotated[
    str,
    AfterValidator(_duration),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(?:[0-9]+w)?(?:[0-9]+d)?(?:[0-9]+h)?(?:[0-9]+min)?$|^P(?:[0-9]+W)?(?:[0-9]+D)?"
            r"(?:T(?:[0-9]+H)?(?:[0-9]+M)?)?$",
            "description": f"A duration longer than zero, in whole minutes at most: {EXAMPLES}.",
        }
    ),
]
"""A length of time as the designer wrote it (kept as text; :func:`pathway.expr.durations.parse_duration` reads it)."""


def later(description: str) -> Any:
    """A key added after 0.1.0: optional, ``None`` when absent, and then left out of the canonical form (see
    :func:`absent`)."""
    return Field(default=None, exclude_if=absent, description=description)


def absent(value: object) -> bool:
    """For keys added after 0.1.0 (``exclude_if``): left out of the canonical form when absent, so that the hash of
    a definition that does not use them (and the trails pinned to it) stays what it was."""
    return value is None


def empty(value: object) -> bool:
    """Like :func:`absent`, for a catalogue added after 0.1.0 that defaults to empty (``constraints``)."""
    return not value


class Model(BaseModel):
    """Base of every definition model: frozen, strict, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
