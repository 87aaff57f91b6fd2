"""Every stable code pathway uses: the diagnostic codes (:class:`Code`) and the CLI's exit codes (:class:`ExitCode`).

A diagnostic code is never reused for another meaning. Each :class:`Code` member carries its description, its
default severity and its exit class: most findings exit 1, a file that cannot be read at all exits 2. Ranges:
PW0xx reading and schema; PW1xx the state tree and references; PW2xx guards and derived facts; PW3xx journeys and
scenarios; PW4xx trails and the engine; PW5xx lint. Each code is explained with an example in
``docs/reference/diagnostics.md``; a test keeps the two in step and checks that every code is emitted and that a
fixture or a test triggers it.

The exit codes live here, below :mod:`pathway.errors` (which re-exports them), because a code's exit class is an
exit code and the diagnostics layer sits below the errors layer.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from types import MappingProxyType

from pathway.diagnostics import Severity


class ExitCode(IntEnum):
    """What a ``pathway`` command's exit status means, the same in every command."""

    description: str

    def __new__(cls, value: int, description: str) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member

    OK = 0, "success: the input is valid, the run finished, the trail reproduced, every scenario passed"
    FINDINGS = (
        1,
        (
            "findings: the input was read and has problems (an invalid definition or journey, a lint error, a failing "
            "scenario, coverage below the minimum, an engine error, a tampered or truncated trail, a divergence, a bad "
            "signature or a missing one that was required, a cohort that does not match its manifest)"
        ),
    )
    USAGE = (
        2,
        (
            "bad usage or unusable input: a wrong argument or option value, a missing or unreadable file (not UTF-8, "
            "too large, too deep), a file that is not a pathway trail, a manifest or a key, a pathway version that is "
            "not available"
        ),
    )
    INTERNAL = 70, "internal error: a bug in pathway (PATHWAY_DEBUG=1 shows the traceback); please report it"
    INTERRUPTED = 130, "interrupted (Ctrl-C)"


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_READ = ExitCode.FINDINGS
"""The exit class of a finding in input that was read."""
_UNREADABLE = ExitCode.USAGE
"""The exit class of input that could not be read at all."""


