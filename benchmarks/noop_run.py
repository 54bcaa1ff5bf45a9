"""Wall time of a `doit` run with nothing to do (median of 5) on a gauntlet project.

Runs `doit` once to bring everything up to date, then times five more runs of
the real command line and reads how many tasks each executed from the run
record gauntlet writes.  Target: 0 tasks executed and ≤ 0.5 s median.

    python benchmarks/noop_run.py            # this repository's sample project
    python benchmarks/noop_run.py --project path/to/project
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from gauntlet.config.load import load_config

HERE = Path(__file__).resolve().parent.parent


def doit(project: Path, dodo: Path, *args: str) -> tuple[float, int, dict[str, int]]:
    """Run doit; return wall seconds, exit code and the record's task counts."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "doit", "-f", str(dodo), *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    out_dir = load_config(project).out_dir
    record = json.loads((out_dir / "runs" / "last-doit-run.json").read_text(encoding="utf-8"))
    if done.returncode not in (0, 1):
        print(done.stdout[-2000:], done.stderr[-2000:])
    return wall, done.returncode, record["counts"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, default=HERE)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="delete .gauntlet/ first")
    args = parser.parse_args()
    project = args.project.resolve()
    dodo = project / "dodo.py"
    if args.cold:
        shutil.rmtree(load_config(project).out_dir, ignore_errors=True)
    wall, code, counts = doit(project, dodo, "-n", "2")
    print(f"first run: {wall:.1f} s, exit {code}, tasks {counts}")
    walls = []
    for number in range(1, args.repeat + 1):
        wall, code, counts = doit(project, dodo)
        walls.append(wall)
        print(
            f"no-op run {number}: {wall:.3f} s, exit {code}, "
            f"executed {counts.get('executed', 0)}, up to date {counts.get('up-to-date', 0)}"
        )
    print(f"median of {len(walls)} no-op runs: {statistics.median(walls):.3f} s")


if __name__ == "__main__":
    main()
