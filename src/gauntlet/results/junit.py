"""JUnit XML for Mojo test results: one file per test file, and one merged file.

The shape follows what CI systems read (Jenkins, GitLab, GitHub reporters):
``<testsuites>`` of ``<testsuite>`` with ``<testcase classname name file
line time>`` and ``<failure>``, ``<error>`` or ``<skipped>`` children.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from gauntlet.atomic import write_bytes_atomic
from gauntlet.results.records import FileResult, Status

if TYPE_CHECKING:
    from collections.abc import Iterable

_CHILD = {Status.FAILED: "failure", Status.ERROR: "error", Status.SKIPPED: "skipped"}


def _classname(file: str) -> str:
    path = PurePosixPath(file)
    return ".".join(path.with_suffix("").parts)


def suite_element(result: FileResult) -> ET.Element:
    """The ``<testsuite>`` element of one file's result."""
    suite = ET.Element(
        "testsuite",
        name=result.file,
        tests=str(len(result.cases)),
        failures=str(result.count(Status.FAILED)),
        errors=str(result.count(Status.ERROR)),
        skipped=str(result.count(Status.SKIPPED)),
        time=f"{sum(c.duration_s for c in result.cases):.3f}",
    )
    for case in result.cases:
        element = ET.SubElement(
            suite,
            "testcase",
            classname=_classname(case.file),
            name=case.name,
            file=case.file,
            time=f"{case.duration_s:.3f}",
        )
        if case.line is not None:
            element.set("line", str(case.line))
        child = _CHILD.get(case.status)
        if child is not None:
            sub = ET.SubElement(element, child, message=case.message)
            sub.text = case.detail or None
    if result.output_tail:
        ET.SubElement(suite, "system-out").text = result.output_tail
    return suite


def write_junit(path: Path, results: Iterable[FileResult], name: str = "mojo") -> None:
    """Write one JUnit XML file holding the given results (atomically)."""
    results = list(results)
    root = ET.Element(
        "testsuites",
        name=name,
        tests=str(sum(len(r.cases) for r in results)),
        failures=str(sum(r.count(Status.FAILED) for r in results)),
        errors=str(sum(r.count(Status.ERROR) for r in results)),
        skipped=str(sum(r.count(Status.SKIPPED) for r in results)),
    )
    root.extend(suite_element(r) for r in results)
    ET.indent(root)
    write_bytes_atomic(path, ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")
