"""Measuring compiled benchmark programs: repeated wall-time runs and callgrind counts.

Wall time: the program runs ``warmup`` times (figures dropped), then
``samples`` times; every report table it prints gives one sample per
benchmark.  Several programs (a base and a new build) are run interleaved,
A B A B ..., so a slow phase of a shared machine hits both alike.

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
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.benchparse import parse_output
from gauntlet.benchresults import INSTRUCTIONS, Measurement, MetricKind
from gauntlet.errors import ResultError, ToolError
from gauntlet.testoutput import clean, tail

if TYPE_CHECKING:
    from collections.abc import Sequence

PROGRAM = "<program>"
VALGRIND_HINT = (
    "valgrind is not installed, so instruction counts cannot be measured. Install it "
    "(Debian/Ubuntu: `sudo apt-get install valgrind`; Fedora: `sudo dnf install valgrind`), "
    "or measure wall time instead: remove the file from [tool.gauntlet.bench] 'instructions' "
    "or set `fallback = true` there"
)
_TOTAL = re.compile(r"^(?:summary|totals):\s*(\d+)")
_FUNCTION = re.compile(r"^\s*([\d,]+)\s+\([\s\d.]+%\)\s+\S*?:(?:[\w.]+::)*(\w+)\(::Bencher\)")


def _run_once(binary: Path, cwd: str, timeout: float, source: str) -> tuple[Measurement, ...]:
    done = runner.run([str(binary)], cwd=cwd, timeout=timeout)
    if done.timed_out:
        raise ResultError(f"{source}: timed out after {timeout:g} s and was killed")
    if not done.ok:
        raise ResultError(
            f"{source}: exited with code {done.returncode}: {tail(clean(done.stderr), 5)}"
        )
    return parse_output(clean(done.stdout), source, "markdown")


def measure_wall(
    binaries: Sequence[Path],
    *,
    cwd: str,
    timeout: float,
    samples: int,
    warmup: int,
    source: str,
) -> list[tuple[Measurement, ...]]:
    """Samples of each program's benchmarks, the programs run interleaved."""
    gathered: list[dict[str, list[float]]] = [{} for _ in binaries]
    first: list[dict[str, Measurement]] = [{} for _ in binaries]
    for round_number in range(warmup + samples):
        for index, binary in enumerate(binaries):
            found = _run_once(binary, cwd, timeout, source)
            if round_number < warmup:
                continue
            for m in found:
                first[index].setdefault(m.name, m)
                gathered[index].setdefault(m.name, []).extend(m.samples)
    return [
        tuple(
            Measurement(
                name, tuple(values), seen[name].unit, MetricKind.WALL_TIME, seen[name].iters
            )
            for name, values in per_name.items()
        )
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
