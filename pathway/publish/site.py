"""The pages the documentation site generates for each definition, when it is built (``docs/hooks/pathways.py``).

For every definition (``definitions/<id>/pathway.yaml``), at ``pathways/<id>/`` in the site: an overview with the
diagrams (``index.md``, the full-size SVGs in ``diagrams/``), the fact dictionary (``facts.md``), the action and
finding catalogues (``actions.md``), the states and transitions (``states.md``), the scenario catalogue with each
scenario's result (``scenarios.md``), the documented choices and the evidence trace
(:mod:`pathway.publish.pathway_docs`), and one page per bundled journey (:mod:`pathway.publish.patients`). Every
page is deterministic: no timings, no dates. (The CLI reference comes from :mod:`pathway.cli.reference`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pathway.definition.analysis import Analysis
from pathway.definition.canonical import sha256_of
from pathway.definition.loader import DEFINITIONS_DIR
from pathway.definition.workspace import Workspace
from pathway.engine.runner import Runner
from pathway.errors import PathwayError
from pathway.publish.figures import (
    DIAGRAMS,
    FigureSection,
    clinical_figures,
    figure_files,
    sections_markdown,
    statechart_figures,
)
from pathway.publish.pathway_docs import BUILT, GENERATED, choices_page, evidence_page
from pathway.publish.patients import FOLDER, patient_page, patient_sections, patients
from pathway.publish.site_pages import actions_page, cell, facts_page, header, states_page, table
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


PATHWAYS = "pathways"
"""Where each pathway's pages sit in the site: ``pathways/<id>/``."""


CLINICAL_INTRO = (
    "The pathway as a clinician reads it, in the style of NCCN and NICE algorithms: who it is for, then each step "
    "and question in plain words with the answers on the arrows; the small blue numbers open the evidence, "
    '"see page N" and the checklist rows open the detail, and the legend at the foot of each page explains the '
    "notation. Zoom with the buttons or ctrl and the wheel (pinch on a phone), drag to pan."
)


def diagram_sections(analysis: Analysis) -> tuple[FigureSection, ...]:
    """The diagrams of a pathway's overview, in the order a reader meets them: the clinical algorithm first (the
    default view), the state chart after it, for designers."""
    return (
        FigureSection("Clinical algorithm", CLINICAL_INTRO, clinical_figures(analysis)),
        FigureSection(
            "State chart (for designers)",
            "The definition as the engine runs it: states, regions and the guards on each transition. Zoom with the "
            "buttons or ctrl and the wheel (pinch on a phone), drag to pan; each view opens full size on its own.",
            statechart_figures(analysis),
        ),
    )


def _plural(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what[:-1]}ies" if what.endswith("y") else f"{n} {what}s"


def page_title(pathway_id: str, title: str) -> str:
    """A page's title in the nav, the browser tab and search: it names its pathway (``bipn — Facts``)."""
    return f"{pathway_id} — {title}"


def overview_page(analysis: Analysis, sections: Sequence[FigureSection] = (), patient_names: Sequence[str] = ()) -> str:
    p, idx = analysis.pathway, analysis.index
    lines = ["---", "hide:", "  - toc", "---", ""]
    lines += header(p.title, cell(p.description) if p.description else "")
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
    if patient_names:
        lines += ["", "## Patients", "", "The example journeys bundled with this pathway, each on its own page:", ""]
        lines += [f"- [{name}]({FOLDER}/{name}.md)" for name in patient_names]
    lines += ["", *sections_markdown(sections)]
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


def pathway_site(ws: Workspace, definition: Path, analysis: Analysis) -> dict[str, str]:
    """Every generated file of one pathway, by its path in the site (``pathways/<id>/...``): pages and SVGs."""
    folder = f"{PATHWAYS}/{analysis.pathway.id}"
    sections = diagram_sections(analysis)
    people = patients(ws, definition, analysis)
    out = {f"{folder}/index.md": overview_page(analysis, sections, [p.name for p in people])}
    out |= {f"{folder}/{path}": text for path, text in figure_files(sections, DIAGRAMS).items()}
    out[f"{folder}/facts.md"] = facts_page(analysis)
    out[f"{folder}/actions.md"] = actions_page(analysis)
    out[f"{folder}/states.md"] = states_page(analysis)
    out[f"{folder}/scenarios.md"] = scenarios_page(analysis, definition, ws)
    out[f"{folder}/choices.md"] = choices_page(analysis)
    out[f"{folder}/evidence.md"] = evidence_page(analysis)
    for person in people:
        figures = patient_sections(analysis, person)
        page = f"{folder}/{FOLDER}/{person.name}"
        out[f"{page}.md"] = patient_page(analysis, person, figures)
        out |= {
            f"{folder}/{FOLDER}/{path}": text
            for path, text in figure_files(figures, f"{person.name}-diagrams", "../../").items()
        }
    return out


def site_pages(ws: Workspace) -> dict[str, str]:
    """Every generated file of the site, by its path in the site, for every definition of the workspace."""
    out: dict[str, str] = {}
    for definition, analysis in ws.analyses():
        out |= pathway_site(ws, definition, analysis)
    return {uri: text.replace(GENERATED, BUILT, 1) if uri.endswith(".md") else text for uri, text in out.items()}


def pathway_nav(ws: Workspace, pathway_id: str) -> list[dict[str, object]]:
    """The nav entries of one pathway's pages, each titled with its pathway (cheap: no definition is run)."""
    folder = f"{PATHWAYS}/{pathway_id}"
    entries: list[dict[str, object]] = [{page_title(pathway_id, "Overview"): f"{folder}/index.md"}]
    entries += [{page_title(pathway_id, title): f"{folder}/{page}"} for page, title, _ in PAGES]
    journeys = ws.journeys(ws.definition_of(pathway_id))
    if journeys:
        people = [{page_title(pathway_id, f"patient: {j.stem}"): f"{folder}/{FOLDER}/{j.stem}.md"} for j in journeys]
        entries.append({page_title(pathway_id, "Patients"): people})
    return entries
