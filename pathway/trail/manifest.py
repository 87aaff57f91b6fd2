"""Cohort manifests: seal a set of trails into one signed file, and check later that the set is complete and
unchanged.

A manifest (``pathway-manifest/1``, JSON) lists every trail it seals: its path relative to the manifest's folder,
the sha256 of its bytes, its final hash (the summary's ``hash``), its journey id, its pathway (id, version,
sha256) and its number of records; then the folders it sealed (where a trail added later is looked for) and the
Merkle root over the entries (:mod:`pathway.trail.merkle`; leaves in sorted path order). With a key, it is signed
like a trail: the message names the domain ``pathway-manifest-signature/1``, the key id, and the sha256 of the
manifest's canonical JSON without its ``signature`` (so the signature covers the folders, every entry and the root).

:func:`seal` is the library function ``pathway seal`` (and a future ``cohort run``) calls; the checks live in
:mod:`pathway.trail.verify`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from pathway.diagnostics import Diagnostic
from pathway.diagnostics.codes import Code, ExitCode
from pathway.errors import PathwayError, UnreadableInputError, UsageError
from pathway.source.files import display_path, read_bytes, write_atomically
from pathway.trail.io import MAX_TRAIL_BYTES, canonical, read_trail
from pathway.trail.keys import SigningKey, as_signing_key
from pathway.trail.merkle import merkle_root
from pathway.trail.parts import Part, Signature, optional
from pathway.trail.records import header_of, summary_of
from pathway.trail.signing import MANIFEST_DOMAIN, sign

MANIFEST: Literal["pathway-manifest/1"] = "pathway-manifest/1"
MAX_MANIFEST_BYTES = 64 * 2**20
MAX_MANIFEST_TRAILS = 100_000
SHA256 = "^[0-9a-f]{64}$"


class SealedPathway(Part):
    """The pathway a sealed trail was run against."""

    id: str
    version: str
    sha256: str = Field(pattern=SHA256)


class SealedTrail(Part):
    """One trail of a manifest: a leaf of its Merkle tree."""

    path: str = Field(description="Relative to the manifest's folder, with '/'.")
    sha256: str = Field(pattern=SHA256, description="sha256 of the file's bytes.")
    final_hash: str = Field(pattern=SHA256, description="The trail's last `hash` (its summary's).")
    journey: str
    pathway: SealedPathway
    records: int = Field(ge=2)


class Manifest(Part):
    """A sealed cohort of trails."""

    manifest: Literal["pathway-manifest/1"]
    folders: tuple[str, ...] = Field(description="The folders sealed whole: a trail added to one is reported.")
    trails: tuple[SealedTrail, ...] = Field(max_length=MAX_MANIFEST_TRAILS)
    root: str = Field(pattern=SHA256, description="The Merkle root over the trails, in sorted path order.")
    signature: Signature | None = optional("The sealer's signature, when sealed with a key.")


def root_of(trails: Iterable[SealedTrail]) -> str:
    """The Merkle root over the entries: leaves are their canonical JSON, in sorted path order."""
    return merkle_root([canonical(t).encode("utf-8") for t in sorted(trails, key=lambda t: t.path)])


def body_hash(manifest: Manifest) -> str:
    """What a manifest's signature signs: sha256 of its canonical JSON without the ``signature``."""
    body = {k: v for k, v in manifest.to_dict().items() if k != "signature"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


class SealRefused(PathwayError):
    """A trail given to ``seal`` is tampered: a manifest seals intact trails only (exit 1)."""

    exit_code = ExitCode.FINDINGS
    kind = "tampered"


@dataclass(frozen=True)
class SealResult:
    """What ``pathway seal`` wrote."""

    path: Path
    manifest: Manifest

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK

    def to_json(self) -> dict[str, Any]:
        signature = self.manifest.signature
        return {
            "manifest": display_path(self.path),
            "trails": len(self.manifest.trails),
            "folders": list(self.manifest.folders),
            "root": self.manifest.root,
            "signed_by": signature.key_id if signature else None,
        }

    def to_text(self) -> str:
        signature = self.manifest.signature
        signed = f"signed by {signature.key_id}" if signature else "unsigned: nothing binds it to who sealed it"
        return (
            f"sealed {len(self.manifest.trails)} trail(s) in {display_path(self.path)}\n"
            f"root: {self.manifest.root}\n{signed}"
        )


def relative(path: Path, base: Path) -> str | None:
    """``path`` relative to ``base`` with '/', or None when it is not inside it (links are not followed)."""
    here = Path(os.path.normpath(path.absolute()))
    try:
        return here.relative_to(Path(os.path.normpath(base.absolute()))).as_posix()
    except ValueError:
        return None


def trails_under(folder: Path) -> list[Path]:
    """Every ``*.jsonl`` file under a folder, in sorted order (links to folders are not followed)."""
    found = [Path(top, name) for top, _, names in os.walk(folder) for name in names if name.endswith(".jsonl")]
    return sorted(found)


def _collect(paths: Sequence[str | Path], base: Path) -> tuple[list[str], dict[str, Path]]:
    folders: set[str] = set()
    files: dict[str, Path] = {}
    for given in paths:
        path = Path(given)
        rel = relative(path, base)
        if rel is None:
            raise UsageError(
                f"{display_path(path)} is not inside {display_path(base)}, the manifest's folder: a manifest lists "
                "trails by their path below it (write the manifest at the root of the cohort)"
            )
        if path.is_dir():
            folders.add(rel)
            files.update({str(relative(f, base)): f for f in trails_under(path)})
        else:
            files[rel] = path
    if not files:
        raise UsageError("no trails to seal: give trail files, or folders holding *.jsonl trails")
    return sorted(folders), files


def _entry(rel: str, path: Path) -> SealedTrail | str:
    """The manifest entry of an intact trail, or why it cannot be sealed."""
    read = read_trail(path)
    if read.tamper is not None:
        return f"{rel} is tampered at record {read.tamper.seq} (line {read.tamper.line}): {read.tamper.reason}"
    raw = read_bytes(path, display_path(path), MAX_TRAIL_BYTES, code=Code.PW401)
    header, summary = header_of(read.records), summary_of(read.records)
    pinned = header.pathway
    return SealedTrail(
        path=rel,
        sha256=hashlib.sha256(raw).hexdigest(),
        final_hash=summary.hash,
        journey=header.journey.id,
        pathway=SealedPathway(id=pinned.id, version=pinned.version, sha256=pinned.sha256),
        records=len(read.records),
    )


def seal(
    paths: Sequence[str | Path], out: str | Path, *, sign_key: SigningKey | str | Path | None = None
) -> SealResult:
    """Seal trails (files, or folders searched for ``*.jsonl``) into the manifest ``out``, written atomically,
    signed with ``sign_key`` when given. Every trail must lie below the manifest's folder. Raises
    :class:`SealRefused` (exit 1) when a trail is tampered, InvalidInputError when one cannot be read."""
    target = Path(out)
    key = as_signing_key(sign_key) if sign_key is not None else None
    folders, files = _collect(paths, target.parent)
    entries = [_entry(rel, path) for rel, path in sorted(files.items())]
    refused = [e for e in entries if isinstance(e, str)]
    if refused:
        raise SealRefused("a manifest seals intact trails only; " + "; ".join(refused))
    trails = tuple(e for e in entries if isinstance(e, SealedTrail))
    manifest = Manifest(manifest=MANIFEST, folders=tuple(folders), trails=trails, root=root_of(trails))
    if key is not None:
        manifest = manifest.model_copy(update={"signature": sign(key, MANIFEST_DOMAIN, body_hash(manifest))})
    try:
        write_atomically(
            target, json.dumps(manifest.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n", durable=True
        )
    except OSError as err:
        raise UsageError(f"cannot write {display_path(target)}: {err.strerror or err}") from None
    return SealResult(target, manifest)


def _refuse(shown: str, message: str, line: int = 1, column: int = 1) -> UnreadableInputError:
    hint = f"a cohort manifest ({MANIFEST}) as 'pathway seal' writes it"
    return UnreadableInputError(
        [Diagnostic(code=Code.PW420, message=message, file=shown, line=line, column=column, hint=hint)]
    )


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate key '{next(k for k in keys if keys.count(k) > 1)}'")
    return dict(pairs)


def _constant(name: str) -> object:
    raise ValueError(f"{name} is not valid in a manifest")


def load_manifest(path: str | Path) -> Manifest:
    """Read a manifest. Raises UnreadableInputError (PW420, located) when it is not JSON, has a duplicate key, or
    does not fit the manifest format."""
    file = Path(path)
    shown = display_path(file)
    raw = read_bytes(file, shown, MAX_MANIFEST_BYTES, code=Code.PW420)
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_constant)
    except UnicodeDecodeError:
        raise _refuse(shown, "the manifest is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise _refuse(shown, f"the manifest is not valid JSON: {err.msg}", err.lineno, err.colno) from None
    except (ValueError, RecursionError) as err:
        raise _refuse(shown, f"the manifest is not valid: {err}") from None
    if not isinstance(data, dict) or data.get("manifest") != MANIFEST:
        raise _refuse(shown, f'not a cohort manifest: expected "manifest": "{MANIFEST}"')
    try:
        return Manifest.model_validate_json(raw, context={"file": True})
    except ValidationError as err:
        found = "; ".join(
            f"field '{'.'.join(str(p) for p in e['loc'])}': {e['msg']}" for e in err.errors(include_url=False)[:5]
        )
        raise _refuse(shown, f"the manifest does not fit the format: {found}") from None
