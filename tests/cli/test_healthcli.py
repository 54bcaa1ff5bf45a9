"""``gauntlet health`` and ``gauntlet history`` as users run them, and the OpenMetrics export."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from gatedata import JUNIT_FAIL, write_results
from healthdata import make_health
from pgserver import fresh_database
from prometheus_client.openmetrics import parser

import gauntlet
from gauntlet.cli.main import main
from gauntlet.errors import ExitCode
from gauntlet.health.model import Outcome
from gauntlet.health.rows import (
    BenchRow,
    CaseRow,
    GateRow,
    RunInfo,
    RunResults,
    TaskRow,
    WaiverRow,
)
from gauntlet.health.store import open_store
from gauntlet.views.openmetrics import render


def text_string_to_metric_families(text: str) -> list[Any]:
    """prometheus_client's OpenMetrics parser (it has no type annotations)."""
    parse: Callable[[str], Iterable[Any]] = parser.text_string_to_metric_families
    return list(parse(text))


PYPROJECT = '[project]\nname = "demo"\n\n[tool.gauntlet]\ntimeout = 60\n'
ODD = 'odd "name" \\ with\nnewline'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, history_url: str) -> Path:
    """A project whose history holds four runs, one test flaky and one broken."""
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    monkeypatch.setenv("GAUNTLET_HISTORY_URL", history_url)  # SQLite, then PostgreSQL
    store = open_store(history_url)
    for i, status in enumerate(["passed", "failed", "passed", "passed"]):
        run_id = store.start_run(RunInfo("ci", "c1", "main", "push"), started=1e9 + i * 60)
        results = RunResults(
            tasks=(
                TaskRow("nox:lint", "passed", 3.0 + i, 0.0),
                TaskRow("nox:tests", status, 9.0, 3.5 + i),
            ),
            cases=(
                CaseRow("t.mojo", ODD, status, 0.1, "flaked", "k"),
                CaseRow("t.mojo", "test_dead", "failed", 0.2, "always", "k"),
            ),
            coverage=(90.0 + i, 85.0),
            benchmarks=(BenchRow("matmul", 1.0 + i, "ms"),),
            gates=(GateRow("coverage", "passed", "93%", ">= 90%"),),
        )
        store.add_results(run_id, results)
        outcome = Outcome.PASSED if status == "passed" else Outcome.FAILED
        store.finish_run(run_id, outcome, finished=1e9 + i * 60 + 13)
    store.close()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_health_prints_every_table(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health", "--runs", "10"]) == 0
    out = capsys.readouterr().out
    for title in ("Pipeline", "Slowest tasks", "Slowest tests", "Flaky tests", "Broken tests"):
        assert title in out
    assert "Critical path" in out
    assert "Line coverage, oldest to newest (last 10): 90.0 91.0 92.0 93.0" in out
    assert "t.mojo::test_dead" in out
    assert "Runs that did not pass: 25%" in out


def test_health_as_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health", "--days", "100000", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["window_runs"] == 4
    assert data["failure_rate"] == 0.25
    assert [f["name"] for f in data["flaky"]] == [f"t.mojo::{ODD}"]
    assert data["flaky"][0]["flip_rate"] == pytest.approx(2 / 3)  # pass fail pass pass
    assert data["runs"][0]["outcome"] == "passed"
    assert data["critical_path"][0]["task"] == "nox:lint"


def test_openmetrics_file_parses(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = repo / "metrics" / "gauntlet.prom"
    assert main(["health", "--json", "--openmetrics", str(target)]) == 0
    capsys.readouterr()
    text = target.read_text(encoding="utf-8")
    assert text.endswith("# EOF\n")
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert all(name.startswith("gauntlet_") for name in families)
    assert all(f.type == "gauge" and f.documentation for f in families.values())
    flips = families["gauntlet_flaky_test_flip_ratio"].samples
    assert [(s.labels["test"], s.value) for s in flips] == [
        (f"t.mojo::{ODD}", pytest.approx(2 / 3))
    ]
    assert families["gauntlet_run_failure_ratio"].samples[0].value == 0.25
    assert families["gauntlet_broken_tests"].samples[0].value == 1.0
    lint = {
        s.labels["quantile"]: s.value
        for s in families["gauntlet_task_duration_seconds"].samples
        if s.labels["task"] == "nox:lint"
    }
    assert lint == {"0.5": 4.5, "0.95": pytest.approx(5.85)}
    coverage = {s.labels["kind"]: s.value for s in families["gauntlet_coverage_percent"].samples}
    assert coverage == {"line": 93.0, "branch": 85.0}
    assert families["gauntlet_gate_ok"].samples[0].value == 1.0
    assert families["gauntlet_benchmark_value"].samples[0].value == 4.0
    assert families["gauntlet_last_run_passed"].samples[0].value == 1.0


def test_an_empty_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    monkeypatch.setenv("GAUNTLET_HISTORY_URL", str(tmp_path / "h.sqlite3"))
    store = open_store(tmp_path / "h.sqlite3")
    text = render(store.health())
    store.close()
    assert [f.name for f in text_string_to_metric_families(text)][:2] == [
        "gauntlet_window_runs",
        "gauntlet_run_failure_ratio",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "gauntlet", "--project", str(tmp_path), "health"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(Path(gauntlet.__file__).parents[1])},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "No runs recorded yet" in done.stdout


def test_history_import_and_info(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_results(repo / "downloaded")
    (folder / "python" / "junit-python-3.12.xml").write_text(JUNIT_FAIL, encoding="utf-8")
    assert main(["history", "import", str(folder), "--commit", "c7", "--branch", "dev"]) == 0
    assert "imported" in capsys.readouterr().out
    assert main(["history", "info"]) == 0
    out = capsys.readouterr().out
    assert "schema version 5" in out
    assert "runs          5" in out
    assert main(["health", "--json", "--runs", "1"]) == 0
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    assert (run["kind"], run["commit"], run["branch"], run["outcome"]) == (
        "import",
        "c7",
        "dev",
        "failed",
    )
    (folder / "python" / "junit-python-3.13.xml").write_text("<", encoding="utf-8")
    assert main(["history", "import", str(folder)]) == 0
    assert "warning:" in capsys.readouterr().out


def test_history_import_of_an_unreadable_folder_says_no_data(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = repo / "downloaded"
    folder.mkdir()
    (folder / "junit-python-3.12.xml").write_text("<", encoding="utf-8")
    (folder / "stray.bin").write_bytes(b"\0")
    assert main(["history", "import", str(folder)]) == ExitCode.FAILED
    out = capsys.readouterr().out
    assert "junit-python-3.12.xml: malformed JUnit XML" in out
    assert "stray.bin" in out
    assert "with no data" in out
    assert main(["health", "--json", "--runs", "1"]) == 0
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    assert (run["kind"], run["outcome"]) == ("import", "no-data")


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["health", "--runs", "0"], "--runs"), (["health", "--days", "-1"], "--days")],
)
def test_bad_windows_are_usage_errors(
    repo: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 3
    err = capsys.readouterr().err
    assert f"argument {message}: expected a positive number" in err


def test_a_corrupt_history_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAUNTLET_HISTORY_URL", raising=False)
    history = tmp_path / ".gauntlet" / "history.sqlite3"
    open_store(history).close()
    for extra in ("-wal", "-shm"):
        Path(f"{history}{extra}").unlink(missing_ok=True)
    history.write_bytes(b"\x00" * 4096)
    assert main(["health"]) == 2
    err = capsys.readouterr().err
    assert "the run history is corrupt" in err
    assert "Traceback" not in err
    assert history.read_bytes() == b"\x00" * 4096


def test_health_of_a_sparse_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    monkeypatch.setenv("GAUNTLET_HISTORY_URL", str(tmp_path / "h.sqlite3"))
    store = open_store(tmp_path / "h.sqlite3")
    done = store.start_run(RunInfo("import"), started=2e9)
    results = RunResults(
        benchmarks=(BenchRow("relu", 0.0, "ns"),),
        gates=(GateRow("coverage", "waived", "70%", ">= 90%"),),
        waivers=(WaiverRow("coverage", "", "migration", "2030-01-01"),),
    )
    store.add_results(done, results)
    store.finish_run(done, Outcome.FAILED, finished=2e9 + 1)
    store.start_run(RunInfo("doit"), started=2e9 + 5)  # this process: still running
    store.close()
    assert main(["--project", str(tmp_path), "health", "--days", "100000"]) == 0
    out = capsys.readouterr().out
    assert "of the last 100000 day(s)" in out
    assert "Newest run: doit running on - - (local)" in out
    assert "Flaky tests: none" in out
    assert "waiver: coverage: migration (expires 2030-01-01)" in out
    assert "Critical path" not in out
    assert "relu" in out
    store = open_store(tmp_path / "h.sqlite3")
    families = {f.name for f in text_string_to_metric_families(render(store.health()))}
    store.close()
    assert "gauntlet_pipeline_duration_seconds" in families
    assert "gauntlet_coverage_percent" not in families


def test_a_password_in_the_history_url_is_never_printed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    postgres_server: str,
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    with fresh_database(postgres_server) as url:
        secret = url.replace("postgres@", "postgres:s3cr3t-pw@")  # trust auth accepts any
        monkeypatch.setenv("GAUNTLET_HISTORY_URL", secret)
        open_store(secret).close()
        assert main(["--project", str(tmp_path), "history", "info"]) == 0
        assert main(["--project", str(tmp_path), "health"]) == 0
    out = capsys.readouterr().out
    assert "s3cr3t-pw" not in out
    assert "postgres:***@127.0.0.1" in out


def test_history_text_is_printed_as_text_not_markup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    monkeypatch.setenv("GAUNTLET_HISTORY_URL", str(tmp_path / "h.sqlite3"))
    store = open_store(tmp_path / "h.sqlite3")
    for i, status in enumerate(["passed", "failed", "passed"]):
        run_id = store.start_run(RunInfo("ci", "c1", "[b]main", "push"), started=2e9 + i)
        cases = (
            CaseRow("t.py", "test_x[sqlite]", status, 0.1, "[/tmp/x] flaked", "k"),
            CaseRow("t.py", "test_y[pg]", "failed", 0.1, "[/tmp/y] gone", "k"),
        )
        store.add_results(run_id, RunResults(cases=cases))
        store.finish_run(run_id, Outcome.PASSED, finished=2e9 + i + 0.5)
    store.close()
    assert main(["--project", str(tmp_path), "health"]) == 0
    out = capsys.readouterr().out
    assert "t.py::test_x[sqlite]" in out
    assert "[/tmp/x] flaked" in out
    assert "t.py::test_y[pg]" in out
    assert "[/tmp/y] gone" in out
    assert "on [b]main" in out


def test_an_unwritable_openmetrics_file_is_a_clear_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = repo / "file"
    blocker.write_text("", encoding="utf-8")
    assert main(["health", "--openmetrics", str(blocker / "gauntlet.prom")]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {blocker / 'gauntlet.prom'}: " in err
    assert "Traceback" not in err


def test_openmetrics_spells_nan_and_infinities_its_own_way() -> None:
    health = make_health(5)
    values = {"matmul_128": math.nan, "matmul_512": math.inf, "softmax_4096": -math.inf}
    series = tuple(
        dataclasses.replace(
            b, points=(*b.points[:-1], dataclasses.replace(b.points[-1], value=values[b.name]))
        )
        for b in health.benchmarks
        if b.name in values
    )
    text = render(dataclasses.replace(health, benchmarks=series))
    lines = [line for line in text.splitlines() if line.startswith("gauntlet_benchmark_value{")]
    shown = {line.split('benchmark="')[1].split('"')[0]: line.rsplit(" ", 1)[1] for line in lines}
    assert shown == {"matmul_128": "NaN", "matmul_512": "+Inf", "softmax_4096": "-Inf"}
    family = {f.name: f for f in text_string_to_metric_families(text)}["gauntlet_benchmark_value"]
    assert math.isnan(family.samples[0].value)
    assert "gauntlet_window_runs 5.0\n" in text
