"""A journey's ``pathway:`` pin names a bundled definition (an id, ``id@version`` or ``sha256:<hex>``), never a file:
a journey cannot make ``pathway run`` open a file of its choosing and print its first line. When the pin cannot be
read, the real problem is reported, located, not "does not pin a pathway"."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.definition.canonical import sha256_of
from pathway.definition.loader import load
from pathway.journey.read import read_pin
from tests.conftest import ROOT

EXAMPLE_JOURNEY = ROOT / "definitions" / "example" / "journeys" / "waiting-for-grades.yaml"
SECRET = "TOPSECRET-first-line-of-a-private-file"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.yaml"
    path.write_text(f"{SECRET}\nmore: private\n", encoding="utf-8")
    return path


def journey(tmp_path: Path, pin: str, name: str = "j.yaml") -> Path:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        header = json.dumps({"journey": "j", "pathway": pin})
        path.write_text(header + '\n{"at": "2026-04-01", "facts": {"bortezomib_status": "planned"}}\n')
    else:
        path.write_text(f"journey: j\npathway: {json.dumps(pin)}\nevents:\n  - at: 2026-04-01\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["j.yaml", "j.jsonl"])
@pytest.mark.parametrize("pin", ["{secret}", "/etc/passwd", "../definitions/example/pathway.yaml", "example/../x"])
def test_a_pin_that_is_a_path_is_refused_without_opening_the_file(
    pin: str, name: str, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = journey(tmp_path, pin.format(secret=secret), name)
    code, shown = run(capsys, "run", str(path))
    assert code == 1
    assert "PW013" in shown
    assert "is not well formed" in shown
    assert f"{path.name}:" in shown.splitlines()[0]  # located in the journey, not in the file it names
    assert SECRET not in shown
    assert "root:" not in shown


def test_read_pin_gives_the_pin_or_the_located_problem(tmp_path: Path) -> None:
    assert read_pin(journey(tmp_path, "example@0.1.0")) == ("example@0.1.0", [])
    pin, problems = read_pin(journey(tmp_path, "/etc/shadow"))
    assert pin is None
    assert [(d.code, d.line) for d in problems] == [("PW013", 2)]
    no_pin = tmp_path / "none.yaml"
    no_pin.write_text("journey: j\nevents:\n  - at: 2026-04-01\n")
    assert read_pin(no_pin) == (None, [])


def test_a_journey_with_a_syntax_error_reports_it_not_a_missing_pin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("journey: x\npathway: example\nevents:\n  - at: 2026-01-01\n   bad: [\n", encoding="utf-8")
    code, shown = run(capsys, "run", str(path))
    assert code == 1
    assert "broken.yaml:5:4: PW001" in shown
    assert "does not pin" not in shown


def test_a_jsonl_journey_whose_header_line_is_broken_reports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('\n{"journey": "x", "pathway": "example",\n{"at": "2026-04-01"}\n', encoding="utf-8")
    code, shown = run(capsys, "run", str(path))
    assert code == 1
    assert "broken.jsonl:2:" in shown
    assert "PW001" in shown
    assert "does not pin" not in shown


def test_a_jsonl_header_with_a_5000_digit_integer_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.jsonl"
    header = '{"journey":"x","pathway":"example","description":' + "9" * 5000 + "}"
    path.write_text(header + '\n{"at":"2026-01-01"}\n', encoding="utf-8")
    for pathway in ([], ["--pathway", "example"]):
        code, shown = run(capsys, "run", str(path), *pathway)
        assert code == 1, shown
        assert "huge.jsonl:1:50: PW006 integer 9999999999... has 5000 digits" in shown
        assert "internal error" not in shown
        assert len(shown) < 2000  # the 5,000 digits are not echoed whole


def test_a_journey_without_a_pin_needs_pathway(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "none.yaml"
    path.write_text("journey: j\nevents:\n  - at: 2026-04-01\n    facts: {bortezomib_status: planned}\n")
    code, shown = run(capsys, "run", str(path))
    assert code == 2
    assert "does not pin a pathway: pass --pathway" in shown
    assert run(capsys, "run", str(path), "--pathway", "example")[0] == 0


def test_a_pin_of_a_pathway_that_is_not_bundled_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, shown = run(capsys, "run", str(journey(tmp_path, "nothere@1.0.0")))
    assert code == 2
    assert (
        "pins pathway 'nothere@1.0.0', but there is no definitions/nothere/pathway.yaml, nor a bundled pathway "
        "'nothere': pass --pathway ID|PATH"
    ) in shown
    code, shown = run(capsys, "run", str(journey(tmp_path, "sha256:" + "0" * 64)))
    assert code == 2
    assert "but no definition has this hash (under definitions/, or bundled): pass --pathway ID|PATH" in shown


def test_a_pin_by_hash_finds_the_bundled_definition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sha = sha256_of(load(ROOT / "definitions" / "example" / "pathway.yaml"))
    text = EXAMPLE_JOURNEY.read_text(encoding="utf-8").replace("pathway: example@0.1.0", f"pathway: sha256:{sha}")
    path = tmp_path / "by-hash.yaml"
    path.write_text(text, encoding="utf-8")
    code, shown = run(capsys, "run", str(path))
    assert code == 0, shown
    assert "Journey example-waiting-for-grades on pathway example 0.1.0" in shown


def test_pathway_on_the_command_line_may_still_be_a_path(capsys: pytest.CaptureFixture[str]) -> None:
    definition = ROOT / "definitions" / "example" / "pathway.yaml"
    assert run(capsys, "run", str(EXAMPLE_JOURNEY), "--pathway", str(definition))[0] == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_journey_that_is_a_named_pipe_is_named_for_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "journey.yaml"
    os.mkfifo(fifo)
    code, shown = run(capsys, "run", str(fifo))
    assert code == 2
    assert "PW007 cannot read a named pipe (FIFO)" in shown


def test_a_jsonl_line_that_json_allows_is_read_even_where_yaml_would_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """json.dumps writes an emoji as an escaped surrogate pair, which the YAML reader refuses; JSON reads it."""
    path = tmp_path / "emoji.jsonl"
    lines = [
        {"journey": "emoji", "pathway": "example", "description": "a note with an emoji"},
        {"at": "2026-04-01", "facts": {"bortezomib_status": "planned"}, "note": "patient smiled \U0001f600"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert "\\ud83d\\ude00" in path.read_text()
    trail = tmp_path / "emoji.trail.jsonl"
    code, shown = run(capsys, "run", str(path), "--trail", str(trail))
    assert code == 0, shown
    assert '"note":"patient smiled \U0001f600"' in trail.read_text(encoding="utf-8")


def test_a_jsonl_line_with_a_lone_surrogate_or_a_duplicate_key_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"journey": "j", "pathway": "example"}\n'
        '{"at": "2026-04-01", "note": "half \\ud800"}\n'
        '{"at": "2026-04-02", "note": "a", "note": "b"}\n',
        encoding="utf-8",
    )
    code, shown = run(capsys, "run", str(path))
    assert code == 1
    assert "bad.jsonl:2:" in shown
    assert "bad.jsonl:3:" in shown
    assert "PW002 duplicate key 'note'" in shown


def test_a_pin_that_reaches_a_link_out_of_the_project_is_refused(
    secret: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A repository could plant definitions/evil/pathway.yaml -> a private file: the pin must not follow it out."""
    project = tmp_path / "project"
    (project / "definitions" / "evil").mkdir(parents=True)
    (project / "definitions" / "evil" / "pathway.yaml").symlink_to(secret)
    monkeypatch.chdir(project)
    code, shown = run(capsys, "run", str(journey(project, "evil")))
    assert code == 2
    assert "links outside" in shown
    assert SECRET not in shown
