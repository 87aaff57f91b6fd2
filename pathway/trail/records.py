"""The records of an audit trail (``pathway-trail/2``): one frozen model per kind, told apart by ``kind``.

A trail is a header, then for each input of the journey the input and what it caused, then a summary. Every record
carries ``seq``, ``kind``, ``prev`` and ``hash``; every record but the header carries the virtual clock (``at``)
and the number of the input being processed (``input``). The engine builds these models, :mod:`pathway.trail.io`
writes and reads them, and the JSON Schema (``schema/trail.schema.json``) and the reference page
(``docs/reference/trail.md``) are generated from them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, TypeAdapter

from pathway.trail.parts import (
    ActiveItem,
    Assumed,
    Check,
    Computed,
    Due,
    EngineRef,
    FirstIssued,
    GuardError,
    InputSource,
    JourneyRef,
    Part,
    PathwayRef,
    Read,
    Signature,
    StandingConflict,
    StateWaiting,
    Value,
    optional,
)

SCHEMA = "pathway-trail/2"
LEGACY_SCHEMA = "pathway-trail/1"
"""Trails written before the pathway's content hash kept the document order of sibling states: the same records,
their header naming the pathway by :func:`~pathway.definition.canonical.legacy_sha256_of`. They are read, and
replayed by that rule, as written."""
SCHEMAS = (SCHEMA, LEGACY_SCHEMA)
UNSEALED = ""
"""The ``hash`` of a record not sealed yet (:func:`pathway.trail.io.seal` stamps the real one)."""


class Entry(Part):
    """The fields every record has."""

    seq: int = Field(ge=0, description="Position in the file, from 0 (the header).")
    kind: str = Field(description="What the record says; one of the kinds below.")
    prev: str | None = Field(description="The `hash` of the record before it (`null` in the header).")
    hash: str = Field(description="sha256 of this record's canonical JSON without `hash`.")


class Step(Entry):
    """The fields of every record after the header."""

    at: str = Field(
        description="The virtual clock: the `at` of the input being processed, or the time of a wake-up (a timer, "
        "a recurrence, a fact going stale) that its arrival moved the clock past (not in the header)."
    )
    input: int = Field(ge=0, description="The 1-based number of that input in the journey (not in the header).")
    prev: str = Field(description="The `hash` of the record before it.")


class HeaderRecord(Entry):
    """First line: what the trail is about."""

    kind: Literal["header"] = "header"
    prev: None = Field(description="Always `null`: nothing comes before the header.")
    schema_: Literal["pathway-trail/2", "pathway-trail/1"] = Field(
        alias="schema",
        description=(
            "The trail format: `pathway-trail/2`; `pathway-trail/1` (read, and replayed, as written) when the "
            "header's `pathway.sha256` is the legacy hash, taken with the sibling states sorted."
        ),
    )
    pathway: PathwayRef = Field(description="The pathway run.")
    journey: JourneyRef = Field(description="The journey run.")
    engine: EngineRef = Field(description="The versions that wrote the trail.")


class InputRecord(Step):
    """Each journey event, as given."""

    kind: Literal["input"] = "input"
    facts: dict[str, Value] = Field(description="The facts it gives, by name (dates as ISO text).")
    event: str | None = optional("The event it sends, if any.")
    done: str | None = optional("The care it records as given, if any.")
    declined: str | None = optional("The recommendation it records as declined, if any.")
    reason_code: str | None = optional(
        "Why that care was given or that recommendation declined: a CDS Hooks non-adherence reason code "
        "(`http://terminology.hl7.org/CodeSystem/non-adherence-reason-codes`), if given."
    )
    reason: str | None = optional("Why that care was given or that recommendation declined, in free text, if said.")
    signed: str | None = optional("The action it records as signed off, if any.")
    by: str | None = optional("The role that signed it off (never a person's name).")
    note: str | None = optional("A free-text note, if any.")
    until: Literal[True] | None = optional(
        "Present (`true`) on the input `pathway run --until` added: the clock advanced to its `at`, nothing more."
    )
    sources: dict[str, InputSource] | None = optional(
        "Where each fact value came from, by fact name (`pathway import fhir`): the FHIR resource ('Type/id'), the "
        "element read, and the file, if given."
    )


class StartRecord(Step):
    """Before the first input's facts apply: the chart starts."""

    kind: Literal["start"] = "start"
    entered: tuple[str, ...] = Field(description="The initial configuration, in document order.")


