"""Merging traces into per-file Mojo coverage, and the reports other tools read."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from gauntlet.linecov.merge import Trace, merge
from gauntlet.linecov.report import line_ranges, write_reports
from gauntlet.results.coverage import read_coverage

if TYPE_CHECKING:
    from pathlib import Path

SOURCE = '''"""A module."""


def used(a: Int,
         b: Int) -> Int:
    """Docstring."""
    var total = add(
        a,
        b,
    )
    if total > 10:
        raise Error("big")
    return total


def unused(x: Int) -> Int:
    # a comment
    var y = x * 2

    return y
'''
PATH = "src/m.mojo"


def _trace(test: str, ran: set[int], compiled: set[int]) -> Trace:
    return Trace(test, {PATH: frozenset(ran)}, {PATH: frozenset(compiled)})


def test_compiled_functions_count_their_line_table_and_the_rest_their_source() -> None:
    # The line table names the signature (4), continuation lines (8, 9) and the
    # statements; the raise (12) has code but never ran.
    table = {4, 5, 7, 8, 9, 11, 12, 13}
    report = merge({PATH: SOURCE}, [_trace("tests/test_a.mojo", {4, 8, 11, 13}, table)])
    entry = report.files[0]
    assert entry.executable == {7, 11, 12, 13, 18, 20}  # unused: from the source
    assert entry.executed == {7, 11, 13}  # 8 is part of the statement at 7; 4 is a signature
    assert entry.missing == {12, 18, 20}
    assert entry.uncompiled == ("unused",)
    assert (report.statements, report.covered) == (6, 3)
    assert report.percent == 50.0


def test_contexts_name_the_tests_that_ran_each_line() -> None:
    table = {7, 11, 12, 13}
    traces = [
        _trace("tests/test_a.mojo", {7, 11, 13}, table),
        _trace("tests/test_big.mojo", {7, 11, 12}, table),
    ]
    entry = merge({PATH: SOURCE}, traces).files[0]
    assert entry.contexts[12] == ("tests/test_big.mojo",)
    assert entry.contexts[7] == ("tests/test_a.mojo", "tests/test_big.mojo")
    without = merge({PATH: SOURCE}, traces[:1]).files[0]
    only_big = {n for n, tests in entry.contexts.items() if tests == ("tests/test_big.mojo",)}
    assert entry.executed - without.executed == only_big == {12}


def test_a_function_compiled_by_one_program_only() -> None:
    traces = [
        _trace("tests/test_a.mojo", set(), {18, 20}),  # compiled unused, never ran it
        _trace("tests/test_b.mojo", set(), set()),
    ]
    entry = merge({PATH: SOURCE}, traces).files[0]
    assert entry.uncompiled == ("used",)
    assert entry.executable == {7, 11, 12, 13, 18, 20}
    assert entry.executed == frozenset()


def test_no_statements_is_no_percentage() -> None:
    report = merge({"src/__init__.mojo": '"""Package."""\n'}, [])
    assert report.files[0].percent is None
    assert report.percent is None


def test_reports_are_read_back_like_python_coverage(tmp_path: Path) -> None:
    table = {7, 11, 12, 13}
    report = merge({PATH: SOURCE}, [_trace("tests/test_a.mojo", {7, 11, 13}, table)],
                   [("tests/test_broken.mojo", "not traced: compile error")])  # fmt: skip
    as_json, as_xml = write_reports(report, tmp_path / "cov", "/repo", "gauntlet 9", now=0.0)
    read = read_coverage(as_json)
    assert (read.statements, read.covered_lines) == (6, 3)
    assert read.files[0].path == PATH
    assert read.files[0].executed == {7, 11, 13}
    assert read.files[0].missing == {12, 18, 20}
    data = json.loads(as_json.read_text(encoding="utf-8"))
    assert data["meta"]["format"] == 3
    assert data["files"][PATH]["contexts"]["7"] == ["tests/test_a.mojo"]
    assert data["gauntlet"]["untraced"] == [
        {"test": "tests/test_broken.mojo", "why": "not traced: compile error"}
    ]
    top = ET.parse(as_xml).getroot()  # a file this test wrote
    assert (top.get("lines-valid"), top.get("lines-covered"), top.get("line-rate")) == (
        "6", "3", "0.5",
    )  # fmt: skip
    assert top.findtext("sources/source") == "/repo"
    node = top.find("packages/package/classes/class")
    assert node is not None
    assert (node.get("filename"), node.get("name")) == (PATH, "m.mojo")
    hits = {int(n.get("number", 0)): int(n.get("hits", 0)) for n in node.iter("line")}
    assert hits == {7: 1, 11: 1, 12: 0, 13: 1, 18: 0, 20: 0}


def test_line_ranges() -> None:
    assert line_ranges([9, 3, 4, 5, 12, 13]) == "3-5, 9, 12-13"
    assert line_ranges([]) == ""
