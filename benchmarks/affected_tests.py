"""The affected-test selection on this repository's fast suite: its cost and what it saves.

In a scratch clone of the committed tree (the working copy is never touched):

1. the fast suite as ``nox -s tests`` ran it before (``--cov``), timed;
2. the same with the test map recorded (``--cov-context=test`` plus the
   plugin, then ``python -m gauntlet.graph.affectmap record``), timed, and the
   map's size;
3. for each edited module (a function body of ``src/``, as a change would),
   the selection (``affectmap select``) and the affected run, timed, with the
   tests that ran and the ones whose coverage included the module.

Runs pytest with this interpreter, as the tests session does in its
environment.  ``python benchmarks/affected_tests.py [MODULE ...]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODULES = ("src/gauntlet/views/benchplot.py", "src/gauntlet/results/junit.py")
PYTEST = ("-m", "pytest", "-q", "-m", "not slow", "-p", "no:cacheprovider")
COV = ("--cov", "--cov-branch", "--cov-report=", "--cov-fail-under=0")
PLUGIN = ("-p", "gauntlet.adapters.pytest_affected")


def timed(root: Path, args: tuple[str, ...], env: dict[str, str]) -> tuple[float, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GAUNTLET_AFFECTED")}
    environ |= {"PYTHONPATH": str(root / "src"), "GITHUB_REF_NAME": "feature", **env}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], cwd=root, env=environ, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 5):
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}")
    return seconds, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def edit_body(path: Path) -> None:
    """Change the first function body of ``path`` without changing what it does."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("def "))
    while not lines[at].rstrip().endswith(":"):
        at += 1
    indent = len(lines[at + 1]) - len(lines[at + 1].lstrip())
    lines.insert(at + 1, " " * indent + "_edited = None  # an edit for the benchmark\n")
    path.write_text("".join(lines), encoding="utf-8")


def main() -> None:
    modules = tuple(sys.argv[1:]) or MODULES
    with tempfile.TemporaryDirectory(prefix="affected-") as scratch:
        root = Path(scratch) / "repo"
        subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
        subprocess.run(["git", "checkout", "-qb", "feature"], cwd=root, check=True)
        state = root / ".gauntlet"
        state.mkdir()
        plain, line = timed(root, (*PYTEST, *COV), {"COVERAGE_FILE": str(state / "cov-plain")})
        print(f"fast suite, --cov:                       {plain:6.1f} s  ({line})")
        data, outcomes, test_map = state / "cov-ctx", state / "outcomes.json", state / "map.json"
        env = {"COVERAGE_FILE": str(data), "GAUNTLET_AFFECTED_RECORD": str(outcomes)}
        full, _ = timed(root, (*PYTEST, *PLUGIN, *COV, "--cov-context=test"), env)
        record_args = ("-m", "gauntlet.graph.affectmap", "record")
        record, _ = timed(
            root, (*record_args, str(root), str(test_map), str(data), str(outcomes)), {}
        )
        recorded = json.loads(test_map.read_text(encoding="utf-8"))
        pairs = sum(len(row[1]) for row in recorded["tests"].values())
        print(f"fast suite, --cov + contexts + plugin:   {full:6.1f} s  ({full / plain:.2f}x)")
        print(f"recording the map:                       {record:6.1f} s")
        print(
            f"map: {len(recorded['tests'])} tests, {len(recorded['measured'])} modules, "
            f"{pairs} (test, module) pairs, {test_map.stat().st_size / 1024:.0f} KiB; "
            f"coverage data {data.stat().st_size / 1024:.0f} KiB with contexts, "
            f"{(state / 'cov-plain').stat().st_size / 1024:.0f} KiB without"
        )
        total = full + record
        for module in modules:
            subprocess.run(["git", "checkout", "-q", "--", "."], cwd=root, check=True)
            edit_body(root / module)
            choice = state / "affected.json"
            select = ("-m", "gauntlet.graph.affectmap", "select")
            chose, _ = timed(root, (*select, str(root), str(test_map), str(choice)), {})
            env = {"COVERAGE_FILE": str(state / "cov-aff"), "GAUNTLET_AFFECTED_SELECT": str(choice)}
            ran, line = timed(root, (*PYTEST, *PLUGIN, *COV), env)
            picked = json.loads(choice.read_text(encoding="utf-8"))
            covering = picked["tests_by_changed_module"].get(module, [])
            print(
                f"\nedit {module}: {len(picked['selected'])} of {picked['collected']} tests run "
                f"in {chose + ran:.1f} s ({(chose + ran) / total:.0%} of the recording full run, "
                f"{(chose + ran) / plain:.0%} of the plain one); {picked['reason']}"
            )
            spawning = [n for n, row in recorded["tests"].items() if row[2]]
            print(f"  tests whose coverage included it or that import it: {len(covering)}")
            for name in covering:
                print(f"    {name}")
            print(
                f"  tests that start a Python subprocess (they run on any change): {len(spawning)}"
            )
            print("  ran:")
            for name in picked["selected"]:
                print(f"    {name}")


if __name__ == "__main__":
    main()
