"""Recording runs: where the history is, what a run is, the doit reporter, ci and imports."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from doit.task import Task
from gatedata import JUNIT_FAIL, write_results

import gauntlet
from gauntlet.adapters.doit_reporter import reporter_for
from gauntlet.config.load import load_config
from gauntlet.errors import ConfigError
from gauntlet.health.files import bench_rows, folder_results, junit_cases, verdict_rows
from gauntlet.health.importing import import_folder
from gauntlet.health.model import Outcome
from gauntlet.health.record import (
    ENV_RUN,
    Recording,
    doit_outcome,
    history_url,
    open_project_store,
    record_ci_end,
    record_doit,
    run_info,
    stage_row,
    stale_after_s,
)
from gauntlet.health.rows import RunInfo
from gauntlet.health.store import open_store
from gauntlet.results.records import FileResult, Status, TestCase, write_result

SRC = str(Path(gauntlet.__file__).parent.parent)
PYPROJECT = '[project]\nname = "demo"\n\n[tool.gauntlet]\ntimeout = 60\n'
# One benchmark as `gauntlet bench compare --json` reports it (schema 2).
COMPARED_MM = {
    "name": "b.mojo: mm",
    "verdict": "regression",
    "gated": True,
    "change_percent": 12.0,
    "significant": True,
    "reason": "",
}
VERDICT = {
    "schema_version": 1,
    "passed": False,
    "gates": [
        {"gate": "tests", "status": "failed", "measured": "1 failed", "threshold": "0"},
        {"gate": "bandit", "status": "waived", "measured": "1", "threshold": "0"},
    ],
    "waivers": [
        {"gate": "bandit", "finding": None, "reason": "vendored", "expires": "2027-01-01"},
    ],
}


def project(tmp_path: Path, extra: str = "") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + extra, encoding="utf-8")
    return tmp_path


def clean_env(monkeypatch: pytest.MonkeyPatch, history: str | None = None) -> None:
    """No CI variables; the history at ``history`` when given, else the default."""
    for name in ("GAUNTLET_HISTORY_URL", "GAUNTLET_HISTORY", ENV_RUN, "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GITHUB_REF_NAME", raising=False)
    monkeypatch.delenv("GITHUB_EVENT_NAME", raising=False)
    if history is not None:
        monkeypatch.setenv("GAUNTLET_HISTORY_URL", history)


def begin_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, history: str) -> Recording:
    """A project in ``tmp_path`` and a ci run recorded into ``history``."""
    clean_env(monkeypatch, history)
    ci = Recording.begin(load_config(project(tmp_path)), "ci")
    assert ci is not None
    return ci


def test_the_history_is_in_the_repository_by_default(tmp_path: Path) -> None:
    config = load_config(project(tmp_path))
    assert history_url(config, {}) == str(tmp_path / ".gauntlet" / "history.sqlite3")
    url = "postgresql://ci:pw@db/h"  # pragma: allowlist secret
    assert history_url(config, {"GAUNTLET_HISTORY_URL": url}) == url


def test_a_sqlite_url_in_the_configuration_is_under_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(
        tmp_path / "repo", '\n[tool.gauntlet.history]\nurl = "sqlite:///rel/h.sqlite3"\n'
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    store = open_project_store(load_config(root), {})
    store.close()
    assert (root / "rel" / "h.sqlite3").is_file()
    assert store.name == str(root / "rel" / "h.sqlite3")
    absolute = load_config(
        project(root, f'\n[tool.gauntlet.history]\nurl = "sqlite:///{root}/a"\n')
    )
    assert history_url(absolute, {}) == f"{root}/a"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('url = "hist/h.sqlite3"', "hist/h.sqlite3"),
        ('url = "postgresql://ci@db:5432/history"', "postgresql://ci@db:5432/history"),
    ],
)
def test_the_history_url_from_configuration(tmp_path: Path, table: str, expected: str) -> None:
    config = load_config(project(tmp_path, f"\n[tool.gauntlet.history]\n{table}\n"))
    found = history_url(config, {})
    assert found == (expected if "://" in expected else str(tmp_path / expected))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('uri = "x"', r"pyproject.toml:8: \[tool.gauntlet.history\] 'uri': unknown key"),
        ("url = 3", r"pyproject.toml:8: \[tool.gauntlet.history\] 'url': expected a path"),
        ('url = "mysql://db/h"', r":8: .*'url': unsupported scheme 'mysql'"),
    ],
)
def test_bad_history_configuration_names_file_line_and_key(
    tmp_path: Path, table: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):  # caught when the configuration loads
        history_url(load_config(project(tmp_path, f"\n[tool.gauntlet.history]\n{table}\n")), {})


def test_history_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"pyproject.toml:6: \[tool.gauntlet\] 'history'"):
        history_url(load_config(project(tmp_path, 'history = "x"\n')), {})


def test_run_info_from_ci_variables_or_git(tmp_path: Path) -> None:
    env = {"GITHUB_SHA": "abc", "GITHUB_REF_NAME": "main", "GITHUB_EVENT_NAME": "push"}
    assert run_info("ci", tmp_path, env) == RunInfo("ci", "abc", "main", "push")
    assert run_info("ci", tmp_path, {}) == RunInfo("ci", "", "", "local")  # not a repository
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "-b", "feature"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    assert run_info("doit", tmp_path, {}) == RunInfo("doit", head.stdout.strip(), "feature")


def mojo_result(folder: Path, file: str, status: Status) -> Path:
    path = folder / "results" / "mojo" / (file.replace("/", "__") + ".json")
    case = TestCase("test_x", file, status, 0.2, "boom" if status is not Status.PASSED else "")
    write_result(path, FileResult(file, "key-" + file, (case,)))
    return path


def run_reporter(config_root: Path, outputs: dict[str, Path]) -> dict[str, Any]:
    """Drive the doit reporter as doit does: initialize, run tasks, complete."""
    config = load_config(config_root)
    record_path = config_root / ".gauntlet" / "runs" / "last-doit-run.json"
    reporter = reporter_for(record_path, config)(io.StringIO(), {})
    tasks = {
        "toolchain": Task("toolchain", actions=[lambda: None]),
        "test:a.mojo": Task("test:a.mojo", actions=[lambda: None], task_dep=["toolchain"]),
        "test:b.mojo": Task("test:b.mojo", actions=[lambda: None], task_dep=["toolchain"]),
        "report": Task("report", actions=[lambda: None], task_dep=["test:a.mojo"]),
    }
    reporter.initialize(tasks, list(tasks))
    for name in ("toolchain", "test:a.mojo", "test:b.mojo"):
        task = tasks[name]
        reporter.execute_task(task)
        status = "failed" if name == "test:b.mojo" else "passed"
        task.values = {"status": status, "output": str(outputs[name])} if name in outputs else {}
        reporter.add_success(task)
    reporter.skip_uptodate(tasks["report"])
    reporter.complete_run()
    record: dict[str, Any] = json.loads(record_path.read_text(encoding="utf-8"))
    return record


def test_a_doit_run_is_recorded_from_the_reporter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, history_url: str
) -> None:
    clean_env(monkeypatch, history_url)  # SQLite, then PostgreSQL
    root = project(tmp_path)
    out = root / ".gauntlet"
    outputs = {
        "test:a.mojo": mojo_result(out, "a.mojo", Status.PASSED),
        "test:b.mojo": mojo_result(out, "b.mojo", Status.FAILED),
    }
    record = run_reporter(root, outputs)
    assert record["tasks"][1]["deps"] == ["toolchain"]
    assert record["tasks"][1]["start_s"] >= 0
    store = open_project_store(load_config(root))
    health = store.health()
    store.close()
    (run,) = health.runs
    assert (run.kind, run.outcome, run.failed_tasks) == ("doit", Outcome.FAILED, ("test:b.mojo",))
    assert {t.name for t in health.tasks} == {"toolchain", "test:a.mojo", "test:b.mojo"}
    assert [b.name for b in health.broken] == ["b.mojo::test_x"]
    assert {s.task for s in health.critical_path} <= {"toolchain", "test:a.mojo", "test:b.mojo"}
    assert health.critical_path[0].start_s >= 0


def test_a_doit_run_inside_ci_adds_to_the_ci_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, history_url: str
) -> None:
    ci = begin_ci(tmp_path, monkeypatch, history_url)  # SQLite, then PostgreSQL
    root = tmp_path
    config = load_config(root)
    monkeypatch.setenv(ENV_RUN, ci.run_id)
    outputs = {"test:a.mojo": mojo_result(root / ".gauntlet", "a.mojo", Status.PASSED)}
    run_reporter(root, outputs)
    monkeypatch.delenv(ENV_RUN)
    results = write_results(root / ".gauntlet" / "results")
    (results / "gates").mkdir()
    (results / "gates" / "verdict.json").write_text(json.dumps(VERDICT), encoding="utf-8")
    stages = [stage_row("lint", ci.started + 1, ci.started, 2.0, True)]
    stages.append(stage_row("tests", ci.started + 3, ci.started, 5.0, False))
    record_ci_end(ci, results, stages, ok=False)
    store = open_project_store(config)
    health = store.health()
    counts = store.counts()
    store.close()
    (run,) = health.runs
    assert (run.kind, run.outcome) == ("ci", Outcome.FAILED)
    names = {t.name for t in health.tasks}
    assert {"nox:lint", "nox:tests", "test:a.mojo", "toolchain"} <= names
    assert counts["test_cases"] == 1 + 3  # the Mojo case from doit, the Python ones from JUnit
    assert health.coverage[0].line_percent == pytest.approx(95.0)
    assert [(g.gate, g.status) for g in health.gates] == [("tests", "fail"), ("bandit", "waived")]
    assert health.waivers == ("bandit: vendored (expires 2027-01-01)",)


def test_recording_is_off_or_warns_but_never_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env(monkeypatch)
    config = load_config(project(tmp_path))
    assert Recording.begin(config, "doit", {"GAUNTLET_HISTORY": "off"}) is None
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"garbage" * 100)
    assert Recording.begin(config, "doit", {"GAUNTLET_HISTORY_URL": str(bad)}) is None
    assert "warning: run history:" in capsys.readouterr().err
    recording = Recording.begin(config, "doit")
    assert recording is not None
    recording.store.close()  # a history that went away mid-run
    recording.add(folder_results(tmp_path)[0], ["one unreadable file"])
    recording.finish(Outcome.PASSED)
    err = capsys.readouterr().err
    assert "one unreadable file" in err
    assert err.count("warning: run history:") == 3


def test_importing_a_results_folder(tmp_path: Path, history_url: str) -> None:
    folder = write_results(tmp_path / "job" / "results")
    (folder / "python" / "junit-python-3.12.xml").write_text(JUNIT_FAIL, encoding="utf-8")
    (folder / "python" / "junit-broken.xml").write_text("<oops", encoding="utf-8")
    bench = folder / "mojo-build" / "bench"
    bench.mkdir(parents=True)
    raw = {"ok": True, "file": "b.mojo", "rows": [{"name": "mm", "met (ms)": 1.5, "iters": 9.0}]}
    (bench / "b.json").write_text(json.dumps(raw), encoding="utf-8")
    (folder / "bench-comparison.json").write_text(
        json.dumps({"schema_version": 2, "benchmarks": [COMPARED_MM]}),
        encoding="utf-8",
    )
    (folder / "junit-mojo.xml").write_text(JUNIT_FAIL.replace("tests.test_b", "t.mojo"), "utf-8")
    runs = folder / "runs"
    runs.mkdir()
    record = {"started_at": 1.0, "tasks": [{"name": "toolchain", "status": "up-to-date"}]}
    (runs / "last-doit-run.json").write_text(json.dumps(record), encoding="utf-8")
    (folder / "pipeline.json").write_text(json.dumps({"started_at": 100.0}), encoding="utf-8")
    store = open_store(history_url)
    run_id, problems, _ = import_folder(store, folder, RunInfo("import", "c9", "main", "push"))
    health = store.health()
    assert len(problems) == 1
    assert "junit-broken.xml: malformed JUnit XML" in problems[0]
    (run,) = health.runs
    assert (run.run_id, run.commit, run.outcome) == (run_id, "c9", Outcome.FAILED)
    assert run.started.timestamp() == 100.0
    assert [b.name for b in health.broken] == [
        "t.mojo::test_bad",
        "tests.test_b (python 3.12)::test_bad",
    ]
    assert [s.name for s in health.benchmarks] == ["b.mojo: mm"]
    assert health.benchmarks[0].points[0].regression is True
    with pytest.raises(ConfigError, match="no such folder"):
        import_folder(store, tmp_path / "nope", RunInfo("import"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="no result files"):
        import_folder(store, tmp_path / "empty", RunInfo("import"))
    store.close()


@pytest.mark.parametrize(
    ("files", "named"),
    [
        ({"python/junit-python-3.12.xml": "<oops"}, ["junit-python-3.12.xml: malformed JUnit"]),
        ({"notes.txt": "hello"}, ["files found: notes.txt"]),
        (
            {"junit-x.xml": "<", "runs/last-doit-run.json": "{", "a.log": ""},
            ["junit-x.xml: malformed JUnit", "last-doit-run.json: malformed doit run record"],
        ),
    ],
)
def test_a_folder_with_nothing_readable_is_recorded_as_no_data(
    tmp_path: Path, history_url: str, files: dict[str, str], named: list[str]
) -> None:
    folder = tmp_path / "job"
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    store = open_store(history_url)
    imported = import_folder(store, folder, RunInfo("import", "c1"))
    (run,) = store.health().runs
    store.close()
    assert (run.run_id, run.outcome.value) == (imported[0], "no-data")
    _, problems, outcome = imported
    assert outcome is Outcome.NO_DATA
    said = "\n".join(problems)
    for name in named:
        assert name in said
    assert "recorded as no data" in problems[-1]
    assert all(rel in problems[-1] for rel in files)


def test_result_file_readers_name_what_they_cannot_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(Exception, match="malformed benchmark run"):
        bench_rows(bad)
    with pytest.raises(Exception, match="malformed gate verdict"):
        verdict_rows(bad)
    junit = tmp_path / "junit-x.xml"
    junit.write_text(JUNIT_FAIL, encoding="utf-8")
    cases = junit_cases(junit)
    assert [(c.name, c.status) for c in cases] == [("test_ok", "passed"), ("test_bad", "failed")]
    assert cases[1].message == "assert 1 == 2"
    failed = tmp_path / "results"
    (failed / "gates").mkdir(parents=True)
    (failed / "gates" / "verdict.json").write_text("[]", encoding="utf-8")
    (failed / "coverage.json").write_text("{}", encoding="utf-8")
    (failed / "bench").mkdir()
    (failed / "bench" / "x.json").write_text(json.dumps({"ok": False}), encoding="utf-8")
    (failed / "mojo").mkdir()
    (failed / "mojo" / "t.json").write_text("{}", encoding="utf-8")
    results, problems, passed = folder_results(failed)
    assert passed is None
    assert results.benchmarks == ()
    assert len(problems) == 3  # verdict, coverage, the Mojo result


def test_a_doit_run_with_everything_up_to_date_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_env(monkeypatch)
    root = project(tmp_path)
    config = load_config(root)
    reporter = reporter_for(root / ".gauntlet" / "runs" / "last-doit-run.json", config)(
        io.StringIO(), {}
    )
    task = Task("toolchain", actions=[lambda: None])
    reporter.initialize({"toolchain": task}, ["toolchain"])
    reporter.skip_uptodate(task)
    reporter.complete_run()
    store = open_project_store(config)
    counts = store.counts()
    store.close()
    assert counts["runs"] == 0


def test_a_locked_history_is_a_warning_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env(monkeypatch)
    monkeypatch.setattr("gauntlet.health.sqlite.BUSY_TIMEOUT_S", 0.1)
    config = load_config(project(tmp_path))
    path = tmp_path / ".gauntlet" / "history.sqlite3"
    open_store(path).close()
    running = Recording.begin(config, "doit")
    assert running is not None
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    assert Recording.begin(config, "doit") is None
    running.mark_regressions(frozenset({"b.mojo: mm"}))
    holder.execute("ROLLBACK")
    holder.close()
    running.discard()
    err = capsys.readouterr().err
    assert err.count("another process held it") == 2


DODO_SLEEPS = """
import sys, time
from pathlib import Path

