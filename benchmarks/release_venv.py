"""Making the release verification venv: ``python -m venv`` + pip against ``uv venv`` + uv pip.

Builds the tiny test project's wheel (gcc extension, as in the tests) and a
local wheelhouse with pytest, then times, for each way, creating a fresh venv
and installing the wheel and pytest from local files only.  Prints the
median and range of ``--repeat`` runs (default 5) for each.

    python benchmarks/release_venv.py
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from verifydata import build, tiny_project, wheelhouse


def _timed(argvs: list[list[str]]) -> float:
    started = time.perf_counter()
    for argv in argvs:
        subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        _, wheel = build(tiny_project(root))
        house = str(wheelhouse(root / "wheelhouse", ["pytest", "packaging"]))
        local = ["--no-index", "--find-links", house, str(wheel), "pytest"]

        def with_pip(venv: Path) -> list[list[str]]:
            return [
                [sys.executable, "-m", "venv", str(venv)],
                [str(venv / "bin/python"), "-m", "pip", "install", "-q", *local],
            ]

        def with_uv(venv: Path) -> list[list[str]]:
            return [
                [uv, "venv", "-q", "--python", sys.executable, str(venv)],
                [uv, "pip", "install", "-q", "--python", str(venv / "bin/python"), *local],
            ]

        ways = {"python -m venv + pip": with_pip, "uv venv + uv pip": with_uv}
        for name, steps in ways.items():
            times = []
            for number in range(args.repeat):
                venv = root / f"venv-{number}"
                times.append(_timed(steps(venv)))
                shutil.rmtree(venv)
            print(
                f"{name:22} median {statistics.median(times):5.2f} s "
                f"(min {min(times):.2f}, max {max(times):.2f}, {args.repeat} runs)"
            )


if __name__ == "__main__":
    main()
