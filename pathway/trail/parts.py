"""The parts that trail records are made of: what a guard read, a checked transition, the pathway and journey a
trail belongs to, and the entries of the closing summary.

Every model is frozen, strict and forbids unknown keys. A field marked optional is left out of the file when it
has no value (its absence is part of the format: the bytes, and so the hashes, of existing trails depend on it);
every other field is always written, ``null`` included.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from pathway.trail.plain import file_dict

Value = bool | int | float | str
"""A fact's value as JSON: true/false, a number, an enum value, or a date as ISO text (YYYY-MM-DD)."""


def absent(value: object) -> bool:
    """Whether an optional field is left out of the file: it has no value."""
    return value is None


def optional(description: str) -> Any:
    """An optional field: ``None`` when absent, and then not written."""
    return Field(default=None, exclude_if=absent, description=description)


class Part(BaseModel):
    """Base of every trail model: frozen, strict, no unknown keys; fields read by their file name or their
    Python name (``from`` is ``from_``, ``schema`` is ``schema_``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, validate_by_name=True, validate_by_alias=True)

    @model_validator(mode="after")
    def _optional_fields_are_left_out(self, info: ValidationInfo) -> Part:
        """Read from a file (context ``{"file": True}``), an optional field is absent, never ``null``: the engine
        never writes it so, and a line must mean one thing. (The engine passes ``None`` for an absent field.)"""
        if info.context and info.context.get("file"):
            for name, field in type(self).model_fields.items():
                if field.exclude_if is not None and name in self.model_fields_set and getattr(self, name) is None:
                    key = field.alias or name
                    raise ValueError(f"'{key}' is null: an optional field is left out when it has no value")
        return self

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready data, exactly as written to the file (file names, optional fields left out)."""
        return file_dict(self)


class ReadFact(Part):
    """A fact the guard read, with its value; for ``last(f)``, when fact f was last given, and by which input."""

    value: Value = Field(description="The fact's value.")
    from_: int = Field(alias="from", ge=1, description="The number of the input that supplied it.")


class InputSource(Part):
    """Where an input's fact value came from: the FHIR resource and the element read (``pathway import fhir``)."""

    resource: str = Field(description="The resource, as 'Type/id', e.g. 'Observation/obs-12'.")
    element: str = Field(description="The element read, e.g. 'valueQuantity'.")
    file: str | None = optional("The file the resource was read from, if recorded.")


class ReadDerived(Part):
    """A derived fact the guard read, with the value it had."""

    value: Value = Field(description="The derived fact's value.")
    derived: Literal[True] = Field(description="Always `true`: the value was computed, not supplied.")


class ReadUnknown(Part):
    """A fact or derived fact the guard read while it had no value."""

    unknown: Literal[True] = Field(description="Always `true`.")


class ReadError(Part):
    """A derived fact the guard read whose own expression could not be evaluated (see the check's `error`)."""

    error: Literal[True] = Field(description="Always `true`.")


class ReadClock(Part):
    """What the guard read from the clock: ``time_in_state()``, how long its state had been active."""

    value: Value = Field(description="The duration, compact (`3d4h`).")
    clock: Literal[True] = Field(description="Always `true`: the value came from the clock, not from an input.")


class ReadAssumed(Part):
    """A fact the guard read while it was not recorded: the value the pathway assumes for it (its `assume`)."""

    value: Value = Field(description="The assumed value.")
    assumed: Literal[True] = Field(description="Always `true`: no input gave it; the pathway still asks for it.")


class ReadDecision(Part):
    """A decision the guard read (`done(a)`, `declined(a)`, `signed(a)`): whether the journey recorded it, and which
    input last did. Never unknown: a decision not recorded is `false`."""

    value: bool = Field(description="Whether the journey recorded it (`done(a)` also counts a `fulfilled` record).")
    decision: Literal[True] = Field(description="Always `true`: the value is a recorded decision, not a fact.")
    from_: int | None = Field(
        default=None,
        alias="from",
        ge=1,
        exclude_if=absent,
        description="The number of the input that last recorded it (absent when none did).",
    )


Read = ReadFact | ReadDerived | ReadUnknown | ReadError | ReadClock | ReadAssumed | ReadDecision


class Failure(Part):
    """Why a guard could not be evaluated although the facts it reads are known."""

    kind: str = Field(description="What went wrong: the name of the error, e.g. `ZeroDivisionError`.")
    message: str = Field(description="A plain sentence quoting the expression, e.g. `division by zero in 'a / b'`.")


class Check(Part):
    """A transition whose guard was checked without firing."""

    id: str = Field(description="The transition's id (`source->target`, or as named in the definition).")
    target: str = Field(description="The state it leads to.")
    guard: str | None = Field(description="The guard's text (`otherwise` for a fallback), or null without one.")
    outcome: Literal["false", "unknown", "error", "pending"] = Field(
        description="`false`; `unknown` (a fact it needs is not known); `error` (it could not be evaluated); "
        "`pending` (a timer not yet due: it counts as false)."
    )
    after: str | None = optional("For a timer: its duration, as the definition writes it.")
    due: str | None = optional("For `pending`: when the timer falls due.")
    read: dict[str, Read] | None = optional("Each fact or derived fact the guard read (absent for `otherwise`).")
    missing: tuple[str, ...] | None = optional("For `unknown`: the facts whose values could still decide it.")
    error: Failure | None = optional("For `error`: what went wrong.")


class ValueComputed(Part):
    """A recommendation's value, worked out: the number or text, and what it was computed from."""

    value: int | float | str = Field(description="The value: a number (rounded as the definition says), or text.")
    unit: str | None = optional("The unit of a number, as the definition writes it.")
    expr: str | None = optional("For a value computed by an expression: the expression.")
    when: str | None = optional("For a value chosen from a table: the guard of the case that gave it (`otherwise`).")
    read: dict[str, Read] | None = optional(
        "Each fact or derived fact it read, with its value and the input that gave it; absent when it read none."
    )


