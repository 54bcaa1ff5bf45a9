"""Per-test results from the output of a Mojo test program.

Styles read from the output (the others are built through a per-test driver,
:mod:`gauntlet.graph.testdriver`, read by :mod:`gauntlet.results.driverout`):

* ``TestSuite`` (Mojo 1.x): ``PASS [ 0.001 ] name`` lines (times in ms), with
  ``At file:line:col: Error: message`` detail lines after a ``FAIL``; on a
  failing run the report goes to stderr;
* the older ``main()``-driven style: ``✓ name`` / ``✗ name`` lines and a
  ``Results: N / M passed, K failed`` line;
* no per-test lines at all: the file is one result, failed when the program
  exits non-zero (``Unhandled exception caught during execution: message``).

A program that ends badly after some per-test lines (a crash, an abort, a
timeout) gets one extra error case for the file, carrying the output tail.
"""

from __future__ import annotations

import re

from gauntlet.results.records import Status, TestCase

_SUITE = re.compile(r"^\s*(PASS|FAIL|SKIP)\s*\[\s*([\d.]+)\s*\]\s+(\S+)\s*$")
_LEGACY = re.compile(r"^\s*(✓|✗|✔|✘)\s+(.+?)\s*$")
LOCATION = re.compile(r"At\s+(.+?):(\d+):(\d+):[ \t]*(.*)")  # where a Mojo assertion failed
_UNHANDLED = re.compile(r"Unhandled exception caught during execution:\s*(.*)$")
_ABORT = re.compile(r"^ABORT:\s*(.*)$")
_FRAME = re.compile(
    r"^\s*(#\d+\s+0x[0-9a-fA-F]+|Stack dump|PLEASE submit|\d+\.\s+Program arguments)"
)
_END_OF_DETAIL = re.compile(r"^\s*(-{4,}|Summary\s*\[|Test suite'|Results:)")
NOISE = (
    "Failed to initialize Crashpad",
    "stack trace was not collected",
)
_STATUS = {
    "PASS": Status.PASSED,
    "FAIL": Status.FAILED,
    "SKIP": Status.SKIPPED,
    "✓": Status.PASSED,
    "✔": Status.PASSED,
    "✗": Status.FAILED,
    "✘": Status.FAILED,
}
TAIL_LINES = 40


def clean(text: str) -> str:
    """Drop the compiler's known noise lines from captured output."""
    return "\n".join(
        line for line in text.splitlines() if not any(line.startswith(n) for n in NOISE)
    )


