"""Designer scenario tests: ``definitions/<id>/scenarios/*.yaml``.

A scenario is a short patient story: steps (journey entries) and, on any step, expectations checked after that
step has been processed — states active or not, recommendations and findings present or absent, facts the
pathway needs, deviations recorded, timers and deadlines due or overdue. A step may be a time point alone
(``{at: ..., expect: ...}``): the clock advances to ``at``, firing what falls due, like an empty journey entry.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from pathway.journey.model import JourneyEvent


class ScenarioModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class DueItem(ScenarioModel):
    """A timer or a recommendation's deadline, as the run's summary lists it under 'due': exactly one of 'timer'
    and 'action', and when it falls due (at any time when 'at' is left out)."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["timer"]}, {"required": ["action"]}]})

    timer: str | None = Field(
        default=None,
        description="A timer: the id of a transition with 'after' ('source->target'), pending in an active state.",
    )
    action: str | None = Field(
        default=None,
        description="A recommendation with a deadline ('due' or 'every'): active, not done, and not past it.",
    )
    at: str | None = Field(
        default=None,
        description="When it falls due: 'YYYY-MM-DD' (midnight) or 'YYYY-MM-DDTHH:MM[:SS]', in clinic local time. "
        "Left out: at any time.",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> DueItem:
        if (self.timer is None) == (self.action is None):
            raise PydanticCustomError(
                "due_kind",
                "a due item names either a 'timer' or an 'action', {which}",
                {
                    "which": "not both" if self.timer is not None else "but names neither",
                    "hint": "write {timer: <transition id>, at: <time>} or {action: <action id>, at: <time>}",
                },
            )
        return self

    @property
    def kind(self) -> str:
        """'timer' or 'action', as the summary's ``due`` entries say."""
        return "timer" if self.timer is not None else "action"

    @property
    def id(self) -> str:
        """The transition id (timer) or action id."""
        return self.timer if self.timer is not None else self.action or ""


class Expect(ScenarioModel):
    """What must hold after a step. Every list is checked by membership: other items may be present too."""

    states: list[str] = Field(default_factory=list, description="States that must be active.")
    not_states: list[str] = Field(default_factory=list, description="States that must not be active.")
    recommend: list[str] = Field(default_factory=list, description="Actions that must be recommended.")
    not_recommend: list[str] = Field(default_factory=list, description="Actions that must not be recommended.")
    findings: list[str] = Field(default_factory=list, description="Findings that must be concluded.")
    not_findings: list[str] = Field(default_factory=list, description="Findings that must not be concluded.")
    needs: list[str] = Field(default_factory=list, description="Facts the pathway must be waiting for.")
    not_needs: list[str] = Field(default_factory=list, description="Facts the pathway must not be waiting for.")
    deviations: list[str] = Field(
        default_factory=list, description="Actions recorded as deviations at this step ('done' but not recommended)."
    )
    not_deviations: list[str] = Field(
        default_factory=list,
        description="Actions done at this step that must not be deviations (they were recommended).",
    )
    due: list[DueItem] = Field(
        default_factory=list,
        description="Timers pending and deadlines ahead that the summary must list as due after this step, e.g. "
        "{timer: on_steroids->infliximab, at: 2026-07-04T09:00}.",
    )
    not_due: list[DueItem] = Field(
        default_factory=list,
        description="Timers and deadlines that must not be due after this step (at that time, when 'at' is given).",
    )
    overdue: list[str] = Field(
        default_factory=list, description="Recommendations that must be overdue: past their due time, not done."
    )
    not_overdue: list[str] = Field(default_factory=list, description="Recommendations that must not be overdue.")


class Step(JourneyEvent):
    """A journey entry, optionally with expectations checked once it has been processed. A step with 'at' alone
    is a time point: the clock advances to it, firing the timers, recurrences and staleness that fall due."""

    expect: Expect | None = Field(default=None, description="What must hold after this step.")


class Scenario(ScenarioModel):
    """One named patient story with its expectations."""

    name: str = Field(min_length=1, description="What the scenario shows, one line; unique in its file.")
    description: str | None = Field(default=None, description="Clinical context, and the article section it tests.")
    steps: list[Step] = Field(min_length=1, description="The entries in time order; expectations on any of them.")


class ScenarioFile(ScenarioModel):
    """A file of scenarios for one pathway."""

    pathway: str | None = Field(default=None, description="The pathway id (default: the folder's definition).")
    scenarios: list[Scenario] = Field(min_length=1, description="The scenarios of this file.")
