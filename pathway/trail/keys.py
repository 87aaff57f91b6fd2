"""Ed25519 keys for signing trails and cohort manifests: generate a key pair, read a private key to sign with, read
the public keys an auditor trusts.

Keys are PEM files (PKCS#8 ``PRIVATE KEY``, SubjectPublicKeyInfo ``PUBLIC KEY``), readable by openssl. A line
``pathway-key-id: ID`` before a block names the key (RFC 7468 lets text precede a PEM block); without it, the id is
derived from the public key: ``ed25519:`` and the first 16 hex digits of the sha256 of its 32 raw bytes. An id of
that derived form must match the key it names. The id is only a label for finding the key: a signature is always
checked against the trusted public key itself.

``cryptography`` is an optional dependency (``pip install 'pathway[sign]'``), imported only when a key is made or
read; running and replaying unsigned trails never needs it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code, ExitCode
from pathway.errors import UnreadableInputError, UsageError
from pathway.source.files import display_path, read_bytes

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MAX_KEY_BYTES = 64 * 2**10
INSTALL_HINT = "pip install 'pathway[sign]'"
KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,63}$")
DERIVED = re.compile(r"^ed25519:[0-9a-f]{16}$")
ID_LINE = "pathway-key-id:"
_BEGIN = re.compile(r"^-----BEGIN ([A-Z0-9 ]+)-----\s*$")
_END = re.compile(r"^-----END ([A-Z0-9 ]+)-----\s*$")


def crypto() -> SimpleNamespace:
    """The parts of ``cryptography`` that signing uses; a UsageError with the install hint when it is missing."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError as err:
        raise UsageError(
            f"signing and checking signatures need the 'cryptography' package, which is not installed: {INSTALL_HINT}"
        ) from err
    return SimpleNamespace(ed25519=ed25519, serialization=serialization, InvalidSignature=InvalidSignature)


def raw_public(key: Ed25519PublicKey) -> bytes:
    s = crypto().serialization
    return key.public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)


def derived_id(key: Ed25519PublicKey) -> str:
    """The key id derived from a public key: ``ed25519:`` and the first 16 hex digits of sha256(raw key)."""
    return "ed25519:" + hashlib.sha256(raw_public(key)).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    """A private key to sign with, and its id."""

    key_id: str
    key: Ed25519PrivateKey = field(repr=False)

    def sign(self, message: bytes) -> bytes:
        return self.key.sign(message)


@dataclass(frozen=True)
class PublicKey:
    """A trusted public key, its id and the file it came from."""

    key_id: str
    key: Ed25519PublicKey = field(repr=False)
    source: str

    def verifies(self, signature: bytes, message: bytes) -> bool:
        try:
            self.key.verify(signature, message)
        except crypto().InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class TrustedKeys:
    """The public keys an auditor trusts, by key id (empty: nothing is trusted)."""

    keys: Mapping[str, PublicKey] = field(default_factory=dict)

    def get(self, key_id: str) -> PublicKey | None:
        return self.keys.get(key_id)

    def __bool__(self) -> bool:
        return bool(self.keys)


@dataclass(frozen=True)
class _Block:
    label: str
    text: bytes
    line: int
    key_id: str | None


def _refuse(shown: str, message: str, hint: str, line: int = 1) -> UnreadableInputError:
    return UnreadableInputError([Diagnostic(code=Code.PW421, message=message, file=shown, line=line, hint=hint)])