def tail(text: str, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of some output."""
    return "\n".join(text.strip("\n").splitlines()[-lines:])


class _Case:
    def __init__(self, name: str, status: Status, duration_s: float) -> None:
        self.name = name
        self.status = status
        self.duration_s = duration_s
        self.detail: list[str] = []

    def freeze(self, file: str) -> TestCase:
        message, line = "", None
        for index, text in enumerate(self.detail):
            found = LOCATION.match(text.strip())
            if found:
                line = int(found.group(2))
                rest = [d.strip() for d in self.detail[index + 1 : index + 4]]
                message = " ".join([found.group(4).strip(), *rest])
                break
        if not message and self.detail:
            message = self.detail[0].strip()
        if self.status is Status.FAILED and not message:
            message = "failed"
        detail = "\n".join(d.rstrip() for d in self.detail).strip("\n")
        return TestCase(self.name, file, self.status, self.duration_s, message, detail, line)


def _per_test(lines: list[str]) -> list[_Case]:
    cases: list[_Case] = []
    current: _Case | None = None
    for line in lines:
        suite = _SUITE.match(line)
        legacy = None if suite else _LEGACY.match(line)
        if suite:
            status, ms, name = suite.groups()
            current = _Case(name, _STATUS[status], float(ms) / 1000.0)
            cases.append(current)
        elif legacy:
            mark, name = legacy.groups()
            name, _, message = name.partition(" - ")
            current = _Case(name.strip(), _STATUS[mark], 0.0)
            if message.strip():
                current.detail.append(message.strip())
            cases.append(current)
        elif _END_OF_DETAIL.match(line):
            current = None
        elif current is not None and current.status is Status.FAILED and line.strip():
            current.detail.append(line)
    return cases


def unhandled_message(output: str) -> str:
    """The message of an ``Unhandled exception`` or ``ABORT:`` line, or the last
    output line that is not part of a stack dump."""
    for line in output.splitlines():
        found = _UNHANDLED.search(line) or _ABORT.match(line.strip())
        if found and found.group(1).strip():
            return found.group(1).strip()
    lines = [ln for ln in output.splitlines() if ln.strip() and not _FRAME.match(ln)]
    return lines[-1].strip() if lines else ""


def parse_test_output(
    file: str,
    stdout: str,
    stderr: str,
    exit_code: int | None,
    *,
    duration_s: float = 0.0,
    timed_out: bool = False,
    timeout_s: float = 0.0,
) -> tuple[TestCase, ...]:
    """Test cases from one run of a Mojo test program."""
    out, err = clean(stdout), clean(stderr)
    combined = "\n".join(part for part in (out, err) if part)
    cases = [c.freeze(file) for c in _per_test(combined.splitlines())]
    failed_cases = any(c.status is Status.FAILED for c in cases)
    ended_badly = timed_out or exit_code != 0
    if timed_out:
        message = f"timed out after {timeout_s:g} s and was killed"
        cases.append(TestCase(file, file, Status.ERROR, duration_s, message, tail(combined)))
    elif not cases:
        status = Status.PASSED if exit_code == 0 else Status.FAILED
        if exit_code is not None and exit_code < 0:
            status = Status.ERROR
        message = "" if status is Status.PASSED else exit_message(combined, exit_code)
        detail = "" if status is Status.PASSED else tail(combined)
        cases.append(TestCase(file, file, status, duration_s, message, detail))
    elif ended_badly and not failed_cases:
        message = exit_message(combined, exit_code)
        cases.append(TestCase(file, file, Status.ERROR, 0.0, message, tail(combined)))
    return tuple(cases)


def exit_message(output: str, exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        return f"crashed with signal {-exit_code}: {unhandled_message(output)}".rstrip(": ")
    return unhandled_message(output) or f"exited with code {exit_code}"


_COMPILE_ERROR = re.compile(r"^(.+?):(\d+):(\d+):\s*error:\s*(.*)$")


_CRASH = re.compile(r"^\s*\d+\.\s+(Crash [^\n]*?) at loc\(\"?(.+?)\"?:(\d+):(\d+)\)", re.M)


def compile_error_case(file: str, output: str, duration_s: float = 0.0) -> TestCase:
    """One error case for a file that did not compile, located at the first error
    (or, when the compiler itself crashed, at what it was compiling).  The case's
    line is set only when that place is in ``file`` itself."""
    text = clean(output)
    crash = _CRASH.search(text) if "Stack dump:" in text else None
    if crash:
        what, where, number, column = crash.groups()
        message = f"the compiler crashed ({what.lower()} at {where}:{number}:{column})"
        return TestCase(
            file, file, Status.ERROR, duration_s, message, tail(text), _line(file, where, number)
        )
    for line in text.splitlines():
        found = _COMPILE_ERROR.match(line.strip())
        if found:
            where, number, column, said = found.groups()
            message = f"compile error at {where}:{number}:{column}: {said}"
            return TestCase(
                file,
                file,
                Status.ERROR,
                duration_s,
                message,
                tail(text),
                _line(file, where, number),
            )
    message = f"compile failed: {unhandled_message(text) or 'no compiler output'}"
    return TestCase(file, file, Status.ERROR, duration_s, message, tail(text))


def _line(file: str, where: str, number: str) -> int | None:
    """The line, when the place the compiler names is the test file itself."""
    where = where.removeprefix("./")
    return int(number) if where == file or where.endswith("/" + file) else None
