"""The pre-commit hooks (``.pre-commit-hooks.yaml``): their published form, and, run by pre-commit itself in a
throwaway git repository of pathways, a failing hook on a broken definition and passing hooks on a good one.

The published hooks use ``language: python`` (pre-commit installs pathway from its repository into an environment
of its own, which needs the network). The slow test runs the same hooks offline: a ``repo: local`` copy with
``language: system`` whose entry runs this checkout's pathway with the test's interpreter."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pathway.publish.scaffold import new_pathway
from tests.conftest import ROOT

HOOKS: list[dict[str, Any]] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_the_published_hooks_run_validate_lint_and_test_on_definitions() -> None:
    assert [h["id"] for h in HOOKS] == ["pathway-validate", "pathway-lint", "pathway-test"]
    for hook in HOOKS:
        command = hook["id"].removeprefix("pathway-")
        assert hook["entry"] == f"pathway {command}"
        assert (hook["language"], hook["files"], hook["pass_filenames"]) == ("python", "^definitions/", False)


def _local_config() -> str:
    """The published hooks as a ``repo: local`` block that runs without installing anything."""
    python = shlex.quote(sys.executable)
    local = [
        hook | {"language": "system", "entry": hook["entry"].replace("pathway", f"{python} -m pathway", 1)}
        for hook in HOOKS
    ]
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}, sort_keys=False)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _pre_commit(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),  # this checkout's pathway
        "PRE_COMMIT_HOME": str(home),  # its cache, under tmp_path
        "PRE_COMMIT_COLOR": "never",
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_passes_a_good_pathway_and_fails_a_broken_one(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is in the dev extra")
    repo = tmp_path / "pathways"
    repo.mkdir()
    _git(repo, "init", "-q")
    new_pathway("demo", None, repo)
    (repo / ".pre-commit-config.yaml").write_text(_local_config(), encoding="utf-8")
    _git(repo, "add", "-A")

    good = _pre_commit(repo, tmp_path / "cache")
    assert good.returncode == 0, good.stdout + good.stderr
    for name in ("pathway validate", "pathway lint", "pathway test"):
        assert any(line.startswith(name) and line.endswith("Passed") for line in good.stdout.splitlines()), name

    definition = repo / "definitions" / "demo" / "pathway.yaml"
    definition.write_text(definition.read_text(encoding="utf-8").replace("when: criterion_met", "when: criterion_mett"))
    _git(repo, "add", "-A")
    broken = _pre_commit(repo, tmp_path / "cache")
    assert broken.returncode == 1
    lines = broken.stdout.splitlines()
    assert any(line.startswith("pathway validate") and line.endswith("Failed") for line in lines), broken.stdout
    assert re.search(
        r"^definitions/demo/pathway.yaml:\d+:15: PW203 guard reads unknown name 'criterion_mett'$", broken.stdout, re.M
    )
