"""How often gauntlet's side-by-side verdict is right, on real noise from this machine.

1. Builds the sample project's benchmark programs twice, in two folders (as a
   side-by-side comparison builds base and new), and measures each pair of
   builds as a side-by-side comparison does: interleaved, with the settings of
   ``[tool.gauntlet.bench]`` (``-r 5``, the best repetition is the sample,
   real-time priority where permitted), ``--rounds`` pairs.  That is a
   pool of real pairs: the noise of this machine, whatever else it is doing
   (the load average is printed).
2. For every program and slowdown d in 0/2/5/10 %, ``--trials`` times: gauntlet's
   own :func:`gauntlet.bench.paired.measure_until_decided` draws pairs from the
   pool (random rounds, the new side multiplied by 1 + d) until every benchmark
   has a verdict or the cap, exactly as it would run programs, and
   :func:`gauntlet.bench.compare.compare_all` judges them.  A *regression* at
   d = 0 is a false alarm; at d > 0 a detection; *inconclusive* is neither.
   The naive rule "mean slower by more than 5 %" is asked on the same draws
   with 1 and 30 pairs.
3. Instruction-count mode: the activations benchmark built for callgrind, run
   5 times; the spread of each count, and the verdict on a 1 % larger count.

    python benchmarks/bench_accuracy.py [--rounds 200] [--trials 200] [--save F | --pool F]

Targets: >= 95 % detection of 5 % slowdowns and <= 1 % false alarms in wall-time
mode with the sample count gauntlet chooses; instruction counts spread <= 0.1 %
and 1 % changes detected.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from gauntlet.bench.compare import compare_all
from gauntlet.bench.paired import SamplePlan, Sides, measure_until_decided
from gauntlet.bench.records import Measurement
from gauntlet.bench.stats import Verdict, compare, naive_verdict
from gauntlet.config.bench import BenchSettings
from gauntlet.config.load import load_config
from gauntlet.run.benchbuild import build_programs
from gauntlet.run.benchmeasure import (
    WallRun,
    measure_instructions,
    measure_wall,
    realtime_prefix,
)

HERE = Path(__file__).resolve().parent.parent
STEPS = (0.0, 0.02, 0.05, 0.10)
NAIVE_SIZES = (1, 30)


@dataclass(frozen=True)
class Pool:
    """Interleaved same-build pairs of one program, round by round."""

    source: str
    sides: Sides
    seconds_per_round: float

    @property
    def rounds(self) -> int:
        return len(self.sides[0][0].samples)

    def draw(self, picks: list[int], slowdown: float) -> Sides:
        """The pairs of rounds ``picks``, the new side slowed by ``slowdown``."""
        base, new = self.sides
        return (
            tuple(replace(m, samples=tuple(m.samples[i] for i in picks)) for m in base),
            tuple(
                replace(m, samples=tuple(m.samples[i] * (1 + slowdown) for i in picks)) for m in new
            ),
        )


def noise_pools(project: Path, rounds: int, settings: BenchSettings) -> list[Pool]:
    """Real pairs of every benchmark program of the project (the same build both sides)."""
    config = load_config(project)
    pools = []
    loads = [os.getloadavg()[0]]
    # Two builds of the same sources in different folders, as side by side builds
    # base and new: their embedded paths, and so their layouts, differ.
    builds = [build_programs(config, [], "bench", config.out_dir / "accuracy" / s) for s in "ab"]
    for source, first in builds[0].items():
        how = WallRun.from_settings(settings, str(config.root), config.timeout, source)
        started = time.perf_counter()
        base, new = measure_wall([first, builds[1][source]], how, samples=rounds, warmup=1)
        seconds = (time.perf_counter() - started) / (rounds + 1)
        loads.append(os.getloadavg()[0])
        pools.append(Pool(source, (base, new), seconds))
    print(
        f"noise pool: {rounds} interleaved pairs per program, -r {settings.repetitions}, "
        f"fixed layout {settings.fixed_layout}, real-time "
        f"{settings.realtime and bool(realtime_prefix())}; 1-min load average "
        f"{min(loads):.2f}-{max(loads):.2f} on {os.cpu_count()} cores"
    )
    for pool in pools:
        print(f"  {pool.source}: {pool.seconds_per_round:.2f} s per pair")
        for a, b in zip(*pool.sides, strict=True):
            ratios = [y / x for x, y in zip(a.samples, b.samples, strict=True)]
            q1, _, q3 = statistics.quantiles(ratios, n=4)
            print(
                f"    {a.name:34} median {statistics.median(a.samples):.4g} {a.unit}"
                f"  pair ratio IQR {q3 - q1:6.2%}"
            )
    return pools


@dataclass
class Tally:
    """Verdicts, pair counts and simulated seconds of one rule at one slowdown."""

    verdicts: Counter[Verdict]
    pairs: list[int]
    seconds: list[float]

    def rate(self, verdict: Verdict) -> float:
        return self.verdicts[verdict] / max(1, sum(self.verdicts.values()))


def simulate(
    pools: list[Pool], plan: SamplePlan, slowdown: float, trials: int, rng: random.Random
) -> tuple[Tally, dict[int, Tally]]:
    """gauntlet's sequential rule and the naive rule on ``trials`` draws per program."""
    ours = Tally(Counter(), [], [])
    naive = {n: Tally(Counter(), [], []) for n in NAIVE_SIZES}
    for pool in pools:
        for _ in range(trials):
            used: list[int] = []

            def draw(k: int, pool: Pool = pool, used: list[int] = used) -> Sides:
                picks = [rng.randrange(pool.rounds) for _ in range(k)]
                used.extend(picks)
                return pool.draw(picks, slowdown)

            base, new = measure_until_decided(draw, plan)
            for c in compare_all(base, new, paired=plan):
                ours.verdicts[c.verdict] += 1
            ours.pairs.append(len(used))
            ours.seconds.append(len(used) * pool.seconds_per_round)
            for n, tally in naive.items():
                b, w = pool.draw([rng.randrange(pool.rounds) for _ in range(n)], slowdown)
                for old, fresh in zip(b, w, strict=True):
                    tally.verdicts[naive_verdict(old, fresh, plan.threshold)] += 1
    return ours, naive


