"""Cold `doit -n 1` versus `doit -n 2` on a gauntlet project (default: the sample).

Each run starts cold: gauntlet's `.gauntlet/` folder is deleted and Mojo's own
compilation cache is pointed at a new empty folder (Mojo keeps it under
``$XDG_CACHE_HOME/modular``), while the provisioned compiler itself is reused
(``GAUNTLET_CACHE_DIR`` keeps pointing at the shared cache).  Target: -n 2 at
least 1.5x faster than -n 1 on 2 cores.
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

from gauntlet.config.load import load_config
from gauntlet.run import toolchain

HERE = Path(__file__).resolve().parent.parent


def cold_run(project: Path, jobs: int) -> tuple[float, int]:
    """Wall seconds and exit code of one cold `doit -n jobs`."""
    shutil.rmtree(load_config(project).out_dir, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="mojo-cache-") as fresh:
        env = {
            **os.environ,
            "XDG_CACHE_HOME": fresh,
            "GAUNTLET_CACHE_DIR": str(toolchain.cache_dir()),
        }
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "doit", "-f", str(project / "dodo.py"), "-n", str(jobs)],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:])
    return wall, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, default=HERE)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    project = args.project.resolve()
    times: dict[int, list[float]] = {1: [], 2: []}
    for round_number in range(1, args.rounds + 1):
        for jobs in (1, 2):
            wall, code = cold_run(project, jobs)
            times[jobs].append(wall)
            print(f"round {round_number}: doit -n {jobs}: {wall:.1f} s (exit {code})")
    best1, best2 = min(times[1]), min(times[2])
    print(f"cold -n 1: {best1:.1f} s, cold -n 2: {best2:.1f} s, speed-up {best1 / best2:.2f}x")


if __name__ == "__main__":
    main()
