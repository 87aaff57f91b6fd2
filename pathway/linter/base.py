"""The lint framework: rules with stable codes, registered by decorator, each a function from a checked pathway to
the findings it makes. A rule declares its code once, in :func:`rule`; its description and severity come from
:class:`~pathway.diagnostics.codes.Code`, and the decorator stamps the code on each finding, which makes it the
same path-located :class:`~pathway.definition.issues.Issue` the whole-file checks use. The runner in
:mod:`pathway.linter` locates them, applies suppressions and renders them.

Codes: PW50x structure (reachability, dead ends, cycles), PW51x guards (exhaustive over finite domains),
PW52x hygiene (evidence, unused declarations, what the pathway requires: questions, strength, quality),
PW53x suppressions, PW54x time (timers, deadlines, the clock), PW55x recommendations (conflicting ones recommended
at once).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeAlias

from pathway.definition.analysis import Analysis
from pathway.definition.index import DocPath
from pathway.definition.issues import Issue
from pathway.diagnostics import Severity
from pathway.diagnostics.codes import Code

LintIssue = Issue
"""A located lint finding with its rule's code (:class:`pathway.definition.issues.Issue`)."""


@dataclass(frozen=True)
class LintFinding:
    """What a rule found and where (a document path), without a code: the rule that yields it owns the code."""

    path: DocPath
    message: str
    hint: str | None = None
    key: bool = False
    span: tuple[str, int, int] | None = None

    def issue(self, code: Code) -> LintIssue:
        return Issue(self.path, code, self.message, self.hint, self.key, self.span)


Find: TypeAlias = Callable[[Analysis], Iterable[LintFinding]]
"""A rule's body: the findings it makes in a checked pathway."""
Check: TypeAlias = Callable[[Analysis], Iterator[LintIssue]]
"""A registered rule: the findings of its body, each stamped with the rule's code."""


@dataclass(frozen=True)
class Rule:
    code: Code
    check: Check

    @property
    def description(self) -> str:
        return self.code.description

    @property
    def severity(self) -> Severity:
        return self.code.severity


RULES: dict[str, Rule] = {}


def rule(code: Code) -> Callable[[Find], Check]:
    """Register a lint rule under its stable code (which gives its description and severity). The decorated
    function yields :class:`LintFinding` records; it becomes a check that yields them as issues with that code."""

    def register(find: Find) -> Check:
        if code in RULES:
            raise ValueError(f"lint code {code} registered twice")

        @functools.wraps(find)
        def check(analysis: Analysis) -> Iterator[LintIssue]:
            return (finding.issue(code) for finding in find(analysis))

        RULES[code] = Rule(code, check)
        return check

    return register


def run_rules(analysis: Analysis) -> Iterator[tuple[Rule, LintIssue]]:
    for code in sorted(RULES):
        current = RULES[code]
        for issue in current.check(analysis):
            yield current, issue
