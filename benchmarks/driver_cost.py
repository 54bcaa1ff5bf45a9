"""What the per-test driver costs in compile time, on a real compiler.

    python benchmarks/driver_cost.py PROJECT FILE... [--repeat 3]

For each test file of PROJECT (a folder with ``[tool.gauntlet]``) that needs a
driver (``gauntlet.graph.testdriver``), it builds the file as it is and its
driver, alternately, ``--repeat`` times each, with the project's compiler,
include roots and flags, each with an empty Mojo module cache (a cold
compile), and prints the median compile time of both and their ratio.  Files
that need no driver (TestSuite files, files whose ``main`` calls no test
function) are listed as such.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from gauntlet.config.load import load_config
from gauntlet.graph.testdriver import plan_driver
from gauntlet.run import toolchain
from gauntlet.run.context import compiler_identity
from gauntlet.run.mojocmd import compile_command


def build_seconds(argv: list[str], cwd: Path) -> float | None:
    """Wall time of one cold compile (an empty Mojo module cache); None when it failed."""
    with tempfile.TemporaryDirectory(prefix="mojo-cache-") as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        took = time.perf_counter() - start
    return took if done.returncode == 0 else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = args.project.resolve()
    config = load_config(root)
    mojo = str(toolchain.ensure(config.mojo_version).mojo)
    _, caps = compiler_identity(config.mojo_version)
    include = [str(root / folder) for folder in config.include]
    print(f"Mojo {config.mojo_version}, {args.repeat} builds of each, alternating")
    with tempfile.TemporaryDirectory(prefix="driver-cost-") as scratch:
        for file in args.files:
            source = root / file
            driver = plan_driver(source.read_text(encoding="utf-8"), std_prefix=caps.std_prefix)
            if driver is None:
                print(f"{file}: needs no driver")
                continue
            copy = Path(scratch) / source.name
            copy.write_text(driver.source, encoding="utf-8")
            flags = list(config.mojo_flags)
            plain = compile_command(
                mojo, "executable", str(source), f"{scratch}/a", include, flags, caps
            )
            driven = compile_command(
                mojo, "executable", str(copy), f"{scratch}/b", [str(source.parent), *include],
                flags, caps,
            )  # fmt: skip
            times: dict[str, list[float]] = {"file": [], "driver": []}
            for _ in range(args.repeat):
                for name, argv in (("file", plain), ("driver", driven)):
                    took = build_seconds(argv, root)
                    if took is not None:
                        times[name].append(took)
            if not times["file"] or not times["driver"]:
                print(f"{file}: does not compile ({len(driver.calls)} tests)")
                continue
            a, b = statistics.median(times["file"]), statistics.median(times["driver"])
            print(
                f"{file}: {len(driver.calls)} tests; file {a:.2f} s, driver {b:.2f} s "
                f"(x{b / a:.2f})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
