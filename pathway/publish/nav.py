"""The site's nav, completed with every pathway's pages when the site is built (``docs/hooks/pathways.py``).

``mkdocs.yml`` writes where the pathways go, never which pathways exist, with two kinds of entry:

- ``"@pathway ID"`` (or ``Title: "@pathway ID"``): the section of one pathway, here (the teaching example sits
  with the tutorial this way); titled ``ID`` unless a title is given;
- ``"@pathways"``: a section for every other pathway under ``definitions/``, in id order.

Each section lists the pathway's pages (:func:`pathway.publish.site.pathway_nav`), each titled with the pathway
(``bipn — Facts``). A new definition therefore reaches the nav with no edit to ``mkdocs.yml``. An entry naming a
pathway that does not exist is an error that says which pathways do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pathway.errors import UsageError

ONE = "@pathway "
EVERY = "@pathways"

Sections = Callable[[str], list[dict[str, object]]]


def _named(entry: object) -> tuple[str | None, str] | None:
    """(title or None, pathway id) of an ``@pathway ID`` entry; None for any other entry."""
    if isinstance(entry, str) and entry.startswith(ONE):
        return None, entry[len(ONE) :].strip()
    if isinstance(entry, dict) and len(entry) == 1:
        ((title, value),) = entry.items()
        if isinstance(value, str) and value.startswith(ONE):
            return str(title), value[len(ONE) :].strip()
    return None


def placed(nav: object) -> list[str]:
    """The pathway ids the nav places by name, in nav order."""
    if isinstance(nav, list):
        return [pid for item in nav for pid in placed(item)]
    named = _named(nav)
    if named is not None:
        return [named[1]]
    if isinstance(nav, dict):
        return [pid for value in nav.values() for pid in placed(value)]
    return []


def expand_nav(nav: Any, pathway_ids: Sequence[str], sections: Sections) -> Any:
    """The nav with each ``@pathway ID`` and ``@pathways`` entry replaced by the sections of those pathways;
    ``sections(id)`` gives the entries of one pathway. Raises UsageError for an unknown id."""
    named = placed(nav)
    unknown = [pid for pid in named if pid not in pathway_ids]
    if unknown:
        known = ", ".join(pathway_ids) or "none"
        raise UsageError(
            f"mkdocs.yml's nav places pathway {', '.join(unknown)}, which has no definition (found: {known})"
        )
    rest = [pid for pid in pathway_ids if pid not in named]

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            out: list[Any] = []
            for item in node:
                out += [{pid: sections(pid)} for pid in rest] if item == EVERY else [walk(item)]
            return out
        one = _named(node)
        if one is not None:
            title, pid = one
            return {title or pid: sections(pid)}
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        return node

    return walk(nav)
