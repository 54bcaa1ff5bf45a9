"""Per-test results from the runs of a generated test driver.

The driver (:mod:`gauntlet.graph.testdriver`) prints a marker line before and
after each test function it calls::

    @@gauntlet:begin:N
    ... whatever the test printed ...
    @@gauntlet:pass:N          or   @@gauntlet:fail:N: the error's message

A test that printed a failure of its own (``FAIL``, ``FAILED``, ``✗``: the
print-style suites that return normally) is failed at the line it printed.  A
test that began and never ended crashed the program: it is an error, and the
runner starts the driver again after it (``GAUNTLET_SKIP``), so one crash
does not hide the tests after it.  Each run is one :class:`DriverRun`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gauntlet.results.records import Status, TestCase
from gauntlet.results.testoutput import LOCATION, clean, exit_message, tail

_MARKER = re.compile(r"^@@gauntlet:(begin|pass|fail):(\d+)(?::\s?(.*))?$")
_PRINTED_FAIL = re.compile(r"(?<![\w-])(FAIL(?:ED|URE|URES)?|✗|✘)(?![\w-])")
_ZERO_FAILED = re.compile(r"\b0\s+(?:\w+\s+)?FAIL|FAIL(?:ED|URES?)?\s*[:=]?\s*0\b")


@dataclass(frozen=True)
class DriverRun:
    """One run of a driver program, started at test ``first``."""

    stdout: str
    stderr: str
    exit_code: int | None
    duration_s: float
    timed_out: bool = False
    first: int = 0
    output_bytes: int = 0
    omitted_bytes: int = 0  # of the output, past what the runner keeps


@dataclass
class _Seen:
    status: Status | None = None
    output: list[str] | None = None
    failure: list[str] | None = None


def _scan(run: DriverRun) -> tuple[dict[int, _Seen], int | None]:
    """What each test did in one run, and the test that began and never ended."""
    seen: dict[int, _Seen] = {}
    current: _Seen | None = None
    open_index: int | None = None
    for line in clean(run.stdout).splitlines():
        marker = _MARKER.match(line.strip())
        if marker:
            what, number, rest = marker.group(1), int(marker.group(2)), marker.group(3) or ""
            if what == "begin":
                current, open_index = _Seen(output=[]), number
                seen[number] = current
                continue
            entry = seen.setdefault(number, _Seen(output=[]))
            entry.status = Status.PASSED if what == "pass" else Status.FAILED
            entry.failure = [rest] if what == "fail" else None
            current, open_index = (entry if what == "fail" else None), None
            continue
        if current is None:
            continue
        if current.failure is not None:
            current.failure.append(line)
        elif current.output is not None:
            current.output.append(line)
    return seen, open_index


def next_start(run: DriverRun) -> int | None:
    """Where to start the driver again after ``run``: after a test that crashed it."""
    _, open_index = _scan(run)
    if open_index is None or run.timed_out or run.exit_code == 0:
        return None
    return open_index + 1


def _failed_case(
    file: str, name: str, line: int | None, seen: _Seen, duration_s: float
) -> TestCase:
    text = "\n".join(seen.failure or []).strip()
    located = LOCATION.search(text)
    if located and located.group(1).endswith(file):
        line = int(located.group(2))
    message = (located.group(4) if located else text.splitlines()[0] if text else "").strip()
    output = tail("\n".join(seen.output or []))
    detail = "\n".join(part for part in (output, text) if part)
    return TestCase(name, file, Status.FAILED, duration_s, message or "raised", detail, line)


def _case(file: str, name: str, line: int | None, seen: _Seen) -> TestCase:
    if seen.status is Status.FAILED:
        return _failed_case(file, name, line, seen, 0.0)
    output = seen.output or []
    for text in output:
        if _PRINTED_FAIL.search(text) and not _ZERO_FAILED.search(text):
            message = f"printed: {text.strip()}"
            return TestCase(name, file, Status.FAILED, 0.0, message, tail("\n".join(output)), line)
    return TestCase(name, file, Status.PASSED, 0.0, "", "", line)


def parse_driver_runs(
    file: str,
    calls: Sequence[tuple[str, int | None]],
    runs: Sequence[DriverRun],
    *,
    timeout_s: float = 0.0,
) -> tuple[TestCase, ...]:
    """One case per test the driver calls (``calls``: name and line), in order."""
    cases: dict[int, TestCase] = {}
    stopped = ""  # why the tests that never began did not run
    for run in runs:
        seen, open_index = _scan(run)
        for number, entry in seen.items():
            if number >= len(calls) or entry.status is None:
                continue
            cases[number] = _case(file, *calls[number], entry)
        output = clean(run.stdout + "\n" + run.stderr)
        if open_index is not None and open_index < len(calls):
            name, line = calls[open_index]
            if run.timed_out:
                message = f"timed out after {timeout_s:g} s and was killed"
            else:
                message = exit_message(output, run.exit_code)
            cases[open_index] = TestCase(
                name, file, Status.ERROR, run.duration_s, message, tail(output), line
            )
            stopped = f"did not run: an earlier test ({name}) {message}"
        elif run.timed_out:
            stopped = f"did not run: the program timed out after {timeout_s:g} s"
        elif run.exit_code != 0:
            stopped = (
                f"did not run: the program ended first ({exit_message(output, run.exit_code)})"
            )
    result = []
    for number, (name, line) in enumerate(calls):
        found = cases.get(number)
        if found is None:
            why = stopped or "did not run: the program ended before it"
            found = TestCase(name, file, Status.ERROR, 0.0, why, "", line)
        result.append(found)
    last = runs[-1] if runs else None
    everything_ran = len(cases) == len(calls)
    all_passed = all(case.status.ok for case in result)
    if last is not None and everything_ran and last.exit_code not in (0, None) and all_passed:
        output = clean(last.stdout + "\n" + last.stderr)
        message = exit_message(output, last.exit_code)
        result.append(TestCase(file, file, Status.ERROR, 0.0, message, tail(output)))
    return tuple(result)