def accuracy_table(pools: list[Pool], plan: SamplePlan, trials: int) -> None:
    """The detection / false-alarm table for both rules, with the pairs gauntlet chose."""
    rng = random.Random(2026)
    started = time.perf_counter()
    results = [simulate(pools, plan, d, trials, rng) for d in STEPS]
    benchmarks = sum(len(p.sides[0]) for p in pools)
    print(f"\n{benchmarks} benchmarks x {trials} trials per cell; threshold {plan.threshold:.0%}")
    print("\n| rule | pairs | 0 % (false alarms) | 2 % | 5 % | 10 % |")
    print("| --- | --- | --- | --- | --- | --- |")
    for n in NAIVE_SIZES:
        cells = " | ".join(f"{r[1][n].rate(Verdict.REGRESSION):.1%}" for r in results)
        print(f"| naive mean > {plan.threshold:.0%} | {n} | {cells} |")
    all_pairs = [k for r in results for k in r[0].pairs]
    cells = " | ".join(
        f"{r[0].rate(Verdict.REGRESSION):.1%} ({r[0].rate(Verdict.INCONCLUSIVE):.1%} inc.)"
        for r in results
    )
    print(f"| gauntlet, chosen | {min(all_pairs)}-{max(all_pairs)} | {cells} |")
    print("\npairs per program run and simulated wall time (pairs x measured s per pair):")
    for d, (ours, _) in zip(STEPS, results, strict=True):
        print(
            f"  {d:4.0%}: median {statistics.median(ours.pairs):.0f} pairs, "
            f"{sum(k >= plan.cap for k in ours.pairs) / len(ours.pairs):.0%} at the cap "
            f"({plan.cap}); median {statistics.median(ours.seconds):.0f} s, "
            f"max {max(ours.seconds):.0f} s per program"
        )
    print(f"decisions took {time.perf_counter() - started:.0f} s")


def instruction_check(project: Path) -> None:
    """Spread of callgrind counts over 5 runs, and the verdict on a 1 % larger count."""
    config = load_config(project)
    settings = BenchSettings()
    counted = build_programs(
        config, ["--target-cpu", settings.target_cpu], "bench-callgrind", config.out_dir
    )
    source = next(s for s in counted if "activations" in s)
    started = time.perf_counter()
    runs = [
        measure_instructions(counted[source], cwd=str(config.root), timeout=600, source=source)
        for _ in range(5)
    ]
    print(
        f"\ninstruction counts, {source}, 5 runs under callgrind "
        f"({time.perf_counter() - started:.0f} s):"
    )
    for index, first in enumerate(runs[0]):
        counts = [r[index].samples[0] for r in runs]
        spread = (max(counts) - min(counts)) / statistics.median(counts)
        bigger = Measurement(first.name, (counts[0] * 1.01,), first.unit, first.kind)
        verdict = compare(runs[1][index], bigger).verdict.value
        print(
            f"  {first.name:16} median {statistics.median(counts):14,.0f}  "
            f"spread {spread:.4%}  +1 % -> {verdict}"
        )


def save_pools(pools: list[Pool], path: Path) -> None:
    """The measured pairs as JSON, so the decisions can be replayed (``--pool``)."""
    data = [
        {
            "source": p.source,
            "seconds_per_round": p.seconds_per_round,
            "sides": [[m.to_json() for m in side] for side in p.sides],
        }
        for p in pools
    ]
    path.write_text(json.dumps(data) + "\n", encoding="utf-8")


def load_pools(path: Path) -> list[Pool]:
    """Pairs saved by an earlier run."""
    return [
        Pool(
            item["source"],
            (
                tuple(Measurement.from_json(m) for m in item["sides"][0]),
                tuple(Measurement.from_json(m) for m in item["sides"][1]),
            ),
            float(item["seconds_per_round"]),
        )
        for item in json.loads(path.read_text(encoding="utf-8"))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=HERE)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--skip-instructions", action="store_true")
    parser.add_argument("--save", type=Path, help="write the measured pairs here (JSON)")
    parser.add_argument("--pool", type=Path, help="replay pairs saved by --save")
    args = parser.parse_args()
    settings = load_config(args.project).bench or BenchSettings()
    started = time.perf_counter()
    if args.pool:
        pools = load_pools(args.pool)
        print(f"noise pool: {pools[0].rounds} pairs per program from {args.pool}")
    else:
        pools = noise_pools(args.project, args.rounds, settings)
        print(f"pool measured in {time.perf_counter() - started:.0f} s")
    if args.save:
        save_pools(pools, args.save)
    accuracy_table(pools, settings.plan(), args.trials)
    if not args.skip_instructions:
        instruction_check(args.project)


if __name__ == "__main__":
    main()