class TransitionRecord(Step):
    """Each transition taken."""

    kind: Literal["transition"] = "transition"
    id: str = Field(description="The transition's id.")
    source: str = Field(description="The state it leaves.")
    target: str = Field(description="The state it enters.")
    trigger: str | None = Field(description="The event that triggered it, or null for an eventless transition.")
    guard: str | None = Field(description="The guard's text (`otherwise` for a fallback), or null without one.")
    outcome: Literal["true", "otherwise", "always"] = Field(
        description="Why it fired: its guard was `true`; every earlier guard was false (`otherwise`); it has no "
        "guard (`always`)."
    )
    read: dict[str, Read] = Field(description="Each fact or derived fact the guard read, with its value.")
    alternatives: tuple[Check, ...] = Field(
        description="The transitions of the same state checked before it (in document order), each `false`."
    )
    evidence: tuple[str, ...] = Field(description="The evidence ids the transition cites.")
    exited: tuple[str, ...] = Field(description="The states it exited, in document order.")
    entered: tuple[str, ...] = Field(description="The states it entered, in document order.")
    preempted: tuple[str, ...] | None = optional(
        "The transitions of other parallel regions that it beat (they would have exited the same states)."
    )
    after: str | None = optional(
        "For a timer: its duration as the definition writes it; `at` is when it fired (its due time, at a wake-up)."
    )


class IssuedRecord(Step):
    """A recommendation or finding becomes active."""

    kind: Literal["issued"] = "issued"
    item: Literal["recommendation", "finding"] = Field(description="What became active.")
    id: str = Field(description="The action or finding id.")
    title: str = Field(description="Its title.")
    state: str = Field(description="The state that carries it.")
    cause: str = Field(
        description="The transition that entered that state, or `start`; `every` when a recurring recommendation is "
        "issued again."
    )
    evidence: tuple[str, ...] = Field(description="The evidence ids it cites.")
    due: str | None = optional("When this issue is due, for a recommendation with `due` or `every`.")
    every: str | None = optional("The period of a recurring recommendation, as the definition writes it.")
    occurrence: int | None = optional("For a recurring recommendation issued again: 2 for the second issue, and on.")
    values: dict[str, Computed] | None = optional(
        "For a recommendation with values (a dose, a dose level): each value by name, worked out over the facts "
        "and the clock of this moment: `{value, unit, expr or when, read}`; `{unknown: true, missing}` while a "
        "fact it needs is not known; `{error}` when it could not be evaluated."
    )
    text: str | None = optional(
        "For a recommendation with a `text`: the text with each placeholder replaced by its value as shown."
    )
    strength: Literal["strong", "weak"] | None = optional(
        "The recommendation's strength as its action states it (`strong`, `weak`: the FHIR code system "
        "recommendation-strength); absent when the action states none."
    )
    direction: Literal["for", "against"] | None = optional(
        "`for`, or `against` for a recommendation not to do something; present when the action states a strength or "
        "a direction (`for` when it states only a strength), absent when it states neither."
    )
    applies: Literal["true", "unknown", "error"] | None = optional(
        "For an action with `applies_to`: its guard when the recommendation was issued, `true`, or `unknown` (issued "
        "while it cannot be decided: a recommendation is withheld only when it definitely does not apply), or "
        "`error` (it could not be evaluated: issued, never withheld silently)."
    )
    until: str | None = optional(
        "For a recommendation that persists after its state is left: its `until` guard, as the definition writes it."
    )


class RevisedRecord(Step):
    """A value of an active recommendation changed (a new weight, a new grade, a fact gone stale): the
    recommendation stays active, with these values. Values are worked out again after each input and wake-up."""

    kind: Literal["revised"] = "revised"
    id: str = Field(description="The action id.")
    state: str = Field(description="The state that carries it.")
    changed: tuple[str, ...] = Field(description="The names of the values that changed, sorted.")
    values: dict[str, Computed] = Field(description="Every value of the recommendation as it stands now.")
    text: str | None = optional("For a recommendation with a `text`: the text with its values as they stand now.")


