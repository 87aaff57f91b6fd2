"""``pathway verify``: check trails (hash chain and signature) and cohort manifests without re-running anything.

A trail is ``intact``, ``tampered`` (its chain breaks: where) or ``unreadable`` (not a trail); an intact trail's
signature is checked against the trusted keys (:mod:`pathway.trail.signing`). A manifest is checked against the
files it lists: each must exist with the bytes and final hash it had when sealed (else ``deleted``, ``replaced``,
``tampered`` or ``unreadable``), no ``*.jsonl`` may have appeared in a folder it sealed (``added``), its root must
be the Merkle root of its entries (else ``root``: the list was edited), and its signature must check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pathway.diagnostics import Diagnostic, render_text
from pathway.errors import ExitCode, InvalidInputError, UsageError
from pathway.source.files import display_path, read_bytes
from pathway.trail.io import MAX_TRAIL_BYTES, Tamper, read_trail
from pathway.trail.keys import TrustedKeys
from pathway.trail.manifest import SealedTrail, body_hash, load_manifest, relative, root_of, trails_under
from pathway.trail.signing import MANIFEST_DOMAIN, SignatureCheck, check, check_trail

TrailStatus = Literal["intact", "tampered", "unreadable"]
ProblemKind = Literal["deleted", "added", "replaced", "tampered", "unreadable", "invalid_path", "root"]


@dataclass(frozen=True)
class TrailCheck:
    """One trail checked: its chain, and when intact its final hash and signature."""

    path: str
    status: TrailStatus
    records: int = 0
    final_hash: str | None = None
    signature: SignatureCheck | None = None
    tamper: Tamper | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "intact" and (self.signature is None or self.signature.ok)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "ok": self.ok,
            "records": self.records,
            "final_hash": self.final_hash,
            "signature": self.signature.to_json() if self.signature else None,
            "tamper": asdict(self.tamper) if self.tamper else None,
            "diagnostics": [d.model_dump(mode="json") for d in self.diagnostics],
        }

    def to_text(self) -> str:
        if self.status == "unreadable":
            return f"{self.path}: unreadable\n{render_text(self.diagnostics)}"
        if self.tamper is not None:
            return f"{self.path}: tampered at record {self.tamper.seq} (line {self.tamper.line}): {self.tamper.reason}"
        signed = f"; {self.signature.text}" if self.signature else ""
        return f"{self.path}: intact, {self.records} records{signed}"


def check_trail_file(path: str | Path, trusted: TrustedKeys, *, required: bool = False) -> TrailCheck:
    """The chain and signature of one trail file."""
    shown = display_path(Path(path))
    try:
        read = read_trail(path)
    except InvalidInputError as err:
        return TrailCheck(shown, "unreadable", diagnostics=tuple(err.diagnostics))
    if read.tamper is not None:
        return TrailCheck(shown, "tampered", read.lines, tamper=read.tamper)
    signature = check_trail(read.records, trusted, required=required)
    return TrailCheck(shown, "intact", read.lines, read.records[-1].hash, signature)


@dataclass(frozen=True)
class ManifestProblem:
    """Something in the cohort that is not as sealed, at its path."""

    kind: ProblemKind
    path: str
    detail: str


@dataclass(frozen=True)
class ManifestCheck:
    """A manifest checked against the files it lists and the folders it sealed."""

    path: str
    trails: int
    root: str
    problems: tuple[ManifestProblem, ...]
    signature: SignatureCheck

    @property
    def ok(self) -> bool:
        return not self.problems and self.signature.ok

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ok": self.ok,
            "trails": self.trails,
            "root": self.root,
            "problems": [asdict(p) for p in self.problems],
            "signature": self.signature.to_json(),
        }

    def to_text(self) -> str:
        lines = [f"{self.path}: {self.trails} trail(s) sealed, root {self.root[:16]}...; {self.signature.text}"]
        lines += [f"  {p.kind}: {p.path}: {p.detail}" for p in self.problems]
        if self.ok:
            lines.append("  every listed trail is there with the bytes it had when sealed, and none was added")
        return "\n".join(lines)


def _safe(path: str) -> bool:
    """A listed path that stays inside the manifest's folder: relative, '/'-separated, no '..'."""
    pure = PurePosixPath(path)
    return bool(path) and "\\" not in path and not pure.is_absolute() and ".." not in pure.parts


