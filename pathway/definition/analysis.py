"""Whole-definition checks that a schema cannot express, and the compiled guards they produce.

:func:`analyse` takes a schema-valid :class:`Pathway` and returns an :class:`Analysis`: the state index, every
derived fact and guard compiled, and every :class:`Issue` found (references to undeclared ids, the shape of the
state tree, guard syntax and types). Issues carry document paths; :mod:`pathway.definition.loader` turns them
into located diagnostics. The engine calls :func:`analyse` too, so what runs is exactly what was checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pathway.definition.binding_checks import binding_issues
from pathway.definition.canonical import legacy_sha256_of, sha256_of
from pathway.definition.consistency import check_consistency
from pathway.definition.index import DocPath, StateIndex, StateInfo, build_index
from pathway.definition.issues import Issue, expr_issues, reads_broken
from pathway.definition.model import Pathway
from pathway.definition.values import ValueRule, compile_values
from pathway.diagnostics import did_you_mean, one_of
from pathway.diagnostics.codes import Code
from pathway.expr import Compiled, ValueType, compile_expr, referenced_names
from pathway.expr.types import Symbols

OTHERWISE = "otherwise"
MAX_DERIVED_DEPTH = 40
"""The longest chain of derived facts, each reading the next (PW205): evaluation follows it on the stack."""


@dataclass(frozen=True, eq=False)
class Analysis:
    """The checked, compiled form of a pathway. Compared and hashed by identity (lint keeps work per analysis)."""

    pathway: Pathway
    index: StateIndex
    symbols: Mapping[str, ValueType]
    derived: Mapping[str, Compiled]
    guards: Mapping[str, Compiled]  # transition id -> compiled guard ('otherwise' and absent guards excluded)
    issues: tuple[Issue, ...] = field(default=())
    values: Mapping[str, Mapping[str, ValueRule]] = field(default_factory=dict)  # action id -> value name -> rule
    constraints: Mapping[str, Compiled] = field(default_factory=dict)  # constraint name -> compiled condition
    assumptions: Mapping[str, object] = field(default_factory=dict)  # fact -> the value assumed while unknown
    applies_to: Mapping[str, Compiled] = field(default_factory=dict)  # action id -> its compiled 'applies_to'
    untils: Mapping[tuple[str, str], Compiled] = field(default_factory=dict)
    """(state, action) -> the compiled ``until`` of a recommendation that persists after its state is left."""

    @property
    def ok(self) -> bool:
        return not self.issues

    @cached_property
    def sha256(self) -> str:
        """The pathway's content hash (:func:`pathway.definition.canonical.sha256_of`), worked out once: every trail
        header carries it."""
        return sha256_of(self.pathway)

    @cached_property
    def legacy_sha256(self) -> str:
        """The legacy content hash ``pathway-trail/1`` trails name
        (:func:`pathway.definition.canonical.legacy_sha256_of`), worked out once."""
        return legacy_sha256_of(self.pathway)

    def named_by(self, sha256: str) -> bool:
        """Whether a hash a trail, a pin or a cohort gives names this pathway, by the current rule or the legacy
        one."""
        return sha256 == self.sha256 or sha256 == self.legacy_sha256


def fact_types(pathway: Pathway) -> dict[str, ValueType]:
    return {
        name: ValueType(kind=fact.type, values=frozenset(fact.values or ()), name=name)
        for name, fact in pathway.facts.items()
    }


def analyse(pathway: Pathway) -> Analysis:
    """Check references, structure and expressions; compile every derived fact, guard and computed value."""
    index = build_index(pathway)
    issues: list[Issue] = []
    issues += _duplicate_ids(pathway, index)
    issues += _structure(pathway, index)
    issues += _references(pathway, index)
    issues += binding_issues(pathway.facts)
    symbols: dict[str, ValueType] = fact_types(pathway)
    derived = _compile_derived(pathway, symbols, issues)
    broken = frozenset(pathway.derived) - frozenset(derived)
    table = Symbols(symbols, broken)  # one frozen table for every guard
    actions = frozenset(pathway.actions)
    guards = _compile_guards(index, table, broken, issues, actions)
    applies_to = _compile_applies_to(pathway, table, broken, issues, actions)
    untils = _compile_untils(index, table, broken, issues, actions)

    def report(path: DocPath, text: str, found: Iterable[object]) -> None:
        issues.extend(expr_issues(path, text, found))

    values = compile_values(pathway.actions, table, broken, report)
    checked = check_consistency(pathway, index, table, derived, broken)
    issues += checked.issues
    return Analysis(
        pathway,
        index,
        table,
        derived,
        guards,
        tuple(issues),
        values,
        constraints=checked.constraints,
        assumptions=checked.assumptions,
        applies_to=applies_to,
        untils=untils,
    )


def _duplicate_ids(pathway: Pathway, index: StateIndex) -> Iterator[Issue]:
    for dup in index.duplicates:
        first = index.states[dup.id]
        where = "/".join(str(p) for p in first.path)
        yield Issue(
            dup.path,
            Code.PW101,
            f"state id '{dup.id}' is used twice",
            f"first defined at {where}; state ids are unique across the whole pathway",
            key=True,
        )
    for name in pathway.derived:
        if name in pathway.facts:
            yield Issue(
                ("derived", name),
                Code.PW101,
                f"derived fact '{name}' has the name of a declared fact",
                "facts and derived facts share one name space",
                key=True,
            )
    explicit: dict[str, DocPath] = {}
    for t in index.transitions:
        if t.transition.id is not None:
            if t.transition.id in explicit:
                yield Issue((*t.path, "id"), Code.PW101, f"transition id '{t.transition.id}' is used twice")
            explicit.setdefault(t.transition.id, t.path)


def _structure(pathway: Pathway, index: StateIndex) -> Iterator[Issue]:
    top = [s for s, st in pathway.states.items() if st.initial]
    if len(top) != 1:
        found = "none is" if not top else f"{len(top)} are ({', '.join(top)})"
        yield Issue(
            ("states",),
            Code.PW103,
            f"exactly one top-level state must be initial; {found}",
            "mark the entry state with 'initial: true'",
            key=True,
        )
    for info in index.states.values():
        yield from _state_shape(info)


def _state_shape(info: StateInfo) -> Iterator[Issue]:
    state, kind = info.state, info.kind
    if state.final and (state.states or state.transitions or state.parallel):
        yield Issue(
            (*info.path, "final"),
            Code.PW110,
            f"final state '{info.id}' cannot have child states, transitions or be parallel",
            "a final state ends its region; remove the extra keys"
            + (" (with no transitions it has no timers either)" if any(t.after for t in state.transitions) else ""),
            key=True,
        )
    if state.parallel and not state.states:
        yield Issue(
            (*info.path, "parallel"),
            Code.PW110,
            f"parallel state '{info.id}' has no regions",
            "list its regions under 'states'",
            key=True,
        )
    children = state.states or {}
    initial = [c for c, st in children.items() if st.initial]
    if kind == "compound" and len(initial) != 1:
        found = "none is" if not initial else f"{len(initial)} are ({', '.join(initial)})"
        yield Issue(
            (*info.path, "states"),
            Code.PW104,
            f"compound state '{info.id}' needs exactly one initial child; {found}",
            f"mark one of {one_of(children)} with 'initial: true'",
            key=True,
        )
    if kind == "parallel":
        for child in initial:
            yield Issue(
                (*info.path, "states", child, "initial"),
                Code.PW110,
                f"'{child}' is a region of parallel "
                f"state '{info.id}': all regions start together, so 'initial' has no meaning",
                "remove 'initial: true'",
                key=True,
            )


def _missing(ids: Iterable[str], known: frozenset[str], what: str, path: DocPath) -> Iterator[Issue]:
    """An issue for each id not in ``known`` (one frozenset per kind, so that suggestions index it once)."""
    codes = {
        "action": Code.PW106,
        "finding": Code.PW107,
        "evidence": Code.PW108,
        "event": Code.PW109,
        "state": Code.PW102,
    }
    for i, ref in enumerate(ids):
        if ref not in known:
            hint = did_you_mean(ref, known) or (
                f"declared {what} ids: {one_of(known)}" if known else f"no {what} is declared"
            )
            yield Issue((*path, i), codes[what], f"undeclared {what} '{ref}'", hint)


def _references(pathway: Pathway, index: StateIndex) -> Iterator[Issue]:
    ev, actions, findings = frozenset(pathway.evidence), frozenset(pathway.actions), frozenset(pathway.findings)
    states, events = frozenset(index.states), frozenset(pathway.events)
    for name, action in pathway.actions.items():
        yield from _missing(action.evidence, ev, "evidence", ("actions", name, "evidence"))
        for value_name, value in (action.values or {}).items():
            yield from _missing(value.evidence, ev, "evidence", ("actions", name, "values", value_name, "evidence"))
        yield from _fulfilled_by(pathway, name, action.fulfilled_by or ())
    for name, finding in pathway.findings.items():
        yield from _missing(finding.evidence, ev, "evidence", ("findings", name, "evidence"))
    yield from _consistency_evidence(pathway, ev)
    for info in index.states.values():
        yield from _missing(info.state.recommended, actions, "action", (*info.path, "recommend"))
        yield from _missing(info.state.conclude, findings, "finding", (*info.path, "conclude"))
        yield from _missing(info.state.evidence, ev, "evidence", (*info.path, "evidence"))
    for t in index.transitions:
        tr = t.transition
        for issue in _missing([tr.to], states, "state", t.path):
            yield Issue((*t.path, "to"), issue.code, issue.message, issue.hint)
        if tr.event is not None:
            for issue in _missing([tr.event], events, "event", t.path):
                yield Issue((*t.path, "event"), issue.code, issue.message, issue.hint)
        yield from _missing(tr.evidence, ev, "evidence", (*t.path, "evidence"))
    yield from _action_links(pathway, actions)
    yield from _otherwise_last(index)


def _consistency_evidence(pathway: Pathway, ev: frozenset[str]) -> Iterator[Issue]:
    """The evidence of constraints and assumptions."""
    for name, constraint in pathway.constraints.items():
        yield from _missing(constraint.evidence, ev, "evidence", ("constraints", name, "evidence"))
    for name, fact in pathway.facts.items():
        if fact.assume is not None:
            yield from _missing(fact.assume.evidence, ev, "evidence", ("facts", name, "assume", "evidence"))


def _fulfilled_by(pathway: Pathway, action: str, facts: Iterable[str]) -> Iterator[Issue]:
    """Each fact of an action's ``fulfilled_by`` is a declared fact: given by an input, so that its arrival can be
    the action done (a derived fact is computed, never given)."""
    for i, name in enumerate(facts):
        path = ("actions", action, "fulfilled_by", i)
        if name in pathway.derived:
            message = f"'fulfilled_by' names derived fact '{name}': it is computed, never given by an input"
            yield Issue(path, Code.PW120, message, "name the facts it reads, whose results arrive with an input")
        elif name not in pathway.facts:
            known = frozenset(pathway.facts)
            hint = did_you_mean(name, known) or f"declared facts: {one_of(known)}"
            yield Issue(path, Code.PW120, f"'fulfilled_by' names undeclared fact '{name}'", hint)


def _action_links(pathway: Pathway, actions: frozenset[str]) -> Iterator[Issue]:
    """``supersedes`` and ``conflicts`` name declared actions other than their own, and no action supersedes itself
    through others (which of two actions issued together wins would be undefined)."""
    for name, action in pathway.actions.items():
        for key, ids in (("supersedes", action.supersedes), ("conflicts", action.conflicts)):
            yield from _missing(ids or (), actions, "action", ("actions", name, key))
            if name in (ids or ()):
                verb = "supersedes" if key == "supersedes" else "conflicts with"
                yield Issue(
                    ("actions", name, key, (ids or []).index(name)),
                    Code.PW121,
                    f"action '{name}' {verb} itself",
                    "remove it from the list",
                )
    yield from _supersession_cycles(pathway)


def _supersession_cycles(pathway: Pathway) -> Iterator[Issue]:
    """Each cycle of ``supersedes`` (a supersedes b, b supersedes a), once, at the first action of it in document
    order."""
    edges = {
        name: [s for s in a.supersedes or () if s in pathway.actions and s != name]
        for name, a in pathway.actions.items()
    }
    reported: set[frozenset[str]] = set()
    for start in pathway.actions:
        path, todo = [start], [iter(edges[start])]
        while todo:
            step = next(todo[-1], None)
            if step is None:
                path.pop()
                todo.pop()
            elif step == start:
                members = frozenset(path)
                if members not in reported:
                    reported.add(members)
                    yield Issue(
                        ("actions", start, "supersedes", edges[start].index(path[1] if len(path) > 1 else start)),
                        Code.PW121,
                        f"actions supersede each other in a cycle: {_cycle_text([*path, start])}",
                        "when they are issued together, which one is retired would be undefined; keep one direction",
                    )
            elif step not in path and len(path) <= len(edges):
                path.append(step)
                todo.append(iter(edges[step]))


def _otherwise_last(index: StateIndex) -> Iterator[Issue]:
    for info in index.states.values():
        after: dict[str | None, int] = {}  # event -> how many transitions with it follow (one pass from the end)
        found: list[Issue] = []
        for i, tr in reversed(list(enumerate(info.state.transitions))):
            later = after.get(tr.event, 0)
            after[tr.event] = later + 1
            if tr.when == OTHERWISE and later:
                trigger = f"event '{tr.event}'" if tr.event else "no event"
                found.append(
                    Issue(
                        (*info.path, "transitions", i, "when"),
                        Code.PW105,
                        f"'otherwise' must be the last transition of state '{info.id}' with {trigger}",
                        f"move it below the {later} transition(s) after it, which it would hide",
                    )
                )
        yield from reversed(found)


def _cycle_text(names: list[str], shown: int = 8) -> str:
    """'a -> b -> a', shortened in the middle when the cycle is long."""
    if len(names) <= shown + 1:
        return " -> ".join(names)
    head, tail = names[: shown // 2], names[-(shown // 2) :]
    return " -> ".join([*head, f"... ({len(names) - 1 - shown} more)", *tail])


def _derived_order(pathway: Pathway, issues: list[Issue]) -> list[str]:
    """Derived names in dependency order (each after the derived facts it reads), found depth first without
    recursion, so that a chain of any length is fine; names in a cycle are reported (PW206) and left out."""
    declared = frozenset(pathway.derived)
    deps = {name: sorted((referenced_names(d.expr) or frozenset()) & declared) for name, d in pathway.derived.items()}
    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in pathway.derived:
        if root in state:
            continue
        state[root] = 1
        path, todo, ok = [root], [iter(deps[root])], [True]
        while path:
            child = next(todo[-1], None)
            if child is None:  # every dependency visited (or one failed): this name is done
                name, fine = path.pop(), ok.pop()
                todo.pop()
                state[name] = 2
                if fine:
                    order.append(name)
                elif ok:  # a failed dependency fails its reader, which stops visiting (as all() would)
                    ok[-1], todo[-1] = False, iter(())
            elif state.get(child) == 1:
                cycle = _cycle_text([*path[path.index(child) :], child])
                issues.append(
                    Issue(
                        ("derived", child, "expr"),
                        Code.PW206,
                        f"derived facts depend on each other in a cycle: {cycle}",
                        "a derived fact may only read facts and earlier-defined derived facts",
                    )
                )
                ok[-1], todo[-1] = False, iter(())
            elif child not in state:
                state[child] = 1
                path.append(child)
                todo.append(iter(deps[child]))
                ok.append(True)
    return _within_depth(order, deps, issues)


def _within_depth(order: list[str], deps: Mapping[str, list[str]], issues: list[Issue]) -> list[str]:
    """The names of ``order`` that build on at most MAX_DERIVED_DEPTH levels of derived facts; the first name
    beyond is reported (PW205), the ones built on it are left out silently (fixing it fixes them)."""
    depth: dict[str, int] = {}
    kept: list[str] = []
    for name in order:
        depth[name] = 1 + max((depth.get(dep, 0) for dep in deps[name]), default=0)
        if depth[name] == MAX_DERIVED_DEPTH + 1:
            issues.append(
                Issue(
                    ("derived", name, "expr"),
                    Code.PW205,
                    f"derived fact '{name}' sits on a chain of more than {MAX_DERIVED_DEPTH} derived facts, "
                    "each reading the next",
                    "read facts directly in some of them, to make the chain shorter",
                )
            )
        if depth[name] <= MAX_DERIVED_DEPTH:
            kept.append(name)
    return kept


def _compile_derived(pathway: Pathway, symbols: dict[str, ValueType], issues: list[Issue]) -> dict[str, Compiled]:
    """Compile the derived facts in dependency order. One that reads a derived fact which failed to compile is
    skipped (and fails too): the first failure is the one to fix, and 'unknown name' on a declared name would
    mislead."""
    compiled: dict[str, Compiled] = {}
    visible = dict(symbols)
    broken: set[str] = set()
    for name in _derived_order(pathway, issues):
        text = pathway.derived[name].expr
        if reads_broken(text, broken):
            broken.add(name)
            continue
        result = compile_expr(text, visible, want_bool=False)
        if isinstance(result, Compiled):
            compiled[name] = result
            visible[name] = ValueType(kind=result.type.kind, values=result.type.values, name=name, derived=True)
        else:
            broken.add(name)
            issues.extend(expr_issues(("derived", name, "expr"), text, result))
    symbols.clear()
    symbols.update(visible)
    return compiled


def _compile_guards(
    index: StateIndex,
    symbols: Mapping[str, ValueType],
    broken: frozenset[str],
    issues: list[Issue],
    actions: frozenset[str],
) -> dict[str, Compiled]:
    """Compile every guard (which may read the decisions recorded about ``actions``); a guard that reads a derived
    fact which failed to compile is skipped, since the derived fact's own diagnostic is the one to fix (reporting
    'unknown name' here would mislead)."""
    guards: dict[str, Compiled] = {}
    for t in index.transitions:
        text = t.when
        if text is None or text == OTHERWISE or reads_broken(text, broken):
            continue
        result = compile_expr(text, symbols, want_bool=True, actions=actions)
        if isinstance(result, Compiled):
            guards[t.id] = result
        else:
            issues.extend(expr_issues((*t.path, "when"), text, result))
    return guards


def _stateless(
    text: str,
    path: DocPath,
    symbols: Mapping[str, ValueType],
    issues: list[Issue],
    actions: frozenset[str],
    refusal: Issue,
) -> Compiled | None:
    """Compile a guard that belongs to no transition (``applies_to``, ``until``), so that ``time_in_state()``
    means nothing in it: ``refusal`` is the issue when it reads it."""
    result = compile_expr(text, symbols, want_bool=True, actions=actions)
    if not isinstance(result, Compiled):
        issues.extend(expr_issues(path, text, result))
        return None
    if result.in_state:
        issues.append(refusal)
        return None
    return result


def _compile_applies_to(
    pathway: Pathway,
    symbols: Mapping[str, ValueType],
    broken: frozenset[str],
    issues: list[Issue],
    actions: frozenset[str],
) -> dict[str, Compiled]:
    """Compile each action's ``applies_to`` like a guard; it belongs to no transition, so ``time_in_state()`` has no
    meaning in it."""
    compiled: dict[str, Compiled] = {}
    for name, action in pathway.actions.items():
        text = action.applies_to
        if text is None or reads_broken(text, broken):
            continue
        path = ("actions", name, "applies_to")
        message = (
            "'applies_to' says whom an action concerns, and belongs to no state: time_in_state() means nothing here"
        )
        refusal = Issue(path, Code.PW204, message, 'write a guard over facts, e.g. bortezomib_status != "never"')
        if (result := _stateless(text, path, symbols, issues, actions, refusal)) is not None:
            compiled[name] = result
    return compiled


def _compile_untils(
    index: StateIndex,
    symbols: Mapping[str, ValueType],
    broken: frozenset[str],
    issues: list[Issue],
    actions: frozenset[str] = frozenset(),
) -> dict[tuple[str, str], Compiled]:
    """Compile the ``until`` of every recommendation that persists after its state is left: a guard, checked when
    its state has been left, so it cannot read ``time_in_state()``."""
    untils: dict[tuple[str, str], Compiled] = {}
    for info in index.states.values():
        for i, item in enumerate(info.state.recommend):
            if isinstance(item, str) or item.until is None or reads_broken(item.until, broken):
                continue
            text, path = item.until, (*info.path, "recommend", i, "until")
            refusal = Issue(
                path,
                Code.PW204,
                "time_in_state() reads how long a transition's state has been active, but 'until' is checked once its "
                "state was left",
                "count from a date fact with days_since(), or let a timer ('after') leave the state",
                span=(text, max(text.find("time_in_state"), 0), len("time_in_state()")),
            )
            if (result := _stateless(text, path, symbols, issues, actions, refusal)) is not None:
                untils[(info.id, item.action)] = result
    return untils
