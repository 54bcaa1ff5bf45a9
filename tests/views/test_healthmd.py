"""The Markdown health summary: the essentials, escaped, within GitHub's size limit."""

from __future__ import annotations

import dataclasses
import re

import pytest
from healthdata import make_health

from gauntlet.health.model import FlakyTest, Outcome
from gauntlet.views import healthmd
from gauntlet.views.healthmd import TOP, cell, code, render_markdown


def test_the_essentials_are_there() -> None:
    health = make_health(1000)
    text = render_markdown(health)
    last = health.runs[-1]
    assert text.startswith("## Pipeline health\n")
    assert f"Last run `{last.run_id}` on `{last.branch}`" in text
    assert "| runs in the window | 1000 |" in text
    assert "### Critical path of the last run" in text
    assert " → `gates` " in text
    assert f"`{health.tasks[0].name}`" in text
    assert "**Coverage**: " in text
    assert "points since the run before" in text
    assert "### Benchmark regressions in the last run" in text
    assert "`softmax_4096`" in text
    assert "### Flaky tests" in text
    assert "`tests/test_train_loop.mojo::test_converges<float32>`" in text
    assert "### Broken tests" in text
    assert "### Gates" in text
    assert "| security | **waived** |" in text
    assert "**Active waivers**" in text
    assert len(text.encode()) < 64 * 1024


def test_long_lists_are_cut_to_their_top_rows() -> None:
    health = make_health(30)
    flaky = tuple(
        FlakyTest(f"t{n}", 10, 5, 5, 0.5, health.generated, "r1", "m" * 1000)
        for n in range(TOP + 4)
    )
    text = render_markdown(dataclasses.replace(health, flaky=flaky))
    assert "_…and 4 more._" in text
    assert "m" * healthmd.MESSAGE_CHARS not in text


def test_a_failed_last_run_names_its_tasks() -> None:
    health = make_health(10)
    last = dataclasses.replace(health.runs[-1], outcome=Outcome.FAILED, failed_tasks=("nox:lint",))
    text = render_markdown(dataclasses.replace(health, runs=(*health.runs[:-1], last)))
    assert "❌ Last run" in text
    assert "(failed: nox:lint)" in text


def test_an_empty_history() -> None:
    bare = dataclasses.replace(
        make_health(0), gates=(), waivers=(), critical_path=(), broken=(), flaky=()
    )
    assert render_markdown(bare) == "## Pipeline health\n\nNo runs recorded yet.\n"


def test_cell_escapes_markdown_and_html() -> None:
    assert cell("a|b <c> *d* `e`\nf & g") == "a\\|b \\<c\\> \\*d\\* \\`e\\` f &amp; g"
    assert cell("x" * 10, limit=5) == "xxxx…"


def test_code_spans_show_names_exactly() -> None:
    assert code("test_x<float32>[a*b]") == "`test_x<float32>[a*b]`"
    assert code("a|b") == "`a\\|b`"  # GitHub splits table cells before code spans
    assert code("a|b", in_table=False) == "`a|b`"
    assert code("run `x` ``y`` z") == "```run `x` ``y`` z```"
    assert code("`edge`") == "`` `edge` ``"
    assert code("two\nlines", limit=5) == "`two …`"
    assert code("") == "-"


def test_names_in_the_summary_carry_no_backslashes() -> None:
    health = make_health(10)
    last = dataclasses.replace(health.runs[-1], branch="feature/my_branch")
    text = render_markdown(dataclasses.replace(health, runs=(*health.runs[:-1], last)))
    assert "on `feature/my_branch` at" in text
    assert "`mojo:test:tests/test_train_loop.mojo`" in text
    spans = re.findall(r"`[^`]+`", text)
    assert spans
    assert not [span for span in spans if "\\" in span]


def test_never_over_the_step_summary_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(healthmd, "LIMIT_BYTES", 2000)
    text = render_markdown(make_health(100))
    assert len(text.encode()) <= 2000
    assert text.endswith("_Summary cut at GitHub's 1 MiB limit._\n")
