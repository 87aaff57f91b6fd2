"""Safe YAML loading that remembers the line and column of every node.

Every YAML input goes through :func:`load_file` or :func:`parse_text`. Data is built from PyYAML's event
stream (libyaml when available) with an explicit stack, under the YAML 1.2 core schema: ``yes``, ``on``,
``y``, dates and ``1_000`` stay strings, ``0755`` is 755, ``<<`` is an ordinary key (no merge). Only the tags
``!!str !!int !!float !!bool !!null !!seq !!map`` and ``!`` are accepted; no tag ever constructs an object. An
alias reuses the anchored object; nodes reached through an alias have no recorded position. A scalar's mark
is where its text starts (after any anchor or tag; at the quote of a quoted scalar). A leading BOM is dropped.

Codes (``*``: :class:`UnreadableInputError`, exit 2; else :class:`InvalidInputError` with every finding):
PW001 syntax error, forbidden character, or an alias without a complete anchor before it; PW002 duplicate key
(at the second, naming the first's line) or a mapping or sequence used as a key; PW003* file over
``max_bytes``; PW004* nesting deeper than ``max_depth`` (a top-level mapping is 1); PW005* more than
``max_nodes`` nodes, an alias counting as the size of its anchored node; PW006 unsupported tag, a value that
does not match its tag, or an integer too long to convert; PW007* missing, unreadable or non-UTF-8 file;
PW008 empty document; PW009 more than one document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import yaml
from yaml import events as ev
from yaml.reader import ReaderError

from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code
from pathway.errors import InvalidInputError, UnreadableInputError
from pathway.source.files import read_bytes

NodePath = tuple[str | int, ...]
Loader = type[yaml.SafeLoader] | type[yaml.CSafeLoader]
DEFAULT_LOADER: Loader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class Mark:
    """A position in the source text, 1-based."""

    line: int
    column: int


_FIRST = Mark(1, 1)
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # the line breaks PyYAML counts


@dataclass(frozen=True)
class SourceDocument:
    """A parsed YAML document with the position of every node and the style of every scalar."""

    path: str
    text: str
    data: object
    key_marks: Mapping[NodePath, Mark]
    value_marks: Mapping[NodePath, Mark]
    styles: Mapping[NodePath, str | None]

    def mark(self, path: Sequence[str | int], *, key: bool = False) -> Mark:
        """Position of path (its key when key=True and it has one), else of the nearest recorded ancestor."""
        node = tuple(path)
        if key and node in self.key_marks:
            return self.key_marks[node]
        while node not in self.value_marks:
            if not node:
                return _FIRST
            node = node[:-1]
        return self.value_marks[node]

    @cached_property
    def _lines(self) -> list[str]:
        return _BREAK.split(self.text)

    def line_text(self, line: int) -> str:
        """Text of a 1-based line without its line break ("" when out of range)."""
        return self._lines[line - 1] if 0 < line <= len(self._lines) else ""


def _to_mark(raw: Any) -> Mark:
    """A Mark from PyYAML's 0-based mark; a Mark passes through."""
    return raw if type(raw) is Mark else Mark(raw.line + 1, raw.column + 1)


class _Marks(Mapping[NodePath, Mark]):
    """Marks by path, kept as PyYAML's marks and converted when read (most never are)."""

    def __init__(self, raw: dict[NodePath, Any]) -> None:
        self._raw = raw

    def __getitem__(self, path: NodePath) -> Mark:
        return _to_mark(self._raw[path])

    def __contains__(self, path: object) -> bool:
        return path in self._raw

    def __iter__(self) -> Iterator[NodePath]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def _finding(code: str, message: str, path: str, at: Any, hint: str | None) -> Diagnostic:
    at = _to_mark(at)
    return Diagnostic(code=code, message=message, file=path, line=at.line, column=at.column, hint=hint)


