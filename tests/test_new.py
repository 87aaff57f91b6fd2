"""``pathway new``: the scaffolded pathway validates, lints clean, passes its scenarios with full coverage and runs;
bad ids, bad titles and existing folders are refused with a clear message and nothing written; the site picks the
new pathway up when it is built, with no edit to ``mkdocs.yml``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

import pathway
from pathway.cli.main import main
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.errors import UsageError
from pathway.journey.check import load_journey
from pathway.linter import lint_report
from pathway.publish import scaffold
from pathway.publish.nav import expand_nav
from pathway.publish.scaffold import new_pathway
from pathway.publish.site import pathway_nav, site_pages
from pathway.scenarios.report import run_tests
from tests.conftest import ROOT, build_site


def test_the_new_pathway_validates_lints_clean_and_its_scenarios_cover_everything(tmp_path: Path) -> None:
    created = new_pathway("demo", "Demo pathway", tmp_path)
    folder = tmp_path / "definitions" / "demo"
    assert created.folder == folder
    definition = folder / "pathway.yaml"
    assert pathway.validate(definition) == []
    assert pathway.load(definition).status == "draft"
    ws = Workspace(tmp_path)
    report = lint_report([definition], ws)
    assert report.exit_code == 0
    assert report.diagnostics == []
    tests = run_tests(ws, with_coverage=True, min_coverage=100)
    assert tests.exit_code == 0
    assert len(tests.results) == 3
    assert all(r.passed for r in tests.results)
    (cov,) = tests.coverage
    assert (cov.coverage.state_percent, cov.coverage.transition_percent) == (100, 100)
    analysis = ws.analysis(definition)
    (journey,) = ws.journeys(definition)
    result = Runner(analysis).run(load_journey(journey, analysis))
    assert [r.id for r in result.summary.recommendations] == ["recommended_action"]


def test_every_scaffolded_file_names_a_schema_that_exists(tmp_path: Path) -> None:
    created = new_pathway("demo", None, tmp_path)
    yaml_files = [p for p in created.files if p.suffix == ".yaml"]
    assert len(yaml_files) == 3
    for path in yaml_files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file(), path
    assert (tmp_path / "schema" / "pathways" / "demo.schema.json").is_file()
    assert pathway.load(tmp_path / "definitions" / "demo" / "pathway.yaml").title == "Demo"


def test_an_existing_folder_is_refused_and_left_alone(tmp_path: Path) -> None:
    new_pathway("demo", None, tmp_path)
    definition = tmp_path / "definitions" / "demo" / "pathway.yaml"
    definition.write_text("edited by hand\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"definitions/demo already exists: pathway new never overwrites"):
        new_pathway("demo", "Another", tmp_path)
    assert definition.read_text(encoding="utf-8") == "edited by hand\n"


@pytest.mark.parametrize(
    ("bad", "where", "suggestion"),
    [
        ("Bad-Id", "'B' (character 1)", "bad_id"),
        ("9lives", "'9' (character 1)", "p_9lives"),
        ("my-pathway", "'-' (character 3)", "my_pathway"),
        ("has space", "' ' (character 4)", "has_space"),
        ("a" * 65, "it has 65 characters", "a" * 64),
    ],
)
def test_a_bad_id_is_refused_with_where_and_the_rule(tmp_path: Path, bad: str, where: str, suggestion: str) -> None:
    with pytest.raises(UsageError) as caught:
        new_pathway(bad, None, tmp_path)
    message = str(caught.value)
    assert f"is not a pathway id: {where}" in message
    assert "a lower-case letter, then lower-case letters, digits or '_'" in message
    assert f"did you mean '{suggestion}'?" in message
    assert not (tmp_path / "definitions").exists()


@pytest.mark.parametrize("title", ['Fever: "red flags" & sepsis # 1', "Neuropathie périphérique", "yes"])
def test_any_one_line_title_is_kept_as_written(tmp_path: Path, title: str) -> None:
    new_pathway("demo", title, tmp_path)
    assert pathway.load(tmp_path / "definitions" / "demo" / "pathway.yaml").title == title


@pytest.mark.parametrize("title", ["", "   ", "two\nlines"])
def test_an_empty_or_multi_line_title_is_refused(tmp_path: Path, title: str) -> None:
    with pytest.raises(UsageError, match="title"):
        new_pathway("demo", title, tmp_path)
    assert not (tmp_path / "definitions").exists()


def test_a_failure_half_way_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> str:
        raise OSError(28, "disk full")

    monkeypatch.setattr(scaffold, "write_atomically", broken)
    with pytest.raises(UsageError, match="disk full; nothing was written"):
        new_pathway("demo", None, tmp_path)
    assert list((tmp_path / "definitions").iterdir()) == []  # no folder, no staging left over
    assert not (tmp_path / "schema").exists()


def test_a_root_that_is_a_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "project").write_text("not a folder\n", encoding="utf-8")
    assert main(["new", "demo", "--root", str(tmp_path / "project")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pathway: cannot write ")
    assert "nothing was written" in err
    assert "internal error" not in err


def test_the_command_prints_what_it_wrote_and_json_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "demo", "--root", str(tmp_path), "--title", "Demo"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("created pathway demo in ")
    assert out[0].endswith("definitions/demo/")
    assert out[-1].startswith("next: pathway validate ")
    assert main(["new", "other", "--root", str(tmp_path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["pathway"] == "other"
    assert len(doc["files"]) == 4
    assert main(["new", "Other", "--root", str(tmp_path), "--format", "json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert (doc["error"], doc["parameter"]) == ("usage", "pathway_id")
    assert main(["new", "demo", "--root", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err


def _site_copy(tmp_path: Path) -> Path:
    (tmp_path / "definitions").mkdir(parents=True)
    shutil.copytree(ROOT / "definitions" / "example", tmp_path / "definitions" / "example")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copyfile(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_pages(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_pages(value)]
    return []


def test_a_new_pathway_gets_its_pages_and_nav_without_editing_mkdocs_yml(tmp_path: Path) -> None:
    root = _site_copy(tmp_path)
    new_pathway("demo", None, root)
    ws = Workspace(root)
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    ids = [d.parent.name for d in ws.definitions()]
    nav = _nav_pages(expand_nav(config["nav"], ids, lambda pid: pathway_nav(ws, pid)))
    assert "pathways/demo/index.md" in nav
    assert "pathways/demo/evidence.md" in nav
    assert "pathways/bipn/index.md" not in nav
    pages = site_pages(ws)
    assert sorted(p for p in pages if p.endswith(".md")) == sorted(p for p in nav if p.startswith("pathways/"))
    assert pathway.generate(root=root, check=False).exit_code == 0
    assert (root / "mkdocs.yml").read_bytes() == (ROOT / "mkdocs.yml").read_bytes()


def test_a_nav_entry_naming_a_pathway_that_does_not_exist_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match=r"places pathway nope, which has no definition \(found: bipn, example\)"):
        expand_nav([{"Guides": ["@pathway nope"]}], ["bipn", "example"], lambda pid: [])


@pytest.mark.slow
def test_the_site_with_a_new_pathway_builds_in_strict_mode(tmp_path: Path) -> None:
    root = _site_copy(tmp_path / "project")
    shutil.copytree(ROOT / "definitions" / "bipn", root / "definitions" / "bipn")
    shutil.copytree(ROOT / "pathway", root / "pathway", ignore=shutil.ignore_patterns("__pycache__"))
    new_pathway("demo", None, root)
    done = build_site(root, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "pathways" / "demo" / "index.html").is_file()
