"""Trails on disk: run writes them atomically, replay reproduces, detects tampering and divergence, compares
versions (what-if); explain answers from them; the CLI wraps it all with the right exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import pathway
from pathway.cli.main import main
from pathway.definition.workspace import Workspace
from pathway.publish.artefacts import trail_artefacts
from pathway.trail.io import canonical, digest, read_trail

EXAMPLE = "definitions/example"
JOURNEY = "definitions/example/journeys/grade2-then-grade3.yaml"


@pytest.fixture
def trail(tmp_path: Path) -> Path:
    out = tmp_path / "t.jsonl"
    pathway.run(EXAMPLE, JOURNEY).write(out)
    return out


def lines_of(trail: Path) -> list[dict[str, Any]]:
    """The records of a trail file as plain data, to forge."""
    return [json.loads(line) for line in trail.read_text(encoding="utf-8").splitlines()]


def forge(trail: Path, records: list[dict[str, Any]]) -> None:
    """Write edited records back with a chain recomputed over them, as a forger would."""
    prev = None
    for r in records:
        r["prev"] = prev
        r["hash"] = prev = digest(r)
    trail.write_text("".join(canonical(r) + "\n" for r in records), encoding="utf-8")


def test_run_writes_the_bytes_that_generate_commits(tmp_path: Path) -> None:
    """The committed example trails are what a user's run writes (their freshness: ``pathway generate --check``)."""
    generated = trail_artefacts(Workspace())
    for journey in sorted(Path(EXAMPLE, "journeys").glob("*.yaml")):
        out = tmp_path / f"{journey.stem}.jsonl"
        pathway.run(EXAMPLE, journey).write(out)
        committed = Path.cwd() / EXAMPLE / "trails" / f"{journey.stem}.jsonl"
        assert out.read_bytes() == generated[committed].encode("utf-8")


def test_replay_reproduces(trail: Path) -> None:
    result = pathway.replay(trail)
    assert (result.status, result.ok) == ("reproduced", True)
    assert result.message == f"reproduced: {len(read_trail(trail).records)} records identical"


def test_an_edited_record_is_reported_as_tampered_at_that_record(trail: Path) -> None:
    lines = trail.read_text().splitlines()
    lines[1] = lines[1].replace('"sensory_grade":2', '"sensory_grade":1')
    trail.write_text("\n".join(lines) + "\n")
    result = pathway.replay(trail)
    assert result.status == "tampered"
    assert result.tamper is not None
    assert (result.tamper.seq, result.tamper.line) == (1, 2)
    with pytest.raises(pathway.ReplayError, match="tampered: record 1"):
        pathway.replay(trail, raise_on_failure=True)


def test_a_resealed_forgery_is_a_divergence_at_the_first_changed_decision(trail: Path) -> None:
    records = lines_of(trail)
    records[1]["facts"]["sensory_grade"] = 1
    forge(trail, records)
    result = pathway.replay(trail)
    assert result.status == "diverged"
    assert result.divergence is not None
    assert (result.divergence.seq, result.divergence.field) == (5, "alternatives[0].read.effective_grade.value")
    assert (result.divergence.recorded, result.divergence.replayed) == (2, 1)


def test_a_truncated_trail_is_reported(trail: Path) -> None:
    lines = trail.read_text().splitlines()
    trail.write_text("\n".join(lines[:-1]) + "\n")
    result = pathway.replay(trail)
    assert result.status == "tampered"
    assert "does not end with its summary" in result.message


def test_a_line_that_is_not_json_is_a_parse_error_at_that_line(trail: Path) -> None:
    lines = trail.read_text().splitlines()
    lines[3] = lines[3][:-1]
    trail.write_text("\n".join(lines) + "\n")
    result = pathway.replay(trail)
    assert result.status == "invalid"
    assert [(d.code, d.line) for d in result.diagnostics] == [("PW402", 4)]


def test_an_unreadable_trail(tmp_path: Path) -> None:
    result = pathway.replay(tmp_path / "missing.jsonl")
    assert [d.code for d in result.diagnostics] == ["PW401"]


def test_a_trail_of_an_unavailable_pathway_version_says_so(trail: Path) -> None:
    records = lines_of(trail)
    records[0]["pathway"]["sha256"] = "0" * 64
    forge(trail, records)
    result = pathway.replay(trail)
    assert result.status == "pathway_unavailable"
    assert "example 0.1.0" in result.message
    assert "--pathway" in result.message


def test_what_if_lists_each_decision_that_would_change(trail: Path, tmp_path: Path) -> None:
    other = tmp_path / "example-2"
    shutil.copytree(EXAMPLE, other)
    definition = other / "pathway.yaml"
    text = definition.read_text().replace("when: effective_grade >= 3", "when: effective_grade >= 4")
    definition.write_text(text.replace("version: 0.1.0", "version: 0.2.0"))
    result = pathway.replay(trail, other)
    assert result.status == "compared"
    assert [(c.at, c.state, c.recorded, c.replayed) for c in result.changes] == [
        ("2026-03-16", "grade_check", "-> high_grade", "-> low_grade")
    ]


