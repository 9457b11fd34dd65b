"""report.html opened from disk in a real headless Chromium (Debian's chromium + chromedriver).

The browser and driver come from the system (never downloaded); .ci/run installs them.
Marked slow (run by `python -m pytest -m slow` and .ci/run, not by the default run). The tests
skip, with the reason, when no Chromium or no chromedriver binary is on PATH; a driver that
fails to start is a skip only if its binary has gone missing, otherwise the error stands.
"""

from __future__ import annotations

import re
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


# --- phone, print and alt text ---------------------------------------------------------------------------------

PHONE_PX = 400
# every element's right edge, unless it sits in a box that scrolls sideways (a table's or a chart's own)
OVERFLOWING = """
const width = arguments[0], out = [];
const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
  if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
for (const e of document.querySelectorAll('body *')) {
  const right = e.getBoundingClientRect().right;
  if (right > width + 0.5 && !scrolls(e)) out.push(`${e.tagName}#${e.id}.${e.className} right ${Math.round(right)}`);
}
return out;
"""
WRAPPED_DATES = """
return Array.from(document.querySelectorAll('.date')).filter(e => {
  const range = document.createRange(); range.selectNodeContents(e);
  return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size > 1;
}).map(e => e.textContent);
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """One report folder per kind of page, written once for the module."""
    ramadi, funded = str(ROOT / "scenarios" / "ramadi.yaml"), str(ROOT / "scenarios" / "ramadi-funded.yaml")
    network = str(ROOT / "tests" / "data" / "network_small.yaml")
    commands = {
        "run": ["run", ramadi],
        "replicated run": ["run", ramadi, "-n", "200"],
        "compare": ["compare", ramadi, funded],
        "compare of four": ["compare", ramadi, "--vary", "funding.funded_fraction=0.25,0.5,0.75,1.0"],
        "sweep": ["sweep", ramadi, "--vary", "funding.funded_fraction=0.4:1.0:0.2", "-n", "5"],
        "network": ["run", network],
        "network compare": ["compare", str(ROOT / "scenarios" / "anbar.yaml"), network],
    }
    root = tmp_path_factory.mktemp("pages")
    folders = {}
    for kind, args in commands.items():
        folders[kind] = root / kind.replace(" ", "-")
        assert main([*args, "--out", str(folders[kind]), "--quiet"]) == 0
    return folders


@pytest.mark.parametrize(
    "kind", ["run", "replicated run", "compare", "compare of four", "sweep", "network", "network compare"]
)
def test_on_a_400_px_phone_nothing_is_wider_than_the_screen(browser, reports, kind):
    from benchmarks.screenshots import set_width

    browser.get((reports[kind] / "report.html").as_uri())
    set_width(browser, PHONE_PX, 860)
    try:
        assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE_PX
        assert browser.execute_script(OVERFLOWING, PHONE_PX) == []
        assert browser.execute_script(WRAPPED_DATES) == []
        # charts keep a legible size: wider than the screen, in a box that scrolls sideways
        widths = browser.execute_script("return Array.from(document.images).map(i => i.getBoundingClientRect().width)")
        assert widths and min(widths) >= 640, widths
        if kind == "run":  # the events table is wider than the phone, so it scrolls in its own box
            box = browser.execute_script("const b = document.getElementById('events').parentElement; "
                                         "return [b.className, b.clientWidth, b.scrollWidth];")  # fmt: skip
            assert box[0] == "scroll" and box[1] <= PHONE_PX < box[2], box
    finally:
        set_width(browser, None)


@pytest.mark.parametrize(
    "kind", ["run", "replicated run", "compare", "compare of four", "sweep", "network", "network compare"]
)
def test_every_chart_image_says_in_words_what_it_shows(browser, reports, kind):
    browser.get((reports[kind] / "report.html").as_uri())
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.closest('figure').id, i.getAttribute('alt') || '']);"
    )
    assert images
    for figure, alt in images:
        name = figure.removeprefix("chart-")
        # a sentence in words, not the chart's name or file name
        assert len(alt.split()) >= 4 and alt not in (name, f"{name}.png") and ".png" not in alt, (figure, alt)


@pytest.mark.parametrize(("kind", "key_chart"), [("run", "compliance"), ("replicated run", "first_shortage")])
def test_the_ramadi_run_report_prints_on_at_most_five_a4_pages(browser, reports, kind, key_chart):
    from benchmarks.screenshots import pdf_pages, print_pdf, set_width

    browser.get((reports[kind] / "report.html").as_uri())
    pdf = print_pdf(browser)
    boxes = {tuple(round(float(x)) for x in m[1].split()) for m in re.finditer(rb"/MediaBox \[([^\]]*)\]", pdf)}
    assert pdf.startswith(b"%PDF") and boxes == {(0, 0, 595, 842)}  # A4: 210 x 297 mm = 595 x 842 points
    assert pdf_pages(pdf) <= 5
    # page 1 holds the headline, the cards and the key chart (the first chart, under "At a glance"): laid
    # out as print at A4's printable width (210 - 2 x 12 mm margins = 186 mm = 703 px), the key chart ends
    # within the first page's printable height (297 - 2 x 12 mm = 273 mm = 1032 px)
    set_width(browser, 703, 1032)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        first, bottom = browser.execute_script("const f = document.querySelector('figure'); "
                                               "return [f.id, f.getBoundingClientRect().bottom + window.scrollY];")  # fmt: skip
        cards = browser.execute_script("return document.querySelector('.cards').getBoundingClientRect().bottom")
        assert first == f"chart-{key_chart}" and cards < bottom <= 1032
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        set_width(browser, None)
