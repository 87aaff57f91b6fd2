"""The cohort report as a reader opens it: a file on disk (no server) in headless Chromium. Measured in the
browser: nothing is fetched (every style and chart is inline), each section and each chart renders with a size, the
page does not scroll sideways, a patient's link in the index lands on the patient's page, and the patient's path is
drawn there. Screenshots go to ``$PATHWAY_SCREENSHOTS`` when set (else a temporary folder); look at them.

Needs Debian's ``chromium`` and ``chromium-driver``, like tests/test_browser.py (skipped without them, except in
CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pathway.cli.main import main
from tests.chromium import require_chromium, screenshot_folder, shoot, start_chromium
from tests.conftest import ROOT
from tests.test_cohort_diff import HAND, changed_bipn

require_chromium()

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import json

    folder = tmp_path_factory.mktemp("report")
    ndjson = folder / "hand.ndjson"
    ndjson.write_text("".join(json.dumps(j) + "\n" for j in HAND), encoding="utf-8")
    out = folder / "run"
    journeys = str(ROOT / "definitions" / "bipn" / "journeys")
    assert main(["cohort", "run", journeys, str(ndjson), "--pathway", "bipn", "--out", str(out), "--jobs", "1"]) in (
        0,
        1,
    )
    target = folder / "report.html"
    new = changed_bipn(folder)
    args = ["cohort", "report", str(out), "--diff", str(new), "--out", str(target), "--patients", "4", "--jobs", "1"]
    assert main(args) == 0
    return target


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver: WebDriver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_folder(tmp_path_factory)


def _shot(driver: WebDriver, folder: Path, name: str) -> None:
    shoot(driver, folder, f"report-{name}")


def test_the_report_opens_from_disk_fetches_nothing_and_draws_every_section(
    report: Path, browser: WebDriver, screenshots: Path
) -> None:
    browser.get(report.as_uri())
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert fetched == []
    for section in ("summary", "conformance", "charts", "impact", "patients"):
        box = browser.find_element(By.ID, section).rect
        assert box["height"] > 40, section
    for chart in ("chart-conformance", "chart-reasons", "chart-time"):
        drawn = browser.execute_script(
            "var s = document.getElementById(arguments[0]); var r = s.getBoundingClientRect();"
            "var bars = Array.from(s.querySelectorAll('rect')).filter(x => x.getBBox().width > 0);"
            "return [r.width, r.height, bars.length]",
            chart,
        )
        assert drawn[0] > 400, (chart, drawn)
        assert drawn[1] > 50, (chart, drawn)
        assert drawn[2] > 1, (chart, drawn)
    sideways = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0
    _shot(browser, screenshots, "top")
    browser.execute_script("document.getElementById('charts').scrollIntoView()")
    _shot(browser, screenshots, "charts")
    browser.execute_script("document.getElementById('impact').scrollIntoView()")
    _shot(browser, screenshots, "impact")


def test_a_patient_link_lands_on_the_patient_page_with_the_path_drawn(
    report: Path, browser: WebDriver, screenshots: Path
) -> None:
    browser.get(report.as_uri())
    link = browser.find_element(By.CSS_SELECTOR, '#patients a[href="#patient-hand-sensory-3"]')
    browser.execute_script("arguments[0].click()", link)
    assert browser.execute_script("return location.hash") == "#patient-hand-sensory-3"
    top = browser.execute_script("return document.getElementById('patient-hand-sensory-3').getBoundingClientRect().top")
    assert abs(top) < 5
    section = browser.find_element(By.ID, "patient-hand-sensory-3")
    assert "Discontinue bortezomib" in section.text
    _shot(browser, screenshots, "patient")
    drawn = browser.execute_script(
        "var svg = document.querySelector('#patient-hand-sensory-3 details[open] svg');"
        "svg.scrollIntoView(); var r = svg.getBoundingClientRect(); return [r.width, r.height,"
        "svg.querySelectorAll('text').length]"
    )
    assert drawn[0] > 200
    assert drawn[1] > 100
    assert drawn[2] > 5
    _shot(browser, screenshots, "patient-path")
    # the impact table links the same page
    assert browser.find_elements(By.CSS_SELECTOR, '#impact a[href="#patient-hand-sensory-3"]')
