"""Flaky-test acceptance: the real sample pipeline, one Mojo test failing 30% of the time.

    python benchmarks/flaky_sample.py [--runs 10] [--trials 1] [--skip-slow]

Copies ``sample/`` to a scratch folder, adds ``tests/test_flaky.mojo`` (one
test that reads a byte from ``/dev/urandom`` and fails when it is below 77,
about 30% of the time, next to one that always passes) and runs the real doit
pipeline ``--runs`` times, each run recorded in the scratch project's history
by gauntlet's doit reporter.  After every run it asks the history which tests
are flaky and prints the run at which ``test_flaky.mojo::test_sometimes`` was
first reported, and whether any deterministic test was ever reported flaky.
With ``--trials K`` the experiment is repeated K times, each on a fresh history
(the compiled programs are kept, so only the first trial compiles).

How flakiness can be observed at all: doit reruns a test only when it is not
up to date, and a *passed* test with an unchanged content key is up to date,
so a flaky test that passed would never run again.  The script therefore runs
``doit --always-execute test report`` (``-a``): every test task runs each time.
Compiled test programs are cached by content key, so a forced rerun only runs
them again; nothing is recompiled after the first run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gauntlet.health.store import open_store

REPO = Path(__file__).resolve().parent.parent
FLAKY_NAME = "tests/test_flaky.mojo::test_sometimes"
FLAKY_TEST = '''"""A test that fails about 30% of the time: it reads a random byte."""

from std.testing import TestSuite, assert_equal


def test_sometimes() raises:
    with open("/dev/urandom", "r") as f:
        var drawn = Int(f.read_bytes(1)[0])
        if drawn < 77:  # 77 / 256: about 30%
            raise Error("random failure: drew " + String(drawn))


def test_steady() raises:
    assert_equal(2 + 2, 4)


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
'''
PYPROJECT = """[project]
name = "flaky-sample"
version = "0"

[tool.gauntlet]
mojo-version = "1.2.0"
timeout = 300

[tool.gauntlet.tags]
slow = ["tests/test_train*.mojo"]
"""


def scratch_project(folder: Path) -> Path:
    """A copy of the sample's Mojo sources and tests, plus the flaky test."""
    for part in ("src", "tests"):
        shutil.copytree(REPO / "sample" / part, folder / part)
    (folder / "tests" / "test_flaky.mojo").write_text(FLAKY_TEST, encoding="utf-8")
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (folder / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n", "utf-8")
    return folder


def run_pipeline(project: Path, env: dict[str, str]) -> tuple[int, float]:
    """One forced doit run of every test and the report; (exit code, seconds)."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "doit", "-f", "dodo.py", "-n", "2", "-a", "test", "report"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"doit could not run (exit {done.returncode})")
    return done.returncode, time.perf_counter() - began


def trial(project: Path, env: dict[str, str], runs: int) -> tuple[int | None, set[str], int]:
    """``runs`` pipeline runs on a fresh history.

    Returns the first run that reported the flaky test, the deterministic tests
    wrongly reported flaky, and in how many runs the pipeline failed (only
    ``test_sometimes`` can fail, so: how often it failed).
    """
    for stale in (project / ".gauntlet").glob("history.sqlite3*"):
        stale.unlink()
    first_flaky = None
    wrongly_flaky: set[str] = set()
    failed_runs = 0
    for number in range(1, runs + 1):
        code, seconds = run_pipeline(project, env)
        failed_runs += code != 0
        store = open_store(project / ".gauntlet" / "history.sqlite3")
        health = store.health()
        cases = store.counts()["test_cases"]
        store.close()
        flaky = {f.name: f for f in health.flaky}
        wrongly_flaky |= set(flaky) - {FLAKY_NAME}
        if FLAKY_NAME in flaky and first_flaky is None:
            first_flaky = number
        shown = f"{flaky[FLAKY_NAME].flip_rate:.2f}" if FLAKY_NAME in flaky else "-"
        print(
            f"  run {number:2}: doit exit {code}, {seconds:5.1f} s, {cases} cases in the history; "
            f"flaky: {sorted(flaky) or '-'} (flip rate {shown}); "
            f"broken: {[b.name for b in health.broken] or '-'}"
        )
    return first_flaky, wrongly_flaky, failed_runs


def main() -> None:
    """Run the pipeline repeatedly and report what the history calls flaky."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="pipeline runs per trial")
    parser.add_argument("--trials", type=int, default=1, help="trials, each on a fresh history")
    parser.add_argument("--skip-slow", action="store_true", help="leave out tests tagged slow")
    args = parser.parse_args()
    src = str(REPO / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    env.pop("GAUNTLET_HISTORY_URL", None)
    env.pop("GAUNTLET_HISTORY", None)
    if args.skip_slow:
        env["GAUNTLET_SKIP_TAGS"] = "slow"
    firsts: list[int | None] = []
    failures: list[int] = []
    wrongly_flaky: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="flaky-sample-") as scratch:
        project = scratch_project(Path(scratch))
        for number in range(1, args.trials + 1):
            note = "; its first run compiles" if number == 1 else ""
            print(f"trial {number} (fresh history{note})")
            first, wrong, failed = trial(project, env, args.runs)
            firsts.append(first)
            failures.append(failed)
            wrongly_flaky |= wrong
    print(f"{FLAKY_NAME} first reported flaky after run, per trial: {firsts}")
    print(f"runs (of {args.runs}) in which it failed, per trial: {failures}")
    # A test that never failed (or never passed) in a trial shows no flakiness to
    # any method: with a 30% failure rate that happens in 0.7^10 + 0.3^10 = 2.8% of
    # 10-run trials.  Every trial in which it both passed and failed must flag it.
    observable = [f for f, n in zip(firsts, failures, strict=True) if 0 < n < args.runs]
    missed = sum(f is None for f in observable)
    print(
        f"trials in which it both passed and failed: {len(observable)} of {args.trials}; "
        f"reported flaky in {len(observable) - missed} of them"
    )
    print(f"deterministic tests ever reported flaky: {sorted(wrongly_flaky) or 'none'}")


if __name__ == "__main__":
    main()
