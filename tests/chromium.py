"""Headless Chromium for the browser tests (the documentation site, the cohort report): the gate, the driver and
screenshots, in one place.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Without them a browser test is
skipped on a developer machine, but fails under CI (``CI`` set), so that CI can never pass without looking.
Screenshots go to ``$PATHWAY_SCREENSHOTS`` when set, else a temporary folder; their paths are printed (``pytest
-s``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SCREENSHOTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the machine's closed network refuses Chromium's own connections
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1440,1000",
)


def require_chromium() -> None:
    """Skip the calling test module when Chromium is missing; fail it under CI. Call at import, before selenium."""
    if Path(CHROMIUM).exists() and Path(DRIVER).exists():
        return
    if os.environ.get("CI"):
        pytest.fail("CI needs Debian's chromium and chromium-driver (.ci/run installs them)", pytrace=False)
    pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver)", allow_module_level=True)


def start_chromium(profile: Path) -> Any:
    """A headless Chromium driven by selenium, with its own empty profile folder."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def screenshot_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = SCREENSHOTS or tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(driver: Any, folder: Path, name: str) -> None:
    """Save a screenshot of what the browser shows, and print its path."""
    path = folder / f"{name}.png"
    assert driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
