"""A journey's timeline (``pathway.audit.timeline``): one row per moment of the trail, in words a person reads
(questions, titles, fact descriptions with units, citations) with the trail's ids beside each, and the step
numbers the diagrams draw; the same rows, by id, whether or not the pathway is at hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pathway.audit.glossary import Said
from pathway.audit.timeline import timeline
from pathway.definition.loader import load, load_analysis
from pathway.render.patient import glossary
from pathway.trail.io import read_trail
from pathway.trail.records import InputRecord, Record, TransitionRecord
from tests.conftest import FIXTURES, GOLDEN, ROOT

BIPN = ROOT / "definitions" / "bipn"
TRAILS = sorted((ROOT / "definitions").glob("*/trails/*.jsonl"))


def _records(path: Path) -> tuple[Record, ...]:
    return read_trail(path).intact("read")


@pytest.mark.parametrize("path", TRAILS, ids=[p.name for p in TRAILS])
def test_every_transition_and_input_is_in_exactly_one_row(path: Path) -> None:
    records = _records(path)
    rows = timeline(records, load(path.parent.parent / "pathway.yaml"))
    steps = [s.number for row in rows for s in row.steps]
    assert steps == [r.seq for r in records if isinstance(r, TransitionRecord)]
    inputs = [row.input for row in rows if row.input is not None]
    assert inputs == [r.input for r in records if isinstance(r, InputRecord)]
    assert [row.seq for row in rows] == sorted(row.seq for row in rows)
    json.dumps([row.to_json() for row in rows])  # plain data, for a report


def _texts(items: tuple[Said, ...]) -> list[str]:
    return [i.text for i in items]


def _codes(items: tuple[Said, ...]) -> list[str]:
    return [i.code for i in items]


def test_the_rows_say_what_happened_in_words_with_the_ids_beside() -> None:
    analysis = load_analysis(BIPN / "pathway.yaml")
    rows = timeline(_records(BIPN / "trails" / "typical-grade2-iv.jsonl"), analysis.pathway, glossary(analysis))
    first = rows[0]
    assert (first.at, first.input, first.note) == ("2026-03-02", 1, "Clinic visit before cycle 4, new burning feet.")
    beta2 = next(a for a in first.arrived if a.code == "beta2_microglobulin_mg_l = 4.1")
    assert beta2.text == "Serum beta-2 microglobulin 4.1 mg/L"  # the description's first clause and the unit
    assert "neuropathic_pain = true" in _codes(first.arrived)
    assert "The patient reports neuropathic pain: yes" in _texts(first.arrived)
    ncs = next(r for r in first.recommended if r.code == "order_ncs")
    assert ncs.text == "Order nerve conduction studies"  # the title, the id beside it
    assert all(" " in c.cite and c.id in analysis.pathway.evidence for c in ncs.evidence)  # a citation, not an id
    assert next(w for w in first.waiting if w.code == "b12_low").text == "Vitamin B12 deficiency found"
    step = next(s for s in first.steps if s.code.startswith("#18 "))
    assert step.code == "#18 exposure_check → exposure_review (exposed_to_bortezomib)"  # the trail's terms, kept
    assert step.text.startswith("#18 Has the patient received bortezomib? ")  # the state's question
    assert "→ Bortezomib received, exposure under review (" in step.words  # the title its description gives
    assert "exposure_check" not in step.text
    assert "exposed_to_bortezomib" not in step.text
    graded = next(s for r in rows for s in r.steps if s.source == "grade_check")
    assert graded.words.startswith("Neuropathy grade 3-4, grade 1-2, or none? 1-2 → Grade 1-2")
    assert "CTCAE v5 peripheral sensory neuropathy grade 2" in graded.words  # the values that decided it
    cites = [c.cite for c in first.evidence]
    assert cites
    assert all(c.startswith("Source article") for c in cites)
    switched = next(row for row in rows if row.input == 3)
    assert _texts(switched.care) == ["done: Switch to once-weekly subcutaneous bortezomib"]
    assert _codes(switched.care) == ["done switch_to_weekly_sc"]
    woke = next(row for row in rows if row.input is None)
    assert woke.at == "2026-03-23T00:00:00"
    assert _codes(woke.arrived) == ["motor_grade went stale", "sensory_grade went stale"]
    assert _texts(woke.arrived) == [
        "CTCAE v5 peripheral motor neuropathy grade went stale",
        "CTCAE v5 peripheral sensory neuropathy grade went stale",
    ]
    result = next(row for row in rows if row.input == 6)
    assert "ncs_pattern = axonal_sensory fulfils order_ncs" in _codes(result.care)
    assert "result Nerve conduction study pattern: axonal sensory fulfils: Order nerve conduction studies" in _texts(
        result.care
    )
    assert "Typical bortezomib-induced peripheral neuropathy" in _texts(first.concluded)  # on the clinical picture
    assert "Order nerve conduction studies" in _texts(result.stopped)
    json.dumps([row.to_json() for row in rows])


def test_a_timer_that_fell_due_is_said_in_the_words_of_its_arrow() -> None:
    analysis = load_analysis(FIXTURES / "time" / "timers.yaml")
    rows = timeline(_records(GOLDEN / "time" / "timer-fires.jsonl"), analysis.pathway, glossary(analysis))
    woke = [(a.text, a.code) for r in rows if r.input is None for a in r.arrived]
    assert ("Infliximab: after 2 weeks", "timer infliximab->review fell due") in woke
    fired = next(s for r in rows for s in r.steps if s.code.startswith("#9 "))
    assert fired.text == "#9 Infliximab: after 2 weeks → Review"  # a timer: the state's title, not its question


def test_declined_care_is_named_with_its_reason() -> None:
    rows = timeline(_records(BIPN / "trails" / "declined-and-fulfilled.jsonl"), load(BIPN / "pathway.yaml"))
    care = [c.text for row in rows for c in row.care]
    assert any(c.startswith("declined: Switch to once-weekly subcutaneous bortezomib") for c in care), care
    assert any(c.startswith("done: ") and "pregabalin" in c.lower() for c in care), care


def test_without_the_pathway_the_trail_still_gives_the_titles() -> None:
    records = _records(BIPN / "trails" / "typical-grade2-iv.jsonl")
    rows = timeline(records)
    assert _texts(rows[2].care) == ["done: Switch to once-weekly subcutaneous bortezomib"]  # from the issued record
    assert "b12_low" in _codes(rows[0].waiting)
    step = next(s for s in rows[0].steps if s.text.startswith("#18 "))  # ids, nothing lost
    assert step.text == "#18 exposure_check: exposed_to_bortezomib → exposure_review (bortezomib status: active)"
    assert [s.code for r in rows for s in r.steps] == [
        s.code for r in timeline(records, load(BIPN / "pathway.yaml")) for s in r.steps
    ]