def _entry_problem(base: Path, entry: SealedTrail) -> ManifestProblem | None:
    file = base / entry.path
    if not file.exists():
        return ManifestProblem("deleted", entry.path, "listed in the manifest, not found")
    try:
        read = read_trail(file)
    except InvalidInputError as err:
        first = err.diagnostics[0].message if err.diagnostics else "cannot be read"
        return ManifestProblem("unreadable", entry.path, f"no longer a readable trail: {first}")
    if read.tamper is not None:
        return ManifestProblem("tampered", entry.path, f"record {read.tamper.seq}: {read.tamper.reason}")
    now = read.records[-1].hash
    if now != entry.final_hash:
        detail = f"final hash {entry.final_hash[:16]}... when sealed, {now[:16]}... now"
        return ManifestProblem("replaced", entry.path, detail)
    raw = read_bytes(file, display_path(file), MAX_TRAIL_BYTES)
    if hashlib.sha256(raw).hexdigest() != entry.sha256:
        return ManifestProblem("replaced", entry.path, "same records, but the file's bytes differ from when sealed")
    return None


def verify_manifest(path: str | Path, trusted: TrustedKeys, *, required: bool = False) -> ManifestCheck:
    """Check a manifest against its folder. Raises UnreadableInputError (PW420) for a file that is not one."""
    file = Path(path)
    manifest = load_manifest(file)
    base = file.parent
    problems: list[ManifestProblem] = []
    root = root_of(manifest.trails)
    if root != manifest.root:
        detail = f"the manifest says {manifest.root[:16]}..., its entries give {root[:16]}...: the list was edited"
        problems.append(ManifestProblem("root", display_path(file), detail))
    listed = {t.path for t in manifest.trails}
    for entry in sorted(manifest.trails, key=lambda t: t.path):
        if not _safe(entry.path):
            problems.append(ManifestProblem("invalid_path", entry.path, "not a relative path inside the folder"))
        elif problem := _entry_problem(base, entry):
            problems.append(problem)
    for folder in manifest.folders:
        if not _safe(folder):
            problems.append(ManifestProblem("invalid_path", folder, "not a relative path inside the folder"))
            continue
        for found in trails_under(base / folder):
            rel = relative(found, base)
            if rel is not None and rel not in listed:
                problems.append(ManifestProblem("added", rel, f"in the sealed folder '{folder}', not in the manifest"))
    signature = check(manifest.signature, MANIFEST_DOMAIN, body_hash(manifest), trusted, required=required)
    return ManifestCheck(display_path(file), len(manifest.trails), manifest.root, tuple(problems), signature)


@dataclass(frozen=True)
class VerifyReport:
    """What ``pathway verify`` found: each trail, and the manifest when one was given."""

    trails: tuple[TrailCheck, ...] = ()
    manifest: ManifestCheck | None = None

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.trails) and (self.manifest is None or self.manifest.ok)

    @property
    def exit_code(self) -> ExitCode:
        """2 when a trail could not be read at all, 1 when anything else is wrong, else 0."""
        if any(t.status == "unreadable" for t in self.trails):
            return ExitCode.USAGE
        return ExitCode.OK if self.ok else ExitCode.FINDINGS

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "trails": [t.to_json() for t in self.trails],
            "manifest": self.manifest.to_json() if self.manifest else None,
        }

    def to_text(self) -> str:
        lines = [t.to_text() for t in self.trails]
        if self.manifest is not None:
            lines.append(self.manifest.to_text())
        lines.append("verified" if self.ok else "NOT verified")
        return "\n".join(lines)


def verify(
    trails: Sequence[str | Path] = (),
    *,
    manifest: str | Path | None = None,
    trusted: TrustedKeys | None = None,
    require_signature: bool = False,
) -> VerifyReport:
    """Check trail files (a folder: every ``*.jsonl`` under it) and a manifest, without re-running them."""
    keys = trusted or TrustedKeys()
    files = [f for t in trails for f in (trails_under(Path(t)) if Path(t).is_dir() else [Path(t)])]
    if not files and manifest is None:
        raise UsageError("nothing to verify: give trail files, folders holding *.jsonl trails, or a manifest")
    checks = tuple(check_trail_file(f, keys, required=require_signature) for f in files)
    sealed = verify_manifest(manifest, keys, required=require_signature) if manifest is not None else None
    return VerifyReport(checks, sealed)
