"""Exit codes of doit runs: a failing result ends the run with 1 and never blocks the report.

The fast tests run real doit, in this process and in a subprocess, on small
task sets that use gauntlet's reporter (items that record a result, as gauntlet's
test items do) and on a gauntlet project; the slow one compiles a failing Mojo test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import SUITE_MAIN, WriteTree, enter_project
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
from doit.exceptions import TaskError
from junitschema import assert_valid_junit

import gauntlet
import gauntlet.dodo
from gauntlet.adapters.doit_reporter import reporter_for

if TYPE_CHECKING:
    from gauntlet.run import toolchain


def _tasks(record: Path) -> dict[str, Any]:
    """Items that record a result and succeed, an aggregate, and a report after them."""

    def item(status: str) -> dict[str, Any]:
        return {"status": status, "counts": {status: 1}, "failures": []}

    def broken() -> TaskError:
        return TaskError("the tool could not run")

    def task_item() -> Any:
        for name, status in (("good", "passed"), ("bad", "failed"), ("crash", "error")):
            yield {"name": name, "actions": [(item, [status])], "verbosity": 0}
        yield {"name": "tool", "actions": [broken], "verbosity": 0}

    def task_report() -> dict[str, Any]:
        def write() -> dict[str, Any]:
            (record.parent / "report-ran").write_text("yes", encoding="utf-8")
            return {"status": "passed", "message": "report written"}

        return {"actions": [write], "task_dep": ["item:good", "item:bad"]}

    return {
        "DOIT_CONFIG": {
            "reporter": reporter_for(record),
            "dep_file": str(record.parent / "state.sqlite3"),
            "backend": "sqlite3",
            "continue": True,
        },
        "task_item": task_item,
        "task_report": task_report,
    }


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    outfile = {"GLOBAL": {"outfile": sys.stdout}}
    loader = ModuleTaskLoader(_tasks(tmp_path / "run.json"))
    code = DoitMain(loader, extra_config=outfile).run(["--always-execute", *args])
    return code, capsys.readouterr().out


def test_an_item_with_a_failed_result_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(tmp_path, capsys, "item:bad")
    assert code == 1, out  # was 0: the item recorded its failure and succeeded
    assert "✗ item:bad" in out
    assert "0 failed" not in out
    assert "1 task(s) ran, 0 up to date, 1 failed" in out
    assert _run(tmp_path, capsys, "item:crash")[0] == 1  # an errored result too
    code, out = _run(tmp_path, capsys, "item:good")
    assert code == 0
    assert "1 task(s) ran, 0 up to date, 0 failed" in out


def test_a_failed_result_never_blocks_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(tmp_path, capsys, "report")
    assert code == 1, out
    assert (tmp_path / "report-ran").read_text(encoding="utf-8") == "yes"
    assert "3 task(s) ran, 0 up to date, 1 failed" in out
    record = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert {t["name"]: t["status"] for t in record["tasks"]}["report"] == "executed"


def test_a_tool_error_keeps_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(tmp_path, capsys, "item:bad", "item:tool")
    assert code == 2, out  # doit's own code for an error is not lowered to 1
    assert "1 task(s) ran, 0 up to date, 2 failed" in out


@pytest.mark.parametrize("parallel", [[], ["-n", "2", "-P", "thread"]], ids=["serial", "n2"])
def test_doit_process_exits_1_for_a_failed_item(tmp_path: Path, parallel: list[str]) -> None:
    dodo = tmp_path / "dodo.py"
    dodo.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from pathlib import Path\n"
        "from test_doit_exit import _tasks\n"
        "globals().update(_tasks(Path(__file__).parent / 'run.json'))\n",
        encoding="utf-8",
    )
    env_path = f"{Path(gauntlet.__file__).parents[1]}:{Path(__file__).parents[1]}"
    done = subprocess.run(
        [sys.executable, "-m", "doit", "-f", str(dodo), *parallel, "item:good", "item:bad"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": env_path, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_doit_report_exits_1_when_the_merged_report_fails(
    write_tree: WriteTree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"pyproject.toml": "[tool.gauntlet]\n", "tests/test_a.mojo": "def main():\n    pass\n"}
    root = enter_project(write_tree, files, monkeypatch)
    outfile = {"GLOBAL": {"outfile": sys.stdout}}
    loader = ModuleTaskLoader(gauntlet.dodo)
    # only the report: the test's result is missing, which the report counts as an error
    code = DoitMain(loader, extra_config=outfile).run(["--single", "report"])
    out = capsys.readouterr().out
    assert code == 1, out  # was 0
    summary = json.loads((root / ".gauntlet/results/summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "error"
    assert "✗ report" in out
    assert "1 task(s) ran, 0 up to date, 1 failed" in out


FAILING = (
    "from std.testing import assert_equal, TestSuite\n\n"
    "def test_bad() raises:\n"
    '    print("noise " + chr(19) + chr(27) + "[31mred" + chr(27) + "[0m")\n'
    "    assert_equal(1, 2)\n\n"
    "def test_good() raises:\n    assert_equal(1, 1)\n" + SUITE_MAIN
)


@pytest.mark.slow
def test_doit_test_file_and_report_exit_1_on_a_failing_mojo_test(
    write_tree: WriteTree,
    mojo: toolchain.Toolchain,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = {"pyproject.toml": "[tool.gauntlet]\ntimeout = 60\n", "tests/test_f.mojo": FAILING}
    root = enter_project(write_tree, files, monkeypatch)
    outfile = {"GLOBAL": {"outfile": sys.stdout}}

    def doit(*args: str) -> tuple[int, str]:
        code = DoitMain(ModuleTaskLoader(gauntlet.dodo), extra_config=outfile).run(list(args))
        return code, capsys.readouterr().out

    code, out = doit("test:tests/test_f.mojo")
    assert code == 1, out  # was 0
    assert "1 failed" in out
    assert (root / ".gauntlet/results/mojo/tests__test_f.mojo.json").is_file()
    code, out = doit("report")
    assert code == 1, out  # was 0
    summary = json.loads((root / ".gauntlet/results/summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["failed"] == 1
    assert summary["totals"]["passed"] == 1
    for junit in (
        root / ".gauntlet/results/mojo/tests__test_f.mojo.xml",
        root / ".gauntlet/results/junit-mojo.xml",
    ):
        assert_valid_junit(junit)
        assert "noise #x13#x1B[31mred#x1B[0m" in junit.read_text(encoding="utf-8")
