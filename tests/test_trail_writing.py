"""Writing a trail: an ordinary failure (permission denied, a full disk, a folder in the way) is a clear error
naming the path and the reason (exit 2) that leaves nothing behind; a temporary file left by a killed run is removed
by the next run; a run never overwrites its own journey or definition."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.cli.main import main
from pathway.errors import UsageError
from pathway.trail import io
from pathway.trail.io import remove_stale, write_trail
from tests.conftest import ROOT

JOURNEY = ROOT / "definitions" / "bipn" / "journeys" / "immune-mediated-ivig.yaml"
DEFINITION = ROOT / "definitions" / "bipn" / "pathway.yaml"


def outcome(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def fail_with(number: int) -> Callable[..., Any]:
    def failing(*args: object, **kwargs: object) -> Any:
        raise OSError(number, os.strerror(number))

    return failing


@pytest.mark.parametrize(
    ("patched", "number", "reason"),
    [
        ("open", errno.EACCES, "Permission denied"),
        ("open", errno.EROFS, "Read-only file system"),
        ("fsync", errno.ENOSPC, "No space left on device"),
        ("replace", errno.EXDEV, "Invalid cross-device link"),
    ],
)
def test_a_write_failure_is_a_clear_error_that_leaves_nothing(
    patched: str,
    number: int,
    reason: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "out" / "trail.jsonl"
    monkeypatch.setattr(io.os, patched, fail_with(number))
    code, shown = outcome(capsys, "run", str(JOURNEY), "--trail", str(target))
    assert code == 2
    assert f"pathway: cannot write the trail to {target}: {reason}" in shown
    assert "internal error" not in shown
    assert list((tmp_path / "out").iterdir()) == []


def test_a_failure_keeps_the_previous_trail_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "trail.jsonl"
    target.write_text("the previous trail\n")
    monkeypatch.setattr(io.os, "fsync", fail_with(errno.ENOSPC))
    with pytest.raises(UsageError, match="No space left on device"):
        pathway.run(DEFINITION, JOURNEY).write(target)
    assert [p.name for p in tmp_path.iterdir()] == ["trail.jsonl"]
    assert target.read_text() == "the previous trail\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, shown = outcome(capsys, "run", str(JOURNEY), "--trail", str(folder / "trail.jsonl"))
    finally:
        folder.chmod(0o700)
    assert code == 2
    assert "Permission denied" in shown
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("kind", ["folder", "file as parent", "device"])
def test_a_target_that_is_not_a_file_is_refused(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if kind == "folder":
        target, expected = tmp_path, "it is a folder, not a file"
    elif kind == "file as parent":
        (tmp_path / "plain").write_text("x")
        target, expected = tmp_path / "plain" / "trail.jsonl", "cannot write the trail to"
    else:
        target, expected = Path(os.devnull), "it is a device, not a file"
    code, shown = outcome(capsys, "run", str(JOURNEY), "--trail", str(target))
    assert code == 2
    assert expected in shown
    assert "internal error" not in shown
    assert Path(os.devnull).exists()
    assert not Path(os.devnull).is_file()


def test_a_stale_temporary_file_of_a_dead_run_is_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "trail.jsonl"
    stale = tmp_path / f".trail.jsonl.{dead_pid()}-0badc0de.tmp"
    alive = tmp_path / f".trail.jsonl.{os.getpid()}-00c0ffee.tmp"  # a run in progress: left alone
    other = tmp_path / f".other.jsonl.{dead_pid()}-0badc0de.tmp"  # another target's: not ours to remove
    for path in (stale, alive, other):
        path.write_text('{"partial":')
    pathway.run(DEFINITION, JOURNEY).write(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, alive.name, other.name])
    assert remove_stale(tmp_path / "other.jsonl") == [other]


def test_the_written_trail_is_readable_by_others(tmp_path: Path) -> None:
    target = tmp_path / "trail.jsonl"
    write_trail(target, pathway.run(DEFINITION, JOURNEY).records)
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("role", ["journey", "definition"])
@pytest.mark.parametrize("alias", ["same path", "symbolic link", "hard link"])
def test_trail_onto_the_runs_own_input_is_refused(
    role: str, alias: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journey, definition = tmp_path / "journey.yaml", tmp_path / "pathway.yaml"
    shutil.copyfile(JOURNEY, journey)
    shutil.copyfile(DEFINITION, definition)
    victim = journey if role == "journey" else definition
    target = victim
    if alias != "same path":
        target = tmp_path / "alias.jsonl"
        (target.symlink_to if alias == "symbolic link" else target.hardlink_to)(victim)
    before = victim.read_bytes()
    code, shown = outcome(capsys, "run", str(journey), "--pathway", str(definition), "--trail", str(target))
    assert code == 2
    assert f"is the {role} file being run" in shown
    assert victim.read_bytes() == before


@pytest.mark.slow
def test_kill_9_during_run_leaves_no_partial_trail_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    """Kill ``pathway run --trail`` at random moments: the trail is absent or complete (it replays as reproduced),
    and after one more run no temporary file is left."""
    target = tmp_path / "trail.jsonl"
    command = [sys.executable, "-m", "pathway", "run", str(JOURNEY), "--trail", str(target)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(87)
    for _ in range(20):
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        if target.exists():
            assert pathway.replay(target).status == "reproduced"
    assert main(["run", str(JOURNEY), "--trail", str(target), "--format", "json"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert pathway.replay(target).status == "reproduced"
