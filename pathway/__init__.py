"""pathway: clinical guidelines as executable, testable, auditable state machines.

Decision support for clinicians, not a substitute for clinical judgement: every recommendation carries the
evidence a clinician needs to check it.

The Python API mirrors the CLI::

    import pathway
    definition = pathway.load("definitions/example/pathway.yaml")  # raises InvalidInputError with every finding
    findings = pathway.validate("definitions/example/pathway.yaml")  # list of Diagnostic, empty when valid
    result = pathway.run("definitions/example", "definitions/example/journeys/grade2-then-grade3.yaml")
    result.write("trail.jsonl"); pathway.replay("trail.jsonl").status  # 'reproduced'
"""

from typing import Any

from pathway.diagnostics import Diagnostic, Severity
from pathway.errors import InvalidInputError, PathwayError, UnreadableInputError, UsageError
from pathway.loader import check, load, validate
from pathway.model import Pathway

__version__ = "0.1.0"

_ENGINE = {"run", "replay", "explain", "Runner", "RunResult", "ReplayResult", "Explanation", "ReplayError"}


def __getattr__(name: str) -> Any:
    """The engine (and python-statemachine) is imported on first use, so `pathway validate` does not pay for it."""
    if name in _ENGINE:
        from pathway import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'pathway' has no attribute '{name}'")


__all__ = [
    "Diagnostic",
    "InvalidInputError",
    "Pathway",
    "PathwayError",
    "Severity",
    "UnreadableInputError",
    "UsageError",
    "Explanation",
    "ReplayError",
    "ReplayResult",
    "RunResult",
    "Runner",
    "__version__",
    "check",
    "explain",
    "replay",
    "run",
    "load",
    "validate",
]
