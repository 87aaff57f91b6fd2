"""pathway: clinical guidelines as executable, testable, auditable state machines.

Decision support for clinicians, not a substitute for clinical judgement: every recommendation carries the
evidence a clinician needs to check it.

The Python API mirrors the CLI::

    import pathway
    definition = pathway.load("definitions/example/pathway.yaml")   # raises InvalidInputError with every finding
    findings = pathway.validate("definitions/example/pathway.yaml")  # list of Diagnostic, empty when valid
"""

from pathway.diagnostics import Diagnostic, Severity
from pathway.errors import InvalidInputError, PathwayError, UnreadableInputError, UsageError
from pathway.loader import check, load, validate
from pathway.model import Pathway

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "InvalidInputError",
    "Pathway",
    "PathwayError",
    "Severity",
    "UnreadableInputError",
    "UsageError",
    "__version__",
    "check",
    "load",
    "validate",
]
