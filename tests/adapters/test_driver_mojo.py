"""End-to-end: a result for every test function, in every style, on Mojo 0.26.1 and 1.2.0.

One project holds a file of each style gauntlet drives one test at a time
(``main()``-driven with a failure in the middle, a print-style suite that exits
0, a ``mojo test``-era file with no ``main``, a test that aborts the program)
and one with no test functions at all.  The two releases spell functions
differently (0.26: ``fn``; 1.2: ``def ... raises``), so the files are written
in each release's spelling.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from doitrun import SPELLING, result, run_doit, write_mojo_project

from gauntlet.results.records import Status

if TYPE_CHECKING:
    from gauntlet.run import toolchain

pytestmark = pytest.mark.slow

FILES = {
    "tests/test_main_driven.mojo": """from {std}testing import assert_equal


{fn} check(ok: Bool, msg: String) raises:
    if not ok:
        raise Error(msg)


{fn} test_first() raises:
    check(True, "first")


{fn} test_second() raises:
    assert_equal(1, 2)


{fn} test_third() raises:
    check(False, "third broke")


{fn} test_fourth() raises:
    print("fourth ran")


{fn} main() raises:
    print("=== suite ===")
    test_first()
    test_second()
    test_third()
    test_fourth()
    print("All tests PASSED")
""",
    "tests/test_print_style.mojo": """{fn} test_good():
    print("  PASS: good")


{fn} test_bad():
    print("  FAIL: expected 3, got 4")


{fn} main():
    test_good()
    test_bad()
    print("Passed: 1, FAILED: 0")
""",
    "tests/test_no_main.mojo": """from {std}testing import assert_true


{fn} test_one() raises:
    assert_true(True)


{fn} test_two() raises:
    assert_true(False, "two is false")
""",
    "tests/test_crash.mojo": """from {std}os import abort


{fn} test_before() raises:
    pass


{fn} test_aborts() raises:
    abort("boom")


{fn} test_after() raises:
    pass


{fn} main() raises:
    test_before()
    test_aborts()
    test_after()
""",
    "tests/test_no_functions.mojo": """{fn} main():
    print("nothing to call")
""",
}


@pytest.mark.parametrize("release", ["0.26", "1.2"])
def test_every_test_function_gets_its_own_result(
    release: str,
    tmp_path: Path,
    mojo: toolchain.Toolchain,
    mojo_legacy: toolchain.Toolchain,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiler = mojo_legacy if release == "0.26" else mojo
    spelling = SPELLING[release]
    write_mojo_project(tmp_path, FILES, spelling, "styles", compiler.version)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAUNTLET_PROJECT", raising=False)
    monkeypatch.delenv("GAUNTLET_MOJO", raising=False)

    code, _ = run_doit(tmp_path)
    assert code == 1

    def outcome(file: str) -> list[tuple[str, Status]]:
        return [(c.name, c.status) for c in result(tmp_path, file).cases]

    assert outcome("tests/test_main_driven.mojo") == [
        ("test_first", Status.PASSED),
        ("test_second", Status.FAILED),
        ("test_third", Status.FAILED),
        ("test_fourth", Status.PASSED),
    ]
    driven = result(tmp_path, "tests/test_main_driven.mojo").cases
    assert (driven[1].line, driven[2].line) == (14, 17)  # the assert's line; the def's
    assert driven[2].message == "third broke"
    assert outcome("tests/test_print_style.mojo") == [
        ("test_good", Status.PASSED),
        ("test_bad", Status.FAILED),
    ]
    assert outcome("tests/test_no_main.mojo") == [
        ("test_one", Status.PASSED),
        ("test_two", Status.FAILED),
    ]
    crash = result(tmp_path, "tests/test_crash.mojo")
    assert [(c.name, c.status) for c in crash.cases] == [
        ("test_before", Status.PASSED),
        ("test_aborts", Status.ERROR),
        ("test_after", Status.PASSED),
    ]
    assert "boom" in crash.cases[1].message
    assert crash.extra == {"per_test": "driver", "restarts": 1}
    single = result(tmp_path, "tests/test_no_functions.mojo")
    assert [(c.name, c.status) for c in single.cases] == [
        ("tests/test_no_functions.mojo", Status.PASSED)
    ]
    assert single.extra["per_test"] == "file"
    summary = json.loads((tmp_path / ".gauntlet/results/summary.json").read_text())
    assert summary["totals"]["total"] == 12