class ValueUnknown(Part):
    """A recommendation's value that cannot be worked out yet: a fact it needs is not known. Never a guess."""

    unknown: Literal[True] = Field(description="Always `true`.")
    missing: tuple[str, ...] = Field(description="The facts whose values could still decide it, sorted.")
    expr: str | None = optional("For a value computed by an expression: the expression.")
    when: str | None = optional("For a value chosen from a table: the guard of the first case not yet decided.")
    read: dict[str, Read] | None = optional("Each fact or derived fact it read; absent when it read none.")


class ValueFailed(Part):
    """A recommendation's value that could not be worked out although its facts are known (a division by zero)."""

    error: Failure = Field(description="What went wrong.")
    expr: str | None = optional("For a value computed by an expression: the expression.")
    when: str | None = optional("For a value chosen from a table: the guard that could not be evaluated.")
    read: dict[str, Read] | None = optional("Each fact or derived fact it read; absent when it read none.")


Computed = ValueComputed | ValueUnknown | ValueFailed
"""A recommendation's value at a moment: worked out, unknown (with the facts it needs), or an error."""


class PathwayRef(Part):
    """The pathway a trail was run against."""

    id: str = Field(description="The pathway's id.")
    version: str = Field(description="Its version.")
    sha256: str = Field(
        description=(
            "The sha256 of its canonical definition (keys sorted, sibling states in document order; in a "
            "`pathway-trail/1` trail, the legacy hash with every key sorted): replay finds the pathway by it."
        )
    )
    title: str = Field(description="Its title.")


class JourneyRef(Part):
    """The journey a trail records."""

    id: str = Field(description="The journey's id.")
    description: str | None = optional("Its description, when it has one.")


class EngineRef(Part):
    """The versions that wrote a trail (replay reports them, and does not require them to match)."""

    pathway: str = Field(description="The version of pathway.")
    statemachine: str = Field(description="The version of python-statemachine.")


class Signature(Part):
    """A signature over a trail's (or a cohort manifest's) content, by an Ed25519 key: see
    [Signatures](#signatures)."""

    algorithm: Literal["ed25519"] = Field(description="The signature scheme: `ed25519`.")
    key_id: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,63}$",
        description="The signing key's id: `ed25519:` and the first 16 hex digits of the sha256 of its raw public "
        "key, or the name it was given.",
    )
    value: str = Field(pattern="^[0-9a-f]{128}$", description="The 64-byte Ed25519 signature, in hex.")


class ActiveItem(Part):
    """A recommendation or finding active at the end of the run."""

    id: str = Field(description="The action or finding id.")
    title: str = Field(description="Its title.")
    since: str = Field(description="When it was issued (the `at` of that input).")
    state: str = Field(description="The state that carries it.")
    evidence: tuple[str, ...] = Field(description="The evidence ids it cites.")
    due: str | None = optional("When it is due (its latest issue's deadline), when it has one.")
    done: str | None = optional(
        "For a recommendation with a deadline or a `fulfilled_by`: when care recorded it as done since its latest "
        "issue (`done:`, or a result that fulfilled it)."
    )
    values: dict[str, Computed] | None = optional(
        "For a recommendation with values: each value as it stands now (see `issued`)."
    )
    text: str | None = optional("For a recommendation with a `text`: the text with its values as they stand now.")
    declined: str | None = optional("When the journey recorded it as declined since its latest issue.")
    until: str | None = optional(
        "For a recommendation that persists after its state is left: its `until` guard, as the definition writes it."
    )
    persisting: Literal[True] | None = optional(
        "Present (`true`) when its states were all left: it persists until its `until` guard is true."
    )


class Due(Part):
    """Something the pathway expects at a time: a timer that will fall due, or a recommendation's deadline."""

    kind: Literal["timer", "action"] = Field(description="`timer` (a transition's `after`) or `action`.")
    id: str = Field(description="The transition id (timer) or the action id.")
    state: str = Field(description="The state whose timer it is, or that carries the recommendation.")
    at: str = Field(description="When it falls due.")
    after: str | None = optional("For a timer: its duration, as the definition writes it.")


class StandingConflict(Part):
    """Two conflicting recommendations active together at the end of the run."""

    actions: tuple[str, str] = Field(description="The two actions, in the order of the action catalogue.")
    states: tuple[str, str] = Field(description="The state that issued each.")
    since: str = Field(description="When they became active together.")


class FirstIssued(Part):
    """A recommendation issued at some point of the run."""

    id: str = Field(description="The action id.")
    first: str = Field(description="When it was first issued.")


class Assumed(Part):
    """An assumption in force: a guard read the assumed value of a fact that no input has given since."""

    fact: str = Field(description="The fact.")
    value: Value = Field(description="The value assumed for it (its `assume`).")
    since: str = Field(description="When a guard first read the assumed value (since the fact was last unknown).")
    note: str = Field(description="Why the pathway assumes it (the assumption's note).")


class StateWaiting(Part):
    """A state that waits for facts at the end of the run."""

    state: str = Field(description="The state.")
    needs: tuple[str, ...] = Field(description="The facts that could let it move on.")


class GuardError(Part):
    """A guard that could not be evaluated during the run (the first time, for each transition and error)."""

    id: str = Field(description="The transition whose guard failed.")
    state: str = Field(description="The state it blocked.")
    kind: str = Field(description="The name of the error, e.g. `ZeroDivisionError`.")
    message: str = Field(description="A plain sentence quoting the expression that failed.")
    first: str = Field(description="When it first happened (the `at` of that input).")
