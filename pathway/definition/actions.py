"""The recommendation and finding catalogues of a definition (``actions:``, ``findings:``) and the items of a
state's ``recommend:`` list: what a recommendation says, carries (computed values), how strongly, what it
supersedes or conflicts with, what fulfils it and whom it concerns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import (
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pathway.definition.fields import Duration, EvidenceId, Id, Model, Text, later
from pathway.definition.grading import (
    STRENGTH_SYSTEM,
    Direction,
    Stance,
    Strength,
)
from pathway.diagnostics import did_you_mean, one_of
from pathway.expr.durations import HOUR, parse_duration

ActionKind = Literal[
    "order", "medication", "dose_change", "stop", "referral", "procedure", "advice", "monitoring", "review"
]
"""What sort of recommendation an action is; ``stop`` stops or withholds a treatment (discontinue a drug). The
clinical-algorithm view colours recommendations by it (:mod:`pathway.render.clinical`)."""


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
    fulfilled_by: list[Id] | None = later(
        "Facts whose value, given while the recommendation is active (or by the input that issues it), "
        "counts as having done it, e.g. [ncs_pattern] for an order of nerve conduction studies: its result on file "
        "is the test done. The trail records which fact fulfilled it and from which input."
    )
    applies_to: Text | None = later(
        "A guard saying whom the action concerns, e.g. 'bortezomib_status != \"never\"': while it is "
        "definitely false the recommendation is not issued (and is retired if it was), recorded as not applicable; "
        "while it is unknown the recommendation is issued."
    )
    supersedes: list[Id] | None = later(
        "Actions this one replaces: when it is issued, those of them that are active are retired as "
        "superseded, e.g. discontinuing a drug supersedes reducing its dose."
    )
    conflicts: list[Id] | None = later(
        "Actions never to be recommended together with this one (symmetric: declare it on either side); "
        "the engine records a conflict if they are, and lint looks for a patient for whom they can be."
    )
    note: str | None = Field(default=None, description="A documented choice about this recommendation.")
    values: dict[Id, ComputedValue] | None = later(
        "Values the recommendation carries (a dose, a dose level), by name, computed when it is issued; "
        "the trail records each with the facts it read."
    )
    text: Text | None = later(
        "The recommendation as a clinician reads it, its values in braces: 'Prednisone {dose} once daily'."
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

    strength: Strength | None = later(
        f"Strength of the recommendation as the source states it: strong or weak (the FHIR code system "
        f"{STRENGTH_SYSTEM}; GRADE's 'conditional' is weak). Leave it out when the source does not state one."
    )
    direction: Direction | None = later(
        "'for' (the default: do it) or 'against' (a recommendation not to do it; its title says so, "
        "e.g. 'Avoid tricyclic antidepressants')."
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
    until: Text | None = later(
        "A guard: once issued, the recommendation persists after its state is left, until this is true "
        "(checked after each input and wake-up; unknown keeps it), e.g. 'sensory_grade <= 1'."
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
