"""Find pathway definitions and load them: YAML -> schema -> whole-file checks, every finding located.

:func:`check` never raises for bad input: it returns a :class:`CheckResult` with every diagnostic.
:func:`load` raises :class:`~pathway.errors.InvalidInputError` carrying them all. Both are the library behind
``pathway validate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pathway.definition.analysis import Analysis, analyse
from pathway.definition.model import Pathway
from pathway.diagnostics import Diagnostic, Severity, render_text, sorted_diagnostics, summary_line
from pathway.diagnostics.codes import Code
from pathway.errors import ExitCode, InvalidInputError, UnreadableInputError, UsageError
from pathway.source.files import display_path, kind_of
from pathway.source.locate import located
from pathway.source.reader import SourceDocument, load_file
from pathway.source.schema_errors import CODE_WRONG_TYPE, diagnostics_from

DEFINITION_FILE = "pathway.yaml"
DEFINITIONS_DIR = "definitions"
BUNDLED_DIR = Path(__file__).parent.parent / "bundled"
"""The definitions that ship inside pathway, ``bundled/<id>/pathway.yaml``: links to ``definitions/<id>/`` in the
source tree, their copies in a wheel. They answer an id or a pin that the project's own ``definitions/`` does not
hold, so that an installed pathway runs its bundled pathways from any folder."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one definition file."""

    path: str
    diagnostics: tuple[Diagnostic, ...]
    pathway: Pathway | None = None
    analysis: Analysis | None = None
    unreadable: bool = False

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def status_line(self) -> str | None:
        """``path: valid (id version, N states, ...)`` for a valid definition, else None."""
        if not self.ok or self.pathway is None or self.analysis is None:
            return None
        idx = self.analysis.index
        return (
            f"{self.path}: valid ({self.pathway.id} {self.pathway.version}, {len(idx.states)} states, "
            f"{len(idx.transitions)} transitions, {len(self.pathway.facts)} facts)"
        )


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of ``pathway validate``: one :class:`CheckResult` per definition file."""

    results: tuple[CheckResult, ...]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    @property
    def exit_code(self) -> ExitCode:
        """2 when a file could not be read at all, 1 when one is invalid, else 0."""
        if any(r.unreadable for r in self.results):
            return ExitCode.USAGE
        return ExitCode.OK if all(r.ok for r in self.results) else ExitCode.FINDINGS

    def to_json(self) -> dict[str, Any]:
        """Each file with whether it is valid and its diagnostics, and the number of errors."""
        files = [
            {"path": r.path, "valid": r.ok, "diagnostics": [d.model_dump(mode="json") for d in r.diagnostics]}
            for r in self.results
        ]
        errors = sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)
        return {"files": files, "errors": errors}

    def to_text(self) -> str:
        """Every problem, located, then ``path: valid (...)`` for each valid file and the summary line."""
        lines: list[str] = []
        for r in self.results:
            if r.diagnostics:
                lines.append(render_text(r.diagnostics))
            if (status := r.status_line()) is not None:
                lines.append(status)
        return "\n".join([*lines, summary_line(self.diagnostics, len(self.results))])


def find_definitions(paths: Sequence[str | Path] = (), root: Path | None = None) -> list[Path]:
    """The definition files named by paths (files, or folders holding pathway.yaml or definitions below them).

    With no paths, every ``definitions/*/pathway.yaml`` under root (default: the working directory).
    """
    if not paths:
        base = (root or Path.cwd()) / DEFINITIONS_DIR
        found = sorted(base.glob(f"*/{DEFINITION_FILE}"))
        if not found:
            raise UsageError(f"no definitions found under {display_path(base)}/ (expected */{DEFINITION_FILE})")
        return found
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        kind = kind_of(path)
        if kind == "nothing":
            raise UsageError(f"{raw}: does not exist")
        if kind != "a folder":  # a file; or a pipe, a device, a broken link, which reading names for what it is
            out.append(path)
        elif kind_of(path / DEFINITION_FILE) != "nothing":
            out.append(path / DEFINITION_FILE)
        elif found := sorted(path.glob(f"*/{DEFINITION_FILE}")):
            out.extend(found)
        else:
            raise UsageError(f"{raw}: has no {DEFINITION_FILE}")
    return out


def resolve(ref: str, root: Path | None = None) -> Path:
    """A definition file from a path or a pathway id (``bipn`` -> definitions/bipn/pathway.yaml, or the bundled
    ``bipn`` when the project has none).

    Only for what a user names on the command line or in code: a journey's pin is an id, never a path."""
    candidate = Path(ref)
    if kind_of(candidate) != "nothing":
        return find_definitions([candidate])[0]
    by_id = (root or Path.cwd()) / DEFINITIONS_DIR / ref / DEFINITION_FILE
    if kind_of(by_id) != "nothing":
        return by_id
    bundled = bundled_definitions()
    if ref in bundled:
        return bundled[ref]
    shipped = ", ".join(bundled) or "none"
    raise UsageError(f"no pathway '{ref}': not a file, no {display_path(by_id)}, and not a bundled pathway ({shipped})")


