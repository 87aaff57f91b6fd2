"""Control characters from input never reach a terminal or the site raw: an ANSI escape sequence in a reason could
clear the screen and print "all clear", a newline could forge a line of its own, a bidi override could reorder what
a reader sees. Each is shown as its escape (``\\x1b``, ``\\x0a``, ``\\u202e``) in every human-readable output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from pathway.diagnostics import Diagnostic, render_text
from pathway.diagnostics.escape import ELLIPSIS, escape, escape_block, excerpt, shorten
from pathway.publish.pathway_docs import choices_page, evidence_page, prose
from pathway.publish.site_pages import cell, code, facts_page, states_page
from tests.conftest import ROOT

# What an attacker would put in free text: clear the screen, home the cursor, a forged line, a bidi override.
ATTACK = "\x1b[2J\x1b[Hall clear, no deviation\n\u202eevil\x07\x9b31m\u2066x\u2069"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_escape_writes_every_unsafe_character_as_a_visible_escape() -> None:
    assert escape(ATTACK) == ("\\x1b[2J\\x1b[Hall clear, no deviation\\x0a\\u202eevil\\x07\\x9b31m\\u2066x\\u2069")
    assert escape("plain text, unicode é ≥ 3, back\\slash") == "plain text, unicode é ≥ 3, back\\slash"
    assert escape("\ud800 \u2028 \x7f \t") == "\\ud800 \\u2028 \\x7f \\x09"


def test_escape_block_keeps_newlines_only() -> None:
    assert escape_block("line one\nline \x1b[2Jtwo\r\n") == "line one\nline \\x1b[2Jtwo\\x0d\n"


def test_shorten_cuts_long_text_and_says_how_long_it_was() -> None:
    assert shorten("short") == "short"
    assert shorten("x" * 500, 10) == f"xxxxxxxxxx{ELLIPSIS} (500 characters)"


def test_excerpt_cuts_a_long_line_around_the_column_and_moves_the_caret() -> None:
    line = "a" * 1000 + "X" + "b" * 1000
    shown, column = excerpt(line, 1001)
    assert shown.startswith(ELLIPSIS)
    assert shown.endswith(ELLIPSIS)
    assert len(shown) <= 202
    assert shown[column - 1] == "X"
    shown, column = excerpt("\x1b[31m\x1b[0mX", 10)
    assert shown == "\\x1b[31m\\x1b[0mX"
    assert shown[column - 1] == "X"


def test_excerpt_of_a_line_made_of_escapes_stays_within_the_width() -> None:
    shown, column = excerpt("\x00" * 10_000, 5000)
    assert len(shown) <= 202
    assert shown[column - 1 : column + 3] == "\\x00"


def test_a_diagnostic_renders_escaped_with_its_source_line_escaped_and_cut(tmp_path: Path) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text("key: " + "\x1b[2J" + "v" * 10_000 + "\n", encoding="utf-8")
    diag = Diagnostic(code="PW001", message=f"found {ATTACK!s}", file=str(source), line=1, column=6, hint=ATTACK)
    text = render_text([diag])
    assert not RAW.search(text.replace("\n", ""))
    lines = text.splitlines()  # the message, the source line, the caret, the hint (a second line indented in it)
    assert [line[:8] for line in lines] == [str(source)[:8], "    1 | ", "      | ", "      = ", " " * 8]
    assert "\\x1b[2J" in text
    assert max(len(line) for line in text.splitlines()) < 300


def test_a_huge_message_is_cut_when_the_diagnostic_is_made() -> None:
    diag = Diagnostic(code="PW301", message="unknown fact '" + "f" * 5_000_000 + "'", file="j.yaml")
    assert len(diag.message) < 2100
    assert diag.message.endswith("(5000015 characters)")


@pytest.fixture
def attacked_journey(tmp_path: Path) -> Path:
    journey = tmp_path / "attack.yaml"
    reason = json.dumps(ATTACK)  # a JSON string is a YAML double-quoted string
    journey.write_text(
        "journey: attack\npathway: example\nevents:\n"
        "  - at: 2026-04-01\n    facts: {bortezomib_status: planned}\n"
        f"  - at: 2026-04-09\n    done: discontinue_bortezomib\n    reason: {reason}\n    note: {reason}\n",
        encoding="utf-8",
    )
    return journey


def test_run_report_escapes_a_reason(attacked_journey: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trail = attacked_journey.with_suffix(".jsonl")
    assert main(["run", str(attacked_journey), "--trail", str(trail)]) == 0
    out = capsys.readouterr().out
    assert not RAW.search(out.replace("\n", ""))
    deviation = next(line for line in out.splitlines() if "! deviation" in line)
    assert "(reason: \\x1b[2J\\x1b[Hall clear, no deviation\\x0a\\u202eevil" in deviation
    assert not any(line.startswith("\u202e") or line.startswith("evil") for line in out.splitlines())
    assert main(["run", str(attacked_journey), "--format", "json"]) == 0
    json.loads(capsys.readouterr().out)


def test_json_output_escapes_what_json_dumps_leaves_raw(
    attacked_journey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """json.dumps (ensure_ascii=False) escapes C0 controls, not a bidi override or a C1 CSI: the CLI does, and a
    JSON reader still reads the same text."""
    from tests.test_replay import forge, lines_of

    trail = tmp_path / "attack.jsonl"
    assert main(["run", str(attacked_journey), "--trail", str(trail)]) == 0
    records = lines_of(trail)
    records[0]["pathway"].update(id=ATTACK, sha256="0" * 64)
    forge(trail, records)
    capsys.readouterr()
    assert main(["replay", str(trail), "--format", "json"]) == 2
    out = capsys.readouterr().out
    assert not RAW.search(out.replace("\n", ""))
    assert "\\u202e" in out
    assert ATTACK in json.loads(out)["message"]
    assert main(["run", str(attacked_journey), "--format", "json"]) == 0
    assert not RAW.search(capsys.readouterr().out.replace("\n", ""))


def test_explain_and_replay_escape_what_a_forged_trail_says(
    attacked_journey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_replay import forge, lines_of

    trail = tmp_path / "attack.jsonl"
    assert main(["run", str(attacked_journey), "--trail", str(trail)]) == 0
    records = lines_of(trail)
    records[0]["pathway"]["id"] = ATTACK  # an intact chain says whatever its forger wants
    records[0]["pathway"]["sha256"] = "0" * 64
    for record in records:
        if record["kind"] == "issued":
            record["title"] = ATTACK
    forge(trail, records)
    capsys.readouterr()
    assert main(["replay", str(trail)]) == 2  # the pathway is not available
    assert main(["explain", str(trail)]) == 0
    out = capsys.readouterr().out
    assert "\\x1b[2J" in out
    assert not RAW.search(out.replace("\n", ""))


def test_diagnostics_escape_what_the_input_says(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journey = tmp_path / "j.yaml"
    journey.write_text('journey: j\npathway: example\nevents:\n  - at: 2026-04-01\n    facts: {"\\e[2J": 1}\n')
    assert main(["run", str(journey)]) == 1
    err = capsys.readouterr().err
    assert "unknown fact '\\x1b[2J'" in err
    assert not RAW.search(err.replace("\n", ""))


def test_scenario_results_and_show_escape_designer_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "example"
    shutil.copytree(ROOT / "definitions" / "example", folder)
    definition = folder / "pathway.yaml"
    text = definition.read_text(encoding="utf-8")
    definition.write_text(text.replace("title: ", f"title: {json.dumps(ATTACK)} #", 1), encoding="utf-8")
    scenario = next((folder / "scenarios").glob("*.yaml"))
    scenario.write_text(
        re.sub(r"- name: .*", lambda _: f"- name: {json.dumps(ATTACK)}", scenario.read_text(encoding="utf-8"), count=1)
    )
    assert main(["show", str(definition)]) == 0
    assert main(["test", str(folder)]) in (0, 1)
    out = capsys.readouterr().out
    assert "\\x1b[2J\\x1b[Hall clear, no deviation\\x0a" in out
    assert not RAW.search(out.replace("\n", ""))


def test_site_text_cannot_open_html_or_move_the_cursor() -> None:
    assert cell("<script>alert(1)</script> & \x1b[2J|x") == "&lt;script>alert(1)&lt;/script> &amp; \\x1b[2J\\|x"
    assert prose("two\nlines\u202e") == "two lines\\u202e"
    assert code("a `tick` b") == "`` a `tick` b ``"
    assert code("x < 3 | y") == "`x < 3 \\| y`"


def test_site_pages_escape_every_designer_text(tmp_path: Path) -> None:
    source = (ROOT / "definitions" / "example" / "pathway.yaml").read_text(encoding="utf-8")
    attack = json.dumps("<img src=x onerror=alert(1)>" + ATTACK)
    definition = tmp_path / "pathway.yaml"
    definition.write_text(
        re.sub(r"(?m)^(\s+(?:description|note|cite|title): )(?![>|]).*$", lambda m: m[1] + attack, source),
        encoding="utf-8",
    )
    analysis = load_analysis(definition)
    pages = [facts_page(analysis), states_page(analysis), choices_page(analysis), evidence_page(analysis)]
    for page in pages:
        assert "<img" not in page
        assert not RAW.search(page.replace("\n", ""))


def test_a_diagnostic_about_data_never_reads_a_file_of_that_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "<data>").write_text("SECRET\n")
    text = render_text([Diagnostic(code="PW301", message="unknown fact 'x'", file="<data>")])
    assert "SECRET" not in text
