"""Exception hierarchy. Each error carries its CLI exit code; the CLI turns them into messages, never tracebacks.

Exit codes: 0 success, 1 findings or failures (invalid definition, failing scenario), 2 bad usage or unreadable
input (missing file, unreadable YAML limits, wrong arguments).
"""

from __future__ import annotations

from collections.abc import Sequence

from pathway.diagnostics import Diagnostic, Severity


class PathwayError(Exception):
    """Base class of every error pathway raises on purpose."""

    exit_code = 2


class UsageError(PathwayError):
    """The command or API was called wrongly (unknown path, bad option value)."""

    exit_code = 2


class InvalidInputError(PathwayError):
    """Input failed validation. Carries every diagnostic found, not only the first."""

    exit_code = 1

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        errors = [d for d in self.diagnostics if d.severity is Severity.ERROR]
        first = errors[0] if errors else (self.diagnostics[0] if self.diagnostics else None)
        head = f"{first.location}: {first.code} {first.message}" if first else "invalid input"
        more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
        super().__init__(head + more)


class UnreadableInputError(InvalidInputError):
    """Input could not be read at all (missing file, not UTF-8, too large): exit code 2."""

    exit_code = 2