class RetiredRecord(Step):
    """A recommendation or finding stops being active."""

    kind: Literal["retired"] = "retired"
    item: Literal["recommendation", "finding"] = Field(description="What stopped being active.")
    id: str = Field(description="The action or finding id.")
    state: str = Field(description="The state that carried it (for one that persisted, the state that issued it).")
    cause: str = Field(
        description="The transition that left that state, or that issued the recommendation that superseded it "
        "(`start`, or `every` for a recurrence); `until` when its `until` guard became true after an input or a "
        "wake-up; `applies_to` when its action's `applies_to` became definitely false (an `inapplicable` record "
        "says why)."
    )
    why: Literal["superseded", "condition"] | None = optional(
        "Why it was retired, when not because its state was left (absent): `superseded` (an action that supersedes "
        "it was issued: see `by`) or `condition` (its `until` guard became true: see `until` and `read`)."
    )
    by: str | None = optional("For `superseded`: the action that superseded it.")
    until: str | None = optional("For `condition`: the `until` guard that became true.")
    read: dict[str, Read] | None = optional("For `condition`: each fact or derived fact the guard read.")


class PersistingRecord(Step):
    """A recommendation whose states were all left stays active: its `until` guard is not true (false, unknown,
    or it could not be evaluated). It is retired when the guard becomes true (`retired` with `why: condition`),
    when an action that supersedes it is issued, or issued again when a state that recommends it is entered."""

    kind: Literal["persisting"] = "persisting"
    item: Literal["recommendation"] = Field(description="Always `recommendation`.")
    id: str = Field(description="The action id.")
    state: str = Field(description="The state that issued it.")
    cause: str = Field(description="The transition that left the last active state recommending it.")
    until: str = Field(description="Its `until` guard, as the definition writes it.")
    outcome: Literal["false", "unknown", "error"] = Field(description="What the guard gave when the state was left.")
    read: dict[str, Read] = Field(description="Each fact or derived fact the guard read, with its value.")
    missing: tuple[str, ...] | None = optional("For `unknown`: the facts whose values could still decide it.")


class ConflictRecord(Step):
    """Two actions declared conflicting (`conflicts`) are recommended together once an input or a wake-up has been
    processed (recorded when that starts; the summary lists those that last to the end)."""

    kind: Literal["conflict"] = "conflict"
    actions: tuple[str, str] = Field(description="The two actions, in the order of the action catalogue.")
    states: tuple[str, str] = Field(description="The state that issued each.")


class InapplicableRecord(Step):
    """A recommendation an active state makes that is not issued, or is retired, because its action's `applies_to`
    is definitely false: the action cannot concern this patient. Recorded each time that becomes so, never silent;
    once the guard is no longer false (true or unknown) while the state is active, the recommendation is issued
    (cause `applies_to`)."""

    kind: Literal["inapplicable"] = "inapplicable"
    id: str = Field(description="The action id.")
    title: str = Field(description="Its title.")
    state: str = Field(description="The state that recommends it.")
    guard: str = Field(description="The action's `applies_to`, as written.")
    read: dict[str, Read] = Field(description="Each fact, derived fact or decision the guard read, with its value.")


class FulfilledRecord(Step):
    """An active recommendation done because a fact of its action's `fulfilled_by` was given: its result arrived
    (while it was active, or with the input that issued it). It counts as done, like a `done:` entry: not due, not
    overdue, and `done(action)` is true for guards."""

    kind: Literal["fulfilled"] = "fulfilled"
    action: str = Field(description="The action.")
    state: str = Field(description="The state that carries the recommendation.")
    fact: str = Field(description="The fact whose value fulfilled it (the first of `fulfilled_by` the input gave).")
    value: Value = Field(description="The value given.")
    from_: int = Field(alias="from", ge=1, description="The number of the input that gave it.")


