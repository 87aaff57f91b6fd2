"""Exception hierarchy. Each error carries its :class:`ExitCode`; the CLI turns them into messages (or, with
``--format json``, into one JSON document via :meth:`PathwayError.to_json`), never tracebacks.

Exit codes (:class:`~pathway.diagnostics.codes.ExitCode`, re-exported here): 0 success, 1 findings or failures
(invalid definition, failing scenario, tampered trail), 2 bad usage or unreadable input (missing file, unreadable
YAML limits, wrong arguments, not a trail), 70 a bug in pathway, 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pathway.diagnostics import Diagnostic, Severity
from pathway.diagnostics.codes import UNREADABLE, ExitCode

__all__ = [
    "ExitCode",
    "InvalidInputError",
    "PathwayError",
    "UnreadableInputError",
    "UsageError",
    "invalid_input",
]


class PathwayError(Exception):
    """Base class of every error pathway raises on purpose."""

    exit_code: ExitCode = ExitCode.USAGE
    kind = "error"
    """A stable word for the kind of error, the ``error`` field of :meth:`to_json`."""

    def to_json(self) -> dict[str, Any]:
        """The error as a JSON-ready document: its kind, message and exit code."""
        return {"error": self.kind, "message": str(self), "exit_code": int(self.exit_code)}


class UsageError(PathwayError):
    """The command or API was called wrongly (unknown path, bad option value).

    ``parameter`` names the argument at fault (``at``, ``step``): the message then starts with it, and the CLI
    names the matching flag (``--at``) instead.
    """

    exit_code = ExitCode.USAGE
    kind = "usage"

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        self.detail = message
        self.parameter = parameter
        super().__init__(f"{parameter}: {message}" if parameter else message)

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"parameter": self.parameter}


class InvalidInputError(PathwayError):
    """Input failed validation. Carries every diagnostic found, not only the first."""

    exit_code = ExitCode.FINDINGS
    kind = "invalid"

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.severity is Severity.ERROR]
        first = errors[0] if errors else (self.diagnostics[0] if self.diagnostics else None)
        head = f"{first.location}: {first.code} {first.message}" if first else "invalid input"
        more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
        super().__init__(head + more)

    def to_json(self) -> dict[str, Any]:
        return super().to_json() | {"diagnostics": [d.model_dump(mode="json") for d in self.diagnostics]}


class UnreadableInputError(InvalidInputError):
    """Input could not be read at all (missing file, not UTF-8, too large): exit code 2."""

    exit_code = ExitCode.USAGE
    kind = "unreadable"


def invalid_input(diagnostics: Sequence[Diagnostic]) -> InvalidInputError:
    """The error for these diagnostics: :class:`UnreadableInputError` when one of them means the input could not be
    read at all (its code's exit class), else :class:`InvalidInputError`."""
    unreadable = any(d.code in UNREADABLE for d in diagnostics)
    return UnreadableInputError(diagnostics) if unreadable else InvalidInputError(diagnostics)
