"""A problem found in a definition at a document path (:class:`Issue`), shared by the whole-file checks of
:mod:`pathway.definition.analysis` and :mod:`pathway.definition.consistency`, and by lint;
:mod:`pathway.definition.loader` turns issues into located diagnostics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pathway.definition.index import DocPath


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