def _blocks(shown: str, raw: bytes) -> list[_Block]:
    """The PEM blocks of a key file, each with the key id named on a line before it, if any."""
    try:
        lines = raw.decode("ascii").splitlines()
    except UnicodeDecodeError:
        hint = "give a key written by 'pathway keys generate'"
        raise _refuse(shown, "not a PEM key file (it is not ASCII text)", hint) from None
    blocks: list[_Block] = []
    pending: str | None = None
    start: tuple[int, str] | None = None
    for number, line in enumerate(lines, start=1):
        if start is None and line.startswith(ID_LINE):
            pending = line[len(ID_LINE) :].strip()
            if not KEY_ID.match(pending):
                raise _refuse(shown, f"'{pending}' is not a valid key id", "letters, digits and ._@:+- only", number)
        elif start is None and (begin := _BEGIN.match(line)):
            start = (number, begin.group(1))
        elif start is not None and (end := _END.match(line)):
            if end.group(1) != start[1]:
                raise _refuse(
                    shown, f"the {start[1]} block ends with END {end.group(1)}", "the file is damaged", number
                )
            text = "\n".join(lines[start[0] - 1 : number]) + "\n"
            blocks.append(_Block(start[1], text.encode("ascii"), start[0], pending))
            pending, start = None, None
    if start is not None:
        raise _refuse(shown, f"the {start[1]} block has no END line", "the key file was truncated", start[0])
    return blocks


def _load(shown: str, block: _Block) -> Any:
    c = crypto()
    try:
        if block.label == "PRIVATE KEY":
            key: Any = c.serialization.load_pem_private_key(block.text, password=None)
        else:
            key = c.serialization.load_pem_public_key(block.text)
    except (ValueError, TypeError) as err:
        message = f"the {block.label} block cannot be read: {err}"
        raise _refuse(shown, message, "the key file is damaged", block.line) from None
    expected = c.ed25519.Ed25519PrivateKey if block.label == "PRIVATE KEY" else c.ed25519.Ed25519PublicKey
    if not isinstance(key, expected):
        raise _refuse(shown, "not an Ed25519 key", "pathway signs with Ed25519: 'pathway keys generate'", block.line)
    return key


def _key_id(shown: str, block: _Block, public: Ed25519PublicKey) -> str:
    derived = derived_id(public)
    if block.key_id is None:
        return derived
    if DERIVED.match(block.key_id) and block.key_id != derived:
        message = f"the key id '{block.key_id}' is not this key's (it is {derived})"
        raise _refuse(shown, message, "a derived id must match its key; name a key with any other id", block.line)
    return block.key_id


def load_signing_key(path: str | Path) -> SigningKey:
    """The private key of a key file, with its id. Raises UnreadableInputError (PW421) for a missing file, a file
    that other users may read, or anything but one unencrypted Ed25519 PKCS#8 private key."""
    file = Path(path)
    shown = display_path(file)
    raw = read_bytes(file, shown, MAX_KEY_BYTES, code=Code.PW421)
    blocks = _blocks(shown, raw)
    private = [b for b in blocks if b.label == "PRIVATE KEY"]
    if len(private) != 1 or len(blocks) != 1:
        labels = ", ".join(b.label for b in blocks) or "no PEM block"
        hint = "encrypted keys are not supported" if any("ENCRYPTED" in b.label for b in blocks) else None
        raise _refuse(
            shown,
            f"expected one unencrypted 'PRIVATE KEY' block, found {labels}",
            hint or "give a private key written by 'pathway keys generate' (or 'openssl genpkey -algorithm ed25519')",
        )
    if os.name == "posix" and stat.S_IMODE(file.stat().st_mode) & 0o077:
        mode = oct(stat.S_IMODE(file.stat().st_mode))[2:]
        raise _refuse(shown, f"the private key may be read by other users (mode {mode})", f"chmod 600 {shown}")
    key = _load(shown, private[0])
    return SigningKey(_key_id(shown, private[0], key.public_key()), key)


def _key_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".pem" and p.is_file())
        if not files:
            raise UsageError(f"{display_path(path)}: a folder of trusted keys holds .pem files; there is none")
        return files
    return [path]


