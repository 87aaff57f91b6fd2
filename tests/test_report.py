"""The terminal report of a run: items shown once when a state is only passed through, and the closing summary
naming an active state for every recommendation."""

from __future__ import annotations

from pathlib import Path

import pathway
from pathway.audit.report import render_run
from pathway.definition.loader import load_analysis

DEFINITION = """\
pathway: carriers
version: 0.1.0
title: Carriers
status: draft
evidence:
  e1: {cite: "x"}
facts:
  go: {type: bool}
  on: {type: bool}
actions:
  check: {title: Check the patient, kind: advice, evidence: [e1]}
  brief: {title: A brief advice, kind: advice, evidence: [e1]}
states:
  care:
    initial: true
    parallel: true
    states:
      left:
        states:
          first:
            initial: true
            recommend: [check]
            transitions:
              - {to: second, when: go, evidence: [e1]}
          second:
            transitions:
              - {to: passing, when: "on", evidence: [e1]}
          passing:
            recommend: [brief]
            transitions:
              - {to: done, when: "on", evidence: [e1]}
          done: {}
      right:
        states:
          watching:
            initial: true
            recommend: [check]
"""


def test_the_summary_names_an_active_state_for_each_recommendation(tmp_path: Path) -> None:
    (tmp_path / "pathway.yaml").write_text(DEFINITION, encoding="utf-8")
    analysis = load_analysis(tmp_path / "pathway.yaml")
    result = pathway.run(analysis, {"journey": "t", "events": [{"at": "2026-01-01", "facts": {"go": True}}]})
    (check,) = result.summary.recommendations
    assert check.state == "first"  # the trail keeps the state that issued it, which was left
    assert "first" not in result.summary.states
    text = render_run(result.records, analysis)
    assert "recommendations: check (since 2026-01-01, in watching)" in text


def test_an_item_issued_and_retired_in_one_step_is_shown_once(tmp_path: Path) -> None:
    (tmp_path / "pathway.yaml").write_text(DEFINITION, encoding="utf-8")
    analysis = load_analysis(tmp_path / "pathway.yaml")
    facts = {"go": True, "on": True}
    result = pathway.run(analysis, {"journey": "t", "events": [{"at": "2026-01-01", "facts": facts}]})
    kinds = [(r.kind, getattr(r, "id", None)) for r in result.records if r.kind in ("issued", "retired")]
    assert ("issued", "brief") in kinds
    assert ("retired", "brief") in kinds
    text = render_run(result.records, analysis)
    issued = next(r.seq for r in result.records if r.kind == "issued" and getattr(r, "id", None) == "brief")
    retired = next(r.seq for r in result.records if r.kind == "retired" and getattr(r, "id", None) == "brief")
    assert [line for line in text.splitlines() if " brief " in line or line.endswith(" brief")] == [
        f"#{issued}    ~ recommend brief only in passing: passing was left again at #{retired}  (A brief advice)"
    ]
