"""The health dashboard and Markdown summary over 1 000 recorded runs: time and size.

Builds a realistic Health of 1 000 pipeline runs (the test data builder in
tests/healthdata.py), then times what `gauntlet report html` and `gauntlet
report md` do after the history was read: render and write the page (or the
Markdown).  Prints the median of several runs; the target is <= 2 s for the
page.  With --screenshot PATH, also renders the page in headless Chromium
and saves a full-page screenshot (docs/dashboard.png is made this way).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from healthdata import make_health

from gauntlet.views.dashboard import write_html
from gauntlet.views.healthmd import render_markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--screenshot", type=Path, default=None)
    args = parser.parse_args()
    health = make_health(args.runs)
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "health.html"
        html_times, md_times = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            write_html(health, page)
            html_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            markdown = render_markdown(health)
            md_times.append(time.perf_counter() - started)
        size = page.stat().st_size
        print(f"runs in the history:     {args.runs}")
        print(
            f"report html:             median {statistics.median(html_times):.3f} s "
            f"(min {min(html_times):.3f}, max {max(html_times):.3f}) over {args.repeat} runs"
        )
        print(f"page size:               {size / 1024:.0f} KiB ({size} bytes)")
        print(f"report md:               median {statistics.median(md_times):.4f} s")
        print(f"Markdown size:           {len(markdown.encode()) / 1024:.1f} KiB (limit 1024 KiB)")
        if args.screenshot:
            import browser

            reason = browser.ensure_installed()
            if reason:
                raise SystemExit(f"no screenshot: {reason}")
            started = time.perf_counter()
            seen = browser.load_page(page)
            took = time.perf_counter() - started
            args.screenshot.write_bytes(seen.png)
            print(
                f"headless Chromium:       {len(seen.chart_titles)} charts, "
                f"{len(seen.console)} console messages, loaded and shot in {took:.2f} s"
            )
            print(f"screenshot:              {args.screenshot} ({len(seen.png) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