def load_trusted_keys(paths: str | Path | Iterable[str | Path]) -> TrustedKeys:
    """The public keys in these files and folders (every ``*.pem`` of a folder). Raises UnreadableInputError
    (PW421) for a file that is not a public key (a private key included: trust is given by public keys), and
    UsageError for one id naming two different keys."""
    given = [paths] if isinstance(paths, str | Path) else list(paths)
    keys: dict[str, PublicKey] = {}
    for file in (f for p in given for f in _key_files(Path(p))):
        shown = display_path(file)
        blocks = _blocks(shown, read_bytes(file, shown, MAX_KEY_BYTES, code=Code.PW421))
        if not blocks or any(b.label != "PUBLIC KEY" for b in blocks):
            private = any("PRIVATE" in b.label for b in blocks)
            message = "holds a private key" if private else "holds no 'PUBLIC KEY' block"
            hint = "trust is given by public keys: give the .public.pem file" if private else "give a public key"
            raise _refuse(shown, f"not a trusted public key: the file {message}", hint)
        for block in blocks:
            public = _load(shown, block)
            key = PublicKey(_key_id(shown, block, public), public, shown)
            known = keys.get(key.key_id)
            if known is not None and raw_public(known.key) != raw_public(public):
                raise UsageError(f"the key id '{key.key_id}' names two different keys: {known.source} and {shown}")
            keys[key.key_id] = key
    return TrustedKeys(keys)


def as_trusted(keys: TrustedKeys | str | Path | Sequence[str | Path] | None) -> TrustedKeys:
    """Trusted keys as given to the library: already loaded, files or folders, or none."""
    if keys is None:
        return TrustedKeys()
    return keys if isinstance(keys, TrustedKeys) else load_trusted_keys(keys)


def as_signing_key(key: SigningKey | str | Path) -> SigningKey:
    return key if isinstance(key, SigningKey) else load_signing_key(key)


@dataclass(frozen=True)
class GeneratedKey:
    """What ``pathway keys generate`` wrote."""

    key_id: str
    private: Path
    public: Path

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "private": display_path(self.private), "public": display_path(self.public)}

    def to_text(self) -> str:
        return (
            f"key id: {self.key_id}\n"
            f"private key: {display_path(self.private)} (mode 0600: keep it secret, give it to no one)\n"
            f"public key: {display_path(self.public)} (give it to auditors: --trusted-keys)"
        )


def _write_new(target: Path, data: bytes, mode: int) -> None:
    """Write a new file atomically with ``mode``; never replace an existing one (a key is not overwritten)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.link(tmp, target)  # fails if the target exists, unlike a rename
    except FileExistsError:
        raise UsageError(f"{display_path(target)} exists: a key is never overwritten") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def generate_key(out: str | Path, name: str | None = None) -> GeneratedKey:
    """Make an Ed25519 key pair in the folder ``out``: ``<stem>.private.pem`` (mode 0600) and
    ``<stem>.public.pem``, the stem being ``name`` or ``ed25519-<16 hex digits>``. Never overwrites a file."""
    if name is not None and not KEY_ID.match(name):
        raise UsageError(f"'{name}' is not a valid key id: letters, digits and ._@:+- only", parameter="name")
    c = crypto()
    key = c.ed25519.Ed25519PrivateKey.generate()
    derived = derived_id(key.public_key())
    if name is not None and DERIVED.match(name) and name != derived:
        raise UsageError(f"'{name}' has the form of a derived key id: choose another name", parameter="name")
    key_id = name or derived
    stem = re.sub(r"[^A-Za-z0-9._-]", "-", key_id)
    folder = Path(out)
    private, public = folder / f"{stem}.private.pem", folder / f"{stem}.public.pem"
    for path in (private, public):
        if path.exists():
            raise UsageError(f"{display_path(path)} exists: a key is never overwritten")
    s = c.serialization
    head = f"{ID_LINE} {key_id}\n".encode("ascii")
    pem = key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_new(private, head + pem, 0o600)
        try:
            _write_new(
                public, head + key.public_key().public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo), 0o644
            )
        except BaseException:
            private.unlink()  # never half a key pair
            raise
    except OSError as err:
        raise UsageError(f"cannot write the key files in {display_path(folder)}: {err.strerror or err}") from None
    return GeneratedKey(key_id, private, public)
