"""report.html opened from disk in a real headless Chromium (Debian's chromium + chromedriver).

The browser and driver come from the system (never downloaded); .ci/run installs them.
Marked slow (run by `python -m pytest -m slow` and .ci/run, not by the default run). The tests
skip, with the reason, when no Chromium or no chromedriver binary is on PATH; a driver that
fails to start is a skip only if its binary has gone missing, otherwise the error stands.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from campsim.cli import main
from tests.conftest import ROOT

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium binary (chromium, chromium-browser or google-chrome) on PATH: apt-get install chromium",
    ),
    pytest.mark.skipif(CHROMEDRIVER is None, reason="no chromedriver binary on PATH: apt-get install chromium-driver"),
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--window-size=1200,1600",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    except WebDriverException as error:
        if not Path(CHROMEDRIVER).exists():  # the binary went missing since collection
            pytest.skip(f"chromedriver {CHROMEDRIVER} is missing, the browser could not start: {error.msg}")
        raise  # a driver that is there but fails is a real failure
    yield driver
    driver.quit()


@pytest.mark.parametrize("command", ["run", "compare"])
def test_report_opens_in_chromium_with_every_image_decoded(browser, command, tmp_path):
    out = tmp_path / command
    scenarios = [str(ROOT / "scenarios" / "ramadi.yaml")]
    if command == "compare":
        scenarios.append(str(ROOT / "scenarios" / "ramadi-funded.yaml"))
    assert main([command, *scenarios, "--out", str(out), "--quiet"]) == 0
    browser.get((out / "report.html").as_uri())
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]);"
    )
    assert len(images) == 6
    assert all(done and width > 0 and height > 0 for done, width, height in images), images
    headline = browser.find_element("id", "headline")
    assert headline.is_displayed()
    assert ("falls below" in headline.text) if command == "run" else ("short from" in headline.text)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    shot = tmp_path / f"{command}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    # what a printer gets: the page lays out at A4 width without horizontal overflow
    browser.set_window_size(794, 1123)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 800


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_network_report_opens_in_chromium_with_every_image_decoded(browser, command, tmp_path):
    out = tmp_path / command
    network = str(ROOT / "tests" / "data" / "network_small.yaml")
    scenarios = [network] if command == "run" else [str(ROOT / "scenarios" / "anbar.yaml"), network]
    assert main([command, *scenarios, "--out", str(out), "--quiet"]) == 0
    browser.get((out / "report.html").as_uri())
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]);"
    )
    assert len(images) == (4 if command == "run" else 3)  # map, cover, warehouses, roads; or a map each + camps
    assert all(done and width > 0 and height > 0 for done, width, height in images), images
    headline = browser.find_element("id", "headline")
    assert headline.is_displayed() and "First short:" in headline.text and "Worst:" in headline.text
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    shot = tmp_path / f"network-{command}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    browser.set_window_size(794, 1123)  # A4 width: the tables fit without horizontal overflow
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 800
    browser.set_window_size(1200, 1600)
