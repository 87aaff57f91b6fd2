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

from pathway.definition.loader import check, load, validate
from pathway.definition.model import Pathway
from pathway.diagnostics import Diagnostic, Severity
from pathway.diagnostics.codes import Code
from pathway.errors import ExitCode, InvalidInputError, PathwayError, UnreadableInputError, UsageError
from pathway.version import __version__

_LAZY = {
    "run": "pathway.engine",
    "Runner": "pathway.engine",
    "RunResult": "pathway.engine",
    "replay": "pathway.audit",
    "explain": "pathway.audit",
    "ReplayResult": "pathway.audit",
    "Explanation": "pathway.audit",
    "ReplayError": "pathway.audit",
}


def __getattr__(name: str) -> Any:
    """The engine (and python-statemachine) is imported on first use, so `pathway validate` does not pay for it."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pathway' has no attribute '{name}'")


__all__ = [
    "Code",
    "Diagnostic",
    "ExitCode",
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
