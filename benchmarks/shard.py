"""Sharding a generated suite of 200 test files over 4 shards: balance, merge, gates.

The suite is Python test files that sleep for recorded, varied durations
(seeded), so shards running at the same time on one machine do not compete
for the CPU the way real tests would.  Steps:

1. an unsharded run: pytest over every file with line and branch coverage
   (as each shard measures it), imported into the run history, then the gates
   (``gauntlet history import``, ``gauntlet gates``);
2. ``gauntlet shard --count 4 --json --plan-out plan.json``: the plan, from
   the durations the history recorded;
3. the 4 shards at once, each ``gauntlet shard --index I --plan plan.json``
   (``--one-at-a-time``: one after another, each alone as on its own machine;
   at once, 4 shards share this machine's cores for pytest's own work);
4. ``gauntlet shard merge`` of their folders (history import, gates once).

Figures: each shard's wall time, the longest against the ideal (the unsharded
run's wall time / 4; target within 10%), whether the merged JUnit holds every
test of the unsharded run exactly once with the same outcome, and whether the
gates over the merged results equal those of the unsharded run.

    python benchmarks/shard.py [--files 200] [--shards 4] [--mean 0.8]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from gauntlet.results.covcombine import combine, data_file

VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
PYPROJECT = f"""\
[project]
name = "suite"
classifiers = ["Programming Language :: Python :: {VERSION}"]

[tool.gauntlet]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


