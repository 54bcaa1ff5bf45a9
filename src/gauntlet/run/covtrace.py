"""Tracing one Mojo test program for line coverage (the ``coverage:FILE`` action).

The test file is built again without optimisation and with line tables
(``--no-optimization --debug-level line-tables``, for a CPU valgrind can
decode), then run under ``valgrind --tool=callgrind --dump-line=yes``: every
instruction the program executes is counted against its source line, with no
sampling.  Per-test drivers (:mod:`gauntlet.graph.testdriver`) run as they do
for ``doit test``, one profile per start.  What is kept, per project file:
the lines the program ran (from the profiles) and the lines it has code for
(from its line table, :mod:`gauntlet.linecov.linetable`).

A trace is keyed by the test's content key, the coverage flags and the
tracer (valgrind's path, size and modification time): an unchanged program
is not traced again.  A test that fails still counts for the lines it ran;
the ``test:FILE`` task is the one that reports it.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ResultError, ToolError
from gauntlet.graph.resolve import MOJO_SUFFIXES
from gauntlet.linecov.merge import Trace
from gauntlet.results.jsonfile import convert, load_json
from gauntlet.results.testoutput import clean, tail

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from gauntlet.run.actions import Job

TRACE_SCHEMA = 1
FOLDER = "coverage"  # the programs' folder under the build directory
# The test timeout is stretched by this much under the tracer.  Measured on the
# sample: its test programs ran in 0.5-2.1 s under callgrind against 0.02-0.11 s
# natively (valgrind's start-up, then instruction-level tracing, which slows
# CPU-bound code 20-50 times); a timeout sized for native runs stays a bound on
# a hung program, not on a slow one.
SLOWDOWN = 50
TRACER_HINT = (
    "valgrind is not installed; Mojo coverage runs each test program under valgrind's "
    "callgrind. Install it (Debian/Ubuntu: `apt-get install valgrind`, Fedora: "
    "`dnf install valgrind`, conda: `conda install -c conda-forge valgrind`) and run "
    "`doit coverage` again"
)
_DROPPED = ("--optimization-level", "--debug-level", "--target-cpu")


@dataclass(frozen=True)
class Tracer:
    """The tracer program and what identifies its version."""

    valgrind: str
    identity: str


def find_tracer() -> Tracer | None:
    """valgrind on PATH (None: not installed)."""
    found = shutil.which("valgrind")
    if found is None:
        return None
    info = Path(found).resolve().stat()
    return Tracer(found, f"{Path(found).resolve()}:{info.st_size}:{info.st_mtime_ns}")


def coverage_flags(flags: Iterable[str], target_cpu: str) -> list[str]:
    """The project's flags without its optimisation, debug and CPU choices, plus coverage's."""
    kept: list[str] = []
    skip = False
    for flag in flags:
        if skip:
            skip = False
        elif flag in _DROPPED:
            skip = True
        elif not flag.startswith((*(f"{d}=" for d in _DROPPED), "-O", "-g")):
            kept.append(flag)
    level = ["--no-optimization", "--debug-level", "line-tables"]
    return [*kept, *level, "--target-cpu", target_cpu]


def trace_key(test_key: str, flags: list[str], tracer: Tracer) -> str:
    """The content key of one test's trace."""
    text = json.dumps([TRACE_SCHEMA, test_key, flags, tracer.identity])
    return hashlib.sha256(text.encode()).hexdigest()


def trace_job(job: Job, output: str, target_cpu: str, tracer: Tracer) -> Job:
    """The test's job made into its trace's: coverage flags, trace key and file, longer timeout."""
    flags = coverage_flags(job.flags, target_cpu)
    key = trace_key(job.key, flags, tracer)
    return replace(job, flags=flags, key=key, output=output, timeout=job.timeout * SLOWDOWN)


def project_path(name: str, root: Path, build: Path) -> str | None:
    """A file name from debug information as a root-relative path; None outside the project.

    A relative name is relative to the folder its compiler ran in: the project
    root for the project's files, a folder elsewhere for the standard
    library's (``Mojo/stdlib/std/...``), so it must also exist under the root.
    """
    path = name if name.startswith("/") else posixpath.join(root.as_posix(), name)
    path = posixpath.normpath(path)
    top, out = root.as_posix().rstrip("/") + "/", build.as_posix().rstrip("/") + "/"
    if not path.startswith(top) or path.startswith(out):
        return None
    if not name.startswith("/") and not Path(path).is_file():
        return None
    return path[len(top) :]


def _in_project(
    found: Mapping[str, set[int]], root: Path, build: Path
) -> dict[str, frozenset[int]]:
    lines: dict[str, set[int]] = {}
    for name, numbers in found.items():
        path = project_path(name, root, build)
        if path is not None:
            lines.setdefault(path, set()).update(numbers)
    return {path: frozenset(numbers) for path, numbers in sorted(lines.items())}


