"""Find pathway definitions and load them: YAML -> schema -> whole-file checks, every finding located.

:func:`check` never raises for bad input: it returns a :class:`CheckResult` with every diagnostic.
:func:`load` raises :class:`~pathway.errors.InvalidInputError` carrying them all. Both are the library behind
``pathway validate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from pathway.definition.analysis import Analysis, analyse
from pathway.definition.model import Pathway
from pathway.diagnostics import Diagnostic, Severity, sorted_diagnostics
from pathway.errors import InvalidInputError, UnreadableInputError, UsageError
from pathway.source.files import display_path
from pathway.source.locate import located
from pathway.source.reader import SourceDocument, load_file
from pathway.source.schema_errors import CODE_WRONG_TYPE, diagnostics_from

DEFINITION_FILE = "pathway.yaml"
DEFINITIONS_DIR = "definitions"


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
        if path.is_file():
            out.append(path)
        elif (path / DEFINITION_FILE).is_file():
            out.append(path / DEFINITION_FILE)
        elif path.is_dir() and (found := sorted(path.glob(f"*/{DEFINITION_FILE}"))):
            out.extend(found)
        else:
            where = "has no pathway.yaml" if path.is_dir() else "does not exist"
            raise UsageError(f"{raw}: {where}")
    return out


def resolve(ref: str, root: Path | None = None) -> Path:
    """A definition file from a path or a pathway id (``bipn`` -> definitions/bipn/pathway.yaml)."""
    candidate = Path(ref)
    if candidate.exists():
        return find_definitions([candidate])[0]
    by_id = (root or Path.cwd()) / DEFINITIONS_DIR / ref / DEFINITION_FILE
    if by_id.is_file():
        return by_id
    raise UsageError(f"no pathway '{ref}': not a file, and no {display_path(by_id)}")


def read_and_check(path: str | Path) -> tuple[SourceDocument | None, CheckResult]:
    """Read and check one definition file: its document (None when it could not be parsed) and every diagnostic."""
    shown = display_path(Path(path))
    try:
        doc = load_file(path, display=shown)
    except UnreadableInputError as err:
        return None, CheckResult(shown, tuple(err.diagnostics), unreadable=True)
    except InvalidInputError as err:
        return None, CheckResult(shown, tuple(sorted_diagnostics(err.diagnostics)))
    return doc, check_document(doc)


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


def validate(path: str | Path) -> list[Diagnostic]:
    """Every diagnostic for one definition file; empty when it is valid."""
    return list(check(path).diagnostics)
