"""What `pathway run` shows of time, and one numbering of steps.

The run text of every time fixture and of every frozen trail is kept as a golden file (review each diff). Each
wake-up has its own time heading and says why it woke; every record's line is labelled with its step, the seq of
the record; and the numbers the run output shows, the steps `explain --step` accepts and the numbers a diagram
overlay draws are the same for one trail."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

import pathway
from pathway.audit.moments import moments
from pathway.audit.report import render_run
from pathway.cli.main import main
from pathway.definition.analysis import Analysis
from pathway.definition.loader import load_analysis
from pathway.render.diagrams import dot
from pathway.render.overlay import overlay_from_records
from pathway.trail.io import read_trail, write_trail
from pathway.trail.records import HeaderRecord, InputRecord, Record, SummaryRecord, TransitionRecord
from tests.conftest import GOLDEN, ROOT, assert_golden
from tests.test_time import CASES, FIXTURES, JOURNEYS

EXAMPLE = ROOT / "definitions" / "example"
FROZEN = sorted((GOLDEN / "trails").glob("*/*/*.jsonl"))
LABEL = re.compile(r"^#(\d+) ")


def fixture(name: str) -> Analysis:
    return load_analysis(FIXTURES / f"{CASES[name][0]}.yaml")


def golden_records(name: str) -> list[Record]:
    return list(read_trail(GOLDEN / "time" / f"{name}.jsonl").records)


def text_of(name: str) -> str:
    return render_run(golden_records(name), fixture(name))


def labels(text: str) -> list[int]:
    """The step numbers that start the lines of a run's text."""
    return [int(m[1]) for line in text.splitlines() if (m := LABEL.match(line))]


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_text_of_each_time_fixture(name: str) -> None:
    assert_golden(GOLDEN / "run" / f"{name}.txt", text_of(name) + "\n")


@pytest.mark.parametrize("trail", FROZEN, ids=lambda p: "/".join(p.parts[-3:]))
def test_run_text_of_each_frozen_trail(trail: Path) -> None:
    """Frozen trails keep a readable text: the same records, shown with today's report."""
    text = render_run(read_trail(trail).records, load_analysis(trail.parent / "pathway.yaml"))
    assert_golden(GOLDEN / "run" / "frozen" / f"{trail.parent.name}-{trail.stem}.txt", text + "\n")


def test_a_timer_firing_has_its_own_time_and_says_why() -> None:
    lines = text_of("timer-fires").splitlines()
    at = lines.index("     2026-07-04T09:00:00  wake-up before input 2: timer on_steroids->infliximab fell due")
    assert lines[at + 1 : at + 4] == [
        "#5     on_steroids -> infliximab  after 72h in on_steroids "
        "(entered 2026-07-01T09:00:00, due 2026-07-04T09:00:00)",
        '           because response == "none"',
        '           with response="none" (#1)',
    ]
    assert lines[at - 1].startswith("#4 ")  # the wake-up is not under the next input: that comes after it
    assert "#8   2026-07-05T10:00:00  input 2: clock tick" in lines
    assert "#12  2026-07-20  clock advanced to 2026-07-20 (--until)" in lines
    assert "     2026-07-18T09:00:00  wake-up before --until: timer infliximab->review fell due" in lines


def test_a_pending_timer_among_the_alternatives_shows_its_due_time() -> None:
    journey = {
        "journey": "stopped-early",
        "events": [
            {"at": "2026-07-01T09:00", "event": "start_steroids", "facts": {"response": "partial", "stopped": False}},
            {"at": "2026-07-02T10:00", "facts": {"stopped": True}},
        ],
    }
    result = pathway.run(FIXTURES / "timers.yaml", journey)
    text = render_run(result.records, fixture("timer-fires"))
    assert "          not infliximab: after 72h, due 2026-07-04T09:00:00" in text.splitlines()


def test_issues_show_due_times_and_periods_and_stale_facts_their_origin() -> None:
    lines = text_of("deadline-done").splitlines()
    assert (
        "#4     + recommend order_ncs: Order nerve conduction studies  [evidence: fixture]  due 2026-03-16T00:00:00"
    ) in lines
    assert "     2026-03-16T00:00:00  wake-up before input 2: reassess due again (every 1w)" in lines
    assert (
        "#6     + recommend reassess: Reassess neuropathy  [evidence: fixture]  due 2026-03-23T00:00:00 "
        "(every 1w, issue 3)"
    ) in lines
    assert "     2026-03-23T00:00:00  wake-up before --until: grade went stale; reassess due again (every 1w)" in lines
    assert "#8     grade=1 went stale (given 2026-03-02 by #1, valid for 21d)" in lines


