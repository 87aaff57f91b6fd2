"""The pathway definition format: one YAML file, ``definitions/<id>/pathway.yaml``, described by these models.

They are the single source of the format: validation, the JSON Schema (``pathway schema``) and the reference docs all
come from here. Every model is frozen and forbids unknown keys; values are strict (a string is never read as a
number, nor a number as a boolean). Checks that span the whole file (references between ids, guard types, the state
tree's shape) live in :mod:`pathway.definition.loader`, which reports them with the file position of the offending key.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pathway.expr.durations import EXAMPLES, HOUR, duration_hint, parse_duration

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


def _absent(value: object) -> bool:
    """For keys added after 0.1.0 (``exclude_if``): left out of the canonical form when absent, so that the hash of
    a definition that does not use them (and the trails pinned to it) stays what it was."""
    return value is None


class Model(BaseModel):
    """Base of every definition model: frozen, strict, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Evidence(Model):
    """A citable source. Every recommendation, finding and decision should name at least one."""

    cite: Text = Field(description="Human-readable citation, e.g. 'Source article, Work-Up Algorithm, step 2'.")
    section: str | None = Field(default=None, description="Section of the source this entry points at.")
    references: list[int] = Field(
        default_factory=list, description="Numbered references that the source itself cites for this statement."
    )
    url: str | None = Field(default=None, description="Where a reader can find the source.")
    note: str | None = Field(default=None, description="Caveats about this evidence (e.g. case series only).")


class Code(Model):
    """A terminology code for a fact, so that data feeds can map their records onto it."""

    system: Text = Field(description="Code system, e.g. 'loinc', 'snomed', 'icd10'.")
    code: Text = Field(description="The code in that system, e.g. '4548-4'.")
    display: str | None = Field(default=None, description="The system's display name for the code.")


FactType = Literal["bool", "int", "number", "enum", "date", "datetime"]


class Fact(Model):
    """A piece of clinical data that guards may read: its type, unit, range or allowed values."""

    type: FactType = Field(
        description="bool, int, number, enum (with 'values'), date (YYYY-MM-DD) or datetime (YYYY-MM-DDTHH:MM, "
        "clinic local time; a date alone is midnight)."
    )
    description: str | None = Field(default=None, description="What the fact means and how it is measured.")
    unit: str | None = Field(default=None, description="Unit of an int or number fact, e.g. 'mg/m2'.")
    min: Number | None = Field(default=None, description="Smallest allowed value (int and number facts).")
    max: Number | None = Field(default=None, description="Largest allowed value (int and number facts).")
    values: list[Id] | None = Field(default=None, description="The allowed values of an enum fact.")
    code: Code | None = Field(default=None, description="Terminology code (e.g. LOINC) for data feeds.")
    valid_for: Duration | None = Field(
        default=None,
        exclude_if=_absent,
        description="How long a value stays current after the input that gave it, e.g. '21d'; past that the fact is "
        "unknown again (the trail records the expiry) until a new value is given.",
    )
    note: str | None = Field(default=None, description="A documented choice about this fact.")

    @model_validator(mode="after")
    def _consistent(self) -> Fact:
        if self.type == "enum":
            if not self.values:
                raise ValueError("an enum fact needs a non-empty 'values' list")
            if len(set(self.values)) != len(self.values):
                raise ValueError("'values' lists the same value twice")
        elif self.values is not None:
            raise ValueError(f"'values' is only for enum facts, not {self.type}")
        if self.type not in ("int", "number") and (self.min is not None or self.max is not None):
            raise ValueError(f"'min'/'max' are only for int and number facts, not {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min:g}) is greater than 'max' ({self.max:g})")
        if self.unit is not None and self.type not in ("int", "number"):
            raise ValueError(f"'unit' is only for int and number facts, not {self.type}")
        return self


class Derived(Model):
    """A named expression over facts (and other derived facts), readable by guards like a fact."""

    expr: Text = Field(description="An expression in the guard language, e.g. 'max(sensory_grade, motor_grade)'.")
    description: str | None = Field(default=None, description="What the derived value means.")
    unit: str | None = Field(default=None, description="Unit of a numeric result.")
    note: str | None = Field(default=None, description="A documented choice about this definition.")