from doit.doit_cmd import DoitMain
from doit.cmd_base import ModuleTaskLoader

from gauntlet.config.load import load_config
from gauntlet.adapters.doit_reporter import reporter_for

ROOT = Path(sys.argv[1])


def task_quick():
    return {"actions": [lambda: None], "verbosity": 0}


def sleeps():
    (ROOT / "started").write_text("yes")
    time.sleep(60)


def task_slow():
    return {"actions": [sleeps], "task_dep": ["quick"], "verbosity": 0}


DOIT_CONFIG = {
    "reporter": reporter_for(ROOT / ".gauntlet" / "runs" / "last.json", load_config(ROOT)),
    "dep_file": str(ROOT / ".doit.db"),
}
sys.exit(DoitMain(ModuleTaskLoader(globals())).run(["slow"]))
"""


def test_a_doit_run_stopped_with_ctrl_c_is_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, history_url: str
) -> None:
    clean_env(monkeypatch)
    root = project(tmp_path)
    script = root / "dodo_sleeps.py"
    script.write_text(DODO_SLEEPS, encoding="utf-8")
    env = {**os.environ, "GAUNTLET_HISTORY_URL": history_url, "PYTHONPATH": SRC}
    with subprocess.Popen(
        [sys.executable, str(script), str(root)], env=env, stderr=subprocess.PIPE, text=True
    ) as process:
        deadline = time.monotonic() + 60
        while not (root / "started").exists() and process.poll() is None:
            assert time.monotonic() < deadline, "the slow task never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    store = open_store(history_url)
    (run,) = store.health().runs
    store.close()
    assert run.outcome is Outcome.INTERRUPTED


@pytest.mark.parametrize(
    ("ended", "outcome"), [("interrupted", Outcome.INTERRUPTED), ("error", Outcome.ERROR)]
)
def test_a_doit_run_that_did_not_end_is_never_passed(ended: str, outcome: Outcome) -> None:
    record = {"tasks": [{"name": "a", "status": "executed", "values": {}}], "ended": ended}
    assert doit_outcome(record) is outcome
    assert doit_outcome({"tasks": record["tasks"]}) is Outcome.PASSED


def test_stale_after_from_configuration(tmp_path: Path) -> None:
    assert stale_after_s(load_config(project(tmp_path))) == 6 * 3600
    config = load_config(project(tmp_path, "\n[tool.gauntlet.history]\nstale-after = 1.5\n"))
    assert stale_after_s(config) == 5400
    store = open_project_store(config, {"GAUNTLET_HISTORY_URL": str(tmp_path / "h.sqlite3")})
    store.close()
    assert store.stale_after_s == 5400
    bad = '\n[tool.gauntlet.history]\nstale-after = "2h"\n'
    with pytest.raises(ConfigError, match=r":8: .*'stale-after': expected a number of hours"):
        stale_after_s(load_config(project(tmp_path, bad)))


def test_a_ci_run_records_each_benchmark_once_with_its_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, history_url: str
) -> None:
    ci = begin_ci(tmp_path, monkeypatch, history_url)  # SQLite, then PostgreSQL
    root = tmp_path
    config = load_config(root)
    results = root / ".gauntlet" / "results"
    (results / "bench").mkdir(parents=True)
    raw = {"ok": True, "file": "b.mojo", "rows": [{"name": "mm", "met (ms)": 1.5}]}
    (results / "bench" / "b.json").write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setenv(ENV_RUN, ci.run_id)
    doit = Recording.begin(config, "doit")
    assert doit is not None
    task = {"name": "benchmark:b.mojo", "status": "executed", "seconds": 1.0, "start_s": 0.0}
    task["values"] = {"output": str(results / "bench" / "b.json")}
    record_doit(doit, {"started_at": ci.started, "tasks": [task]})
    monkeypatch.delenv(ENV_RUN)
    (results / "bench-comparison.json").write_text(
        json.dumps({"schema_version": 2, "benchmarks": [COMPARED_MM]}), encoding="utf-8"
    )
    record_ci_end(ci, results, [], ok=False)
    store = open_project_store(config)
    health = store.health()
    store.close()
    (series,) = health.benchmarks
    assert [(p.value, p.regression) for p in series.points] == [(1.5, True)]


def test_a_test_failing_on_one_python_version_only_is_not_flaky(
    tmp_path: Path, history_url: str
) -> None:
    passing = JUNIT_FAIL.replace('<failure message="assert 1 == 2">', "").replace(
        "AssertionError</failure>", ""
    )
    store = open_store(history_url)
    for job in ("job1", "job2"):  # two runs of one commit, each a 3.11 + 3.12 matrix
        folder = tmp_path / job
        (folder / "python").mkdir(parents=True)
        (folder / "python" / "junit-python-3.11.xml").write_text(passing, encoding="utf-8")
        (folder / "python" / "junit-python-3.12.xml").write_text(JUNIT_FAIL, encoding="utf-8")
        import_folder(store, folder, RunInfo("import", "c1", "main", "push"))
    health = store.health()
    store.close()
    assert health.flaky == ()
    assert [b.name for b in health.broken] == ["tests.test_b (python 3.12)::test_bad"]


DODO_KILLED = """
import sys, time
from pathlib import Path

