"""How often gauntlet's benchmark verdict is right, on real noise from this machine.

1. Builds the sample project's benchmark programs and runs each one ``--runs``
   times (one warm-up first), which gives a pool of real wall-time samples per
   benchmark: the noise of this machine, whatever else it is doing.
2. For every benchmark, slowdown d in 0/2/5/10 % and sample count n, draws
   ``--trials`` times 2n distinct samples from the pool: n are the base, n
   (multiplied by 1 + d) the new run; and asks
   * gauntlet's rule (:func:`gauntlet.benchstats.compare`: Mann-Whitney U plus
     a bootstrap interval of the median ratio, threshold 5 %),
   * the naive rule "mean slower by more than 5 %", with one run a side (the
     usual CI check) and with n runs a side.
   A verdict of *regression* at d = 0 is a false alarm; at d > 0 a detection.
3. Instruction-count mode: the activations benchmark built for callgrind, run
   5 times; the spread of each count, and the verdict on a 1 % larger count.

    python benchmarks/bench_accuracy.py [--runs 80] [--trials 100] [--sizes 10,20,30]

Targets: >= 95 % detection of 5 % slowdowns and <= 1 % false alarms in wall-time
mode; instruction counts spread <= 0.1 % and 1 % changes detected.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from gauntlet import toolchain
from gauntlet.actions import Job
from gauntlet.benchconfig import BenchSettings
from gauntlet.benchmeasure import measure_instructions, measure_wall
from gauntlet.benchresults import Measurement
from gauntlet.benchstats import Verdict, compare, naive_verdict
from gauntlet.config import load_config
from gauntlet.plan import StepKind, make_plan
from gauntlet.project import build_project
from gauntlet.scancache import ScanCache

HERE = Path(__file__).resolve().parent.parent
STEPS = (0.0, 0.02, 0.05, 0.10)
LOCATIONS: tuple[float, ...] = (0.5,)  # the quantiles gauntlet's rule compares (--locations)


def programs(project: Path, flags: list[str], folder: str) -> dict[str, Path]:
    """The project's benchmark programs, built (or reused) by gauntlet's own job."""
    config = load_config(project)
    found = toolchain.ensure(config.mojo_version)
    plan = make_plan(
        build_project(config, ScanCache(config.out_dir / "cache" / "scan.json")),
        toolchain.identity(config.mojo_version),
    )
    built = {}
    for step in plan.of_kind(StepKind.BENCHMARK):
        job = Job(
            mojo=str(found.mojo),
            root=str(config.root),
            source=step.source,
            output="",
            key=step.key,
            include=list(config.include),
            flags=[*config.mojo_flags, *flags],
            timeout=config.timeout,
            out_dir=str(config.out_dir),
        )
        binary, error, _ = job.program(folder)
        if error is not None:
            raise SystemExit(f"{step.source}: {error.message}")
        built[step.source] = binary
    return built


def rate(verdicts: list[Verdict]) -> float:
    return sum(v is Verdict.REGRESSION for v in verdicts) / len(verdicts)


def noise_pool(project: Path, runs: int) -> tuple[list[Measurement], float]:
    """Real samples: every benchmark of the project, ``runs`` runs each."""
    config = load_config(project)
    started = time.perf_counter()
    pools: list[Measurement] = []
    for source, binary in programs(project, [], "bench").items():
        (found,) = measure_wall(
            [binary],
            cwd=str(config.root),
            timeout=config.timeout,
            samples=runs,
            warmup=1,
            source=source,
        )
        pools.extend(found)
    pool_s = time.perf_counter() - started
    print(f"noise pool: {len(pools)} benchmarks x {runs} runs in {pool_s:.1f} s")
    for m in pools:
        med = statistics.median(m.samples)
        q1, _, q3 = statistics.quantiles(m.samples, n=4)
        print(
            f"  {m.name:34} median {med:.4g} {m.unit}  IQR/median {(q3 - q1) / med:6.1%}"
            f"  max/median {max(m.samples) / med:5.2f}"
        )
    return pools, pool_s


def cell(
    pools: list[Measurement], n: int, d: float, trials: int, rng: random.Random
) -> list[float]:
    """Regression rates of the naive rule and of gauntlet's rule per location, for (n, d)."""
    ours: list[list[Verdict]] = [[] for _ in LOCATIONS]
    naive: list[Verdict] = []
    for m in pools:
        for trial in range(trials):
            drawn = rng.sample(m.samples, 2 * n)
            base = Measurement(m.name, tuple(drawn[:n]))
            new = Measurement(m.name, tuple(x * (1 + d) for x in drawn[n:]))
            naive.append(naive_verdict(base, new))
            for verdicts, location in zip(ours, LOCATIONS, strict=True):
                if n > 1:
                    verdicts.append(compare(base, new, seed=trial, location=location).verdict)
    return [rate(naive), *(rate(v) if v else float("nan") for v in ours)]


def accuracy_table(pools: list[Measurement], sizes: list[int], trials: int) -> None:
    """The detection / false-alarm table for both rules."""
    rng = random.Random(2026)
    print()
    print("| rule | n per side | 0 % (false alarms) | 2 % | 5 % | 10 % |")
    print("| --- | --- | --- | --- | --- | --- |")
    started = time.perf_counter()
    for n in [1, *sizes]:
        rates = [cell(pools, n, d, trials, rng) for d in STEPS]
        names = ["naive mean > 5 %", *(f"gauntlet, quantile {q:g}" for q in LOCATIONS)]
        for index, rule in enumerate(names):
            if n > 1 or index == 0:
                print(f"| {rule} | {n} | " + " | ".join(f"{r[index]:.1%}" for r in rates) + " |")
    print(
        f"\n{len(pools) * trials} trials per cell; decisions took "
        f"{time.perf_counter() - started:.0f} s"
    )


def instruction_check(project: Path) -> None:
    """Spread of callgrind counts over 5 runs, and the verdict on a 1 % larger count."""
    config = load_config(project)
    settings = BenchSettings()
    counted = programs(project, ["--target-cpu", settings.target_cpu], "bench-callgrind")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=HERE)
    parser.add_argument("--runs", type=int, default=80)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--sizes", default="10,20,30")
    parser.add_argument("--skip-instructions", action="store_true")
    parser.add_argument("--locations", default="0.5", help="quantiles compared, e.g. 0.5,0.1")
    args = parser.parse_args()
    global LOCATIONS  # noqa: PLW0603 - one setting for the whole script
    LOCATIONS = tuple(float(q) for q in args.locations.split(","))
    pools, pool_s = noise_pool(args.project, args.runs)
    accuracy_table(pools, [int(s) for s in args.sizes.split(",")], args.trials)
    print(f"program runs: {pool_s / args.runs:.2f} s per sample of every benchmark")
    if not args.skip_instructions:
        instruction_check(args.project)


if __name__ == "__main__":
    main()
