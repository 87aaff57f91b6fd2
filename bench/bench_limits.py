"""How long hostile inputs take to be refused, and what the exhaustive guard lint (PW510-PW519) costs on the bundled
BIPN pathway. The tests check that these inputs are refused and where (tests never time anything); this measures
how fast. Run by hand from the project root; paste the table into docs/performance.md.

    .venv/bin/python bench/bench_limits.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterable

import yaml

from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.errors import InvalidInputError
from pathway.expr import ValueType, compile_expr
from pathway.linter import exhaustive
from pathway.linter.base import LintIssue
from pathway.linter.guards import never_true, overlapping, shadowed, stuck, too_large
from pathway.source.reader import Loader, parse_text


def billion_laughs(levels: int = 9) -> str:
    """Nine levels of nine aliases each: 9**9 nodes once expanded (the same text as tests/test_source.py)."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefghijklmnop", "bcdefghijklmnop"[: levels - 1], strict=False):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def refused_yaml(text: str, loader: Loader) -> Callable[[], object]:
    def action() -> object:
        try:
            parse_text(text, "bench.yaml", loader=loader)
        except InvalidInputError as error:
            return error
        raise AssertionError("the document was accepted")

    return action


def refused_guard(text: str) -> Callable[[], object]:
    def action() -> object:
        result = compile_expr(text, {"x": ValueType("bool")}, want_bool=True)
        assert isinstance(result, list), "the guard was accepted"
        return result

    return action


def linted(checks: Iterable[Callable[[Analysis], Iterable[LintIssue]]], analysis: Analysis) -> Callable[[], object]:
    """Run the checks on a definition whose truth tables are not built yet (they are kept per analysis)."""

    def action() -> object:
        exhaustive._TABLES.pop(analysis, None)
        return [list(check(analysis)) for check in checks]

    return action


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Median wall time of ``action`` in milliseconds, after one warm-up run."""
    action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows: list[tuple[str, Callable[[], object]]] = [
        ("billion laughs, pure-Python loader", refused_yaml(billion_laughs(), yaml.SafeLoader)),
    ]
    if yaml.__with_libyaml__:
        rows.append(("billion laughs, libyaml", refused_yaml(billion_laughs(), yaml.CSafeLoader)))
    rows += [
        ("guard `9**9**9**9 > 1`", refused_guard("9**9**9**9 > 1")),
        ("guard of 1,000,000 characters", refused_guard("a" * 1_000_000)),
        ("guard of 999 `(`", refused_guard("(" * 999)),
        ("guard of 249 `not`", refused_guard("not " * 249 + "x")),
        ("guard of 199 nested calls", refused_guard("max(" * 199 + "1" + ")" * 199)),
    ]
    bipn = load_analysis("definitions/bipn/pathway.yaml")
    rules = (never_true, shadowed, stuck, overlapping, too_large)
    rows.append(("guard lint PW510-PW519 on bipn (the tables, then every rule)", linted(rules, bipn)))
    for check in rules:
        rows.append((f"guard lint `{check.__name__}` on bipn, alone", linted([check], bipn)))
    print(f"median of {args.runs} runs, Python {sys.version.split()[0]}\n")
    print("| input | median ms |")
    print("|---|---:|")
    for name, action in rows:
        print(f"| {name} | {median_ms(action, args.runs):.1f} |")


if __name__ == "__main__":
    main()
