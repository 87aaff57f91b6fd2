"""Questions, strength of recommendation and quality of evidence, in every reader: the issued record carries the
strength and direction an action states (and nothing when it states none), run output and explain show them with
each evidence entry's quality, the docs pages and the diagrams show them and the states' questions, and a pathway
that states none of them reads and hashes as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pathway
from pathway.audit.report import render_run
from pathway.definition.canonical import canonical_json
from pathway.definition.grading import Stance, quality_text
from pathway.definition.loader import load_analysis
from pathway.definition.questions import asked, decides
from pathway.definition.summary import render_summary
from pathway.publish.pathway_docs import evidence_page
from pathway.publish.site_pages import actions_page, states_page
from pathway.render.dot import render_dot
from pathway.render.graph import build_graph, views_of
from pathway.render.mermaid import render_mermaid
from pathway.trail.records import IssuedRecord
from tests.conftest import FIXTURES, GOLDEN, ROOT, assert_golden

GRADED = FIXTURES / "grading" / "graded.yaml"
WEAK_AGAINST = {"strength": "weak", "direction": "against"}
BUNDLED = sorted((ROOT / "definitions").glob("*/pathway.yaml"))
JOURNEY = FIXTURES / "grading" / "journey.yaml"


@pytest.mark.parametrize(
    ("strength", "direction", "short", "words", "record"),
    [
        (None, None, "", "", {}),
        (None, "for", "", "", {"direction": "for"}),
        ("strong", None, "strong for", "strong recommendation for", {"strength": "strong", "direction": "for"}),
        ("weak", "against", "weak against", "weak recommendation against", WEAK_AGAINST),
        (None, "against", "against", "recommendation against", {"direction": "against"}),
    ],
)
def test_a_stance_reads_the_same_everywhere(
    strength: str | None, direction: str | None, short: str, words: str, record: dict[str, str]
) -> None:
    stance = Stance(strength, direction)  # type: ignore[arg-type]
    assert (stance.short, stance.words, stance.record()) == (short, words, record)


def test_a_quality_reads_as_the_fhir_display_and_a_grade_verbatim() -> None:
    assert quality_text("very-low", None) == "very low quality"
    assert quality_text("moderate", "GRADE 1B") == "moderate quality, GRADE 1B"
    assert quality_text(None, "NCCN category 2A") == "NCCN category 2A"
    assert quality_text(None, None) == ""


@pytest.mark.parametrize("definition", BUNDLED, ids=lambda p: p.parent.name)
def test_a_definition_that_states_none_of_them_hashes_without_them(definition: Path) -> None:
    data = json.loads(canonical_json(pathway.load(definition)))
    assert "requires" not in data
    assert all("quality" not in e and "grade" not in e for e in data["evidence"].values())


def test_the_issued_record_carries_what_the_action_states_and_nothing_else() -> None:
    result = pathway.run(GRADED, JOURNEY)
    issued = {r.id: r for r in result.records if isinstance(r, IssuedRecord)}
    assert (issued["start_duloxetine"].strength, issued["start_duloxetine"].direction) == ("strong", "for")
    assert (issued["avoid_tca"].strength, issued["avoid_tca"].direction) == ("weak", "against")
    example = pathway.run(ROOT / "definitions" / "example" / "pathway.yaml", _example_journey())
    lines = [r.to_dict() for r in example.records if isinstance(r, IssuedRecord)]
    assert lines
    assert all("strength" not in line and "direction" not in line for line in lines)


def _example_journey() -> dict[str, object]:
    facts = {"bortezomib_status": "active", "sensory_grade": 2, "motor_grade": 0, "neuropathic_pain": True}
    return {"journey": "e", "events": [{"at": "2026-01-01", "facts": facts}]}


def test_a_trail_with_strength_replays_and_says_so_without_the_pathway(tmp_path: Path) -> None:
    trail = tmp_path / "graded.jsonl"
    pathway.run(GRADED, JOURNEY).write(trail)
    assert pathway.replay(trail, GRADED).ok
    text = render_run(pathway.run(GRADED, JOURNEY).records)  # no pathway: strength from the records alone
    assert "+ recommend avoid_tca: Avoid tricyclic antidepressants  [weak against; evidence: series]" in text


def test_run_output_shows_strength_direction_and_each_evidence_quality() -> None:
    analysis = load_analysis(GRADED)
    text = render_run(pathway.run(analysis, JOURNEY).records, analysis)
    assert_golden(GOLDEN / "run" / "graded.txt", text + "\n")
    assert "[strong for; evidence: trial (moderate quality, GRADE 1B)]" in text
    assert "recommendations: avoid_tca (weak against, since 2026-03-09, in tca_avoided)" in text


def test_explain_shows_the_question_the_stance_and_the_quality(tmp_path: Path) -> None:
    trail = tmp_path / "graded.jsonl"
    pathway.run(GRADED, JOURNEY).write(trail)
    lines = pathway.explain(trail, step=6, pathway=GRADED).lines
    assert "      question: Neuropathic pain?" in lines
    recommended = lines[lines.index("Recommended now:") + 1 :]
    reassess = next(line for line in recommended if line.startswith("  reassess: "))
    assert reassess.startswith("  reassess: Reassess the pain [weak recommendation for] - issued at #5")
    assert reassess.endswith("evidence: trial (moderate quality, GRADE 1B), series (very low quality)")
    why_not = pathway.explain(trail, step=6, pathway=GRADED, why_not="avoid_tca").lines
    stance = "avoid_tca (Avoid tricyclic antidepressants; a weak recommendation against)"
    assert f"{stance} is not recommended now." in why_not


def test_a_state_decides_with_two_guarded_transitions_and_asks_its_question_or_what_its_guards_read() -> None:
    analysis = load_analysis(GRADED)
    assert [s for s in analysis.index.states if decides(analysis, s)] == ["pain_check", "treat"]
    stated = asked(analysis, "pain_check")
    assert stated is not None
    assert (stated.text, stated.stated, stated.reads) == ("Neuropathic pain?", True, ())
    built = asked(analysis, "treat")
    assert built is not None
    assert (built.text, built.stated, built.reads) == (None, False, (("glaucoma", "Glaucoma is present."),))
    assert asked(analysis, "tca_avoided") is None


def test_the_docs_pages_show_questions_strength_and_quality() -> None:
    analysis = load_analysis(GRADED)
    states = states_page(analysis)
    assert "- **question**: Neuropathic pain?\n" in states
    built = (
        "- **decides on** (the definition states no question; what its guards read): `glaucoma` (Glaucoma is present.)"
    )
    assert built in states
    assert "- **recommends**: `start_duloxetine` (strong for), `reassess` (due 2w, weak for)\n" in states
    assert "- **recommends**: `avoid_tca` (weak against)\n" in states
    actions = actions_page(analysis)
    assert "| action | kind | title | strength | dose | evidence | note |" in actions
    assert (
        '| <a id="action-avoid_tca"></a>`avoid_tca` | advice | Avoid tricyclic antidepressants | weak against | - |'
        in actions
    )
    evidence = evidence_page(analysis)
    assert "| evidence | statement | quality | references | cited by |" in evidence
    row = (
        '| <a id="ev-trial"></a>`trial` | Example guideline, recommendation 1 (randomised trials) | moderate quality, '
        "GRADE 1B | - |"
    )
    assert row in evidence


def test_without_strength_or_quality_the_pages_have_no_such_column() -> None:
    analysis = load_analysis(ROOT / "definitions" / "example" / "pathway.yaml")
    assert "strength" not in actions_page(analysis)
    assert "quality" not in evidence_page(analysis)


def test_the_diagrams_show_the_question_and_the_stance() -> None:
    graph = build_graph(load_analysis(GRADED))
    dot = render_dot(graph, views_of(graph)[0])
    assert '<B>pain_check</B></TD></TR><TR><TD><FONT POINT-SIZE="9"><I>Neuropathic pain?</I></FONT>' in dot
    assert "reassess · due 2w · weak for" in dot
    assert "avoid_tca · weak against" in dot
    mermaid = render_mermaid(graph)
    assert "    pain_check : Neuropathic pain?\n" in mermaid


def test_a_question_is_one_escaped_line_in_the_diagrams(tmp_path: Path) -> None:
    text = GRADED.read_text(encoding="utf-8").replace(
        "question: Neuropathic pain?", 'question: "Pain {now}:\\n\\u001b[2J yes?"'
    )
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    graph = build_graph(load_analysis(tmp_path / "p.yaml"))
    dot = render_dot(graph, views_of(graph)[0])
    assert "\x1b" not in dot
    assert "<I>Pain {now}: \\x1b[2J yes?</I>" in dot
    assert "    pain_check : Pain (now) \\x1b[2J yes?\n" in render_mermaid(graph)


def test_show_lists_the_question_and_each_actions_stance() -> None:
    text = render_summary(load_analysis(GRADED))
    assert "  pain_check (atomic, initial)\n    question: Neuropathic pain?\n" in text
    assert "[advice] Avoid tricyclic antidepressants  (weak against; evidence: series)" in text
