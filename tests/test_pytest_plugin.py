"""The pytest plugin (``-p pathway.scenarios.pytest_plugin``, installed as the ``pytest11`` entry point): one item
per scenario with a readable failure, a file that does not load as one failing item, and nothing collected unless
it is switched on (so this project's own suite does not run the scenarios twice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathway.publish.scaffold import new_pathway

pytest_plugins = ["pytester"]
PLUGIN = ["-p", "pathway.scenarios.pytest_plugin", "-p", "no:cacheprovider"]


@pytest.fixture(autouse=True)
def _only_this_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inner runs load the plugin by its module name alone: where pathway is installed with its entry point,
    autoloading would register the same module a second time, under the entry point's name."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    """A project with one pathway: three passing scenarios, one failing, and a file that does not load."""
    new_pathway("demo", None, pytester.path)
    scenarios = pytester.path / "definitions" / "demo" / "scenarios"
    basic = (scenarios / "basic.yaml").read_text(encoding="utf-8")
    failing = basic.split("  - name: criterion not met")[0]
    failing = failing.replace("states: [recommended]", "states: [not_recommended]")
    (scenarios / "failing.yaml").write_text(failing.replace("criterion met - ", "wrong expectation - "))
    (scenarios / "unloadable.yaml").write_text(basic.replace("facts: {criterion_met: false}", "facts: {criterion: no}"))
    return pytester.path


def test_each_scenario_is_an_item_and_a_failure_says_which_expectation_after_which_step(
    pytester: pytest.Pytester, project: Path
) -> None:
    result = pytester.runpytest(*PLUGIN, "--pathway-scenarios", "-v")
    result.assert_outcomes(passed=3, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*definitions/demo/scenarios/basic.yaml::criterion met - the care is recommended PASSED*",
            "*definitions/demo/scenarios/basic.yaml::criterion not yet known - the pathway waits for it PASSED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "scenario 'wrong expectation - the care is recommended' (*/scenarios/failing.yaml:*) failed:",
            "  after step 1 (2026-01-05): expected state 'not_recommended' to be active; active: ['recommended']",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "definitions/demo/scenarios/unloadable.yaml does not load:",
            "definitions/demo/scenarios/unloadable.yaml:*: PW301 unknown fact 'criterion'",
            "*did you mean 'criterion_met'?*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_an_invalid_definition_fails_each_of_its_scenario_files_once(pytester: pytest.Pytester, project: Path) -> None:
    definition = project / "definitions" / "demo" / "pathway.yaml"
    definition.write_text(definition.read_text().replace("when: criterion_met", "when: criterion_mett"))
    result = pytester.runpytest(*PLUGIN, "--pathway-scenarios")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(["*definitions/demo/pathway.yaml:*: PW203 guard reads unknown name 'criterion_mett'"])


def test_it_collects_nothing_unless_switched_on_by_flag_or_ini(pytester: pytest.Pytester, project: Path) -> None:
    assert pytester.runpytest(*PLUGIN).ret == pytest.ExitCode.NO_TESTS_COLLECTED
    pytester.makeini("[pytest]\npathway_scenarios = true\n")
    pytester.runpytest(*PLUGIN, "-k", "not wrong").assert_outcomes(passed=3, failed=1)


def test_only_scenario_folders_beside_a_definition_are_collected(pytester: pytest.Pytester) -> None:
    new_pathway("demo", None, pytester.path)
    stray = pytester.path / "elsewhere" / "scenarios"
    stray.mkdir(parents=True)
    (stray / "x.yaml").write_text("not: a scenario\n")
    pytester.runpytest(*PLUGIN, "--pathway-scenarios").assert_outcomes(passed=3)