@dataclass(frozen=True)
class TraceRecord:
    """One test file's trace on disk: what it ran, or why it could not be traced."""

    key: str
    trace: Trace | None
    message: str = ""
    compile_s: float = 0.0
    run_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The record as JSON (``schema`` versioned)."""
        data: dict[str, Any] = {"schema": TRACE_SCHEMA, "key": self.key, "message": self.message,
                                "compile_s": self.compile_s, "run_s": self.run_s}  # fmt: skip
        if self.trace is not None:
            data["test"] = self.trace.test
            data["executed"] = {p: sorted(n) for p, n in self.trace.executed.items()}
            data["compiled"] = {p: sorted(n) for p, n in self.trace.compiled.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TraceRecord:
        """The record from :meth:`to_json`'s JSON."""
        if data["schema"] != TRACE_SCHEMA:
            raise ValueError(f"schema {data['schema']} (this gauntlet reads {TRACE_SCHEMA})")
        trace = None
        if "test" in data:
            executed = {str(p): frozenset(map(int, n)) for p, n in data["executed"].items()}
            compiled = {str(p): frozenset(map(int, n)) for p, n in data["compiled"].items()}
            trace = Trace(str(data["test"]), executed, compiled)
        return cls(str(data["key"]), trace, str(data["message"]),
                   float(data["compile_s"]), float(data["run_s"]))  # fmt: skip


def read_trace(path: Path) -> TraceRecord:
    """A trace record (ResultError naming the file when it is missing or malformed)."""
    data = load_json(path, what="coverage trace")
    return convert(path, data, TraceRecord.from_json, "a gauntlet coverage trace")


def current_trace(path: Path, key: str) -> TraceRecord | None:
    """The record at ``path`` when it was made for ``key`` (None: missing, stale, unreadable)."""
    try:
        record = read_trace(path)
    except ResultError:
        return None
    return record if record.key == key else None


def _profiles(job: Job, binary: Path, tracer: Tracer, scratch: Path) -> tuple[list[Path], float]:
    """Run the program under callgrind: the profiles it wrote into ``scratch``, run seconds."""
    prefix = [tracer.valgrind, "--tool=callgrind", "--dump-line=yes", "--dump-instr=no",
              f"--callgrind-out-file={scratch}/callgrind.%p",
              f"--log-file={scratch}/log"]  # fmt: skip
    driver = job.driver()
    if driver is not None:
        runs = job.run_driver(binary, driver, prefix)
        seconds, out = sum(r.duration_s for r in runs), runs[-1].stdout + runs[-1].stderr
        timed_out = any(r.timed_out for r in runs)
    else:
        done = job.run(binary, prefix=prefix)
        seconds, out, timed_out = done.duration_s, done.stdout + done.stderr, done.timed_out
    if timed_out:
        raise ResultError(f"{job.source}: timed out under the tracer after {job.timeout:g} s")
    profiles = sorted(scratch.glob("callgrind.*"))
    if not profiles:
        log = scratch / "log"
        said = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
        why = tail(clean(out + "\n" + said), 8)
        raise ResultError(f"{job.source}: the tracer wrote no profile: {why}")
    return profiles, seconds


def trace_test(job: Job, tracer: Tracer) -> dict[str, Any]:
    """Build, run under the tracer and record one test file (``job`` from :func:`trace_job`)."""
    # what reads profiles and line tables: not imported when doit only lists the tasks
    from gauntlet.linecov.callgrind import executed_lines
    from gauntlet.linecov.linetable import line_table

    target = Path(job.output)
    known = current_trace(target, job.key)
    if known is not None:
        return _summary(known, job, unchanged=True)
    driver = job.driver()
    binary, error, compile_s = job.program(FOLDER, driver)
    if error is not None:
        record = TraceRecord(job.key, None, f"not traced: {error.message}", compile_s)
        if error.message.startswith(("compile timed out", "the compiler was killed")):
            return _summary(record, job)  # tried again next run: nothing recorded
        return _write(target, record, job)
    executed: dict[str, set[int]] = {}
    with tempfile.TemporaryDirectory(prefix="gauntlet-coverage-") as scratch:
        profiles, run_s = _profiles(job, binary, tracer, Path(scratch))
        for profile in profiles:
            with profile.open(encoding="utf-8", errors="replace") as lines:
                for name, numbers in executed_lines(lines, str(profile)).items():
                    executed.setdefault(name, set()).update(numbers)
    root, build = Path(job.root), Path(job.out_dir)
    compiled = _in_project(line_table(binary, MOJO_SUFFIXES), root, build)
    trace = Trace(job.source, _in_project(executed, root, build), compiled)
    return _write(target, TraceRecord(job.key, trace, "", compile_s, run_s), job)


def _write(target: Path, record: TraceRecord, job: Job) -> dict[str, Any]:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(target, json.dumps(record.to_json(), sort_keys=True) + "\n")
    return _summary(record, job)


def _summary(record: TraceRecord, job: Job, *, unchanged: bool = False) -> dict[str, Any]:
    if record.trace is None:
        return {"status": "error", "message": record.message, "output": job.output}
    files = sum(1 for lines in record.trace.executed.values() if lines)
    return {
        "status": "passed",
        "message": f"ran lines of {files} project files",
        "compile_s": round(record.compile_s, 3),
        "run_s": round(record.run_s, 3),
        "output": job.output,
        **({"unchanged": True} if unchanged else {}),
    }


def ensure_tracer() -> Tracer:
    """The tracer, or ToolError saying how to install it."""
    found = find_tracer()
    if found is None:
        raise ToolError(TRACER_HINT)
    return found
