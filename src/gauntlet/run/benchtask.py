"""The ``benchmark:FILE`` task's work: build, measure by the configured method, record.

Mojo benchmarks are compiled and measured here; Python ones are run by
:mod:`gauntlet.run.pybench`.  Both are recorded alike.

Writes, for the task's output path ``X.json``: ``X.json`` (the raw-run record
of :mod:`gauntlet.bench.file`, which the up-to-date check reads; its rows are
the medians) and ``X.samples.json`` (schema-2 results with every sample), and
appends successful results to this machine's history.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from statistics import median
from typing import Any

from gauntlet import runner
from gauntlet.bench.file import BenchRun, Row, write_bench
from gauntlet.bench.history import HistoryStore
from gauntlet.bench.records import BenchResults, Environment, Measurement, write_results
from gauntlet.config.bench import BenchSettings
from gauntlet.errors import ResultError, ToolError
from gauntlet.graph.plan import StepKind
from gauntlet.run.actions import Job
from gauntlet.run.benchmeasure import (
    WallRun,
    measure_instructions,
    measure_wall,
    valgrind_available,
)
from gauntlet.run.pybench import run_python_benchmark


def git_commit(folder: Path | str) -> str:
    """The checked-out commit of ``folder``, or "" outside a git repository."""
    done = runner.run(["git", "rev-parse", "HEAD"], cwd=folder, timeout=30)
    return done.stdout.strip() if done.ok else ""


def samples_path(output: Path) -> Path:
    """Where the schema-2 results of a benchmark task go."""
    return output.with_name(output.stem + ".samples.json")


def _measure(job: Job, settings: BenchSettings) -> tuple[tuple[Measurement, ...], str]:
    """The measurements and a note (e.g. a fallback) for one compiled benchmark."""
    note = ""
    if settings.counts_instructions(job.source):
        if valgrind_available():
            flags = [*job.flags, "--target-cpu", settings.target_cpu]
            counted = replace(job, flags=flags)
            binary, error, _ = counted.program("bench-callgrind")
            if error is not None:
                raise ResultError(error.message)
            found = measure_instructions(
                binary, cwd=job.root, timeout=job.timeout, source=job.source
            )
            return found, note
        if not settings.fallback:
            from gauntlet.run.benchmeasure import VALGRIND_HINT

            raise ToolError(f"{job.source}: {VALGRIND_HINT}")
        note = "valgrind missing: measured wall time instead of instructions (fallback = true)"
    binary, error, _ = job.program("bench")
    if error is not None:
        raise ResultError(error.message)
    how = WallRun.from_settings(settings, job.root, job.timeout, job.source)
    (found,) = measure_wall([binary], how, samples=settings.samples, warmup=settings.warmup)
    return found, note


def run_benchmark_file(job: Job, settings: BenchSettings, commit: str = "") -> dict[str, Any]:
    """Measure one benchmark (Mojo or Python); store its results and extend the history."""
    started = time.time()
    environment = Environment.current(job.toolchain)
    message = ""
    measurements: tuple[Measurement, ...] = ()
    try:
        if job.kind == StepKind.PY_BENCHMARK.value:
            measurements = run_python_benchmark(
                job.root, job.source, job.out_dir, job.timeout, realtime=settings.realtime
            )
            note = ""
        else:
            measurements, note = _measure(job, settings)
    except ResultError as exc:
        message, note = str(exc), ""
    results = BenchResults(
        source=job.source,
        environment=environment,
        measurements=measurements,
        commit=commit,
        timestamp=started,
        key=job.key,
        ok=not message,
        message=message,
        extra={"note": note} if note else {},
    )
    output = Path(job.output)
    write_results(samples_path(output), results)
    rows: tuple[Row, ...] = tuple(
        {"name": m.name, f"met ({m.unit})": median(m.samples), "iters": float(m.iters)}
        for m in measurements
    )
    run = BenchRun(
        job.source,
        job.key,
        job.toolchain,
        started,
        ok=results.ok,
        message=message,
        rows=rows,
        seconds=time.time() - started,
    )
    write_bench(output, run)
    if results.ok:
        HistoryStore(job.build_dir.bench_history).append(results)
    return {
        "status": "passed" if results.ok else "error",
        "message": message or note,
        "benchmarks": len(measurements),
        "samples": max((len(m.samples) for m in measurements), default=0),
        "output": job.output,
    }
