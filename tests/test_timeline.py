"""A journey's timeline (``pathway.audit.timeline``): one row per moment of the trail, in words a person reads
(titles, not ids), with the step numbers the diagrams draw; the same rows whether or not the pathway is at hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pathway.audit.timeline import timeline
from pathway.definition.loader import load
from pathway.trail.io import read_trail
from pathway.trail.records import InputRecord, Record, TransitionRecord
from tests.conftest import ROOT

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


def test_the_rows_say_what_happened_in_words() -> None:
    rows = timeline(_records(BIPN / "trails" / "typical-grade2-iv.jsonl"), load(BIPN / "pathway.yaml"))
    first = rows[0]
    assert (first.at, first.input, first.note) == ("2026-03-02", 1, "Clinic visit before cycle 4, new burning feet.")
    assert "sensory_grade = 2" in first.arrived
    assert "neuropathic_pain = true" in first.arrived
    assert "Order nerve conduction studies" in first.recommended  # the title, not order_ncs
    assert any(w.startswith("b12_low (Vitamin B12 deficiency found") for w in first.waiting)
    assert [s.text for s in first.steps][0] == "#12 assessing → typical_bipn (typical_picture)"
    switched = next(row for row in rows if row.input == 3)
    assert switched.care == ("done: Switch to once-weekly subcutaneous bortezomib",)
    woke = next(row for row in rows if row.input is None)
    assert woke.at == "2026-03-23T00:00:00"
    assert woke.arrived == ("motor_grade went stale", "sensory_grade went stale")
    ncs = next(row for row in rows if row.input == 6)
    assert "result ncs_pattern = axonal_sensory fulfils: Order nerve conduction studies" in ncs.care
    assert "Typical bortezomib-induced peripheral neuropathy" in " ".join(first.concluded)  # bipn 2.0.0: at once
    assert "Order nerve conduction studies" in ncs.stopped


def test_declined_care_is_named_with_its_reason() -> None:
    rows = timeline(_records(BIPN / "trails" / "declined-and-fulfilled.jsonl"), load(BIPN / "pathway.yaml"))
    care = [c for row in rows for c in row.care]
    assert any(c.startswith("declined: Switch to once-weekly subcutaneous bortezomib") for c in care), care
    assert any(c.startswith("done: ") and "pregabalin" in c.lower() for c in care), care


def test_without_the_pathway_the_trail_still_gives_the_titles() -> None:
    records = _records(BIPN / "trails" / "typical-grade2-iv.jsonl")
    rows = timeline(records)
    assert rows[2].care == ("done: Switch to once-weekly subcutaneous bortezomib",)  # from the issued record
    assert "b12_low" in rows[0].waiting  # no description without the pathway: the fact's name
    assert [r.steps for r in rows] == [r.steps for r in timeline(records, load(BIPN / "pathway.yaml"))]
