"""Signing trails and cohort manifests, and checking their signatures against trusted public keys.

What is signed is never the file but a short, domain-separated message: the canonical JSON (sorted keys, no
spaces, UTF-8) of ``{"domain": D, "key_id": K, "sha256": H}``, where

- for a trail, D is ``pathway-trail-signature/1`` and H the hash its summary has *without* the ``signature``
  field: the final hash of the chain, which covers every record before it through ``prev``. The signature then
  goes into the summary, and the summary is sealed again, so its ``hash`` covers the signature too. Removing the
  ``signature`` field and resealing gives back the unsigned trail byte for byte;
- for a manifest, D is ``pathway-manifest-signature/1`` and H the sha256 of the manifest's canonical JSON
  without its ``signature`` (:mod:`pathway.trail.manifest`).

The domain keeps a trail's signature from being passed off as a manifest's and the other way round; the key id
inside the message keeps a signature from being relabelled with another id. A check gives one of four statuses:
``trusted`` (a trusted key signed exactly this content), ``unsigned``, ``unknown_key`` (signed by a key that is not
trusted: nothing is verified), ``bad_signature`` (the content is not what the named trusted key signed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pathway.errors import UsageError
from pathway.trail.io import canonical, digest, seal
from pathway.trail.keys import SigningKey, TrustedKeys
from pathway.trail.parts import Signature
from pathway.trail.records import Record, summary_of

TRAIL_DOMAIN = "pathway-trail-signature/1"
MANIFEST_DOMAIN = "pathway-manifest-signature/1"
SignatureStatus = Literal["trusted", "unsigned", "unknown_key", "bad_signature"]


def signed_message(domain: str, key_id: str, sha256: str) -> bytes:
    """The bytes an Ed25519 signature signs: the canonical JSON of the domain, the key id and the hash."""
    return canonical({"domain": domain, "key_id": key_id, "sha256": sha256}).encode("utf-8")


def sign(key: SigningKey, domain: str, sha256: str) -> Signature:
    """The signature of ``sha256`` under ``domain`` by ``key``."""
    value = key.sign(signed_message(domain, key.key_id, sha256)).hex()
    return Signature(algorithm="ed25519", key_id=key.key_id, value=value)


@dataclass(frozen=True)
class SignatureCheck:
    """What a signature check found. ``ok`` is true for a trusted signature, and for an unsigned trail or one
    signed by an unknown key unless a trusted signature is ``required``; a bad signature is never ok."""

    status: SignatureStatus
    key_id: str | None = None
    required: bool = False
    trusted_keys: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "trusted" or (self.status in ("unsigned", "unknown_key") and not self.required)

    @property
    def verified(self) -> bool:
        """Whether a trusted key signed exactly this content."""
        return self.status == "trusted"

    @property
    def text(self) -> str:
        """``signed by K (trusted)``, ``unsigned``, ``signed by an unknown key K``, ``bad signature ...``."""
        if self.status == "trusted":
            return f"signed by {self.key_id} (trusted)"
        if self.status == "bad_signature":
            return (
                f"bad signature: the content is not what {self.key_id} signed (it was changed after signing, or "
                "signed by another key under that id)"
            )
        if self.status == "unsigned":
            text = "unsigned"
        else:
            given = "" if self.trusted_keys else ": no trusted keys were given"
            text = f"signed by an unknown key {self.key_id} (not verified{given})"
        return text + ("; a trusted signature is required" if self.required else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "key_id": self.key_id,
            "required": self.required,
            "ok": self.ok,
            "message": self.text,
        }


def check(
    signature: Signature | None, domain: str, sha256: str, trusted: TrustedKeys, *, required: bool = False
) -> SignatureCheck:
    """Check a signature over ``sha256`` under ``domain`` against the trusted keys. Needs ``cryptography`` only
    when there is a signature and a trusted key with its id."""
    count = len(trusted.keys)
    if signature is None:
        return SignatureCheck("unsigned", None, required, count)
    key = trusted.get(signature.key_id)
    if key is None:
        return SignatureCheck("unknown_key", signature.key_id, required, count)
    message = signed_message(domain, signature.key_id, sha256)
    good = key.verifies(bytes.fromhex(signature.value), message)
    return SignatureCheck("trusted" if good else "bad_signature", signature.key_id, required, count)


def unsigned_hash(records: Sequence[Record]) -> str:
    """The hash a trail's summary has without its ``signature``: the final hash of the unsigned chain."""
    body = {k: v for k, v in summary_of(records).to_dict().items() if k != "signature"}
    return digest(body)


def sign_trail(records: Sequence[Record], key: SigningKey) -> tuple[Record, ...]:
    """The trail's records with the summary signed by ``key`` and sealed again (every other record unchanged)."""
    summary = summary_of(records)
    if summary.signature is not None:
        raise UsageError(f"the trail is signed already (by {summary.signature.key_id})")
    signed = summary.model_copy(update={"signature": sign(key, TRAIL_DOMAIN, unsigned_hash(records))})
    return (*records[:-1], seal(signed))


def check_trail(records: Sequence[Record], trusted: TrustedKeys, *, required: bool = False) -> SignatureCheck:
    """The signature status of an intact trail's records."""
    return check(summary_of(records).signature, TRAIL_DOMAIN, unsigned_hash(records), trusted, required=required)
