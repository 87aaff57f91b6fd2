"""A problem found in a definition at a document path (:class:`Issue`), shared by the whole-file checks of
:mod:`pathway.definition.analysis` and :mod:`pathway.definition.consistency`, and by lint;
:mod:`pathway.definition.loader` turns issues into located diagnostics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from pathway.definition.index import DocPath
from pathway.expr import referenced_names


@dataclass(frozen=True)
class Issue:
    """A problem at a document path; ``span`` = (scalar text, offset, length) for a part of a scalar."""

    path: DocPath
    code: str
    message: str
    hint: str | None = None
    key: bool = False
    span: tuple[str, int, int] | None = None


def expr_issues(path: DocPath, text: str, found: Iterable[object]) -> Iterator[Issue]:
    """The issues of an expression (:class:`~pathway.expr.types.ExprIssue`) at the scalar ``path`` holds."""
    for item in found:
        code, message, offset, length, hint = (
            getattr(item, a) for a in ("code", "message", "offset", "length", "hint")
        )
        yield Issue(path, code, message, hint, span=(text, offset, length))


def reads_broken(text: str, broken: AbstractSet[str]) -> bool:
    """Whether an expression reads a derived fact that failed to compile: it is then not compiled, since the derived
    fact's own issue is the one to fix (reporting 'unknown name' here would mislead)."""
    return bool(broken) and bool((referenced_names(text) or frozenset()) & broken)
