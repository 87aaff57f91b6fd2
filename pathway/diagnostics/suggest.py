"""Did-you-mean suggestions whose cost does not grow with the number of mistakes.

A definition with thousands of undeclared names asks for thousands of suggestions among thousands of declared ones.
Comparing each mistake with every choice (difflib) made that quadratic: 85 s for 2,000 undeclared states. Here the
choices are indexed once (per distinct set of choices, kept in a small cache) by their one-character deletions, the
neighbourhood of every typo of one or two edits (an insertion, deletion, substitution or swap); a query looks up
its own deletions and ranks only the few names found, with difflib's ratio. Small sets of choices (up to
:data:`SCAN_ALL`) are still compared one by one, which finds the rarer distant matches too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

SCAN_ALL: Final = 64
"""Up to this many choices, every one is compared with the name (a bounded cost per suggestion)."""
MAX_CANDIDATES: Final = 64
"""The most indexed candidates ranked for one suggestion."""
MAX_NAME: Final = 64
"""Longer names get no suggestion from a large set of choices (their deletions would be costly and no id is longer)."""
CUTOFF: Final = 0.6
"""The least difflib ratio that counts as close."""


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class _Index:
    """Sorted choices, and each choice under itself and its one-character deletions."""

    def __init__(self, choices: frozenset[str]) -> None:
        self.sorted = sorted(choices)
        self.keys: dict[str, list[str]] | None = None
        if len(self.sorted) > SCAN_ALL:
            self.keys = {}
            for choice in self.sorted:
                if len(choice) <= MAX_NAME:
                    for key in _deletions(choice) | {choice}:
                        self.keys.setdefault(key, []).append(choice)

    def closest(self, name: str) -> str | None:
        if self.keys is None:
            found = difflib.get_close_matches(name, self.sorted, n=1, cutoff=CUTOFF)
            return found[0] if found else None
        if len(name) > MAX_NAME:
            return None
        candidates: set[str] = set()
        for key in _deletions(name) | {name}:
            candidates.update(self.keys.get(key, ()))
            if len(candidates) >= MAX_CANDIDATES:
                break
        found = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=CUTOFF)
        return found[0] if found else None


@lru_cache(maxsize=16)
def _index(choices: frozenset[str]) -> _Index:
    return _Index(choices)


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``name`` (difflib ratio at least :data:`CUTOFF`), or None."""
    pool = choices if isinstance(choices, frozenset) else frozenset(choices)
    return _index(pool).closest(name) if pool else None


@lru_cache(maxsize=16)
def _first(choices: frozenset[str], limit: int) -> tuple[list[str], int]:
    return sorted(choices)[:limit], len(choices)


def first_sorted(choices: Iterable[str], limit: int) -> tuple[list[str], int]:
    """The first ``limit`` distinct choices in sorted order, and how many there are in all."""
    pool = choices if isinstance(choices, frozenset) else frozenset(choices)
    return _first(pool, limit)
