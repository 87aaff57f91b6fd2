"""How long validation and lint take on the hostile definitions of the robustness findings (tests/hostile.py), at
the sizes that once crashed or hung. The tests check what each gives (located diagnostics, PW519 when the lint
budget is spent, evaluations under the budget) and never time anything; this measures how long. Run by hand from
the project root; paste the table into docs/performance.md.

    .venv/bin/python bench/bench_hostile.py
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pathway.definition.loader import CheckResult, check_document  # noqa: E402
from pathway.errors import InvalidInputError  # noqa: E402
from pathway.linter.base import run_rules  # noqa: E402
from pathway.source.reader import parse_text  # noqa: E402
from tests import hostile  # noqa: E402

CASES: list[tuple[str, Callable[[], str]]] = [
    ("5,000 derived facts in a cycle", lambda: hostile.derived_chain(5_000, cycle=True)),
    ("5,000 derived facts in a chain", lambda: hostile.derived_chain(5_000)),
    ("2,000 undeclared transition targets", lambda: hostile.undeclared_targets(2_000)),
    ("8,000 undeclared transition targets", lambda: hostile.undeclared_targets(8_000)),
    ("17 booleans, 780 transitions in one state", lambda: hostile.many_booleans(17, 780)),
    ("200 states comparing integer facts", lambda: hostile.integer_states(200)),
    ("2,000 states comparing integer facts", lambda: hostile.integer_states(2_000)),
    ("a ring of 8,000 eventless transitions", lambda: hostile.eventless_ring(8_000)),
    ("1,500 parallel states", lambda: hostile.parallel_regions(1_500)),
    ("3,800 guards of about 950 characters", lambda: hostile.long_guards(3_800, terms=70)),
]


def check(text: str) -> CheckResult | None:
    try:
        return check_document(parse_text(text, "hostile.yaml", max_nodes=10**7))
    except InvalidInputError:
        return None


def row(index: int) -> str:
    """One table row, measured in this process: validate and lint times, and the process's peak RSS."""
    name, make = CASES[index]
    text = make()
    start = time.process_time()
    result = check(text)
    validate = time.process_time() - start
    findings = len(result.diagnostics) if result is not None else "unreadable"
    lint, linted = "", ""
    if result is not None and result.ok and result.analysis is not None:
        start = time.process_time()
        linted = str(sum(1 for _ in run_rules(result.analysis)))
        lint = f"{time.process_time() - start:.2f}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"| {name} | {validate:.2f} | {findings} | {lint} | {linted} | {peak:.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", type=int, help="measure one case in this process (the table runs each alone)")
    args = parser.parse_args()
    if args.case is not None:
        print(row(args.case))
        return
    print(f"one run each, in a process of its own, Python {sys.version.split()[0]}\n")
    print("| definition | validate s | findings | lint s | lint findings | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for index in range(len(CASES)):
        done = subprocess.run([sys.executable, __file__, "--case", str(index)], capture_output=True, text=True)
        print(done.stdout.strip() or done.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
