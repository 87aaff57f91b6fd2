"""Guards in words, for the clinical-algorithm view: what an arrow out of a question says.

Two ways, the exact one first:

- **answers**: when the guards of one question read facts with finite domains (:mod:`pathway.definition.domains`)
  and few enough combinations, every fully known combination is evaluated with the engine's own rule (document
  order, the first true guard fires, ``otherwise`` when every earlier one is false) and each arrow is labelled with
  the answers that take it: ``Yes``/``No`` for one yes/no fact, the values of an enumeration, the grades as ranges
  (``0``, ``1-2``, ``3-4``); several grades that decide together by their worst (``sensory_grade >= 3 or
  motor_grade >= 3``) read ``3-4`` with the question saying "the higher of". An ``otherwise`` arrow is labelled
  with the answers that remain.
- **words**: otherwise the guard itself is put into words from its syntax tree: a name becomes its description's
  first clause (or its id with spaces), ``and``/``or``/``not`` stay, ``x == "v"`` reads ``x: v``, ``known(x)``
  reads ``x recorded``, ``declined(a)`` reads ``<title of a> declined``, a comparison keeps its number and unit.

Never guessed: a guard that cannot be put into words exactly is shown as written.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.domains import Domain, assignments, combinations, fact_domains, facts_read
from pathway.definition.index import TransitionInfo
from pathway.expr.durations import parse_duration
from pathway.expr.parse import parse
from pathway.linter.exhaustive import scope_of

MAX_ROWS = 4096
"""The most combinations the exact answers enumerate for one question."""
SHORT = 64
"""A description longer than this, cut at its first clause, is replaced by the fact's id with spaces."""
_OPS = {ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥", ast.Eq: "=", ast.NotEq: "≠"}
_UNITS = (("w", "week"), ("d", "day"), ("h", "hour"), ("m", "minute"))


def humanize(name: str) -> str:
    """An id as words: ``sensory_grade`` -> ``sensory grade``."""
    return name.replace("_", " ")


def duration_words(text: str) -> str:
    """``72h`` -> ``72 hours``, ``3w`` -> ``3 weeks``, ``1w`` -> ``1 week``; an ISO duration in days or hours."""
    match = re.fullmatch(r"(\d+)([wdhm])", text)
    if match is not None:
        count, unit = int(match.group(1)), dict(_UNITS)[match.group(2)]
        return f"{count} {unit}{'' if count == 1 else 's'}"
    delta = parse_duration(text)
    if delta.seconds == 0:
        return f"{delta.days} day{'' if delta.days == 1 else 's'}"
    hours = delta.days * 24 + delta.seconds // 3600
    return f"{hours} hours"


def short_description(text: str | None) -> str | None:
    """The first clause of a description (up to `` - ``, ``;``, `` (`` or the end of its first sentence; a
    parenthesis after the first word stays: ``Not (yet) on bortezomib``), or None when that is still longer than
    :data:`SHORT`."""
    if not text:
        return None
    flat = " ".join(text.split())
    clause = re.split(r" - |; | \(|\.(?:\s|$)|: ", flat, maxsplit=1)[0].strip().rstrip(".")
    if len(clause.split()) < 2:  # "Not (yet) on bortezomib.": a parenthesis inside the clause, not after it
        clause = re.split(r" - |; |\.(?:\s|$)|: ", flat, maxsplit=1)[0].strip().rstrip(".")
    return clause if 0 < len(clause) <= SHORT else None


def name_words(analysis: Analysis, name: str) -> str:
    """A fact or derived fact as a clinician reads it: its short description, else its id with spaces."""
    p = analysis.pathway
    described = (
        p.facts[name].description if name in p.facts else p.derived[name].description if name in p.derived else None
    )
    return short_description(described) or humanize(name)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _constant(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
        value = node.value
        return humanize(value) if isinstance(value, str) else f"{value:g}" if isinstance(value, int | float) else None
    if isinstance(node, ast.Constant):
        return "yes" if node.value else "no"
    if isinstance(node, ast.List | ast.Tuple):
        items = [_constant(e) for e in node.elts]
        return None if None in items else " or ".join(i for i in items if i is not None)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _constant(node.operand)
        return None if inner is None else f"-{inner}"
    return None


class _Words:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    def unit(self, node: ast.expr) -> str:
        if isinstance(node, ast.Name) and node.id in self.analysis.pathway.facts:
            unit = self.analysis.pathway.facts[node.id].unit
            return f" {unit}" if unit else ""
        return ""

    def term(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return name_words(self.analysis, node.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
            arg = node.args[0]
            if isinstance(arg, ast.Name):
                return self.call(node.func.id, arg.id)
        return _constant(node)

    def call(self, function: str, name: str) -> str | None:
        actions = self.analysis.pathway.actions
        title = lower_first(actions[name].title) if name in actions else humanize(name)
        shown = {
            "declined": f"'{title}' declined",
            "done": f"'{title}' done",
            "signed": f"'{title}' signed off",
            "known": f"{lower_first(name_words(self.analysis, name))} recorded",
            "days_since": f"days since {lower_first(name_words(self.analysis, name))}",
            "days_since_done": f"days since '{title}' was done",
        }
        return shown.get(function)

    def compare(self, node: ast.Compare) -> str | None:
        if len(node.ops) != 1:
            return None
        left, op, right = node.left, node.ops[0], node.comparators[0]
        subject, value = self.term(left), _constant(right)
        if subject is None or value is None:
            return None
        if isinstance(op, ast.In):
            return f"{subject}: {value}"
        if isinstance(op, ast.NotIn):
            return f"{subject} not {value}"
        if isinstance(op, ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
            return f"{subject}: {value}"
        symbol = _OPS.get(type(op))
        return None if symbol is None else f"{subject} {symbol} {value}{self.unit(left)}"

    def words(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.BoolOp):
            parts = [self.words(v) for v in node.values]
            if None in parts:
                return None
            joint = " or " if isinstance(node.op, ast.Or) else " and "
            nested = [isinstance(v, ast.BoolOp) and type(v.op) is not type(node.op) for v in node.values]
            shown = [lower_first(p) for p in parts if p is not None]
            return joint.join(f"({p})" if n else p for p, n in zip(shown, nested, strict=True))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.words(node.operand)
            return None if inner is None else f"not {lower_first(inner)}"
        if isinstance(node, ast.Compare):
            return self.compare(node)
        return self.term(node)


def guard_words(analysis: Analysis, text: str) -> str:
    """A guard in words (see the module docstring); the guard as written when it cannot be put into words."""
    if text == OTHERWISE:
        return "otherwise"
    parsed = parse(text)
    if isinstance(parsed, list):
        return text
    said = _Words(analysis).words(parsed[0])
    return text if said is None else said[:1].upper() + said[1:]


def ranges(values: Sequence[object]) -> str:
    """Values as an answer: ``Yes``/``No`` for booleans, ints as ranges (``1-2``, ``0``, ``3-4``), enum values with
    spaces, joined with ``or``."""
    if all(isinstance(v, bool) for v in values):
        return " or ".join("Yes" if v else "No" for v in values)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        ints = sorted(v for v in values if isinstance(v, int))
        runs: list[list[int]] = []
        for v in ints:
            if runs and v == runs[-1][-1] + 1:
                runs[-1].append(v)
            else:
                runs.append([v])
        return ", ".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
    return " or ".join(humanize(str(v)) for v in values)


@dataclass(frozen=True)
class Answers:
    """The arrows of one question in words: ``labels`` in the order of the transitions; ``exact`` when they come
    from the enumeration; ``note`` a line the question shows (``the higher of: ...``); ``asks`` the facts to collect
    while an answer is unknown."""

    labels: tuple[str, ...]
    exact: bool
    asks: tuple[str, ...]
    note: str | None = None


def _accepted(
    analysis: Analysis, transitions: Sequence[TransitionInfo], facts: Sequence[str], domains: dict[str, Domain | None]
) -> list[list[dict[str, object]]] | None:
    """For each transition, the fully known assignments that take it (first true guard wins)."""
    taken: list[list[dict[str, object]]] = [[] for _ in transitions]
    for row in assignments(facts, domains, include_unknown=False):
        scope = scope_of(analysis, row)
        for i, t in enumerate(transitions):
            if t.when == OTHERWISE:
                taken[i].append(row)
                break
            value = analysis.guards[t.id].evaluate(scope).value
            if value is True:
                taken[i].append(row)
                break
            if value is not False:  # a guard that reads more than the facts enumerated: not exact
                return None
    return taken


def _worst(facts: Sequence[str], taken: list[list[dict[str, object]]], domain: Domain) -> list[str] | None:
    """Labels when several grades decide by the higher of them: each arrow's rows are exactly those whose maximum
    lies in one set of values."""
    labels = []
    for rows in taken:
        highest = {max(int(str(r[f])) for f in facts) for r in rows}
        if not rows:
            return None
        expected = sum(1 for r in _all_rows(facts, domain) if max(r) in highest)
        if expected != len(rows):
            return None
        labels.append(ranges(sorted(highest)))
    return labels


def _all_rows(facts: Sequence[str], domain: Domain) -> Iterable[tuple[int, ...]]:
    import itertools

    return itertools.product(*[[int(str(v)) for v in domain] for _ in facts])


def answers(analysis: Analysis, transitions: Sequence[TransitionInfo]) -> Answers:
    """The words on each arrow out of one question (its guarded transitions, in order)."""
    names: set[str] = set()
    for t in transitions:
        compiled = analysis.guards.get(t.id)
        names |= set(compiled.names) if compiled is not None else set()
    facts = sorted(facts_read(analysis, names))
    asks = tuple(name_words(analysis, f) for f in facts)
    worded = tuple(guard_words(analysis, t.when or "") for t in transitions)
    uses_decisions = any(analysis.guards[t.id].recorded for t in transitions if t.id in analysis.guards)
    domains = fact_domains(analysis, [t.when for t in transitions if t.when and t.when != OTHERWISE])
    count = combinations(facts, domains, include_unknown=False)
    if not facts or uses_decisions or count is None or count > MAX_ROWS:
        return Answers(_otherwise(worded), False, asks)
    taken = _accepted(analysis, transitions, facts, domains)
    if taken is None or any(not rows for rows in taken):
        return Answers(_otherwise(worded), False, asks)
    kinds = {analysis.pathway.facts[f].type for f in facts}
    if len(facts) == 1 and kinds <= {"bool", "enum", "int"}:
        labels = tuple(ranges([r[facts[0]] for r in rows]) for rows in taken)
        return Answers(tuple(label[:1].upper() + label[1:] for label in labels), True, asks)
    shared = {domains[f] for f in facts}
    if kinds == {"int"} and len(shared) == 1:
        domain = next(iter(shared))
        worst = _worst(facts, taken, domain) if domain is not None else None
        if worst is not None:
            return Answers(tuple(worst), True, asks, "the higher of: " + ", ".join(asks))
    if len(transitions) == 2 and transitions[1].when == OTHERWISE:
        return Answers(("Yes", "No"), True, asks)
    return Answers(_otherwise(worded), False, asks)


def _otherwise(worded: tuple[str, ...]) -> tuple[str, ...]:
    """Worded labels, ``otherwise`` read as the remaining answer."""
    if len(worded) == 2 and worded[1] == "otherwise":
        return ("Yes", "No")
    return tuple("None of these" if w == "otherwise" else w for w in worded)