def _end_of(prefix: str) -> Mark:
    """The position just after prefix, the text before it in the file."""
    lines = _BREAK.split(prefix)
    return Mark(len(lines), len(lines[-1]) + 1)


_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_WORDS: dict[str, object] = {w: None for w in ("", "~", "null", "Null", "NULL")}
_WORDS |= {w: True for w in ("true", "True", "TRUE")} | {w: False for w in ("false", "False", "FALSE")}
_WORDS |= {s + w: float(s + "inf") for w in (".inf", ".Inf", ".INF") for s in ("", "+", "-")}
_WORDS |= {w: float("nan") for w in (".nan", ".NaN", ".NAN")}
_MAY_RESOLVE, _MISSING = frozenset("0123456789+-.~nNtTfF"), object()
_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {"str": str, "int": int, "float": float, "bool": bool, "null": type(None)}
_KINDS = {"seq": "sequence", "map": "mapping", "scalar": "scalar"}


def resolve_plain(text: str) -> object:
    """Value of a plain (unquoted, untagged) scalar under the YAML 1.2 core schema."""
    if text and text[0] not in _MAY_RESOLVE:
        return text
    word = _WORDS.get(text, _MISSING)
    if word is not _MISSING:
        return word
    if _INT.fullmatch(text):
        base = {"o": 8, "x": 16}.get(text[1:2], 10)
        try:
            return int(text[2:] if base != 10 else text, base)
        except ValueError:  # more digits than sys.get_int_max_str_digits()
            raise ValueError(f"integer {text[:10]}... has {len(text)} digits, too many to read") from None
    return float(text) if _FLOAT.fullmatch(text) else text


def _tag_problem(tag: str, kind: str) -> str | None:
    """Why tag cannot be used on a node of this kind ('scalar', 'seq' or 'map'), or None when it can."""
    name = tag[len(_STD) :] if tag.startswith(_STD) else ""
    if tag == "!" or name == kind or (kind == "scalar" and name in _SCALAR_TAGS):
        return None
    if name in _SCALAR_TAGS or name in ("seq", "map"):
        return f"tag !!{name} cannot be used on a {_KINDS[kind]}"
    return f"tag {'!!' + name if name else tag} is not supported"


def _tagged(tag: str, text: str) -> object:
    """Value of a scalar with an allowed explicit tag; ValueError when the text does not fit the tag."""
    name = tag[len(_STD) :]
    if tag == "!" or name == "str":
        return text
    value = resolve_plain(text)
    if name == "float" and type(value) is int and _FLOAT.fullmatch(text):
        value = float(value)
    if type(value) is not _SCALAR_TAGS[name]:
        raise ValueError(f"{text!r} is not a valid !!{name} value")
    return value


# Frame states: a sequence; a mapping waiting for a key; a mapping dropping the value of a bad key.
_SEQ, _NEED_KEY, _SKIP = object(), object(), object()
_PROPERTIES = re.compile(r"(?:[&!]\S*|[ \t]+|#[^\r\n\x85\u2028\u2029]*|\r\n|[\r\n\x85\u2028\u2029])*")
_ONCE = "remove one of them: a key may appear only once in a mapping"
_DEEP = "flatten the structure: pathway files never need deep nesting"
_TAG_HINT = "remove the tag; the allowed tags are !!str !!int !!float !!bool !!null !!seq !!map"
_VALUE_HINT = "quote the value to keep it a string, or fix the tag"


class _Frame:
    """An open mapping or sequence; ``key`` is _SEQ for a sequence, else the key waiting for its value."""

    __slots__ = ("data", "path", "key", "key_path", "anchor", "start")

    def __init__(self, data: Any, path: NodePath | None, anchor: str | None, start: int) -> None:
        self.data, self.path, self.anchor, self.start = data, path, anchor, start
        self.key: Any = _NEED_KEY if type(data) is dict else _SEQ
        self.key_path: NodePath | None = None


