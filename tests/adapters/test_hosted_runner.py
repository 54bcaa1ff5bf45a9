"""Two CI runs on two fresh clones that share only what the workflow restores.

A hosted runner starts empty: whatever the second run knows of the first came
through the workflow's caches.  The in-repository paths those caches hold are
read from this repository's own workflow, so the test follows the workflow.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

import gauntlet

if TYPE_CHECKING:
    from gauntlet.run import toolchain

pytestmark = pytest.mark.slow

WORKFLOW = Path(__file__).parents[2] / ".github" / "workflows" / "ci.yml"
SUITE_MAIN = (
    "\n\ndef main() raises:\n    TestSuite.discover_tests[__functions_in_module()]().run()\n"
)
PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\ntimeout = 120\n",
    "dodo.py": "from gauntlet.dodo import *  # noqa: F403\n",
    ".gitignore": ".gauntlet/\n.nox/\n",
    "src/mathx/__init__.mojo": "from .core import add\n",
    "src/mathx/core.mojo": "def add(a: Int, b: Int) -> Int:\n    return a + b\n",
    "tests/test_add.mojo": "from std.testing import assert_equal, TestSuite\n"
    "from mathx.core import add\n\n\ndef test_add() raises:\n    assert_equal(add(2, 3), 5)\n"
    + SUITE_MAIN,
    "tests/test_sub.mojo": "from std.testing import assert_equal, TestSuite\n\n\n"
    "def test_sub() raises:\n    assert_equal(3 - 2, 1)\n" + SUITE_MAIN,
}


def restored_paths() -> list[str]:
    """The paths inside the repository that the workflow restores (``actions/cache``)."""
    job = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["ci"]
    paths = [
        line.strip()
        for step in job["steps"]
        if step.get("uses", "").startswith(("actions/cache@", "actions/cache/restore@"))
        for line in step["with"]["path"].splitlines()
    ]
    return [p for p in paths if p and not p.startswith(("~", "/"))]


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(gauntlet.__file__).parents[1]), "CI": "true"}
    for name in ("GAUNTLET_HISTORY_URL", "GAUNTLET_HISTORY", "GAUNTLET_RUN_ID", "NO_COLOR"):
        env.pop(name, None)
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900
    )


def ci_run(clone: Path) -> set[str]:
    """The Mojo graph as the ci session runs it; the tasks it executed."""
    done = _run([sys.executable, "-m", "doit", "-f", "dodo.py"], clone)
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((clone / ".gauntlet/runs/last-doit-run.json").read_text("utf-8"))
    return {t["name"] for t in record["tasks"] if t["status"] == "executed"}


def health_runs(clone: Path) -> list[dict[str, str]]:
    """The runs ``gauntlet health`` shows in ``clone``."""
    health = _run([sys.executable, "-m", "gauntlet", "health", "--json"], clone)
    assert health.returncode == 0, health.stderr
    runs: list[dict[str, str]] = json.loads(health.stdout)["runs"]
    return runs


def test_the_second_runner_sees_the_first_and_reruns_nothing_unchanged(
    tmp_path: Path, mojo: toolchain.Toolchain
) -> None:
    origin = tmp_path / "origin"
    for rel, text in PROJECT.items():
        (origin / rel).parent.mkdir(parents=True, exist_ok=True)
        (origin / rel).write_text(text, encoding="utf-8")
    for argv in (["init", "-q"], ["add", "."], ["commit", "-qm", "sample"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *argv], cwd=origin, check=True
        )
    first, second = tmp_path / "runner-1" / "repo", tmp_path / "runner-2" / "work" / "repo"
    for clone in (first, second):
        subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True)

    ran = ci_run(first)
    assert {"test:tests/test_add.mojo", "test:tests/test_sub.mojo"} <= ran
    (first_run,) = health_runs(first)

    kept = restored_paths()
    assert ".gauntlet" in kept
    for path in kept:  # what the workflow saves after the first run and restores before the next
        if (first / path).exists():
            shutil.copytree(first / path, second / path, symlinks=True)

    ran = ci_run(second)
    assert not {t for t in ran if t.startswith(("test:", "build:"))}, ran
    summary = json.loads((second / ".gauntlet/results/summary.json").read_text("utf-8"))
    assert summary["totals"]["passed"] == 2

    # The first runner's run is in the second's history; the second, in which every
    # task was up to date, ran nothing and is not kept as a run of its own.
    assert [r["run_id"] for r in health_runs(second)] == [first_run["run_id"]]
    assert first_run["commit"] == _run(["git", "rev-parse", "HEAD"], second).stdout.strip()
