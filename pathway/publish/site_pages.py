"""The catalogue pages of a pathway's reference, generated from the model: facts, actions and findings, states.

Each page is plain Markdown (tables and headings) for the documentation site; :mod:`pathway.publish.site` adds
the overview and the scenario catalogue, and ``pathway generate`` writes them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pathway.definition.analysis import Analysis
from pathway.definition.index import StateInfo, TransitionInfo
from pathway.definition.model import Action, Fact, Recommendation
from pathway.diagnostics.escape import escape
from pathway.publish.pathway_docs import GENERATED, prose


def cell(text: str | None) -> str:
    """Text made safe for one Markdown table cell (:func:`~pathway.publish.pathway_docs.prose`), pipes escaped,
    '-' when empty."""
    if not text:
        return "-"
    return prose(text).replace("|", "\\|")


def code(text: str | None) -> str:
    """Text as a code span in a table cell: one line, controls escaped, pipes escaped, fenced by more backticks
    than it holds in a row (HTML needs no escaping inside a code span)."""
    if not text:
        return "-"
    inner = escape(" ".join(text.split())).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", inner)), default=0) + 1)
    padded = f" {inner} " if fence != "`" else inner
    return f"{fence}{padded}{fence}"


def codes(items: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in items) or "-"


def evidence_links(items: Iterable[str]) -> str:
    """Evidence ids, each linked to the pathway's evidence trace."""
    return ", ".join(f"[`{i}`](evidence.md)" for i in items) or "-"


def header(title: str, intro: str) -> list[str]:
    """A page's title (a designer's text: see :func:`~pathway.publish.pathway_docs.prose`) and its introduction."""
    return [f"# {prose(title)}", "", GENERATED, "", intro, ""]


def table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _number(value: float) -> str:
    return f"{value:g}"


def _allowed(fact: Fact) -> str:
    if fact.values:
        return codes(fact.values)
    if fact.min is None and fact.max is None:
        return "-"
    low = _number(fact.min) if fact.min is not None else "-inf"
    high = _number(fact.max) if fact.max is not None else "+inf"
    return f"{low} to {high}"


def facts_page(analysis: Analysis) -> str:
    p = analysis.pathway
    stale = any(fact.valid_for for fact in p.facts.values())
    lines = header(
        f"Facts: {p.title}",
        "The fact dictionary: every piece of clinical data a guard may read, with its type and allowed values. "
        "A fact not yet known is unknown, not false: a guard that needs it waits."
        + (
            " A fact with a time under *current for* goes stale that long after it was given: it is unknown "
            "again, and the pathway asks for it."
            if stale
            else ""
        ),
    )
    lines += ["## Facts", ""]
    lines += table(
        [
            "fact",
            "type",
            "allowed values or range",
            "unit",
            *(["current for"] if stale else []),
            "code",
            "description",
            "note",
        ],
        (
            [
                f"`{name}`",
                fact.type,
                _allowed(fact),
                cell(fact.unit),
                *([cell(fact.valid_for)] if stale else []),
                f"{fact.code.system} `{cell(fact.code.code)}`" if fact.code else "-",
                cell(fact.description),
                cell(fact.note),
            ]
            for name, fact in p.facts.items()
        ),
    )
    lines += ["", "## Derived facts", ""]
    if p.derived:
        lines += table(
            ["derived fact", "expression", "description", "note"],
            ([f"`{n}`", code(d.expr), cell(d.description), cell(d.note)] for n, d in p.derived.items()),
        )
    else:
        lines.append("This pathway has no derived facts.")
    return "\n".join(lines) + "\n"


