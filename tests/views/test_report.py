from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import WriteTree

from gauntlet.cli.main import main
from gauntlet.results.records import FileResult, Status, TestCase, write_result
from gauntlet.run.context import load_context

PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\n",
    "src/lib/__init__.mojo": "",
    "tests/nn/test_a.mojo": "def main(): pass\n",
    "tests/nn/test_b.mojo": "def main(): pass\n",
    "tests/nn/test_c.mojo": "def main(): pass\n",
    "tests/io/test_d.mojo": "def main(): pass\n",
}


def _write(root: Path, name: str, result: FileResult) -> None:
    context = load_context(root)
    step = next(s for s in context.plan.tests if s.name == name)
    write_result(
        context.layout.build.at(step.output), FileResult(**{**vars(result), "key": step.key})
    )


def test_missing_results_are_one_line_per_folder(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(PROJECT)
    passed = TestCase("t", "tests/nn/test_a.mojo", Status.PASSED, 0.01)
    _write(
        root, "tests/nn/test_a.mojo", FileResult("tests/nn/test_a.mojo", "", (passed,), 1.0, 0.1, 0)
    )
    assert main(["--project", str(root), "report"]) == 1
    out = capsys.readouterr().out
    named = "(tests/nn/test_b.mojo, tests/nn/test_c.mojo)"
    assert f"tests/nn: 2 of 3 test file(s) have no result {named}; run `doit test`" in out
    assert "tests/io: 1 of 1 test file(s) have no result" in out
    assert "result file is missing" not in out  # not one line per file

    summary = json.loads((root / ".gauntlet/results/summary.json").read_text())
    groups = {g["folder"]: g for g in summary["missing"]}
    assert groups["tests/nn"]["files"] == ["tests/nn/test_b.mojo", "tests/nn/test_c.mojo"]
    assert groups["tests/io"]["count"] == 1
    assert summary["totals"]["error"] == 3  # still errors: a partial run never passes


def test_many_missing_files_are_counted_not_listed(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {f"tests/deep/test_{i}.mojo": "def main(): pass\n" for i in range(40)}
    root = write_tree({**PROJECT, **files})
    assert main(["--project", str(root), "report"]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "tests/deep" in line]
    assert lines == [
        "missing tests/deep: 40 of 40 test file(s) have no result; run `doit test` to produce them"
    ]


def test_compile_time_is_apart_and_never_a_slow_test(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(PROJECT)
    broken = TestCase("tests/nn/test_a.mojo", "tests/nn/test_a.mojo", Status.ERROR, 0.0, "x")
    _write(root, "tests/nn/test_a.mojo", FileResult("tests/nn/test_a.mojo", "", (broken,), 9.5))
    quick = TestCase("test_quick", "tests/nn/test_b.mojo", Status.PASSED, 0.002)
    _write(
        root, "tests/nn/test_b.mojo", FileResult("tests/nn/test_b.mojo", "", (quick,), 3.25, 0.5, 0)
    )
    main(["--project", str(root), "report"])
    out = capsys.readouterr().out
    summary = json.loads((root / ".gauntlet/results/summary.json").read_text())
    assert [c["name"] for c in summary["slowest"]] == ["test_quick"]
    files = {f["file"]: f for f in summary["files"]}
    assert (files["tests/nn/test_b.mojo"]["compile_s"], files["tests/nn/test_b.mojo"]["run_s"]) == (
        3.25,
        0.5,
    )
    slow_files = out.split("Slowest files")[1]
    assert "9.50 │ did not run │ tests/nn/test_a.mojo" in slow_files
    assert "3.25 │        0.50 │ tests/nn/test_b.mojo" in slow_files


def test_files_that_gave_one_result_are_named_in_the_report(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(PROJECT)
    whole = TestCase("tests/nn/test_a.mojo", "tests/nn/test_a.mojo", Status.PASSED, 0.1)
    _write(
        root,
        "tests/nn/test_a.mojo",
        FileResult("tests/nn/test_a.mojo", "", (whole,), 1.0, 0.1, 0, extra={"per_test": "file"}),
    )
    each = TestCase("test_x", "tests/nn/test_b.mojo", Status.PASSED, 0.1)
    _write(
        root,
        "tests/nn/test_b.mojo",
        FileResult("tests/nn/test_b.mojo", "", (each,), 1.0, 0.1, 0, extra={"per_test": "driver"}),
    )
    main(["--project", str(root), "report"])
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "one result per file for 1 file(s) with no test function gauntlet could call one by one: "
        "tests/nn/test_a.mojo" in out
    )
    summary = json.loads((root / ".gauntlet/results/summary.json").read_text())
    assert summary["one_result_per_file"] == ["tests/nn/test_a.mojo"]
