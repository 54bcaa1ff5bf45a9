"""End-to-end: the doit graph on small real Mojo projects, compiled for real."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING

import pytest
from conftest import SUITE_MAIN, WriteTree, enter_project
from doitrun import executed, result, run_doit

from gauntlet.results.records import Status, read_result

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.run import toolchain

pytestmark = pytest.mark.slow


def _suite(body: str) -> str:
    return textwrap.dedent(body).lstrip() + SUITE_MAIN


PROJECT = {
    "pyproject.toml": """
        [tool.gauntlet]
        timeout = 60
        executables = ["src/app.mojo"]
    """,
    "src/app.mojo": "from mathx import add\n\n\ndef main():\n    print(add(40, 2))\n",
    "src/mathx/__init__.mojo": "from .core import add\n",
    "src/mathx/core.mojo": "def add(a: Int, b: Int) -> Int:\n    return a + b\n",
    "src/mathx/extra.mojo": "def triple(a: Int) -> Int:\n    return 3 * a\n",
    "tests/test_add.mojo": _suite("""
        from std.testing import assert_equal, TestSuite
        from mathx.core import add


        def test_add() raises:
            assert_equal(add(2, 3), 5)


        def test_add_negative() raises:
            assert_equal(add(-2, 1), -1)
    """),
    "tests/test_extra.mojo": _suite("""
        from std.testing import assert_equal, TestSuite
        from mathx.extra import triple


        def test_triple() raises:
            assert_equal(triple(3), 9)
    """),
    "tests/test_legacy.mojo": """
        from mathx import add


        def main() raises:
            if add(1, 1) == 2:
                print("✓ test_one_plus_one")
            else:
                print("✗ test_one_plus_one")
            print("Results: 1 / 1 passed, 0 failed")
    """,
    "benchmarks/bench_add.mojo": """
        from std.benchmark import Bench, BenchConfig, Bencher, BenchId, keep
        from mathx import add


        def bench_add(mut b: Bencher) raises:
            def call() raises:
                keep(add(1, 2))

            b.iter(call)


        def main() raises:
            var bench = Bench(BenchConfig(max_iters=20, max_runtime_secs=0.2))
            bench.bench_function(bench_add, BenchId("add"))
            bench.dump_report()
    """,
}


@pytest.fixture
def project(
    write_tree: WriteTree, mojo: toolchain.Toolchain, monkeypatch: pytest.MonkeyPatch
) -> Path:
    return enter_project(write_tree, PROJECT, monkeypatch)


def test_cold_run_then_nothing_then_exactly_the_affected(project: Path) -> None:
    code, record = run_doit(project)
    assert code == 0, record
    app = subprocess.run(
        [str(project / ".gauntlet/build/bin/app")], capture_output=True, text=True, check=True
    )
    assert app.stdout.strip() == "42"
    assert {
        "build:mathx",
        "test:tests/test_add.mojo",
        "test:tests/test_extra.mojo",
        "test:tests/test_legacy.mojo",
        "benchmark:benchmarks/bench_add.mojo",
        "report",
    } <= executed(record)
    add = result(project, "tests/test_add.mojo")
    assert [(c.name, c.status) for c in add.cases] == [
        ("test_add", Status.PASSED),
        ("test_add_negative", Status.PASSED),
    ]
    legacy = result(project, "tests/test_legacy.mojo")
    assert [(c.name, c.status) for c in legacy.cases] == [("test_one_plus_one", Status.PASSED)]
    summary = json.loads((project / ".gauntlet/results/summary.json").read_text())
    assert summary["totals"]["passed"] == 4
    junit = (project / ".gauntlet/results/junit-mojo.xml").read_text()
    assert 'name="test_add_negative"' in junit
    bench = json.loads(
        (project / ".gauntlet/results/bench/benchmarks__bench_add.mojo.json").read_text()
    )
    assert bench["ok"]
    assert bench["rows"][0]["name"] == "add"

    code, record = run_doit(project)
    assert code == 0
    assert executed(record) == set()

    # mtime only: nothing reruns
    os.utime(project / "src/mathx/extra.mojo", (time.time() + 5, time.time() + 5))
    code, record = run_doit(project)
    assert executed(record) == set()

    # a comment is a content change: exactly the closure of extra.mojo reruns
    extra = project / "src/mathx/extra.mojo"
    extra.write_text(extra.read_text() + "# tweak\n", encoding="utf-8")
    code, record = run_doit(project)
    assert code == 0
    assert executed(record) == {"build:mathx", "test:tests/test_extra.mojo", "report"}
    # core.mojo is reached by `from mathx.core import`, by `from mathx import add`
    # (the package's __init__ re-exports it) but not by `from mathx.extra import`,
    # which only parses mathx/__init__.mojo
    core = project / "src/mathx/core.mojo"
    core.write_text(core.read_text() + "\n\ndef unused() -> Int:\n    return 0\n")
    code, record = run_doit(project)
    assert executed(record) == {
        "build:mathx",
        "build:src/app.mojo",
        "test:tests/test_add.mojo",
        "test:tests/test_legacy.mojo",
        "benchmark:benchmarks/bench_add.mojo",
        "report",
    }


def test_failures_errors_and_the_report(project: Path) -> None:
    (project / "tests/test_broken.mojo").write_text(
        'from std.testing import TestSuite\n\ndef test_x() raises:\n    var y: Int = "no"\n'
        + SUITE_MAIN,
        encoding="utf-8",
    )
    (project / "tests/test_missing.mojo").write_text(
        "from std.testing import TestSuite\nfrom nosuch.module import f\n" + SUITE_MAIN,
        encoding="utf-8",
    )
    (project / "tests/test_fails.mojo").write_text(
        "from std.testing import assert_equal, TestSuite\n\n"
        "def test_bad() raises:\n    assert_equal(1, 2)\n\n"
        "def test_good() raises:\n    assert_equal(1, 1)\n" + SUITE_MAIN,
        encoding="utf-8",
    )
    code, record = run_doit(project, "test", "report")
    assert code == 1
    broken = result(project, "tests/test_broken.mojo")
    assert broken.status is Status.ERROR
    assert broken.cases[0].line == 4
    assert "compile error at" in broken.cases[0].message
    missing = result(project, "tests/test_missing.mojo")
    assert missing.status is Status.ERROR
    assert missing.cases[0].line == 2
    fails = result(project, "tests/test_fails.mojo")
    assert [(c.name, c.status) for c in fails.cases] == [
        ("test_bad", Status.FAILED),
        ("test_good", Status.PASSED),
    ]
    assert fails.cases[0].line == 4
    assert result(project, "tests/test_add.mojo").status is Status.PASSED  # others still ran
    summary = json.loads((project / ".gauntlet/results/summary.json").read_text())
    assert summary["totals"] == {"passed": 5, "skipped": 0, "failed": 1, "error": 2, "total": 8}
    # failed tasks are never up to date; passing ones are
    code, record = run_doit(project, "test")
    assert {"test:tests/test_broken.mojo", "test:tests/test_fails.mojo"} <= executed(record)
    assert "test:tests/test_add.mojo" not in executed(record)


def test_hanging_test_is_killed_at_its_timeout(project: Path) -> None:
    config = project / "pyproject.toml"
    config.write_text("[tool.gauntlet]\ntimeout = 30\n", encoding="utf-8")
    (project / "tests/test_hang.mojo").write_text(
        'from std.time import sleep\n\ndef main() raises:\n    print("waiting")\n'
        "    sleep(600.0)\n",
        encoding="utf-8",
    )
    code, _ = run_doit(project, "test:tests/test_hang.mojo")
    hang = result(project, "tests/test_hang.mojo")
    assert hang.status is Status.ERROR
    assert hang.cases[-1].message == "timed out after 30 s and was killed"
    assert "waiting" in hang.cases[-1].detail
    assert code == 1  # the item recorded its outcome, and the run reports it
    code, _ = run_doit(project, "test")
    assert code == 1


def test_interrupted_run_leaves_nothing_taken_as_done(project: Path) -> None:
    (project / "tests/test_sleepy.mojo").write_text(
        _suite("""
        from std.testing import assert_equal, TestSuite
        from std.time import sleep


        def test_sleepy() raises:
            sleep(8.0)
            assert_equal(1, 1)
    """),
        encoding="utf-8",
    )
    (project / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n")
    doit = [sys.executable, "-m", "doit", "-f", str(project / "dodo.py")]
    binaries = project / ".gauntlet/build/tests/tests__test_sleepy.mojo"
    process = subprocess.Popen(
        [*doit, "test:tests/test_sleepy.mojo"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while not list(binaries.glob("*/test_sleepy")) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # the test program is running now
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 130, out
    assert b"Traceback" not in out
    assert b"interrupted; unfinished tasks wrote no results" in out
    result_file = project / ".gauntlet/results/mojo/tests__test_sleepy.mojo.json"
    assert not result_file.exists()
    done = subprocess.run(
        [*doit, "test:tests/test_sleepy.mojo"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert read_result(result_file).status is Status.PASSED


def test_compiler_switch_reruns_everything_and_switching_back_reuses_binaries(
    project: Path, mojo: toolchain.Toolchain, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same real compiler under two configured identities ("1.2.0" and "1.2"
    # both match what it reports), so the switch costs no second 700 MB install.
    monkeypatch.setenv("GAUNTLET_MOJO", str(mojo.mojo))
    code, _ = run_doit(project)
    assert code == 0
    assert result(project, "tests/test_extra.mojo").compile_s > 0
    config = project / "pyproject.toml"
    text = config.read_text()
    config.write_text(text.replace("[tool.gauntlet]", "[tool.gauntlet]\nmojo-version = '1.2'"))
    _, record = run_doit(project)
    assert {
        "build:mathx",
        "build:src/app.mojo",
        "test:tests/test_add.mojo",
        "test:tests/test_extra.mojo",
        "test:tests/test_legacy.mojo",
        "benchmark:benchmarks/bench_add.mojo",
        "report",
    } <= executed(record)
    assert result(project, "tests/test_extra.mojo").toolchain == "mojo 1.2"
    config.write_text(text, encoding="utf-8")
    _, record = run_doit(project, "test")
    assert len(executed(record)) == 3  # every test file runs again...
    for name in ("tests/test_add.mojo", "tests/test_extra.mojo", "tests/test_legacy.mojo"):
        assert result(project, name).compile_s == 0.0  # ...from the binary built before
        assert result(project, name).toolchain == "mojo 1.2.0"


def test_two_doit_runs_at_once_on_one_project(project: Path) -> None:
    (project / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n")
    doit = [sys.executable, "-m", "doit", "-f", str(project / "dodo.py"), "-n", "2"]
    runs = [
        subprocess.Popen(doit, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    for name in ("tests/test_add.mojo", "tests/test_extra.mojo", "tests/test_legacy.mojo"):
        assert result(project, name).status is Status.PASSED
    code, record = run_doit(project)
    assert code == 0
    assert executed(record) == set()  # the state both runs left behind is consistent
