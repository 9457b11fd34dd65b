"""Screenshots of the Ramadi run report at desk and phone width, and the page count of its A4 print.

    python benchmarks/screenshots.py [--out docs/screenshots] [--campsim /work/main]

Runs `campsim run scenarios/ramadi.yaml` (the campsim on PYTHONPATH, or the tree given by
--campsim), opens report.html in the system's headless Chromium (chromium + chromedriver, never
downloaded) and writes ramadi-1280.png and ramadi-400.png: the top of the page, two or three screens tall.
Then prints the report to PDF on A4 as Chromium does for a user and prints its page count.
tests/test_browser.py uses the same browser start and page count.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
CHROMEDRIVER = shutil.which("chromedriver")
SCREEN_HEIGHT_PX = {1280: 1800, 400: 2400}  # two laptop screens; three phone screens (CSS px)


def start_browser(profile: Path):
    """A headless Chromium driven by the system's chromedriver; scrollbars hidden so widths are exact."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--disable-sync", "--hide-scrollbars", "--window-size=1200,1600",
                 f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def set_width(driver, width_px: int | None, height_px: int = 900) -> None:
    """Lay the page out as a screen ``width_px`` CSS pixels wide (None: back to the window's own size)."""
    if width_px is None:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return
    metrics = {"width": width_px, "height": height_px, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def print_pdf(driver) -> bytes:
    """The open page printed as a user prints it: the page's own @page size (A4), its print stylesheet."""
    options = {"preferCSSPageSize": True, "printBackground": False, "paperWidth": 8.27, "paperHeight": 11.69}
    return base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", options)["data"])


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF as Chromium (Skia) writes it: its page objects, which must agree
    with the page tree's root /Count (the one /Pages node without a /Parent)."""
    leaves = len(re.findall(rb"/Type\s*/Page(?!s)\b", pdf))
    roots = [int(m[1]) for m in re.finditer(rb"/Type\s*/Pages\s*/Count\s+(\d+)\s*/Kids\s*\[[^\]]*\]\s*>>", pdf)]
    if roots and max(roots) != leaves:
        raise ValueError(f"the PDF's page tree counts {max(roots)} pages but holds {leaves} page objects")
    return leaves


def screenshot(driver, width_px: int, path: Path) -> None:
    """The top of the open page at ``width_px`` (SCREEN_HEIGHT_PX tall), as a palette PNG (small to commit)."""
    from PIL import Image

    set_width(driver, width_px, SCREEN_HEIGHT_PX[width_px])
    driver.execute_script("window.scrollTo(0, 0)")
    raw = path.with_suffix(".raw.png")
    driver.save_screenshot(str(raw))
    Image.open(raw).convert("RGB").quantize(colors=64).save(path, optimize=True)
    raw.unlink()
    set_width(driver, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--campsim", type=Path, default=None, help="the campsim tree to run (default: this one)")
    args = parser.parse_args(argv)
    if CHROMIUM is None or CHROMEDRIVER is None:
        print("needs chromium and chromedriver on PATH (apt-get install chromium chromium-driver)", file=sys.stderr)
        return 2
    tree = (args.campsim or ROOT).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "ramadi"
        env = dict(os.environ, PYTHONPATH=str(tree))
        # from the tree, so that the page names the scenario file as a user there would
        subprocess.run([sys.executable, "-m", "campsim", "run", "scenarios/ramadi.yaml", "--out", str(report),
                        "--quiet"], check=True, env=env, cwd=tree)  # fmt: skip
        driver = start_browser(Path(tmp) / "profile")
        try:
            driver.get((report / "report.html").as_uri())
            args.out.mkdir(parents=True, exist_ok=True)
            for width in (1280, 400):
                screenshot(driver, width, args.out / f"ramadi-{width}.png")
            set_width(driver, 400, SCREEN_HEIGHT_PX[400])
            phone_width = driver.execute_script("return document.documentElement.scrollWidth")
            set_width(driver, None)
            pages = pdf_pages(print_pdf(driver))
        finally:
            driver.quit()
    print(f"campsim tree: {tree}")
    print(f"page width at a 400 px screen: {phone_width} px")
    print(f"printed on A4: {pages} pages")
    print(f"screenshots: {args.out / 'ramadi-1280.png'}, {args.out / 'ramadi-400.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
