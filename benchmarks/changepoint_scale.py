"""Change-point detection time against the length of a benchmark's history.

Times :func:`gauntlet.bench.changepoint.change_points` on seeded series of
100 to 5 000 points (1 % noise), steady and with two recent steps of 10 %, and
prints the seconds each took (median of ``--repeat`` runs).  The target is
≤ 0.2 s for 1 000 points.  ``--sizes`` picks the lengths.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from gauntlet.bench.changepoint import change_points


def _series(n: int, *, steps: bool, seed: int = 1) -> list[float]:
    """1 % noise; with ``steps``, +10 % at n - 200 and back at n - 100 (the worst case:
    both inside the searched window, each costing a full permutation test)."""
    rng = random.Random(seed)
    level = [1.1 if steps and n - 200 <= i < n - 100 else 1.0 for i in range(n)]
    return [lvl * (1 + rng.gauss(0, 0.01)) for lvl in level]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,200,400,1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'points':>7} {'series':>8} {'seconds':>9}  change points")
    for n in (int(s) for s in args.sizes.split(",")):
        for steps in (False, True):
            values = _series(n, steps=steps)
            times: list[float] = []
            found: tuple[int, ...] = ()
            for _ in range(args.repeat):
                start = time.perf_counter()
                found = change_points(values)
                times.append(time.perf_counter() - start)
            kind = "2 steps" if steps else "steady"
            print(f"{n:>7} {kind:>8} {statistics.median(times):>9.3f}  {list(found)}")


if __name__ == "__main__":
    main()
