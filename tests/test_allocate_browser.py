"""allocate's report.html in a real headless Chromium (tests/test_browser.py's browser and skips)."""

from __future__ import annotations

from campsim.cli import main
from tests.test_allocate import CAMP, write
from tests.test_browser import browser, pytestmark  # noqa: F401 - the fixture and the slow / skip marks


def test_the_allocation_page_opens_with_its_charts_decoded_and_fits_a4(browser, tmp_path):  # noqa: F811
    out = tmp_path / "allocation"
    path = write(tmp_path, "camp", CAMP)
    assert main(["allocate", str(path), "-n", "12", "--step", "0.05", "--out", str(out), "-q", "-j", "1"]) == 0
    browser.get((out / "report.html").as_uri())
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]);"
    )
    assert len(images) == 2 and all(done and w > 0 and h > 0 for done, w, h in images), images
    assert "fewer person-days short" in browser.find_element("id", "headline").text
    assert len(browser.find_elements("css selector", "#allocation tbody tr")) == 4
    assert len(browser.find_elements("css selector", "#frontier tbody tr")) == 21
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    browser.set_window_size(794, 1123)  # A4 at 96 dpi: no horizontal overflow
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 800
