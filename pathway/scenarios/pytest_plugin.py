"""A pytest plugin: each designer scenario (``definitions/<id>/scenarios/*.yaml``) becomes a pytest test item, so
that a project of pathways runs its scenarios with the rest of its test suite, in its CI, with pytest's selection
(``-k``), reports (``--junitxml``) and plugins.

Installed with pathway (the ``pytest11`` entry point ``pathway``), and **opt-in**: it collects nothing unless
``--pathway-scenarios`` is given or the ini option ``pathway_scenarios = true`` is set (``[tool.pytest.ini_options]``
in pyproject.toml), so that a project which also runs ``pathway test`` does not run its scenarios twice. Pytest
collects files under the paths it is given (or its ``testpaths``): include ``definitions``.

One item per scenario, named by the scenario; a failure lists each expectation that failed and after which step,
as ``pathway test`` does. A scenario file that does not load (bad YAML, an unknown fact, an expectation naming an
unknown state), or whose definition is invalid, is one failing item showing every located diagnostic.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from pathway.definition.loader import DEFINITION_FILE, DEFINITIONS_DIR, load_analysis
from pathway.definition.workspace import SCENARIOS_DIR
from pathway.diagnostics import Diagnostic, render_text
from pathway.engine.runner import Runner
from pathway.errors import PathwayError
from pathway.journey.check import LoadedJourney
from pathway.scenarios.model import Expect
from pathway.scenarios.run import load_scenarios, run_scenario
from pathway.source.files import display_path

OPTION, INI = "--pathway-scenarios", "pathway_scenarios"
_RUNNERS = pytest.StashKey[dict[str, Runner | PathwayError]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pathway", "pathway designer scenarios")
    group.addoption(
        OPTION,
        action="store_true",
        dest=INI,
        help="collect definitions/<id>/scenarios/*.yaml: one test item per scenario",
    )
    parser.addini(
        INI, type="bool", default=False, help="collect pathway scenarios as test items (like --pathway-scenarios)"
    )


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption(INI) or config.getini(INI))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A ``definitions/<id>/scenarios/*.yaml`` file beside a definition, when the plugin is enabled."""
    folder = file_path.parent
    is_scenarios = file_path.suffix == ".yaml" and folder.name == SCENARIOS_DIR
    beside_definition = (folder.parent / DEFINITION_FILE).is_file() and folder.parent.parent.name == DEFINITIONS_DIR
    if is_scenarios and beside_definition and _enabled(parent.config):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFailed(Exception):
    """The expectations a scenario missed."""


class DoesNotLoad(Exception):
    """A scenario file (or its definition) that cannot be run, with its diagnostics."""


class ScenarioFile(pytest.File):
    """A scenario file: one item per scenario, or one failing item when it does not load."""

    def _runner(self) -> Runner:
        runners = self.config.stash.setdefault(_RUNNERS, {})
        definition = self.path.parent.parent / DEFINITION_FILE
        key = str(definition.resolve())
        if key not in runners:  # each definition loaded once per session, good or bad
            try:
                runners[key] = Runner(load_analysis(definition))
            except PathwayError as err:
                runners[key] = err
        found = runners[key]
        if isinstance(found, PathwayError):
            raise found
        return found

    def collect(self) -> Iterator[pytest.Item]:
        try:
            runner = self._runner()
            loaded = load_scenarios(self.path, runner.analysis)
        except PathwayError as err:
            yield FileDoesNotLoad.from_parent(self, name="does not load", error=err)
            return
        for name, line, journey, expects in loaded:
            yield ScenarioItem.from_parent(
                self, name=name.replace("::", ":"), runner=runner, journey=journey, expects=expects, line=line
            )


class ScenarioItem(pytest.Item):
    """One scenario: run it, and check every expectation after its step."""

    def __init__(
        self, *, runner: Runner, journey: LoadedJourney, expects: Mapping[int, Expect], line: int, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.runner, self.journey, self.expects, self.line = runner, journey, expects, line

    def runtest(self) -> None:
        failures, _ = run_scenario(self.runner, self.journey, self.expects)
        if failures:
            raise ScenarioFailed(*failures)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ScenarioFailed):
            shown = f"{display_path(self.path)}:{self.line}"
            lines = [f"scenario '{self.name}' ({shown}) failed:", *(f"  {f}" for f in excinfo.value.args)]
            return "\n".join(lines)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, self.line - 1, f"scenario: {self.name}"


class FileDoesNotLoad(pytest.Item):
    """A scenario file that cannot run: a failing item with every located diagnostic."""

    def __init__(self, *, error: PathwayError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise DoesNotLoad(str(self.error))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, DoesNotLoad):
            diagnostics: list[Diagnostic] = getattr(self.error, "diagnostics", None) or []
            detail = render_text(diagnostics) if diagnostics else str(self.error)
            return f"{display_path(self.path)} does not load:\n{detail}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, 0, f"scenario file {display_path(self.path)}"
