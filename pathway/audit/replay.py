"""Replay a trail: check its hash chain, re-run its recorded inputs against the pinned pathway, and report either
"reproduced" or the first divergence; against another pathway version, list each decision that would differ.

Like Temporal's replayer, results are plain frozen data and nothing raises unless the caller asks
(``raise_on_failure=True``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from pathway.definition.analysis import Analysis
from pathway.definition.canonical import sha256_of
from pathway.definition.loader import check, find_definitions
from pathway.diagnostics import Diagnostic, render_text
from pathway.diagnostics.codes import UNREADABLE
from pathway.engine.runner import Runner, as_analysis
from pathway.errors import ExitCode, InvalidInputError, PathwayError
from pathway.journey.check import LoadedJourney, input_from_record
from pathway.trail.io import Tamper, read_trail, verify_chain

Status = Literal["reproduced", "diverged", "tampered", "pathway_unavailable", "invalid", "compared"]


@dataclass(frozen=True)
class Divergence:
    """The first record that differs: its number, the field, and both values."""

    seq: int
    field: str
    recorded: object
    replayed: object


@dataclass(frozen=True)
class DecisionChange:
    """A decision that differs between the recorded run and the replay against another pathway version."""

    at: str
    input: int
    state: str
    recorded: str
    replayed: str


@dataclass(frozen=True)
class ReplayResult:
    """What replay found. ``ok`` is true for 'reproduced' and for a completed what-if comparison."""

    status: Status
    message: str
    records: int = 0
    tamper: Tamper | None = None
    divergence: Divergence | None = None
    changes: tuple[DecisionChange, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    replayed: tuple[Mapping[str, Any], ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return self.status in ("reproduced", "compared")

    @property
    def exit_code(self) -> ExitCode:
        """0 reproduced or compared; 1 tampered, truncated, diverged, or recorded inputs that do not fit; 2 a
        trail that cannot be read or is not a trail, or a pathway version that is not available."""
        if self.ok:
            return ExitCode.OK
        if self.status == "pathway_unavailable" or any(d.code in UNREADABLE for d in self.diagnostics):
            return ExitCode.USAGE
        return ExitCode.FINDINGS

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready data: status, message, the located problems, and what differs."""
        return {
            "status": self.status,
            "message": self.message,
            "records": self.records,
            "changes": [asdict(c) for c in self.changes],
            "divergence": asdict(self.divergence) if self.divergence else None,
            "tamper": asdict(self.tamper) if self.tamper else None,
            "diagnostics": [d.model_dump(mode="json") for d in self.diagnostics],
        }

    def to_text(self) -> str:
        """The result for a terminal: the located problems, the message, then each decision that differs."""
        lines = [render_text(self.diagnostics)] if self.diagnostics else []
        lines.append(self.message)
        lines += [f"  {c.at} #{c.input} {c.state}: recorded {c.recorded}; now {c.replayed}" for c in self.changes]
        return "\n".join(lines)


class ReplayError(PathwayError):
    """Raised by ``replay(..., raise_on_failure=True)`` when the result is not ok, and by ``explain`` for a trail
    that is not intact. Its exit code is the result's."""

    kind = "trail"

    def __init__(self, result: ReplayResult) -> None:
        self.result = result
        self.exit_code = result.exit_code
        self.diagnostics = list(result.diagnostics)
        super().__init__(result.message)

    def to_json(self) -> dict[str, Any]:
        return self.result.to_json()


def find_by_sha(sha: str, root: Path | None = None) -> Analysis | None:
    """The bundled definition whose canonical sha256 is ``sha``, if any."""
    try:
        paths = find_definitions([], root)
    except PathwayError:
        return None
    for path in paths:
        result = check(path)
        if result.ok and result.analysis is not None and sha256_of(result.analysis.pathway) == sha:
            return result.analysis
    return None


def _journey(records: Sequence[Mapping[str, Any]], analysis: Analysis) -> LoadedJourney:
    header = records[0]["journey"]
    inputs = tuple(input_from_record(r, analysis, r["input"]) for r in records if r["kind"] == "input")
    return LoadedJourney(
        id=header["id"], path="<trail>", pin=None, description=header.get("description"), inputs=inputs
    )


def _content(record: Mapping[str, Any]) -> dict[str, Any]:
    """What a record says, without its chain fields and without the engine versions in the header: a run
    reproduced by a newer pathway or python-statemachine release is still a reproduction."""
    skip = {"hash", "prev", "engine"} if record.get("kind") == "header" else {"hash", "prev"}
    return {k: v for k, v in record.items() if k not in skip}


def first_divergence(recorded: Sequence[Mapping[str, Any]], replayed: Sequence[Mapping[str, Any]]) -> Divergence | None:
    """The first record whose content differs (chain fields and engine versions aside)."""
    recorded = [_content(r) for r in recorded]
    replayed = [_content(r) for r in replayed]
    for seq in range(max(len(recorded), len(replayed))):
        if seq >= len(recorded) or seq >= len(replayed):
            mine = recorded[seq]["kind"] if seq < len(recorded) else None
            theirs = replayed[seq]["kind"] if seq < len(replayed) else None
            return Divergence(seq, "kind", mine, theirs)
        a, b = recorded[seq], replayed[seq]
        if a != b:
            return Divergence(seq, *_first_difference(a, b, ""))
    return None


_MISSING = object()


