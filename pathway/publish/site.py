"""The generated pages of the documentation site (``mkdocs.yml``), written by ``pathway generate``.

For every bundled definition (``definitions/<id>/pathway.yaml``), into ``docs/pathways/<id>/``: an overview with
the diagrams (``index.md``), the fact dictionary (``facts.md``), the action and finding catalogues
(``actions.md``), the states and transitions (``states.md``) and the scenario catalogue with each scenario's
result (``scenarios.md``). The documented choices and the evidence trace come from :mod:`pathway.publish.pathway_docs`.
Every page is deterministic: no timings, no dates. (The CLI reference comes from :mod:`pathway.cli.reference`.)
"""

from __future__ import annotations

from pathlib import Path

from pathway.definition.analysis import Analysis
from pathway.definition.canonical import sha256_of
from pathway.definition.loader import DEFINITIONS_DIR
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.errors import PathwayError
from pathway.publish.site_pages import actions_page, cell, facts_page, header, states_page, table
from pathway.render.diagrams import svg, views
from pathway.scenarios.model import ScenarioFile
from pathway.scenarios.run import ScenarioResult, run_file
from pathway.source.reader import load_file

DISCLAIMER = (
    '!!! warning "Decision support, not a medical device"\n'
    "    This pathway helps clinicians apply a guideline consistently and see why each recommendation was made.\n"
    "    It does not replace clinical judgement: check every recommendation against its evidence and the patient\n"
    "    in front of you."
)
PAGES = (
    ("facts.md", "Facts", "the fact dictionary and the derived facts"),
    ("actions.md", "Actions and findings", "the recommendation and working-diagnosis catalogues"),
    ("states.md", "States and transitions", "every state, what it recommends and concludes, and its transitions"),
    ("scenarios.md", "Scenarios", "the designer scenarios and their results"),
    ("choices.md", "Documented choices", "where the source is silent or ambiguous, and what the definition chose"),
    ("evidence.md", "Evidence trace", "each evidence entry and everything that cites it"),
)


def _svg_body(text: str) -> str:
    """The ``<svg>`` element alone (no XML prolog or doctype), without blank lines, for inline HTML."""
    start = text.find("<svg")
    body = text[start:] if start >= 0 else text
    return "\n".join(line for line in body.splitlines() if line.strip())


def diagram_sections(analysis: Analysis) -> list[str]:
    """One section per diagram view, the SVG inline."""
    lines: list[str] = []
    for view in views(analysis):
        lines += [f"### {view}", "", '<div class="pathway-diagram" markdown="0">', _svg_body(svg(analysis, view))]
        lines += ["</div>", ""]
    return lines


def _plural(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what[:-1]}ies" if what.endswith("y") else f"{n} {what}s"


def overview_page(analysis: Analysis) -> str:
    p, idx = analysis.pathway, analysis.index
    lines = header(p.title, cell(p.description) if p.description else "")
    if p.status == "draft":
        lines += ['!!! danger "Draft: awaiting clinical review"', "    Do not use this version for patient care.", ""]
    lines += [DISCLAIMER, ""]
    lines += table(
        ["field", "value"],
        [
            ["id", f"`{p.pathway}`"],
            ["version", p.version],
            ["status", f"**{p.status}**"],
            ["sha256 (canonical)", f"`{sha256_of(p)}`"],
            ["source", cell(p.source)],
            ["definition", f"`{DEFINITIONS_DIR}/{p.pathway}/pathway.yaml`"],
        ],
    )
    counts = {
        "state": len(idx.states),
        "transition": len(idx.transitions),
        "fact": len(p.facts),
        "derived fact": len(p.derived),
        "event": len(p.events),
        "action": len(p.actions),
        "finding": len(p.findings),
        "evidence entry": len(p.evidence),
    }
    lines += ["", "## Contents", ""]
    lines += [", ".join(_plural(n, what) for what, n in counts.items()) + ".", ""]
    lines += [f"- [{title}]({page}): {what}" for page, title, what in PAGES]
    lines += ["", "## Diagrams", "", *diagram_sections(analysis)]
    return "\n".join(lines).rstrip("\n") + "\n"


def _descriptions(path: Path) -> dict[str, str]:
    model = ScenarioFile.model_validate(load_file(path).data)
    return {s.name: s.description or "" for s in model.scenarios}


def scenarios_page(analysis: Analysis, definition: Path, ws: Workspace) -> str:
    p = analysis.pathway
    lines = header(
        f"Scenarios: {p.title}",
        "Every designer scenario of this definition (`pathway test` runs them) and its result when this page was "
        "generated. A scenario is a short patient story whose expectations are checked after each step.",
    )
    runner = Runner(analysis)
    rows: list[list[str]] = []
    results: list[ScenarioResult] = []
    for path in ws.scenario_files(definition):
        shown = path.relative_to(ws.root).as_posix()
        try:
            found = run_file(path, runner, shown)
            descriptions = _descriptions(path)
        except PathwayError as err:
            rows.append([f"`{shown}`", "-", cell(f"the file does not load: {err}"), "**INVALID**"])
            continue
        results += found
        for r in found:
            result = "PASS" if r.passed else "**FAIL**"
            rows.append([f"`{shown}`", cell(r.name), cell(descriptions.get(r.name)), result])
    if not rows:
        return "\n".join([*lines, "This definition has no scenarios yet."]) + "\n"
    passed = sum(r.passed for r in results)
    lines += [f"{len(results)} scenarios: {passed} passed, {len(results) - passed} failed.", ""]
    lines += table(["file", "scenario", "description", "result"], rows)
    return "\n".join(lines) + "\n"


def site_pages(ws: Workspace) -> dict[Path, str]:
    """Every generated page of the site (besides :mod:`pathway.publish.pathway_docs`' and the CLI's), by path."""
    out: dict[Path, str] = {}
    for definition, analysis in ws.analyses():
        folder = ws.root / "docs" / "pathways" / analysis.pathway.id
        out[folder / "index.md"] = overview_page(analysis)
        out[folder / "facts.md"] = facts_page(analysis)
        out[folder / "actions.md"] = actions_page(analysis)
        out[folder / "states.md"] = states_page(analysis)
        out[folder / "scenarios.md"] = scenarios_page(analysis, definition, ws)
    return out
