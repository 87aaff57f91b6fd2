"""One size-limited file reader for everything pathway reads: definitions, scenarios, journeys and trails; and
one atomic writer for the files pathway writes whole (:func:`write_atomically`).

It refuses what is not a regular file (a FIFO would block, a device never ends) and a file over the limit before
reading it, then reads at most the limit plus one byte, so a file that grows while it is read is refused too.
Every refusal is an :class:`~pathway.errors.UnreadableInputError` (exit code 2) located at the file.
"""

from __future__ import annotations

import errno
import os
import secrets
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


_LOOP = "a symbolic link in a loop (it leads back to itself)"
_DANGLING = "a link to nowhere (a symbolic link whose target does not exist)"


def _missing(file: Path) -> str:
    return f"the file is {_DANGLING}" if file.is_symlink() else "file not found"


def kind_of(path: Path) -> str:
    """What is at ``path``, in words: 'a file', 'a folder', 'a named pipe (FIFO)', 'a device', 'a socket', a link to
    nowhere or in a loop, or 'nothing' (it does not exist)."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return _LOOP
        return _DANGLING if path.is_symlink() else "nothing"
    return "a file" if stat.S_ISREG(mode) else _kind(mode)


def read_bytes(file: Path, shown: str, max_bytes: int, *, code: str = NOT_FOUND, keep_bom: bool = False) -> bytes:
    """The file's bytes (a UTF-8 byte-order mark removed unless ``keep_bom``); ``code`` is the diagnostic for a file
    that cannot be read at all (PW007 by default; trails use their own)."""
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
        if error.errno == errno.ELOOP:
            refuse(shown, code, f"the file is {_LOOP}", "check the path")
        refuse(shown, code, f"cannot read the file: {error.strerror or error}", "check the path")
    if len(raw) > max_bytes:
        refuse(shown, TOO_LARGE, too_big, hint)
    return raw if keep_bom else raw.removeprefix(b"\xef\xbb\xbf")


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


def write_atomically(path: Path, data: str | bytes, *, durable: bool = False) -> None:
    """Write a file whole or not at all: a temporary file beside it (``.<name>.<random>.tmp``, created with the
    usual permissions), then renamed over it; on any failure the temporary file is removed and the error raised.
    Text is written as UTF-8, line breaks as given. ``durable``: flushed to disk before the rename (fsync), for
    files a crash must not lose (manifests, trails, cohort outputs)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as stream:
            stream.write(raw)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
