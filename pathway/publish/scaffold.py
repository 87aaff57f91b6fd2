"""``pathway new``: a new pathway's folder, ready to edit, that already validates, lints clean and passes its tests.

``definitions/<id>/`` gets a commented ``pathway.yaml`` (status draft; one evidence entry, one fact, one action, an
initial decision with its two outcomes), a scenario file whose scenarios reach every state and transition, and an
example journey. Each file starts with the ``# yaml-language-server: $schema=...`` line that gives an editor
completion and checking: the definition schema, and for the scenarios and the journey the schema of this pathway's
own facts, events and actions (``schema/pathways/<id>.schema.json``, written alongside; ``pathway generate`` and
``pathway schema --for ID`` keep it fresh). The definition schema is written too when the project has none.

Nothing is registered by hand: validate, lint, test and diagram find ``definitions/*/pathway.yaml``, and ``pathway
generate`` adds the pathway's pages to the site and its nav. Writing is all or nothing: the folder is built under a
temporary name beside its destination and renamed into place once complete; an existing folder is never touched.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from pathway.definition.loader import DEFINITION_FILE, DEFINITIONS_DIR, read_and_check
from pathway.definition.model import Id
from pathway.diagnostics import render_text
from pathway.errors import ExitCode, UsageError
from pathway.publish.input_schemas import pathway_schema, pathway_schema_path
from pathway.publish.schema import SCHEMA_PATH, definition_schema
from pathway.source.files import display_path, write_atomically

ID_RULE = "a pathway id is a lower-case letter, then lower-case letters, digits or '_' (at most 64), e.g. 'my_pathway'"
SCENARIO_FILE, JOURNEY_FILE = "scenarios/basic.yaml", "journeys/example-patient.yaml"
_HEADER = "# yaml-language-server: $schema={schema}\n"

DEFINITION = """\
# {pathway_id}: a new pathway, scaffolded by `pathway new`. Replace the example evidence, fact, action and states
# with the guideline's own, and keep the checks green as you go:
#   pathway validate definitions/{pathway_id}   the format, the references and the guards, every problem located
#   pathway lint definitions/{pathway_id}       unreachable or stuck states, guards that never fire, missing evidence
#   pathway test definitions/{pathway_id}       the scenarios in scenarios/ (add --coverage)
# Every key is described in the definition format reference; the first line points an editor at the schema.
pathway: {pathway_id}
version: 0.1.0
title: {title}
status: draft  # until clinicians have reviewed it: then review, then approved
description: >-
  What the pathway covers and for whom. Decision support for clinicians, not a substitute for clinical judgement.

# Citable statements of the source guideline; actions, states and transitions name the entries behind them.
evidence:
  source-statement:
    cite: "The guideline statement this pathway encodes (source, section)"

# The data dictionary: every fact a guard may read, with its type (bool, int, number, enum or date).
facts:
  criterion_met:
    type: bool
    description: Whether the guideline's criterion holds for this patient.

# The recommendation catalogue: stable ids that trails, scenarios and conformance checks use.
actions:
  recommended_action:
    title: Give the care the guideline recommends
    kind: advice
    evidence: [source-statement]

# The state chart: exactly one top-level state is initial. A state's transitions are checked in order; `otherwise`
# fires only when every guard before it is definitely false, so while criterion_met is unknown the pathway waits
# in `assessment` and says that it needs it.
states:
  assessment:
    initial: true
    description: Does the criterion hold?
    transitions:
      - to: recommended
        when: criterion_met
        evidence: [source-statement]
      - to: not_recommended
        when: otherwise
  recommended:
    final: true
    description: The criterion holds; the guideline's care is recommended.
    recommend: [recommended_action]
    evidence: [source-statement]
  not_recommended:
    final: true
    description: The criterion does not hold; nothing is recommended.
"""

SCENARIOS = """\
# Designer scenarios for {pathway_id}: short patient stories whose expectations are checked after a step.
# `pathway test definitions/{pathway_id} --coverage` runs them and lists what no scenario reaches.
pathway: {pathway_id}
scenarios:
  - name: criterion met - the care is recommended
    steps:
      - at: 2026-01-05
        facts: {{criterion_met: true}}
        expect:
          states: [recommended]
          recommend: [recommended_action]
  - name: criterion not met - nothing is recommended
    steps:
      - at: 2026-01-05
        facts: {{criterion_met: false}}
        expect:
          states: [not_recommended]
          not_recommend: [recommended_action]
  - name: criterion not yet known - the pathway waits for it
    steps:
      - at: 2026-01-05
        note: the criterion has not been assessed yet
        expect:
          states: [assessment]
          needs: [criterion_met]
"""

JOURNEY = """\
# An example patient for {pathway_id}. Run it, with its audit trail:
#   pathway run definitions/{pathway_id}/{journey_file} --trail out/{pathway_id}-example-patient.jsonl
journey: {pathway_id}-example-patient
pathway: {pathway_id}@0.1.0
description: The criterion is not assessed at first, then found to hold; the recommended care is given.
events:
  - at: 2026-01-05
    note: first visit; the criterion is not assessed yet
  - at: 2026-01-12
    facts: {{criterion_met: true}}
  - at: 2026-01-13
    done: recommended_action
