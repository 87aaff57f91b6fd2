"""The output contract every command that prints results follows: ``--format text|json``; with json, exactly one
JSON document on stdout (a failure too); the exit code is the result's (:class:`~pathway.errors.ExitCode`).

A result object has an ``exit_code`` property and a ``to_json()`` method; the command hands it here with its text.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from pathway.diagnostics.escape import UNSAFE_IN_JSON, escape_block
from pathway.errors import ExitCode

if TYPE_CHECKING:  # publishing imports the engine and graphviz: not at start-up
    from pathway.publish.artefacts import Freshness

FORMATS = ("text", "json")


class Result(Protocol):
    """What a command prints: its exit code and its JSON-ready form."""

    @property
    def exit_code(self) -> ExitCode: ...

    def to_json(self) -> dict[str, Any]: ...


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text for people, json for tools: one JSON document on stdout, failures included (default: text)",
    )


ENGINES = ("reference", "compiled")
"""The engines (:data:`pathway.engine.engines.ENGINES`), named here so that the CLI starts without the engine."""


def add_engine(parser: argparse.ArgumentParser, default: str) -> None:
    """``--engine reference|compiled``: both write the same bytes (docs/performance.md); the compiled one is
    faster."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=default,
        help=f"the engine: reference (python-statemachine) or compiled; both write the same trail (default: {default})",
    )


def wants_json(args: argparse.Namespace) -> bool:
    return getattr(args, "format", None) == "json"


def print_json(document: dict[str, Any]) -> None:
    """One JSON document, non-ASCII text as it is, but each character of
    :data:`~pathway.diagnostics.escape.UNSAFE_IN_JSON` written as a ``\\uXXXX`` escape: json.dumps escapes only C0
    controls, and a bidi override or a C1 control read from the input would otherwise reach the terminal raw (they
    can only occur inside strings, where the escape means the same character)."""
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str)
    print(UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text))


def emit(args: argparse.Namespace, result: Result, text: Callable[[], str]) -> int:
    """Print the result as args.format asks (``text`` is called only for text) and return its exit code.

    Text is printed with every control character but the newline escaped (a last guard: each renderer already
    escapes what it quotes from the input, newlines included)."""
    if wants_json(args):
        print_json(result.to_json())
    else:
        print(escape_block(text()))
    return int(result.exit_code)


def print_freshness(result: Freshness) -> int:
    """Print what ``generate`` (or ``schema``, ``diagram --check``) did: stale files on stderr, the rest on stdout."""
    stream = sys.stderr if result.exit_code else sys.stdout
    print(escape_block(result.to_text()), file=stream)
    return result.exit_code
