"""A summary of a valid pathway (``pathway show``): metadata, the state tree, facts and actions, readable in a
terminal (:func:`render_summary`) or as JSON (:class:`Summary`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pathway.definition.analysis import Analysis
from pathway.definition.canonical import sha256_of
from pathway.definition.index import StateInfo
from pathway.definition.model import Action, Recommendation
from pathway.diagnostics.escape import escape
from pathway.errors import ExitCode

DISCLAIMER = (
    "Decision support for clinicians: not a substitute for clinical judgement. "
    "Check every recommendation against its evidence."
)


def _fact_line(name: str, analysis: Analysis) -> str:
    fact = analysis.pathway.facts[name]
    detail: str = fact.type
    if fact.values:
        detail += " " + "|".join(fact.values)
    if fact.min is not None or fact.max is not None:
        lo = "" if fact.min is None else f"{fact.min:g}"
        hi = "" if fact.max is None else f"{fact.max:g}"
        detail += f" [{lo}..{hi}]"
    if fact.unit:
        detail += f" {fact.unit}"
    if fact.code:
        detail += f" ({fact.code.system} {fact.code.code})"
    if fact.assume is not None:
        value = fact.assume.value
        detail += f"; assumed {str(value).lower() if isinstance(value, bool) else value} while not recorded"
    return f"  {name:<28} {detail}"


def _item(rule: Recommendation) -> str:
    """A state's recommendation with its deadline, period and persistence: ``order_ncs (due 2w)``."""
    timing = [f"{word} {value}" for word, value in (("due", rule.due), ("every", rule.every)) if value]
    timing += [f"until {rule.until}"] if rule.until else []
    return rule.action + (f" ({', '.join(timing)})" if timing else "")


def _links(action: Action) -> list[str]:
    """What an action supersedes, conflicts with, is fulfilled by and applies to, one line each."""
    links = [
        ("supersedes", ", ".join(action.supersedes or ())),
        ("conflicts with", ", ".join(action.conflicts or ())),
        ("fulfilled by", ", ".join(action.fulfilled_by or ())),
        ("applies to", action.applies_to or ""),
    ]
    return [f"  {'':<28}   {word}: {text}" for word, text in links if text]


def _state_lines(info: StateInfo, analysis: Analysis) -> list[str]:
    indent = "  " * (info.depth + 1)
    marks = [info.kind] + (["initial"] if info.state.initial else [])
    lines = [f"{indent}{info.id} ({', '.join(marks)})"]
    if info.state.question:
        lines.append(f"{indent}  question: {info.state.question}")
    if info.state.recommended:
        lines.append(f"{indent}  recommends: {', '.join(_item(r) for r in info.state.recommendations)}")
    if info.state.conclude:
        lines.append(f"{indent}  concludes: {', '.join(info.state.conclude)}")
    for t in analysis.index.outgoing(info.id):
        parts = [f"on {t.event}"] if t.event else []
        parts += [f"after {t.transition.after}"] if t.transition.after else []
        parts += [f"when {t.when}"] if t.when else []
        lines.append(f"{indent}  -> {t.target}: {' '.join(parts) or 'always'}")
    return lines


def render_summary(analysis: Analysis) -> str:
    p = analysis.pathway
    index = analysis.index
    lines = [
        f"{p.title}",
        f"pathway {p.pathway} {p.version} ({p.status})  sha256 {sha256_of(p)[:16]}",
        DISCLAIMER,
        "",
        f"States ({len(index.states)}, {len(index.transitions)} transitions):",
    ]
    for info in index.states.values():
        lines += _state_lines(info, analysis)
    lines += ["", f"Facts ({len(p.facts)}):"] + [_fact_line(n, analysis) for n in p.facts]
    if p.derived:
        lines += ["", f"Derived ({len(p.derived)}):"] + [f"  {n:<28} = {d.expr}" for n, d in p.derived.items()]
    if p.constraints:
        lines += ["", f"Constraints ({len(p.constraints)}):"]
        lines += [f"  {n:<28} {' '.join(c.expr.split())}" for n, c in p.constraints.items()]
    if p.events:
        lines += ["", f"Events ({len(p.events)}):"] + [f"  {n:<28} {e.description}" for n, e in p.events.items()]
    lines += ["", f"Actions ({len(p.actions)}):"]
    for n, a in p.actions.items():
        stance = a.stance.short + "; " if a.stance.short else ""
        lines.append(f"  {n:<28} [{a.kind}] {a.title}  ({stance}evidence: {', '.join(a.evidence) or 'none'})")
        lines += [f"  {'':<28}   {v}: {rule.formula()}" for v, rule in analysis.values.get(n, {}).items()]
        lines += _links(a)
    if p.findings:
        lines += ["", f"Findings ({len(p.findings)}):"]
        lines += [f"  {n:<28} {f.title}  (evidence: {', '.join(f.evidence) or 'none'})" for n, f in p.findings.items()]
    return "\n".join(map(escape, lines))


def _state_json(info: StateInfo, analysis: Analysis) -> dict[str, Any]:
    transitions = [
        {"id": t.id, "to": t.target, "event": t.event, "when": t.when} for t in analysis.index.outgoing(info.id)
    ]
    return {
        "id": info.id,
        "kind": info.kind,
        "parent": info.parent,
        "initial": info.state.initial,
        "recommend": list(info.state.recommended),
        "conclude": list(info.state.conclude),
        "transitions": transitions,
    }


@dataclass(frozen=True)
class Summary:
    """What ``pathway show`` prints about a valid pathway."""

    analysis: Analysis

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_text(self) -> str:
        return render_summary(self.analysis)

    def to_json(self) -> dict[str, Any]:
        """Metadata and hash, the states in document order (parents first) with their transitions, and the
        declarations as the definition states them."""
        p = self.analysis.pathway

        def dump(items: dict[str, Any]) -> dict[str, Any]:
            return {name: item.model_dump(mode="json", exclude_none=True) for name, item in items.items()}

        return {
            "pathway": p.pathway,
            "version": p.version,
            "title": p.title,
            "status": p.status,
            "sha256": sha256_of(p),
            "disclaimer": DISCLAIMER,
            "states": [_state_json(info, self.analysis) for info in self.analysis.index.states.values()],
            "facts": dump(p.facts),
            "derived": dump(p.derived),
            "constraints": dump(p.constraints),
            "events": dump(p.events),
            "actions": dump(p.actions),
            "findings": dump(p.findings),
        }