"""


@dataclass(frozen=True)
class Scaffold:
    """What ``pathway new`` wrote: the new definition folder and every file, schemas included."""

    pathway_id: str
    folder: Path
    files: tuple[Path, ...]

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {"pathway": self.pathway_id, "folder": display_path(self.folder), "files": self._shown()}

    def _shown(self) -> list[str]:
        return [display_path(path) for path in self.files]

    def to_text(self) -> str:
        folder = display_path(self.folder)
        lines = [f"created pathway {self.pathway_id} in {folder}/", *(f"  {shown}" for shown in self._shown())]
        lines.append(f"next: pathway validate {folder} && pathway lint {folder} && pathway test {folder} --coverage")
        return "\n".join(lines)


def check_id(pathway_id: str) -> None:
    """Refuse an id that is not a pathway id, saying where it goes wrong, the rule, and a suggestion."""
    try:
        TypeAdapter(Id).validate_python(pathway_id)
    except ValidationError:
        pass
    else:
        return
    if not pathway_id:
        raise UsageError(f"the pathway id is empty: {ID_RULE}", parameter="pathway_id")
    if len(pathway_id) > 64:
        where = f"it has {len(pathway_id)} characters"
    else:
        bad = next(i for i, c in enumerate(pathway_id) if not re.fullmatch("[a-z]" if i == 0 else "[a-z0-9_]", c))
        where = f"{pathway_id[bad]!r} (character {bad + 1}) is not allowed there"
    suggestion = re.sub(r"[^a-z0-9]+", "_", pathway_id.lower()).strip("_")[:64]
    if suggestion and not suggestion[0].isalpha():
        suggestion = f"p_{suggestion}"[:64]
    hint = f" (did you mean '{suggestion}'?)" if suggestion and suggestion != pathway_id else ""
    raise UsageError(f"'{pathway_id}' is not a pathway id: {where}; {ID_RULE}{hint}", parameter="pathway_id")


def _title(pathway_id: str, title: str | None) -> str:
    """The title as a YAML scalar (JSON quoting is valid YAML), refusing an empty or multi-line one."""
    text = title if title is not None else pathway_id.replace("_", " ").capitalize()
    if not text.strip():
        raise UsageError("the title is empty: give a one-line title", parameter="title")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise UsageError("the title must be one line of text, without control characters", parameter="title")
    return json.dumps(text, ensure_ascii=False)


def scaffold_texts(pathway_id: str, title: str | None = None) -> dict[str, str]:
    """The files of a new pathway's folder, by path relative to it."""
    check_id(pathway_id)
    own = f"../../../{pathway_schema_path(pathway_id).as_posix()}"
    values = {"pathway_id": pathway_id, "title": _title(pathway_id, title), "journey_file": JOURNEY_FILE}
    return {
        DEFINITION_FILE: _HEADER.format(schema=f"../../{SCHEMA_PATH.as_posix()}") + DEFINITION.format(**values),
        SCENARIO_FILE: _HEADER.format(schema=own) + SCENARIOS.format(**values),
        JOURNEY_FILE: _HEADER.format(schema=own) + JOURNEY.format(**values),
    }


def _build(staging: Path, texts: dict[str, str]) -> str:
    """Write the folder's files under staging; the schema of the pathway's journeys and scenarios."""
    for relative, text in texts.items():
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        (staging / relative).write_text(text, encoding="utf-8")
    _, result = read_and_check(staging / DEFINITION_FILE)
    if not result.ok or result.analysis is None:  # a bug in the templates: never leave such a folder behind
        raise RuntimeError("the scaffolded definition is invalid:\n" + render_text(list(result.diagnostics)))
    return pathway_schema(result.analysis)


def _write(pathway_id: str, texts: dict[str, str], base: Path, folder: Path) -> dict[Path, str]:
    """Build the folder under a temporary name beside its destination, write the schemas, rename the folder into
    place; on any failure remove what was written. Returns the schemas written."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{pathway_id}.", suffix=".new", dir=folder.parent))
    written: list[Path] = []
    try:
        schemas = {pathway_schema_path(pathway_id, base): _build(staging, texts)}
        if not (base / SCHEMA_PATH).exists():
            schemas[base / SCHEMA_PATH] = definition_schema()
        for path, text in schemas.items():
            existed = path.exists()
            write_atomically(path, text)
            written += [] if existed else [path]
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return schemas


def new_pathway(pathway_id: str, title: str | None = None, root: Path | None = None) -> Scaffold:
    """Create ``definitions/<pathway_id>/`` under root (default: the working directory), all or nothing.

    Raises :class:`~pathway.errors.UsageError` for a bad id or title, when the folder exists already, or when the
    file system refuses to write (then nothing is left behind)."""
    base = root if root is not None else Path.cwd()
    texts = scaffold_texts(pathway_id, title)
    folder = base / DEFINITIONS_DIR / pathway_id
    if folder.exists() or folder.is_symlink():
        raise UsageError(
            f"{display_path(folder)} already exists: pathway new never overwrites; choose another id, or remove "
            "the folder first"
        )
    try:
        schemas = _write(pathway_id, texts, base, folder)
    except OSError as err:  # the file system refused (permissions, a file where a folder should be, a full disk)
        where = display_path(Path(err.filename)) if err.filename else display_path(folder)
        raise UsageError(f"cannot write {where}: {err.strerror or err}; nothing was written") from None
    return Scaffold(pathway_id, folder, (*(folder / relative for relative in texts), *schemas))