def test_explain_why_and_why_not(trail: Path) -> None:
    answer = pathway.explain(trail, why_not="dose_reduce")
    assert answer.states == ("managing", "dose", "high_grade", "pain", "treating_pain")  # document order
    assert list(answer.states) == json.loads(trail.read_text().splitlines()[-1])["states"]  # as the summary lists them
    assert "Why high_grade:" in answer.text
    assert (
        "because effective_grade >= 3  [effective_grade=3 (derived), motor_grade=0 (#1), sensory_grade=3 (#16)]"
        in answer.text
    )  # the facts' steps are those of the input records that gave them: input 5 is step #16
    assert "It was retired at #19 (2026-03-16) when low_grade->grade_check left state low_grade." in answer.text
    early = pathway.explain(trail, at="2026-03-02")
    assert "high_grade" not in early.states
    assert "low_grade" in early.states
    assert pathway.explain(trail, step=3).states == ("assess",)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_run_writes_trail_and_prints_steps(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "trail.jsonl"
    code, text, _ = run_cli(capsys, "run", JOURNEY, "--trail", str(out))
    assert code == 0
    assert "Decision support for clinicians" in text
    assert "grade_check -> high_grade" in text
    assert "because effective_grade >= 3" in text
    assert "+ recommend discontinue_bortezomib: Discontinue bortezomib  [evidence: art-mgmt-grade34]" in text
    assert out.read_bytes() == Path(EXAMPLE, "trails", "grade2-then-grade3.jsonl").read_bytes()


def test_cli_run_json_summary(capsys: pytest.CaptureFixture[str]) -> None:
    journey = "definitions/example/journeys/waiting-for-grades.yaml"
    code, text, _ = run_cli(capsys, "run", journey, "--format", "json")
    assert code == 0
    summary = json.loads(text)
    keys = ["assumed", "conflicts", "due", "error", "errors", "findings", "issued", "journey", "needs", "overdue"]
    keys += ["pathway", "recommendations", "states", "value_errors"]
    assert sorted(summary) == keys
    assert summary["assumed"] == []
    assert summary["error"] is None
    assert summary["errors"] == []
    assert summary["value_errors"] == []
    assert summary["pathway"]["id"] == "example"
    assert summary["needs"] == []
    assert summary["conflicts"] == []
    assert [r["id"] for r in summary["recommendations"]] == ["switch_to_weekly_sc", "dose_reduce"]


def test_cli_bad_journey_runs_nothing_and_writes_no_trail(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "journey: bad\npathway: example\nevents:\n  - at: 2026-01-02\n    facts: {sensory_grade: 7}\n"
        "  - at: 2026-01-01\n    facts: {neuropathic_pain: yes}\n"
    )
    out = tmp_path / "trail.jsonl"
    code, text, err = run_cli(capsys, "run", str(bad), "--trail", str(out))
    assert (code, text) == (1, "")
    assert [c for c in ("PW303", "PW307", "PW302") if c in err] == ["PW303", "PW307", "PW302"]  # every problem
    assert "3 problem(s) in this journey: nothing was run and no trail was written" in err
    assert not out.exists()


def test_cli_run_needs_a_pathway(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    loose = tmp_path / "loose.yaml"
    loose.write_text("journey: loose\nevents:\n  - at: 2026-01-01\n")
    code, _, err = run_cli(capsys, "run", str(loose))
    assert code == 2
    assert "does not pin a pathway: pass --pathway" in err
    assert run_cli(capsys, "run", str(loose), "--pathway", "example")[0] == 0


def test_cli_replay_exit_codes(capsys: pytest.CaptureFixture[str], trail: Path) -> None:
    code, text, _ = run_cli(capsys, "replay", str(trail))
    assert (code, text.splitlines()) == (
        0,
        [
            f"reproduced: {len(read_trail(trail).records)} records identical",
            "signature: unsigned",
            "not checked (taken from the trail itself): journey.id, journey.description, inputs; not bound: only a "
            "trusted signature or a sealed cohort manifest binds them",
        ],
    )
    trail.write_text(trail.read_text().replace('"sensory_grade":3', '"sensory_grade":4'))
    code, text, _ = run_cli(capsys, "replay", str(trail))
    assert code == 1
    assert text.startswith("tampered: record ")


def test_cli_explain(capsys: pytest.CaptureFixture[str], trail: Path) -> None:
    code, text, _ = run_cli(capsys, "explain", str(trail), "--why-not", "dose_reduce")
    assert code == 0
    assert "dose_reduce (Apply the dose-reduction algorithm) is not recommended now." in text
    code, _, err = run_cli(capsys, "explain", str(trail), "--step", "2", "--at", "2026-03-02")
    assert code == 2
    assert "give --step or --at, not both" in err
    code, _, err = run_cli(capsys, "explain", str(trail), "--why-not", "no_such_action")
    assert code == 2
    assert "no action 'no_such_action'" in err


def test_a_newer_engine_version_still_reproduces(trail: Path) -> None:
    records = lines_of(trail)
    records[0]["engine"] = {"pathway": "0.0.9", "statemachine": "3.2.0"}
    forge(trail, records)
    result = pathway.replay(trail)
    assert result.status == "reproduced"
    assert "recorded with pathway 0.0.9, python-statemachine 3.2.0, replayed with pathway 0.1.0" in result.message