from doit.doit_cmd import DoitMain
from doit.cmd_base import ModuleTaskLoader

from gauntlet.config.load import load_config
from gauntlet.adapters.doit_reporter import reporter_for
from gauntlet.results.records import FileResult, Status, TestCase, write_result

ROOT = Path(sys.argv[1])


def passes():
    path = ROOT / ".gauntlet" / "results" / "mojo" / "a.mojo.json"
    case = TestCase("test_x", "a.mojo", Status.PASSED, 0.2, "")
    write_result(path, FileResult("a.mojo", "key-a", (case,)))
    return {"status": "passed", "output": str(path)}


def task_test():
    yield {"name": "a.mojo", "actions": [passes], "verbosity": 0}


def hangs():
    (ROOT / "started").write_text("yes")
    time.sleep(60)


def task_slow():
    return {"actions": [hangs], "task_dep": ["test"], "verbosity": 0}


DOIT_CONFIG = {
    "reporter": reporter_for(ROOT / ".gauntlet" / "runs" / "last.json", load_config(ROOT)),
    "dep_file": str(ROOT / ".doit.db"),
}
sys.exit(DoitMain(ModuleTaskLoader(globals())).run(["slow"]))
"""


def test_a_killed_doit_run_reads_as_interrupted_with_the_tests_it_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, history_url: str
) -> None:
    clean_env(monkeypatch)
    root = project(tmp_path)
    script = root / "dodo_killed.py"
    script.write_text(DODO_KILLED, encoding="utf-8")
    env = {**os.environ, "GAUNTLET_HISTORY_URL": history_url, "PYTHONPATH": SRC}
    with subprocess.Popen([sys.executable, str(script), str(root)], env=env) as process:
        deadline = time.monotonic() + 60
        while not (root / "started").exists() and process.poll() is None:
            assert time.monotonic() < deadline, "the slow task never started"
            time.sleep(0.05)
        process.kill()  # SIGKILL: nothing at the run's end happens
    store = open_store(history_url)  # a reader, before any other run starts
    (run,) = store.health().runs
    tasks = store.db.query("SELECT name, status FROM tasks")
    cases = store.db.query("SELECT suite, name, status FROM test_cases")
    store.close()
    assert run.outcome is Outcome.INTERRUPTED
    assert [tuple(t) for t in tasks] == [("test:a.mojo", "passed")]
    assert [tuple(c) for c in cases] == [("a.mojo", "test_x", "passed")]
