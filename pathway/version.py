"""The version of pathway, in one place (the package metadata, the CLI's ``--version`` and every trail header),
and how this installation runs its hot path: as pure Python, or as the optional native build.

``pip install .`` installs pathway as pure Python. Built with ``PATHWAY_MYPYC=1`` (``setup.py``; ``make native``;
see docs/performance.md), the modules of :data:`NATIVE_MODULES` are compiled by mypyc from the same source: the
same code, type checked as ``mypy --strict`` checks it, run as C. The native build writes the same bytes as the
source (``make test`` builds the wheel and runs the differential tests on it: ``tests/test_native_build.py``).
What stays interpreted: ``expr/types.py`` (its immutable ``Evaluation``), the expression checker (mixins over one
base, which mypyc does not compile), the pydantic models, ``journey/check.py`` (it builds an ``Input`` with
``object.__new__``, which a compiled caller refuses), and the functions generated when first needed (the trail's
sealers, writers and part makers: :func:`pathway.trail.plain.compiled`; compiled by hand from a module, they saved
under 5% of a run's instructions, docs/performance.md).

``setup.py`` reads :data:`NATIVE_MODULES` without importing pathway (its dependencies are not in a build
environment), so it stays a literal tuple of module names.
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import Final

__version__ = "0.1.0"

NATIVE_MODULES: Final = (
    "pathway.engine.assumed",
    "pathway.engine.checks",
    "pathway.engine.clockwatch",
    "pathway.engine.compile",
    "pathway.engine.configuration",
    "pathway.engine.crossings",
    "pathway.engine.decisions",
    "pathway.engine.dependencies",
    "pathway.engine.engines",
    "pathway.engine.incremental",
    "pathway.engine.procedures",
    "pathway.engine.recall",
    "pathway.engine.runner",
    "pathway.engine.selection",
    "pathway.engine.tables",
    "pathway.engine.timeline",
    "pathway.engine.values",
    "pathway.engine.items",
    "pathway.engine.decided",
    "pathway.engine.issuing",
    "pathway.engine.wakes",
    "pathway.engine.reports",
    "pathway.engine.execute",
    "pathway.expr.closures",
    "pathway.expr.durations",
    "pathway.expr.evaluate",
    "pathway.trail.plain",
    "pathway.trail.sealing",
    "pathway.trail.encode",
    "pathway.trail.lines",
    "pathway.trail.merkle",
    "pathway.journey.constraints",
    "pathway.journey.read",
    "pathway.journey.reasons",
    "pathway.journey.until",
)
"""The modules the native build compiles."""


def native_modules() -> list[str]:
    """The modules of :data:`NATIVE_MODULES` that this installation loads from a C extension (none in a pure
    Python one), told by where each would be loaded from (finding it imports its package, not the module)."""
    found = []
    for name in NATIVE_MODULES:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is not None and not origin.endswith(".py"):
            found.append(name)
    return found


def build() -> str:
    """How this installation runs its hot path, for ``pathway --version``."""
    count = len(native_modules())
    if count == 0:
        return "pure Python"
    return f"native build: {count} of {len(NATIVE_MODULES)} hot modules compiled with mypyc"
