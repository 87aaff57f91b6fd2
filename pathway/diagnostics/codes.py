"""Every diagnostic code pathway emits, with a one-line title. Stable: a code is never reused for another meaning.

Ranges: PW0xx reading the file (YAML, schema); PW1xx references and the state tree; PW2xx guards and derived facts;
PW3xx journeys (a patient's inputs) checked against a pathway.
Each code is explained with an example in ``docs/reference/diagnostics.md``; a test keeps the two in step and
checks that every code has a fixture that triggers it.
"""

from __future__ import annotations

from types import MappingProxyType

CODES = MappingProxyType(
    {
        "PW001": "YAML syntax error",
        "PW002": "duplicate or non-scalar mapping key",
        "PW003": "file too large",
        "PW004": "nesting too deep",
        "PW005": "alias expansion too large",
        "PW006": "unsupported YAML tag",
        "PW007": "file missing, unreadable or not UTF-8",
        "PW008": "empty document",
        "PW009": "more than one YAML document in a file",
        "PW010": "unknown key",
        "PW011": "missing required key",
        "PW012": "wrong type",
        "PW013": "value not allowed",
        "PW101": "duplicate id",
        "PW102": "transition to an undeclared state",
        "PW103": "no single initial top-level state",
        "PW104": "compound state without exactly one initial child",
        "PW105": "'otherwise' is not the last transition of its trigger",
        "PW106": "undeclared action",
        "PW107": "undeclared finding",
        "PW108": "undeclared evidence",
        "PW109": "undeclared event",
        "PW110": "ill-formed state (final, parallel or region misuse)",
        "PW201": "guard syntax error",
        "PW202": "construct not allowed in a guard",
        "PW203": "guard reads an undeclared name",
        "PW204": "type error in a guard",
        "PW205": "guard too long or too deeply nested",
        "PW206": "derived facts in a cycle",
        "PW207": "enum compared with a value it does not have",
        "PW301": "journey gives an unknown fact",
        "PW302": "journey fact value of the wrong type",
        "PW303": "journey fact value out of range",
        "PW304": "journey enum fact value not allowed",
        "PW305": "journey sends an unknown event",
        "PW306": "journey records an unknown action as done",
        "PW307": "journey time goes backwards",
        "PW308": "journey time or date not valid",
        "PW309": "journey pins another pathway",
        "PW310": "journey reason without done",
        "PW320": "scenario expectation names an unknown id",
        "PW401": "trail file unreadable",
        "PW402": "not a valid trail (not JSON lines, no header, or a record that does not fit the format)",
        "PW410": "eventless cycle: the engine stopped",
        "PW411": "guard could not be evaluated (a state is blocked by an error)",
        "PW501": "lint: unreachable state",
        "PW502": "lint: dead end (no way out, not final)",
        "PW503": "lint: eventless cycle",
        "PW504": "lint: conflicting transitions across parallel regions",
        "PW510": "lint: transition that can never fire",
        "PW511": "lint: transition shadowed by earlier guards",
        "PW512": "lint: state that can get stuck with every fact known",
        "PW513": "lint: overlapping guards where document order decides",
        "PW519": "lint: state too large to check exhaustively",
        "PW520": "lint: recommendation, finding or decision without evidence",
        "PW521": "lint: fact never read",
        "PW522": "lint: action never recommended",
        "PW523": "lint: derived fact unused",
        "PW530": "lint: suppression without a reason",
        "PW531": "lint: suppression that suppresses nothing",
    }
)

UNREADABLE = frozenset({"PW003", "PW004", "PW005", "PW007"})
"""Codes that mean the input could not be read at all: the CLI exits with 2 rather than 1."""
