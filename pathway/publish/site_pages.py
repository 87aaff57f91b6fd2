"""The catalogue pages of a pathway's reference, generated from the model: facts, actions and findings, states.

Each page is plain Markdown (tables and headings) for the documentation site; :mod:`pathway.publish.site` adds
the overview and the scenario catalogue, and ``pathway generate`` writes them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from pathway.definition import questions
from pathway.definition.analysis import Analysis
from pathway.definition.index import StateInfo, TransitionInfo
from pathway.definition.model import Action, ComputedValue, Fact, Recommendation
from pathway.definition.values import shown
from pathway.diagnostics.escape import escape
from pathway.publish.pathway_docs import GENERATED, evidence_href, prose


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
    """Evidence ids, each linked to its entry in the pathway's evidence trace."""
    return ", ".join(f"[`{i}`]({evidence_href(i)})" for i in items) or "-"


def anchored(kind: str, name: str) -> str:
    """An id in the first cell of its catalogue's table, with the anchor links point at (``#fact-age``,
    ``#action-order_ncs``, ``#finding-typical_bipn``, ``#derived-red_flag``)."""
    return f'<a id="{kind}-{name}"></a>`{name}`'


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
    assumed = any(fact.assume for fact in p.facts.values())
    lines = header(
        f"Facts: {p.title}",
        "The fact dictionary: every piece of clinical data a guard may read, with its type and allowed values. "
        "A fact not yet known is unknown, not false: a guard that needs it waits."
        + (
            " A fact with a time under *current for* goes stale that long after it was given: it is unknown "
            "again, and the pathway asks for it."
            if stale
            else ""
        )
        + (
            " A fact with a value under *assumed* is read as that value while it is not recorded, only where it "
            "decides a guard; every such read is marked as assumed, and the pathway still asks for the fact."
            if assumed
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
            *(["assumed"] if assumed else []),
            "code",
            "description",
            "note",
        ],
        (
            [
                anchored("fact", name),
                fact.type,
                _allowed(fact),
                cell(fact.unit),
                *([cell(fact.valid_for)] if stale else []),
                *([_assumed(fact)] if assumed else []),
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
            ([anchored("derived", n), code(d.expr), cell(d.description), cell(d.note)] for n, d in p.derived.items()),
        )
    else:
        lines.append("This pathway has no derived facts.")
    if p.constraints:
        lines += ["", "## Constraints", "", "Facts no patient has together: a journey that gives them is refused.", ""]
        lines += table(
            ["constraint", "must hold", "otherwise", "evidence", "note"],
            (
                [f"`{n}`", code(" ".join(c.expr.split())), cell(c.message), evidence_links(c.evidence), cell(c.note)]
                for n, c in p.constraints.items()
            ),
        )
    return "\n".join(lines) + "\n"


def _assumed(fact: Fact) -> str:
    """An assumed value and why, for the facts table; ``-`` without one."""
    if fact.assume is None:
        return "-"
    value = fact.assume.value
    shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"`{shown}`: {cell(fact.assume.note)}"


def actions_page(analysis: Analysis) -> str:
    p = analysis.pathway
    lines = header(
        f"Actions and findings: {p.title}",
        "The recommendation catalogue (actions) and the working-diagnosis catalogue (findings). Their ids are "
        "stable: trails, scenarios and conformance checks name them. Evidence ids link to the "
        "[evidence trace](evidence.md).",
    )
    graded = any(a.stance.short for a in p.actions.values())
    lines += ["## Actions", ""]
    if graded:
        lines += [
            "*Strength* is the strength of the recommendation as the source states it (strong or weak), and whether "
            "it is a recommendation for or against; a recommendation against is one not to do something, and its "
            "title says what not to do. A dash: the source states none. The quality of each evidence entry is on "
            "the [evidence trace](evidence.md).",
            "",
        ]
    decided = any(a.fulfilled_by or a.applies_to for a in p.actions.values())  # the columns only when used
    lines += table(
        [
            "action",
            "kind",
            "title",
            *(["strength"] if graded else []),
            "dose",
            *(["fulfilled by", "applies to"] if decided else []),
            "evidence",
            "note",
        ],
        (
            [
                anchored("action", n),
                a.kind,
                cell(a.title),
                *([cell(a.stance.short)] if graded else []),
                cell(a.dose),
                *([codes(a.fulfilled_by or ()), code(a.applies_to)] if decided else []),
                evidence_links(a.evidence),
                _note(a),
            ]
            for n, a in p.actions.items()
        ),
    )
    lines += _values_section(analysis)
    lines += ["", "## Findings", ""]
    if p.findings:
        lines += table(
            ["finding", "title", "evidence", "note"],
            (
                [anchored("finding", n), cell(f.title), evidence_links(f.evidence), cell(f.note)]
                for n, f in p.findings.items()
            ),
        )
    else:
        lines.append("This pathway concludes no findings.")
    return "\n".join(lines) + "\n"


def _rule(value: ComputedValue) -> str:
    """How a value is worked out, for a table cell: the expression (and its rounding), each case of a table, or the
    value as the source gives it."""
    if value.expr is not None:
        places = value.decimals
        rounding = f", rounded to {places} decimal{'s' if places != 1 else ''}" if places is not None else ""
        return code(value.expr) + rounding
    if value.cases is not None:
        return "; ".join(
            ("otherwise" if c.when == "otherwise" else code(c.when)) + f" → {cell(shown(c.value, value.unit))}"
            for c in value.cases
        )
    assert value.value is not None  # the model holds exactly one of expr, cases and value
    return f"as the source states it: {cell(shown(value.value, value.unit))}"


def _values_section(analysis: Analysis) -> list[str]:
    """The computed values of the actions that carry some: each with its rule and its evidence; the texts first."""
    valued = {n: a for n, a in analysis.pathway.actions.items() if a.values}
    if not valued:
        return []
    lines = [
        "",
        "## Computed values",
        "",
        "The values a recommendation carries, worked out when it is issued and again after every input and wake-up "
        "while it is active; a value whose facts are not known is unknown, never a guess "
        "([how values are worked out](../../recommendations.md#computed-values)).",
        "",
    ]
    lines += [f"- `{n}`: {code(a.text)}" for n, a in valued.items() if a.text] + [""]
    lines += table(
        ["action", "value", "rule", "unit", "evidence", "note"],
        (
            [f"`{n}`", f"`{v}`", _rule(value), cell(value.unit), evidence_links(value.evidence), cell(value.note)]
            for n, a in valued.items()
            for v, value in (a.values or {}).items()
        ),
    )
    return lines


def _note(action: Action) -> str:
    """An action's note, after what it supersedes and conflicts with: "Supersedes `a`. Conflicts with `b`. ..."."""
    links = [
        (verb, ids) for verb, ids in (("Supersedes", action.supersedes), ("Conflicts with", action.conflicts)) if ids
    ]
    said = " ".join(f"{verb} {codes(ids)}." for verb, ids in links)
    if not said:
        return cell(action.note)
    return said + (f" {cell(action.note)}" if action.note else "")


def _recommendation(rule: Recommendation, actions: Mapping[str, Action]) -> str:
    """An action id, with its deadline and period when it has them and its strength and direction when its action
    states them: ``order_ncs`` (due 2w, every 3w), ``avoid_tca`` (weak against)."""
    action = actions.get(rule.action)
    stance = [action.stance.short] if action is not None and action.stance.short else []
    timing = [f"{word} {value}" for word, value in (("due", rule.due), ("every", rule.every)) if value] + stance
    timing += [f"persists until {code(rule.until)}"] if rule.until else []
    return f"`{rule.action}`" + (f" ({', '.join(timing)})" if timing else "")


def _question(analysis: Analysis, state: str) -> list[str]:
    """The state's question; for a deciding state without one, what its guards read, said to be no question."""
    asked = questions.asked(analysis, state)
    if asked is None:
        return []
    if asked.text is not None:
        return [f"- **question**: {cell(asked.text)}"]
    reads = "; ".join(f"`{name}`" + (f" ({cell(text)})" if text else "") for name, text in asked.reads)
    return [f"- **decides on** (the definition states no question; what its guards read): {reads or '-'}"]


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
        f"- **parent**: [`{info.parent}`](#{info.parent})" if info.parent else "- **parent**: none (top level)",
    ]
    if info.children:
        children = ", ".join(f"[`{c}`](#{c})" for c in info.children)
        facts.append(f"- **{'regions' if state.parallel else 'child states'}**: {children}")
    facts += _question(analysis, info.id)
    actions = analysis.pathway.actions
    facts.append(f"- **recommends**: {', '.join(_recommendation(r, actions) for r in state.recommendations) or '-'}")
    facts.append(f"- **concludes**: {codes(state.conclude)}")
    if state.evidence:
        facts.append(f"- **evidence**: {evidence_links(state.evidence)}")
    if state.note:
        facts.append(f"- **note**: {cell(state.note)}")
    level = "#" * min(2 + info.depth, 6)
    lines = [f"{level} `{info.id}` {{#{info.id}}}", ""]
    if info.depth > 4:  # headings stop at six levels: say where the state sits
        lines += ["In " + " › ".join(f"[`{s}`](#{s})" for s in _ancestors(analysis, info.id)) + ".", ""]
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


def _ancestors(analysis: Analysis, state: str) -> list[str]:
    """The states that contain a state, outermost first."""
    out: list[str] = []
    parent = analysis.index.states[state].parent
    while parent is not None:
        out.insert(0, parent)
        parent = analysis.index.states[parent].parent
    return out


def states_page(analysis: Analysis) -> str:
    p = analysis.pathway
    lines = header(
        f"States and transitions: {p.title}",
        f"Every state in document order ({len(analysis.index.states)} states, {len(analysis.index.transitions)} "
        "transitions), each under the state that contains it: the headings nest as the states do. A state's "
        "transitions are checked in the order listed; the first whose guard is true fires, and `otherwise` fires "
        "only when every earlier guard of the same trigger is definitely false.",
    )
    for info in analysis.index.states.values():
        lines += _state_section(analysis, info)
    return "\n".join(lines).rstrip("\n") + "\n"
