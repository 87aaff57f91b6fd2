"""Replay a trail: check its hash chain, re-run its recorded inputs against the pinned pathway, and report either
"reproduced" or the first divergence; against another pathway version, list each decision that would differ.

Like Temporal's replayer, results are plain frozen data and nothing raises unless the caller asks
(``raise_on_failure=True``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pathway.audit.divergence import Divergence, first_divergence
from pathway.audit.header import (
    HeaderField,
    Unchecked,
    header_fields,
    header_json,
    header_text,
    mismatch_message,
    mismatches,
    unchecked,
)
from pathway.definition.analysis import Analysis
from pathway.definition.loader import check, known_definitions
from pathway.diagnostics import Diagnostic, render_text
from pathway.diagnostics.codes import UNREADABLE, Code
from pathway.diagnostics.escape import escape
from pathway.engine.engines import EngineName
from pathway.engine.runner import Runner, as_analysis
from pathway.errors import ExitCode, InvalidInputError, PathwayError
from pathway.journey.check import LoadedJourney, input_from_record
from pathway.journey.constraints import Given, contradictions
from pathway.trail.io import Tamper, Trail, read_trail
from pathway.trail.keys import TrustedKeys, as_trusted
from pathway.trail.parts import EngineRef
from pathway.trail.records import ErrorRecord, InputRecord, Record, TransitionRecord, WaitingRecord, header_of
from pathway.trail.signing import SignatureCheck, check_trail

Status = Literal["reproduced", "diverged", "tampered", "pathway_unavailable", "invalid", "compared"]


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
    """What replay found. ``ok`` is true for 'reproduced' and for a completed what-if comparison, unless the
    signature check fails (``signature``: a bad signature, or none trusted when one is required).

    ``header`` lists each header field replay checked against the pathway it re-ran, ``unchecked`` what it takes
    from the trail itself (the journey's id and description, the inputs) and what binds it; ``signature`` is the
    signature check of an intact trail (None when the trail could not be read or is tampered)."""

    status: Status
    message: str
    records: int = 0
    tamper: Tamper | None = None
    divergence: Divergence | None = None
    changes: tuple[DecisionChange, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    replayed: tuple[Record, ...] = field(default=(), repr=False)
    signature: SignatureCheck | None = None
    header: tuple[HeaderField, ...] = ()
    unchecked: tuple[Unchecked, ...] = ()
    noncanonical: tuple[int, ...] = ()
    """For 'reproduced': the lines whose bytes are not the canonical form of their record (same content, another
    spelling), which explains a checksum of the file that differs from the one written."""

    @property
    def ok(self) -> bool:
        return self.status in ("reproduced", "compared") and (self.signature is None or self.signature.ok)

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
            "ok": self.ok,
            "signature": self.signature.to_json() if self.signature else None,
            "noncanonical": list(self.noncanonical),
        } | header_json(self.header, self.unchecked)

    def to_text(self) -> str:
        """The result for a terminal: the located problems, the message, then each decision that differs."""
        lines = [render_text(self.diagnostics)] if self.diagnostics else []
        lines.append(escape(self.message))
        lines += [
            escape(f"  {c.at} input {c.input} {c.state}: recorded {c.recorded}; now {c.replayed}") for c in self.changes
        ]
        if self.signature is not None:
            lines.append(escape(f"signature: {self.signature.text}"))
        lines += map(escape, header_text(self.unchecked))
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
    """The definition whose canonical sha256 is ``sha``, if any: one of the project's under ``root`` or one bundled
    with pathway."""
    for path in known_definitions(root):
        result = check(path)
        if result.ok and result.analysis is not None and result.analysis.named_by(sha):
            return result.analysis
    return None


def journey_of(records: Sequence[Record], analysis: Analysis, shown: str) -> LoadedJourney:
    """The recorded inputs, checked again against the pathway, each alone and then together against its
    constraints (PW311); a problem is located at its line of the trail (``shown`` names the trail). Raises
    InvalidInputError with every problem when they do not fit the pathway."""
    header = header_of(records)
    inputs = tuple(
        input_from_record(r.to_dict(), analysis, r.input, name=shown, line=r.seq + 1)
        for r in records
        if isinstance(r, InputRecord)
    )
    broken = contradictions(analysis, [Given(i.at, i.facts, i.line) for i in inputs])
    if broken:
        raise InvalidInputError(
            [
                Diagnostic(code=Code.PW311, message=c.message, hint=c.hint, file=shown, line=inputs[c.index].line)
                for c in broken
            ]
        )
    return LoadedJourney(
        id=header.journey.id, path="<trail>", pin=None, description=header.journey.description, inputs=inputs
    )


def _versions(engine: EngineRef) -> str:
    return f"pathway {engine.pathway}, python-statemachine {engine.statemachine}"


def decisions(records: Sequence[Record]) -> dict[tuple[int, str], tuple[str, str]]:
    """(input, state) -> (time, outcome) for every transition taken, every wait reported and every state blocked
    by a guard that could not be evaluated. A timer's outcome says when it fired: firing at another time is
    another decision."""
    out: dict[tuple[int, str], tuple[str, str]] = {}
    for r in records:
        if isinstance(r, TransitionRecord):
            when = f" (after {r.after}, at {r.at})" if r.after is not None else ""
            out[(r.input, r.source)] = (r.at, f"-> {r.target}{when}")
        elif isinstance(r, WaitingRecord):
            out.setdefault((r.input, r.state), (r.at, f"waits for {', '.join(r.needs)}"))
        elif isinstance(r, ErrorRecord) and r.state is not None:
            out.setdefault((r.input, r.state), (r.at, f"blocked: {r.message}"))
    return out


def compare(recorded: Sequence[Record], replayed: Sequence[Record]) -> tuple[DecisionChange, ...]:
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


def _load(trail: str | Path) -> tuple[Trail, ReplayResult | None]:
    try:
        read = read_trail(trail)
    except InvalidInputError as err:
        message = "unreadable: the file is not a pathway trail that can be read"
        return Trail(0), ReplayResult("invalid", message, diagnostics=tuple(err.diagnostics))
    tamper = read.tamper
    if tamper is not None:
        message = f"tampered: record {tamper.seq} (line {tamper.line}): {tamper.reason}"
        return read, ReplayResult("tampered", message, read.lines, tamper=tamper)
    return read, None


def _spelling(lines: Sequence[int]) -> str:
    """`` (2 records not in canonical form: lines 4, 7)``, or nothing when every line is canonical."""
    if not lines:
        return ""
    shown = ", ".join(map(str, lines[:10])) + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")
    noun = "record" if len(lines) == 1 else "records"
    return f" ({len(lines)} {noun} not in canonical form: line{'s' if len(lines) > 1 else ''} {shown})"


def intact_records(trail: str | Path) -> tuple[Record, ...]:
    """The records of a trail whose hash chain is intact. Raises :class:`ReplayError` with the result replay
    would give otherwise: tampered or truncated (exit 1), unreadable or not a trail (exit 2)."""
    read, failed = _load(trail)
    if failed is not None:
        raise ReplayError(failed)
    return read.records


def replay(
    trail: str | Path,
    pathway: Analysis | str | Path | None = None,
    *,
    root: Path | None = None,
    raise_on_failure: bool = False,
    trusted_keys: TrustedKeys | str | Path | Sequence[str | Path] | None = None,
    require_signature: bool = False,
    engine: EngineName = "reference",
) -> ReplayResult:
    """Replay a trail against its pinned pathway (found by sha256 under definitions/), or against ``pathway``, and
    check its signature against ``trusted_keys`` (public key files or folders; without them a signed trail is
    reported as signed by an unknown key, never as verified). With ``require_signature``, a trail that no trusted
    key signed is not ok. Raises for trusted keys that cannot be read (exit 2). ``engine`` re-runs the inputs on
    the reference engine or the compiled one (:mod:`pathway.engine.engines`); both write the same bytes."""
    trusted = as_trusted(trusted_keys)
    read, failed = _load(trail)
    if failed is not None:
        result = failed
    else:
        signature = check_trail(read.records, trusted, required=require_signature)
        result = _signed(_replay(read, pathway, root, signature, str(trail), engine), signature)
    if raise_on_failure and not result.ok:
        raise ReplayError(result)
    return result


def _signed(result: ReplayResult, signature: SignatureCheck) -> ReplayResult:
    """The result with its signature check; a check that fails is named in the message too."""
    message = result.message if signature.ok else f"{result.message}; {signature.text}"
    return replace(result, signature=signature, message=message)


def _replay(
    read: Trail,
    pathway: Analysis | str | Path | None,
    root: Path | None,
    signature: SignatureCheck,
    shown: str,
    engine: EngineName,
) -> ReplayResult:
    records = read.records
    header = header_of(records)
    pinned = header.pathway
    try:
        analysis = as_analysis(pathway) if pathway is not None else find_by_sha(pinned.sha256, root)
    except InvalidInputError as err:
        message = "invalid: the pathway given is not valid"
        return ReplayResult("invalid", message, len(records), diagnostics=tuple(err.diagnostics))
    if analysis is None:
        return ReplayResult(
            "pathway_unavailable",
            f"pathway {pinned.id} {pinned.version} (sha256 {pinned.sha256[:12]}) is not available: pass it with "
            "--pathway",
            len(records),
        )
    try:
        journey = journey_of(records, analysis, shown)
    except InvalidInputError as err:
        return ReplayResult(
            "invalid",
            "invalid: the recorded inputs do not fit this pathway",
            len(records),
            diagnostics=tuple(err.diagnostics),
        )
    run = Runner(analysis, engine).run(journey, header.schema_)  # a legacy trail is reproduced by its own rule
    replayed = run.records
    if run.header.pathway.sha256 != pinned.sha256:
        changes = compare(records, replayed)
        other = analysis.pathway
        message = (
            f"compared {pinned.id} {pinned.version} with {other.pathway} {other.version}: "
            f"{len(changes)} decision(s) differ"
        )
        return ReplayResult("compared", message, len(records), changes=changes, replayed=replayed)
    fields, missing = header_fields(header, run.header), unchecked(signature)
    divergence = first_divergence(records, replayed)
    if divergence is None:
        then, now = header.engine, run.header.engine
        note = f" (recorded with {_versions(then)}, replayed with {_versions(now)})" if then != now else ""
        message = f"reproduced: {len(records)} records identical{note}{_spelling(read.noncanonical)}"
        return ReplayResult(
            "reproduced",
            message,
            len(records),
            replayed=replayed,
            header=fields,
            unchecked=missing,
            noncanonical=read.noncanonical,
        )
    message = mismatch_message(mismatches(fields)) or (
        f"diverged at record {divergence.seq}, field '{divergence.field}': recorded "
        f"{divergence.recorded!r}, replayed {divergence.replayed!r}"
    )
    return ReplayResult(
        "diverged", message, len(records), divergence=divergence, replayed=replayed, header=fields, unchecked=missing
    )
