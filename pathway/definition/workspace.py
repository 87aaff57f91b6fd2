"""Where a project's pathways live, found once and loaded once.

A :class:`Workspace` is a root folder laid out as ``definitions/<id>/pathway.yaml`` with, beside each definition,
``journeys/`` (example patients, ``*.yaml`` or ``*.jsonl``), ``scenarios/`` (designer scenarios, ``*.yaml``) and
``trails/`` (the committed trails of the journeys). It is the only place that knows this layout, and it caches
what it reads: a command that needs a definition's document, its check and its analysis reads and checks the file
once. A workspace belongs to one command: files edited meanwhile are not re-read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pathway.definition.analysis import Analysis
from pathway.definition.loader import (
    DEFINITION_FILE,
    DEFINITIONS_DIR,
    CheckResult,
    find_definitions,
    known_definitions,
    read_and_check,
    resolve,
)
from pathway.errors import InvalidInputError, UnreadableInputError
from pathway.source.reader import SourceDocument

JOURNEYS_DIR, SCENARIOS_DIR, TRAILS_DIR = "journeys", "scenarios", "trails"


class Workspace:
    """The definitions under ``root`` (default: the working directory), with their journeys and scenarios."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else Path.cwd()
        self._checked: dict[Path, tuple[SourceDocument | None, CheckResult]] = {}

    # --- finding ---------------------------------------------------------------------------------------------

    def definitions(self, paths: Sequence[str | Path] = ()) -> list[Path]:
        """The definition files named by paths, or every ``definitions/*/pathway.yaml`` when there are none."""
        return find_definitions(paths, self.root)

    def resolve(self, ref: str) -> Path:
        """A definition file from a path or a pathway id (``bipn`` -> ``definitions/bipn/pathway.yaml``)."""
        return resolve(ref, self.root)

    def definition_of(self, pathway_id: str) -> Path:
        """Where the definition of ``pathway_id`` lives in this workspace (whether or not it exists)."""
        return self.root / DEFINITIONS_DIR / pathway_id / DEFINITION_FILE

    def known(self) -> list[Path]:
        """Every definition a pin can name: this workspace's, then the bundled ones it does not hold."""
        return known_definitions(self.root)

    @staticmethod
    def journeys(definition: Path) -> list[Path]:
        """The example journeys bundled with a definition, by name."""
        folder = definition.parent / JOURNEYS_DIR
        return sorted([*folder.glob("*.yaml"), *folder.glob("*.jsonl")])

    @staticmethod
    def scenario_files(definition: Path) -> list[Path]:
        """The designer scenario files of a definition, by name."""
        return sorted((definition.parent / SCENARIOS_DIR).glob("*.yaml"))

    @staticmethod
    def trail_of(definition: Path, journey: Path) -> Path:
        """Where the committed trail of a bundled journey lives."""
        return definition.parent / TRAILS_DIR / f"{journey.stem}.jsonl"

    # --- loading, once -----------------------------------------------------------------------------------------

    def _entry(self, path: Path) -> tuple[SourceDocument | None, CheckResult]:
        key = path.resolve()
        if key not in self._checked:
            self._checked[key] = read_and_check(path, within=self.root / DEFINITIONS_DIR)
        return self._checked[key]

    def check(self, path: Path) -> CheckResult:
        """Every diagnostic of one definition file (read and checked once). Never raises for bad input."""
        return self._entry(path)[1]

    def document(self, path: Path) -> SourceDocument:
        """The parsed document of a readable definition file (read once)."""
        doc, result = self._entry(path)
        if doc is None:
            raise (UnreadableInputError if result.unreadable else InvalidInputError)(result.diagnostics)
        return doc

    def analysis(self, path: Path) -> Analysis:
        """The checked, compiled definition, or an InvalidInputError carrying every diagnostic."""
        result = self.check(path)
        if result.unreadable:
            raise UnreadableInputError(result.diagnostics)
        if not result.ok or result.analysis is None:
            raise InvalidInputError(result.diagnostics)
        return result.analysis

    def analyses(self) -> list[tuple[Path, Analysis]]:
        """Every bundled definition with its analysis, in path order."""
        return [(path, self.analysis(path)) for path in self.definitions()]
