"""The optional native build (``pathway/version.py``, ``setup.py``), built as a user builds it (``PATHWAY_MYPYC=1 pip
wheel``): every hot module is compiled, and the tests that hold the engines to the same bytes pass on it. mypyc
checks the declared types at run time, so a wrong annotation that plain Python never notices raises there (one
did: ``frozenset - dict_keys`` gives a set), and an evaluation that raises becomes a different outcome: only
running the tests on the built wheel shows it. The tests run are black-box ones (a test that replaces a method of a
compiled class by monkeypatching cannot reach its callers in C)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pathway.version import NATIVE_MODULES
from tests.conftest import ROOT, build_wheel

TESTS = [
    "tests/test_compiled_engine.py",
    "tests/test_recall.py",
    "tests/test_golden_trails.py",
    "tests/test_trail_sealing.py",
    "tests/test_engine.py",
    "tests/test_guard_errors.py",
    "tests/test_time.py",
    "tests/test_cohort.py",
    "tests/test_assumptions.py",
    "tests/test_decisions.py",
    "tests/test_fulfilment.py",
    "tests/test_replay.py",
    "tests/test_timeline.py",
    "tests/test_values.py",
    "tests/test_constraints.py",
    "tests/test_conformance.py",
    "tests/test_crossings.py",
    "tests/test_persistence.py",
    "tests/test_engine_properties.py",
]
"""The tests run on the native build (about 480, half a minute): the differential test, frozen trails replayed,
records sealed, and the semantics of the engine, guard errors, time, cohorts, assumptions, decisions, fulfilment,
replay, computed values, constraints, conformance and persistence. The rest of the quick suite passed on it too
when it was run whole, but for the tests that monkeypatch a compiled class (``test_dependencies``,
``test_expr_value``, ``test_steps``) and the one that expects the pure build's ``--version``; it is left out to keep
CI short."""


def _run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, check=False)


@pytest.mark.slow
def test_the_native_build_compiles_every_hot_module_and_writes_the_same_bytes(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path, PATHWAY_MYPYC="1")
    tree = tmp_path / "native"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tree)
    for name in ("tests", "definitions", "schema", "examples", "docs"):  # what the tests read
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    described = _run([sys.executable, "-c", "import pathway.version as v; print(v.build())"], tree)
    assert (
        described.stdout.strip()
        == f"native build: {len(NATIVE_MODULES)} of {len(NATIVE_MODULES)} hot modules compiled with mypyc"
    )
    tested = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS], tree)
    assert tested.returncode == 0, tested.stdout[-6000:] + tested.stderr[-3000:]
