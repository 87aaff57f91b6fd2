"""Cohorts run by worker processes and by a Dask LocalCluster give the folder that one process gives, byte for
byte (timing.json aside); an interrupted run leaves no partial file and resumes to the same folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.cohort.generate import write_ndjson
from pathway.definition.loader import load_analysis
from tests.conftest import ROOT
from tests.test_cohort import RUN, files_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """450 journeys: three batches, the last one short."""
    path = tmp_path_factory.mktemp("cohort") / "cohort.ndjson"
    write_ndjson(path, load_analysis(ROOT / "definitions" / "example" / "pathway.yaml"), 450, 6, seed=11)
    return path


@pytest.fixture(scope="module")
def one_process(cohort: Path) -> Path:
    out = cohort.parent / "jobs1"
    assert main([*RUN, str(cohort), "--out", str(out)]) in (0, 1)
    return out


def test_two_worker_processes_write_the_same_folder_as_one(one_process: Path, cohort: Path, tmp_path: Path) -> None:
    out = tmp_path / "jobs2"
    run = [arg if arg != "1" else "2" for arg in RUN]
    assert main([*run, str(cohort), "--out", str(out)]) in (0, 1)
    assert files_of(out) == files_of(one_process)
    assert len(list((out / "trails").iterdir())) == 450


def test_a_dask_local_cluster_writes_the_same_folder_as_one_process(
    one_process: Path, cohort: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dask"
    run = [a for a in RUN if a not in ("--jobs", "1")]
    assert main([*run, str(cohort), "--out", str(out), "--dask", "local"]) in (0, 1)
    assert files_of(out) == files_of(one_process)


def test_an_interrupted_run_leaves_complete_trails_only_and_resumes(
    one_process: Path, cohort: Path, tmp_path: Path
) -> None:
    out = tmp_path / "interrupted"
    command = [sys.executable, "-m", "pathway", *RUN[:-1], "2", str(cohort), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    trails = out / "trails"
    while process.poll() is None and len(list(trails.glob("*.jsonl")) if trails.is_dir() else []) < 50:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (130, b"")
    left = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert left
    assert all(name.endswith(".jsonl") and not name.startswith(".") for name in left)
    for trail in trails.iterdir():  # every trail present is whole
        assert trail.read_bytes() == (one_process / "trails" / trail.name).read_bytes()
    assert main([*RUN, str(cohort), "--out", str(out), "--resume"]) in (0, 1)
    assert files_of(out) == files_of(one_process)
