"""The documentation site as a reader sees it: built with mkdocs, served on loopback, opened in headless Chromium.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Without them the test is skipped
on a developer machine, but fails under CI (``CI`` set), so that CI can never pass without looking. Screenshots go
to a temporary directory, or to ``$PATHWAY_SCREENSHOTS`` when set, to look at them.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCREENSHOTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.slow  # builds the site in a subprocess and drives Chromium

if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
    if os.environ.get("CI"):
        pytest.fail("CI needs Debian's chromium and chromium-driver (.ci/run installs them)", pytrace=False)
    pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)", allow_module_level=True)

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
    folder = SCREENSHOTS or tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1440,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_the_bipn_page_shows_its_diagram_as_svg_with_nodes(
    browser: WebDriver, base_url: str, screenshots: Path
) -> None:
    driver = browser
    driver.get(f"{base_url}/pathways/bipn/")
    svgs = driver.find_elements(By.CSS_SELECTOR, ".pathway-diagram svg")
    assert svgs, "no inline SVG diagram on the bipn page"
    nodes = driver.find_elements(By.CSS_SELECTOR, ".pathway-diagram svg g.node")
    titles = {n.find_element(By.TAG_NAME, "title").get_attribute("textContent") for n in nodes}
    assert len(nodes) >= 20
    assert any("grade_check" in t for t in titles), sorted(titles)[:20]  # a state of the dose region
    assert any("dose" in t for t in titles)
    assert "Peripheral neuropathy" in driver.title or "bipn" in driver.page_source
    assert driver.save_screenshot(str(screenshots / "bipn-overview.png"))


def test_search_finds_the_coasting_phenomenon(browser: WebDriver, base_url: str, screenshots: Path) -> None:
    driver = browser
    driver.get(f"{base_url}/")
    wait = WebDriverWait(driver, 20)
    box = wait.until(expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "input.md-search__input")))
    box.click()  # at this window width the search field sits in the header
    box.send_keys("coasting")
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".md-search-result__item")))
    results = driver.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")
    assert any("coasting" in (r.text + (r.get_attribute("href") or "")).lower() for r in results)
    assert driver.save_screenshot(str(screenshots / "search-coasting.png"))
