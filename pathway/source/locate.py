"""Turn a path in a YAML document into a located :class:`Diagnostic`.

Every check works on paths (``("states", "assess", "transitions", 0, "when")``); this module finds the line and
column through the :class:`~pathway.source.SourceDocument`, and for a span inside a one-line plain or quoted scalar
(a guard's offending name, say) the exact column of that span, verified against the source line.
"""

from __future__ import annotations

from collections.abc import Sequence

from pathway.diagnostics import Diagnostic, Severity
from pathway.source.reader import SourceDocument

DocPath = Sequence[str | int]


def _span_column(doc: SourceDocument, path: DocPath, text: str, offset: int, length: int) -> tuple[int, int] | None:
    """Column range of text[offset:offset+length] inside the scalar at path, if it can be placed exactly."""
    key = tuple(path)
    if key not in doc.value_marks:
        return None
    mark = doc.value_marks[key]
    style = doc.styles.get(key)
    if style not in (None, "'", '"'):
        return None
    start = mark.column + (0 if style is None else 1) + offset
    line = doc.line_text(mark.line)
    fragment = text[offset : offset + length]
    if fragment and line[start - 1 : start - 1 + len(fragment)] == fragment:
        return start, start + len(fragment)
    return None


def _value_at(data: object, path: DocPath) -> object:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _whole_span(doc: SourceDocument, path: DocPath, key: bool) -> tuple[int, int] | None:
    """Column range of the whole key (key=True) or scalar value at path, when it sits on one line."""
    if key:
        if not path or tuple(path) not in doc.key_marks:
            return None
        mark = doc.key_marks[tuple(path)]
        name = str(path[-1])
        line = doc.line_text(mark.line)
        if line[mark.column - 1 : mark.column - 1 + len(name)] == name:
            return mark.column, mark.column + len(name)
        return None
    value = _value_at(doc.data, path)
    if isinstance(value, str) and value and "\n" not in value:
        return _span_column(doc, path, value, 0, len(value))
    if isinstance(value, bool | int | float) and tuple(path) in doc.value_marks:
        mark = doc.value_marks[tuple(path)]
        token = doc.line_text(mark.line)[mark.column - 1 :].split(maxsplit=1)
        width = len(token[0].rstrip(",]}")) if token else 1
        return mark.column, mark.column + max(width, 1)
    return None


def located(
    doc: SourceDocument,
    path: DocPath,
    code: str,
    message: str,
    *,
    hint: str | None = None,
    key: bool = False,
    span: tuple[str, int, int] | None = None,
    severity: Severity = Severity.ERROR,
) -> Diagnostic:
    """A diagnostic at path: its key when ``key`` (for unknown or misplaced keys), else its value.

    ``span`` is ``(scalar_text, offset, length)``: point at that part of the scalar where it can be placed exactly.
    """
    mark = doc.mark(path, key=key)
    line, column, end = mark.line, mark.column, None
    placed = _span_column(doc, path, *span) if span is not None else _whole_span(doc, path, key)
    if placed is not None:
        column, end = placed
    return Diagnostic(
        code=code,
        severity=severity,
        message=message,
        file=doc.path,
        line=line,
        column=column,
        end_column=end,
        hint=hint,
    )