def _first_difference(a: object, b: object, where: str) -> tuple[str, object, object]:
    """The dotted path of the first differing leaf (hash and prev last: they differ whenever content does)."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        keys = sorted(set(a) | set(b), key=lambda k: (k in ("prev", "hash"), str(k)))
        key = next(k for k in keys if a.get(k, _MISSING) != b.get(k, _MISSING))
        path = f"{where}.{key}" if where else str(key)
        if key in a and key in b:
            return _first_difference(a[key], b[key], path)
        return path, a.get(key), b.get(key)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        index = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
        return _first_difference(a[index], b[index], f"{where}[{index}]")
    return where, a, b


def _versions(engine: object) -> str:
    if not isinstance(engine, Mapping):
        return "unknown versions"
    return f"pathway {engine.get('pathway')}, python-statemachine {engine.get('statemachine')}"


def decisions(records: Sequence[Mapping[str, Any]]) -> dict[tuple[int, str], tuple[str, str]]:
    """(input, state) -> (time, outcome) for every transition taken and every wait reported."""
    out: dict[tuple[int, str], tuple[str, str]] = {}
    for r in records:
        if r["kind"] == "transition":
            out[(r["input"], r["source"])] = (r["at"], f"-> {r['target']}")
        elif r["kind"] == "waiting":
            out.setdefault((r["input"], r["state"]), (r["at"], f"waits for {', '.join(r['needs'])}"))
    return out


def compare(recorded: Sequence[Mapping[str, Any]], replayed: Sequence[Mapping[str, Any]]) -> tuple[DecisionChange, ...]:
    """Every (input, state) whose decision differs between two runs of the same inputs, in time order."""
    old, new = decisions(recorded), decisions(replayed)
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a[1] == b[1]:
            continue
        at = (a or b or ("", ""))[0]
        changes.append(DecisionChange(at, key[0], key[1], a[1] if a else "no decision", b[1] if b else "no decision"))
    return tuple(changes)


def _load(trail: str | Path) -> tuple[list[dict[str, Any]] | None, ReplayResult | None]:
    try:
        records = read_trail(trail)
    except InvalidInputError as err:
        message = "unreadable: the file is not a pathway trail that can be read"
        return None, ReplayResult("invalid", message, diagnostics=tuple(err.diagnostics))
    tamper = verify_chain(records)
    if tamper is not None:
        message = f"tampered: record {tamper.seq} (line {tamper.line}): {tamper.reason}"
        return None, ReplayResult("tampered", message, len(records), tamper=tamper)
    return records, None


def intact_records(trail: str | Path) -> list[dict[str, Any]]:
    """The records of a trail whose hash chain is intact. Raises :class:`ReplayError` with the result replay
    would give otherwise: tampered or truncated (exit 1), unreadable or not a trail (exit 2)."""
    records, failed = _load(trail)
    if records is None:
        assert failed is not None
        raise ReplayError(failed)
    return records


def replay(
    trail: str | Path,
    pathway: Analysis | str | Path | None = None,
    *,
    root: Path | None = None,
    raise_on_failure: bool = False,
) -> ReplayResult:
    """Replay a trail against its pinned pathway (found by sha256 under definitions/), or against ``pathway``."""
    result = _replay(trail, pathway, root)
    if raise_on_failure and not result.ok:
        raise ReplayError(result)
    return result


def _replay(trail: str | Path, pathway: Analysis | str | Path | None, root: Path | None) -> ReplayResult:
    records, failed = _load(trail)
    if records is None:
        assert failed is not None
        return failed
    pinned = records[0]["pathway"]
    try:
        analysis = as_analysis(pathway) if pathway is not None else find_by_sha(pinned["sha256"], root)
    except InvalidInputError as err:
        message = "invalid: the pathway given is not valid"
        return ReplayResult("invalid", message, len(records), diagnostics=tuple(err.diagnostics))
    if analysis is None:
        return ReplayResult(
            "pathway_unavailable",
            f"pathway {pinned['id']} {pinned['version']} (sha256 "
            f"{pinned['sha256'][:12]}) is not available: pass it with --pathway",
            len(records),
        )
    try:
        journey = _journey(records, analysis)
    except InvalidInputError as err:
        return ReplayResult(
            "invalid",
            "invalid: the recorded inputs do not fit this pathway",
            len(records),
            diagnostics=tuple(err.diagnostics),
        )
    replayed = Runner(analysis).run(journey).records
    if sha256_of(analysis.pathway) != pinned["sha256"]:
        changes = compare(records, replayed)
        other = analysis.pathway
        message = (
            f"compared {pinned['id']} {pinned['version']} with {other.pathway} {other.version}: "
            f"{len(changes)} decision(s) differ"
        )
        return ReplayResult("compared", message, len(records), changes=changes, replayed=replayed)
    divergence = first_divergence(records, replayed)
    if divergence is None:
        then, now = records[0].get("engine"), replayed[0].get("engine")
        note = f" (recorded with {_versions(then)}, replayed with {_versions(now)})" if then != now else ""
        message = f"reproduced: {len(records)} records identical{note}"
        return ReplayResult("reproduced", message, len(records), replayed=replayed)
    message = (
        f"diverged at record {divergence.seq}, field '{divergence.field}': recorded "
        f"{divergence.recorded!r}, replayed {divergence.replayed!r}"
    )
    return ReplayResult("diverged", message, len(records), divergence=divergence, replayed=replayed)
