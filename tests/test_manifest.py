"""Cohort manifests and ``pathway verify``: a sealed set of trails reports every trail deleted, added or replaced,
an edited list (wrong root), and a manifest rewritten by someone without the key; the CLI wraps it all."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

import pathway
from pathway.cli.main import main
from pathway.errors import ExitCode, UnreadableInputError, UsageError
from pathway.trail.io import canonical
from pathway.trail.keys import GeneratedKey, generate_key
from pathway.trail.manifest import SealRefused, load_manifest, root_of
from pathway.trail.merkle import leaf_hash, merkle_root, node_hash
from tests.test_cli_contract import BAD_TRAILS
from tests.test_replay import forge, lines_of

EXAMPLE = Path("definitions/example")
JOURNEYS = sorted((EXAMPLE / "journeys").glob("*.yaml"))


@pytest.fixture
def key(tmp_path: Path) -> GeneratedKey:
    return generate_key(tmp_path / "keys", name="registry")


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    """A study folder: ``trails/`` holding one trail per example journey, twice (two sites)."""
    for site in ("site-a", "site-b"):
        for journey in JOURNEYS:
            pathway.run(EXAMPLE, journey).write(tmp_path / "study" / "trails" / site / f"{journey.stem}.jsonl")
    return tmp_path / "study"


@pytest.fixture
def manifest(cohort: Path, key: GeneratedKey) -> Path:
    out = cohort / "manifest.json"
    pathway.seal([cohort / "trails"], out, sign_key=key.private)
    return out


def problems(report: pathway.VerifyReport) -> list[tuple[str, str]]:
    assert report.manifest is not None
    return [(p.kind, p.path) for p in report.manifest.problems]


def test_a_sealed_cohort_lists_every_trail_in_path_order(manifest: Path, cohort: Path, key: GeneratedKey) -> None:
    sealed = load_manifest(manifest)
    paths = [t.path for t in sealed.trails]
    assert paths == sorted(paths)
    assert len(paths) == 2 * len(JOURNEYS)
    assert paths[0] == f"trails/site-a/{JOURNEYS[0].stem}.jsonl"
    assert sealed.folders == ("trails",)
    first = sealed.trails[0]
    raw = (cohort / first.path).read_bytes()
    assert first.sha256 == hashlib.sha256(raw).hexdigest()
    assert first.final_hash == json.loads(raw.splitlines()[-1])["hash"]
    assert (first.journey, first.pathway.id, first.records) == ("example-grade2-then-grade3", "example", 28)
    assert sealed.root == root_of(sealed.trails)
    assert sealed.signature is not None
    assert sealed.signature.key_id == "registry"
    report = pathway.verify(manifest=manifest, trusted_keys=key.public, require_signature=True)
    assert (report.ok, report.exit_code, problems(report)) == (True, ExitCode.OK, [])


def test_a_deleted_an_added_and_a_replaced_trail_are_each_reported(manifest: Path, cohort: Path) -> None:
    site_a, site_b = cohort / "trails" / "site-a", cohort / "trails" / "site-b"
    (site_a / "grade2-then-grade3.jsonl").unlink()
    shutil.copyfile(site_b / "grade2-then-grade3.jsonl", site_b / "extra-patient.jsonl")
    shutil.copyfile(site_b / "grade2-then-grade3.jsonl", site_b / "waiting-for-grades.jsonl")  # swapped content
    report = pathway.verify(manifest=manifest)
    assert sorted(problems(report)) == [
        ("added", "trails/site-b/extra-patient.jsonl"),
        ("deleted", "trails/site-a/grade2-then-grade3.jsonl"),
        ("replaced", "trails/site-b/waiting-for-grades.jsonl"),
    ]
    assert report.exit_code == ExitCode.FINDINGS
    text = report.to_text()
    assert "  deleted: trails/site-a/grade2-then-grade3.jsonl: listed in the manifest, not found" in text
    assert "  added: trails/site-b/extra-patient.jsonl: in the sealed folder 'trails', not in the manifest" in text
    assert text.endswith("NOT verified")


def test_a_trail_edited_and_rechained_is_replaced_and_one_edited_in_place_is_tampered(
    manifest: Path, cohort: Path
) -> None:
    edited, rechained = sorted((cohort / "trails" / "site-a").glob("*.jsonl"))[:2]
    records = lines_of(rechained)
    records[0]["journey"]["id"] = "another-patient"
    forge(rechained, records)
    edited.write_text(edited.read_text().replace('"sensory_grade":2', '"sensory_grade":1', 1))
    kinds = dict((path, kind) for kind, path in problems(pathway.verify(manifest=manifest)))
    assert kinds == {f"trails/site-a/{rechained.name}": "replaced", f"trails/site-a/{edited.name}": "tampered"}


def test_an_edited_list_gives_a_wrong_root_and_a_bad_signature(manifest: Path, key: GeneratedKey) -> None:
    data = json.loads(manifest.read_text())
    data["trails"][0]["journey"] = "another-patient"
    manifest.write_text(json.dumps(data))
    report = pathway.verify(manifest=manifest, trusted_keys=key.public)
    assert [kind for kind, _ in problems(report)] == ["root"]
    assert report.manifest is not None
    assert report.manifest.signature.status == "bad_signature"


def test_a_manifest_resealed_without_the_key_is_unsigned_and_fails_when_a_signature_is_required(
    manifest: Path, cohort: Path, key: GeneratedKey
) -> None:
    """Someone with file access deletes a trail and seals the folder again: the list and root agree, only the
    missing signature shows it."""
    (cohort / "trails" / "site-a" / "grade2-then-grade3.jsonl").unlink()
    pathway.seal([cohort / "trails"], manifest)
    report = pathway.verify(manifest=manifest, trusted_keys=key.public)
    assert (problems(report), report.exit_code) == ([], ExitCode.OK)
    assert report.manifest is not None
    assert report.manifest.signature.status == "unsigned"
    required = pathway.verify(manifest=manifest, trusted_keys=key.public, require_signature=True)
    assert required.exit_code == ExitCode.FINDINGS


def test_a_listed_path_that_leaves_the_folder_is_reported(manifest: Path) -> None:
    data = json.loads(manifest.read_text())
    data["trails"][0]["path"] = "../outside.jsonl"
    manifest.write_text(json.dumps(data))
    assert ("invalid_path", "../outside.jsonl") in problems(pathway.verify(manifest=manifest))


def test_seal_refuses_a_tampered_trail_and_a_trail_outside_its_folder(cohort: Path, tmp_path: Path) -> None:
    trail = next((cohort / "trails" / "site-a").glob("*.jsonl"))
    with pytest.raises(UsageError, match="is not inside"):
        pathway.seal([trail], tmp_path / "elsewhere" / "manifest.json")
    trail.write_text(trail.read_text().replace('"sensory_grade":2', '"sensory_grade":1', 1))
    with pytest.raises(SealRefused, match="is tampered at record") as refused:
        pathway.seal([cohort / "trails"], cohort / "manifest.json")
    assert refused.value.exit_code == ExitCode.FINDINGS
    assert not (cohort / "manifest.json").exists()
    (cohort / "empty").mkdir()
    with pytest.raises(UsageError, match="no trails to seal"):
        pathway.seal([cohort / "empty"], cohort / "m.json")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"manifest": "pathway-manifest/1",', "not valid JSON"),
        ('{"manifest": "pathway-manifest/1", "manifest": "pathway-manifest/1"}', "duplicate key 'manifest'"),
        ('{"kind": "header"}', "not a cohort manifest"),
        ('{"manifest": "pathway-manifest/1", "folders": [], "trails": [], "root": "x"}', "field 'root'"),
    ],
    ids=["not JSON", "duplicate key", "not a manifest", "bad root"],
)
def test_a_file_that_is_not_a_manifest_is_a_located_error(text: str, problem: str, tmp_path: Path) -> None:
    bad = tmp_path / "manifest.json"
    bad.write_text(text)
    with pytest.raises(UnreadableInputError) as err:
        load_manifest(bad)
    (diagnostic,) = err.value.diagnostics
    assert diagnostic.code == "PW420"
    assert problem in diagnostic.message


def test_the_merkle_root_is_rfc_6962() -> None:
    a, b, c = b"a", b"b", b"c"
    assert merkle_root([]) == hashlib.sha256(b"").hexdigest()
    assert merkle_root([a]) == hashlib.sha256(b"\x00a").hexdigest()
    ab = node_hash(leaf_hash(a), leaf_hash(b))
    assert merkle_root([a, b, c]) == node_hash(ab, leaf_hash(c)).hex()  # split at the largest power of two < 3
    five = [bytes([i]) for i in range(5)]
    left = node_hash(
        node_hash(leaf_hash(five[0]), leaf_hash(five[1])), node_hash(leaf_hash(five[2]), leaf_hash(five[3]))
    )
    assert merkle_root(five) == node_hash(left, leaf_hash(five[4])).hex()
    assert merkle_root([a, b]) != merkle_root([b, a])


def test_the_root_covers_each_entry_as_its_canonical_json(manifest: Path) -> None:
    sealed = load_manifest(manifest)
    leaves = [canonical(t).encode() for t in sealed.trails]
    assert sealed.root == merkle_root(leaves)


# The command line -------------------------------------------------------------------------------------------------


def test_keys_seal_run_and_verify_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keys, study = tmp_path / "keys", tmp_path / "study"
    assert main(["keys", "generate", "--out", str(keys), "--id", "clinic", "--format", "json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["key_id"] == "clinic"
    private, public = made["private"], made["public"]
    trail = str(study / "trails" / "a.jsonl")
    journey = str(JOURNEYS[0])
    assert main(["run", journey, "--sign-key", private]) == 2
    assert "--sign-key signs the trail: give --trail" in capsys.readouterr().err
    assert main(["run", journey, "--trail", trail, "--sign-key", private]) == 0
    assert "(28 records, signed by clinic)" in capsys.readouterr().out
    assert main(["replay", trail, "--trusted-keys", public, "--require-signature"]) == 0
    assert "signature: signed by clinic (trusted)" in capsys.readouterr().out
    assert main(["verify", trail, "--trusted-keys", public, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["trails"][0]["signature"]["status"] == "trusted"
    manifest = str(study / "manifest.json")
    assert main(["seal", str(study / "trails"), "--out", manifest, "--sign-key", private]) == 0
    assert "sealed 1 trail(s)" in capsys.readouterr().out
    assert main(["verify", "--manifest", manifest, "--trusted-keys", public, "--require-signature"]) == 0
    assert capsys.readouterr().out.endswith("verified\n")
    Path(trail).unlink()
    assert main(["verify", "--manifest", manifest, "--trusted-keys", public]) == 1
    assert "  deleted: trails/a.jsonl: listed in the manifest, not found" in capsys.readouterr().out


def test_a_bad_key_is_a_located_error_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: GeneratedKey
) -> None:
    trail = tmp_path / "t.jsonl"
    assert main(["run", str(JOURNEYS[0]), "--trail", str(trail), "--sign-key", str(key.public)]) == 2
    assert "PW421 expected one unencrypted 'PRIVATE KEY' block" in capsys.readouterr().err
    assert not trail.exists()
    assert main(["verify", "--manifest", str(tmp_path / "none.json"), "--format", "json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "unreadable"
    assert main(["verify"]) == 2
    assert "nothing to verify" in capsys.readouterr().err


@pytest.mark.parametrize("case", BAD_TRAILS)
def test_verify_agrees_with_replay_on_a_bad_trail(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spoil, expected, problem = BAD_TRAILS[case]
    trail = tmp_path / "trail.jsonl"
    pathway.run(EXAMPLE, JOURNEYS[0]).write(trail)
    spoil(trail)
    assert main(["verify", str(trail)]) == expected
    out = capsys.readouterr().out
    assert "NOT verified" in out
    assert problem.removeprefix("tampered: ").removeprefix("PW401 ").removeprefix("PW402 ").split(" (")[0] in out


def test_a_manifest_that_cannot_be_written_is_a_usage_error(cohort: Path) -> None:
    folder = cohort / "manifest.json"
    folder.mkdir()  # the manifest's name is taken by a folder
    with pytest.raises(UsageError, match="cannot write"):
        pathway.seal([cohort / "trails"], folder)
    assert list(folder.iterdir()) == []
    assert [p.name for p in cohort.iterdir() if p.name.startswith(".")] == []  # no temporary file left
