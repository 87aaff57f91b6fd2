"""Lint rules on questions, strength of recommendation and quality of evidence.

What a pathway requires of itself (``requires: [question, strength, quality]``) is checked here, one finding per
missing item: a deciding state without a question (PW526), an action without a strength (PW524), an evidence
entry without a quality (PW525). A pathway that requires nothing gets none of these. PW527 holds for every
pathway: a recommendation against something is shown by its title everywhere (run output, explain, the docs, the
diagrams), so the title must say not to do it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pathway.definition.analysis import Analysis
from pathway.definition.questions import decides, reads_of
from pathway.diagnostics.codes import Code
from pathway.linter.base import LintFinding, rule

SAYS_NOT = re.compile(r"\b(?:avoid\w*|not|no|never|withh[oe]ld\w*|refrain\w*|contraindicated)\b|n't\b", re.IGNORECASE)
"""Words with which a title says not to do something: 'Avoid ...', 'Do not ...', 'Don't ...', 'Withhold ...'."""


def _requires(analysis: Analysis, item: str) -> bool:
    return item in (analysis.pathway.requires or ())


@rule(Code.PW524)
def missing_strength(analysis: Analysis) -> Iterator[LintFinding]:
    if not _requires(analysis, "strength"):
        return
    for name, action in analysis.pathway.actions.items():
        if action.strength is None:
            yield LintFinding(
                ("actions", name),
                f"action '{name}' states no strength of recommendation, and the pathway requires one",
                "add 'strength: strong' or 'strength: weak' as the source states it; where the source states "
                "none, say so with '# pathway: allow PW524 because ...' rather than choosing one",
                key=True,
            )


@rule(Code.PW525)
def missing_quality(analysis: Analysis) -> Iterator[LintFinding]:
    if not _requires(analysis, "quality"):
        return
    for name, evidence in analysis.pathway.evidence.items():
        if evidence.quality is None:
            graded = f" (the source grades it '{evidence.grade}')" if evidence.grade else ""
            yield LintFinding(
                ("evidence", name),
                f"evidence '{name}' states no quality of evidence{graded}, and the pathway requires one",
                "add 'quality:' (high, moderate, low or very-low) as the source states it; where the source states "
                "none, say so with '# pathway: allow PW525 because ...' rather than choosing one",
                key=True,
            )


@rule(Code.PW526)
def missing_question(analysis: Analysis) -> Iterator[LintFinding]:
    if not _requires(analysis, "question"):
        return
    for state, info in analysis.index.states.items():
        if info.state.question is None and decides(analysis, state):
            read = ", ".join(name for name, _ in reads_of(analysis, state)) or "its guards"
            yield LintFinding(
                info.path,
                f"state '{state}' decides between transitions but states no question, and the pathway requires one",
                f"add 'question:' with the clinical question its guards answer (they read {read})",
                key=True,
            )


@rule(Code.PW527)
def against_title(analysis: Analysis) -> Iterator[LintFinding]:
    for name, action in analysis.pathway.actions.items():
        if action.stance.against and not SAYS_NOT.search(action.title):
            yield LintFinding(
                ("actions", name, "title"),
                f"action '{name}' is a recommendation against, but its title does not say not to do it",
                f"the title is what every reader shows as the recommendation: write e.g. 'Avoid ...' or 'Do not ...' "
                f"rather than '{action.title}'",
            )
