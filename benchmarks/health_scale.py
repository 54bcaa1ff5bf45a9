"""How fast ``gauntlet health`` and the dashboard answer with 1 000 runs in the history.

    python benchmarks/health_scale.py [--runs 1000] [--repeat 5] [--postgres URL]

Generates realistic runs into a fresh history of a scratch project: 25 tasks
per run (toolchain, package builds, 16 test files, benchmarks, report, with
dependencies and start offsets), 100 test cases per run (two flaky, one
broken, commits changing every 10 runs and test files changing now and
then), coverage, three benchmarks and gate results.  Then runs ``gauntlet
health`` as a subprocess several times per window and prints the median wall
time (the target is 0.5 s), and likewise ``gauntlet report html`` and ``md``
over all the runs, read from the history (the target is 2 s for the page).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gauntlet.health.model import Outcome
from gauntlet.health.rows import (
    BenchRow,
    CaseRow,
    GateRow,
    RunInfo,
    RunResults,
    TaskRow,
)
from gauntlet.health.store import Store, open_store

TEST_FILES = [f"tests/test_mod{i:02}.mojo" for i in range(16)]
CASES_PER_FILE = [7, 6] * 8  # 104 cases per run
FLAKY = {("tests/test_mod03.mojo", "test_case2"): 0.3, ("tests/test_mod07.mojo", "test_case0"): 0.1}
BROKEN = ("tests/test_mod11.mojo", "test_case4")


def one_run(rng: random.Random, index: int) -> tuple[RunResults, bool, float]:
    """The tasks, cases and figures of one generated run; (results, passed, wall seconds)."""
    tasks = [TaskRow("toolchain", "passed", 0.1, 0.0)]
    clock = 0.1
    builds = []
    for name in ("tinytensor", "tinynn", "tinyml_ext"):
        seconds = rng.gauss(8.0, 0.8) + index * 0.002
        tasks.append(TaskRow(f"build:{name}", "passed", seconds, clock, deps=("toolchain",)))
        builds.append(clock + seconds)
        clock += 0.05
    cases = []
    failed = False
    start = max(builds)
    commit_keys = index // 10
    for number, (file, count) in enumerate(zip(TEST_FILES, CASES_PER_FILE, strict=True)):
        key = f"{file}@{commit_keys // (3 + number % 5)}"
        file_failed = False
        for case in range(count):
            name = f"test_case{case}"
            status = "passed"
            chance = FLAKY.get((file, name))
            if (file, name) == BROKEN or (chance is not None and rng.random() < chance):
                status = "failed"
            file_failed |= status == "failed"
            message = "AssertionError: values differ" if status == "failed" else ""
            seconds = abs(rng.gauss(0.02 * (case + 1), 0.005))
            cases.append(CaseRow(file, name, status, seconds, message, key))
        seconds = abs(rng.gauss(4.0 + number % 4, 0.4))
        status = "failed" if file_failed else "passed"
        tasks.append(TaskRow(f"test:{file}", status, seconds, start, deps=("build:tinytensor",)))
        start += seconds / 2  # two at a time
        failed |= file_failed
    for name in ("bench_matmul", "bench_train_step", "bench_activations"):
        tasks.append(TaskRow(f"benchmark:benchmarks/{name}.mojo", "passed", 3.0, start))
        start += 3.0
    tasks.append(
        TaskRow("report", "passed", 0.3, start, deps=tuple(f"test:{f}" for f in TEST_FILES))
    )
    results = RunResults(
        tasks=tuple(tasks),
        cases=tuple(cases),
        coverage=(90.0 + rng.random() * 3, 80.0 + rng.random() * 3),
        benchmarks=tuple(
            BenchRow(n, rng.gauss(10.0, 0.3), "ms") for n in ("matmul", "train", "relu")
        ),
        gates=(
            GateRow("coverage", "passed", "91%", ">= 90%"),
            GateRow("tests", "failed" if failed else "passed", "", ""),
        ),
    )
    return results, not failed, start + 0.3


def generate(store: Store, runs: int) -> None:
    """Write ``runs`` finished runs, one a minute, into the history."""
    rng = random.Random(20261124)
    began = time.time() - runs * 60
    for index in range(runs):
        results, passed, wall = one_run(rng, index)
        info = RunInfo("doit", f"{index // 10:040x}", "main", "push")
        started = began + index * 60
        outcome = Outcome.PASSED if passed else Outcome.FAILED
        store.record_run(info, results, outcome, started=started, finished=started + wall)


def time_gauntlet(
    project: Path, env: dict[str, str], argv: list[str], repeat: int
) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of ``gauntlet ARGV`` as a subprocess.

    The CPU time is what the command itself costs; on a machine shared with other
    work the wall time also holds the waiting for a core.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "gauntlet", "--project", str(project), *argv],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        walls.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"gauntlet {' '.join(argv)} failed: {done.stderr}")
    return walls, cpus


def main() -> None:
    """Generate, then time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL URL instead of SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="health-scale-") as scratch:
        project = Path(scratch)
        (project / "pyproject.toml").write_text('[project]\nname = "scale"\n', encoding="utf-8")
        url = args.postgres or str(project / ".gauntlet" / "history.sqlite3")
        store = open_store(url)
        began = time.perf_counter()
        generate(store, args.runs)
        counts = store.counts()
        store.close()
        print(f"generated {args.runs} runs in {time.perf_counter() - began:.1f} s: {counts}")
        env = {**os.environ, "GAUNTLET_HISTORY_URL": url, "NO_COLOR": "1"}
        print(f"load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        walls, cpus = time_gauntlet(project, env, ["health", "--help"], args.repeat)
        print(
            f"start-up only (health --help): median {statistics.median(walls):.3f} s wall, "
            f"{statistics.median(cpus):.3f} s CPU"
        )
        page = project / "dashboard.html"
        for argv in (
            ["health", "--runs", "100"],
            ["health", "--runs", str(args.runs)],
            ["health", "--runs", str(args.runs), "--json"],
            ["report", "html", "--runs", str(args.runs), "-o", str(page)],
            ["report", "md", "--runs", str(args.runs), "-o", str(project / "health.md")],
        ):
            walls, cpus = time_gauntlet(project, env, argv, args.repeat)
            shown = " ".join(f"{t:.3f}" for t in walls)
            print(
                f"gauntlet {' '.join(argv[:4])}: median {statistics.median(walls):.3f} s wall "
                f"({shown}), {statistics.median(cpus):.3f} s CPU"
            )
        print(f"dashboard page: {page.stat().st_size / 1024:.0f} KiB")
        store = open_store(url)
        health = store.health(last_runs=args.runs)
        store.close()
        for flaky in health.flaky:
            print(
                f"flaky: {flaky.name}, flip rate {flaky.flip_rate:.2f}, {flaky.failures} failures"
            )
        print("broken:", ", ".join(b.name for b in health.broken))


if __name__ == "__main__":
    main()
