"""Keep it found: every input an attacker controls, mutated at random, gives one of our answers.

Journeys (YAML and JSONL: the bundled ones mutated, and random valid ones written as JSONL the way ``json.dumps``
writes them) go through :func:`~pathway.journey.check.check_journey` and ``pathway run``: nothing escapes, every
problem is located in the journey, and every run of a valid journey replays as reproduced. Trails (the bundled ones
mutated line by line and byte by byte) go through ``read_trail``, ``replay`` and ``explain``: only our errors,
each at a line of the file. A single-byte edit of a small trail is tampering at its record, a PW402 at its line,
or, when it leaves every record canonically equal, a reproduction that names the line not in canonical form.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathway.audit import explain, replay
from pathway.cli.main import main
from pathway.definition.loader import load_analysis
from pathway.diagnostics import Diagnostic
from pathway.errors import ExitCode, PathwayError
from pathway.journey.check import check_journey
from pathway.source.reader import load_file
from pathway.trail.io import canonical, read_trail
from tests.conftest import ROOT
from tests.test_engine_properties import journeys

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JOURNEYS = sorted((ROOT / "definitions").glob("*/journeys/*.yaml"))
TRAILS = sorted((ROOT / "definitions").glob("*/trails/*.jsonl"))
SMALL_TRAIL = ROOT / "definitions" / "example" / "trails" / "waiting-for-grades.jsonl"
ANALYSES = {path.parent.name: load_analysis(path) for path in (ROOT / "definitions").glob("*/pathway.yaml")}
OUR_EXITS = {int(ExitCode.OK), int(ExitCode.FINDINGS), int(ExitCode.USAGE)}

# What a mutation writes: YAML and JSON syntax, digits, quotes, line breaks, control characters, bidi overrides,
# non-ASCII, and the bytes of an escape sequence.
PIECES = st.sampled_from(
    [
        ":",
        "-",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\t",
        "{",
        "}",
        "[",
        "]",
        ",",
        '"',
        "'",
        "#",
        "&a",
        "*a",
        "!!str",
        "!!python",
        "0",
        "9" * 30,
        "1e999",
        "NaN",
        "null",
        "true",
        "2026-13-45",
        "\x1b[2J",
        "\u202e",
        "\x00",
        "\x85",
        "\u2028",
        "é",
        "\U0001f600",
        "\\u0000",
        "\\ud800",
        "pathway: /etc/passwd",
        "events:",
        "- at: 2026-01-01",
        "facts:",
        "reason:",
        "done:",
        "---",
        "<<: *a",
        "?",
        "|",
        ">",
    ]  # fmt: skip
)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with one to four random edits: a piece inserted, a span deleted or replaced, a line duplicated."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        if kind == "insert":
            text = text[:at] + draw(PIECES | st.text(max_size=5)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif kind == "replace":
            text = text[:at] + draw(PIECES) + text[at + draw(st.integers(1, 5)) :]
        else:
            lines = text.split("\n")
            k = draw(st.integers(0, len(lines) - 1))
            text = "\n".join([*lines[: k + 1], lines[k], *lines[k + 1 :]])
    return text


def as_jsonl(journey: Path) -> str:
    """A bundled YAML journey as JSONL: its header, then one event a line."""
    doc = load_file(journey).data
    assert isinstance(doc, dict)
    header = {k: v for k, v in doc.items() if k != "events"}
    return "".join(json.dumps(line, default=str) + "\n" for line in [header, *doc["events"]])


def assert_located(diagnostics: list[Diagnostic], shown: str, text: str) -> None:
    """Every diagnostic names the file and a line of it (or the line just past the end)."""
    assert diagnostics
    lines = text.count("\n") + text.count("\r") + text.count("\x85") + text.count("\u2028") + text.count("\u2029")
    for diag in diagnostics:
        assert diag.file == shown, diag
        assert 1 <= diag.line <= lines + 2, diag
        assert diag.column >= 1


@contextlib.contextmanager
def quiet() -> Iterator[io.StringIO]:
    """The CLI's output, captured (capsys is function-scoped: hypothesis runs many examples in one test)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        yield out


def run_cli(*argv: str) -> tuple[int, str]:
    with quiet() as out:
        code = main(list(argv))
    shown = out.getvalue()
    assert code in OUR_EXITS, shown
    assert "internal error" not in shown
    return code, shown


