"""What one moment of a run needs of the facts, for lint's search of runs (:mod:`pathway.linter.together`): a guard
true, false or not true, a state stable (no eventless transition would fire); and whether such constraints can hold
together, with facts for which they do. Each fact is known with a value of its finite domain
(:mod:`pathway.definition.domains`) or unknown; the constraints are decided in groups that share no fact, each by
enumerating the facts it reads (within :data:`MAX_ROWS`). A guard lint cannot enumerate (a date other than through
``days_since``, ``time_in_state()``) constrains nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Literal

from pathway.definition.analysis import OTHERWISE, Analysis
from pathway.definition.clock import REFERENCE_DAY, unenumerable
from pathway.definition.domains import Compared, assignments, combinations, fact_domains, facts_read
from pathway.definition.index import TransitionInfo
from pathway.engine.selection import Clock, Fire, decide
from pathway.expr import UNKNOWN, Compiled, Scope

MAX_ROWS = 50_000
"""The most assignments one group of constraints enumerates; beyond, it counts as satisfiable."""

Want = Literal["true", "false", "not true", "stable"]
Key = tuple[str, ...]  # ("guard", transition id), ("until", state, action) or ("stable", state)
Constraint = tuple[Key, Want]
Facts = Mapping[str, object]


class Constraints:
    """Whether the constraints on the facts of one moment can hold together, and facts for which they do."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.parsed: dict[str, Compared] = {}
        self.memo: dict[frozenset[Constraint], Facts | None] = {}
        self.free: dict[Key, bool] = {}
        self.read: dict[Key, frozenset[str]] = {}

    def compiled(self, key: Key) -> Compiled | None:
        if key[0] == "guard":
            return self.analysis.guards.get(key[1])
        if key[0] == "until":
            return self.analysis.untils.get((key[1], key[2]))
        return None

    def texts(self, key: Key) -> list[str]:
        """The expressions a constraint evaluates (a stable state: the guards of its eventless transitions)."""
        if key[0] == "stable":
            return [t.when for t in self.eventless(key[1]) if t.when not in (None, OTHERWISE) and t.when is not None]
        compiled = self.compiled(key)
        return [compiled.text] if compiled is not None else []

    def eventless(self, state: str) -> tuple[TransitionInfo, ...]:
        return tuple(t for t in self.analysis.index.outgoing(state) if t.event is None)

    def names(self, key: Key) -> set[str]:
        if key[0] == "stable":
            return {
                n
                for t in self.eventless(key[1])
                if t.id in self.analysis.guards
                for n in self.analysis.guards[t.id].names
            }
        compiled = self.compiled(key)
        return set(compiled.names) if compiled is not None else set()

    def is_free(self, key: Key) -> bool:
        """A constraint lint cannot decide (a guard that reads time it cannot enumerate): it holds."""
        if key not in self.free:
            names = self.names(key)
            derived = [self.analysis.pathway.derived[n].expr for n in self._derived(names)]
            self.free[key] = any(unenumerable(self.analysis.pathway, text) for text in [*self.texts(key), *derived])
        return self.free[key]

    def _derived(self, names: Iterable[str]) -> list[str]:
        seen: set[str] = set()
        todo = [n for n in names if n in self.analysis.derived]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(n for n in self.analysis.derived[name].names if n in self.analysis.derived)
        return sorted(seen)

    def solve(self, wants: frozenset[Constraint]) -> Facts | None:
        """Facts that satisfy every constraint (a fact left out is unknown), or None when none do."""
        if wants not in self.memo:
            kept = [c for c in wants if not self.is_free(c[0])]
            found: dict[str, object] = {}
            for group in self._groups(kept):
                facts = self._solve_group(frozenset(group))
                if facts is None:
                    self.memo[wants] = None
                    return None
                found.update(facts)
            self.memo[wants] = found
        return self.memo[wants]

    def reads(self, key: Key) -> frozenset[str]:
        """The facts a constraint reads, through derived facts too (once per constraint)."""
        found = self.read.get(key)
        if found is None:
            found = self.read[key] = facts_read(self.analysis, self.names(key))
        return found

    def _groups(self, wants: Sequence[Constraint]) -> list[list[Constraint]]:
        """The constraints in groups that share no fact, each decided on its own."""
        groups: list[tuple[set[str], list[Constraint]]] = []
        for constraint in wants:
            facts = self.reads(constraint[0])
            joined = [g for g in groups if g[0] & facts]
            merged = (set(facts), [constraint])
            for g in joined:
                merged[0].update(g[0])
                merged[1].extend(g[1])
                groups.remove(g)
            groups.append(merged)
        return [sorted(g[1]) for g in groups]

    def _solve_group(self, wants: frozenset[Constraint]) -> Facts | None:
        if wants in self.memo:
            return self.memo[wants]
        names = {n for key, _ in wants for n in self.names(key)}
        facts = sorted(facts_read(self.analysis, names))
        texts = [text for key, _ in wants for text in self.texts(key)]
        texts += [self.analysis.pathway.derived[n].expr for n in self._derived(names)]
        domains = fact_domains(self.analysis, texts, self.parsed, REFERENCE_DAY)
        count = combinations(facts, domains, include_unknown=True)
        if count is None or count > MAX_ROWS:
            found: Facts | None = {}  # too many to decide: it may hold
        else:
            rows = assignments(facts, domains, include_unknown=True)
            found = next((row for row in rows if self._holds(wants, row)), None)
        self.memo[wants] = found
        return found

    def _holds(self, wants: Iterable[Constraint], facts: Facts) -> bool:
        scope = Scope(facts, self.analysis.derived, REFERENCE_DAY)
        for key, want in wants:
            if want == "stable":
                if not self.stable(key[1], scope):
                    return False
                continue
            compiled = self.compiled(key)
            value = compiled.evaluate(scope).value if compiled is not None else UNKNOWN
            if not (value is True if want == "true" else value is False if want == "false" else value is not True):
                return False
        return True

    def stable(self, state: str, scope: Scope) -> bool:
        """No eventless transition of the state fires on these facts (a timer is not due yet)."""
        now = datetime(REFERENCE_DAY.year, REFERENCE_DAY.month, REFERENCE_DAY.day)
        clock = Clock(now, {state: now})
        return not isinstance(decide(self.analysis.index, self.analysis, state, None, scope, clock), Fire)
