"""Size limits hold for every file pathway reads, before it reads it, and nothing echoes a huge input back: a 1 GiB
sparse file is refused by its size at once, and a line of megabytes shows as a window of 200 characters."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
from pathlib import Path

import pytest

from pathway.cli.main import main
from tests.conftest import ROOT

GIB = 2**30
TRAIL = ROOT / "definitions" / "example" / "trails" / "grade2-then-grade3.jsonl"


def sparse(path: Path, size: int = GIB) -> Path:
    """A file of ``size`` bytes that takes no room on disk (``truncate -s``)."""
    subprocess.run(["truncate", "-s", str(size), str(path)], check=True)
    return path


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("pathway.yaml", ["validate", "{path}"]),
        ("pathway.yaml", ["show", "{path}"]),
        ("journey.yaml", ["run", "{path}", "--pathway", "example"]),
        ("journey.jsonl", ["run", "{path}", "--pathway", "example"]),
        ("journey.yaml", ["run", "{path}"]),
        ("trail.jsonl", ["replay", "{path}"]),
        ("trail.jsonl", ["explain", "{path}"]),
    ],
)
def test_a_1_gib_sparse_file_is_refused_by_its_size_before_reading(
    name: str, argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sparse(tmp_path / name)
    before = peak_kib()
    code = main([arg.format(path=path) for arg in argv])
    out, err = capsys.readouterr()
    assert code == 2
    assert "PW003 the file is larger than" in out + err
    assert len(out + err) < 2000  # a window of its first line at most, its NUL bytes escaped
    assert "\x00" not in out + err
    assert peak_kib() - before < 100 * 1024  # never read whole (it would take a gigabyte)


def test_a_line_of_megabytes_is_not_echoed_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journey = tmp_path / "journey.jsonl"
    name = "f" * 3_000_000
    journey.write_text(json.dumps({"journey": "j"}) + "\n" + json.dumps({"at": "2026-04-01", "facts": {name: 1}}))
    assert main(["run", str(journey), "--pathway", "example"]) == 1
    err = capsys.readouterr().err
    assert "journey.jsonl:2:" in err
    assert "PW301 unknown fact 'ffff" in err
    assert len(err) < 5000


def test_a_trail_line_of_megabytes_is_not_echoed_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trail = tmp_path / "trail.jsonl"
    shutil.copyfile(TRAIL, trail)
    with trail.open("ab") as out:
        out.write(b'{"note":"' + b"x" * 30_000_000 + b"\n")
    for command in ("replay", "explain"):
        assert main([command, str(trail)]) == 2
        shown = "".join(capsys.readouterr())
        assert "trail.jsonl:29:1: PW402 line 29 is not valid JSON" in shown
        assert len(shown) < 2000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("command", ["replay", "explain"])
def test_a_trail_that_is_a_named_pipe_is_refused_without_blocking(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "trail.jsonl"
    os.mkfifo(fifo)
    assert main([command, str(fifo)]) == 2  # showing the error's source line must not open the pipe either
    assert "PW401 cannot read a named pipe (FIFO)" in "".join(capsys.readouterr())


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: os.mkfifo(p), "PW007 cannot read a named pipe (FIFO)"),
        (lambda p: p.symlink_to(p.parent / "nowhere.yaml"), "PW007 the file is a link to nowhere"),
        (lambda p: p.symlink_to(p), "PW007 the file is a symbolic link in a loop"),
    ],
    ids=["fifo", "dangling link", "link loop"],
)
def test_validate_names_what_is_not_a_file(
    make: object, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pathway.yaml"
    make(path)  # type: ignore[operator]
    for target in (path, tmp_path):  # the file, or the folder that holds it
        assert main(["validate", str(target)]) == 2
        out = "".join(capsys.readouterr())
        assert expected in out
        assert "checked" in out


def test_validate_a_device_or_a_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["validate", os.devnull]) == 2
    assert "PW007 cannot read a device" in "".join(capsys.readouterr())
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml:1:1: PW007 does not exist" in "".join(capsys.readouterr())


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_a_planted_definition_link_is_refused_unread(
    command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    project = tmp_path / "project"
    (project / "definitions" / "x").mkdir(parents=True)
    (project / "definitions" / "x" / "pathway.yaml").symlink_to(secret)
    monkeypatch.chdir(project)
    assert main([command]) == 2
    shown = "".join(capsys.readouterr())
    assert "definitions/x/pathway.yaml:1:1: PW007 links outside definitions/" in shown
    assert "hunter2" not in shown