class EventDef(Model):
    """An explicit trigger that journeys may send, such as 'cycle_start'."""

    description: Text = Field(description="When the event happens in the care process.")
    note: str | None = Field(default=None, description="A documented choice about this event.")


ActionKind = Literal["order", "medication", "dose_change", "referral", "procedure", "advice", "monitoring", "review"]


class Action(Model):
    """A recommendation with a stable id, used in trails, docs and conformance checks."""

    title: Text = Field(description="Short imperative title, e.g. 'Order nerve conduction studies'.")
    kind: ActionKind = Field(description="What sort of recommendation this is.")
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence supporting it.")
    description: str | None = Field(default=None, description="What to do, in the clinician's words.")
    dose: str | None = Field(default=None, description="Dose range as the cited source states it.")
    supersedes: list[Id] | None = Field(
        default=None,
        exclude_if=_absent,
        description="Actions this one replaces: when it is issued, those of them that are active are retired as "
        "superseded, e.g. discontinuing a drug supersedes reducing its dose.",
    )
    conflicts: list[Id] | None = Field(
        default=None,
        exclude_if=_absent,
        description="Actions never to be recommended together with this one (symmetric: declare it on either side); "
        "the engine records a conflict if they are, and lint looks for a patient for whom they can be.",
    )
    note: str | None = Field(default=None, description="A documented choice about this recommendation.")

    @field_validator("supersedes", "conflicts")
    @classmethod
    def _each_once(cls, ids: list[str] | None) -> list[str] | None:
        if ids is not None:
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise PydanticCustomError(
                    "listed_twice",
                    "'{action}' is listed twice",
                    {"action": twice[0], "hint": "list each action once"},
                )
        return ids


class Finding(Model):
    """A working-diagnosis conclusion that states may draw, e.g. 'typical_bipn'."""

    title: Text = Field(description="Short name of the conclusion.")
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence supporting it.")
    description: str | None = Field(default=None, description="What the conclusion means.")
    note: str | None = Field(default=None, description="A documented choice about this finding.")


class Transition(Model):
    """A guarded move to another state. A state's transitions are checked in document order; the first true fires."""

    to: Id = Field(description="Id of the target state (state ids are unique across the whole pathway).")
    when: Text | None = Field(
        default=None,
        description="Guard in the guard language; 'otherwise' fires only when every earlier guard of the same "
        "trigger is definitely false; absent means always.",
    )
    event: Id | None = Field(
        default=None,
        description="Explicit trigger (declared under 'events'); absent means checked whenever facts change.",
    )
    after: Duration | None = Field(
        default=None,
        exclude_if=_absent,
        description="A timer: the transition may fire only once its source state has been active this long, e.g. "
        "'72h'; the engine wakes at that moment to check it. Not with 'event'.",
    )
    id: Id | None = Field(default=None, description="Stable id for trails; default '<source>-><target>'.")
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence for this decision.")
    note: str | None = Field(default=None, description="A documented choice about this decision.")

    @model_validator(mode="after")
    def _one_trigger(self) -> Transition:
        if self.after is not None and self.event is not None:
            raise PydanticCustomError(
                "timer_with_event",
                "a transition has either an 'event' or a timer ('after'), not both",
                {"hint": "a timer is its own trigger: split it into two transitions"},
            )
        return self