def write_suite(root: Path, files: int, mean: float, seed: int) -> float:
    """``files`` test files whose sleeps add up to about ``files * mean`` s; return the sum."""
    rng = random.Random(seed)
    (root / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    total = 0.0
    for i in range(files):
        sleeps = [round(rng.lognormvariate(0.0, 0.9) * mean / 1.5 / 2, 3) for _ in range(2)]
        total += sum(sleeps)
        body = ["import time", "import pytest", ""]
        for k, seconds in enumerate(sleeps):
            body += [f"def test_sleep_{k}():", f"    time.sleep({seconds})", ""]
        body += ["class TestGroup:", "    def test_member(self):", "        assert True", ""]
        if i % 50 == 7:
            body += ["@pytest.mark.skip(reason='generated')", "def test_skipped():", "    pass", ""]
        if i == 123:
            body += ["def test_fails():", "    assert 1 == 2, 'generated failure'", ""]
        (root / "tests" / f"test_f{i:03}.py").write_text("\n".join(body), encoding="utf-8")
    return total


def gauntlet(root: Path, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "gauntlet", "--project", str(root), *args]
    return subprocess.Popen(argv, cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip


def finish(process: subprocess.Popen[str], ok: tuple[int, ...] = (0, 1, 2)) -> str:
    out, _ = process.communicate()
    if process.returncode not in ok:
        sys.exit(f"{process.args!r} exited {process.returncode}:\n{out[-3000:]}")
    return out


def cases(path: Path) -> Counter[tuple[str, str, str]]:
    """(classname, name, outcome) of every test case, counted."""
    found: Counter[tuple[str, str, str]] = Counter()
    for case in ET.parse(path).getroot().iter("testcase"):  # noqa: S314 - our own files
        outcome = next((c.tag for c in case if c.tag in ("failure", "error", "skipped")), "passed")
        found[(case.get("classname", ""), case.get("name", ""), outcome)] += 1
    return found


def gates(root: Path) -> list[tuple[str, str, str, str]]:
    data = json.loads((root / ".gauntlet/results/gates/verdict.json").read_text("utf-8"))
    return [(g["gate"], g["status"], g["measured"], g["message"]) for g in data["gates"]]


def run_shards(
    root: Path, shard: tuple[str, ...], count: int, alone: bool, env: dict[str, str]
) -> list[float]:
    """Each shard's wall seconds, the shards run at once or (``alone``) one after another."""
    walls = []
    started = time.perf_counter()
    if alone:  # each shard alone, as on a machine of its own
        for i in range(count):
            started = time.perf_counter()
            finish(gauntlet(root, *shard, str(i), env=env))
            walls.append(time.perf_counter() - started)
        return walls
    running = [gauntlet(root, *shard, str(i), env=env) for i in range(count)]
    for process in running:
        finish(process)
        walls.append(time.perf_counter() - started)
    return walls


def run_unsharded(root: Path, junit: Path, env: dict[str, str]) -> float:
    """pytest over every file, measured as a shard measures it; its wall seconds."""
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        *("--cov", "--cov-branch", "--cov-report=", "--cov-fail-under=0"),  # as a shard does
    ]
    measured = {**env, "COVERAGE_FILE": str(data_file(junit.parent, VERSION))}
    started = time.perf_counter()
    subprocess.run(argv, cwd=root, env=measured, capture_output=True, check=False)
    unsharded = time.perf_counter() - started
    combine(junit.parent)
    return unsharded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--mean", type=float, default=0.8, help="mean seconds per file")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--one-at-a-time",
        action="store_true",
        help="run the shards one after another (each alone, as on its own machine)",
    )
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAUNTLET_", "GITHUB_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    with tempfile.TemporaryDirectory(prefix="shard-bench-") as tmp:
        root = Path(tmp)
        slept = write_suite(root, args.files, args.mean, args.seed)
        results = root / ".gauntlet" / "results"
        junit = results / "python" / f"junit-python-{VERSION}.xml"
        junit.parent.mkdir(parents=True)
        unsharded = run_unsharded(root, junit, env)
        finish(gauntlet(root, "history", "import", str(results), env=env))
        finish(gauntlet(root, "gates", env=env))
        before_cases, before_gates = cases(junit), gates(root)
        shutil.rmtree(results)  # the shards' merge writes them again
        plan = root / "plan.json"
        count = str(args.shards)
        matrix = finish(gauntlet(root, "shard", "--count", count, "--json", "--plan-out",
                                 str(plan), env=env), ok=(0,))  # fmt: skip
        planned = json.loads(plan.read_text("utf-8"))
        shard = ("shard", "--count", count, "--plan", str(plan), "--index")
        walls = run_shards(root, shard, args.shards, args.one_at_a_time, env)
        folders = [str(root / ".gauntlet" / "shards" / str(i)) for i in range(args.shards)]
        merged_out = finish(gauntlet(root, "shard", "merge", *folders, env=env))
        after_cases, after_gates = cases(junit), gates(root)
    ideal = unsharded / args.shards
    longest = max(walls)
    print(f"suite: {args.files} files, {sum(before_cases.values())} tests, {slept:.1f} s of sleep")
    print(f"matrix: {matrix.strip()}")
    print(f"unsharded run: {unsharded:.1f} s wall; load average {os.getloadavg()[0]:.1f}")
    print(f"planned: longest {max(s['seconds'] for s in planned['shards']):.1f} s, ideal "
          f"{sum(s['seconds'] for s in planned['shards']) / args.shards:.1f} s")  # fmt: skip
    print("shards " + ("one at a time" if args.one_at_a_time else "at the same time"))
    for i, wall in enumerate(walls):
        expected = planned["shards"][i]["seconds"]
        files = len(planned["shards"][i]["files"])
        print(f"shard {i}: {files} files, planned {expected:.1f} s, wall {wall:.1f} s")
    print(f"longest shard {longest:.1f} s vs ideal {ideal:.1f} s (unsharded / {args.shards}): "
          f"{100 * (longest / ideal - 1):+.1f}% (target within +10%)")  # fmt: skip
    dupes = [c for c, n in after_cases.items() if n > 1]
    print(f"merged JUnit: {sum(after_cases.values())} tests, {len(dupes)} duplicated, "
          f"same tests and outcomes as unsharded: {after_cases == before_cases}")  # fmt: skip
    print(f"gates over the merged results equal the unsharded run's: {after_gates == before_gates}")
    for gate, status, measured, _ in after_gates:
        print(f"  {gate:10} {status:8} {measured}")
    print(merged_out.strip().splitlines()[0])


if __name__ == "__main__":
    main()
