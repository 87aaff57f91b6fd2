"""Scenarios that state expectations at a time: a step may be a time point alone, and an expectation may say which
timers and deadlines are due and which recommendations are overdue; coverage names the timers that never fire."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from pathway.engine.runner import Runner
from pathway.errors import InvalidInputError
from pathway.scenarios.run import ScenarioResult, run_file
from tests.conftest import ROOT

TIME = ROOT / "tests" / "fixtures" / "time"


def run_scenarios(fixture: str, text: str | None = None, tmp_path: Path | None = None) -> list[ScenarioResult]:
    """The fixture's scenario file (or ``text`` written under ``tmp_path``) run against ``fixture``."""
    path = TIME / "scenarios" / f"{fixture}.yaml"
    if text is not None:
        assert tmp_path is not None
        path = tmp_path / "s.yaml"
        path.write_text(text, encoding="utf-8")
    return run_file(path, Runner(load_analysis(TIME / f"{fixture}.yaml")), "s.yaml")


@pytest.mark.parametrize("fixture", ["timers", "recurrence"])
def test_the_time_fixture_scenarios_pass(fixture: str) -> None:
    results = run_scenarios(fixture)
    assert [r.failures for r in results if not r.passed] == []
    assert results


def test_a_step_with_a_time_alone_advances_the_clock_and_fires_what_falls_due(tmp_path: Path) -> None:
    text = """pathway: timers
scenarios:
  - name: a time point
    steps:
      - {at: "2026-07-01T09:00", event: start_steroids, facts: {response: none, stopped: false}}
      - at: "2026-07-19T09:00"
        expect: {states: [done]}
"""
    (result,) = run_scenarios("timers", text, tmp_path)
    assert result.passed, result.failures
    assert result.transitions == (
        "before->on_steroids",
        "on_steroids->infliximab",
        "infliximab->review",
        "review->done",
    )


SCENARIO = """pathway: recurrence
scenarios:
  - name: expectations about time that do not hold
    steps:
      - at: 2026-03-02
        facts: {grade: 1}
        expect:
          due: [{action: order_ncs, at: 2026-03-15}, {action: reassess}]
          not_due: [{action: order_ncs, at: 2026-03-16T00:00}]
          overdue: [order_ncs]
      - at: 2026-03-20
        expect:
          not_overdue: [order_ncs]
"""


def test_a_due_expectation_that_does_not_hold_says_what_was_due(tmp_path: Path) -> None:
    (result,) = run_scenarios("recurrence", SCENARIO, tmp_path)
    due = "[action 'reassess' at 2026-03-09T00:00:00, action 'order_ncs' at 2026-03-16T00:00:00]"
    assert result.failures == (
        f"after step 1 (2026-03-02): expected action 'order_ncs' at 2026-03-15T00:00:00 to be due; due: {due}",
        f"after step 1 (2026-03-02): expected action 'order_ncs' at 2026-03-16T00:00:00 not to be due; due: {due}",
        "after step 1 (2026-03-02): expected recommendation 'order_ncs' to be overdue; overdue: none",
        "after step 2 (2026-03-20): expected recommendation 'order_ncs' not to be overdue; "
        "overdue: [action 'order_ncs' at 2026-03-16T00:00:00]",
    )


def test_a_pending_timer_is_expected_with_its_due_time(tmp_path: Path) -> None:
    text = """pathway: timers
scenarios:
  - name: pending
    steps:
      - at: 2026-07-01T09:00
        event: start_steroids
        expect: {due: [{timer: on_steroids->infliximab, at: 2026-07-04T10:00}]}
"""
    (result,) = run_scenarios("timers", text, tmp_path)
    assert result.failures == (
        "after step 1 (2026-07-01T09:00:00): expected timer 'on_steroids->infliximab' at 2026-07-04T10:00:00 to be "
        "due; due: [timer 'on_steroids->infliximab' at 2026-07-04T09:00:00]",
    )


BAD = """pathway: timers
scenarios:
  - name: typos
    steps:
      - at: 2026-07-01T09:00
        expect:
          due: [{timer: on_steroids->infliximb}, {timer: before->on_steroids, at: 2026-07-04 09:00}]
          not_due: [{action: give_steroid}]
          overdue: [taper]
"""


