"""End-to-end: doit runs on a small real Mojo project recorded in the history."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SUITE_MAIN, WriteTree

import gauntlet
from gauntlet.health.model import Outcome
from gauntlet.health.store import open_store
from gauntlet.run import toolchain

pytestmark = pytest.mark.slow

PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\ntimeout = 120\n",
    "dodo.py": "from gauntlet.dodo import *  # noqa: F403\n",
    "src/mathx/__init__.mojo": "def add(a: Int, b: Int) -> Int:\n    return a + b\n",
    "tests/test_math.mojo": textwrap.dedent("""
        from std.testing import assert_equal, TestSuite
        from mathx import add


        def test_add() raises:
            assert_equal(add(2, 3), 5)


        def test_wrong() raises:
            assert_equal(add(2, 2), 5)
    """).lstrip()
    + SUITE_MAIN,
}


def doit(root: Path, *args: str) -> int:
    src = str(Path(gauntlet.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": src, "NO_COLOR": "1"}
    for name in ("GAUNTLET_HISTORY_URL", "GAUNTLET_HISTORY", "GAUNTLET_RUN_ID"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "doit", "-f", "dodo.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    return done.returncode


def test_doit_runs_are_recorded_with_tasks_tests_and_dependencies(
    write_tree: WriteTree, mojo: toolchain.Toolchain
) -> None:
    root = write_tree(PROJECT)
    assert doit(root, "test", "report") == 1
    assert doit(root, "-a", "test", "report") == 1  # forced: the tests run again
    store = open_store(root / ".gauntlet" / "history.sqlite3")
    health = store.health()
    deps = store.db.query(
        "SELECT task, dep FROM task_deps WHERE task = 'test:tests/test_math.mojo'"
    )
    store.close()
    assert [r.outcome for r in health.runs] == [Outcome.FAILED, Outcome.FAILED]
    assert all(r.kind == "doit" and r.finished is not None for r in health.runs)
    assert set(health.runs[0].failed_tasks) == {"test:tests/test_math.mojo", "test", "report"}
    assert [b.name for b in health.broken] == ["tests/test_math.mojo::test_wrong"]
    assert health.broken[0].runs == 2
    assert "assert" in health.broken[0].message.lower()
    assert health.flaky == ()
    assert {"toolchain", "test:tests/test_math.mojo", "report"} <= {t.name for t in health.tasks}
    assert ("test:tests/test_math.mojo", "toolchain") in deps
    assert health.critical_path[-1].task in {"report", "test"}
    assert health.critical_path[0].start_s >= 0.0