class _Builder:
    """Turns one document's events into data and marks, collecting the findings that do not stop reading."""

    def __init__(self, text: str, path: str, max_depth: int, max_nodes: int) -> None:
        self.text, self.path, self.max_depth, self.max_nodes = text, path, max_depth, max_nodes
        self.stack: list[_Frame] = []
        self.root: object = None
        self.empty = False
        self.count = 0  # nodes so far, an alias counting as the size of its anchored node
        self.anchors: dict[str, tuple[object, int]] = {}  # name -> (node, expanded size)
        self.key_marks: dict[NodePath, Any] = {}  # PyYAML's marks, or a Mark where adjusted
        self.value_marks: dict[NodePath, Any] = {}
        self.styles: dict[NodePath, str | None] = {}
        self.findings: list[Diagnostic] = []

    def note(self, code: str, message: str, at: Any, hint: str | None) -> None:
        self.findings.append(_finding(code, message, self.path, at, hint))

    def run(self, events: Iterable[Any]) -> SourceDocument:
        documents = 0
        for event in events:
            kind = type(event)
            if kind is ev.ScalarEvent:
                self.scalar(event)
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                self.end()
            elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                self.start(event, {} if kind is ev.MappingStartEvent else [])
            elif kind is ev.AliasEvent:
                self.alias(event)
            elif kind is ev.DocumentStartEvent and (documents := documents + 1) > 1:
                hint = "remove the '---' line and what follows, or split the file"
                second = _finding(Code.PW009, "more than one document", self.path, event.start_mark, hint)
                raise InvalidInputError([second])
        if documents == 0 or self.empty:
            empty = _finding(
                Code.PW008,
                "the document is empty",
                self.path,
                _FIRST,
                "expected YAML content, e.g. 'pathway: <id>' for a definition",
            )
            raise InvalidInputError([empty])
        if self.findings:
            raise InvalidInputError(self.findings)
        marks = _Marks(self.key_marks), _Marks(self.value_marks), MappingProxyType(self.styles)
        return SourceDocument(self.path, self.text, self.root, *marks)

    def content_mark(self, event: Any) -> Mark:
        """Where a scalar's text starts, after its anchor and tag."""
        at = event.start_mark
        match = _PROPERTIES.match(self.text, at.index, event.end_mark.index)
        skipped = _BREAK.split(match.group() if match else "")
        column = len(skipped[-1]) if len(skipped) > 1 else at.column + len(skipped[0])
        return Mark(at.line + len(skipped), column + 1)

    def add(self, value: object, at: Any) -> NodePath | None:
        """Place value in the open container; return its path, or None for keys and unrecorded nodes."""
        if not self.stack:
            self.root = value
            return ()
        top = self.stack[-1]
        if top.key is _SEQ:
            top.data.append(value)
            return None if top.path is None else top.path + (len(top.data) - 1,)
        if top.key is _NEED_KEY:
            self.take_key(top, value, at)
            return None
        key, top.key = top.key, _NEED_KEY
        if key is _SKIP:
            return None
        top.data[key] = value
        return top.key_path

    def take_key(self, top: _Frame, key: Any, at: Any) -> None:
        top.key = _SKIP
        if type(key) is dict or type(key) is list:
            what = "mapping" if type(key) is dict else "sequence"
            self.note(Code.PW002, f"a {what} cannot be a mapping key", at, "use a string as the key")
        elif key in top.data:
            first = self.key_marks.get(top.path + (key,)) if top.path is not None else None
            where = f" (first defined on line {_to_mark(first).line})" if first else ""
            self.note(Code.PW002, f"duplicate key {key!r}{where}", at, _ONCE)
        else:
            top.key = key
            top.key_path = None if top.path is None else top.path + (key,)
            if top.key_path is not None:
                self.key_marks[top.key_path] = at

    def counted(self, size: int, event: Any) -> None:
        self.count += size
        if self.count > self.max_nodes:
            message = f"the document expands to more than {self.max_nodes} nodes (aliases expanded)"
            hint = "use fewer aliases of large nodes, or split the file"
            raise UnreadableInputError([_finding(Code.PW005, message, self.path, event.start_mark, hint)])

    def scalar(self, event: Any) -> None:
        style, tag = event.style or None, event.tag  # libyaml reports a plain scalar's style as ''
        at = event.start_mark if tag is None and event.anchor is None else self.content_mark(event)
        try:
            if tag is None:
                value = event.value if style else resolve_plain(event.value)
            else:
                ok = self.tag_ok(tag, "scalar", event.start_mark)
                value = _tagged(tag, event.value) if ok else event.value
        except ValueError as problem:  # findings point at the node's start: its tag, if it has one
            self.note(Code.PW006, str(problem), event.start_mark, _VALUE_HINT)
            value = event.value
        if not self.stack:
            self.empty = event.value == "" and not style and tag is None
        path = self.add(value, at)
        if path is not None:
            self.value_marks[path] = at
            self.styles[path] = style
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        self.counted(1, event)

    def tag_ok(self, tag: str, kind: str, at: Any) -> bool:
        problem = _tag_problem(tag, kind)
        if problem is not None:
            self.note(Code.PW006, problem, at, _TAG_HINT)
        return problem is None

    def start(self, event: Any, data: dict[Any, Any] | list[Any]) -> None:
        at = event.start_mark
        if len(self.stack) >= self.max_depth:
            message = f"nesting is deeper than {self.max_depth} levels"
            raise UnreadableInputError([_finding(Code.PW004, message, self.path, at, _DEEP)])
        if event.tag is not None:
            self.tag_ok(event.tag, "map" if type(data) is dict else "seq", at)
        path = self.add(data, at)
        if path is not None:
            self.value_marks[path] = at
        self.stack.append(_Frame(data, path, event.anchor, self.count))
        self.counted(1, event)

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.data, self.count - frame.start)

    def alias(self, event: Any) -> None:
        at, name = event.start_mark, event.anchor
        value, size = self.anchors.get(name, (None, 1))
        if name not in self.anchors:
            inside = any(frame.anchor == name for frame in self.stack)
            problem = "is inside the node it refers to" if inside else "has no anchor before it"
            hint = f"define &{name} on a complete node before this alias (aliases cannot be recursive)"
            self.note(Code.PW001, f"alias *{name} {problem}", at, hint)
        path = self.add(value, at)
        if path is not None:
            self.value_marks[path] = at
        self.counted(size, event)


