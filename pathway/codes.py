"""Every diagnostic code pathway emits, with a one-line title. Stable: a code is never reused for another meaning.

Ranges: PW0xx reading the file (YAML, schema); PW1xx references and the state tree; PW2xx guards and derived facts.
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
    }
)
