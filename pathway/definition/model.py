"""The pathway definition format: one YAML file, ``definitions/<id>/pathway.yaml``, described by these models.

They are the single source of the format: validation, the JSON Schema (``pathway schema``) and the reference docs all
come from here. Every model is frozen and forbids unknown keys; values are strict (a string is never read as a
number, nor a number as a boolean). Checks that span the whole file (references between ids, guard types, the state
tree's shape) live in :mod:`pathway.definition.loader`, which reports them with the file position of the offending key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StringConstraints,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pathway.definition.grading import (
    QUALITY_SYSTEM,
    STRENGTH_SYSTEM,
    Direction,
    Quality,
    Requirement,
    Stance,
    Strength,
)
from pathway.diagnostics import did_you_mean, one_of
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


def _empty(value: object) -> bool:
    """Like :func:`_absent`, for a catalogue added after 0.1.0 that defaults to empty (``constraints``)."""
    return not value


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
    quality: Quality | None = Field(
        default=None,
        exclude_if=_absent,
        description=f"Quality of the evidence as the source states it: high, moderate, low or very-low (the FHIR "
        f"code system {QUALITY_SYSTEM}). Leave it out when the source does not grade it.",
    )
    grade: Text | None = Field(
        default=None,
        exclude_if=_absent,
        description="The source's own grade, verbatim as the source writes it (e.g. 'GRADE 1A', 'NCCN category "
        "2A'); shown as written, never translated into a quality.",
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
    valid_for: Duration | None = Field(
        default=None,
        exclude_if=_absent,
        description="How long a value stays current after the input that gave it, e.g. '21d'; past that the fact is "
        "unknown again (the trail records the expiry) until a new value is given.",
    )
    assume: Assumption | None = Field(
        default=None,
        exclude_if=_absent,
        description="The value a guard reads while the fact is not recorded, where it decides the guard ({value, "
        "note, evidence}); each such read is marked as assumed, and the pathway still asks for the fact. Not for "
        "date and date-time facts.",
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


ActionKind = Literal["order", "medication", "dose_change", "referral", "procedure", "advice", "monitoring", "review"]


def _given(value: object) -> int | float | str:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value
    what = "empty text" if value == "" else "true/false" if isinstance(value, bool) else repr(value)
    raise PydanticCustomError(
        "given_value",
        "a value is a finite number or text, not {what}",
        {"what": what, "hint": "write a number such as 1.3, or the text as the source states it, e.g. '1.0 mg/m2'"},
    )


GivenValue = Annotated[
    int | float | str,
    PlainValidator(_given),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "minLength": 1}]}),
]
"""A value as a pathway gives it: a finite number, or text as the source writes it ('1.0 mg/m2')."""
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
"""A placeholder of an action's ``text``: ``{dose}`` stands for the value ``dose`` as shown."""


class ValueCase(Model):
    """A row of a value's table: the first case whose guard is true gives the value."""

    when: Text = Field(
        description="A guard in the guard language, or 'otherwise' (the last case: every guard before it is false)."
    )
    value: GivenValue = Field(description="What the case gives: a number, or text as the source writes it.")


class ComputedValue(Model):
    """A value a recommendation carries (a dose, a dose level), worked out each time it is issued and while it is
    active: from an expression over facts, from a table of cases, or as the source gives it."""

    expr: Text | None = Field(
        default=None, description="An expression in the guard language that gives a number, e.g. 'weight_kg * 1'."
    )
    cases: list[ValueCase] | None = Field(
        default=None,
        min_length=1,
        description="A table: the first case whose guard is true gives the value; the last case is 'otherwise'.",
    )
    value: GivenValue | None = Field(
        default=None, description="A value the source states, not computed: a number, or text such as '60-120 mg/day'."
    )
    unit: Text | None = Field(default=None, description="The unit shown after a number, e.g. 'mg/day'.")
    decimals: int | None = Field(
        default=None,
        ge=0,
        le=6,
        description="Round a number to this many decimal places (half away from zero) before it is recorded and "
        "shown; a number is never shown with a trailing zero.",
    )
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence for this value.")
    description: str | None = Field(default=None, description="What the value is, in the clinician's words.")
    note: str | None = Field(default=None, description="A documented choice about this value.")

    @model_validator(mode="after")
    def _one_source(self) -> ComputedValue:
        given = [key for key in ("expr", "cases", "value") if getattr(self, key) is not None]
        if len(given) != 1:
            found = "none" if not given else " and ".join(f"'{k}'" for k in given)
            raise PydanticCustomError(
                "value_source",
                "a value has exactly one of 'expr', 'cases' or 'value'; it has {found}",
                {"found": found, "hint": "compute it (expr), choose it from a table (cases), or give it (value)"},
            )
        if self.cases is not None:
            last = len(self.cases) - 1
            for i, case in enumerate(self.cases):
                if (case.when == "otherwise") != (i == last):
                    raise PydanticCustomError(
                        "otherwise_last",
                        "case {n} of {count}: 'otherwise' is the last case of a table, and only the last",
                        {
                            "n": i + 1,
                            "count": last + 1,
                            "hint": "end the table with {when: otherwise, value: ...}, so that every patient gets a "
                            "value or is told which facts it needs",
                        },
                    )
        numbers = self.expr is not None or any(not isinstance(v, str) for v in self._given())
        if not numbers and (self.unit is not None or self.decimals is not None):
            raise PydanticCustomError(
                "unit_of_text",
                "'unit' and 'decimals' are for numbers, and this value is text",
                {"hint": "write the unit inside the text, e.g. value: '1.0 mg/m2'"},
            )
        return self

    def _given(self) -> list[int | float | str]:
        return [c.value for c in self.cases or ()] + ([] if self.value is None else [self.value])


