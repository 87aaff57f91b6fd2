"""Reading a trail back: replay (reproduced, tampered, diverged, or what-if against another version), explain (why
these states, why this recommendation, why not that one) and the terminal report of a run.

Audit sits above the engine: it re-runs a trail's recorded inputs with :mod:`pathway.engine` and compares the
records with :mod:`pathway.trail`'s. Results are frozen data; nothing raises unless the caller asks.
"""

from pathway.audit.divergence import Divergence
from pathway.audit.explain import Explanation, explain
from pathway.audit.replay import DecisionChange, ReplayError, ReplayResult, replay

__all__ = ["DecisionChange", "Divergence", "Explanation", "ReplayError", "ReplayResult", "explain", "replay"]
