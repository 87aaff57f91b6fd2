"""Running journeys: compile (the only python-statemachine import), selection, engine, trail, replay, explain."""

from pathway.engine.explain import Explanation, explain
from pathway.engine.replay import DecisionChange, Divergence, ReplayError, ReplayResult, replay
from pathway.engine.run import Runner, RunResult, run

__all__ = [
    "DecisionChange",
    "Divergence",
    "Explanation",
    "ReplayError",
    "ReplayResult",
    "RunResult",
    "Runner",
    "explain",
    "replay",
    "run",
]
