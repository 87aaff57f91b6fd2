"""Time in what a reviewer reads: a timer's trigger, a recommendation's deadline and period, a fact's 'current for'
and a note on a timed recommendation appear in the generated pages, and a timer labels its edge in the diagrams."""

from __future__ import annotations

from pathlib import Path

from pathway.definition.loader import load_analysis
from pathway.publish.pathway_docs import choices_page
from pathway.publish.site_pages import facts_page, states_page
from pathway.render.graph import build_graph
from pathway.render.mermaid import render_mermaid, render_overview
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "time"


def test_a_timer_is_its_transitions_trigger_and_labels_its_edge() -> None:
    analysis = load_analysis(FIXTURES / "timers.yaml")
    page = states_page(analysis)
    assert "| `on_steroids->infliximab` | [`infliximab`](#infliximab) | timer: after `72h` in this state |" in page
    assert "| `on_steroids->tapering` | [`tapering`](#tapering) | facts change |" in page
    labels = {e.id: e.label for e in build_graph(analysis).edges}
    assert labels["on_steroids->infliximab"] == 'after 72h: response == "none"'
    assert labels["tapering->done"] == "after P1W"
    assert labels["before->on_steroids"] == "on start_steroids"
    assert "tapering --> done : after P1W" in render_mermaid(build_graph(analysis))
    assert "tapering --> done : after P1W" in render_overview(analysis)


def test_a_deadline_a_period_and_a_facts_lifetime_are_shown() -> None:
    analysis = load_analysis(FIXTURES / "recurrence.yaml")
    assert "- **recommends**: `reassess` (every 1w), `order_ncs` (due 2w)" in states_page(analysis)
    assert "- **recommends**: `stop_drug`\n" in states_page(analysis)
    facts = facts_page(analysis)
    assert "| fact | type | allowed values or range | unit | current for |" in facts
    assert '| <a id="fact-grade"></a>`grade` | int | 0 to 4 | - | 21d |' in facts


def test_without_valid_for_the_facts_page_has_no_current_for_column() -> None:
    assert "current for" not in facts_page(load_analysis(FIXTURES / "timers.yaml"))


def test_a_choice_noted_on_a_timed_recommendation_is_collected(tmp_path: Path) -> None:
    text = (FIXTURES / "recurrence.yaml").read_text(encoding="utf-8")
    noted = text.replace(
        "      - {action: order_ncs, due: 2w}\n",
        "      - {action: order_ncs, due: 2w, note: 'CHOICE: two weeks, the clinic standard.'}\n",
    )
    assert noted != text
    (tmp_path / "recurrence.yaml").write_text(noted, encoding="utf-8")
    page = choices_page(load_analysis(tmp_path / "recurrence.yaml"))
    assert "## recommendation `order_ncs` of state `monitoring`\n\nCHOICE: two weeks, the clinic standard." in page


def test_a_note_on_a_timer_names_its_duration_not_always(tmp_path: Path) -> None:
    text = (FIXTURES / "timers.yaml").read_text(encoding="utf-8")
    noted = text.replace("        after: 2w\n", "        after: 2w\n        note: 'CHOICE: two weeks.'\n")
    noted = noted.replace(
        '        when: response == "none"\n', "        when: response == \"none\"\n        note: 'CHOICE: 72 hours.'\n"
    )
    (tmp_path / "timers.yaml").write_text(noted, encoding="utf-8")
    page = choices_page(load_analysis(tmp_path / "timers.yaml"))
    assert "## transition `infliximab->review` (after `2w`)" in page
    assert '## transition `on_steroids->infliximab` (after `72h`, when `response == "none"`)' in page
