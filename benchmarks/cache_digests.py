"""What checking the build cache against its digests costs, on a built project.

Every cached artifact (packages, executables, extension modules, test and
benchmark programs) is checked against the SHA-256 in its stamp before it is
trusted (:mod:`gauntlet.results.stamp`); doit's state database gets a
``PRAGMA quick_check`` when the graph loads (:mod:`gauntlet.adapters.doit_state`).
This prints, for each artifact under the build folder, its size and the time
to hash it (median of ``--repeat``), the total per run, a hashing throughput on
a larger file for extrapolation, and the quick_check time.

    python benchmarks/cache_digests.py            # this repository's sample (run `doit` first)
    python benchmarks/cache_digests.py --project path/to/project
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from gauntlet.adapters.doit_state import state_problem
from gauntlet.config.load import load_config
from gauntlet.results.stamp import file_sha256

HERE = Path(__file__).resolve().parent.parent


def timed(work: object, repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls of ``work()``."""
    assert callable(work)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, default=HERE)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    out_dir = load_config(args.project.resolve()).out_dir
    artifacts = sorted(
        p
        for p in (out_dir / "build").rglob("*")
        if p.is_file() and p.suffix not in (".key", ".partial") and ".partial-" not in str(p)
    )
    if not artifacts:
        raise SystemExit(f"no built artifacts under {out_dir / 'build'}: run `doit` first")
    total_ms, total_bytes = 0.0, 0
    print(f"{'artifact':70} {'KiB':>8} {'ms':>7}")
    for path in artifacts:
        ms = timed(lambda path=path: file_sha256(path), args.repeat)
        size = path.stat().st_size
        total_ms += ms
        total_bytes += size
        print(f"{path.relative_to(out_dir).as_posix():70} {size / 1024:8.0f} {ms:7.2f}")
    print(
        f"{len(artifacts)} artifacts, {total_bytes / 1e6:.2f} MB: {total_ms:.1f} ms to hash all "
        f"({total_ms / len(artifacts):.2f} ms each on average)"
    )
    with tempfile.TemporaryDirectory() as scratch:
        big = Path(scratch) / "big"
        big.write_bytes(os.urandom(64 * 1024 * 1024))
        ms = timed(lambda: file_sha256(big), 3)
        print(f"throughput: 64 MiB in {ms:.0f} ms = {64 / ms * 1000:.0f} MiB/s")
    state = out_dir / "doit-state.sqlite3"
    if state.is_file():
        ms = timed(lambda: state_problem(state), args.repeat)
        kib = state.stat().st_size / 1024
        print(f"doit state quick_check: {kib:.0f} KiB in {ms:.2f} ms")


if __name__ == "__main__":
    main()
