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

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from gauntlet.bench.paired import SamplePlan
from gauntlet.config.load import _describe
from gauntlet.errors import ConfigError
from gauntlet.run.benchmeasure import WallRun

if TYPE_CHECKING:
    from collections.abc import Callable

    from gauntlet.config.load import Config, _Where

TABLE = "tool.gauntlet.bench"


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
        return {
            "samples": self.samples,
            "warmup": self.warmup,
            "threshold": self.threshold,
            "instructions": list(self.instructions),
            "fallback": self.fallback,
            "not_gated": list(self.not_gated),
            "target_cpu": self.target_cpu,
            "quantile": self.quantile,
            "repetitions": self.repetitions,
            "fixed_layout": self.fixed_layout,
            "realtime": self.realtime,
            "pilot": self.pilot,
            "max_pairs": self.max_pairs,
            "python": list(self.python),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> BenchSettings:
        """The inverse of :meth:`to_json`."""
        return BenchSettings(
            samples=int(data["samples"]),
            warmup=int(data["warmup"]),
            threshold=float(data["threshold"]),
            instructions=tuple(data["instructions"]),
            fallback=bool(data["fallback"]),
            not_gated=tuple(data["not_gated"]),
            target_cpu=str(data["target_cpu"]),
            quantile=float(data.get("quantile", 0.5)),
            repetitions=int(data.get("repetitions", 5)),
            fixed_layout=bool(data.get("fixed_layout", False)),
            realtime=bool(data.get("realtime", True)),
            pilot=int(data.get("pilot", 10)),
            max_pairs=int(data.get("max_pairs", 200)),
            python=tuple(data.get("python", ())),
        )

    def wall_run(self, cwd: str, timeout: float, source: str) -> WallRun:
        """How each wall-time run of ``source`` is started."""
        return WallRun(cwd, timeout, source, self.repetitions, self.fixed_layout, self.realtime)

    def plan(self) -> SamplePlan:
        """How many interleaved pairs a side-by-side comparison measures."""
        return SamplePlan(pilot=self.pilot, cap=self.max_pairs, threshold=self.threshold)


def _count(value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise TypeError(f"expected an integer >= {low}, got {_describe(value)}")
    return value


def _fraction(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
        raise TypeError(f"expected a fraction between 0 and 1 such as 0.05, got {_describe(value)}")
    return float(value)


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TypeError(f"expected an array of non-empty strings, got {_describe(value)}")
    return tuple(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {_describe(value)}")
    return value


def _word(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"expected a CPU name such as 'x86-64-v3', got {_describe(value)}")
    return value


def _samples(value: object) -> int:
    return _count(value, 1)


def _warmup(value: object) -> int:
    return _count(value, 0)


def _pilot(value: object) -> int:
    return _count(value, 5)


_KEYS: dict[str, tuple[str, Callable[[object], object]]] = {
    "samples": ("samples", _samples),
    "warmup": ("warmup", _warmup),
    "threshold": ("threshold", _fraction),
    "instructions": ("instructions", _strings),
    "fallback": ("fallback", _flag),
    "not-gated": ("not_gated", _strings),
    "target-cpu": ("target_cpu", _word),
    "quantile": ("quantile", _fraction),
    "repetitions": ("repetitions", _samples),
    "fixed-layout": ("fixed_layout", _flag),
    "realtime": ("realtime", _flag),
    "pilot": ("pilot", _pilot),
    "max-pairs": ("max_pairs", _pilot),
    "python": ("python", _strings),
}


def parse_bench(where: _Where, raw: object) -> BenchSettings:
    """Validate the ``[tool.gauntlet.bench]`` table; errors name file, line and key."""
    if not isinstance(raw, dict):
        raise where.error("tool.gauntlet", "bench", f"expected a table, got {_describe(raw)}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            raise ConfigError(
                f"{where.error(TABLE, key, 'unknown key')}; known keys: {known}"
            ) from None
        name, parse = _KEYS[key]
        try:
            values[name] = parse(value)
        except TypeError as exc:
            raise where.error(TABLE, key, str(exc)) from None
    settings = BenchSettings(**values)
    if settings.max_pairs < settings.pilot:
        raise where.error(
            TABLE,
            "max-pairs",
            f"must be at least 'pilot' ({settings.pilot}), got {settings.max_pairs}",
        )
    return settings


def bench_settings(config: Config) -> BenchSettings:
    """The project's benchmark settings (checked when the configuration loaded)."""
    return config.bench or BenchSettings()
