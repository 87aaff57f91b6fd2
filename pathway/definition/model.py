"""The pathway definition format: one YAML file, ``definitions/<id>/pathway.yaml``, described by these models.

They are the single source of the format: validation, the JSON Schema (``pathway schema``) and the reference docs all
come from here. Every model is frozen and forbids unknown keys; values are strict (a string is never read as a
number, nor a number as a boolean). Checks that span the whole file (references between ids, guard types, the state
tree's shape) live in :mod:`pathway.definition.loader`, which reports them with the file position of the offending key.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pathway.definition.actions import (
    Action,
    ActionKind,
    ComputedValue,
    Finding,
    Recommendation,
    RecommendItem,
    ValueCase,
)
from pathway.definition.bindings import FhirBinding
from pathway.definition.fields import Duration, EvidenceId, Id, Model, Number, Text, Version, empty, later
from pathway.definition.grading import (
    QUALITY_SYSTEM,
    Quality,
    Requirement,
)

__all__ = [
    "Action",
    "ActionKind",
    "Assumption",
    "Code",
    "ComputedValue",
    "Constraint",
    "Derived",
    "Duration",
    "EventDef",
    "Evidence",
    "EvidenceId",
    "Fact",
    "FactType",
    "Finding",
    "Id",
    "Model",
    "Number",
    "Pathway",
    "Recommendation",
    "RecommendItem",
    "State",
    "Text",
    "Transition",
    "ValueCase",
    "Version",
]


class Evidence(Model):
    """A citable source. Every recommendation, finding and decision should name at least one."""

    cite: Text = Field(description="Human-readable citation, e.g. 'Source article, Work-Up Algorithm, step 2'.")
    section: str | None = Field(default=None, description="Section of the source this entry points at.")
    references: list[int] = Field(
        default_factory=list, description="Numbered references that the source itself cites for this statement."
    )
    url: str | None = Field(default=None, description="Where a reader can find the source.")
    note: str | None = Field(default=None, description="Caveats about this evidence (e.g. case series only).")
    quality: Quality | None = later(
        f"Quality of the evidence as the source states it: high, moderate, low or very-low (the FHIR "
        f"code system {QUALITY_SYSTEM}). Leave it out when the source does not grade it."
    )
    grade: Text | None = later(
        "The source's own grade, verbatim as the source writes it (e.g. 'GRADE 1A', 'NCCN category "
        "2A'); shown as written, never translated into a quality."
    )


class Code(Model):
    """A terminology code for a fact, so that data feeds can map their records onto it."""

    system: Text = Field(description="Code system, e.g. 'loinc', 'snomed', 'icd10'.")
    code: Text = Field(description="The code in that system, e.g. '4548-4'.")
    display: str | None = Field(default=None, description="The system's display name for the code.")


FactType = Literal["bool", "int", "number", "enum", "date", "datetime"]


def _one_value(value: object) -> object:
    """One scalar, checked before the union so that a list or null gets one error, not one per member."""
    if isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value)):
        return value
    what = {list: "a list", dict: "a mapping", type(None): "nothing (null)"}.get(type(value), repr(value))
    raise PydanticCustomError(
        "assumed_value",
        "an assumed value is one value (true or false, a number, or an enum value), not {what}",
        {"what": what, "hint": "write the value guards read while the fact is not recorded, e.g. 'value: false'"},
    )


AssumedValue = Annotated[bool | int | Number | str, BeforeValidator(_one_value)]
"""A value a fact may be assumed to have: true/false, a number, or an enum value (never a date)."""


class Assumption(Model):
    """What to assume while a fact is not recorded. A guard that the recorded facts leave undecided, and that the
    assumed value decides, reads it; every such read is marked as assumed in the trail, the run output and explain,
    and the pathway still asks for the fact."""

    value: AssumedValue = Field(
        description="The value guards read while the fact is unknown; it must fit the fact's type, values and range."
    )
    note: Text = Field(description="Why this is safe to assume; shown wherever the assumed value is used.")
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence supporting it.")

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, data: object) -> object:
        if isinstance(data, dict):
            return data
        shown = "false" if data is False else "true" if data is True else "..."
        raise PydanticCustomError(
            "assume_mapping",
            "'assume' takes the value and why it is safe to assume it, as a mapping",
            {"hint": f"write assume: {{value: {shown}, note: why it is safe to assume while it is not recorded}}"},
        )


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
    valid_for: Duration | None = later(
        "How long a value stays current after the input that gave it, e.g. '21d'; past that the fact is "
        "unknown again (the trail records the expiry) until a new value is given."
    )
    assume: Assumption | None = later(
        "The value a guard reads while the fact is not recorded, where it decides the guard ({value, "
        "note, evidence}); each such read is marked as assumed, and the pathway still asks for the fact. Not for "
        "date and date-time facts."
    )
    fhir: FhirBinding | None = later(
        "Where the fact comes from in FHIR R4 (`pathway import fhir`): {resource, code, value, unit, accept, "
        "substance, map, time}; see the FHIR import page."
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


class Constraint(Model):
    """A condition over facts that holds for every patient, such as 'no motor weakness and a motor grade of 3 or
    more cannot both be true'. A journey whose facts make it definitely false is refused (PW311); while a fact it
    reads is unknown it is not broken."""

    expr: Text = Field(
        description="A condition in the guard language over facts and derived facts, e.g. 'not (motor_weakness == "
        '"none" and motor_grade >= 3)\'; it cannot read the clock.'
    )
    message: Text = Field(description="What is contradictory when it is broken, in a clinician's words.")
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence behind it.")
    note: str | None = Field(default=None, description="A documented choice about this constraint.")


class EventDef(Model):
    """An explicit trigger that journeys may send, such as 'cycle_start'."""

    description: Text = Field(description="When the event happens in the care process.")
    note: str | None = Field(default=None, description="A documented choice about this event.")


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
    after: Duration | None = later(
        "A timer: the transition may fire only once its source state has been active this long, e.g. "
        "'72h'; the engine wakes at that moment to check it. Not with 'event'."
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
    question: Text | None = later(
        "The clinical question the state's guarded transitions answer, e.g. 'IVIg contraindicated?'; "
        "shown in the docs and diagrams. Only on a state with a guarded transition."
    )

    @field_validator("question")
    @classmethod
    def _asked_where_decided(cls, question: str | None, info: ValidationInfo) -> str | None:
        transitions = info.data.get("transitions")  # absent when they failed: their own errors say why
        if question is not None and transitions is not None and not any(t.when is not None for t in transitions):
            raise PydanticCustomError(
                "question_without_decision",
                "a question on a state whose transitions have no guard ('when'): nothing here answers it",
                {"hint": "put the question on the state whose transitions decide it, or leave it out"},
            )
        return question

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
    audience: Text | None = later(
        "Who the pathway is for, in a short sentence a clinician reads first: the entry box of the "
        "clinical-algorithm view, e.g. 'Adults with multiple myeloma and new or worsening peripheral neuropathy'. "
        "Not an action's 'applies_to' (a guard saying whom one recommendation concerns): this is plain text."
    )
    evidence: dict[EvidenceId, Evidence] = Field(default_factory=dict, description="Citable sources by id.")
    facts: dict[Id, Fact] = Field(description="The data dictionary: every fact a guard may read.")
    derived: dict[Id, Derived] = Field(default_factory=dict, description="Named expressions over facts.")
    constraints: dict[Id, Constraint] = Field(
        default_factory=dict,
        exclude_if=empty,
        description="Named conditions over facts that hold for every patient; a journey that breaks one is refused.",
    )
    events: dict[Id, EventDef] = Field(default_factory=dict, description="Explicit triggers journeys may send.")
    actions: dict[Id, Action] = Field(default_factory=dict, description="The recommendation catalogue.")
    findings: dict[Id, Finding] = Field(default_factory=dict, description="The working-diagnosis catalogue.")
    states: dict[Id, State] = Field(min_length=1, description="Top-level states; exactly one is initial.")
    requires: list[Requirement] | None = later(
        "What the pathway commits to state everywhere, checked by lint: 'question' on each state with "
        "two or more guarded transitions (PW526), 'strength' on each action (PW524), 'quality' on each evidence "
        "entry (PW525)."
    )

    @field_validator("requires")
    @classmethod
    def _each_once(cls, requires: list[str] | None) -> list[str] | None:
        if requires is not None and len(set(requires)) != len(requires):
            raise PydanticCustomError(
                "repeated_requirement", "'requires' lists the same item twice", {"hint": "list each item once"}
            )
        return requires

    @property
    def id(self) -> str:
        """The pathway id (the ``pathway:`` key), so that code reads ``analysis.pathway.id``."""
        return self.pathway