_TOKENS = {"stream end": "the end of the file", "block end": "the end of the indented block"}
_TOKENS |= {"block mapping start": "an indented mapping", "block sequence start": "an indented list"}
_TOKENS |= {"document start": "'---'", "document end": "'...'", "scalar": "a value", "alias": "an alias"}


_UNCLOSED = {
    "while parsing a flow sequence": ("]", "where the list ends (its items are separated by ',')"),
    "while parsing a flow mapping": ("}", "where the mapping ends (its entries are separated by ',')"),
    "while scanning a quoted scalar": ("quote", "where the text ends"),
}


def _plain(problem: str) -> str:
    """PyYAML's words for a problem, in a designer's: tokens named, white space collapsed."""
    problem = " ".join(problem.replace("end of stream", "end of the file").split())
    return re.sub(r"'?<([a-z ]+)>'?", lambda m: _TOKENS.get(m[1], m[1]), problem)


def _unclosed(error: yaml.MarkedYAMLError, lines: list[str]) -> tuple[Mark, str, str] | None:
    """For a bracket or quote opened on one line and found unclosed on a later one: its position, the message and
    the hint, at the opening, which is where the fix goes (PyYAML reports where it gave up, often far below)."""
    opened, problem = error.context_mark, error.problem_mark
    if error.context not in _UNCLOSED or opened is None or problem is None or opened.line >= problem.line:
        return None
    line = lines[opened.line] if opened.line < len(lines) else ""
    char = line[opened.column : opened.column + 1] or "?"
    closer, where = _UNCLOSED[str(error.context)]
    shown = f"'{char}'" if closer != "quote" else f"the quote {char}"
    found = _plain(error.problem or "it ends")
    message = f"{shown} is never closed ({found} at line {problem.line + 1}, column {problem.column + 1})"
    hint = f"add the closing {closer if closer != 'quote' else char} {where}"
    return Mark(opened.line + 1, opened.column + 1), message, hint