class Action(Model):
    """A recommendation with a stable id, used in trails, docs and conformance checks."""

    title: Text = Field(description="Short imperative title, e.g. 'Order nerve conduction studies'.")
    kind: ActionKind = Field(description="What sort of recommendation this is.")
    evidence: list[EvidenceId] = Field(default_factory=list, description="Ids of the evidence supporting it.")
    description: str | None = Field(default=None, description="What to do, in the clinician's words.")
    dose: str | None = Field(default=None, description="Dose range as the cited source states it.")
    fulfilled_by: list[Id] | None = Field(
        default=None,
        exclude_if=_absent,
        description="Facts whose value, given while the recommendation is active (or by the input that issues it), "
        "counts as having done it, e.g. [ncs_pattern] for an order of nerve conduction studies: its result on file "
        "is the test done. The trail records which fact fulfilled it and from which input.",
    )
    applies_to: Text | None = Field(
        default=None,
        exclude_if=_absent,
        description="A guard saying whom the action concerns, e.g. 'bortezomib_status != \"never\"': while it is "
        "definitely false the recommendation is not issued (and is retired if it was), recorded as not applicable; "
        "while it is unknown the recommendation is issued.",
    )
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
    values: dict[Id, ComputedValue] | None = Field(
        default=None,
        exclude_if=_absent,
        description="Values the recommendation carries (a dose, a dose level), by name, computed when it is issued; "
        "the trail records each with the facts it read.",
    )
    text: Text | None = Field(
        default=None,
        exclude_if=_absent,
        description="The recommendation as a clinician reads it, its values in braces: 'Prednisone {dose} once daily'.",
    )

    @field_validator("text")
    @classmethod
    def _placeholders(cls, text: str | None, info: ValidationInfo) -> str | None:
        if text is None:
            return None
        rest = PLACEHOLDER.sub("", text)
        if "{" in rest or "}" in rest:
            raise PydanticCustomError(
                "bad_placeholder",
                "a brace in 'text' that is not a placeholder",
                {"hint": "a placeholder is a value's name in braces, e.g. {dose}; text has no other braces"},
            )
        if "values" not in info.data:  # the values failed and are reported: naming them here would mislead
            return text
        declared = info.data["values"] or {}
        for name in (m.group(1) for m in PLACEHOLDER.finditer(text)):
            if name not in declared:
                close = did_you_mean(name, declared)
                known = f"the action's values are {one_of(declared)}" if declared else "the action declares no values"
                raise PydanticCustomError(
                    "unknown_placeholder",
                    "'text' has a placeholder for '{name}', which is not a value of this action",
                    {"name": name, "hint": f"{close} {known}" if close else known},
                )
        return text

    def fill(self, shown: Mapping[str, str]) -> str | None:
        """``text`` with each placeholder replaced by its value as shown (None without a text)."""
        if self.text is None:
            return None
        return PLACEHOLDER.sub(lambda m: shown.get(m.group(1), m.group(0)), self.text)

    strength: Strength | None = Field(
        default=None,
        exclude_if=_absent,
        description=f"Strength of the recommendation as the source states it: strong or weak (the FHIR code system "
        f"{STRENGTH_SYSTEM}; GRADE's 'conditional' is weak). Leave it out when the source does not state one.",
    )
    direction: Direction | None = Field(
        default=None,
        exclude_if=_absent,
        description="'for' (the default: do it) or 'against' (a recommendation not to do it; its title says so, "
        "e.g. 'Avoid tricyclic antidepressants').",
    )

    @property
    def stance(self) -> Stance:
        """Its strength and direction, with the words every reader shows them in."""
        return Stance(self.strength, self.direction)

    @field_validator("fulfilled_by")
    @classmethod
    def _distinct(cls, facts: list[str] | None) -> list[str] | None:
        if facts is not None and not facts:
            raise PydanticCustomError(
                "empty_fulfilled_by", "'fulfilled_by' lists no fact", {"hint": "name a fact, or leave the key out"}
            )
        if facts is not None and len(set(facts)) != len(facts):
            raise PydanticCustomError(
                "repeated_fact", "'fulfilled_by' lists the same fact twice", {"hint": "list each fact once"}
            )
        return facts

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
    question: Text | None = Field(
        default=None,
        exclude_if=_absent,
        description="The clinical question the state's guarded transitions answer, e.g. 'IVIg contraindicated?'; "
        "shown in the docs and diagrams. Only on a state with a guarded transition.",
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
    evidence: dict[EvidenceId, Evidence] = Field(default_factory=dict, description="Citable sources by id.")
    facts: dict[Id, Fact] = Field(description="The data dictionary: every fact a guard may read.")
    derived: dict[Id, Derived] = Field(default_factory=dict, description="Named expressions over facts.")
    constraints: dict[Id, Constraint] = Field(
        default_factory=dict,
        exclude_if=_empty,
        description="Named conditions over facts that hold for every patient; a journey that breaks one is refused.",
    )
    events: dict[Id, EventDef] = Field(default_factory=dict, description="Explicit triggers journeys may send.")
    actions: dict[Id, Action] = Field(default_factory=dict, description="The recommendation catalogue.")
    findings: dict[Id, Finding] = Field(default_factory=dict, description="The working-diagnosis catalogue.")
    states: dict[Id, State] = Field(min_length=1, description="Top-level states; exactly one is initial.")
    requires: list[Requirement] | None = Field(
        default=None,
        exclude_if=_absent,
        description="What the pathway commits to state everywhere, checked by lint: 'question' on each state with "
        "two or more guarded transitions (PW526), 'strength' on each action (PW524), 'quality' on each evidence "
        "entry (PW525).",
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