class DeclinedRecord(Step):
    """A recommendation the journey records as declined (`declined:`), with its reason: a recorded decision, not a
    deviation. A declined recommendation stays active while its state recommends it, but it is neither due nor
    overdue; guards read the decision with `declined(action)`."""

    kind: Literal["declined"] = "declined"
    action: str = Field(description="The recommendation declined.")
    recommended: bool = Field(
        description="Whether the pathway recommended it then: just before the input, while it was processed or once "
        "it was. `false` is a decision the pathway did not ask for (an advance decision, or a mistake): it is kept, "
        "and guards read it, but the run shows it as a warning."
    )
    state: str | None = optional("The state that carries the recommendation, when it is active after the input.")
    reason_code: str | None = optional("Why: a CDS Hooks non-adherence reason code, if given.")
    reason: str | None = optional("Why, in free text, if said.")


class WaitingRecord(Step):
    """A state's next step depends on facts not yet known (recorded when that changes)."""

    kind: Literal["waiting"] = "waiting"
    state: str = Field(description="The state that waits.")
    blocked: tuple[Check, ...] = Field(description="Its guards that are unknown, with what they read and miss.")
    needs: tuple[str, ...] = Field(description="The facts to collect.")


class ExpiredRecord(Step):
    """A fact's value went stale (its `valid_for` ran out): the fact is unknown again until a new value is given."""

    kind: Literal["expired"] = "expired"
    fact: str = Field(description="The fact.")
    value: Value = Field(description="The value that went stale.")
    given: str = Field(description="When it was given (the `at` of that input).")
    from_: int = Field(alias="from", ge=1, description="The number of the input that gave it.")
    valid_for: str = Field(description="The fact's `valid_for`, as the definition writes it.")


class TimerRecord(Step):
    """A timer fell due but did not fire because its guard was false: it stays armed, and fires when a later input
    makes its guard true while its state is active. (A timer that fires is a `transition`; one whose guard is
    unknown makes its state wait: a `waiting` record.)"""

    kind: Literal["timer"] = "timer"
    state: str = Field(description="The state whose timer fell due.")
    check: Check = Field(description="The timer's transition, checked at its due time: outcome `false`.")


class DeviationRecord(Step):
    """Care recorded as `done` that the pathway did not recommend at that moment: neither just before the input
    nor once it was processed (an entry may record the care with the facts it changed)."""

    kind: Literal["deviation"] = "deviation"
    action: str = Field(description="The care given.")
    recommended: tuple[str, ...] = Field(description="What was recommended then.")
    reason: str | None = optional("The reason given with the care, if any.")
    reason_code: str | None = optional("The reason code given with the care (a non-adherence reason code), if any.")


class ErrorRecord(Step):
    """Something went wrong: the engine had to stop (PW410, an eventless cycle: more than 200 transitions
    without new input; PW412, an unexpected failure inside the engine, a bug), or a state is blocked because a guard
    could not be evaluated (PW411: recorded after each input while it lasts; the run goes on, but exits with 1)."""

    kind: Literal["error"] = "error"
    code: str = Field(description="The diagnostic code: `PW410`, `PW411` or `PW412`.")
    message: str = Field(description="What went wrong, in one sentence.")
    state: str | None = optional("PW411: the state that is blocked.")
    blocked: tuple[Check, ...] | None = optional(
        "PW411: the guards that could not be evaluated while the input was processed (outcome `error`)."
    )


