"""Generate large, valid pathway definitions for benchmarks (deterministic for a given size)."""

from __future__ import annotations

import random


def big_definition(states: int = 500, facts: int = 40, seed: int = 7) -> str:
    """A valid definition with `states` states in compound groups of ten, two guarded transitions each."""
    rng = random.Random(seed)
    lines = [
        "pathway: big",
        "version: 1.0.0",
        "title: Generated benchmark pathway",
        "status: draft",
        "evidence:",
        "  ev1: {cite: generated}",
        "facts:",
    ]
    for i in range(facts):
        if i % 3 == 0:
            lines.append(f"  f{i}: {{type: int, min: 0, max: 10}}")
        elif i % 3 == 1:
            lines.append(f"  f{i}: {{type: bool}}")
        else:
            lines.append(f"  f{i}: {{type: enum, values: [a, b, c, d]}}")
    lines += ["derived:", "  worst: {expr: 'max(f0, f3, f6)'}", "actions:"]
    lines += [f"  act{i}: {{title: Action {i}, kind: advice, evidence: [ev1]}}" for i in range(50)]
    lines.append("states:")
    groups = states // 10
    for g in range(groups):
        lines += [f"  group{g}:"] + (["    initial: true"] if g == 0 else []) + ["    states:"]
        for k in range(10):
            n = g * 10 + k
            lines.append(f"      s{n}:")
            if k == 0:
                lines.append("        initial: true")
            lines.append(f"        recommend: [act{n % 50}]")
            lines.append("        transitions:")
            target = f"s{(n + 1) % states}"
            other = f"s{rng.randrange(states)}"
            i, j, e = (
                3 * rng.randrange(facts // 3),
                3 * rng.randrange(facts // 3) + 1,
                3 * rng.randrange(facts // 3) + 2,
            )
            lines += [
                f"          - to: {target}",
                f"            when: f{i} >= {rng.randrange(10)} and (f{j} or f{e} in ['a', 'c'])",
                "            evidence: [ev1]",
                f"          - to: {other}",
                f"            when: worst > 5 or not known(f{i})",
            ]
    return "\n".join(lines) + "\n"
