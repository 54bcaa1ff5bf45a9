"""Every JUnit file gauntlet writes parses and validates against junit-10.xsd.

The outputs come from real child processes through the runner, as a test
program's do: control characters, ANSI escapes and bytes that are not UTF-8.
"""

from __future__ import annotations

import datetime as dt
import sys
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from junitschema import assert_valid_junit

from gauntlet import runner
from gauntlet.config.gates import GateSettings
from gauntlet.gates.inputs import Inputs
from gauntlet.gates.report import write_gate_junit
from gauntlet.gates.verdict import evaluate
from gauntlet.layout import BuildDir
from gauntlet.results.findings import Finding
from gauntlet.results.junit import write_junit, xml_escape
from gauntlet.results.junitread import read_junit
from gauntlet.results.records import FileResult, Status
from gauntlet.results.testoutput import clean, compile_error_case, parse_test_output, tail
from gauntlet.views.report import Summary, write_report

if TYPE_CHECKING:
    from pathlib import Path

# What each child writes to stdout and stderr, and its exit code.
PASSING = (b"    PASS [ 0.001 ] test_one\n    PASS [ 0.002 ] test_two\n", b"", 0)
SKIPPING = (b"    PASS [ 0.001 ] test_one\n    SKIP [ 0.000 ] test_later\n", b"", 0)
FAILING = (
    b"progress \x13\x1b[31mred\x1b[0m \xff\xfe\x00 end\n    PASS [ 0.001 ] test_ok\n",
    (
        b"Unhandled exception caught during execution:\n    FAIL [ 0.044 ] test_bad\n"
        b"      At tests/test_bad.mojo:7:17: AssertionError: \x13 \x1b[1m\xc3\x28 \x7f got\n"
    ),
    1,
)
COMPILER = b"tests/test_err.mojo:4:5: error: cannot use '\x13\xff\x1b[0m' here\n"


def _child(stdout: bytes | str, stderr: bytes | str, code: int) -> runner.Completed:
    """A real program that writes these bytes (or the value of these expressions)."""
    out, err = (text if isinstance(text, str) else repr(text) for text in (stdout, stderr))
    program = (
        "import sys\n"
        f"sys.stdout.buffer.write({out})\n"
        f"sys.stderr.buffer.write({err})\n"
        f"sys.exit({code})\n"
    )
    return runner.run([sys.executable, "-c", program], timeout=60)


def _result(file: str, done: runner.Completed) -> FileResult:
    """A file's result as ``run_test_file`` makes it from a finished program."""
    cases = parse_test_output(file, done.stdout, done.stderr, done.returncode)
    output = tail(clean(done.stdout + "\n" + done.stderr))
    return FileResult(file, "k", cases, run_s=done.duration_s, output_tail=output)


def _results() -> list[FileResult]:
    compiled = _child(b"", COMPILER, 1)
    error = compile_error_case("tests/test_err.mojo", compiled.stdout + compiled.stderr)
    return [
        _result("tests/test_pass.mojo", _child(*PASSING)),
        _result("tests/test_bad.mojo", _child(*FAILING)),
        FileResult("tests/test_err.mojo", "k", (error,)),
        _result("tests/test_skip.mojo", _child(*SKIPPING)),
    ]


def test_per_file_and_merged_junit_validate_against_junit_10(tmp_path: Path) -> None:
    results = _results()
    assert [r.status for r in results] == [
        Status.PASSED,
        Status.FAILED,
        Status.ERROR,
        Status.SKIPPED,
    ]
    for result in results:  # one file per test file, as the test tasks write them
        path = tmp_path / (result.file.replace("/", "__") + ".xml")
        write_junit(path, [result], name=result.file)
        assert_valid_junit(path)
    merged, _ = write_report(Summary("key", tuple(results)), BuildDir(tmp_path / "build"))
    assert_valid_junit(merged)
    run = read_junit(merged)
    assert (run.total, run.failed, run.errors, run.skipped) == (7, 1, 1, 1)
    bad = next(p for p in run.problems if p.status is Status.FAILED)
    assert (bad.file, bad.line) == ("tests/test_bad.mojo", 7)
    assert "AssertionError: #x13 #x1B[1m\ufffd( #x7F got" in bad.message
    text = merged.read_text(encoding="utf-8")
    assert "\x13" not in text
    assert "\x1b" not in text
    assert "progress #x13#x1B[31mred#x1B[0m \ufffd\ufffd#x00 end" in text  # the output tail
    error = next(p for p in run.problems if p.status is Status.ERROR)
    assert (error.file, error.line) == ("tests/test_err.mojo", 4)
    assert "cannot use '#x13\ufffd#x1B[0m' here" in error.message


def test_megabytes_of_binary_output_stay_valid_xml(tmp_path: Path) -> None:
    noise = "bytes(range(256)) * 8192"  # 2 MiB of every byte value
    unhandled = "b'Unhandled exception caught during execution: ' + " + noise
    done = _child(noise, unhandled, 1)
    assert len(done.stdout) > 2_000_000
    result = _result("tests/test_noise.mojo", done)
    path = tmp_path / "noise.xml"
    write_junit(path, [result])
    assert_valid_junit(path)
    assert ET.parse(path).getroot().get("failures") == "1"


def test_gate_junit_validates_and_escapes(tmp_path: Path) -> None:
    found = (Finding("ruff", "E501", "line \x13\x1b[31mtoo long\udcff", "src/m.py", 3),)
    inputs = Inputs(lint=(found,), types=(), bandit=(), secrets=())
    verdict = evaluate(inputs, GateSettings(), dt.date(2026, 11, 24))
    path = tmp_path / "junit-gates.xml"
    write_gate_junit(path, verdict)
    assert_valid_junit(path)


def test_xml_escape_follows_pytest() -> None:
    assert (
        xml_escape("a\x00b\x13c\x1b[0m\x7f\ud800é\t\n\r😀")
        == "a#x00b#x13c#x1B[0m#x7F#xD800é\t\n\r😀"
    )
