"""Compile and run one Mojo test file; write its results (the ``test:FILE`` action).

A file whose compile failed keeps its result: while its key is the same (the
file, everything it imports, the compiler and the flags), the next run reports
the same compile error without compiling again, and says so.  A compile that
timed out or was killed from outside (out of memory) is always tried again.

A passing result is shared (:mod:`gauntlet.cache`): a file whose result is
missing here takes the shared cache's result for the same key, without
compiling or running, and a passing result made here is uploaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from gauntlet.graph.testdriver import Driver
from gauntlet.results.driverout import parse_driver_runs
from gauntlet.results.junit import write_junit
from gauntlet.results.records import FileResult, Status, TestCase, current_result, write_result
from gauntlet.results.testoutput import clean, parse_test_output, tail
from gauntlet.run.actions import Job

COMPILE_ERROR = "compile_error"  # the ``extra`` key of a result whose file did not compile


class _Outcome(NamedTuple):
    cases: tuple[TestCase, ...]
    run_s: float
    exit_code: int | None
    output_tail: str
    extra: dict[str, Any]


def _outcome(job: Job, binary: Path, driver: Driver | None) -> _Outcome:
    """Run a built test program: its cases, run time, exit code, output tail and notes."""
    extra: dict[str, Any] = {"per_test": "driver" if driver else "output"}
    if driver is not None:
        runs = job.run_driver(binary, driver)
        calls = [(call.name, call.line) for call in driver.calls]
        cases = parse_driver_runs(job.source, calls, runs, timeout_s=job.timeout)
        if len(runs) > 1:
            extra["restarts"] = len(runs) - 1
        last = runs[-1]
        run_s, exit_code = sum(r.duration_s for r in runs), last.exit_code
        out, err, omitted, total = last.stdout, last.stderr, last.omitted_bytes, last.output_bytes
    else:
        done = job.run(binary)
        run_s, exit_code = done.duration_s, done.returncode
        out, err, omitted, total = done.stdout, done.stderr, done.omitted_bytes, done.output_bytes
        cases = parse_test_output(
            job.source, out, err, exit_code, duration_s=run_s,
            timed_out=done.timed_out, timeout_s=job.timeout,
        )  # fmt: skip
        if len(cases) == 1 and cases[0].name == job.source:
            extra["per_test"] = "file"  # no test functions gauntlet could call one by one
    output_tail = tail(clean(out + "\n" + err))
    if omitted:  # the program printed more than the runner keeps
        extra.update(output_bytes=total, omitted_bytes=omitted)
        output_tail = f"[output truncated: {omitted} of {total} bytes not kept]\n{output_tail}"
    return _Outcome(cases, run_s, exit_code, output_tail, extra)


def _run(job: Job) -> FileResult:
    driver = job.driver()
    binary, error, compile_s = job.program("tests", driver)
    if error is None:
        done = _outcome(job, binary, driver)
    else:
        again = error.message.startswith(("compile timed out", "the compiler was killed"))
        done = _Outcome((error,), 0.0, None, "", {} if again else {COMPILE_ERROR: True})
    return FileResult(
        job.source, job.key, done.cases, compile_s, done.run_s, done.exit_code, job.toolchain,
        done.output_tail, done.extra,
    )  # fmt: skip


def _shared_result(job: Job, target: Path) -> FileResult | None:
    """The passing result of this key from the shared cache, put in place; None: none."""
    shared = job.shared()
    files = {"result.json": target, "result.xml": target.with_suffix(".xml")}
    if shared is None or not shared.fetch("result", job.key, files):
        return None
    found = current_result(target, job.key)
    if found is None or not found.status.ok:  # only passing results are shared
        for path in files.values():
            path.unlink(missing_ok=True)
        return None
    return found


def run_test_file(job: Job) -> dict[str, Any]:
    """Compile and run one Mojo test file; write its JSON and JUnit results."""
    target = Path(job.output)
    known = current_result(target, job.key)
    cached = None
    if known is not None and known.extra.get(COMPILE_ERROR):
        result = known  # the same inputs fail to compile the same way: not compiled again
    elif (cached := _shared_result(job, target)) is not None:
        result = cached
    else:
        result = _run(job)
        write_junit(target.with_suffix(".xml"), [result], name=job.source)
        write_result(target, result)
        shared = job.shared() if result.status.ok else None
        if shared is not None:
            xml = target.with_suffix(".xml")
            shared.store(
                "result", job.key, {"result.json": (target, False), "result.xml": (xml, False)}
            )
    failures = [
        {"name": c.name, "message": c.message, "line": c.line}
        for c in result.cases
        if not c.status.ok
    ]
    return {
        "status": result.status.value,
        "counts": {s.value: result.count(s) for s in Status},
        "failures": failures[:5],
        "seconds": round(result.compile_s + result.run_s, 3),
        "compile_s": round(result.compile_s, 3),
        "run_s": round(result.run_s, 3) if result.exit_code is not None else None,
        "output": job.output,
        **({"unchanged": True} if result is known else {}),
        **({"cached": True} if result is cached else {}),
    }
