"""The layout is the architecture: one package per concern, layered, with no import cycle.

Imports are read from the syntax tree, including those inside functions (a lazy import still makes a cycle), so
that a newcomer can trust the package graph in ``docs/architecture.md``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pathway
from pathway.version import NATIVE_MODULES

PACKAGE = Path(pathway.__file__).parent
TOP_LEVEL_MODULES = {"__init__", "__main__", "errors", "version"}
# Lower layers first: a package may import only packages to its left (and itself).
LAYERS = (
    "version",
    "diagnostics",
    "errors",
    "source",
    "expr",
    "definition",
    "journey",
    "trail",
    "engine",
    "audit",
    "cohort",
    "fhir",
    "scenarios",
    "linter",
    "render",
    "publish",
    "cli",
    "__main__",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "pathway":
            yield node.module
            for alias in node.names:  # `from pathway.x import y` may import the submodule y
                if (PACKAGE.parent / (node.module.replace(".", "/") + f"/{alias.name}.py")).exists():
                    yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "pathway")


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path):
            parts = imported.split(".")
            # importing a.b.c runs a/__init__ and a/b/__init__ first
            targets |= {".".join(parts[:n]) for n in range(2, len(parts) + 1)} & modules.keys()
            if imported == "pathway":
                targets.add("pathway")
        graph[name] = targets - {name} - {a for a in _ancestors(name)}
    return graph


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:n]) for n in range(1, len(parts))}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle_between_modules_even_inside_functions() -> None:
    assert _cycle(_graph()) is None


def test_packages_import_only_lower_layers() -> None:
    wrong = []
    for module, targets in _graph().items():
        here = module.split(".")[1] if "." in module else None
        if here is None:
            continue  # the root package is the public facade: it may reach every layer
        for target in targets:
            there = target.split(".")[1] if "." in target else "pathway"
            if there == "pathway":
                wrong.append(f"{module} imports the package root")
            elif LAYERS.index(there) > LAYERS.index(here):
                wrong.append(f"{module} ({here}) imports {target} ({there}), a higher layer")
    assert wrong == []


def test_only_a_handful_of_modules_at_the_top_and_every_package_explains_itself() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top == TOP_LEVEL_MODULES
    packages = sorted(p.parent.name for p in PACKAGE.glob("*/__init__.py"))
    assert sorted(packages) == sorted(set(LAYERS) - TOP_LEVEL_MODULES)
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert len(doc or "") > 80, f"{init.parent.name}/ needs a docstring that says what the package is for"


def test_the_architecture_page_maps_every_module() -> None:
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = page.split("## Modules", 1)[1].split("\n## ", 1)[0]
    cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    listed = {m.strip().strip("`") for cell in cells for m in cell.split(", ")}
    existing = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    documented_by_docstring = {p for p in existing if p.endswith("__init__.py") and p.count("/") == 1}
    assert sorted(listed - existing) == [], "listed in docs/architecture.md but missing"
    assert sorted(existing - listed - documented_by_docstring - {"__init__.py", "__main__.py"}) == [], (
        "modules missing from the table in docs/architecture.md"
    )


def test_the_native_builds_modules_define_no_class_with_two_bases() -> None:
    """mypyc compiles single inheritance only: a class with two bases in a module of the native build (a mixin, as
    the run's parts once were) breaks it, which only the slow native build test would show; this says so at once,
    in the quick run."""
    found = []
    for name in NATIVE_MODULES:
        path = PACKAGE.parent / (name.replace(".", "/") + ".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and len(node.bases) > 1:
                found.append(f"{name}.{node.name}({', '.join(ast.unparse(b) for b in node.bases)})")
    assert found == []
