"""Scale: `gauntlet scan` cold and a no-op `doit` on a generated 2,000-file tree.

The tree has 1,200 library modules in 10 packages and 800 test files (see
``gen_tree.py``).  Tests "compile" with a stand-in compiler (a shell script
given as ``GAUNTLET_MOJO`` that writes a program printing one passing test),
so the first `doit` brings all 800 results up to date without Mojo.  Then:

- `gauntlet scan` with no scan cache, as a command (Python start-up included);
- `doit` with nothing to do, the real command line;
- doit's own floor for the same number of tasks, measured in the same run: a
  dodo.py of M trivial tasks that are always up to date (``uptodate: [True]``),
  on the same sqlite3 state backend; and the same M tasks with ``file_dep`` on
  each test's real closure (what declaring the closure to doit would cost).

Every command runs with bytecode caching on (``PYTHONPYCACHEPREFIX`` in the
temporary folder, ``PYTHONDONTWRITEBYTECODE`` unset), as an installed
package has its ``.pyc`` files: without it each start compiles gauntlet's
modules again (about 0.2 s here), which no installed project pays.  Each
figure is the median of ``--repeat`` runs, after one run that writes the
bytecode.  Targets: scan ≤ 1 s cold,
no-op doit ≤ 0.5 s.

    python benchmarks/scale.py [--modules 1200 --tests 800 --repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_tree import generate

FAKE_MOJO = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "Mojo 1.2.0 (stand-in)"; exit 0; fi
while [ $# -gt 1 ]; do
  if [ "$1" = "-o" ]; then out="$2"; fi
  shift
done
printf '#!/bin/sh\\necho "    PASS [ 0.001 ] test_one"\\n' > "$out"
chmod +x "$out"
"""

FLOOR_DODO = """
import json
DOIT_CONFIG = {{"backend": "sqlite3", "dep_file": ".floor-state.sqlite3", "verbosity": 0}}
FILE_DEP = {file_dep}
CLOSURES = json.load(open({closures!r})) if FILE_DEP else [[]] * {count}

def noop():
    return True

def task_item():
    for n, files in enumerate(CLOSURES):
        task = {{"name": str(n), "actions": [noop]}}
        if FILE_DEP:
            task["file_dep"] = files
        else:
            task["uptodate"] = [True]
        yield task
"""


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, exit code and output of one command."""
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done.returncode, done.stdout + done.stderr


def median_of(repeat: int, argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """The median wall time of ``repeat`` runs; each must exit 0."""
    walls = []
    for _ in range(repeat):
        wall, code, out = timed(argv, cwd, env)
        if code != 0:
            raise SystemExit(f"{' '.join(argv)} exited {code}:\n{out[-3000:]}")
        walls.append(wall)
    return statistics.median(walls)


def environment(root: Path, fake: Path) -> dict[str, str]:
    """The commands' environment: the stand-in compiler, no history, bytecode cached."""
    env = {**os.environ, "GAUNTLET_MOJO": str(fake), "GAUNTLET_HISTORY": "off"}
    env["PYTHONPYCACHEPREFIX"] = str(root / ".pycache")
    env.pop("GAUNTLET_PROJECT", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modules", type=int, default=1200)
    parser.add_argument("--tests", type=int, default=800)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gauntlet-scale-"))
    try:
        files = generate(root, args.modules, tests=args.tests)
        (root / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n")
        fake = root / ".stand-in-mojo"
        fake.write_text(FAKE_MOJO, encoding="utf-8")
        fake.chmod(0o755)
        env = environment(root, fake)
        py = sys.executable
        scan = [py, "-m", "gauntlet", "--project", str(root), "scan", "--json"]
        cache = root / ".gauntlet" / "cache" / "scan.json"
        cold = []
        timed(scan, root, env)  # writes the bytecode
        for _ in range(args.repeat):
            cache.unlink(missing_ok=True)
            cold.append(median_of(1, scan, root, env))
        _, _, out = timed(scan, root, env)
        plan = json.loads(out)
        tests = [s for s in plan["steps"] if s["kind"] == "test"]
        print(f"tree: {len(files)} Mojo files, {len(tests)} test files, {len(plan['steps'])} steps")
        wall, code, _ = timed([py, "-m", "doit", "-n", "2"], root, env)
        print(f"first doit (stand-in compiler): {wall:.1f} s, exit {code}")
        noop = median_of(args.repeat, [py, "-m", "doit"], root, env)
        record = json.loads((root / ".gauntlet/runs/last-doit-run.json").read_text())
        tasks = sum(record["counts"].values())
        closures = root / ".closures.json"
        inputs = [[str(root / f) for f in s.get("inputs", [])] for s in tests]
        closures.write_text(json.dumps(inputs))
        floors = {}
        for file_dep in (False, True):
            floor = root / f"floor-{int(file_dep)}"
            floor.mkdir()
            dodo = FLOOR_DODO.format(closures=str(closures), file_dep=file_dep, count=len(inputs))
            (floor / "dodo.py").write_text(dodo)
            # pad to the same task count as gauntlet's run
            extra = "\n".join(
                f"def task_pad{n}():\n    return {{'actions': [noop], 'uptodate': [True]}}"
                for n in range(max(0, tasks - len(inputs)))
            )
            (floor / "dodo.py").write_text(dodo + "\n" + extra + "\n")
            timed([py, "-m", "doit"], floor, env)  # bring it up to date
            floors[file_dep] = median_of(args.repeat, [py, "-m", "doit"], floor, env)
        print(f"gauntlet scan, cold:     median {statistics.median(cold):.3f} s  (target <= 1 s)")
        print(
            f"no-op doit, {tasks} tasks:  median {noop:.3f} s  (target <= 0.5 s; "
            f"doit's floor for {tasks} always-up-to-date tasks: {floors[False]:.3f} s)"
        )
        closure_files = sum(len(i) for i in inputs)
        print(
            f"doit floor with file_dep on the {len(inputs)} test closures "
            f"({closure_files} files): {floors[True]:.3f} s"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
