"""``pathway watch``: a run at the start, another after each change of a watched file, none without a change;
headers without a time; the checks chosen from the command line. Driven by an injected sleep, never the clock."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pathway.cli import watch as watching
from pathway.cli.main import main
from pathway.cli.watch import Watch, changes, snapshot, split_targets, watch, watched_files
from pathway.errors import ExitCode
from pathway.publish.scaffold import new_pathway


@pytest.mark.parametrize(
    ("targets", "checks", "paths"),
    [
        ([], ("validate", "lint", "test"), ()),
        (["test"], ("test",), ()),
        (["lint", "test", "definitions/a"], ("lint", "test"), ("definitions/a",)),
        (["definitions/a", "lint"], ("validate", "lint", "test"), ("definitions/a", "lint")),
    ],
)
def test_leading_check_names_choose_the_checks(targets: list[str], checks: tuple[str, ...], paths: tuple[str]) -> None:
    assert split_targets(targets) == (checks, paths)


def _touch(path: Path, text: str) -> None:
    """Rewrite a file with a modification time of its own, whatever the file system's clock resolution."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    new_pathway("demo", None, tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _edits(*steps: Callable[[], None]) -> Callable[[float], None]:
    """A sleep that performs one edit per call (then nothing), recording nothing about time."""
    queue = list(steps)

    def sleep(seconds: float) -> None:
        assert seconds == 0.5
        if queue:
            queue.pop(0)()

    return sleep


def test_a_run_at_the_start_and_after_each_change_only(project: Path) -> None:
    definition = project / "definitions" / "demo" / "pathway.yaml"
    good = definition.read_text(encoding="utf-8")
    out = io.StringIO()
    sleep = _edits(
        lambda: _touch(definition, good.replace("when: criterion_met", "when: criterion_mett")),
        lambda: None,  # no change: no run
        lambda: _touch(definition, good),
    )
    code = watch(Watch(("validate", "test"), (), project, out), interval=0.5, sleep=sleep, polls=4)
    text = out.getvalue()
    headers = [line for line in text.splitlines() if line.startswith("=== pathway watch")]
    assert headers == [
        "=== pathway watch: run 1 (first run) ===",
        "=== pathway watch: run 2 (changed: definitions/demo/pathway.yaml) ===",
        "=== pathway watch: run 3 (changed: definitions/demo/pathway.yaml) ===",
    ]
    runs = text.split("=== pathway watch: run ")[1:]
    assert "validate ok; test ok" in runs[0]
    assert "PW203 guard reads unknown name 'criterion_mett'" in runs[1]
    assert "validate failed (exit 1); test failed (exit 1)" in runs[1]
    assert "validate ok; test ok" in runs[2]
    assert code is ExitCode.OK
    closing = [line for line in text.splitlines() if line.startswith("=== ") and line not in headers]
    assert closing == [
        "=== validate ok; test ok. Watching for changes (Ctrl-C stops) ===",
        "=== validate failed (exit 1); test failed (exit 1). Watching for changes (Ctrl-C stops) ===",
        "=== validate ok; test ok. Watching for changes (Ctrl-C stops) ===",
    ]  # the same text whenever it runs: no time, no duration


def test_new_scenario_files_are_watched_and_a_removed_one_is_a_change(project: Path) -> None:
    scenarios = project / "definitions" / "demo" / "scenarios"
    before = snapshot(watched_files([], project))
    extra = scenarios / "more.yaml"
    extra.write_text((scenarios / "basic.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    after = snapshot(watched_files([], project))
    assert changes(before, after) == [extra]
    (scenarios / "basic.yaml").unlink()
    assert changes(after, snapshot(watched_files([], project))) == [scenarios / "basic.yaml"]


def test_no_definition_yet_is_reported_and_watched_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    sleep = _edits(lambda: new_pathway("demo", None, tmp_path))
    code = watch(Watch(("validate",), (), tmp_path, out), interval=0.5, sleep=sleep, polls=1)
    runs = out.getvalue().split("=== pathway watch: run ")[1:]
    assert "no definitions found under definitions/" in runs[0]
    assert "validate failed (exit 2)" in runs[0]
    assert "(changed: definitions/demo/journeys/example-patient.yaml, definitions/demo/pathway.yaml, " in runs[1]
    assert code is ExitCode.OK


def test_the_command_stops_on_ctrl_c_and_refuses_a_bad_interval(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[Watch] = []

    def interrupted(job: Watch, *, interval: float) -> ExitCode:
        seen.append(job)
        raise KeyboardInterrupt

    monkeypatch.setattr(watching, "watch", interrupted)
    assert main(["watch", "lint", "definitions/demo"]) == 0
    assert (tuple(seen[0].checks), tuple(seen[0].paths)) == (("lint",), ("definitions/demo",))
    assert capsys.readouterr().out == "pathway watch: stopped\n"
    assert main(["watch", "--interval", "0"]) == 2
    assert "--interval: the interval must be a positive number of seconds" in capsys.readouterr().err
