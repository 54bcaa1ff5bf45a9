"""Mojo coverage in the run history: recorded apart from Python's, drawn on the dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gatedata import coverage_json

from gauntlet.health.files import folder_results
from gauntlet.health.importing import import_folder
from gauntlet.health.rows import RunInfo
from gauntlet.health.store import open_store
from gauntlet.linecov.merge import Trace, merge
from gauntlet.linecov.report import write_reports
from gauntlet.views.dashboard import render_html
from gauntlet.views.openmetrics import render

if TYPE_CHECKING:
    from pathlib import Path

SOURCE = "def f(x: Int) -> Int:\n    var y = x\n    return y\n\n\ndef g():\n    print(1)\n"


def _results(folder: Path) -> None:
    (folder / "python").mkdir(parents=True)
    python = coverage_json({"src/pkg/a.py": (list(range(1, 10)), [10])})
    (folder / "python" / "coverage.json").write_text(python, encoding="utf-8")
    trace = Trace("tests/test_f.mojo", {"src/m.mojo": frozenset({2, 3})},
                  {"src/m.mojo": frozenset({2, 3})})  # fmt: skip
    # a folder that sorts before python/: the report says it is Mojo's, not its path
    write_reports(merge({"src/m.mojo": SOURCE}, [trace]), folder / "build", "/r", "g")


def test_python_and_mojo_coverage_are_told_apart(tmp_path: Path) -> None:
    _results(tmp_path / "results")
    results, problems, _ = folder_results(tmp_path / "results")
    assert problems == []
    assert results.coverage is not None
    assert results.coverage[0] == 90.0
    assert results.mojo_coverage is not None
    assert round(results.mojo_coverage, 2) == 66.67  # f ran (2 of 2), g never compiled (0 of 1)


def test_the_history_keeps_mojo_coverage_and_the_dashboard_draws_it(tmp_path: Path) -> None:
    folder = tmp_path / "results"
    _results(folder)
    store = open_store(f"sqlite:///{tmp_path / 'history.sqlite3'}")
    import_folder(store, folder, RunInfo("import", "c1", "main", "push"))
    health = store.health()
    store.close()
    assert [p.line_percent for p in health.coverage] == [90.0]
    assert [round(p.line_percent, 2) for p in health.mojo_coverage] == [66.67]
    assert [p.branch_percent for p in health.mojo_coverage] == [None]
    metrics = [ln for ln in render(health).splitlines() if ln.startswith("gauntlet_coverage")]
    assert metrics[0] == 'gauntlet_coverage_percent{kind="line"} 90.0'
    assert metrics[-1].startswith('gauntlet_coverage_percent{kind="mojo-line"} 66.66')
    page = render_html(health)
    chart = page.split('id="chart-coverage"')[1].split("</svg>")[0]
    assert "Mojo line coverage" in chart
