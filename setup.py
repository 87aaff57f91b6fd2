"""pathway's build. Without options it is pure Python (pyproject.toml says everything).

``PATHWAY_MYPYC=1`` builds the optional native build: the modules of ``pathway.version.NATIVE_MODULES`` compiled
with mypyc (docs/performance.md). mypyc type checks them as ``mypy --strict`` does, with pydantic's plugin, so it
runs in an environment that has pathway's dependencies and mypy, without build isolation, and builds a wheel,
never an editable install (a compiled module beside an edited source would run the old code)::

    PATHWAY_MYPYC=1 pip wheel --no-build-isolation --no-deps -w dist .
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent


def hot_modules() -> list[str]:
    """The source files of ``pathway.version.NATIVE_MODULES``, read without importing pathway."""
    tree = ast.parse((ROOT / "pathway" / "version.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "NATIVE_MODULES":
            assert node.value is not None
            names: tuple[str, ...] = ast.literal_eval(node.value)
            return [name.replace(".", "/") + ".py" for name in names]
    sys.exit("pathway: pathway/version.py has no NATIVE_MODULES tuple")


def extensions() -> list[object]:
    """The C extensions to build: none unless PATHWAY_MYPYC=1 and a command that builds them (mypyc type checks and
    generates C when called, so not for the metadata pip asks for first)."""
    if os.environ.get("PATHWAY_MYPYC") != "1":
        return []
    if {"editable_wheel", "develop"} & set(sys.argv):
        sys.exit("pathway: PATHWAY_MYPYC=1 builds a wheel (pip wheel), not an editable install")
    if not {"bdist_wheel", "build", "build_ext"} & set(sys.argv):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        sys.exit(
            "pathway: PATHWAY_MYPYC=1 needs mypy where it builds: pip install mypy, then build without isolation "
            "(pip wheel --no-build-isolation --no-deps -w dist .)"
        )
    return list(mypycify(hot_modules(), opt_level="3"))


setup(ext_modules=extensions())
