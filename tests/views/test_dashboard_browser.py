"""The dashboard in a real headless Chromium: no console errors, every chart, a screenshot."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from healthdata import make_health

from gauntlet.views.dashboard import write_html

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def chromium() -> None:
    """Chromium and chromedriver, installed when missing; on CI their absence is a failure."""
    import browser

    reason = browser.ensure_installed()
    try:
        import selenium  # noqa: F401
    except ImportError:
        reason = "selenium is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"headless Chromium is required on CI: {reason}")
        pytest.skip(reason)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


@pytest.mark.usefixtures("chromium")
def test_the_1000_run_dashboard_renders_without_console_errors(tmp_path: Path) -> None:
    import browser

    page = tmp_path / "health.html"
    write_html(make_health(1000), page)
    seen = browser.load_page(page)
    assert seen.console == []
    assert len(seen.chart_titles) == 11
    assert "Pipeline wall time per run (red: did not pass)" in seen.chart_titles
    assert "What bounded the wall time" in seen.chart_titles
    assert sum(t.endswith("(ms; red: regression)") for t in seen.chart_titles) == 4
    assert seen.anchors_ok
    width, height = png_size(seen.png)
    assert width == 1400
    assert height > 2000
    assert len(seen.png) > 100_000  # a blank page of that size compresses to a few KiB
    (tmp_path / "dashboard.png").write_bytes(seen.png)


@pytest.mark.usefixtures("chromium")
def test_console_errors_are_caught(tmp_path: Path) -> None:
    import browser

    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><link rel='icon' href='data:,'></head><body>"
        "<svg class='chart'><title>only</title></svg>"
        "<a href='#nowhere'>x</a><script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    seen = browser.load_page(page, full_height=False)
    assert [e["level"] for e in seen.console] == ["SEVERE"]
    assert "boom" in str(seen.console[0]["message"])
    assert seen.chart_titles == ["only"]
    assert not seen.anchors_ok
    assert png_size(seen.png)[0] == 1400
