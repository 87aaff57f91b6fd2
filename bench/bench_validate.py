"""Process time of `pathway validate` on a generated 500-state definition and on the bundled ones, beside the
floor of `python -c "import yaml, pydantic"`. Run by hand; paste the table into docs/performance.md.

    .venv/bin/python bench/bench_validate.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen import big_definition  # noqa: E402


def timed(cmd: list[str], runs: int) -> float:
    """Median wall time of a command, in milliseconds (after one warm-up run)."""
    subprocess.run(cmd, check=True, capture_output=True)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "pathway.yaml"
        big.write_text(big_definition(500), encoding="utf-8")
        floor = timed([py, "-c", "import yaml, pydantic"], args.runs)
        rows = [("python -c 'import yaml, pydantic' (floor)", floor)]
        models = [py, "-c", "import yaml; from pydantic import BaseModel"]
        rows.append(("python -c 'import yaml; from pydantic import BaseModel'", timed(models, args.runs)))
        rows.append(
            ("pathway validate <generated 500 states>", timed([py, "-m", "pathway", "validate", str(big)], args.runs))
        )
        for definition in sorted(Path("definitions").glob("*/pathway.yaml")):
            rows.append(
                (f"pathway validate {definition}", timed([py, "-m", "pathway", "validate", str(definition)], args.runs))
            )
        stages = breakdown(big)
    print(f"median of {args.runs} runs, Python {sys.version.split()[0]}\n")
    print("| command | median ms | x floor |")
    print("|---|---:|---:|")
    for name, ms in rows:
        print(f"| `{name}` | {ms:.0f} | {ms / floor:.2f} |")
    print("\nin-process stages for the generated 500-state definition (ms):\n")
    print("| " + " | ".join(stages) + " |")
    print("|" + "---:|" * len(stages))
    print("| " + " | ".join(f"{ms:.0f}" for ms in stages.values()) + " |")


def breakdown(path: Path) -> dict[str, float]:
    """Time each stage in a fresh interpreter: imports, YAML, schema, analysis (guards compiled)."""
    code = f"""
import time
t0 = time.perf_counter()
from pathway.definition.analysis import analyse
from pathway.definition.model import Pathway
from pathway.source.reader import load_file
t1 = time.perf_counter()
doc = load_file({str(path)!r})
t2 = time.perf_counter()
model = Pathway.model_validate(doc.data)
t3 = time.perf_counter()
analyse(model)
t4 = time.perf_counter()
print(*(round((b - a) * 1000, 1) for a, b in ((t0, t1), (t1, t2), (t2, t3), (t3, t4))))
"""
    runs = [
        [
            float(x)
            for x in subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout.split()
        ]
        for _ in range(5)
    ]
    names = ("imports", "YAML with positions", "schema (pydantic)", "analysis (1,000 guards)")
    return {name: statistics.median(run[i] for run in runs) for i, name in enumerate(names)}


if __name__ == "__main__":
    main()
