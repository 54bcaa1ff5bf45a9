"""The cost of Mojo line coverage: ``doit coverage`` against ``doit test``, cold and warm.

On a copy of a project (default: this repository, whose Mojo project is
``sample/``), with the machine's Mojo toolchain and Mojo's own compilation
cache as they are:

1. ``doit test`` cold (the project's build folder removed), then warm;
2. ``doit coverage`` cold (its traces and programs removed; the test results
   kept), then warm: every trace up to date;
3. the coverage figures: statements, covered, total, per file.

Each run is one ``python -m doit`` process; the figures are wall seconds.

    python benchmarks/mojo_coverage.py [PROJECT] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gauntlet.config.load import load_config
from gauntlet.layout import Layout

REPO = Path(__file__).resolve().parent.parent


def _doit(where: Path, task: str) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "doit", task],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GAUNTLET_HISTORY": "off"},
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: a test failed; still a measurement
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"doit {task} exited {done.returncode} in {where}")
    return seconds, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", type=Path, nargs="?", default=REPO)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gauntlet-covbench-") as scratch:
        copy = Path(scratch) / "project"
        skipped = shutil.ignore_patterns(".gauntlet", ".nox", ".git", ".venv")
        shutil.copytree(args.project, copy, symlinks=True, ignore=skipped)
        config = load_config(copy)
        build = Layout.of(config).build
        figures: dict[str, float] = {}
        figures["test_cold_s"], _ = _doit(copy, "test")
        figures["test_warm_s"], _ = _doit(copy, "test")
        figures["coverage_cold_s"], _ = _doit(copy, "coverage")
        figures["coverage_warm_s"], _ = _doit(copy, "coverage")
        report = json.loads((build.mojo_coverage / "coverage.json").read_text(encoding="utf-8"))
    totals = report["totals"]
    print(f"project: {args.project}")
    for name, seconds in figures.items():
        print(f"{name:>16}: {seconds:7.1f} s")
    ratio = figures["coverage_cold_s"] / figures["test_cold_s"]
    print(f"coverage cold / test cold: {ratio:.2f}")
    print(
        f"Mojo line coverage: {totals['percent_covered']:.1f}% "
        f"({totals['covered_lines']} of {totals['num_statements']} statements, "
        f"{len(report['files'])} files, {len(report['gauntlet']['traced'])} tests traced)"
    )
    for path, entry in report["files"].items():
        summary = entry["summary"]
        if summary["num_statements"]:
            print(f"  {path}: {summary['percent_covered']:.1f}% of {summary['num_statements']}")
    if args.json:
        args.json.write_text(json.dumps({**figures, "totals": totals}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
