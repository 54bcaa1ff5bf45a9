"""Test files and their durations from the run history, per file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sharddata import write_suite

from gauntlet.health.model import Outcome
from gauntlet.health.rows import CaseRow, RunInfo, RunResults, TaskRow
from gauntlet.health.store import open_store
from gauntlet.shard.durations import file_durations, python_test_files

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.health.store import Store

PY = ["tests/test_a.py", "tests/sub/test_b.py", "tests/test_a_more.py"]


def _record(store: Store, started: float, cases: list[CaseRow], tasks: list[TaskRow]) -> None:
    results = RunResults(tasks=tuple(tasks), cases=tuple(cases))
    store.record_run(RunInfo("ci"), results, Outcome.PASSED, started=started, finished=started + 1)


def test_python_files_sum_their_tests_and_mojo_files_take_their_task(tmp_path: Path) -> None:
    store = open_store(tmp_path / "history.sqlite3")
    for started, scale in ((100.0, 1.0), (200.0, 3.0)):
        cases = [
            CaseRow("tests.test_a", "test_x", "passed", 1.0 * scale),
            CaseRow("tests.test_a.TestGroup", "test_y", "failed", 0.5 * scale),
            CaseRow("tests.test_a_more (python 3.12)", "test_z", "passed", 4.0),
            CaseRow("tests.test_a_more (python 3.11)", "test_z", "passed", 2.0),
            CaseRow("tests.sub.test_b", "test_s", "skipped", 9.0),
            CaseRow("tests.unknown", "test_u", "passed", 9.0),
        ]
        tasks = [
            TaskRow("test:tests/test_m.mojo", "passed", 6.0 * scale),
            TaskRow("test:tests/test_old.mojo", "skipped", 99.0),  # up to date: did not run
            TaskRow("build:pkg", "passed", 50.0),
        ]
        _record(store, started, cases, tasks)
    found = file_durations(store.db, PY)
    assert found == {
        "python:tests/test_a.py": pytest.approx(2.0 + 1.0),  # means of 1|3 and 0.5|1.5
        "python:tests/test_a_more.py": pytest.approx(3.0),  # mean over the versions
        "mojo:tests/test_m.mojo": pytest.approx(12.0),
    }
    assert file_durations(store.db, PY, runs=1)["mojo:tests/test_m.mojo"] == pytest.approx(18.0)
    store.close()


def test_an_empty_history_knows_no_duration(tmp_path: Path) -> None:
    store = open_store(tmp_path / "history.sqlite3")
    assert file_durations(store.db, PY) == {}
    store.close()


def test_python_test_files_follow_pytest_settings(tmp_path: Path) -> None:
    paths = write_suite(tmp_path, {"test_one": 0.0, "test_two": 0.0})
    (tmp_path / "tests" / "helper.py").write_text("", encoding="utf-8")
    (tmp_path / "tests" / "deep").mkdir()
    (tmp_path / "tests" / "deep" / "x_test.py").write_text("", encoding="utf-8")
    (tmp_path / "tests" / ".hidden").mkdir()
    (tmp_path / "tests" / ".hidden" / "test_no.py").write_text("", encoding="utf-8")
    (tmp_path / "test_outside.py").write_text("", encoding="utf-8")
    assert python_test_files(tmp_path / "pyproject.toml") == sorted(
        [*paths, "tests/deep/x_test.py"]
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npython_files = "check_*.py"\n', encoding="utf-8"
    )
    (tmp_path / "tests" / "check_me.py").write_text("", encoding="utf-8")
    assert python_test_files(tmp_path / "pyproject.toml") == ["tests/check_me.py"]
