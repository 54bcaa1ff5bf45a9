"""Results from a driver's runs: markers, printed failures, crashes and restarts."""

from __future__ import annotations

from gauntlet.results.driverout import DriverRun, next_start, parse_driver_runs
from gauntlet.results.records import Status

FILE = "tests/test_x.mojo"
CALLS = [("test_a", 3), ("test_b", 7), ("test_c", 11), ("test_d", 15)]


def _run(stdout: str, exit_code: int = 0, stderr: str = "", first: int = 0) -> DriverRun:
    return DriverRun(stdout, stderr, exit_code, 0.5, first=first)


def test_each_marker_pair_is_one_case_and_a_raise_hides_nothing() -> None:
    out = (
        "=== suite ===\n"
        "\n@@gauntlet:begin:0\nhello\n\n@@gauntlet:pass:0\n"
        "\n@@gauntlet:begin:1\n\n"
        f"@@gauntlet:fail:1: At {FILE}:9:5: AssertionError: `left == right`\n"
        "   left: 1\n  right: 2\n"
        "\n@@gauntlet:begin:2\n  FAIL: expected 3, got 4\n\n@@gauntlet:pass:2\n"
        "\n@@gauntlet:begin:3\nPassed: 4, FAILED: 0\n0 tests FAILED\n\n@@gauntlet:pass:3\n"
        "All tests PASSED\n"
    )
    cases = parse_driver_runs(FILE, CALLS, [_run(out)])
    assert [(c.name, c.status) for c in cases] == [
        ("test_a", Status.PASSED),
        ("test_b", Status.FAILED),
        ("test_c", Status.FAILED),
        ("test_d", Status.PASSED),
    ]
    assert cases[1].line == 9
    assert cases[1].message.startswith("AssertionError: `left == right`")
    assert "right: 2" in cases[1].detail
    assert cases[2].line == 11
    assert cases[2].message == "printed: FAIL: expected 3, got 4"


def test_a_crash_is_an_error_and_the_restart_reports_the_rest() -> None:
    first = _run(
        "\n@@gauntlet:begin:0\n\n@@gauntlet:pass:0\n\n@@gauntlet:begin:1\n",
        exit_code=-4,
        stderr="ABORT: boom\n#0 0x00007f815b1cb78b (libKGEN.so+0x3cb78b)\n",
    )
    assert next_start(first) == 2
    second = _run(
        "\n@@gauntlet:begin:2\n\n@@gauntlet:pass:2\n\n@@gauntlet:begin:3\n\n@@gauntlet:pass:3\n",
        first=2,
    )
    assert next_start(second) is None
    cases = parse_driver_runs(FILE, CALLS, [first, second])
    assert [c.status for c in cases] == [Status.PASSED, Status.ERROR, Status.PASSED, Status.PASSED]
    assert cases[1].message == "crashed with signal 4: boom"


def test_a_timeout_stops_and_names_the_test_the_rest_did_not_run() -> None:
    run = DriverRun(
        "\n@@gauntlet:begin:0\n\n@@gauntlet:pass:0\n\n@@gauntlet:begin:1\n", "", None, 60.0, True
    )
    assert next_start(run) is None
    cases = parse_driver_runs(FILE, CALLS, [run], timeout_s=60)
    assert cases[1].status is Status.ERROR
    assert cases[1].message == "timed out after 60 s and was killed"
    assert [c.status for c in cases[2:]] == [Status.ERROR, Status.ERROR]
    assert cases[3].message.startswith("did not run: an earlier test (test_b) timed out")


def test_a_program_that_fails_after_every_test_passed_gets_a_file_error() -> None:
    out = "".join(f"\n@@gauntlet:begin:{n}\n\n@@gauntlet:pass:{n}\n" for n in range(4))
    cases = parse_driver_runs(
        FILE, CALLS, [_run(out, 1, "Unhandled exception caught during execution: teardown")]
    )
    assert len(cases) == 5
    assert cases[-1].name == FILE
    assert cases[-1].status is Status.ERROR
    assert cases[-1].message == "teardown"


def test_set_up_that_raises_before_the_tests_leaves_none_passed() -> None:
    run = _run("", 1, "Unhandled exception caught during execution: no data file")
    cases = parse_driver_runs(FILE, CALLS, [run])
    assert [c.status for c in cases] == [Status.ERROR] * 4
    assert cases[0].message == "did not run: the program ended first (no data file)"
