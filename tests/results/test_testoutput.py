from __future__ import annotations

from gauntlet.results.records import Status
from gauntlet.results.testoutput import (
    clean,
    compile_error_case,
    parse_test_output,
    unhandled_message,
)

PASSING = """Running 3 tests for /p/tests/test_x.mojo
    PASS [ 0.001 ] test_add
    PASS [ 2.500 ] test_mul
    SKIP [ 0.001 ] test_later
Summary [ 2.502 ] 3 tests run: 2 passed , 0 failed , 1 skipped
"""
FAILING_STDERR = """Failed to initialize Crashpad.  Crash reporting will not be available.
stack trace was not collected. Enable stack trace collection with environment variable
Unhandled exception caught during execution:
Running 2 tests for /p/tests/test_x.mojo
    PASS [ 0.001 ] test_add
    FAIL [ 0.046 ] test_fail
      At /p/tests/test_x.mojo:7:17: AssertionError: `left == right` comparison failed:
         left: 2
        right: 3
--------
Summary [ 0.047 ] 2 tests run: 1 passed , 1 failed , 0 skipped
Test suite' /p/tests/test_x.mojo 'failed!
"""


def test_testsuite_passing_run() -> None:
    cases = parse_test_output("tests/test_x.mojo", PASSING, "", 0)
    assert [(c.name, c.status) for c in cases] == [
        ("test_add", Status.PASSED),
        ("test_mul", Status.PASSED),
        ("test_later", Status.SKIPPED),
    ]
    assert cases[1].duration_s == 0.0025  # reported in milliseconds
    assert all(c.file == "tests/test_x.mojo" for c in cases)


def test_testsuite_failure_on_stderr_keeps_location_and_message() -> None:
    cases = parse_test_output("tests/test_x.mojo", "", FAILING_STDERR, 1)
    assert [(c.name, c.status) for c in cases] == [
        ("test_add", Status.PASSED),
        ("test_fail", Status.FAILED),
    ]
    failed = cases[1]
    assert failed.line == 7
    assert failed.message == ("AssertionError: `left == right` comparison failed: left: 2 right: 3")
    assert "right: 3" in failed.detail
    assert "Summary" not in failed.detail


def test_legacy_main_style() -> None:
    out = (
        "✓ test_one\n✗ test_two\n  expected 3 got 4\n✓ test_three\n"
        "Results: 2 / 3 passed, 1 failed\n"
    )
    cases = parse_test_output("tests/test_legacy.mojo", out, "", 1)
    assert [(c.name, c.status) for c in cases] == [
        ("test_one", Status.PASSED),
        ("test_two", Status.FAILED),
        ("test_three", Status.PASSED),
    ]
    assert cases[1].message == "expected 3 got 4"
    out = "✗ test_four - At t.mojo:27:17: AssertionError: differ\n   left: 14.0\n  right: 15.0\n"
    (case,) = parse_test_output("t.mojo", out, "", 1)
    assert (case.name, case.line) == ("test_four", 27)
    assert case.message == "AssertionError: differ left: 14.0 right: 15.0"


def test_no_per_test_lines_is_one_result() -> None:
    (ok,) = parse_test_output("tests/test_q.mojo", "all good\n", "", 0)
    assert (ok.name, ok.status, ok.message) == ("tests/test_q.mojo", Status.PASSED, "")
    err = "Unhandled exception caught during execution: values differ\n"
    (bad,) = parse_test_output("tests/test_q.mojo", "", err, 1)
    assert (bad.status, bad.message) == (Status.FAILED, "values differ")


def test_crash_after_some_tests_adds_an_error_case() -> None:
    out = "    PASS [ 0.001 ] test_one\n"
    cases = parse_test_output("tests/test_c.mojo", out, "Segmentation fault\n", -11)
    assert [c.status for c in cases] == [Status.PASSED, Status.ERROR]
    assert cases[1].message == "crashed with signal 11: Segmentation fault"
    (only,) = parse_test_output("tests/test_c.mojo", "", "", -6)
    assert only.status is Status.ERROR
    assert only.message == "crashed with signal 6"


def test_timeout_is_an_error_with_output_tail() -> None:
    out = "    PASS [ 0.001 ] test_one\nstill working\n"
    cases = parse_test_output(
        "tests/test_h.mojo", out, "", None, duration_s=5.0, timed_out=True, timeout_s=5
    )
    assert cases[-1].status is Status.ERROR
    assert cases[-1].message == "timed out after 5 s and was killed"
    assert "still working" in cases[-1].detail


def test_nonzero_exit_without_tests_or_message() -> None:
    (case,) = parse_test_output("t.mojo", "", "", 3)
    assert case.message == "exited with code 3"


def test_compile_error_is_located() -> None:
    output = (
        "Failed to initialize Crashpad.\n"
        "/p/tests/test_x.mojo:4:5: error: use of unknown declaration 'nope'\n"
        "    nope()\n    ^~~~\n"
        "/venv/bin/mojo: error: failed to parse the provided Mojo source module\n"
    )
    case = compile_error_case("tests/test_x.mojo", output, 2.0)
    assert case.status is Status.ERROR
    assert case.line == 4
    assert case.message == (
        "compile error at /p/tests/test_x.mojo:4:5: use of unknown declaration 'nope'"
    )
    assert "Crashpad" not in case.detail
    fallback = compile_error_case("t.mojo", "something odd\n")
    assert fallback.message == "compile failed: something odd"
    assert compile_error_case("t.mojo", "").message == "compile failed: no compiler output"


def test_an_error_in_an_imported_file_names_it_and_sets_no_line_of_the_test() -> None:
    output = "./pkg/creation.mojo:2550:15: error: no matching function in initialization\n"
    case = compile_error_case("tests/test_x.mojo", output)
    assert case.message.startswith("compile error at ./pkg/creation.mojo:2550:15: no matching")
    assert case.line is None  # line 2550 is not a line of tests/test_x.mojo


def test_a_crashed_compiler_is_named_with_what_it_was_compiling() -> None:
    output = (
        "Please submit a bug report to https://github.com/modular/modular/issues\n"
        "Stack dump:\n"
        "0.\tProgram arguments: mojo build tests/test_math.mojo -o x\n"
        '1.\tCrash resolving decl body at loc("./pkg/math/extrema.mojo":116:4)\n'
        "    >> fn max[dtype: DType](a: NDArray[dtype], axis: Int) raises:\n"
        "       .....<\n"
        "  #0 0x00005605c8dd4a6b (/venv/bin/mojo+0x7c27a6b)\n"
    )
    case = compile_error_case("tests/test_math.mojo", output)
    assert case.message == (
        "the compiler crashed (crash resolving decl body at ./pkg/math/extrema.mojo:116:4)"
    )
    assert case.line is None


def test_helpers() -> None:
    assert clean("Failed to initialize Crashpad. x\nkeep\n") == "keep"
    assert unhandled_message("") == ""
