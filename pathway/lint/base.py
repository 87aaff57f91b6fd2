"""The lint framework: rules with stable codes, registered by decorator, each a function from a checked pathway to
the issues it finds. Issues carry document paths (like :class:`pathway.analysis.Issue`) and a severity; the
runner in :mod:`pathway.lint` locates them, applies suppressions and renders them.

Codes: PW50x structure (reachability, dead ends, cycles), PW51x guards (exhaustive over finite domains),
PW52x hygiene (evidence, unused declarations), PW53x suppressions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeAlias

from pathway.definition.analysis import Analysis, Issue
from pathway.diagnostics import Severity

LintIssue = Issue
"""A rule's finding: the same located-by-path record the whole-file checks use (:class:`pathway.analysis.Issue`)."""


Check: TypeAlias = Callable[[Analysis], Iterable[LintIssue]]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    severity: Severity
    check: Check


RULES: dict[str, Rule] = {}


def rule(code: str, title: str, severity: Severity) -> Callable[[Check], Check]:
    """Register a lint rule under a stable code."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"lint code {code} registered twice")
        RULES[code] = Rule(code, title, severity, check)
        return check

    return register


def run_rules(analysis: Analysis) -> Iterator[tuple[Rule, LintIssue]]:
    for code in sorted(RULES):
        current = RULES[code]
        for issue in current.check(analysis):
            yield current, issue
