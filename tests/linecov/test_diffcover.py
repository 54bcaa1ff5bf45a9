"""The Cobertura report as an outside tool reads it: diff-cover on a real git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from gauntlet.linecov.merge import Trace, merge
from gauntlet.linecov.report import write_reports

if TYPE_CHECKING:
    from pathlib import Path

BASE = "def f(x: Int) -> Int:\n    var y = x\n    return y\n"
ADDED = "\n\ndef g(x: Int) -> Int:\n    var z = x * 3\n    return z\n"
GIT = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, env={**os.environ, **GIT})


def test_diff_cover_reads_the_mojo_report_of_a_project_in_a_subfolder(tmp_path: Path) -> None:
    tool = shutil.which("diff-cover")
    if tool is None:
        pytest.fail("diff-cover is not installed; it comes with the test extra")
    root = tmp_path / "sample"  # the Mojo project is a folder of the repository
    (root / "src").mkdir(parents=True)
    source = root / "src" / "m.mojo"
    source.write_text(BASE, encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "base")
    _git(tmp_path, "checkout", "-qb", "feature")
    source.write_text(BASE + ADDED, encoding="utf-8")  # g (lines 6-8): no test runs it
    _git(tmp_path, "commit", "-qam", "g")
    ran = {"src/m.mojo": frozenset({2, 3})}
    report = merge({"src/m.mojo": source.read_text()}, [Trace("tests/t.mojo", ran, ran)])
    _, as_xml = write_reports(report, root / ".gauntlet/results/coverage", str(root), "g")
    done = subprocess.run(
        [tool, str(as_xml), "--compare-branch=main", "--fail-under=100"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "sample/src/m.mojo (0.0%): Missing lines 7-8" in done.stdout
