"""Operators people bring from other languages, and what to write instead.

When the parser cannot read a guard, the most common cause is an operator from C, JavaScript or SQL: ``=`` to
compare, ``&&`` and ``||``, ``!x``. :func:`foreign_operator` finds the first one outside quotes, so the message can
point at it and say what the guard language spells instead.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

_QUOTED: Final = re.compile(r"\"[^\"]*\"|'[^']*'")
_FOREIGN: Final = re.compile(r"===|==|!=|<=|>=|:=|&&|\|\||!|=|<>")
_INSTEAD: Final = {
    "===": ("==", "compare with '==' (there is no '===')"),
    "&&": ("and", "write 'and' instead of '&&'"),
    "||": ("or", "write 'or' instead of '||'"),
    "!": ("not", "write 'not x' instead of '!x'"),
    "=": ("==", "write '==' to compare (a single '=' would assign)"),
    "<>": ("!=", "write '!=' instead of '<>'"),
}


class Foreign(NamedTuple):
    """An operator the guard language does not have: where it is, and what to write instead."""

    offset: int
    length: int
    operator: str
    hint: str


def foreign_operator(text: str) -> Foreign | None:
    """The first operator outside quotes that the guard language spells differently, or None."""
    blanked = _QUOTED.sub(lambda m: " " * len(m.group()), text)
    for match in _FOREIGN.finditer(blanked):
        found = match.group()
        if found in _INSTEAD:
            return Foreign(match.start(), len(found), found, _INSTEAD[found][1])
    return None
