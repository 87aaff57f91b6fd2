"""What replay can and cannot check in a trail's header.

Replay re-runs the recorded inputs against the pathway it found by content hash, so it checks every header field
that comes from the pathway (id, version, sha256, title) and the format (schema); the engine versions are
information (a newer release that reproduces a trail still reproduces it). The journey's id and description, and
the inputs themselves, come from the trail alone: replay re-runs them, which shows that the recorded decisions
follow from them, not that they are what happened to the patient. Only a trusted signature or a sealed cohort
manifest binds them; :func:`unchecked` says which, for the result at hand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from pathway.trail.records import HeaderRecord
from pathway.trail.signing import SignatureCheck

HeaderStatus = Literal["match", "mismatch", "information"]
PATHWAY_FIELDS = ("id", "version", "sha256", "title")
UNBOUND = "not bound: only a trusted signature or a sealed cohort manifest binds them"


@dataclass(frozen=True)
class HeaderField:
    """One header field checked against what replay re-ran: ``match``, ``mismatch``, or ``information`` (the
    engine versions, which may differ)."""

    field: str
    status: HeaderStatus
    recorded: object
    replayed: object


@dataclass(frozen=True)
class Unchecked:
    """Something replay takes from the trail itself and so cannot check, and what binds it."""

    field: str
    why: str
    bound_by: str


def header_fields(recorded: HeaderRecord, replayed: HeaderRecord) -> tuple[HeaderField, ...]:
    """Every header field replay can check, recorded against re-run."""
    pairs: list[tuple[str, object, object, bool]] = [("schema", recorded.schema_, replayed.schema_, False)]
    for name in PATHWAY_FIELDS:
        pairs.append((f"pathway.{name}", getattr(recorded.pathway, name), getattr(replayed.pathway, name), False))
    for name in ("pathway", "statemachine"):
        pairs.append((f"engine.{name}", getattr(recorded.engine, name), getattr(replayed.engine, name), True))
    return tuple(
        HeaderField(name, "information" if info else ("match" if a == b else "mismatch"), a, b)
        for name, a, b, info in pairs
    )


def mismatches(fields: tuple[HeaderField, ...]) -> tuple[HeaderField, ...]:
    return tuple(f for f in fields if f.status == "mismatch")


def unchecked(signature: SignatureCheck | None) -> tuple[Unchecked, ...]:
    """What replay cannot check, and whether the trail's signature binds it."""
    bound = f"bound by the trusted signature of {signature.key_id}" if signature and signature.verified else UNBOUND
    own = "taken from the trail's own header: the replay uses it as recorded"
    inputs = (
        "re-run as recorded: replay shows that the decisions follow from them and the pinned definition, not that "
        "they are true or complete"
    )
    return (
        Unchecked("journey.id", own, bound),
        Unchecked("journey.description", own, bound),
        Unchecked("inputs", inputs, bound),
    )


def mismatch_message(wrong: tuple[HeaderField, ...]) -> str | None:
    """Replay's message for a header that does not match the pathway re-run, or None when it matches."""
    if not wrong:
        return None
    found = "; ".join(f"{f.field} recorded {f.recorded!r}, the pathway re-run has {f.replayed!r}" for f in wrong)
    return f"diverged at record 0 (the header): {found}"


def header_json(fields: tuple[HeaderField, ...], missing: tuple[Unchecked, ...]) -> dict[str, Any]:
    return {
        "header": [asdict(f) for f in fields],
        "unchecked": [asdict(u) for u in missing],
    }


def header_text(missing: tuple[Unchecked, ...]) -> list[str]:
    """The line replay prints about what it cannot check and what binds it (a header mismatch is the message;
    the JSON lists every field checked)."""
    if not missing:
        return []
    names = ", ".join(u.field for u in missing)
    return [f"not checked (taken from the trail itself): {names}; {missing[0].bound_by}"]