class Code(StrEnum):
    """A diagnostic code (a ``str``: ``Code.PW203 == "PW203"``) with its description, default severity and exit
    class. ``Code["PW203"]`` looks one up by its text."""

    description: str
    severity: Severity
    exit_code: ExitCode

    def __new__(cls, code: str, description: str, severity: Severity = _E, exit_code: ExitCode = _READ) -> Code:
        member = str.__new__(cls, code)
        member._value_ = code
        member.description = description
        member.severity = severity
        member.exit_code = exit_code
        return member

    @property
    def unreadable(self) -> bool:
        """True when the code means the input could not be read at all (exit code 2 rather than 1)."""
        return self.exit_code is ExitCode.USAGE

    # Reading the file (YAML) and the schema
    PW001 = "PW001", "YAML syntax error"
    PW002 = "PW002", "duplicate or non-scalar mapping key"
    PW003 = "PW003", "file too large", _E, _UNREADABLE
    PW004 = "PW004", "nesting too deep", _E, _UNREADABLE
    PW005 = "PW005", "alias expansion too large", _E, _UNREADABLE
    PW006 = "PW006", "unsupported YAML tag"
    PW007 = "PW007", "file missing, unreadable or not UTF-8", _E, _UNREADABLE
    PW008 = "PW008", "empty document"
    PW009 = "PW009", "more than one YAML document in a file"
    PW010 = "PW010", "unknown key"
    PW011 = "PW011", "missing required key"
    PW012 = "PW012", "wrong type"
    PW013 = "PW013", "value not allowed"
    # The state tree and references
    PW101 = "PW101", "duplicate id"
    PW102 = "PW102", "transition to an undeclared state"
    PW103 = "PW103", "no single initial top-level state"
    PW104 = "PW104", "compound state without exactly one initial child"
    PW105 = "PW105", "'otherwise' is not the last transition of its trigger"
    PW106 = "PW106", "undeclared action"
    PW107 = "PW107", "undeclared finding"
    PW108 = "PW108", "undeclared evidence"
    PW109 = "PW109", "undeclared event"
    PW110 = "PW110", "ill-formed state (final, parallel or region misuse)"
    PW120 = "PW120", "an action's fulfilled_by names a fact that is not declared (or is derived)"
    PW121 = "PW121", "action supersedes or conflicts with itself, or supersessions in a cycle"
    # FHIR bindings of facts
    PW130 = "PW130", "a fact's FHIR binding names a resource type pathway cannot read"
    PW131 = "PW131", "a FHIR binding names an unknown code system"
    PW132 = "PW132", "a FHIR binding's value does not fit the fact's type or the resource type"
    PW133 = "PW133", "a FHIR binding maps to a value the fact does not have, or lacks its map"
    PW134 = "PW134", "a FHIR binding's unit or unit conversion is not in the conversion table"
    PW135 = "PW135", "a FHIR binding dates its value by an element the resource type does not have"
    PW136 = "PW136", "a FHIR binding's map key is not a value the resource can hold (coding, status or schedule)"
    # Guards and derived facts
    PW201 = "PW201", "guard syntax error"
    PW202 = "PW202", "construct not allowed in a guard"
    PW203 = "PW203", "guard reads an undeclared name"
    PW204 = "PW204", "type error in a guard"
    PW205 = "PW205", "guard too long or too deeply nested"
    PW206 = "PW206", "derived facts in a cycle"
    PW207 = "PW207", "enum compared with a value it does not have"
    # Journeys and scenarios
    PW301 = "PW301", "journey gives an unknown fact"
    PW302 = "PW302", "journey fact value of the wrong type"
    PW303 = "PW303", "journey fact value out of range"
    PW304 = "PW304", "journey enum fact value not allowed"
    PW305 = "PW305", "journey sends an unknown event"
    PW306 = "PW306", "journey names an unknown action (done, declined or signed)"
    PW307 = "PW307", "journey time goes backwards"
    PW308 = "PW308", "journey time or date not valid"
    PW309 = "PW309", "journey pins another pathway"
    PW310 = "PW310", "journey reason, reason code or sign-off without what it qualifies"
    PW311 = "PW311", "journey facts break a constraint of the pathway"
    PW320 = "PW320", "scenario expectation names an unknown id"
    PW331 = "PW331", "journey entry records both done and declined"
    # Trails and the engine
    PW401 = "PW401", "trail file unreadable", _E, _UNREADABLE
    PW402 = (
        "PW402",
        "not a valid trail (not JSON lines, no header, or a record that does not fit the format)",
        _E,
        _UNREADABLE,
    )
    PW410 = "PW410", "eventless cycle: the engine stopped"
    PW411 = "PW411", "guard could not be evaluated (a state is blocked by an error)"
    PW412 = "PW412", "the engine failed unexpectedly (a bug in pathway): the run stopped"
    PW413 = "PW413", "too many wake-ups (timers, recurrences, stale facts) before one input: the engine stopped"
    # Signatures and cohort manifests
    PW420 = "PW420", "not a valid cohort manifest (not JSON, or does not fit the manifest format)", _E, _UNREADABLE
    PW421 = "PW421", "key file missing, unreadable or not an Ed25519 key", _E, _UNREADABLE
    # Cohorts
    PW430 = "PW430", "a line of an NDJSON cohort is not one JSON object"
    PW431 = "PW431", "a journey id used twice in one cohort"
    # FHIR import
    PW700 = "PW700", "FHIR input that is not JSON (a file, or a line of an NDJSON file)"
    PW701 = "PW701", "FHIR input that is not a resource (no resourceType)"
    PW702 = (
        "PW702",
        "a FHIR Bundle of a type that is not a set of records (only collection, searchset, transaction, batch)",
    )
    PW703 = "PW703", "a FHIR resource that is not valid FHIR R4"
    PW704 = "PW704", "a FHIR resource that names no patient (subject or patient reference)"
    PW705 = "PW705", "FHIR resources that no fact is bound to, counted by type and code", _W
    PW706 = "PW706", "a FHIR value in a unit the binding does not accept"
    PW707 = "PW707", "FHIR values that conflict: two values of one fact at the same time"
    PW708 = "PW708", "a patient with nothing bound: no journey written", _W
    PW709 = "PW709", "a FHIR code under another code system than the binding's"
    PW710 = "PW710", "a FHIR resource a binding selects but whose value cannot be used (missing, unmapped, undated)"
    PW711 = "PW711", "an imported journey that does not fit the pathway (not written)"
    PW720 = "PW720", "a journey entry's source names a fact the entry does not give"
    # Lint
    PW501 = "PW501", "lint: unreachable state", _W
    PW502 = "PW502", "lint: dead end (no way out, not final)", _W
    PW503 = "PW503", "lint: eventless cycle", _W
    PW504 = "PW504", "lint: conflicting transitions across parallel regions", _W
    PW510 = "PW510", "lint: transition that can never fire", _E
    PW511 = "PW511", "lint: transition shadowed by earlier guards", _W
    PW512 = "PW512", "lint: state that can get stuck with every fact known", _W
    PW513 = "PW513", "lint: overlapping guards where document order decides", _W
    PW514 = "PW514", "lint: constraint no patient can satisfy", _E
    PW515 = "PW515", "lint: transition that fires only for patients the constraints forbid", _E
    PW518 = "PW518", "lint: guard not analysed exhaustively (it reads time in a way lint cannot enumerate)", _I
    PW519 = "PW519", "lint: state too large to check exhaustively", _I
    PW520 = "PW520", "lint: recommendation, finding or decision without evidence", _W
    PW521 = "PW521", "lint: fact never read", _W
    PW522 = "PW522", "lint: action never recommended", _W
    PW523 = "PW523", "lint: derived fact unused", _W
    PW524 = "PW524", "lint: action without a strength of recommendation, which the pathway requires", _W
    PW525 = "PW525", "lint: evidence without a quality of evidence, which the pathway requires", _W
    PW526 = "PW526", "lint: deciding state without a question, which the pathway requires", _W
    PW527 = "PW527", "lint: recommendation against whose title does not say not to do it", _W
    PW530 = "PW530", "lint: suppression without a reason", _E
    PW531 = "PW531", "lint: suppression that suppresses nothing", _W
    PW540 = "PW540", "lint: timer on a state that can never be entered", _W
    PW541 = "PW541", "lint: deadline, period or timer longer than its state can last", _W
    PW542 = "PW542", "lint: two timers of one state due at the same time", _W
    PW543 = "PW543", "lint: guard reads the clock but is not a timer", _W
    PW550 = "PW550", "lint: conflicting recommendations can be recommended at once (with the patient's journey)", _E
    PW551 = "PW551", "lint: conflicting recommendations that lint can neither rule out nor reach", _W


CODES = MappingProxyType({str(code): code.description for code in Code})
"""Code -> description, derived from :class:`Code` (kept for readers that want plain strings)."""

UNREADABLE = frozenset(str(code) for code in Code if code.unreadable)
"""Codes that mean the input could not be read at all: the CLI exits with 2 rather than 1."""
