"""What the native build (the hot modules compiled with mypyc: ``pathway/version.py``) buys, beside the same code
interpreted: a copy of the package is compiled in a temporary folder (the modules of
``pathway.version.NATIVE_MODULES``, as ``setup.py`` compiles them for a wheel), then ``bench/bench_compiled.py``
runs in both trees (``--cohort 0``: no cohort processes) and both tables are printed, the interpreted one first.
Run by hand from the project root; it needs a C compiler and the Python headers (mypyc comes with mypy, a dev
dependency)::

    .venv/bin/python bench/bench_mypyc.py [--journeys 100] [--runs 3] [--keep DIR]

``pathway/version.py`` says which modules stay interpreted, and why. ``bench_compiled`` compares both engines'
trails byte for byte before it times anything, so a compiled module that behaved differently would stop the run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pathway.version import NATIVE_MODULES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODULES = [name.replace(".", "/") + ".py" for name in NATIVE_MODULES]  # what the native build compiles
MYPY_INI = """[mypy]
strict = True
python_version = 3.11
plugins = pydantic.mypy
[mypy-pyarrow.*,dask.*,distributed.*,duckdb,pyarrow,dask,distributed]
ignore_missing_imports = True
"""


def bench(tree: Path, journeys: int, runs: int) -> str:
    command = [sys.executable, "bench/bench_compiled.py", "--journeys", str(journeys), "--runs", str(runs)]
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([*command, "--cohort", "0"], cwd=tree, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench_compiled failed in {tree}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--journeys", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build in this (new) folder and keep it")
    args = parser.parse_args()
    tree = args.keep or Path(tempfile.mkdtemp(prefix="pathway-mypyc-"))
    try:
        for part in ("pathway", "bench", "definitions"):
            shutil.copytree(ROOT / part, tree / part, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
        (tree / "mypy.ini").write_text(MYPY_INI, encoding="utf-8")
        built = subprocess.run(
            [sys.executable, "-m", "mypyc", *MODULES], cwd=tree, capture_output=True, text=True, check=False
        )
        if built.returncode != 0:
            sys.exit(f"mypyc failed:\n{built.stdout[-4000:]}\n{built.stderr[-4000:]}")
        print("## interpreted\n")
        print(bench(ROOT, args.journeys, args.runs))
        print(f"## compiled with mypyc ({len(MODULES)} modules)\n")
        print(bench(tree, args.journeys, args.runs))
    finally:
        if args.keep is None:
            shutil.rmtree(tree, ignore_errors=True)


if __name__ == "__main__":
    main()
