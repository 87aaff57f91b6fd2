"""Reading trails that an attacker wrote: every problem is a located PW402 (never an internal error), a key given
twice is refused, and a record in another spelling than the canonical one is reported even when it reproduces."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

import pathway
from pathway.cli.main import main
from pathway.source.jsontext import MAX_DEPTH, too_deep
from pathway.trail.io import read_trail
from tests.conftest import ROOT
from tests.test_replay import forge, lines_of

TRAIL = ROOT / "definitions" / "example" / "trails" / "grade2-then-grade3.jsonl"


@pytest.fixture
def trail(tmp_path: Path) -> Path:
    copy = tmp_path / "trail.jsonl"
    shutil.copyfile(TRAIL, copy)
    return copy


def replace_line(trail: Path, number: int, text: str) -> None:
    lines = trail.read_bytes().split(b"\n")
    lines[number - 1] = text.encode("utf-8")
    trail.write_bytes(b"\n".join(lines))


def outcome(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("command", ["replay", "explain"])
def test_a_line_nested_very_deeply_is_refused_before_parsing(
    command: str, trail: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace_line(trail, 2, "[" * 100_000 + "]" * 100_000)
    code, shown = outcome(capsys, command, str(trail))
    assert code == 2
    assert f"trail.jsonl:2:1: PW402 line 2 is nested more than {MAX_DEPTH} levels deep" in shown
    assert "internal error" not in shown
    assert len(shown) < 2000


def test_the_nesting_limit_skips_brackets_inside_strings() -> None:
    assert not too_deep(b'{"a":[1,{"b":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]}')
    assert not too_deep(b'{"a":[1,{"b":"[[[[\\"[[[["}]}', limit=3)
    assert too_deep(b'{"a":[1,{"b":[]}]}', limit=3)
    assert not too_deep(b"[[[]]][[[]]][[[]]]", limit=3)
    assert too_deep(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    assert not too_deep(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)


def test_a_number_too_long_to_read_is_a_located_error(trail: Path) -> None:
    replace_line(trail, 3, '{"seq":' + "1" * 5000 + "}")
    result = pathway.replay(trail)
    assert result.status == "invalid"
    assert [(d.code, d.line) for d in result.diagnostics] == [("PW402", 3)]
    assert "is not valid JSON" in result.diagnostics[0].message


def test_a_key_given_twice_is_refused_at_its_line_naming_the_key(trail: Path) -> None:
    records = lines_of(trail)
    line = json.dumps(records[4], sort_keys=True, separators=(",", ":"))
    replace_line(trail, 5, line[:-1] + ',"id":"shown-to-a-human"}')
    result = pathway.replay(trail)
    assert result.status == "invalid"
    [diag] = result.diagnostics
    assert (diag.code, diag.line) == ("PW402", 5)
    assert 'holds the key "id" twice in one object' in diag.message


def test_a_key_given_twice_deep_inside_a_record_is_refused(trail: Path) -> None:
    replace_line(trail, 1, TRAIL.read_text().splitlines()[0].replace('{"id":', '{"id":"x","id":', 1))
    with pytest.raises(pathway.InvalidInputError, match="twice"):
        read_trail(trail)


@pytest.mark.parametrize(
    ("what", "edit"),
    [
        ("a header without its pathway", lambda r: r[0].pop("pathway")),
        ("a record without its kind", lambda r: r[3].pop("kind")),
        ("a record of an unknown kind", lambda r: r[3].update(kind="rumour")),
        ("a transition without its target", lambda r: next(x for x in r if x["kind"] == "transition").pop("target")),
        ("a summary whose states are not a list", lambda r: r[-1].update(states=7)),
    ],
)
@pytest.mark.parametrize("command", ["replay", "explain"])
def test_an_intact_chain_of_malformed_records_is_a_located_error(
    what: str, edit: object, command: str, trail: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = lines_of(trail)
    edit(records)  # type: ignore[operator]
    forge(trail, records)
    code, shown = outcome(capsys, command, str(trail))
    assert code == 2, what
    assert ": PW402 line " in shown
    assert "internal error" not in shown


def test_a_trail_in_another_spelling_reproduces_and_says_which_lines(trail: Path) -> None:
    lines = trail.read_text(encoding="utf-8").split("\n")
    lines[3] = json.dumps(json.loads(lines[3]), indent=None)  # spaces after ':' and ','
    lines[6] = json.dumps(dict(reversed(json.loads(lines[6]).items())), separators=(",", ":"))  # key order
    lines[8] = lines[8] + "\r"  # CRLF
    trail.write_text("\n".join(lines), encoding="utf-8")
    result = pathway.replay(trail)
    assert result.status == "reproduced"
    assert result.noncanonical == (4, 7, 9)
    assert result.message.endswith("(3 records not in canonical form: lines 4, 7, 9)")
    assert result.to_json()["noncanonical"] == [4, 7, 9]


def test_a_trail_without_its_final_line_break_or_with_a_bom_is_not_canonical(trail: Path) -> None:
    data = trail.read_bytes()
    trail.write_bytes(b"\xef\xbb\xbf" + data.removesuffix(b"\n"))
    result = pathway.replay(trail)
    assert result.status == "reproduced"
    assert result.noncanonical == (1, len(data.splitlines()))


def test_a_canonical_trail_says_nothing_more(trail: Path) -> None:
    result = pathway.replay(trail)
    assert (result.noncanonical, result.message) == ((), "reproduced: 28 records identical")
    assert result.to_json()["noncanonical"] == []


def test_an_escaped_spelling_of_the_same_text_is_not_canonical(trail: Path) -> None:
    lines = trail.read_text(encoding="utf-8").split("\n")
    assert '"id":"example"' in lines[0]
    lines[0] = lines[0].replace('"id":"example"', '"id":"\\u0065xample"', 1)
    trail.write_text("\n".join(lines), encoding="utf-8")
    result = pathway.replay(trail)
    assert (result.status, result.noncanonical) == ("reproduced", (1,))


@pytest.mark.parametrize("where", ["key", "value"])
def test_an_unpaired_surrogate_escape_is_a_located_error(where: str, trail: Path) -> None:
    """Found by the fuzz tests: "\\ud800" alone parses to text that cannot be encoded, and hashing it crashed."""
    header = TRAIL.read_text().splitlines()[0]
    edited = header.replace('"engine"', '"\\ud800engine"') if where == "key" else header.replace('"0.1.0"', '"\\udfff"')
    replace_line(trail, 1, edited)
    result = pathway.replay(trail)
    assert result.status == "invalid"
    assert [(d.code, d.line) for d in result.diagnostics] == [("PW402", 1)]
    assert "unpaired surrogate" in result.diagnostics[0].message


def test_a_recorded_input_that_does_not_fit_the_pathway_is_located_in_the_trail(trail: Path) -> None:
    records = lines_of(trail)
    records[1]["facts"]["sensory_grade"] = 99  # re-chained: only replay, checking the inputs again, sees it
    forge(trail, records)
    result = pathway.replay(trail)
    assert result.status == "invalid"
    assert [(d.code, d.file, d.line) for d in result.diagnostics] == [("PW303", str(trail), 2)]


def test_a_forged_trail_drawn_over_the_diagrams_is_drawn_or_refused_never_a_crash(
    trail: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """States this pathway does not have are left out (a KeyError before); a time is text, escaped in the SVG."""
    records = lines_of(trail)
    for record in records:
        if record["kind"] == "start":
            record["entered"] = ['ghost"', *record["entered"]]
        if record["kind"] == "transition":
            record["at"] = 'a\\" ] ; evil [label="\x1b[2J'
    forge(trail, records)
    formats = ["dot", "svg"] if shutil.which("dot") else ["dot"]
    for fmt in formats:
        out = tmp_path / fmt
        assert main(["diagram", "example", "--format", fmt, "--out", str(out), "--trail", str(trail)]) == 0
        capsys.readouterr()
        for drawn in out.iterdir():
            text = drawn.read_text(encoding="utf-8")
            assert "\x1b" not in text
            if fmt == "svg":
                ElementTree.fromstring(text)  # well-formed XML