class SummaryRecord(Step):
    """Last line: where the run ended."""

    kind: Literal["summary"] = "summary"
    states: tuple[str, ...] = Field(description="The active states, in document order.")
    recommendations: tuple[ActiveItem, ...] = Field(description="The active recommendations.")
    findings: tuple[ActiveItem, ...] = Field(description="The active findings.")
    issued: tuple[FirstIssued, ...] = Field(description="Every recommendation ever issued, with its first time.")
    needs: tuple[str, ...] = Field(
        description="The facts the pathway waits for, sorted: for a decision (see `waiting`), for a value of an "
        "active recommendation that is unknown, or read as assumed (see `assumed`)."
    )
    waiting: tuple[StateWaiting, ...] = Field(description="The states that wait, with what each needs.")
    terminated: bool = Field(description="Whether the chart reached a final top-level state.")
    error: str | None = Field(description="Why the engine stopped early (PW410 or PW412), or null.")
    errors: tuple[GuardError, ...] | None = optional(
        "Every guard that could not be evaluated during the run (PW411); absent when there was none."
    )
    due: tuple[Due, ...] | None = optional(
        "What falls due after the clock's final time, in time order: the next timer of each active state and each "
        "active recommendation with a deadline not done yet; absent when nothing is."
    )
    overdue: tuple[Due, ...] | None = optional(
        "Each active recommendation past its deadline and not done, in time order; absent when none is."
    )
    assumed: tuple[Assumed, ...] | None = optional(
        "The assumptions in force, by fact: each fact a guard read as assumed and that no input has given since; "
        "absent when there is none. Each is also listed in `needs`: the pathway still asks for it."
    )
    conflicts: tuple[StandingConflict, ...] | None = optional(
        "Each pair of conflicting recommendations active together at the end, with since when; absent when none is."
    )
    signature: Signature | None = optional(
        "The signature of the trail's writer (`pathway run --sign-key`); absent in an unsigned trail. It signs "
        "the hash this summary has without it: see [Signatures](#signatures)."
    )


RECORD_TYPES: tuple[type[Entry], ...] = (
    HeaderRecord,
    InputRecord,
    StartRecord,
    TransitionRecord,
    IssuedRecord,
    RevisedRecord,
    RetiredRecord,
    PersistingRecord,
    ConflictRecord,
    WaitingRecord,
    ExpiredRecord,
    TimerRecord,
    InapplicableRecord,
    FulfilledRecord,
    DeclinedRecord,
    DeviationRecord,
    ErrorRecord,
    SummaryRecord,
)

Record = Annotated[
    HeaderRecord
    | InputRecord
    | StartRecord
    | TransitionRecord
    | IssuedRecord
    | RevisedRecord
    | RetiredRecord
    | PersistingRecord
    | ConflictRecord
    | WaitingRecord
    | ExpiredRecord
    | TimerRecord
    | InapplicableRecord
    | FulfilledRecord
    | DeclinedRecord
    | DeviationRecord
    | ErrorRecord
    | SummaryRecord,
    Field(discriminator="kind"),
]
"""Any trail record; ``kind`` says which."""

RECORD: TypeAdapter[Record] = TypeAdapter(Record)


def kind_of(model: type[Entry]) -> str:
    """The ``kind`` a record model stands for."""
    (kind,) = get_args(model.model_fields["kind"].annotation)
    return str(kind)


KINDS: tuple[str, ...] = tuple(kind_of(model) for model in RECORD_TYPES)


def record_schema() -> dict[str, Any]:
    """The JSON Schema of one trail line (every field of every kind), as the engine writes it: ``kind`` required,
    and an optional field absent rather than ``null``."""
    schema = RECORD.json_schema()
    for name, definition in schema.get("$defs", {}).items():
        if name.endswith("Record"):
            definition["required"] = ["kind", *definition.get("required", [])]
        for prop in definition.get("properties", {}).values():
            choices = prop.get("anyOf", [])
            if "default" in prop and prop["default"] is None and {"type": "null"} in choices:
                del prop["default"]
                rest = [c for c in choices if c != {"type": "null"}]
                del prop["anyOf"]
                prop.update(rest[0] if len(rest) == 1 else {"anyOf": rest})
    return schema


def header_of(records: Sequence[Record]) -> HeaderRecord:
    """The header of a whole trail: its first record."""
    first = records[0]
    if not isinstance(first, HeaderRecord):
        raise ValueError(f"a trail starts with its header, not with a {first.kind} record")
    return first


def summary_of(records: Sequence[Record]) -> SummaryRecord:
    """The summary of a whole trail: its last record."""
    last = records[-1]
    if not isinstance(last, SummaryRecord):
        raise ValueError(f"a trail ends with its summary, not with a {last.kind} record")
    return last


def checks_in(record: Record) -> tuple[Check, ...]:
    """The guards a record shows checked without firing: a transition's alternatives, the blocked guards of a
    wait or of a guard error."""
    if isinstance(record, TransitionRecord):
        return record.alternatives
    if isinstance(record, WaitingRecord | ErrorRecord):
        return record.blocked or ()
    if isinstance(record, TimerRecord):
        return (record.check,)
    return ()
