"""From text to a syntax tree, within limits: length, nesting depth, and every parser failure as an issue.

The text is first scanned word by word (:mod:`pathway.expr.lexical`: no comments, ASCII names, plain numbers
and strings, durations), then parsed with ``ast.parse(text, mode="eval")`` and never compiled to code. Line breaks
(from YAML block scalars) are read as spaces, and a compact duration, which Python cannot read, as a name of the
same length (``72h`` as ``_2h``; no fact or derived name starts with ``_``), which keeps every character offset
unchanged; each duration, compact or ISO (``PT72H`` reads as a name), then becomes a constant of the tree holding its
value, at its place. Offsets in issues are 0-based character offsets into the text as the designer wrote it.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Final, NamedTuple

from pathway.diagnostics.codes import Code
from pathway.expr.lexical import Duration, read_words
from pathway.expr.teach import foreign_operator
from pathway.expr.types import ExprIssue

MAX_LENGTH: Final = 1000
"""Longest expression text accepted, in characters (PW205)."""
MAX_DEPTH: Final = 40
"""Deepest nesting of subexpressions accepted (PW205)."""
BOOL_LITERALS: Final = {"true": True, "false": False}
"""Lower-case boolean literals (Python's True and False are accepted too)."""


class Source:
    """The expression text, and how to map parser columns (UTF-8 bytes of the parsed text) to characters."""

    def __init__(self, text: str, lead: int, parsed: str, names: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.names = names  # the names the expression reads (see names_in), found while parsing
        self.values = names  # the names it reads for their values: all but those only given to last(f)
        self.recorded: frozenset[str] = frozenset()  # the decisions it reads: 'done(a)', 'declined(a)', 'signed(a)'
        self._lead = lead  # characters of leading white space stripped before parsing
        self._encoded = None if parsed.isascii() else parsed.encode("utf-8")

    def _char(self, column: int) -> int:
        if self._encoded is None:
            return self._lead + column
        return self._lead + len(self._encoded[:column].decode("utf-8", errors="replace"))

    def span(self, node: ast.AST) -> tuple[int, int]:
        """(offset, length) of a node, clamped inside the text."""
        start = self._char(getattr(node, "col_offset", 0))
        end_column = getattr(node, "end_col_offset", None)
        end = self._char(end_column) if end_column is not None else start + 1
        return clamp(self.text, start, end - start)

    def span_between(self, first: ast.AST, last: ast.AST) -> tuple[int, int]:
        """(offset, length) from the start of ``first`` to the end of ``last``."""
        start, _ = self.span(first)
        last_start, last_length = self.span(last)
        return clamp(self.text, start, last_start + last_length - start)

    def segment(self, node: ast.AST, limit: int = 40) -> str:
        """The node's text, shortened to ``limit`` characters."""
        offset, length = self.span(node)
        text = self.text[offset : offset + length].replace("\n", " ").replace("\r", " ")
        return text if len(text) <= limit else text[: limit - 3] + "..."


def clamp(text: str, offset: int, length: int) -> tuple[int, int]:
    """Keep an (offset, length) inside ``text``, with length at least 1."""
    last = max(len(text) - 1, 0)
    offset = min(max(offset, 0), last)
    length = min(max(length, 1), max(len(text) - offset, 1))
    return offset, length


def issue(code: str, text: str, offset: int, length: int, message: str, hint: str | None = None) -> ExprIssue:
    """An :class:`ExprIssue` whose offset and length are clamped inside ``text``."""
    offset, length = clamp(text, offset, length)
    return ExprIssue(code=code, message=message, offset=offset, length=length, hint=hint)


def _syntax_issue(text: str, lead: int, error: SyntaxError) -> ExprIssue:
    foreign = foreign_operator(text)
    if foreign is not None:
        message = f"cannot read the expression: '{foreign.operator}' is not an operator of the guard language"
        return issue(Code.PW201, text, foreign.offset, foreign.length, message, foreign.hint)
    message = f"cannot read the expression: {error.msg}"
    if error.offset is None or (error.lineno or 1) != 1:
        return issue(Code.PW201, text, 0, len(text), message)
    if error.offset < 1:  # the parser reports a missing end of the input at column 0
        end = len(text.rstrip())
        return issue(Code.PW201, text, end - 1, 1, message + " (it ends too early)")
    start = lead + error.offset - 1
    end = lead + error.end_offset - 1 if error.end_offset and error.end_offset > error.offset else start + 1
    return issue(Code.PW201, text, start, end - start, message, None)


def _children(node: ast.AST) -> list[ast.AST]:
    """ast.iter_child_nodes, inlined and without the contexts (Load): this runs for every node of every guard."""
    found: list[ast.AST] = []
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            found.extend(item for item in value if isinstance(item, ast.AST))  # a dict's keys may hold None
        elif isinstance(value, ast.AST) and not isinstance(value, ast.expr_context):
            found.append(value)
    return found


class _Walked(NamedTuple):
    """What one pass over a syntax tree found (see :func:`_walk`)."""

    deep: ast.expr | None
    names: frozenset[str]
    values: frozenset[str]
    recorded: frozenset[str]


def _walk(tree: ast.expr) -> _Walked:
    """One pass over a syntax tree, without recursion: the first subexpression nested deeper than MAX_DEPTH (None
    when there is none), the names the tree reads (as :func:`names_in`), those it reads for their values (all
    but the fact ``f`` of ``last(f)``, which reads when ``f`` was given, not its value), and the decisions it reads
    (``done(a)``...: the action id ``a`` is not a name the expression reads, see :func:`recorded_key`)."""
    names: set[str] = set()
    values: set[str] = set()
    recorded: set[str] = set()
    called: set[int] = set()
    timed: set[int] = set()
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            if depth > MAX_DEPTH:
                return _Walked(node, frozenset(), frozenset(), frozenset())
            if type(node) is ast.Name:
                if id(node) not in called and node.id not in BOOL_LITERALS:
                    names.add(node.id)
                    if id(node) not in timed:
                        values.add(node.id)
                continue
            if type(node) is ast.Call:
                called.add(id(node.func))
                function = _one_name_call(node)
                if function == "last":
                    timed.add(id(node.args[0]))
                elif function is not None and function in DECISIONS:
                    action = node.args[0]
                    called.add(id(action))  # an action id, not a name of the expression
                    recorded.add(recorded_key(function, getattr(action, "id", "")))
        stack.extend((child, depth + 1 if isinstance(child, ast.expr) else depth) for child in _children(node))
    return _Walked(None, frozenset(names), frozenset(values), frozenset(recorded))


def _one_name_call(node: ast.Call) -> str | None:
    """The function's name when a call is ``f(name)``, well formed (``last(f)``, ``done(a)``...), else None."""
    func = node.func
    if type(func) is ast.Name and len(node.args) == 1 and not node.keywords and type(node.args[0]) is ast.Name:
        return func.id
    return None


DECISIONS: Final = MappingProxyType(
    {"done": "done", "declined": "declined", "signed": "signed", "days_since_done": "done"}
)
"""The functions that read a decision the journey recorded about an action, and which decision each reads."""


def recorded_key(function: str, action: str) -> str:
    """The key of the decision a call reads: ``done(a)`` for ``done(a)`` and ``days_since_done(a)``, ``declined(a)``,
    ``signed(a)``. It names the decision in :class:`~pathway.expr.evaluate.Scope` and in what an evaluation read."""
    return f"{DECISIONS[function]}({action})"


class _Durations(ast.NodeTransformer):
    """Replaces the name standing for each duration (``_2h`` for ``72h``, or ``PT72H``) with a constant holding
    its value, at the same place."""

    def __init__(self, source: Source, values: Mapping[int, timedelta]) -> None:
        self._source = source
        self._values = values

    def visit_Name(self, node: ast.Name) -> ast.expr:
        value = self._values.get(self._source.span(node)[0])
        if value is None:
            return node
        literal = ast.Constant(value=value)  # type: ignore[arg-type]  # typeshed lists Python's own constants only
        return ast.copy_location(literal, node)


def _placeholders(flat: str, durations: tuple[Duration, ...]) -> str:
    """The text with each compact duration (``72h``) written as a name of the same length (``_2h``)."""
    parts: list[str] = []
    at = 0
    for found in durations:
        if flat[found.offset].isdigit():
            parts += [flat[at : found.offset], "_", flat[found.offset + 1 : found.offset + found.length]]
            at = found.offset + found.length
    return "".join(parts) + flat[at:] if parts else flat


def _syntax_tree(text: str, lead: int, body: str) -> ast.Expression | list[ExprIssue]:
    """Python's syntax tree of ``body`` (the text from ``lead`` on), or the issue that stops it."""
    try:
        with warnings.catch_warnings():  # e.g. invalid escape sequences: not the designer's concern here
            warnings.simplefilter("ignore")
            return ast.parse(body, mode="eval")
    except SyntaxError as error:
        return [_syntax_issue(text, lead, error)]
    except ValueError as error:  # e.g. an integer literal too long to convert
        return [issue(Code.PW201, text, 0, len(text), f"cannot read the expression: {error}")]
    except (RecursionError, MemoryError):
        return [
            issue(
                Code.PW205,
                text,
                0,
                len(text),
                "the expression is too deeply nested to read",
                "split it into derived facts",
            )
        ]


def parse(text: str) -> tuple[ast.expr, Source] | list[ExprIssue]:
    """Parse expression text into a syntax tree, or return the issues that stop it (never raises)."""
    if not isinstance(text, str):
        return [issue(Code.PW201, "", 0, 1, f"an expression must be text, not {type(text).__name__}")]
    if len(text) > MAX_LENGTH:
        return [
            issue(
                Code.PW205,
                text,
                MAX_LENGTH,
                len(text) - MAX_LENGTH,
                f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
                "split it into derived facts",
            )
        ]
    if "\x00" in text:
        return [issue(Code.PW201, text, text.index("\x00"), 1, "the expression contains a NUL character")]
    flat = text.replace("\r", " ").replace("\n", " ")
    body = flat.lstrip()
    lead = len(flat) - len(body)
    if not body:
        return [issue(Code.PW201, text, 0, len(text), "the expression is empty")]
    words, durations = read_words(flat)
    if words:
        return [issue(w.code, text, w.offset, w.length, w.message, w.hint) for w in words]
    body = _placeholders(flat, durations)[lead:]
    tree = _syntax_tree(text, lead, body)
    if isinstance(tree, list):
        return tree
    walked = _walk(tree.body)
    source = Source(text, lead, body, walked.names)
    if walked.deep is not None:
        deep = walked.deep
        offset, length = source.span(deep)
        message = f"the expression is nested more than {MAX_DEPTH} levels deep at '{source.segment(deep)}'"
        return [issue(Code.PW205, text, offset, length, message, "split it into derived facts")]
    if durations:
        body_tree = _Durations(source, {found.offset: found.value for found in durations}).visit(tree.body)
        walked = _walk(body_tree)
    else:
        body_tree = tree.body
    source.names, source.values, source.recorded = walked.names, walked.values, walked.recorded
    return body_tree, source


def names_in(tree: ast.expr) -> frozenset[str]:
    """Names a syntax tree reads: every bare name except function names, the action ids given to ``done()`` and
    the other functions of decisions, and the literals true/false."""
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    called |= {
        id(node.args[0]) for node in ast.walk(tree) if isinstance(node, ast.Call) and _one_name_call(node) in DECISIONS
    }
    return frozenset(
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and id(node) not in called and node.id not in BOOL_LITERALS
    )


def referenced_names(text: str) -> frozenset[str] | None:
    """Names an expression reads (for ordering derived facts), including inside known(); None when it does not
    parse or exceeds the limits. Undeclared names are included: this does not know the symbols."""
    parsed = parse(text)
    if isinstance(parsed, list):
        return None
    return parsed[1].names
