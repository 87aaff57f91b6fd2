"""The definitions bundled with pathway (``pathway/bundled/``, ``loader.BUNDLED_DIR``): an id, a journey's pin or a
trail's hash that the working folder's ``definitions/`` does not hold is found among them, so that an installed
pathway runs, replays and runs cohorts of its bundled pathways from any folder; a project's own definition of the
same id comes first."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.definition.loader import BUNDLED_DIR, bundled_definitions, known_definitions, load, resolve
from pathway.errors import UsageError
from tests.conftest import ROOT, build_wheel

DEFINITIONS = ROOT / "definitions"
BIPN_JOURNEY = DEFINITIONS / "bipn" / "journeys" / "typical-grade2-iv.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_definition_is_bundled_as_it_is() -> None:
    own = sorted(p.name for p in DEFINITIONS.iterdir() if (p / "pathway.yaml").is_file())
    assert list(bundled_definitions()) == own
    for pathway_id, path in bundled_definitions().items():
        assert path == BUNDLED_DIR / pathway_id / "pathway.yaml"
        assert path.read_bytes() == (DEFINITIONS / pathway_id / "pathway.yaml").read_bytes()


def test_an_id_the_folder_does_not_hold_is_the_bundled_one(tmp_path: Path) -> None:
    assert resolve("bipn", tmp_path) == BUNDLED_DIR / "bipn" / "pathway.yaml"
    assert resolve("bipn", ROOT) == ROOT / "definitions" / "bipn" / "pathway.yaml"


def test_a_project_definition_of_the_same_id_comes_first(tmp_path: Path) -> None:
    own = tmp_path / "definitions" / "example" / "pathway.yaml"
    own.parent.mkdir(parents=True)
    text = (DEFINITIONS / "example" / "pathway.yaml").read_text(encoding="utf-8")
    own.write_text(text.replace("version: 0.1.0", "version: 0.2.0"), encoding="utf-8")
    assert resolve("example", tmp_path) == own
    assert load(resolve("example", tmp_path)).version == "0.2.0"
    known = known_definitions(tmp_path)
    assert known[0] == own
    assert [p.parent.name for p in known[1:]] == [i for i in bundled_definitions() if i != "example"]


def test_an_unknown_id_names_the_bundled_ones(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as raised:
        resolve("nothere", tmp_path)
    assert str(raised.value) == (
        f"no pathway 'nothere': not a file, no {tmp_path}/definitions/nothere/pathway.yaml, and not a bundled "
        "pathway (bipn, bipn_label, example)"
    )


def test_an_id_is_never_a_path_into_the_bundle(tmp_path: Path) -> None:
    for ref in ("../bundled/bipn", "bipn/", "bipn/pathway.yaml", "bundled/bipn"):
        with pytest.raises(UsageError, match="not a bundled pathway"):
            resolve(ref, tmp_path)


def test_from_an_empty_folder_a_bundled_pathway_runs_as_in_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    in_project = run(capsys, "run", str(BIPN_JOURNEY), "--pathway", "bipn", "--format", "json")
    monkeypatch.chdir(tmp_path)
    by_id = run(capsys, "run", str(BIPN_JOURNEY), "--pathway", "bipn", "--format", "json")
    by_pin = run(capsys, "run", str(BIPN_JOURNEY), "--format", "json")  # the journey pins bipn
    assert in_project[0] == 0
    assert json.loads(by_id[1]) == json.loads(in_project[1]) == json.loads(by_pin[1])


def test_from_an_empty_folder_a_pin_by_hash_and_a_replay_find_the_bundled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathway.definition.canonical import sha256_of

    sha = sha256_of(load(DEFINITIONS / "example" / "pathway.yaml"))
    journey = DEFINITIONS / "example" / "journeys" / "waiting-for-grades.yaml"
    by_hash = tmp_path / "by-hash.yaml"
    text = journey.read_text(encoding="utf-8")
    by_hash.write_text(text.replace("pathway: example@0.1.0", f"pathway: sha256:{sha}"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "run", str(by_hash), "--trail", "t.jsonl")
    assert code == 0, err
    code, out, err = run(capsys, "replay", "t.jsonl")
    assert code == 0, err
    assert "reproduced" in out


def test_outside_a_project_a_bundled_cohort_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pyarrow")
    monkeypatch.chdir(tmp_path)
    journeys = tmp_path / "journeys"
    shutil.copytree(DEFINITIONS / "bipn" / "journeys", journeys)
    code, out, err = run(capsys, "cohort", "run", str(journeys), "--pathway", "bipn", "--out", "out", "--jobs", "1")
    assert code == 0, err
    written = sorted(t.read_bytes() for t in (tmp_path / "out" / "trails").glob("*.jsonl"))
    assert written == sorted(t.read_bytes() for t in (DEFINITIONS / "bipn" / "trails").glob("*.jsonl"))


@pytest.mark.slow
def test_the_wheel_ships_the_bundled_definitions_and_runs_them_anywhere(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    installed = tmp_path / "installed"
    with zipfile.ZipFile(wheel) as archive:
        shipped = sorted(n for n in archive.namelist() if n.startswith("pathway/bundled/"))
        archive.extractall(installed)
    assert shipped == [f"pathway/bundled/{i}/pathway.yaml" for i in bundled_definitions()]
    for pathway_id in bundled_definitions():
        copied = installed / "pathway" / "bundled" / pathway_id / "pathway.yaml"
        assert copied.read_bytes() == (DEFINITIONS / pathway_id / "pathway.yaml").read_bytes()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(installed)}
    found = subprocess.run(
        [sys.executable, "-c", "import pathway; print(pathway.__file__)"], cwd=elsewhere, env=env, capture_output=True
    )
    assert found.stdout.decode().strip() == str(installed / "pathway" / "__init__.py")
    command = [sys.executable, "-m", "pathway", "run", str(BIPN_JOURNEY), "--trail", "t.jsonl"]
    ran = subprocess.run(command, cwd=elsewhere, env=env, capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr[-3000:]
    committed = DEFINITIONS / "bipn" / "trails" / "typical-grade2-iv.jsonl"
    assert (elsewhere / "t.jsonl").read_bytes() == committed.read_bytes()