def test_the_summary_lists_what_is_due_and_marks_what_is_overdue() -> None:
    text = text_of("deadline-overdue")
    summary = text[text.index("Now (2026-03-20):") :].splitlines()
    assert summary[-4:] == [
        "  due next (decision support: what the pathway expects, from the journey's times):",
        "    2026-03-23T00:00:00  reassess: Reassess neuropathy, in monitoring",
        "  ! OVERDUE (past its due time and not recorded as done):",
        "    2026-03-16T00:00:00  order_ncs: Order nerve conduction studies, in monitoring",
    ]
    timers = text_of("timer-unknown-at-due")
    assert timers.endswith("    2026-07-20T08:00:00  timer infliximab->review: after 2w in infliximab")
    done = text_of("deadline-done")
    assert "order_ncs (since 2026-03-02, in monitoring, done 2026-03-20)" in done
    assert "OVERDUE" not in done


def _shown_once(records: Sequence[Record]) -> list[int]:
    """The steps a run's text labels: every record but the header and summary, less an item retired at the
    moment it was issued (shown once, on its issue's line, naming the retirement's step)."""
    text = render_run(records)
    passing = {int(m) for m in re.findall(r"was left again at #(\d+)", text)}
    return [r.seq for r in records if not isinstance(r, HeaderRecord | SummaryRecord) and r.seq not in passing]


@pytest.mark.parametrize("trail", [*FROZEN, *(GOLDEN / "time" / f"{n}.jsonl" for n in sorted(CASES))], ids=str)
def test_every_record_is_labelled_with_its_step_once_in_order(trail: Path) -> None:
    records = read_trail(trail).records
    assert labels(render_run(records)) == _shown_once(records)


def test_a_wake_up_is_a_moment_of_its_own_even_at_the_next_inputs_time() -> None:
    """Everything due at or before an input happens before it: a wake-up at the input's own time is still its
    own moment, before the input's."""
    journey = {
        "journey": "due-on-the-dot",
        "events": [
            {"at": "2026-07-01T09:00", "event": "start_steroids", "facts": {"response": "none", "stopped": False}},
            {"at": "2026-07-04T09:00"},
        ],
    }
    records = pathway.run(FIXTURES / "timers.yaml", journey).records
    found = [(m.at, m.input is not None) for m in moments(records)]
    assert found == [("2026-07-01T09:00:00", True), ("2026-07-04T09:00:00", False), ("2026-07-04T09:00:00", True)]


def _transition_labels(text: str) -> list[int]:
    return [int(m[1]) for line in text.splitlines() if (m := re.match(r"^#(\d+) +\S+ -> \S+", line))]


@pytest.mark.parametrize(
    ("journey", "definition", "until"),
    [
        (JOURNEYS / "timer-fires.yaml", FIXTURES / "timers.yaml", "2026-07-20"),
        (
            ROOT / "definitions/example/journeys/grade2-then-grade3.yaml",
            ROOT / "definitions/example/pathway.yaml",
            None,
        ),
    ],
    ids=["timers", "example"],
)
def test_run_explain_and_overlay_number_the_steps_alike(
    journey: Path, definition: Path, until: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trail = tmp_path / "trail.jsonl"
    argv = ["run", str(journey), "--pathway", str(definition), "--trail", str(trail)]
    assert main([*argv, *(["--until", until] if until else [])]) == 0
    shown = _transition_labels(capsys.readouterr().out)
    records = read_trail(trail).records
    transitions = {r.seq: r for r in records if isinstance(r, TransitionRecord)}
    assert shown == list(transitions)  # the run labels each transition with its record's seq
    assert [s.number for s in overlay_from_records(records).steps] == shown  # the overlay draws the same numbers
    analysis = load_analysis(definition)
    drawn = dot(analysis, "overview", records)
    linked = {int(n) for n in re.findall(r'URL="#step-(\d+)"', drawn)}
    assert linked
    assert linked <= set(shown)
    for step in shown:
        assert main(["explain", str(trail), "--pathway", str(definition), "--step", str(step)]) == 0
        out = capsys.readouterr().out
        r = transitions[step]
        assert out.startswith(f"At {r.at}, after step #{step}, the patient is in:")
        answer = pathway.explain(trail, step=step, pathway=definition)
        assert answer.upto == step
        assert r.target in answer.states or any(s in answer.states for s in r.entered)


def test_an_input_line_names_the_input_in_words_and_the_step_as_its_label() -> None:
    records = golden_records("deadline-done")
    inputs = [r for r in records if isinstance(r, InputRecord)]
    text = text_of("deadline-done").splitlines()
    for r in inputs:
        line = next(line for line in text if line.startswith(f"#{r.seq} "))
        assert (f"input {r.input}:" in line) != bool(r.until)


def test_write_trail_round_trip_keeps_the_text(tmp_path: Path) -> None:
    """The text comes from the records alone: a run's records and the trail read back give the same text."""
    analysis = fixture("stale-renewed")
    result = pathway.run(analysis, JOURNEYS / "stale-renewed.yaml", until="2026-04-15")
    write_trail(tmp_path / "t.jsonl", result.records)
    again = read_trail(tmp_path / "t.jsonl").records
    assert render_run(result.records, analysis) == render_run(again, analysis)
