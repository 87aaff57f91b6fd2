"""Signed trails: keys are made and read safely, a signature binds exactly the trail its writer wrote, and replay
reports trusted, unsigned, unknown key or bad signature, never a forgery as verified."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import pathway
from pathway.errors import ExitCode, UnreadableInputError, UsageError
from pathway.publish.trail_format import SCHEMA_PATH
from pathway.trail.io import read_trail
from pathway.trail.keys import GeneratedKey, generate_key, load_signing_key, load_trusted_keys
from pathway.trail.signing import TRAIL_DOMAIN, check_trail, signed_message, unsigned_hash
from tests.conftest import ROOT
from tests.test_replay import forge, lines_of

EXAMPLE = "definitions/example"
JOURNEY = "definitions/example/journeys/grade2-then-grade3.yaml"


def signature_of(result: pathway.ReplayResult) -> str | None:
    return result.signature.status if result.signature else None


@pytest.fixture
def key(tmp_path: Path) -> GeneratedKey:
    return generate_key(tmp_path / "keys")


@pytest.fixture
def other(tmp_path: Path) -> GeneratedKey:
    return generate_key(tmp_path / "other", name="someone-else")


@pytest.fixture
def unsigned(tmp_path: Path) -> Path:
    out = tmp_path / "unsigned.jsonl"
    pathway.run(EXAMPLE, JOURNEY).write(out)
    return out


@pytest.fixture
def signed(tmp_path: Path, key: GeneratedKey) -> Path:
    out = tmp_path / "signed.jsonl"
    pathway.run(EXAMPLE, JOURNEY).write(out, sign_key=key.private)
    return out


# Keys -----------------------------------------------------------------------------------------------------------


def test_a_generated_key_pair_is_private_to_its_owner_and_named_by_its_public_key(key: GeneratedKey) -> None:
    assert re.fullmatch("ed25519:[0-9a-f]{16}", key.key_id)
    assert key.private.name == f"ed25519-{key.key_id[8:]}.private.pem"
    assert os.stat(key.private).st_mode & 0o777 == 0o600
    assert key.public.read_text().startswith(f"pathway-key-id: {key.key_id}\n-----BEGIN PUBLIC KEY-----\n")
    assert load_signing_key(key.private).key_id == key.key_id
    assert list(load_trusted_keys(key.public).keys) == [key.key_id]


def test_a_named_key_keeps_its_name_and_no_key_is_overwritten(other: GeneratedKey, tmp_path: Path) -> None:
    assert other.key_id == "someone-else"
    assert other.private.name == "someone-else.private.pem"
    before = other.private.read_bytes()
    with pytest.raises(UsageError, match="never overwritten"):
        generate_key(tmp_path / "other", name="someone-else")
    assert other.private.read_bytes() == before
    with pytest.raises(UsageError, match="not a valid key id"):
        generate_key(tmp_path / "x", name="has space")


def _diagnostic(err: pytest.ExceptionInfo[UnreadableInputError]) -> str:
    (problem,) = err.value.diagnostics
    assert problem.code == "PW421"
    return problem.message


def test_a_private_key_that_others_may_read_is_refused(key: GeneratedKey) -> None:
    key.private.chmod(0o644)
    with pytest.raises(UnreadableInputError) as err:
        load_signing_key(key.private)
    assert "may be read by other users (mode 644)" in _diagnostic(err)


def test_key_files_of_the_wrong_kind_are_located_errors(key: GeneratedKey, tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError) as err:
        load_signing_key(key.public)  # a public key cannot sign
    assert "expected one unencrypted 'PRIVATE KEY' block, found PUBLIC KEY" in _diagnostic(err)
    with pytest.raises(UnreadableInputError) as err:
        load_trusted_keys(key.private)  # trust is given by public keys
    assert "holds a private key" in _diagnostic(err)
    with pytest.raises(UnreadableInputError) as err:
        load_trusted_keys(key.private.parent)  # a folder with a private key in it
    assert "holds a private key" in _diagnostic(err)
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n")
    with pytest.raises(UnreadableInputError) as err:
        load_trusted_keys(garbage)
    assert "cannot be read" in _diagnostic(err)
    with pytest.raises(UnreadableInputError) as err:
        load_trusted_keys(tmp_path / "missing.pem")
    assert "file not found" in _diagnostic(err)


def test_a_key_id_of_the_derived_form_must_be_its_key_s(key: GeneratedKey, other: GeneratedKey, tmp_path: Path) -> None:
    liar = tmp_path / "liar.pem"
    liar.write_text(other.public.read_text().replace("someone-else", key.key_id))
    with pytest.raises(UnreadableInputError) as err:
        load_trusted_keys(liar)
    assert f"the key id '{key.key_id}' is not this key's" in _diagnostic(err)


def test_one_id_for_two_keys_is_refused(key: GeneratedKey, other: GeneratedKey, tmp_path: Path) -> None:
    twin = tmp_path / "twin.pem"
    twin.write_text(key.public.read_text().replace(key.key_id, "someone-else"))
    with pytest.raises(UsageError, match="names two different keys"):
        load_trusted_keys([other.public, twin])


# Signing and checking ---------------------------------------------------------------------------------------------


def test_a_signed_trail_is_the_unsigned_one_plus_a_signature_in_its_summary(signed: Path, unsigned: Path) -> None:
    a, b = unsigned.read_text().splitlines(), signed.read_text().splitlines()
    assert a[:-1] == b[:-1]
    summary = json.loads(b[-1])
    assert set(summary["signature"]) == {"algorithm", "key_id", "value"}
    records = lines_of(signed)
    del records[-1]["signature"]
    forge(signed, records)  # take the signature out and reseal: the unsigned trail, byte for byte
    assert signed.read_bytes() == unsigned.read_bytes()


def test_a_signed_trail_fits_the_schema(signed: Path) -> None:
    schema = json.loads((ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    summary = json.loads(signed.read_text().splitlines()[-1])
    assert list(validator.iter_errors(summary)) == []
    summary["signature"]["value"] = "00"
    assert list(validator.iter_errors(summary))


def test_the_signature_signs_the_final_hash_of_the_unsigned_chain(
    signed: Path, unsigned: Path, key: GeneratedKey
) -> None:
    records = read_trail(signed).records
    assert unsigned_hash(records) == read_trail(unsigned).records[-1].hash
    signature = records[-1].signature  # type: ignore[union-attr]
    assert signature is not None
    message = signed_message(TRAIL_DOMAIN, key.key_id, unsigned_hash(records))
    assert (
        message
        == (
            f'{{"domain":"pathway-trail-signature/1","key_id":"{key.key_id}","sha256":"{unsigned_hash(records)}"}}'
        ).encode()
    )
    public = load_trusted_keys(key.public).keys[key.key_id]
    assert public.verifies(bytes.fromhex(signature.value), message)
    assert not public.verifies(bytes.fromhex(signature.value), message.replace(b"trail", b"manifest"))


def test_replay_of_a_signed_trail_with_its_key_trusted(signed: Path, key: GeneratedKey) -> None:
    result = pathway.replay(signed, trusted_keys=key.public, require_signature=True)
    assert (result.status, result.ok, result.exit_code) == ("reproduced", True, ExitCode.OK)
    assert signature_of(result) == "trusted"
    assert f"signature: signed by {key.key_id} (trusted)" in result.to_text()
    assert result.to_json()["signature"]["status"] == "trusted"
    assert {u.bound_by for u in result.unchecked} == {f"bound by the trusted signature of {key.key_id}"}


def test_an_unsigned_trail_is_reported_as_unsigned_never_verified(unsigned: Path, key: GeneratedKey) -> None:
    result = pathway.replay(unsigned, trusted_keys=key.public)
    assert (result.status, result.exit_code) == ("reproduced", ExitCode.OK)
    assert signature_of(result) == "unsigned"
    assert "signature: unsigned" in result.to_text()
    assert all(u.bound_by.startswith("not bound") for u in result.unchecked)
    required = pathway.replay(unsigned, trusted_keys=key.public, require_signature=True)
    assert (required.ok, required.exit_code) == (False, ExitCode.FINDINGS)
    assert "a trusted signature is required" in required.message


def test_a_trail_signed_by_an_unknown_key(signed: Path, other: GeneratedKey, key: GeneratedKey) -> None:
    result = pathway.replay(signed, trusted_keys=other.public)
    assert result.signature is not None
    assert (result.signature.status, result.signature.key_id, result.exit_code) == ("unknown_key", key.key_id, 0)
    assert f"signed by an unknown key {key.key_id} (not verified)" in result.to_text()
    assert pathway.replay(signed, trusted_keys=other.public, require_signature=True).exit_code == ExitCode.FINDINGS
    untrusting = pathway.replay(signed)
    assert signature_of(untrusting) == "unknown_key"
    assert "no trusted keys were given" in untrusting.to_text()


def test_an_edit_rechained_after_signing_is_a_bad_signature(tmp_path: Path, key: GeneratedKey) -> None:
    """The auditor's attack: rewrite the reason of a deviation (in the input and in the deviation record) and
    re-chain. Replay alone still says reproduced, since it re-runs the inputs as recorded; the signature does not
    match any more."""
    signed = tmp_path / "waiting.jsonl"
    pathway.run(EXAMPLE, "definitions/example/journeys/waiting-for-grades.yaml").write(signed, sign_key=key.private)
    records = lines_of(signed)
    edited = [r for r in records if r.get("reason") == "patient request"]
    assert [r["kind"] for r in edited] == ["input", "deviation"]
    for record in edited:
        record["reason"] = "consultant decision"
    forge(signed, records)
    assert read_trail(signed).tamper is None
    result = pathway.replay(signed, trusted_keys=key.public)
    assert result.status == "reproduced"
    assert signature_of(result) == "bad_signature"
    assert (result.ok, result.exit_code) == (False, ExitCode.FINDINGS)
    assert "bad signature" in result.message
    with pytest.raises(pathway.ReplayError):
        pathway.replay(signed, trusted_keys=key.public, raise_on_failure=True)


def test_a_signature_relabelled_with_another_trusted_key_s_id_is_bad(
    signed: Path, key: GeneratedKey, other: GeneratedKey
) -> None:
    records = lines_of(signed)
    records[-1]["signature"]["key_id"] = other.key_id
    forge(signed, records)
    result = pathway.replay(signed, trusted_keys=[key.public, other.public])
    assert signature_of(result) == "bad_signature"


def test_a_forger_who_signs_with_their_own_key_is_an_unknown_key(
    unsigned: Path, key: GeneratedKey, other: GeneratedKey
) -> None:
    records = read_trail(unsigned).records
    from pathway.trail.io import write_trail
    from pathway.trail.signing import sign_trail

    write_trail(unsigned, sign_trail(records, load_signing_key(other.private)))
    check = check_trail(read_trail(unsigned).records, load_trusted_keys(key.public), required=True)
    assert (check.status, check.ok) == ("unknown_key", False)


def test_signing_without_cryptography_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, key: GeneratedKey, unsigned: Path, tmp_path: Path
) -> None:
    for name in [m for m in sys.modules if m.split(".")[0] == "cryptography"] + ["cryptography"]:
        monkeypatch.setitem(sys.modules, name, None)  # importing it now raises ImportError
    assert pathway.replay(unsigned).ok  # the core never needs it
    with pytest.raises(UsageError, match=r"pip install 'pathway\[sign\]'"):
        pathway.run(EXAMPLE, JOURNEY).write(tmp_path / "t.jsonl", sign_key=key.private)
    assert not (tmp_path / "t.jsonl").exists()
    with pytest.raises(UsageError, match=r"pip install 'pathway\[sign\]'"):
        pathway.replay(unsigned, trusted_keys=key.public)


# The header: what replay checks, and what only a signature binds --------------------------------------------------


def _edit_header(trail: Path, change: dict[str, Any]) -> None:
    records = lines_of(trail)
    for where, value in change.items():
        part, name = where.split(".")
        records[0][part][name] = value
    forge(trail, records)


def test_an_edited_pathway_title_rechained_is_a_header_mismatch(unsigned: Path) -> None:
    _edit_header(unsigned, {"pathway.title": "Another pathway", "pathway.version": "9.9.9"})
    result = pathway.replay(unsigned)
    assert (result.status, result.exit_code) == ("diverged", ExitCode.FINDINGS)
    assert result.message.startswith("diverged at record 0 (the header): pathway.version recorded '9.9.9'")
    assert "pathway.title recorded 'Another pathway', the pathway re-run has" in result.message
    wrong = {f.field for f in result.header if f.status == "mismatch"}
    assert wrong == {"pathway.title", "pathway.version"}
    assert result.to_text().startswith(result.message)


def test_an_edited_journey_id_is_not_checked_by_replay_and_says_what_binds_it(signed: Path, key: GeneratedKey) -> None:
    _edit_header(signed, {"journey.id": "another-patient"})
    result = pathway.replay(signed, trusted_keys=key.public)
    assert result.status == "reproduced"  # replay takes the journey id from the trail itself ...
    assert [u.field for u in result.unchecked] == ["journey.id", "journey.description", "inputs"]
    assert "not checked (taken from the trail itself): journey.id" in result.to_text()
    assert signature_of(result) == "bad_signature"  # ... the signature binds it
    assert result.exit_code == ExitCode.FINDINGS


def test_replay_lists_every_header_field_it_checks(unsigned: Path) -> None:
    result = pathway.replay(unsigned)
    statuses = {f.field: f.status for f in result.header}
    assert statuses == {
        "schema": "match",
        "pathway.id": "match",
        "pathway.version": "match",
        "pathway.sha256": "match",
        "pathway.title": "match",
        "engine.pathway": "information",
        "engine.statemachine": "information",
    }
    document = result.to_json()
    assert [u["field"] for u in document["unchecked"]] == ["journey.id", "journey.description", "inputs"]
    assert len(document["header"]) == 7


def test_keys_that_cannot_be_written_are_a_usage_error_and_leave_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(UsageError, match="cannot write the key files"):
        generate_key(blocker / "keys")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
