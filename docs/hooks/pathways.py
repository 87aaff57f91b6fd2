"""MkDocs hook: the site finds its pathways. Every definition under ``definitions/`` gets its pages and its nav
entries when the site is built, with no edit to ``mkdocs.yml`` and no generated page committed.

- ``on_config``: puts this checkout first on ``sys.path`` (the site documents the pathway code beside it, not
  another installed copy), and replaces the nav's ``@pathway ID`` and ``@pathways`` entries with each pathway's
  pages (:mod:`pathway.publish.nav`).
- ``on_files``: adds the generated pages and diagrams (:func:`pathway.publish.site.site_pages`) to the site.
- ``on_page_markdown``: in a hand-written page whose front matter names a pathway (``pathway: bipn``), links each
  id of that pathway to its definition (:mod:`pathway.publish.links`).
- ``on_serve``: ``mkdocs serve`` rebuilds when a definition, journey or scenario changes.

An invalid definition stops the build with its diagnostics (a pathway error), never a traceback.
"""

from __future__ import annotations

import posixpath
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = _root(config)
    if (root / "pathway" / "__init__.py").is_file() and sys.path[:1] != [str(root)]:
        sys.path.insert(0, str(root))
    from pathway.definition.workspace import Workspace
    from pathway.errors import PathwayError
    from pathway.publish.nav import expand_nav
    from pathway.publish.site import pathway_nav

    ws = Workspace(root)
    ids = [definition.parent.name for definition in ws.definitions()]
    try:
        config.nav = expand_nav(config.nav, ids, lambda pid: pathway_nav(ws, pid))
    except PathwayError as err:
        raise PluginError(f"pathway: {err}") from None
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    from pathway.definition.workspace import Workspace
    from pathway.errors import PathwayError
    from pathway.publish.site import site_pages

    try:
        generated = site_pages(Workspace(_root(config)))
    except PathwayError as err:
        raise PluginError(f"pathway: the site's pages cannot be generated:\n{err}") from None
    for uri, text in generated.items():
        stale = files.get_file_from_path(uri)
        if stale is not None:  # a page left over from before pages were generated at build time
            files.remove(stale)
        files.append(File.generated(config, uri, content=text))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    pathway_id = page.meta.get("pathway")
    if not isinstance(pathway_id, str):
        return markdown
    from pathway.definition.workspace import Workspace
    from pathway.errors import PathwayError
    from pathway.publish.links import link_ids

    ws = Workspace(_root(config))
    folder = f"pathways/{pathway_id}"
    base = posixpath.relpath(folder, posixpath.dirname(page.file.src_uri) or ".") + "/"
    try:
        return link_ids(markdown, ws.analysis(ws.definition_of(pathway_id)), base)
    except PathwayError as err:
        raise PluginError(f"pathway: {page.file.src_uri} names pathway {pathway_id!r}:\n{err}") from None


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    server.watch(str(_root(config) / "definitions"))
    return server
