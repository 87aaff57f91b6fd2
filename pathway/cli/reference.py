"""The CLI reference page, ``docs/reference/cli.md``, from the argument parser's help at a fixed width.

It lives with the CLI, not in :mod:`pathway.publish`, so that publishing never imports the CLI: the ``generate``
command (which holds the parser) hands this page to :func:`pathway.publish.artefacts.artefacts`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pathway.errors import ExitCode
from pathway.publish.site_pages import header

HELP_WIDTH = 100
CLI_REFERENCE = Path("docs") / "reference" / "cli.md"


class _FixedWidth(argparse.HelpFormatter):
    """Help formatted at a fixed width, whatever the terminal, so that the reference page is stable."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=HELP_WIDTH)


def _help(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = _FixedWidth
    return parser.format_help().rstrip("\n")


def exit_code_table() -> list[str]:
    """The exit codes, from :class:`~pathway.errors.ExitCode`, as a Markdown table."""
    rows = [f"| {int(code)} | `{code.name}` | {code.description} |" for code in ExitCode]
    return ["| code | name | meaning |", "|---|---|---|", *rows]


def cli_page(parser: argparse.ArgumentParser) -> str:
    lines = header(
        "Command-line reference",
        "The help of `pathway` and of each command, as `pathway COMMAND --help` prints it. Every command that "
        "prints results takes `--format text|json`: with `json` it prints exactly one JSON document on stdout, "
        "also when it fails (an error is reported as `error`, `message`, `exit_code` and, for input problems, "
        "the located `diagnostics`).",
    )
    lines += ["## Exit codes", "", "The same situation gives the same code in every command.", ""]
    lines += [*exit_code_table(), ""]
    lines += ["## pathway", "", "```text", _help(parser), "```", ""]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                lines += [f"## pathway {name}", "", "```text", _help(sub), "```", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def cli_reference(root: Path, parser: argparse.ArgumentParser) -> dict[Path, str]:
    """The CLI reference page of ``parser`` (the whole CLI), keyed by where it is committed under root."""
    return {root / CLI_REFERENCE: cli_page(parser)}