class Recommendation(Model):
    """A recommendation a state issues with a deadline, a period or persistence: ``{action: order_ncs, due: 2w}``,
    ``{action: hold_drug, until: grade <= 1}``."""

    action: Id = Field(description="The action id (from 'actions').")
    due: Duration | None = Field(
        default=None, description="Due this long after it is issued, e.g. '2w' ('order NCS within 2 weeks')."
    )
    every: Duration | None = Field(
        default=None,
        description="Issued again each period while the state is active, e.g. '3w' (at least 1h); each issue is "
        "due within the period unless 'due' says otherwise.",
    )
    until: Text | None = Field(
        default=None,
        exclude_if=_absent,
        description="A guard: once issued, the recommendation persists after its state is left, until this is true "
        "(checked after each input and wake-up; unknown keeps it), e.g. 'sensory_grade <= 1'.",
    )
    note: str | None = Field(default=None, description="A documented choice about this recommendation.")

    @field_validator("every")
    @classmethod
    def _hourly_at_most(cls, every: str | None) -> str | None:
        if every is not None and parse_duration(every) < HOUR:
            raise PydanticCustomError(
                "short_period",
                "'every: {every}' is shorter than one hour",
                {"every": every, "hint": "a recurring recommendation repeats at most hourly, e.g. every: 1h"},
            )
        return every


def _recommend_tag(value: object) -> str:
    return "~id" if isinstance(value, str) else "~timed"


RecommendItem = Annotated[
    Annotated[Id, Tag("~id")] | Annotated[Recommendation, Tag("~timed")], Discriminator(_recommend_tag)
]
"""An action id, or a :class:`Recommendation` with a deadline or a period."""


class State(Model):
    """A state: atomic, compound (has 'states'), parallel (its child states are regions that run side by side)
    or final."""

    description: str | None = Field(default=None, description="What this state means for the patient.")
    initial: bool = Field(default=False, description="Entered first among its siblings (not in parallel regions).")
    final: bool = Field(default=False, description="A final state: no transitions and no children.")
    parallel: bool = Field(default=False, description="The child states are regions, all active at once.")
    states: dict[Id, State] | None = Field(default=None, description="Child states of a compound or parallel state.")
    recommend: list[RecommendItem] = Field(
        default_factory=list,
        description="Recommended while the state is active: action ids, or {action, due, every, until} for a "
        "deadline, a period, or persistence after the state is left.",
    )
    conclude: list[Id] = Field(default_factory=list, description="Finding ids concluded while the state is active.")
    transitions: list[Transition] = Field(default_factory=list, description="Outgoing transitions, in priority order.")
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence for this state.")
    note: str | None = Field(default=None, description="A documented choice about this state.")

    @property
    def recommendations(self) -> tuple[Recommendation, ...]:
        """Every recommendation of the state as a :class:`Recommendation` (a bare id has no due and no period)."""
        return tuple(Recommendation(action=r) if isinstance(r, str) else r for r in self.recommend)

    @property
    def recommended(self) -> tuple[str, ...]:
        """The action ids the state recommends, in order."""
        return tuple(r if isinstance(r, str) else r.action for r in self.recommend)


class Pathway(Model):
    """A clinical pathway definition: metadata, evidence, the fact dictionary and the state chart."""

    pathway: Id = Field(description="The pathway id, e.g. 'bipn'; also its folder name under definitions/.")
    version: Version = Field(description="Semantic version of this definition, e.g. '1.0.0'.")
    title: Text = Field(description="Human-readable title.")
    status: Literal["draft", "review", "approved"] = Field(description="Review status of this version.")
    description: str | None = Field(default=None, description="What the pathway covers and for whom.")
    source: str | None = Field(default=None, description="The guideline this pathway encodes.")
    evidence: dict[EvidenceId, Evidence] = Field(default_factory=dict, description="Citable sources by id.")
    facts: dict[Id, Fact] = Field(description="The data dictionary: every fact a guard may read.")
    derived: dict[Id, Derived] = Field(default_factory=dict, description="Named expressions over facts.")
    events: dict[Id, EventDef] = Field(default_factory=dict, description="Explicit triggers journeys may send.")
    actions: dict[Id, Action] = Field(default_factory=dict, description="The recommendation catalogue.")
    findings: dict[Id, Finding] = Field(default_factory=dict, description="The working-diagnosis catalogue.")
    states: dict[Id, State] = Field(min_length=1, description="Top-level states; exactly one is initial.")

    @property
    def id(self) -> str:
        """The pathway id (the ``pathway:`` key), so that code reads ``analysis.pathway.id``."""
        return self.pathway