def _syntax_error(error: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    """PyYAML's problem at its position, in plain words, with where the construct it was reading started; an
    unclosed bracket or quote at its opening."""
    lines = _BREAK.split(text)
    unclosed = _unclosed(error, lines)
    if unclosed is not None:
        return _finding(Code.PW001, unclosed[1], path, unclosed[0], unclosed[2])
    where = error.problem_mark or error.context_mark
    at = Mark(where.line + 1, where.column + 1) if where else _FIRST
    message = _plain(error.problem or error.context or "invalid YAML")
    if error.problem and error.context and error.context_mark:
        context = error.context_mark
        message += f" ({error.context} at line {context.line + 1}, column {context.column + 1})"
    line = lines[at.line - 1] if at.line <= len(lines) else ""
    hint = "indent with spaces: YAML does not allow tabs" if "\t" in line[: at.column] else None
    if hint is None and re.search(r"expected key|expected <block end>", error.problem or ""):
        hint = "check the indentation: the keys of one mapping must start in the same column"
    return _finding(Code.PW001, message, path, at, hint)


def _bad_character(text: str, index: int, path: str) -> Diagnostic:
    message = f"character U+{ord(text[index]):04X} is not allowed in YAML"
    hint = "remove it, or write it as an escape in a double-quoted string"
    return _finding(Code.PW001, message, path, _end_of(text[:index]), hint)


def parse_text(
    text: str, path: str, *, max_depth: int = 64, max_nodes: int = 200_000, loader: Loader | None = None
) -> SourceDocument:
    """Parse one YAML document; path is the name shown in messages. Raises InvalidInputError or a subclass."""
    text = text.removeprefix("\ufeff")
    events = yaml.parse(text, Loader=loader or DEFAULT_LOADER)
    try:
        return _Builder(text, path, max_depth, max_nodes).run(events)
    except UnicodeEncodeError as error:  # libyaml cannot encode a lone surrogate
        raise InvalidInputError([_bad_character(text, error.start, path)]) from None
    except ReaderError as error:  # libyaml gives a byte offset: find the first such character instead
        index = max(text.find(chr(error.character)), 0)
        raise InvalidInputError([_bad_character(text, index, path)]) from None
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" in (error.problem or ""):  # libyaml's own limit, met while looking ahead
            message = f"nesting is deeper than {max_depth} levels"
            raise UnreadableInputError([_finding(Code.PW004, message, path, error.problem_mark, _DEEP)]) from None
        raise InvalidInputError([_syntax_error(error, text, path)]) from None


def _refuse(path: str, code: str, message: str, hint: str, at: Mark = _FIRST) -> NoReturn:
    raise UnreadableInputError([_finding(code, message, path, at, hint)])


def load_file(
    path: str | Path,
    *,
    display: str | None = None,
    max_bytes: int = 4 * 2**20,
    max_depth: int = 64,
    max_nodes: int = 200_000,
    loader: Loader | None = None,
) -> SourceDocument:
    """Read and parse a UTF-8 YAML file; display is the path shown in messages (default: path as given)."""
    shown = display if display is not None else str(path)
    raw = read_bytes(Path(path), shown, max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        at = _end_of(raw[: error.start].decode("utf-8"))  # the bytes before the first bad one are valid
        message = f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x})"
        _refuse(shown, Code.PW007, message, "save the file as UTF-8", at)
    return parse_text(text, shown, max_depth=max_depth, max_nodes=max_nodes, loader=loader)
