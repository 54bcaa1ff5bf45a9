"""``[tool.gauntlet.bench]``: how benchmarks are measured and judged.

```toml
[tool.gauntlet.bench]
samples = 10            # measured runs of each benchmark program (wall time)
warmup = 1              # runs before them whose figures are dropped
threshold = 0.05        # smallest slowdown that counts as a regression
instructions = ["benchmarks/bench_matmul.mojo"]  # files measured by callgrind
fallback = false        # measure wall time when valgrind is missing (else an error)
not-gated = ["softmax/input_id:128x128"]         # reported, never fail the run
target-cpu = "x86-64-v3"  # compile target for callgrind runs
quantile = 0.5          # stored baselines: 0.5 compares medians, 0.1 the fast tail
repetitions = 5         # std.benchmark -r: repetitions per run; the best is the sample
fixed-layout = false    # `setarch -R`: less noise, but a fixed bias between two builds
realtime = true         # run under `chrt -f 1` where permitted (no preemption by other jobs)
pilot = 10              # side by side: interleaved pairs before the sample count is chosen
max-pairs = 200         # side by side: at most this many pairs, then "inconclusive"
python = ["benchmarks/bench_*.py"]  # Python benchmarks (scripts or pytest-benchmark files)
```

Wall time is measured by running the compiled program ``warmup + samples``
times (side by side: as many interleaved pairs as :mod:`gauntlet.bench.paired`
chooses); each run's best repetition is one sample per benchmark.  Instruction counts
come from one run under ``valgrind --tool=callgrind``; the program is built
for ``target-cpu`` because valgrind 3.19 cannot decode the AVX-512
instructions Mojo emits for newer hosts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from gauntlet.config.schema import Key, Table
from gauntlet.config.values import flag, fraction, integer, strings, text

if TYPE_CHECKING:
    from gauntlet.bench.paired import SamplePlan
    from gauntlet.config.model import Config
    from gauntlet.config.schema import Fail


@dataclass(frozen=True)
class BenchSettings:
    """Validated benchmark settings."""

    samples: int = 10
    warmup: int = 1
    threshold: float = 0.05
    instructions: tuple[str, ...] = ()
    fallback: bool = False
    not_gated: tuple[str, ...] = ()
    target_cpu: str = "x86-64-v3"
    quantile: float = 0.5
    repetitions: int = 5
    fixed_layout: bool = False
    realtime: bool = True
    pilot: int = 10
    max_pairs: int = 200
    python: tuple[str, ...] = ()

    def counts_instructions(self, source: str) -> bool:
        """Whether ``source`` (root-relative) is measured by callgrind."""
        return any(fnmatchcase(source, pattern) for pattern in self.instructions)

    def to_json(self) -> dict[str, Any]:
        """Plain values, so a task can pass them to any worker."""
        return {name: list(v) if isinstance(v, tuple) else v for name, v in asdict(self).items()}

    @staticmethod
    def from_json(data: dict[str, Any]) -> BenchSettings:
        """The inverse of :meth:`to_json`; fields it lacks keep their defaults."""
        values: dict[str, Any] = {
            f.name: tuple(data[f.name]) if isinstance(f.default, tuple) else data[f.name]
            for f in fields(BenchSettings)
            if f.name in data
        }
        return BenchSettings(**values)

    def plan(self) -> SamplePlan:
        """How many interleaved pairs a side-by-side comparison measures."""
        from gauntlet.bench.paired import SamplePlan  # statistics: only when measuring

        return SamplePlan(pilot=self.pilot, cap=self.max_pairs, threshold=self.threshold)


BENCH = Table(
    "tool.gauntlet.bench",
    "How benchmarks are measured and judged.",
    (
        Key("samples", integer(1), "Measured runs of each benchmark program (wall time)."),
        Key("warmup", integer(0), "Runs before the measured ones whose figures are dropped."),
        Key("threshold", fraction(), "Smallest slowdown that counts as a regression (0.05: 5%)."),
        Key("instructions", strings(), "Benchmark files (patterns) measured by callgrind."),
        Key("fallback", flag(), "Measure wall time when valgrind is missing (else an error)."),
        Key("not-gated", strings(), "Benchmarks that are reported but never fail the run."),
        Key(
            "target-cpu",
            text("a CPU name such as 'x86-64-v3'"),
            "Compile target for callgrind runs (valgrind cannot decode AVX-512).",
        ),
        Key("quantile", fraction(), "Stored baselines: 0.5 compares medians, 0.1 the fast tail."),
        Key("repetitions", integer(1), "std.benchmark -r: repetitions per run; the best counts."),
        Key("fixed-layout", flag(), "Run under `setarch -R`: less noise, a fixed bias."),
        Key("realtime", flag(), "Run under `chrt -f 1` where permitted."),
        Key("pilot", integer(5), "Side by side: interleaved pairs before the count is chosen."),
        Key("max-pairs", integer(5), "Side by side: at most this many pairs, then inconclusive."),
        Key("python", strings(), "Python benchmark files (scripts or pytest-benchmark files)."),
    ),
    BenchSettings,
    suggest=False,
)


def parse_bench(raw: dict[str, Any], fail: Fail) -> BenchSettings:
    """The ``[tool.gauntlet.bench]`` table; every problem goes to ``fail``."""
    settings = BenchSettings(**BENCH.read(raw, fail))
    if settings.max_pairs < settings.pilot:
        fail("max-pairs", f"must be at least 'pilot' ({settings.pilot}), got {settings.max_pairs}")
    return settings


def bench_settings(config: Config) -> BenchSettings:
    """The project's benchmark settings (checked when the configuration loaded)."""
    return config.bench or BenchSettings()
