"""The documentation site: generated pages that say so, every page in the nav (the pathways' found when the site is
built), pages titled with their pathway, diagrams kept out of search with a full-size file, evidence anchors, the
states nested, ids in the clinical review linked, the CLI reference complete, the tutorial true (its files written
and its commands run with the output it shows), and ``mkdocs build --strict`` clean, also for a third pathway
added to a copy without touching ``mkdocs.yml``."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from pathway.cli.main import build_parser, main
from pathway.cli.reference import cli_page
from pathway.definition.workspace import Workspace
from pathway.publish.figures import point_evidence
from pathway.publish.links import link_ids
from pathway.publish.nav import expand_nav
from pathway.publish.pathway_docs import BUILT
from pathway.publish.site import pathway_nav, site_pages
from tests.conftest import ROOT, build_site

DOCS = ROOT / "docs"
TUTORIAL = DOCS / "tutorial.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
HASH = re.compile(r"\b[0-9a-f]{12,64}\b")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return site_pages(Workspace(ROOT))


def _body(text: str) -> str:
    """A generated page without its front matter."""
    return text.split("---\n", 2)[2].lstrip("\n") if text.startswith("---\n") else text


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


def test_generated_pages_say_so_and_cover_every_definition(pages: dict[str, str]) -> None:
    markdown = {uri: _body(text) for uri, text in pages.items() if uri.endswith(".md")}
    assert all(text.startswith("# ") and BUILT in text.splitlines()[2] for text in markdown.values())
    for definition in sorted((ROOT / "definitions").glob("*/pathway.yaml")):
        folder = f"pathways/{definition.parent.name}"
        for name in ("index.md", "facts.md", "actions.md", "states.md", "scenarios.md", "choices.md", "evidence.md"):
            assert f"{folder}/{name}" in pages
        for journey in Workspace.journeys(definition):
            assert f"{folder}/patients/{journey.stem}.md" in pages
    assert not (DOCS / "pathways").exists(), "the pathways' pages are generated when the site is built"


def _site_nav() -> list[object]:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    ws = Workspace(ROOT)
    ids = [d.parent.name for d in ws.definitions()]
    nav: list[object] = expand_nav(config["nav"], ids, lambda pid: pathway_nav(ws, pid))
    return nav


def test_every_docs_page_is_in_the_nav(pages: dict[str, str]) -> None:
    nav = _nav_pages(_site_nav())
    on_disk = [p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")]
    generated = [uri for uri in pages if uri.endswith(".md")]
    assert sorted(set(nav)) == sorted(on_disk + generated)
    assert len(nav) == len(set(nav)), "a page appears twice in the nav"


def _titles(nav: object) -> list[tuple[str, str]]:
    """(title, page) of every titled page in the nav."""
    if isinstance(nav, list):
        return [t for item in nav for t in _titles(item)]
    out: list[tuple[str, str]] = []
    if isinstance(nav, dict):
        for title, value in nav.items():
            out += [(title, value)] if isinstance(value, str) else _titles(value)
    return out


def test_pathway_pages_are_titled_with_their_pathway_and_the_example_sits_with_the_tutorial() -> None:
    nav = _site_nav()
    titles = _titles(nav)
    for title, page in titles:
        if page.startswith("pathways/"):
            assert title.startswith(page.split("/")[1] + " — "), (title, page)
    assert ("bipn — Facts", "pathways/bipn/facts.md") in titles
    guides = next(item["Guides"] for item in nav if isinstance(item, dict) and "Guides" in item)
    assert [p for _, p in _titles(guides)].index("pathways/example/index.md") == 1  # right after the tutorial


def test_every_diagram_is_kept_out_of_search_and_opens_full_size(pages: dict[str, str]) -> None:
    overview = pages["pathways/bipn/index.md"]
    assert overview.startswith("---\nhide:\n  - toc\n---\n")
    frames = re.findall(r"<div class=\"pathway-diagram\"([^>]*)>", overview)
    links = re.findall(r"\[Open full size\]\((diagrams/[\w-]+\.svg)\)", overview)
    assert len(frames) == len(links) >= 10
    assert all("data-search-exclude" in attributes for attributes in frames)
    for link in links:
        assert pages[f"pathways/bipn/{link}"].lstrip().startswith("<?xml"), link


def test_every_evidence_entry_has_its_anchor_and_every_link_to_one_lands(pages: dict[str, str]) -> None:
    for pathway_id in ("bipn", "example"):
        trace = pages[f"pathways/{pathway_id}/evidence.md"]
        ids = set(Workspace(ROOT).analysis(Workspace(ROOT).definition_of(pathway_id)).pathway.evidence)
        assert set(re.findall(r'<a id="ev-([^"]+)"></a>', trace)) == ids
        folder = f"pathways/{pathway_id}/"
        linked = {
            e
            for uri, text in pages.items()
            if uri.startswith(folder)
            for e in re.findall(r"evidence\.md#ev-([\w.-]+)\)", text)
        }
        assert linked, pathway_id
        assert linked <= ids, linked - ids


def test_evidence_links_inside_a_diagram_lead_to_the_evidence_trace_from_where_it_sits() -> None:
    drawn = '<svg><a xlink:href="evidence.md#ev-a"><text>1</text></a><a href="#ev-b"></a><a href="states.md#x"></a>'
    assert point_evidence(drawn, "../../") == (
        '<svg><a xlink:href="../../evidence/#ev-a"><text>1</text></a><a href="../../evidence/#ev-b"></a>'
        '<a href="states.md#x"></a>'
    )
    assert point_evidence('<a href="pathways/bipn/evidence.md#ev-c">', "") == '<a href="evidence/#ev-c">'


def test_the_states_reference_nests_its_headings_as_the_states_nest(pages: dict[str, str]) -> None:
    states = pages["pathways/bipn/states.md"]
    assert "\n## `care` {#care}\n" in states
    assert "\n### `workup` {#workup}\n" in states
    assert "\n#### `diagnosis` {#diagnosis}\n" in states
    assert "\n### `dose` {#dose}\n" in states


def test_ids_in_the_clinical_review_link_to_their_definitions() -> None:
    review = (DOCS / "clinical-review.md").read_text(encoding="utf-8")
    assert review.startswith("---\npathway: bipn\n---\n")
    ws = Workspace(ROOT)
    linked = link_ids(review, ws.analysis(ws.definition_of("bipn")), "pathways/bipn/")
    assert "[`art-direct-answer`](pathways/bipn/evidence.md#ev-art-direct-answer)" in linked
    assert "finding [`typical_bipn`](pathways/bipn/actions.md#finding-typical_bipn)" in linked
    assert "[`assessing -> typical_bipn`](pathways/bipn/states.md#assessing)" in linked
    assert "[`switch_to_weekly_sc`](pathways/bipn/actions.md#action-switch_to_weekly_sc)" in linked
    assert "[`red_flag`](pathways/bipn/facts.md#derived-red_flag)" in linked
    assert "[`ncs_pattern`](pathways/bipn/facts.md#fact-ncs_pattern)" in linked
    assert len(re.findall(r"\]\(pathways/bipn/", linked)) > 100
    assert link_ids("```\n`typical_bipn`\n```\n`not_an_id`", ws.analysis(ws.definition_of("bipn")), "x/") == (
        "```\n`typical_bipn`\n```\n`not_an_id`"
    )


def test_a_patient_page_has_its_timeline_in_words_and_its_audit_facts(pages: dict[str, str]) -> None:
    page = pages["pathways/bipn/patients/typical-grade2-iv.md"]
    trail = (ROOT / "definitions" / "bipn" / "trails" / "typical-grade2-iv.jsonl").read_text(encoding="utf-8")
    final = json.loads(trail.splitlines()[-1])["hash"]
    assert f"| trail final hash | `{final}` |" in page
    assert "`pathway replay definitions/bipn/trails/typical-grade2-iv.jsonl`" in page
    assert "The committed trail is not today's run" not in page
    said = '<span class="pathway-said" title="{}">{}</span>'.format
    assert (
        "**care**: " + said("done switch_to_weekly_sc", "done: Switch to once-weekly subcutaneous bortezomib") in page
    )
    assert "**waiting for**: " + said("b12_low", "Vitamin B12 deficiency found") in page
    assert said("beta2_microglobulin_mg_l = 4.1", "Serum beta-2 microglobulin 4.1 mg/L") in page  # words and unit
    step = re.search(r'\*\*\[#18\]\(#path-1\)\*\* <span class="pathway-said" title="([^"]*)">([^<]*)</span>', page)
    assert step, "step 18 linked to the figure that draws it, its words shown, its ids in the tooltip"
    assert step.group(1) == "#18 exposure_check → exposure_review (exposed_to_bortezomib)"
    assert step.group(2).startswith("Has the patient received bortezomib? ")
    assert re.search(r"\*\*evidence\*\*: \[Source article, [^]]+\]\(\.\./evidence\.md#ev-[a-z0-9-]+ \"[^\"]+\"\)", page)
    assert "## The path on the clinical algorithm" in page
    assert "State chart" not in page  # the clinical path is the figure: no designers' overlay
    assert "[Open full size](typical-grade2-iv-diagrams/path-1.svg)" in page
    drawn = pages["pathways/bipn/patients/typical-grade2-iv-diagrams/path-1.svg"]
    assert "#18 · 2026&#45;03&#45;02" in drawn  # graphviz writes - as &#45;
    assert 'href="../../evidence/#ev-' in drawn  # the full-size file's footnotes reach the evidence trace
    inline = page.split("## Timeline")[0]
    shown = sorted({int(n) for n in re.findall(r"\{#path-(\d+)\}", inline)})
    assert shown[0] == 1, shown  # the overview, then the pages the path passes through, with their own numbers
    overview = pages["pathways/bipn/index.md"]
    left_out = sorted(set(range(1, overview.count("{#clinical-") + 1)) - set(shown))
    assert left_out, "the journey never reaches some lanes: their pages are left out"
    links = set(re.findall(r'href="([^"]*(?:#path-|#clinical-)\d+)"', inline))
    assert {f"#path-{n}" for n in shown[1:]} <= links  # "see page N": the path's own page, on this page
    assert {f"../../#clinical-{n}" for n in left_out} & links  # a page never reached: the clinical algorithm's
    assert not {f"../../#clinical-{n}" for n in shown} & links
    assert "this journey: pages " + ", ".join(map(str, shown[:-1])) + f" and {shown[-1]}" in inline
    left = ", ".join(f"[{n}](../index.md#clinical-{n})" for n in left_out)
    assert f"{left} {'are' if len(left_out) > 1 else 'is'} left out: this journey never reaches" in inline
    assert 'href="../../#clinical-' in drawn  # the full-size file: a page never reached opens on the overview
    assert f'href="path-{shown[1]}.svg"' in drawn
    assert 'href="#path-' not in drawn


def test_the_clinical_algorithm_comes_first_with_links_for_where_it_sits(pages: dict[str, str]) -> None:
    overview = pages["pathways/bipn/index.md"]
    assert overview.index("## Clinical algorithm") < overview.index("## State chart (for designers)")
    assert "### Page 1: Overview {#clinical-1}" in overview
    assert "Legend" in overview.split("### Page 2")[0]
    inline = overview.split("## State chart")[0]
    assert 'href="#paraprotein"' in inline  # a checklist row: the region's state chart, further down the page
    assert 'href="#clinical-2"' in inline  # "see page 2"
    assert 'href="evidence/#ev-' in inline
    assert "@pathway/" not in "".join(pages.values())
    full = pages["pathways/bipn/diagrams/clinical-1.svg"]
    assert 'href="../#paraprotein"' in full
    assert 'href="../evidence/#ev-' in full


def test_the_cli_reference_documents_every_command() -> None:
    reference = cli_page(build_parser())
    for name, parser in _commands().items():
        assert f"## pathway {name}\n" in reference
        assert parser.description, f"pathway {name} has no description"


def test_the_scenario_catalogue_lists_every_bipn_scenario_passing(pages: dict[str, str]) -> None:
    catalogue = pages["pathways/bipn/scenarios.md"]
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


def test_the_overview_shows_the_draft_status(pages: dict[str, str]) -> None:
    overview = pages["pathways/bipn/index.md"]
    assert "Draft: awaiting clinical review" in overview
    assert "Decision support, not a medical device" in overview


@pytest.mark.slow
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    done = build_site(ROOT, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "pathways" / "bipn" / "index.html").is_file()


def _third_pathway(root: Path) -> None:
    """A copy of the example under another id, its journeys and scenarios pinned to it; trails left out."""
    folder = root / "definitions" / "third"
    shutil.copytree(ROOT / "definitions" / "example", folder, ignore=shutil.ignore_patterns("trails"))
    for path in folder.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for old, new in (("pathway: example", "pathway: third"), ("journey: example-", "journey: third-")):
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_a_third_pathway_reaches_the_site_without_touching_mkdocs_yml(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("docs", "definitions", "pathway"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    _third_pathway(root)
    done = build_site(root, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (root / "mkdocs.yml").read_bytes() == (ROOT / "mkdocs.yml").read_bytes()
    page = tmp_path / "site" / "pathways" / "third"
    for built in ("index.html", "facts/index.html", "evidence/index.html", "patients/grade2-then-grade3/index.html"):
        assert (page / built).is_file(), built
    assert (page / "diagrams" / "overview.svg").is_file()
    overview = (page / "index.html").read_text(encoding="utf-8")
    assert "third — Overview" in overview  # the page's title names its pathway, and the nav lists it
    assert 'href="../third/patients/grade2-then-grade3/"' in overview or "patients/grade2-then-grade3/" in overview
    patient = (page / "patients" / "grade2-then-grade3" / "index.html").read_text(encoding="utf-8")
    assert "The committed trail is not today" in patient  # no trail was committed for it: the page says so


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
