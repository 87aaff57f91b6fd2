"""One size-limited file reader for everything pathway reads: definitions, scenarios, journeys and trails.

It refuses what is not a regular file (a FIFO would block, a device never ends) and a file over the limit before
reading it, then reads at most the limit plus one byte, so a file that grows while it is read is refused too.
Every refusal is an :class:`~pathway.errors.UnreadableInputError` (exit code 2) located at the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NoReturn

from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code
from pathway.errors import UnreadableInputError

NOT_FOUND, TOO_LARGE = Code.PW007, Code.PW003


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def refuse(shown: str, code: str, message: str, hint: str, line: int = 1, column: int = 1) -> NoReturn:
    raise UnreadableInputError(
        [Diagnostic(code=code, message=message, file=shown, line=line, column=column, hint=hint)]
    )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _missing(file: Path) -> str:
    if file.is_symlink():
        return "the file is a link to nowhere (a dangling or looping symbolic link)"
    return "file not found"


def read_bytes(file: Path, shown: str, max_bytes: int, *, code: str = NOT_FOUND) -> bytes:
    """The file's bytes (a UTF-8 byte-order mark removed); ``code`` is the diagnostic for a file that cannot be
    read at all (PW007 by default; trails use their own)."""
    too_big, hint = f"the file is larger than {max_bytes} bytes", "split the file, or raise the size limit"
    try:
        info = file.stat()
        if not stat.S_ISREG(info.st_mode):
            refuse(shown, code, f"cannot read {_kind(info.st_mode)}", "give the path of a file")
        if info.st_size > max_bytes:
            refuse(shown, TOO_LARGE, too_big, hint)
        with file.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except FileNotFoundError:
        refuse(shown, code, _missing(file), "check the path")
    except OSError as error:
        refuse(shown, code, f"cannot read the file: {error.strerror or error}", "check the path")
    if len(raw) > max_bytes:
        refuse(shown, TOO_LARGE, too_big, hint)
    return raw.removeprefix(b"\xef\xbb\xbf")


def decode(raw: bytes, shown: str) -> str:
    """UTF-8 text, or a refusal located at the line and column of the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8")  # the bytes before the first bad one are valid
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        message = f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x})"
        refuse(shown, NOT_FOUND, message, "save the file as UTF-8", line, column)


def read_text(file: Path, shown: str, max_bytes: int) -> str:
    """The file as UTF-8 text, with the limits and messages of :func:`read_bytes` and :func:`decode`."""
    return decode(read_bytes(file, shown, max_bytes), shown)
