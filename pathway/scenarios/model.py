"""Designer scenario tests: ``definitions/<id>/scenarios/*.yaml``.

A scenario is a short patient story: steps (journey entries) and, on any step, expectations checked after that
step has been processed — states active or not, recommendations and findings present or absent, facts the
pathway needs, deviations recorded.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pathway.journey.model import JourneyEvent


class ScenarioModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


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


class Step(JourneyEvent):
    """A journey entry, optionally with expectations checked once it has been processed."""

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