def actions_page(analysis: Analysis) -> str:
    p = analysis.pathway
    lines = header(
        f"Actions and findings: {p.title}",
        "The recommendation catalogue (actions) and the working-diagnosis catalogue (findings). Their ids are "
        "stable: trails, scenarios and conformance checks name them. Evidence ids link to the "
        "[evidence trace](evidence.md).",
    )
    lines += ["## Actions", ""]
    lines += table(
        ["action", "kind", "title", "dose", "evidence", "note"],
        (
            [f"`{n}`", a.kind, cell(a.title), cell(a.dose), evidence_links(a.evidence), _note(a)]
            for n, a in p.actions.items()
        ),
    )
    lines += ["", "## Findings", ""]
    if p.findings:
        lines += table(
            ["finding", "title", "evidence", "note"],
            ([f"`{n}`", cell(f.title), evidence_links(f.evidence), cell(f.note)] for n, f in p.findings.items()),
        )
    else:
        lines.append("This pathway concludes no findings.")
    return "\n".join(lines) + "\n"


def _note(action: Action) -> str:
    """An action's note, after what it supersedes and conflicts with: "Supersedes `a`. Conflicts with `b`. ..."."""
    links = [
        (verb, ids) for verb, ids in (("Supersedes", action.supersedes), ("Conflicts with", action.conflicts)) if ids
    ]
    said = " ".join(f"{verb} {codes(ids)}." for verb, ids in links)
    if not said:
        return cell(action.note)
    return said + (f" {cell(action.note)}" if action.note else "")


def _recommendation(rule: Recommendation) -> str:
    """An action id, with its deadline, period and persistence when it has them: ``order_ncs`` (due 2w, every 3w),
    ``hold_drug`` (until `grade <= 1`)."""
    timing = [f"{word} {value}" for word, value in (("due", rule.due), ("every", rule.every)) if value]
    timing += [f"persists until {code(rule.until)}"] if rule.until else []
    return f"`{rule.action}`" + (f" ({', '.join(timing)})" if timing else "")


def _trigger(t: TransitionInfo) -> str:
    if t.event:
        return f"event `{t.event}`"
    if t.transition.after:
        return f"timer: after `{t.transition.after}` in this state"
    return "facts change"


def _state_section(analysis: Analysis, info: StateInfo) -> list[str]:
    state = info.state
    facts = [
        f"- **kind**: {info.kind}" + (" (initial)" if state.initial else ""),
        f"- **parent**: {code(info.parent)}" if info.parent else "- **parent**: none (top level)",
    ]
    if info.children:
        facts.append(f"- **{'regions' if state.parallel else 'child states'}**: {codes(info.children)}")
    facts.append(f"- **recommends**: {', '.join(map(_recommendation, state.recommendations)) or '-'}")
    facts.append(f"- **concludes**: {codes(state.conclude)}")
    if state.evidence:
        facts.append(f"- **evidence**: {evidence_links(state.evidence)}")
    if state.note:
        facts.append(f"- **note**: {cell(state.note)}")
    lines = [f"## `{info.id}`", ""]
    if state.description:
        lines += [cell(state.description), ""]
    lines += [*facts, ""]
    outgoing = analysis.index.outgoing(info.id)
    if outgoing:
        lines += table(
            ["transition", "target", "trigger", "guard", "evidence", "note"],
            (
                [
                    f"`{t.id}`",
                    f"[`{t.target}`](#{t.target})",
                    _trigger(t),
                    code(t.when) if t.when else "always",
                    evidence_links(t.evidence),
                    cell(t.transition.note),
                ]
                for t in outgoing
            ),
        )
        lines.append("")
    return lines


def states_page(analysis: Analysis) -> str:
    p = analysis.pathway
    lines = header(
        f"States and transitions: {p.title}",
        f"Every state in document order ({len(analysis.index.states)} states, {len(analysis.index.transitions)} "
        "transitions). A state's transitions are checked in the order listed; the first whose guard is true "
        "fires, and `otherwise` fires only when every earlier guard of the same trigger is definitely false.",
    )
    for info in analysis.index.states.values():
        lines += _state_section(analysis, info)
    return "\n".join(lines).rstrip("\n") + "\n"
