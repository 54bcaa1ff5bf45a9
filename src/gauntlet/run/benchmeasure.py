"""Measuring compiled benchmark programs: repeated wall-time runs and callgrind counts.

Wall time: the program runs ``warmup`` times (figures dropped), then
``samples`` times.  Each run is started with ``-r repetitions`` (std.benchmark
repeats every benchmark that often) and the best repetition (fastest time,
highest throughput) is the run's sample: a repetition that another process
interrupted is slower, never faster.  With ``fixed_layout`` the program runs
under ``setarch -R`` (no address-space randomisation).  Measured here: with
randomisation some benchmarks run at one of two speeds ~25 % apart, chosen
afresh by each process; without it each process of one build lands on the
same speed, but two builds of the same source (base and new, whose embedded
paths differ) landed on different ones, a constant 25 % "regression".  So
randomisation stays on by default: it turns layout into noise that pairs
average out, instead of a bias.  With ``realtime`` it runs under
``chrt -f 1`` (first-in-first-out scheduling, the lowest real-time priority)
when this user may do that: ordinary processes, such as other jobs' tests on
a shared runner, can then no longer preempt it (the kernel still keeps 5 % of
every second for them).  Measured on 2 cores at load average 5: the best of 5
repetitions of one benchmark varied 250-568 us over 12 runs without it and
240.8-244.2 us with it.  Several programs (a base and a new build) are run
interleaved, A B A B ..., so a slow phase of a shared machine hits both alike.

Instruction counts: one run under ``valgrind --tool=callgrind``; the inclusive
count of every ``bench_*(Bencher)`` function (from ``callgrind_annotate
--inclusive=yes``) is one measurement named after the function, and the whole
program's total is ``<program>``.  A benchmark function the compiler inlined
into ``main`` has no count of its own; the total is always there.  Counts vary
by ~0.01 % between runs.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.bench.parse import parse_output
from gauntlet.bench.records import INSTRUCTIONS, Measurement, MetricKind
from gauntlet.errors import ResultError, ToolError
from gauntlet.results.testoutput import clean, tail

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gauntlet.config.bench import BenchSettings

PROGRAM = "<program>"
VALGRIND_HINT = (
    "valgrind is not installed, so instruction counts cannot be measured. Install it "
    "(Debian/Ubuntu: `sudo apt-get install valgrind`; Fedora: `sudo dnf install valgrind`), "
    "or measure wall time instead: remove the file from [tool.gauntlet.bench] 'instructions' "
    "or set `fallback = true` there"
)
_TOTAL = re.compile(r"^(?:summary|totals):\s*(\d+)")
_FUNCTION = re.compile(r"^\s*([\d,]+)\s+\([\s\d.]+%\)\s+\S*?:(?:[\w.]+::)*(\w+)\(::Bencher\)")


@dataclass(frozen=True)
class WallRun:
    """How one wall-time run of a benchmark program is started."""

    cwd: str
    timeout: float
    source: str
    repetitions: int = 1
    fixed_layout: bool = False
    realtime: bool = False

    @classmethod
    def from_settings(
        cls, settings: BenchSettings, cwd: str, timeout: float, source: str
    ) -> WallRun:
        """How each wall-time run of ``source`` is started, as ``[tool.gauntlet.bench]`` says."""
        return cls(
            cwd, timeout, source, settings.repetitions, settings.fixed_layout, settings.realtime
        )

    def argv(self, binary: Path) -> list[str]:
        """The command line: the program and its repetitions, with the requested wrappers."""
        argv = [str(binary)]
        if self.repetitions > 1:
            argv += ["-r", str(self.repetitions)]
        setarch = shutil.which("setarch") if self.fixed_layout else None
        if setarch:
            argv = [setarch, "-R", *argv]
        return [*realtime_prefix(), *argv] if self.realtime else argv


@lru_cache(maxsize=1)
def realtime_prefix() -> tuple[str, ...]:
    """``chrt -f 1`` when this user may use real-time scheduling, else nothing."""
    chrt = shutil.which("chrt")
    if chrt is None:
        return ()
    probe = runner.run([chrt, "-f", "1", "true"], timeout=30)
    return (chrt, "-f", "1") if probe.ok else ()


def best(measurement: Measurement) -> Measurement:
    """The best repetition as the one sample: the least time, or the most throughput."""
    pick = max if measurement.kind is MetricKind.THROUGHPUT else min
    return replace(measurement, samples=(pick(measurement.samples),))


def _run_once(binary: Path, how: WallRun) -> tuple[Measurement, ...]:
    done = runner.run(how.argv(binary), cwd=how.cwd, timeout=how.timeout)
    if done.timed_out:
        raise ResultError(f"{how.source}: timed out after {how.timeout:g} s and was killed")
    if not done.ok:
        raise ResultError(
            f"{how.source}: exited with code {done.returncode}: {tail(clean(done.stderr), 5)}"
        )
    return tuple(best(m) for m in parse_output(clean(done.stdout), how.source, "markdown"))


def measure_wall(
    binaries: Sequence[Path], how: WallRun, *, samples: int, warmup: int = 0
) -> list[tuple[Measurement, ...]]:
    """Samples of each program's benchmarks, the programs run interleaved."""
    gathered: list[dict[str, list[float]]] = [{} for _ in binaries]
    first: list[dict[str, Measurement]] = [{} for _ in binaries]
    for round_number in range(warmup + samples):
        for index, binary in enumerate(binaries):
            found = _run_once(binary, how)
            if round_number < warmup:
                continue
            for m in found:
                first[index].setdefault(m.name, m)
                gathered[index].setdefault(m.name, []).extend(m.samples)
    return [
        tuple(replace(seen[name], samples=tuple(values)) for name, values in per_name.items())
        for per_name, seen in zip(gathered, first, strict=True)
    ]