def check_then_run(path: Path, text: str, pathway: str, folder: Path) -> None:
    """check_journey never raises and locates every problem; ``pathway run`` (pinned and with --pathway) exits
    with one of our codes; a run that succeeds wrote a trail that replays as reproduced."""
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    journey, diagnostics = check_journey(path, ANALYSES[pathway])
    if journey is None:
        assert_located(diagnostics, str(path), text)
    trail = folder / "trail.jsonl"
    trail.unlink(missing_ok=True)
    code, shown = run_cli("run", str(path), "--pathway", pathway, "--trail", str(trail))
    if journey is None:  # refused: nothing was run, no trail was written
        assert code in (int(ExitCode.FINDINGS), int(ExitCode.USAGE)), shown
        assert not trail.exists()
    else:  # run (1: a guard could not be evaluated), and the trail replays
        assert code in (int(ExitCode.OK), int(ExitCode.FINDINGS)), shown
        assert replay(trail).status == "reproduced"
    run_cli("run", str(path))  # the pin as the journey says it, mutated or not


@pytest.mark.slow
@SETTINGS
@given(data=st.data(), journey=st.sampled_from(JOURNEYS), jsonl=st.booleans())
def test_a_mutated_journey_gives_located_errors_or_a_run_that_replays(
    data: st.DataObject, journey: Path, jsonl: bool
) -> None:
    text = as_jsonl(journey) if jsonl else journey.read_text(encoding="utf-8")
    text = data.draw(mutated(text), label="journey text")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        check_then_run(
            folder / ("journey.jsonl" if jsonl else "journey.yaml"), text, journey.parent.parent.name, folder
        )


@pytest.mark.slow
@SETTINGS
@given(data=st.data(), pathway=st.sampled_from(sorted(ANALYSES)))
def test_a_valid_journey_written_as_jsonl_by_json_dumps_runs_and_replays(data: st.DataObject, pathway: str) -> None:
    """json.dumps escapes non-ASCII (an emoji as a surrogate pair), which the YAML reader alone would refuse."""
    journey = data.draw(journeys(ANALYSES[pathway]), label="journey")
    header = {k: v for k, v in journey.items() if k != "events"} | {"pathway": pathway}
    text = "".join(json.dumps(line) + "\n" for line in [header, *journey["events"]])
    with tempfile.TemporaryDirectory() as tmp:
        path, trail = Path(tmp) / "journey.jsonl", Path(tmp) / "trail.jsonl"
        path.write_text(text, encoding="utf-8")
        code, shown = run_cli("run", str(path), "--trail", str(trail))
        assert code in (int(ExitCode.OK), int(ExitCode.FINDINGS)), shown  # 1: a guard error, not bad input
        assert trail.is_file(), shown
        assert replay(trail).status == "reproduced"


def trail_answers(trail: Path, text: bytes) -> None:
    """read_trail, replay and explain on a file: only our errors, each located at a line of the file."""
    lines = text.count(b"\n") + 1
    try:
        read_trail(trail)
    except PathwayError as err:
        for diag in getattr(err, "diagnostics", []):
            assert 1 <= diag.line <= lines, diag
    result = replay(trail)
    assert result.status in ("reproduced", "diverged", "tampered", "invalid", "pathway_unavailable")
    for diag in result.diagnostics:
        assert 1 <= diag.line <= lines, diag
    if result.tamper is not None:
        assert 1 <= result.tamper.line <= lines
    with contextlib.suppress(PathwayError):
        explain(trail)
    for command in ("replay", "explain"):
        run_cli(command, str(trail))


@pytest.mark.slow
@SETTINGS
@given(data=st.data(), original=st.sampled_from(TRAILS))
def test_a_mutated_trail_gives_only_located_errors(data: st.DataObject, original: Path) -> None:
    text = data.draw(mutated(original.read_text(encoding="utf-8")), label="trail text")
    with tempfile.TemporaryDirectory() as tmp:
        trail = Path(tmp) / "trail.jsonl"
        raw = text.encode("utf-8", errors="surrogatepass")
        trail.write_bytes(raw)
        trail_answers(trail, raw)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offset=st.integers(0, SMALL_TRAIL.stat().st_size - 1), byte=st.integers(0, 255))
def test_every_single_byte_edit_of_a_small_trail_is_found_where_it_is(offset: int, byte: int) -> None:
    original = SMALL_TRAIL.read_bytes()
    if original[offset] == byte:
        return
    edited = original[:offset] + bytes([byte]) + original[offset + 1 :]
    line = original[:offset].count(b"\n") + 1  # the line the edited byte belongs to (its newline included)
    with tempfile.TemporaryDirectory() as tmp:
        trail = Path(tmp) / "trail.jsonl"
        trail.write_bytes(edited)
        result = replay(trail)
    if result.status == "tampered":
        assert result.tamper is not None
        assert result.tamper.line == line
    elif result.status == "invalid":
        assert [d.code for d in result.diagnostics] == ["PW402"]
        assert result.diagnostics[0].line == line
    else:  # the same records in another spelling: a space or \r after the last record, 'e' for 'E'
        assert result.status == "reproduced", result.message
        records = [json.loads(r) for r in edited.split(b"\n") if r.strip()]
        assert [canonical(r).encode() for r in records] == original.split(b"\n")[:-1]
        assert result.noncanonical == (line,)