def test_unknown_ids_and_bad_times_in_due_expectations_are_located_errors_with_hints(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        run_scenarios("timers", BAD, tmp_path)
    found = [(d.code, d.line, d.column, d.message, d.hint) for d in caught.value.diagnostics]
    timers = "['infliximab->review', 'on_steroids->infliximab', 'review->done', 'tapering->done']"
    assert found == [
        (
            "PW320",
            7,
            25,
            "expectation names unknown timer 'on_steroids->infliximb'",
            "did you mean 'on_steroids->infliximab'?",
        ),
        (
            "PW320",
            7,
            58,
            "expectation names transition 'before->on_steroids' as a timer, but it has no 'after'",
            "transition 'before->on_steroids' has no 'after', so it is never due; the timers of pathway timers that "
            f"can be due are {timers}",
        ),
        (
            "PW308",
            7,
            83,
            "due time '2026-07-04 09:00' is not a date or date-time in an accepted format",
            "put a capital 'T' between the date and the time: write 'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM' or "
            "'YYYY-MM-DDTHH:MM:SS', in clinic local time",
        ),
        (
            "PW320",
            8,
            30,
            "expectation names unknown action 'give_steroid'",
            "pathway timers has no action that can be due",
        ),
        (
            "PW320",
            9,
            21,
            "expectation names action 'taper', which has no deadline",
            "no state recommends 'taper' with 'due' or 'every', so it is never due; pathway timers has no action "
            "that can be due",
        ),
    ]


def test_an_action_close_to_one_with_a_deadline_is_suggested(tmp_path: Path) -> None:
    text = SCENARIO.replace("overdue: [order_ncs]\n      - at", "overdue: [order_nsc]\n      - at")
    with pytest.raises(InvalidInputError) as caught:
        run_scenarios("recurrence", text, tmp_path)
    (problem,) = caught.value.diagnostics
    assert (problem.code, problem.line, problem.hint) == ("PW320", 10, "did you mean 'order_ncs'?")


@pytest.mark.parametrize(
    ("item", "why"), [("{timer: review->done, action: taper}", "not both"), ("{at: 2026-07-04}", "but names neither")]
)
def test_a_due_item_names_a_timer_or_an_action(item: str, why: str, tmp_path: Path) -> None:
    text = BAD.replace("due: [{timer: on_steroids->infliximb},", f"due: [{item},")
    with pytest.raises(InvalidInputError) as caught:
        run_scenarios("timers", text, tmp_path)
    (problem,) = caught.value.diagnostics
    assert (problem.code, problem.line, problem.column) == ("PW013", 7, 17)
    assert problem.message == f"a due item names either a 'timer' or an 'action', {why}"
    assert problem.hint is not None
    assert "{timer: <transition id>, at: <time>}" in problem.hint


@pytest.fixture
def timers_project(tmp_path: Path) -> Path:
    """The timer fixture as a definition folder, with its scenarios up to (not including) the tapering one."""
    folder = tmp_path / "timers"
    (folder / "scenarios").mkdir(parents=True)
    shutil.copy(TIME / "timers.yaml", folder / "pathway.yaml")
    text = (TIME / "scenarios" / "timers.yaml").read_text(encoding="utf-8")
    cut = text[: text.index("  - name: improved before 72 h")]
    (folder / "scenarios" / "basic.yaml").write_text(cut, encoding="utf-8")
    return folder


def test_coverage_counts_timers_and_names_each_that_never_fires(
    timers_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["test", "--min-coverage", "100", str(timers_project)]) == 1
    out = capsys.readouterr().out
    definition = timers_project / "pathway.yaml"
    line = next(n for n, t in enumerate(definition.read_text().splitlines(), 1) if "after: P1W" in t) - 1
    assert "  transitions     4/7 (57%)\n  timers          3/4 (75%)\n" in out
    assert f"{definition}:{line}: timer 'tapering->done' (after P1W) never fires" in out
    assert "transition 'on_steroids->tapering' never fires" in out
    assert main(["test", "--coverage", "--format", "json", str(timers_project)]) == 0
    (report,) = json.loads(capsys.readouterr().out)["coverage"]
    assert report["timers"] == {"reached": 3, "total": 4, "percent": 75.0, "missing": ["tapering->done"]}
    assert "tapering->done" in report["transitions"]["missing"]


def test_the_time_scenarios_cover_every_state_transition_and_timer(
    timers_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(TIME / "scenarios" / "timers.yaml", timers_project / "scenarios" / "basic.yaml")
    assert main(["test", "--min-coverage", "100", str(timers_project)]) == 0
    assert "  timers          4/4 (100%)" in capsys.readouterr().out


def test_coverage_of_a_pathway_without_timers_has_no_timer_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--coverage", "definitions/example"]) == 0
    assert "timers" not in capsys.readouterr().out


# The designer's workflow page shows these: its examples must be what pathway does. ------------------------------

PAGE = (ROOT / "docs" / "designer-workflow.md").read_text(encoding="utf-8")


def block_after(heading: str, kind: str = "yaml") -> str:
    """The first ```kind block after a heading of the designer's workflow page."""
    return PAGE.split(heading, 1)[1].split(f"```{kind}\n", 1)[1].split("```", 1)[0]


def test_the_pages_time_scenario_passes(tmp_path: Path) -> None:
    (result,) = run_scenarios("timers", block_after("### Scenarios at a time"), tmp_path)
    assert result.passed, result.failures


def test_the_pages_coverage_of_timers_is_what_pathway_test_prints(
    timers_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["test", "--coverage", str(timers_project)])
    out = capsys.readouterr().out.replace(str(timers_project), "definitions/timers")
    shown = [line for line in block_after("### Coverage of timers", "console").splitlines()[2:] if line != "..."]
    assert [line for line in shown if line not in out.splitlines()] == []


def test_the_pages_generated_scenario_is_what_pathway_scenarios_generate_writes(tmp_path: Path) -> None:
    from pathway.scenarios.generated_file import generate_file

    (tmp_path / "timers").mkdir()
    definition = tmp_path / "timers" / "pathway.yaml"
    shutil.copy(TIME / "timers.yaml", definition)
    _, written = generate_file(load_analysis(definition), definition)
    assert written is not None
    shown = block_after("### Generated scenarios")
    generated = "\n".join(line for line in written.read_text().splitlines() if "description:" not in line)
    assert shown.rstrip("\n") in generated
