"""The documentation site as a reader sees it: built with mkdocs, served on loopback, opened in headless Chromium
at 1440x900 and at a phone's 390x844. Measured in the browser itself: every text of every diagram on a pathway page
and a patient page renders at 11 px or more at the initial zoom (never a thumbnail), the zoom buttons change the
scale, and every link to an evidence entry lands on an element that exists.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Without them the test is skipped
on a developer machine, but fails under CI (``CI`` set), so that CI can never pass without looking. Screenshots go
to a temporary directory, or to ``$PATHWAY_SCREENSHOTS`` when set, to look at them; their paths are printed
(``pytest -s``).
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chromium import require_chromium, screenshot_folder, shoot, start_chromium
from tests.conftest import ROOT

require_chromium()

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_folder(tmp_path_factory)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver: WebDriver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


VIEWPORTS = ((1440, 900), (390, 844))
DIAGRAM_PAGES = ("pathways/bipn/", "pathways/bipn/patients/typical-grade2-iv/", "pathways/example/")
READABLE_PX = 11

# For each diagram frame: whether the zoom script took it, and the rendered size in px of each text (its font size in
# the SVG's units times the px per unit on screen: the box on screen over the box in its own coordinates).
TEXT_SIZES = """
return Array.from(document.querySelectorAll('.pathway-diagram')).map(function (frame) {
  var sizes = [];
  frame.querySelectorAll('svg text').forEach(function (text) {
    var box = text.getBBox();
    if (!box.height || !text.textContent.trim()) return;
    var size = parseFloat(text.getAttribute('font-size') || getComputedStyle(text).fontSize);
    sizes.push([text.textContent.trim().slice(0, 40), size * text.getBoundingClientRect().height / box.height]);
  });
  return {zoom: Boolean(frame.pathwayZoom), scale: frame.pathwayZoom ? frame.pathwayZoom.getScale() : null,
          sizes: sizes};
});
"""


def _viewport(driver: WebDriver, width: int, height: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def _shoot(driver: WebDriver, folder: Path, name: str) -> None:
    shoot(driver, folder, f"{name}")


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
@pytest.mark.parametrize("page", DIAGRAM_PAGES)
def test_every_diagram_text_is_readable_at_the_initial_zoom(
    browser: WebDriver, base_url: str, screenshots: Path, page: str, width: int, height: int
) -> None:
    _viewport(browser, width, height)
    browser.get(f"{base_url}/{page}")
    WebDriverWait(browser, 20).until(lambda d: d.execute_script(TEXT_SIZES)[0]["zoom"])
    frames = browser.execute_script(TEXT_SIZES)
    assert frames, f"no diagram on {page}"
    assert all(frame["zoom"] for frame in frames), "a diagram without zoom and pan"
    small = [(i, text, round(px, 1)) for i, f in enumerate(frames) for text, px in f["sizes"] if px < READABLE_PX]
    assert sum(len(f["sizes"]) for f in frames) > 20
    assert not small, f"text under {READABLE_PX} px on {page} at {width}x{height}: {small[:10]}"
    first = browser.find_element(By.CSS_SELECTOR, ".pathway-diagram")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
    _shoot(browser, screenshots, f"{page.strip('/').replace('/', '_')}-{width}x{height}")


ZOOMED = (("pathways/bipn/", "clinical-1"), ("pathways/bipn/", "dose"), ("pathways/example/", "clinical-2"))


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
@pytest.mark.parametrize(("page", "figure"), ZOOMED, ids=[f"{p.split('/')[1]}-{f}" for p, f in ZOOMED])
def test_the_zoom_buttons_change_the_scale(
    browser: WebDriver, base_url: str, page: str, figure: str, width: int, height: int
) -> None:
    """On the clinical algorithm (the default view) and on the state chart."""
    _viewport(browser, width, height)
    browser.get(f"{base_url}/{page}#{figure}")
    frame = browser.find_element(By.CSS_SELECTOR, f"#{figure} ~ .pathway-diagram")
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return Boolean(arguments[0].pathwayZoom)", frame))
    scale = "return arguments[0].pathwayZoom.getScale()"
    before = browser.execute_script(scale, frame)
    toolbar = browser.find_element(By.CSS_SELECTOR, f"#{figure} ~ .pathway-diagram__toolbar")
    toolbar.find_element(By.CSS_SELECTOR, "button[aria-label='Zoom in']").click()
    zoomed = browser.execute_script(scale, frame)
    assert zoomed > before * 1.1
    toolbar.find_element(By.CSS_SELECTOR, "button[aria-label='Zoom out']").click()
    toolbar.find_element(By.CSS_SELECTOR, "button[aria-label='Zoom out']").click()
    assert browser.execute_script(scale, frame) < zoomed
    full = toolbar.find_element(By.CSS_SELECTOR, "a.pathway-full-size")
    assert (full.get_attribute("href") or "").endswith(f"/{page}diagrams/{figure}.svg")


def test_the_clinical_algorithm_is_the_first_diagram_and_its_links_land(browser: WebDriver, base_url: str) -> None:
    """The clinical view comes first on a pathway page and a patient page; its "see page N" and checklist links
    lead to figures that exist: on the overview, and on a patient's page to the path's own pages."""
    _viewport(browser, 1440, 900)
    for page, first in (("pathways/bipn/", "clinical-1"), ("pathways/bipn/patients/typical-grade2-iv/", "path-1")):
        browser.get(f"{base_url}/{page}")
        heading = browser.execute_script(
            "return document.querySelector('.pathway-diagram').previousElementSibling.previousElementSibling.id"
        )
        assert heading == first, page
    for page, first, own in (
        ("pathways/bipn/", "clinical-1", "#clinical-"),
        ("pathways/bipn/patients/cycles-then-coasting/", "path-1", "#path-"),  # "see page N": the path's own page
    ):
        browser.get(f"{base_url}/{page}")
        inside = browser.execute_script(
            f"return Array.from(document.querySelectorAll('#{first} ~ .pathway-diagram')[0].querySelectorAll('a'))"
            ".map(a => a.getAttribute('href') || a.getAttribute('xlink:href')).filter(h => h.startsWith('#'))"
        )
        assert any(h.startswith(own) for h in inside), inside
        missing = [
            h for h in inside if not browser.execute_script(f"return Boolean(document.getElementById('{h[1:]}'))")
        ]
        assert not missing, (page, missing)


EVIDENCE_LINKS = """
return Array.from(document.querySelectorAll('a')).map(function (a) {
  return a.getAttribute('href') || a.getAttribute('xlink:href') || '';  // an SVG's links too
}).filter(function (href) { return href.indexOf('#ev-') >= 0; }).map(function (href) {
  var url = new URL(href, document.baseURI);
  return [url.pathname, decodeURIComponent(url.hash.slice(1))];
});
"""


def test_every_evidence_link_lands_on_its_entry(browser: WebDriver, base_url: str, screenshots: Path) -> None:
    _viewport(browser, 1440, 900)
    targets: set[tuple[str, str]] = set()
    for page in ("", "facts/", "actions/", "states/", "choices/", "patients/typical-grade2-iv/"):
        browser.get(f"{base_url}/pathways/bipn/{page}")
        targets |= {tuple(link) for link in browser.execute_script(EVIDENCE_LINKS)}
    assert len(targets) > 30
    pages = {path for path, _ in targets}
    assert pages == {"/pathways/bipn/evidence/"}, pages
    browser.get(f"{base_url}/pathways/bipn/evidence/")
    present = set(
        browser.execute_script("return Array.from(document.querySelectorAll('[id^=\"ev-\"]')).map(e => e.id)")
    )
    missing = sorted(anchor for _, anchor in targets if anchor not in present)
    assert not missing, f"evidence links with no entry: {missing}"
    anchor = sorted(anchor for _, anchor in targets)[0]
    browser.get(f"{base_url}/pathways/bipn/evidence/#{anchor}")
    top = browser.execute_script(f"return document.getElementById('{anchor}').getBoundingClientRect().top")
    assert 0 <= top < 900, "the browser did not scroll to the entry"
    _shoot(browser, screenshots, "bipn-evidence-entry-1440x900")


def test_the_bipn_page_shows_its_diagram_as_svg_with_nodes(
    browser: WebDriver, base_url: str, screenshots: Path
) -> None:
    driver = browser
    _viewport(driver, 1440, 900)
    driver.get(f"{base_url}/pathways/bipn/")
    svgs = driver.find_elements(By.CSS_SELECTOR, ".pathway-diagram svg")
    assert svgs, "no inline SVG diagram on the bipn page"
    nodes = driver.find_elements(By.CSS_SELECTOR, ".pathway-diagram svg g.node")
    titles = {n.find_element(By.TAG_NAME, "title").get_attribute("textContent") for n in nodes}
    assert len(nodes) >= 20
    assert any("grade_check" in t for t in titles), sorted(titles)[:20]  # a state of the dose region
    assert any("dose" in t for t in titles)
    assert "Peripheral neuropathy" in driver.title or "bipn" in driver.page_source
    _shoot(driver, screenshots, "bipn-overview")


def test_search_finds_the_coasting_phenomenon(browser: WebDriver, base_url: str, screenshots: Path) -> None:
    driver = browser
    _viewport(driver, 1440, 900)
    driver.get(f"{base_url}/")
    wait = WebDriverWait(driver, 20)
    box = wait.until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input")))
    box.click()  # at this window width the search field sits in the header
    box.send_keys("coasting")
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".md-search-result__item")))
    results = driver.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")
    assert any("coasting" in (r.text + (r.get_attribute("href") or "")).lower() for r in results)
    _shoot(driver, screenshots, "search-coasting")
