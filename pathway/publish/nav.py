"""The documentation site's per-pathway navigation, generated into ``mkdocs.yml`` by ``pathway generate``.

MkDocs lists the pages of the site in ``nav:`` by hand, and its strict mode warns about a page left out. So that a
new pathway (``pathway new``) appears on the site without anyone editing ``mkdocs.yml``, the entries of the
bundled pathways are generated between two comment lines, inside the hand-written nav::

      - Pathways:
          # generated: pathway pages (pathway generate)
          - bipn:
              - Overview: pathways/bipn/index.md
              ...
          # end generated

The rest of the file stays hand-written. The entries are indented like the opening comment; each pathway is
listed under its id, with its generated pages in the order of :data:`pathway.publish.site.PAGES`. Generating into
the file (rather than a MkDocs plugin that edits the nav at build time) keeps the nav readable in one place, needs
no plugin, and lets ``pathway generate --check`` catch a nav that was not brought up to date.
"""

from __future__ import annotations

import re
from pathlib import Path

from pathway.definition.workspace import Workspace
from pathway.errors import UsageError
from pathway.publish.site import PAGES
from pathway.source.files import display_path

NAV_MARK = re.compile(r"^(?P<indent> *)# generated: pathway pages \(pathway generate\)\n", re.MULTILINE)
NAV_END = "# end generated"


def nav_entries(pathway_ids: list[str], indent: str) -> list[str]:
    """The nav lines of the given pathways, indented like the marker."""
    lines: list[str] = []
    for pathway_id in pathway_ids:
        lines.append(f"{indent}- {pathway_id}:")
        pages = [("index.md", "Overview"), *((page, title) for page, title, _ in PAGES)]
        lines += [f"{indent}    - {title}: pathways/{pathway_id}/{page}" for page, title in pages]
    return lines


def nav_artefact(ws: Workspace) -> dict[Path, str]:
    """``mkdocs.yml`` with its generated nav section brought up to date; nothing when there is no such section."""
    config = ws.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8") if config.is_file() else ""
    mark = NAV_MARK.search(text)
    if mark is None:
        return {}
    end = text.find(f"{mark['indent']}{NAV_END}\n", mark.end())
    if end < 0:
        line = text.count("\n", 0, mark.start()) + 1
        raise UsageError(
            f"{display_path(config)}:{line}: the generated nav opened here is not closed: add the line "
            f"'{mark['indent']}{NAV_END}' after it"
        )
    ids = [definition.parent.name for definition in ws.definitions()]
    body = "".join(line + "\n" for line in nav_entries(ids, mark["indent"]))
    return {config: text[: mark.end()] + body + text[end:]}
