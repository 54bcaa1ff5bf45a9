"""Scan time of a generated 500-module Mojo tree: cold (no cache) and unchanged.

"Scan" is everything a doit run does before deciding what to run: walk the
tree, read and hash every file, parse imports (or take them from the content
cache), resolve them per program and compute every step's closure and key.
Prints the median of several runs of each; targets are ≤ 0.5 s cold and
≤ 0.1 s when nothing changed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_tree import generate

from gauntlet.config.load import load_config
from gauntlet.graph.plan import make_plan
from gauntlet.graph.project import build_project
from gauntlet.graph.scancache import ScanCache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gauntlet-scan-"))
    try:
        files = generate(root, args.modules)
        config = load_config(root)
        cache_file = config.out_dir / "cache" / "scan.json"
        cold, warm = [], []
        for _ in range(args.repeat):
            cache_file.unlink(missing_ok=True)
            started = time.perf_counter()
            cache = ScanCache(cache_file)
            project = build_project(config, cache)
            plan = make_plan(project, "mojo 1.2.0")
            cold.append(time.perf_counter() - started)
            parsed_cold = cache.parsed
            started = time.perf_counter()
            cache = ScanCache(cache_file)
            make_plan(build_project(config, cache), "mojo 1.2.0")
            warm.append(time.perf_counter() - started)
            parsed_warm = cache.parsed
        diagnostics = project.diagnostics(project.programs())
        inputs = sum(len(s.inputs) for s in plan.steps)
        print(
            f"tree: {len(files)} Mojo files; plan: {len(plan.steps)} steps over "
            f"{inputs} closure inputs; {len(diagnostics)} unresolved imports"
        )
        print(
            f"cold scan (no cache, {parsed_cold} files parsed): "
            f"median {statistics.median(cold):.3f} s  (min {min(cold):.3f}, max {max(cold):.3f})"
        )
        print(
            f"unchanged (cache, {parsed_warm} files parsed):    "
            f"median {statistics.median(warm):.3f} s  (min {min(warm):.3f}, max {max(warm):.3f})"
        )
        ok = statistics.median(cold) <= 0.5 and statistics.median(warm) <= 0.1
        print("targets (cold <= 0.5 s, unchanged <= 0.1 s):", "met" if ok else "NOT met")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
