"""Generators of hostile pathway definitions: the reproducers of the robustness findings, at any size.

Each function returns YAML text. The tests use small sizes in the quick run and the sizes that once hung or crashed
as slow tests; ``bench/`` can time them too. Every definition is valid except where the name says otherwise.
"""

from __future__ import annotations

HEADER = """\
pathway: hostile
version: 1.0.0
title: Hostile definition
status: draft
"""


def _transition(target: str, when: str | None = None, indent: int = 6) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}- to: {target}"]
    if when is not None:
        lines.append(f"{pad}  when: {when!r}" if "'" not in when else f'{pad}  when: "{when}"')
    return lines


def with_fact(fact: str, when: str = "n >= 1") -> str:
    """One state reading the fact ``n`` declared by the flow mapping ``fact`` (e.g. ``{type: int, max: .nan}``)."""
    lines = [HEADER + "facts:", f"  n: {fact}", "states:", "  start:", "    initial: true", "    transitions:"]
    lines += _transition("done", when)
    lines += _transition("done", "otherwise")
    lines += ["  done:", "    final: true"]
    return "\n".join(lines) + "\n"


def derived_chain(length: int, *, cycle: bool = False) -> str:
    """``d0 = n + 1``, ``d{i} = d{i-1} + 1``: a chain of derived facts; with ``cycle``, ``d0`` reads the last."""
    lines = [HEADER + "facts:", "  n: {type: int, min: 0, max: 4}", "derived:"]
    first = f"d{length - 1} + 1" if cycle else "n + 1"
    lines.append(f"  d0: {{expr: '{first}'}}")
    lines += [f"  d{i}: {{expr: 'd{i - 1} + 1'}}" for i in range(1, length)]
    lines += ["states:", "  start:", "    initial: true", "    transitions:"]
    lines += _transition("done", f"d{length - 1} > 3")
    lines += _transition("done", "otherwise")
    lines += ["  done:", "    final: true"]
    return "\n".join(lines) + "\n"


def undeclared_targets(count: int) -> str:
    """``count`` states, each with a transition to a misspelt state that is not declared (PW102 each, with a
    did-you-mean search over every declared state)."""
    lines = [HEADER + "facts:", "  n: {type: int, min: 0, max: 4}", "states:"]
    for i in range(count):
        lines += [f"  step_{i}:"] + (["    initial: true"] if i == 0 else []) + ["    transitions:"]
        lines += _transition(f"stepp_{(i + 1) % count}", f"n == {i % 5}")
        lines += _transition("done", "otherwise")
    lines += ["  done:", "    final: true"]
    return "\n".join(lines) + "\n"


def many_booleans(booleans: int, transitions: int) -> str:
    """One state with ``transitions`` guards over ``booleans`` bool facts: a product of 2**booleans patients."""
    lines = [HEADER + "facts:"] + [f"  b{i}: {{type: bool}}" for i in range(booleans)]
    lines += ["states:", "  start:", "    initial: true", "    transitions:"]
    for i in range(transitions):
        a, b, c = i % booleans, (i * 7 + 1) % booleans, (i * 13 + 2) % booleans
        lines += _transition("done", f"b{a} and not b{b} or b{c}")
    lines += _transition("done", "otherwise")
    lines += ["  done:", "    final: true"]
    return "\n".join(lines) + "\n"


def integer_states(states: int, facts: int = 3) -> str:
    """``states`` states in a chain, each with guards comparing unbounded int facts with many literals."""
    lines = [HEADER + "facts:"] + [f"  i{k}: {{type: int}}" for k in range(facts)]
    lines += ["states:"]
    for s in range(states):
        lines += [f"  s{s}:"] + (["    initial: true"] if s == 0 else []) + ["    transitions:"]
        target = f"s{s + 1}" if s + 1 < states else "done"
        for k in range(facts):
            lines += _transition(target, f"i{k} > {s + 3 * k} and i{(k + 1) % facts} < {s * 2 + k + 7}")
        lines += _transition(target, "otherwise")
    lines += ["  done:", "    final: true"]
    return "\n".join(lines) + "\n"


def long_guards(count: int, terms: int = 20) -> str:
    """``count`` transitions, each with a long guard of ``terms`` comparisons over ten int facts."""
    lines = [HEADER + "facts:"] + [f"  f{k}: {{type: int, min: 0, max: 100}}" for k in range(10)]
    lines += ["states:", "  start:", "    initial: true", "    transitions:"]
    for i in range(count):
        guard = " and ".join(f"f{(i + t) % 10} >= {(i * t) % 90}" for t in range(terms))
        lines += _transition("done", guard)
    lines += _transition("done", "otherwise")
    lines += ["  done:", "    final: true"]
    return "\n".join(lines) + "\n"


def unclosed(opening: str, filler_lines: int = 40) -> tuple[str, int, int]:
    """A definition with an unclosed ``[``, ``{`` or quote in a state's ``recommend`` after ``filler_lines``
    padding facts; returns the text and the 1-based line and column of the opening character."""
    lines = [HEADER + "facts:"] + [f"  f{k}: {{type: bool}}" for k in range(filler_lines)]
    lines += ["actions:", "  a: {title: A, kind: advice}", "states:", "  start:", "    initial: true"]
    value = {"[": "[a", "{": "{x: a", '"': '"a', "'": "'a"}[opening]
    line = "    recommend: " + value
    lines.append(line)
    number = len("\n".join(lines).splitlines())
    lines += ["    transitions:", "      - to: done", "  done:", "    final: true"]
    return "\n".join(lines) + "\n", number, line.index(value) + 1


def eventless_ring(states: int, booleans: int = 4) -> str:
    """``states`` states in one ring of eventless transitions guarded by booleans (one eventless cycle)."""
    lines = [HEADER + "facts:"] + [f"  b{k}: {{type: bool}}" for k in range(booleans)]
    lines += ["states:"]
    for s in range(states):
        lines += [f"  s{s}:"] + (["    initial: true"] if s == 0 else []) + ["    transitions:"]
        lines += _transition(f"s{(s + 1) % states}", f"b{s % booleans}")
        lines += _transition("done", "otherwise")
    lines += ["  done:", "    final: true"]
    return "\n".join(lines) + "\n"


def parallel_regions(parallels: int, regions: int = 3) -> str:
    """``parallels`` parallel states in a chain, each with ``regions`` regions reacting to one event."""
    lines = [HEADER + "facts:", "  n: {type: int, min: 0, max: 4}", "events:", "  tick: {description: A tick.}"]
    lines += ["states:"]
    for p in range(parallels):
        lines += [f"  p{p}:"] + (["    initial: true"] if p == 0 else []) + ["    parallel: true", "    states:"]
        for r in range(regions):
            lines += [f"      p{p}_r{r}:", "        states:", f"          p{p}_r{r}_a:", "            initial: true"]
            lines += ["            transitions:", f"              - to: {f'p{p + 1}' if p + 1 < parallels else 'done'}"]
            lines += ["                event: tick"]
    lines += ["  done:", "    final: true"]
    return "\n".join(lines) + "\n"
