"""A doit run says how far it is and how long the rest took last time, in plain lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import WriteTree
from fakemojo import doit_project

from gauntlet.layout import BuildDir

PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\n",
    "tests/test_a.mojo": "def main(): pass\n",
    "tests/test_b.mojo": "def main(): pass\n",
    "tests/test_c.mojo": "def main(): pass\n",
}
TESTS = [f"test:tests/test_{x}.mojo" for x in "abc"]


def test_each_line_counts_tasks_done_and_estimates_the_rest_from_the_last_run(
    write_tree: WriteTree,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    root, run = doit_project(PROJECT, write_tree, monkeypatch, tmp_path, capsys)
    code, out = run("test")
    assert code == 0, out
    assert "\r" not in out  # whole lines only, as CI logs show them
    # toolchain (up to date), three tests and the aggregate: five tasks
    counted = re.findall(r"\[(\d)/5\]", out)
    # the toolchain and the aggregate were up to date: counted, not printed
    assert counted == ["2", "3", "4"], out  # no history yet: no estimate
    record = BuildDir(root / ".gauntlet").last_doit_run
    expected = json.loads(record.read_text())["expected_s"]
    assert set(TESTS) <= set(expected)

    # the last run of each test took two minutes: the estimate says so
    data = json.loads(record.read_text())
    data["expected_s"] = dict.fromkeys(TESTS, 120.0)
    record.write_text(json.dumps(data))
    code, out = run("-a", "test")
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith("✓ test:")]
    assert "about 4 min left]" in lines[0]  # two of three tests still to run
    assert "about 2 min left]" in lines[1]
    assert lines[2].split(")", 1)[1].startswith(" [4/5]  ")  # nothing left to estimate


def test_a_no_op_run_keeps_the_last_measured_durations(
    write_tree: WriteTree,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, run = doit_project(PROJECT, write_tree, monkeypatch, tmp_path, capsys)
    run("test")
    record = BuildDir(root / ".gauntlet").last_doit_run
    data = json.loads(record.read_text())
    data["expected_s"]["test:tests/test_a.mojo"] = 42.0
    record.write_text(json.dumps(data))
    code, out = run("test")  # everything up to date
    assert code == 0, out
    after = json.loads(record.read_text())
    assert "executed" not in after["counts"]
    assert after["expected_s"]["test:tests/test_a.mojo"] == 42.0