def bundled_definitions() -> dict[str, Path]:
    """The definitions that ship with pathway (:data:`BUNDLED_DIR`), by id, in id order."""
    return {path.parent.name: path for path in sorted(BUNDLED_DIR.glob(f"*/{DEFINITION_FILE}"))}


def known_definitions(root: Path | None = None) -> list[Path]:
    """Every definition a journey's pin or a trail's hash can name: the project's own (``definitions/*/`` under root,
    default the working directory), then each bundled one whose id the project does not hold."""
    own = sorted(((root or Path.cwd()) / DEFINITIONS_DIR).glob(f"*/{DEFINITION_FILE}"))
    held = {path.parent.name for path in own}
    return own + [path for name, path in bundled_definitions().items() if name not in held]


def read_and_check(path: str | Path, *, within: Path | None = None) -> tuple[SourceDocument | None, CheckResult]:
    """Read and check one definition file: its document (None when it could not be parsed) and every diagnostic.

    With ``within`` (a project's definitions folder), a file below it that is a link leading out of it is refused
    unread: a planted ``definitions/<id>/pathway.yaml`` must not make pathway read, and quote, another file."""
    shown = display_path(Path(path))
    if within is not None and _leaves(Path(path), within):
        message = f"links outside {display_path(within)}/: a definition found there is not read through a link"
        refused = Diagnostic(code=Code.PW007, message=message, file=shown, hint="pass the target's own path")
        return None, CheckResult(shown, (refused,), unreadable=True)
    try:
        doc = load_file(path, display=shown)
    except UnreadableInputError as err:
        return None, CheckResult(shown, tuple(err.diagnostics), unreadable=True)
    except InvalidInputError as err:
        return None, CheckResult(shown, tuple(sorted_diagnostics(err.diagnostics)))
    return doc, check_document(doc)


def _leaves(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies below ``folder`` as written but resolves (through links) to a file outside it."""
    written, base = path.absolute(), folder.absolute()
    return written.is_relative_to(base) and not written.resolve().is_relative_to(base.resolve())


def check(path: str | Path) -> CheckResult:
    """Load and check one definition file, collecting every diagnostic. Never raises for bad input."""
    return read_and_check(path)[1]


def check_document(doc: SourceDocument) -> CheckResult:
    """Check an already parsed document: schema first, then (when the schema holds) the whole-file checks."""
    if not isinstance(doc.data, dict):
        diag = located(
            doc,
            (),
            CODE_WRONG_TYPE,
            "a pathway definition must be a mapping at the top level",
            hint="start with 'pathway: <id>', 'version: ...', 'states: ...'",
        )
        return CheckResult(doc.path, (diag,))
    try:
        pathway = Pathway.model_validate(doc.data)
    except ValidationError as err:
        return CheckResult(doc.path, tuple(sorted_diagnostics(diagnostics_from(err, doc, Pathway))))
    analysis = analyse(pathway)
    diags = [located(doc, i.path, i.code, i.message, hint=i.hint, key=i.key, span=i.span) for i in analysis.issues]
    return CheckResult(doc.path, tuple(sorted_diagnostics(diags)), pathway, analysis)


def load(path: str | Path) -> Pathway:
    """Load a valid definition, or raise one InvalidInputError that carries every diagnostic."""
    return load_analysis(path).pathway


def load_analysis(path: str | Path) -> Analysis:
    """Like :func:`load`, returning the checked and compiled form the engine runs."""
    result = check(path)
    if result.unreadable:
        raise UnreadableInputError(result.diagnostics)
    if not result.ok or result.analysis is None:
        raise InvalidInputError(result.diagnostics)
    return result.analysis


def analysis_of(pathway: Pathway, name: str = "<model>") -> Analysis:
    """Check a Pathway built in code (no file): raise with every issue, located by its path in the model."""
    analysis = analyse(pathway)
    if analysis.issues:
        raise InvalidInputError(
            [
                Diagnostic(code=i.code, message=f"{'/'.join(map(str, i.path))}: {i.message}", file=name, hint=i.hint)
                for i in analysis.issues
            ]
        )
    return analysis


def validate_paths(paths: Sequence[str | Path] = (), root: Path | None = None) -> ValidationReport:
    """Check every definition :func:`find_definitions` finds for ``paths`` (``pathway validate``). A path that
    names no definition is reported as unreadable in its place, and the others are still checked."""
    if not paths:
        within = (root or Path.cwd()) / DEFINITIONS_DIR
        return ValidationReport(tuple(read_and_check(p, within=within)[1] for p in find_definitions((), root)))
    results: list[CheckResult] = []
    for raw in paths:
        try:
            found = find_definitions([raw], root)
        except UsageError as err:
            message = str(err).removeprefix(f"{raw}: ")
            missing = Diagnostic(code=Code.PW007, message=message, file=str(raw), hint="check the path")
            results.append(CheckResult(str(raw), (missing,), unreadable=True))
            continue
        results += [check(p) for p in found]
    return ValidationReport(tuple(results))


def validate(path: str | Path) -> list[Diagnostic]:
    """Every diagnostic for one definition file; empty when it is valid."""
    return list(check(path).diagnostics)
