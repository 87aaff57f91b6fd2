"""Shared test helpers. Tests run from the project root so that displayed paths are stable, and write only under
their temporary directories: the run fails when it leaves the checkout changed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
UPDATE_GOLDEN = os.environ.get("PATHWAY_UPDATE_GOLDEN") == "1"
# Where the browser test saves its screenshots when a developer wants to look at them (else a temporary directory).
SCREENSHOTS = Path(os.environ["PATHWAY_SCREENSHOTS"]).resolve() if os.environ.get("PATHWAY_SCREENSHOTS") else None
# Timing belongs in bench/: no test fails for being slow on a loaded machine, hypothesis' deadline and too_slow
# health check included (a test's own settings start from this profile).
settings.register_profile("pathway", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pathway")
CACHES = frozenset({".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"})


@pytest.fixture(autouse=True)
def _at_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def checkout_files() -> dict[str, tuple[int, int]]:
    """Every file of the checkout, caches left out, with its modification time and size."""
    files: dict[str, tuple[int, int]] = {}
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not (d in CACHES or d.endswith(".egg-info") or Path(folder, d) == SCREENSHOTS)]
        for name in names:
            path = Path(folder, name)
            try:
                stat = path.stat()
            except OSError:  # gone meanwhile, or a dangling link: not a file of the checkout
                continue
            files[path.relative_to(ROOT).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return files


@pytest.fixture(scope="session", autouse=True)
def _checkout_unchanged() -> Iterator[None]:
    """A test writes under its tmp_path, never into the checkout (golden updates excepted)."""
    before = checkout_files()
    yield
    after = checkout_files()
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    if changed and not UPDATE_GOLDEN:
        pytest.fail(
            "the test run changed the checkout (a test must write under tmp_path; if you edited these files "
            f"meanwhile, run again): {', '.join(changed)}",
            pytrace=False,
        )


def assert_golden(path: Path, actual: str) -> None:
    """Compare with a golden file; PATHWAY_UPDATE_GOLDEN=1 rewrites it (review the diff before committing)."""
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with PATHWAY_UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A property test must be marked slow, so that the default run stays quick (before ``-m`` deselects)."""
    unmarked = [
        item.nodeid
        for item in items
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False) and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError("mark these hypothesis tests @pytest.mark.slow: " + ", ".join(unmarked))


def build_site(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of the project at ``project`` into ``site`` (for the slow site tests)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )


def build_wheel(tmp_path: Path, **env: str) -> Path:
    """pathway's wheel, built as a user builds it (``pip wheel``, with ``env``: ``PATHWAY_MYPYC="1"`` for the native
    build) from a copy of the sources under ``tmp_path``, so that the build's own files stay out of the checkout."""
    import shutil

    source = tmp_path / "source"
    shutil.copytree(ROOT / "pathway", source / "pathway", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q", "-w", "dist", "."]
    built = subprocess.run(pip, cwd=source, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (source / "dist").glob("pathway-*.whl")
    return wheel
