"""The pathway definition format: one YAML file, ``definitions/<id>/pathway.yaml``, described by these models.

They are the single source of the format: validation, the JSON Schema (``pathway schema``) and the reference docs all
come from here. Every model is frozen and forbids unknown keys; values are strict (a string is never read as a
number, nor a number as a boolean). Checks that span the whole file (references between ids, guard types, the state
tree's shape) live in :mod:`pathway.definition.loader`, which reports them with the file position of the offending key.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""Identifier of a fact, state, action, finding or event: snake_case, starting with a letter."""

EvidenceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
"""Identifier of an evidence entry: lower case, digits, ``-``, ``_`` and ``.``."""

Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Number = Annotated[float, Field(allow_inf_nan=False)]
"""A finite number: NaN and the infinities (``.nan``, ``.inf``, ``1e400``) are refused."""


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


FactType = Literal["bool", "int", "number", "enum", "date"]


class Fact(Model):
    """A piece of clinical data that guards may read: its type, unit, range or allowed values."""

    type: FactType = Field(description="bool, int, number, enum (with 'values') or date (ISO 8601, YYYY-MM-DD).")
    description: str | None = Field(default=None, description="What the fact means and how it is measured.")
    unit: str | None = Field(default=None, description="Unit of an int or number fact, e.g. 'mg/m2'.")
    min: Number | None = Field(default=None, description="Smallest allowed value (int and number facts).")
    max: Number | None = Field(default=None, description="Largest allowed value (int and number facts).")
    values: list[Id] | None = Field(default=None, description="The allowed values of an enum fact.")
    code: Code | None = Field(default=None, description="Terminology code (e.g. LOINC) for data feeds.")
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
    note: str | None = Field(default=None, description="A documented choice about this recommendation.")


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
    id: Id | None = Field(default=None, description="Stable id for trails; default '<source>-><target>'.")
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence for this decision.")
    note: str | None = Field(default=None, description="A documented choice about this decision.")


class State(Model):
    """A state: atomic, compound (has 'states'), parallel (its child states are regions that run side by side)
    or final."""

    description: str | None = Field(default=None, description="What this state means for the patient.")
    initial: bool = Field(default=False, description="Entered first among its siblings (not in parallel regions).")
    final: bool = Field(default=False, description="A final state: no transitions and no children.")
    parallel: bool = Field(default=False, description="The child states are regions, all active at once.")
    states: dict[Id, State] | None = Field(default=None, description="Child states of a compound or parallel state.")
    recommend: list[Id] = Field(default_factory=list, description="Action ids recommended while the state is active.")
    conclude: list[Id] = Field(default_factory=list, description="Finding ids concluded while the state is active.")
    transitions: list[Transition] = Field(default_factory=list, description="Outgoing transitions, in priority order.")
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence for this state.")
    note: str | None = Field(default=None, description="A documented choice about this state.")


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
