"""The HTML dashboard: self-contained, escaped, well-formed, with every chart and link."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from healthdata import make_health

from gauntlet.health.model import BenchSeries, FlakyTest, Outcome
from gauntlet.views import svgchart
from gauntlet.views.dashboard import render_html, write_html
from gauntlet.views.dashcharts import BENCH_CHARTS
from gauntlet.views.dashtables import anchor

VOID = {"meta", "link", "br", "img", "input", "hr"}


class Page(HTMLParser):
    """Checks nesting and collects ids, fragment links and SVG chart titles."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.charts: list[str] = []
        self.problems: list[str] = []
        self._title_of_chart = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "a" and str(values.get("href", "")).startswith("#"):
            self.links.append(str(values["href"])[1:])
        self._title_of_chart = tag == "title" and self.stack[-1:] == ["svg"]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if dict(attrs).get("id"):
            self.ids.append(str(dict(attrs)["id"]))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._title_of_chart:
            self.charts.append(data)
            self._title_of_chart = False


@pytest.fixture(scope="module")
def big() -> str:
    return render_html(make_health(1000))


def test_the_page_is_well_formed_and_every_link_has_its_target(big: str) -> None:
    page = Page(big)
    assert page.problems == []
    assert page.stack == []
    assert len(page.ids) == len(set(page.ids))
    assert page.links
    assert set(page.links) <= set(page.ids)


def test_the_page_is_self_contained(big: str) -> None:
    assert "<script" not in big
    assert re.findall(r"https?://[^\"' ]+", big) == ["http://www.w3.org/2000/svg"] * big.count(
        "<svg"
    )
    assert not re.search(r"\s(src|srcset)=", big)
    assert '<link rel="icon" href="data:,">' in big  # no favicon request either


def test_every_chart_is_drawn(big: str) -> None:
    ids = set(re.findall(r'<svg class="chart" id="([^"]+)"', big))
    expected = {
        "chart-pipeline",
        "chart-tasks",
        "chart-failure-rate",
        "chart-outcomes",
        "chart-task-failures",
        "chart-coverage",
        "chart-critical-path",
    } | {f"chart-bench-{n}" for n in range(4)}
    assert ids == expected
    assert len(Page(big).charts) == len(expected)


def test_failed_runs_and_regressions_are_marked() -> None:
    health = make_health(200)
    html = render_html(health)
    pipeline = html.split('id="chart-pipeline"')[1].split("</svg>")[0]
    bad = [r for r in health.runs if r.outcome not in (Outcome.PASSED, Outcome.RUNNING)]
    finished_bad = [
        r for r in bad if r.run_id in dict(health.pipeline.series if health.pipeline else ())
    ]
    assert pipeline.count('class="mark"') == len(finished_bad) > 0
    regressions = sum(p.regression for b in health.benchmarks for p in b.points)
    assert html.count('class="rule"') == regressions == 2
    outcomes = html.split('id="chart-outcomes"')[1].split("</svg>")[0]
    assert outcomes.count('class="run ') == 200
    assert outcomes.count('class="run failed"') == sum(
        r.outcome is Outcome.FAILED for r in health.runs
    )


def test_text_from_the_history_is_escaped() -> None:
    health = make_health(20)
    evil = "tests/x.mojo::test_<script>alert('x')</script>&"
    flaky = dataclasses.replace(health.flaky[0], name=evil, last_failure_message="</pre><b>boom")
    runs = (*health.runs[:-1], dataclasses.replace(health.runs[-1], branch="<img src=x>"))
    html = render_html(dataclasses.replace(health, flaky=(flaky,), runs=runs), title="A<B")
    assert "<script>" not in html
    assert "<img" not in html
    assert "</pre><b>" not in html
    assert "test_&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;" in html
    assert "<title>A&lt;B</title>" in html
    assert f'href="#{anchor("flaky", evil)}"' in html
    assert f'id="{anchor("flaky", evil)}"' in html
    assert Page(html).problems == []


def test_an_empty_history_still_renders() -> None:
    html = render_html(make_health(0))
    page = Page(html)
    assert page.problems == []
    assert "no data in this window" in html
    assert "No benchmark results in this window." not in html  # series exist but hold no points
    bare = dataclasses.replace(
        make_health(0),
        benchmarks=(),
        flaky=(),
        broken=(),
        gates=(),
        waivers=(),
        notes=(),
        critical_path=(),
    )
    html = render_html(bare)
    for text in (
        "No benchmark results in this window.",
        "No flaky tests in this window.",
        "No test failed in every run.",
        "No gate verdict recorded.",
        "No active waivers.",
        "no finished run",
        "No failure messages.",
    ):
        assert text in html


def test_many_benchmarks_are_capped_and_days_windows_are_named() -> None:
    health = make_health(10)
    many = tuple(BenchSeries(f"b{n}", health.benchmarks[0].points) for n in range(BENCH_CHARTS + 3))
    html = render_html(dataclasses.replace(health, benchmarks=many, window_days=7.0))
    assert html.count('id="chart-bench-') == BENCH_CHARTS
    assert "3 more benchmarks not drawn." in html
    assert "last 7 days (10 runs)" in html


def test_write_html_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "health.html"
    health = make_health(5)
    write_html(health, out)
    assert out.read_text(encoding="utf-8") == render_html(health)
    assert [p.name for p in out.parent.iterdir()] == ["health.html"]


def test_flaky_table_links_each_test_to_its_message() -> None:
    health = make_health(50)
    extra = FlakyTest("a", 5, 3, 2, 0.5, health.generated, "r00001", "first message")
    html = render_html(dataclasses.replace(health, flaky=(extra,)))
    target = anchor("flaky", "a")
    assert f'<a href="#{target}">r00001</a>' in html
    assert re.search(f'id="{target}".*?<pre>first message</pre>', html)


def test_chart_helpers() -> None:
    assert svgchart.nice_ticks(0, 97) == [0, 25, 50, 75, 100]
    assert svgchart.nice_ticks(5, 5) == [4, 6, 8, 10]
    assert svgchart.nice_ticks(0, 0) == [0, 0.25, 0.5, 0.75, 1.0]
    assert [svgchart.fmt(v) for v in (12345, 1234, 12.345, 0.04212)] == [
        "12k",
        "1.2k",
        "12.3",
        "0.0421",
    ]
    single = svgchart.line_chart("one", [svgchart.Series("s", [(1.0, 2.0)])], chart_id="c")
    assert "<circle" in single
    empty_bars = svgchart.bar_chart("none", [], chart_id="b")
    assert "nothing to show" in empty_bars
    long = svgchart.bar_chart("x", [("n" * 50, 1.0, "tip")], chart_id="b2", maximum=2.0)
    assert "…" + "n" * 33 in long
    steps = svgchart.timeline("t", [("s" * 40, 0.0, 0.0)], chart_id="t")
    assert 'width="1.5"' in steps
    assert "…" in steps


def test_a_short_history_has_no_trend_yet() -> None:
    health = make_health(3)
    assert all(t.trend is None for t in health.tasks)
    row = render_html(health).split("nox:tests-3.11</span></td>")[1].split("</tr>")[0]
    assert row.count('<td class="num">-</td>') == 1
