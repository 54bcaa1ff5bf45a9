"""The run history against SQLite and a real PostgreSQL server: the same tests for both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import gauntlet
from gauntlet.health.db import connect
from gauntlet.health.dbapi import HistoryError
from gauntlet.health.model import Outcome
from gauntlet.health.rows import BenchRow, CaseRow, GateRow, RunInfo, RunResults, TaskRow, WaiverRow
from gauntlet.health.schema import CURRENT, migrate, stored_version
from gauntlet.health.store import Store, open_store

WRITER = Path(__file__).parents[1] / "historywriter.py"
T0 = 1_790_000_000.0


def _env() -> dict[str, str]:
    src = str(Path(gauntlet.__file__).parent.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


def add_run(
    store: Store,
    when: float,
    *,
    commit: str = "c1",
    flaky: str = "passed",
    broken: bool = True,
    build_s: float = 2.0,
    outcome: Outcome = Outcome.PASSED,
    kind: str = "doit",
) -> str:
    run_id = store.start_run(RunInfo(kind, commit, "main", "push"), started=when)
    tasks = (
        TaskRow("toolchain", "passed", 0.5, 0.0),
        TaskRow("build:pkg", "passed", build_s, 0.5, deps=("toolchain",)),
        TaskRow("lint", "passed", 0.2, 0.0),
        TaskRow("test:t.mojo", "passed", 1.0, 0.5 + build_s, deps=("build:pkg",)),
        TaskRow("report", "skipped", 0.0, None),
    )
    cases = (
        CaseRow(
            "t.mojo", "test_flaky", flaky, 0.01, "random failure" if flaky != "passed" else "", "k1"
        ),
        CaseRow("t.mojo", "test_ok", "passed", 0.5, "", "k1"),
        CaseRow("t.mojo", "test_skip", "skipped", 0.0, "", "k1"),
        *((CaseRow("t.mojo", "test_broken", "failed", 0.02, "always", "k1"),) if broken else ()),
    )
    results = RunResults(
        tasks=tasks,
        cases=cases,
        coverage=(80.0 + when % 7, 70.0),
        benchmarks=(BenchRow("matmul", build_s, "ms", regression=build_s > 5),),
        gates=(GateRow("coverage", "passed", "81%", ">= 80%"),),
        waivers=(WaiverRow("bandit", "B101", "tests only", "2027-01-01"),),
    )
    store.add_results(run_id, results)
    store.finish_run(run_id, outcome, finished=when + 4.0 + build_s)
    return run_id


def test_figures_over_recorded_runs(history_url: str) -> None:
    store = open_store(history_url)
    statuses = ["passed", "failed", "passed", "passed", "error", "passed"]
    for i, status in enumerate(statuses):
        outcome = Outcome.PASSED if status == "passed" else Outcome.FAILED
        add_run(store, T0 + i * 100, flaky=status, build_s=2.0 + i, outcome=outcome)
    health = store.health(now=T0 + 1000)
    store.close()
    assert health.window_runs == 6
    assert [r.outcome for r in health.runs].count(Outcome.FAILED) == 2
    assert health.failure_rate == pytest.approx(2 / 6)
    assert health.pipeline is not None
    assert health.pipeline.p50_s == pytest.approx(8.5)  # 4 + build 4.5 (median of 2..7)
    assert health.pipeline.failure_rate == pytest.approx(2 / 6)
    build = next(t for t in health.tasks if t.name == "build:pkg")
    assert build.p50_s == pytest.approx(4.5)
    assert build.p95_s == pytest.approx(6.75)
    assert build.trend == pytest.approx((6.0 - 3.0) / 3.0)
    assert health.tasks[0].name == "build:pkg"  # slowest first
    assert "report" not in {t.name for t in health.tasks}  # never ran (up to date)
    assert [f.name for f in health.flaky] == ["t.mojo::test_flaky"]
    flaky = health.flaky[0]
    assert (flaky.runs, flaky.passes, flaky.failures) == (6, 4, 2)
    assert flaky.flip_rate == pytest.approx(4 / 5)
    assert flaky.last_failure_message == "random failure"
    assert [b.name for b in health.broken] == ["t.mojo::test_broken"]
    assert health.broken[0].message == "always"
    assert health.slowest_tests[0].name == "t.mojo::test_ok"
    assert health.slowest_tests[0].p50_s == pytest.approx(0.5)
    assert [s.task for s in health.critical_path] == ["toolchain", "build:pkg", "test:t.mojo"]
    assert health.coverage[0].line_percent == pytest.approx(80.0 + T0 % 7)
    (series,) = health.benchmarks
    assert [p.value for p in series.points] == [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert [p.regression for p in series.points][-1] is True
    assert (health.gates[0].gate, health.gates[0].status) == ("coverage", "pass")
    assert health.waivers == ("bandit B101: tests only (expires 2027-01-01)",)


def test_windows_by_runs_and_days(history_url: str) -> None:
    store = open_store(history_url)
    for i in range(5):
        add_run(store, T0 + i * 86400, flaky="failed" if i == 0 else "passed")
    assert store.health(last_runs=2).window_runs == 2
    recent = store.health(days=2.5, now=T0 + 4 * 86400 + 10)
    assert recent.window_runs == 3
    assert recent.flaky == ()  # the one failure fell out of the window
    everything = store.health(last_runs=10)
    assert len(everything.flaky) == 1
    empty = store.health(days=1, now=T0 + 100 * 86400)
    assert (empty.runs, empty.pipeline, empty.flaky, empty.coverage) == ((), None, (), ())
    store.close()


def test_a_failure_on_other_inputs_is_not_flaky(history_url: str) -> None:
    store = open_store(history_url)
    add_run(store, T0, commit="c1", flaky="failed", broken=False)
    # The fix: a new commit whose file has another content key passes.
    run_id = store.start_run(RunInfo("doit", "c2", "main"), started=T0 + 10)
    store.add_results(
        run_id, RunResults(cases=(CaseRow("t.mojo", "test_flaky", "passed", 0.01, "", "k2"),))
    )
    store.finish_run(run_id, Outcome.PASSED, finished=T0 + 20)
    health = store.health()
    store.close()
    assert health.flaky == ()
    assert health.broken == ()


def test_python_tests_are_judged_by_commit(history_url: str) -> None:
    store = open_store(history_url)
    for i, status in enumerate(["passed", "failed", "passed"]):
        run_id = store.start_run(RunInfo("ci", "same", "main"), started=T0 + i)
        store.add_results(
            run_id, RunResults(cases=(CaseRow("tests.test_x", "test_io", status, 0.1),))
        )
        store.finish_run(run_id, Outcome.PASSED, finished=T0 + i + 0.5)
    health = store.health()
    store.close()
    assert [f.name for f in health.flaky] == ["tests.test_x::test_io"]
    assert health.flaky[0].flip_rate == pytest.approx(1.0)
    assert health.pipeline is not None
    assert health.pipeline.runs == 3  # ci runs make the pipeline figures


def test_run_killed_with_sigkill_is_interrupted_on_the_next_start(history_url: str) -> None:
    with subprocess.Popen(
        [sys.executable, str(WRITER), history_url, "hang"],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    ) as process:
        assert process.stdout is not None
        run_id = process.stdout.readline().strip()
        store = open_store(history_url)
        assert store.health().runs[0].outcome is Outcome.RUNNING
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    add_run(store, T0)
    health = store.health()
    store.close()
    killed = next(r for r in health.runs if r.run_id == run_id)
    assert killed.outcome is Outcome.INTERRUPTED
    assert killed.finished is None
    assert health.notes == ("1 run(s) were interrupted",)
    assert health.failure_rate == pytest.approx(0.5)


def test_two_pipelines_writing_at_once_lose_nothing(history_url: str) -> None:
    open_store(history_url).close()  # create it first, as the first pipeline would
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), history_url, "40"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=300) for w in writers]
    assert [w.returncode for w in writers] == [0, 0], outputs
    store = open_store(history_url)
    counts = store.counts()
    health = store.health(last_runs=1000)
    store.close()
    assert counts["runs"] == 80
    assert counts["tasks"] == 400
    assert counts["test_cases"] == 1600
    assert all(r.outcome is Outcome.PASSED for r in health.runs)
    if not history_url.startswith("postgresql"):
        db = connect(history_url)
        assert db.query("PRAGMA integrity_check") == [("ok",)]
        db.close()


def test_an_older_schema_is_migrated(history_url: str) -> None:
    db = connect(history_url)
    migrate(db, upto=1)
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO runs VALUES ('old', 'ci', 'c0', 'main', 'push', ?, ?, 'passed', 'h', 1)",
            (T0, T0 + 5),
        )
        tx.execute(
            "INSERT INTO test_cases VALUES "
            "('old', 'old.mojo', 'test_old', 'failed', 0.3, 'boom', 'k0', 'c0')"
        )
    assert stored_version(db) == 1
    db.close()
    store = open_store(history_url)
    assert store.schema_version() == CURRENT == 5
    add_run(store, T0 + 10)  # writes task dependencies: a table version 2 added
    health = store.health()
    store.close()
    assert health.runs[0].run_id == "old"
    assert health.critical_path[0].task == "toolchain"
    # the version-1 case got its run's start, so the window finds it
    assert ("old.mojo::test_old", "old") in {(b.name, b.since_run) for b in health.broken}
    assert "old.mojo::test_old" in {t.name for t in health.slowest_tests}


def test_a_newer_schema_is_refused_and_left_alone(history_url: str) -> None:
    open_store(history_url).close()
    db = connect(history_url)
    with db.transaction() as tx:
        tx.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.close()
    before = Path(history_url).read_bytes() if "://" not in history_url else b""
    with pytest.raises(HistoryError, match=r"schema version 99.*up to 5; upgrade gauntlet"):
        open_store(history_url)
    if before:
        assert Path(history_url).read_bytes() == before
    db = connect(history_url)
    assert stored_version(db) == 99
    db.close()


def test_a_run_marked_interrupted_is_never_finished_as_passed(history_url: str) -> None:
    store = open_store(history_url)
    run_id = store.start_run(RunInfo("doit", "c", "main"), pid=2**22 + 12345)  # no such process
    store.reap_interrupted()
    store.finish_run(run_id, Outcome.PASSED)
    (run,) = store.health().runs
    store.close()
    assert run.outcome is Outcome.INTERRUPTED


def test_a_run_left_running_on_any_host_is_interrupted_once_stale(history_url: str) -> None:
    store = open_store(history_url, stale_after_s=3600)
    run_id = store.start_run(RunInfo("ci", "c", "main"), started=T0)
    with store.db.transaction() as tx:  # a CI runner that is gone, with a pid alive here
        tx.execute("UPDATE runs SET host = 'runner-17', pid = ? WHERE run_id = ?", (1, run_id))
    assert store.reap_interrupted(now=T0 + 3500) == []
    assert store.reap_interrupted(now=T0 + 3700) == [run_id]
    (run,) = store.health().runs
    store.close()
    assert run.outcome is Outcome.INTERRUPTED


def test_a_pid_reused_by_another_process_does_not_keep_a_run_alive(history_url: str) -> None:
    store = open_store(history_url)
    alive = store.start_run(RunInfo("doit", "c", "main"))  # this process: really running
    reused = store.start_run(RunInfo("doit", "c", "main"))
    with store.db.transaction() as tx:  # the same pid, but a process that started earlier
        tx.execute("UPDATE runs SET proc_start = proc_start - 1 WHERE run_id = ?", (reused,))
    assert store.reap_interrupted() == [reused]
    outcomes = {r.run_id: r.outcome for r in store.health().runs}
    store.close()
    assert outcomes == {alive: Outcome.RUNNING, reused: Outcome.INTERRUPTED}


def test_version_2_runs_gain_a_process_start_and_are_judged_by_pid(history_url: str) -> None:
    db = connect(history_url)
    migrate(db, upto=2)
    host = socket.gethostname()
    with db.transaction() as tx:
        for run_id, pid in (("mine", os.getpid()), ("gone", 2**22 + 12345)):
            tx.execute(
                "INSERT INTO runs VALUES (?, 'ci', 'c0', 'main', 'push', ?, NULL, 'running', ?, ?)",
                (run_id, time.time(), host, pid),
            )
    db.close()
    store = open_store(history_url)
    assert store.schema_version() == 5
    assert store.reap_interrupted() == ["gone"]
    rows = store.db.query("SELECT run_id, proc_start FROM runs ORDER BY run_id")
    store.close()
    assert rows == [("gone", None), ("mine", None)]


def test_a_newly_broken_test_is_broken_since_its_first_failing_run(history_url: str) -> None:
    store = open_store(history_url)
    run_ids = []
    for i in range(10):
        run_id = store.start_run(RunInfo("ci", f"c{i}", "main"), started=T0 + i * 60)
        status = "passed" if i < 5 else "failed"
        case = CaseRow("t.mojo", "test_new", status, 0.1, "no" if i >= 5 else "", f"k{i}")
        store.add_results(run_id, RunResults(cases=(case,)))
        store.finish_run(run_id, Outcome.FAILED, finished=T0 + i * 60 + 5)
        run_ids.append(run_id)
    health = store.health()
    store.close()
    assert health.flaky == ()
    assert [(b.name, b.runs, b.since_run) for b in health.broken] == [
        ("t.mojo::test_new", 5, run_ids[5])
    ]


def test_the_pipeline_failure_rate_counts_interrupted_runs(history_url: str) -> None:
    store = open_store(history_url)
    add_run(store, T0, kind="ci")
    store.start_run(RunInfo("ci", "c", "main"), started=T0 + 60, pid=2**22 + 12345)  # gone
    store.reap_interrupted()
    health = store.health()
    store.close()
    assert health.failure_rate == pytest.approx(0.5)
    assert health.pipeline is not None
    assert (health.pipeline.runs, health.pipeline.failures) == (2, 1)
    assert health.pipeline.failure_rate == pytest.approx(0.5)
    assert len(health.pipeline.series) == 1  # only the run with an end has a duration


def test_the_critical_path_of_a_ci_run_goes_through_its_doit_tasks(history_url: str) -> None:
    store = open_store(history_url)
    run_id = store.start_run(RunInfo("ci", "c", "main"), started=T0)
    stages = (
        TaskRow("nox:lint", "passed", 2.0, 0.0),
        TaskRow("nox:mojo", "passed", 10.0, 2.0),
        TaskRow("nox:gates", "passed", 1.0, 12.0),
    )
    doit = (
        TaskRow("toolchain", "passed", 1.0, 2.5),
        TaskRow("build:pkg", "passed", 5.0, 3.5, deps=("toolchain",)),
        TaskRow("lint:mojo", "passed", 0.5, 3.5),
        TaskRow("test:t.mojo", "passed", 3.0, 8.5, deps=("build:pkg",)),
    )
    store.add_results(run_id, RunResults(tasks=stages))
    store.add_results(run_id, RunResults(tasks=doit))
    store.finish_run(run_id, Outcome.PASSED, finished=T0 + 13.0)
    health = store.health()
    store.close()
    assert [s.task for s in health.critical_path] == [
        "nox:lint",
        "toolchain",
        "build:pkg",
        "test:t.mojo",
        "nox:gates",
    ]
