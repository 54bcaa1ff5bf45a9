from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

import pytest

from gauntlet.errors import ResultError
from gauntlet.results.junit import write_junit
from gauntlet.results.junitread import read_junit
from gauntlet.results.records import (
    FileResult,
    Status,
    TestCase,
    current_result,
    read_result,
    worst,
    write_result,
)

if TYPE_CHECKING:
    from pathlib import Path

RESULT = FileResult(
    file="tests/test_x.mojo",
    key="k1",
    cases=(
        TestCase("test_a", "tests/test_x.mojo", Status.PASSED, 0.001),
        TestCase("test_b", "tests/test_x.mojo", Status.FAILED, 0.5, "boom", "At x:3:1: boom", 3),
        TestCase("test_c", "tests/test_x.mojo", Status.SKIPPED),
        TestCase("tests/test_x.mojo", "tests/test_x.mojo", Status.ERROR, 0, "crashed"),
    ),
    compile_s=2.0,
    run_s=0.6,
    exit_code=1,
    toolchain="mojo 1.2.0",
)


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_result(path, RESULT)
    assert read_result(path) == RESULT
    assert json.loads(path.read_text())["schema_version"] == 1
    assert RESULT.status is Status.ERROR
    assert current_result(path, "k1") == RESULT
    assert current_result(path, "other") is None
    assert current_result(tmp_path / "missing.json", "k1") is None


def test_malformed_files_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{truncated", encoding="utf-8")
    with pytest.raises(ResultError, match=r"bad.json: malformed result file"):
        read_result(path)
    path.write_text('{"schema_version": 99}', encoding="utf-8")
    with pytest.raises(ResultError, match="schema_version 99 is not supported"):
        read_result(path)
    with pytest.raises(ResultError, match="result file is missing"):
        read_result(tmp_path / "nope.json")


def test_worst_and_ok() -> None:
    assert worst([]) is Status.PASSED
    assert worst([Status.SKIPPED, Status.FAILED, Status.PASSED]) is Status.FAILED
    assert Status.SKIPPED.ok
    assert not Status.ERROR.ok


def test_junit(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_junit(path, [RESULT, RESULT], name="mojo")
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("8", "2", "2")
    # junit-10.xsd has no `skipped` on <testsuites> and no file or line on <testcase>
    assert sum(int(s.get("skipped", "0")) for s in root.iter("testsuite")) == 2
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("name") == "tests/test_x.mojo"
    cases = suite.findall("testcase")
    assert cases[0].get("classname") == "tests.test_x"
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "boom"
    assert failure.text == "tests/test_x.mojo:3\nAt x:3:1: boom"  # the location comes first
    bad = read_junit(path).problems[0]
    assert (bad.file, bad.line, bad.message) == ("tests/test_x.mojo", 3, "boom")
    assert cases[2].find("skipped") is not None
    assert cases[3].find("error") is not None


@pytest.mark.parametrize(
    "garble",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: text.replace('"status": "error"', '"status": "passed"', 1),
        lambda text: json.dumps({**json.loads(text), "cases": [], "status": "passed"}),
        lambda text: json.dumps({**json.loads(text), "cases": "oops"}),
        lambda text: "",
    ],
    ids=["truncated", "status-disagrees", "no-cases", "cases-not-a-list", "empty"],
)
def test_a_garbled_result_is_never_current(tmp_path: Path, garble: Any) -> None:
    path = tmp_path / "r.json"
    ok = FileResult("t.mojo", "k1", (TestCase("test_a", "t.mojo", Status.PASSED),))
    write_result(path, ok)
    assert current_result(path, "k1") == ok
    write_result(path, RESULT)
    path.write_text(garble(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert current_result(path, "k1") is None
    with pytest.raises(ResultError, match="malformed result file"):
        read_result(path)
