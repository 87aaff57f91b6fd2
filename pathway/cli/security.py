"""The commands that make trails hard to forge: ``keys generate``, ``seal`` and ``verify``, and the signing
options of ``run`` and ``replay`` (``--sign-key``, ``--trusted-keys``, ``--require-signature``).

Thin wrappers over :mod:`pathway.trail.keys`, :mod:`pathway.trail.manifest` and :mod:`pathway.trail.verify`;
``cryptography`` is imported only when a key is made or read.
"""

from __future__ import annotations

import argparse
from typing import Any

from pathway.cli.output import add_format, emit


def add_trusted_keys(parser: argparse.ArgumentParser) -> None:
    """``--trusted-keys`` (repeatable) and ``--require-signature``."""
    parser.add_argument(
        "--trusted-keys",
        action="append",
        metavar="FILE_OR_DIR",
        help="trust the public keys in this file, or every *.pem in this folder (repeatable); without it a signed "
        "trail is reported as signed by an unknown key, never as verified",
    )
    parser.add_argument(
        "--require-signature",
        action="store_true",
        help="exit 1 unless a trusted key signed it (an unsigned trail, or one signed by an unknown key, fails)",
    )


def add_sign_key(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--sign-key",
        metavar="PRIVATE.pem",
        help=f"sign {what} with this Ed25519 private key ('pathway keys generate'; needs pathway[sign])",
    )


def cmd_keys_generate(args: argparse.Namespace) -> int:
    """Make an Ed25519 key pair for signing trails and manifests: a private key (mode 0600, never overwritten)
    and a public key to give to auditors."""
    from pathway.trail.keys import generate_key

    result = generate_key(args.out, args.name)
    return emit(args, result, result.to_text)


def cmd_seal(args: argparse.Namespace) -> int:
    """Seal a cohort: write a manifest listing every trail (path, hashes, journey, pathway, records) with a Merkle
    root over them, signed when a key is given; 'pathway verify --manifest' checks it later."""
    from pathway.trail.manifest import seal

    result = seal(args.paths, args.out, sign_key=args.sign_key)
    return emit(args, result, result.to_text)


def cmd_verify(args: argparse.Namespace) -> int:
    """Check trails (hash chain and signature) and a cohort manifest (every trail there and unchanged, none added,
    the root, the signature) without re-running anything."""
    from pathway.trail.keys import as_trusted
    from pathway.trail.verify import verify

    report = verify(
        args.trails,
        manifest=args.manifest,
        trusted=as_trusted(args.trusted_keys),
        require_signature=args.require_signature,
    )
    return emit(args, report, report.to_text)


def add_security_commands(sub: Any) -> None:
    p = sub.add_parser("keys", help="signing keys", description="Work with the keys that sign trails and manifests.")
    keys = p.add_subparsers(dest="keys_command", metavar="COMMAND", required=True)
    g = keys.add_parser("generate", help=cmd_keys_generate.__doc__, description=cmd_keys_generate.__doc__)
    g.add_argument("--out", required=True, metavar="DIR", help="the folder to write the two key files in")
    g.add_argument(
        "--id", dest="name", metavar="NAME", help="name the key (default: ed25519: and 16 hex digits of its hash)"
    )
    add_format(g)
    g.set_defaults(handler=cmd_keys_generate)

    p = sub.add_parser("seal", help=cmd_seal.__doc__, description=cmd_seal.__doc__)
    p.add_argument("paths", nargs="+", metavar="DIR_OR_TRAIL", help="trail files, or folders of *.jsonl trails")
    p.add_argument("--out", required=True, metavar="MANIFEST.json", help="the manifest (at the cohort's root)")
    add_sign_key(p, "the manifest")
    add_format(p)
    p.set_defaults(handler=cmd_seal)

    p = sub.add_parser("verify", help=cmd_verify.__doc__, description=cmd_verify.__doc__)
    p.add_argument("trails", nargs="*", metavar="TRAIL", help="trail files, or folders of *.jsonl trails")
    p.add_argument("--manifest", metavar="MANIFEST.json", help="check this cohort manifest against its folder")
    add_trusted_keys(p)
    add_format(p)
    p.set_defaults(handler=cmd_verify)