def callgrind_total(text: str, source: str) -> int:
    """The total instruction count of a callgrind output file."""
    for line in text.splitlines():
        match = _TOTAL.match(line)
        if match:
            return int(match.group(1))
    raise ResultError(f"{source}: callgrind output has no 'summary:' or 'totals:' line")


def bencher_functions(annotated: str) -> dict[str, int]:
    """Inclusive counts of ``bench_*(Bencher)`` functions in ``callgrind_annotate`` output."""
    found: dict[str, int] = {}
    for line in annotated.splitlines():
        match = _FUNCTION.match(line)
        if match:
            found.setdefault(match.group(2), int(match.group(1).replace(",", "")))
    return found


def measure_instructions(
    binary: Path, *, cwd: str, timeout: float, source: str
) -> tuple[Measurement, ...]:
    """Instruction counts of one run under callgrind (ToolError with a hint if missing)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise ToolError(VALGRIND_HINT)
    with tempfile.TemporaryDirectory(prefix="gauntlet-callgrind-") as scratch:
        out = Path(scratch) / "callgrind.out"
        argv = [valgrind, "--tool=callgrind", f"--callgrind-out-file={out}", str(binary)]
        done = runner.run(argv, cwd=cwd, timeout=timeout)
        if not done.ok or not out.exists():
            why = "timed out" if done.timed_out else f"exited with code {done.returncode}"
            raise ResultError(f"{source}: callgrind run {why}: {tail(clean(done.stderr), 8)}")
        total = callgrind_total(out.read_text(encoding="utf-8", errors="replace"), str(out))
        functions: dict[str, int] = {}
        annotate = shutil.which("callgrind_annotate")
        if annotate is not None:
            listed = runner.run([annotate, "--inclusive=yes", str(out)], timeout=timeout)
            functions = bencher_functions(listed.stdout) if listed.ok else {}
    counts = [(PROGRAM, total), *sorted(functions.items())]
    return tuple(
        Measurement(name, (float(n),), INSTRUCTIONS, MetricKind.INSTRUCTIONS, 1)
        for name, n in counts
    )


def valgrind_available() -> bool:
    """Whether callgrind can be used on this machine."""
    return shutil.which("valgrind") is not None
