"""Headless Chromium for page tests: installed when missing, driven through chromedriver.

Debian's ``chromium`` and ``chromium-driver`` packages are installed with
apt-get when the test runs as root on a machine without them (a fresh CI
machine).  The flags keep Chromium off the network: no background requests,
no component updates, no sync, and a fresh profile per browser.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gauntlet import runner

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PACKAGES = ("chromium", "chromium-driver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def missing() -> list[str]:
    """The Chromium binaries this machine lacks."""
    return [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]


def ensure_installed() -> str | None:
    """Install Chromium with apt-get when missing; the reason it is unavailable, or None."""
    if not missing():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"{', '.join(missing())} missing and apt-get is not usable here (not root?)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
    ):
        done = runner.run(argv, env=env, timeout=1200)
        if not done.ok:
            return f"{' '.join(argv)} failed: {(done.stderr or done.stdout)[-500:]}"
    return ", ".join(missing()) + " still missing after apt-get install" if missing() else None


@dataclass(frozen=True)
class PageLoad:
    """What the browser saw: console messages, the charts' titles, a screenshot."""

    console: list[dict[str, object]]
    chart_titles: list[str]
    anchors_ok: bool
    png: bytes


def load_page(page: Path, *, width: int = 1400, full_height: bool = True) -> PageLoad:
    """Open ``page`` in a fresh headless Chromium and collect what it shows."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="gauntlet-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        driver.get(page.resolve().as_uri())
        titles = driver.execute_script(
            "return Array.from(document.querySelectorAll('svg.chart > title'))"
            ".map(t => t.textContent);"
        )
        anchors_ok = driver.execute_script(
            "return Array.from(document.querySelectorAll('a[href^=\"#\"]'))"
            ".every(a => document.getElementById(a.getAttribute('href').slice(1)) !== null);"
        )
        if full_height:
            height = driver.execute_script("return document.documentElement.scrollHeight;")
            driver.set_window_size(width, int(height) + 120)
        png = driver.get_screenshot_as_png()
        console = driver.get_log("browser")  # type: ignore[no-untyped-call]
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return PageLoad(console, list(titles), bool(anchors_ok), png)
