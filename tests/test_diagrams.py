"""Diagrams: golden DOT and Mermaid for a small fixture, determinism, completeness over bipn, and the CLI."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from pathway.cli.main import main
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.journey.check import load_journey
from pathway.render.diagrams import DIAGRAMS_DIR, diagram_artefacts, dot, mermaid, svg, views
from pathway.render.graph import build_graph, build_view
from tests.conftest import FIXTURES, GOLDEN, ROOT, assert_golden

SMALL = FIXTURES / "diagrams" / "small.yaml"
JOURNEY = FIXTURES / "diagrams" / "small-journey.yaml"
TIMERS = FIXTURES / "diagrams" / "timers.yaml"
LONG_GUARD = 'status in ["planned", "active"] and grade >= 1 and (pain or grade >= 2)'


@pytest.fixture(scope="module")
def small() -> Analysis:
    return load_analysis(SMALL)


@pytest.fixture(scope="module")
def small_records(small: Analysis) -> list[dict[str, Any]]:
    return list(Runner(small).run(load_journey(JOURNEY, small)).records)


@pytest.fixture(scope="module")
def bipn() -> Analysis:
    return load_analysis(ROOT / "definitions" / "bipn" / "pathway.yaml")


@pytest.fixture(scope="module")
def small_svgs(small: Analysis) -> dict[str, str]:
    """Each view of the small fixture rendered once (dot is slow enough to share)."""
    return {view: svg(small, view) for view in views(small)}


def test_small_views(small: Analysis) -> None:
    assert views(small) == ["overview", "dose", "symptoms"]


@pytest.mark.parametrize("view", ["overview", "dose", "symptoms"])
def test_small_dot_golden(small: Analysis, view: str) -> None:
    assert_golden(GOLDEN / "diagrams" / f"small-{view}.dot", dot(small, view))


@pytest.mark.parametrize("view", ["overview", "dose"])
def test_small_overlay_golden(small: Analysis, small_records: list[dict[str, Any]], view: str) -> None:
    assert_golden(GOLDEN / "diagrams" / f"small-journey-{view}.dot", dot(small, view, small_records))


def test_overlay_numbers_steps_links_and_dims(small: Analysis, small_records: list[dict[str, Any]]) -> None:
    text = dot(small, "dose", small_records)
    # numbered by step, the seq of the transition record (as the run output labels it), not 1, 2, 3
    assert 'URL="#step-6"' in text
    assert 'URL="#step-11"' in text
    assert "step #6 at 2026-01-05 (input 1)" in text
    assert "step #11 at 2026-01-19 (input 2)" in text
    assert "#b4b4b4" in text  # the cycle_start self-loop on check was never taken
    assert 'fillcolor="#ffe9a8"' in text  # check is current at the end


def test_small_mermaid_golden(small: Analysis) -> None:
    text = mermaid(small)
    assert_golden(GOLDEN / "diagrams" / "small.mmd", text)
    graph = build_graph(small)
    for edge in graph.edges:
        assert re.search(rf"^\s*{edge.source} --> {edge.target}\b", text, re.MULTILINE), edge.id
    assert "[*] --> intake" in text
    assert "done --> [*]" in text
    assert "\n        --\n" in text


@pytest.fixture(scope="module")
def timers() -> Analysis:
    return load_analysis(TIMERS)


def test_timers_dot_golden(timers: Analysis) -> None:
    assert_golden(GOLDEN / "diagrams" / "timers-overview.dot", dot(timers, "overview"))


def test_timers_mermaid_golden(timers: Analysis) -> None:
    assert_golden(GOLDEN / "diagrams" / "timers.mmd", mermaid(timers))


def _edge_line(text: str, transition: str) -> str:
    (line,) = [ln for ln in text.splitlines() if f'id="transition:{transition}"' in ln]
    return line


def test_a_timer_is_dashed_and_says_after_before_its_guard(timers: Analysis) -> None:
    text = dot(timers, "overview")
    timer = _edge_line(text, "no_improvement")
    assert ">after 72h: not improved</TD>" in timer  # on a white ground, legible where a line crosses it
    assert "style=dashed" in timer
    assert 'tooltip="steroids -> escalate\\nafter 72h: not improved"' in timer  # the full guard, as before
    assert ">after P1D</TD>" in _edge_line(text, "infusion->observe")  # the duration as the designer wrote it
    for plain in ("steroids->recovered", "steroids->recovered#2"):
        assert "style=dashed" not in _edge_line(text, plain)
    assert "steroids --> escalate : after 72h not improved" in mermaid(timers)
    assert "escalate --> recovered : after 6w" in mermaid(timers)


def test_a_state_shows_the_period_and_deadline_of_its_recommendations(timers: Analysis) -> None:
    text = dot(timers, "overview")
    cells = re.findall(r'<FONT POINT-SIZE="9">([^<]*)</FONT>', text)
    assert cells[:3] == ["start_steroids", "order_ncs · due 2w", "reassess_neuropathy · every 3w"]
    assert "infliximab · every 1w, due 2d" in cells


def test_the_readme_overview_labels_timers_too(timers: Analysis) -> None:
    from pathway.render.mermaid import render_overview

    text = render_overview(timers)
    assert "steroids --> escalate : after 72h not improved" in text
    assert "escalate --> recovered : after 6w" in text


def test_timers_svg_keeps_the_dash_and_the_label(timers: Analysis) -> None:
    text = svg(timers, "overview")
    assert 'stroke-dasharray="5,2"' in text
    assert ">after 72h: not improved</text>" in text
    assert ">order_ncs · due 2w</text>" in text


def test_dot_is_deterministic(small: Analysis, small_records: list[dict[str, Any]]) -> None:
    for view in views(small):
        assert dot(small, view) == dot(small, view)
        assert dot(small, view, small_records) == dot(small, view, small_records)


def test_svg_is_deterministic_and_unversioned(small: Analysis, small_svgs: dict[str, str]) -> None:
    assert svg(small, "overview") == small_svgs["overview"]
    for text in small_svgs.values():
        assert "Generated by graphviz" not in text
        assert text.lstrip().startswith("<?xml")


def test_long_guard_in_full_in_svg_tooltip(small_svgs: dict[str, str]) -> None:
    tooltips = re.findall(r'xlink:title="([^"]*)"', small_svgs["overview"])
    escaped = LONG_GUARD.replace('"', "&quot;").replace(">", "&gt;")
    assert any(escaped in t for t in tooltips), tooltips
    label_lines = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", small_svgs["overview"])]
    assert all(len(line) <= 40 for line in label_lines), label_lines  # the label itself is wrapped


def test_every_bipn_transition_is_drawn_once(bipn: Analysis) -> None:
    ids = [i for view in views(bipn) for i in re.findall(r'id="transition:([^"]+)"', dot(bipn, view))]
    assert sorted(ids) == sorted(t.id for t in bipn.index.transitions)
    assert len(ids) == len(bipn.index.transitions) == 85


def test_every_bipn_state_is_drawn_in_full_once(bipn: Analysis) -> None:
    drawn: list[str] = []
    for view in views(bipn):
        text = dot(bipn, view)
        drawn += re.findall(r"^\s*subgraph cluster_(\w+) \{", text, re.MULTILINE)
        drawn += re.findall(r"^\s*([a-z]\w*) \[label=<", text, re.MULTILINE)
    assert sorted(drawn) == sorted(bipn.index.states)


def test_bipn_views_follow_the_regions(bipn: Analysis) -> None:
    names = views(bipn)
    assert names[:3] == ["overview", "workup", "diagnosis"]
    assert {"dose", "pain", "immune", "zoster", "neurotoxic", "monitoring", "compression"} <= set(names)
    graph = build_graph(bipn)
    assert build_view(graph, "overview").boxes[:2] == ("workup", "dose")
    assert build_view(graph, "workup").boxes[0] == "diagnosis"
    with pytest.raises(KeyError, match="unknown view 'grading'"):
        build_view(graph, "grading")


def test_cli_writes_dot_files(tmp_path: Path) -> None:
    assert main(["diagram", "example", "--format", "dot", "--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["dose.dot", "overview.dot", "pain.dot"]
    generated = diagram_artefacts(Workspace(ROOT))[
        ROOT / DIAGRAMS_DIR / "example" / "overview.dot"
    ]  # what generate commits
    assert (tmp_path / "overview.dot").read_text(encoding="utf-8") == generated


def test_cli_mermaid_and_trail(tmp_path: Path) -> None:
    assert main(["diagram", "example", "--format", "mermaid", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "pathway.mmd").read_text(encoding="utf-8").startswith("stateDiagram-v2\n")
    trail = ROOT / "definitions" / "example" / "trails" / "grade2-then-grade3.jsonl"
    assert main(["diagram", "example", "--format", "dot", "--out", str(tmp_path), "--trail", str(trail)]) == 0
    assert 'URL="#step-4"' in (tmp_path / "overview.grade2-then-grade3.dot").read_text(encoding="utf-8")


def test_cli_check_fails_on_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "definitions" / "example").mkdir(parents=True)
    source = (ROOT / "definitions" / "example" / "pathway.yaml").read_text(encoding="utf-8")
    (tmp_path / "definitions" / "example" / "pathway.yaml").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["diagram", "example", "--format", "dot", "--out", "diagrams/example"]) == 0
    assert main(["diagram", "example", "--out", "diagrams/example"]) == 0
    assert main(["diagram", "--format", "mermaid", "example", "--out", "diagrams/example"]) == 0
    assert main(["diagram", "example", "--view", "clinical", "--format", "dot", "--out", "diagrams/example"]) == 0
    assert main(["diagram", "example", "--view", "clinical", "--out", "diagrams/example"]) == 0
    assert main(["diagram", "--check"]) == 0
    stale = tmp_path / "diagrams" / "example" / "dose.dot"
    stale.write_text(stale.read_text(encoding="utf-8").replace("grade_check", "grade_chek"), encoding="utf-8")
    assert main(["diagram", "--check"]) == 1
    assert main(["diagram", "example", "--check"]) == 1


def test_a_label_stays_by_its_arrow_and_stays_legible() -> None:
    """An edge clipped at a region's border gets an xlabel (placed beside the drawn arrow, after clipping), an
    unclipped one a label; both on a white ground, so that a border or an arrow crossing them does not strike them
    through."""
    text = dot(load_analysis(ROOT / "definitions" / "bipn" / "pathway.yaml"), "dose")
    clipped = _edge_line(text, "dose_status->grading")
    assert "lhead=cluster_grading" in clipped
    assert "xlabel=<" in clipped
    assert " label=" not in clipped
    plain = _edge_line(text, "dose_status->no_bortezomib")
    assert "lhead" not in plain
    assert 'label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" BGCOLOR="white">' in plain
    assert "forcelabels=true" in text  # every xlabel drawn, none dropped where space is tight
