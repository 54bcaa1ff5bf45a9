"""JUnit XML for Mojo test results: one file per test file, and one merged file.

The shape is the common JUnit schema that CI systems read (the Jenkins xunit
plugin's ``junit-10.xsd``, which Jenkins, GitLab and GitHub reporters accept):
``<testsuites>`` of ``<testsuite>`` with ``<testcase classname name time>`` and
``<failure>``, ``<error>`` or ``<skipped>`` children.  That schema has no
``file`` or ``line`` on a test case, so a failure's location is the first
line of its text (``tests/test_x.mojo:12``), where :mod:`gauntlet.results.junitread`
finds it again.

Test output can hold anything a program prints: control characters, ANSI
escapes, bytes that were not UTF-8 (decoded as U+FFFD).  Every text and
attribute goes through :func:`xml_escape`, which writes each character XML 1.0
does not allow as the text ``#xNN``, as pytest's ``bin_xml_escape`` does, so the
file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from gauntlet.atomic import write_bytes_atomic
from gauntlet.results.records import FileResult, Status

if TYPE_CHECKING:
    from collections.abc import Iterable

_CHILD = {Status.FAILED: "failure", Status.ERROR: "error", Status.SKIPPED: "skipped"}
# Characters XML 1.0 does not allow, and DEL, as pytest's junitxml leaves them out.
_ILLEGAL = "[^\t\n\r\x20-\x7e\x80-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


@cache
def _illegal() -> re.Pattern[str]:
    return re.compile(_ILLEGAL)  # compiled when first needed: ~6 ms, not on a no-op run


def _hex(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"#x{code:02X}" if code <= 0xFF else f"#x{code:04X}"


def xml_escape(text: str) -> str:
    """``text`` with every character illegal in XML 1.0 written as ``#xNN`` (as pytest does)."""
    return _illegal().sub(_hex, text)


def _classname(file: str) -> str:
    path = PurePosixPath(file)
    return ".".join(path.with_suffix("").parts)


def suite_element(result: FileResult) -> ET.Element:
    """The ``<testsuite>`` element of one file's result."""
    suite = ET.Element(
        "testsuite",
        name=xml_escape(result.file),
        tests=str(len(result.cases)),
        failures=str(result.count(Status.FAILED)),
        errors=str(result.count(Status.ERROR)),
        skipped=str(result.count(Status.SKIPPED)),
        time=f"{sum(c.duration_s for c in result.cases):.3f}",
        file=xml_escape(result.file),
    )
    for case in result.cases:
        element = ET.SubElement(
            suite,
            "testcase",
            classname=xml_escape(_classname(case.file)),
            name=xml_escape(case.name),
            time=f"{case.duration_s:.3f}",
        )
        child = _CHILD.get(case.status)
        if child is not None:
            sub = ET.SubElement(element, child, message=xml_escape(case.message))
            where = f"{case.file}:{case.line}" if case.line is not None else ""
            text = "\n".join(part for part in (where, case.detail) if part)
            sub.text = xml_escape(text) or None
    if result.output_tail:
        ET.SubElement(suite, "system-out").text = xml_escape(result.output_tail)
    return suite


def write_junit(path: Path, results: Iterable[FileResult], name: str = "mojo") -> None:
    """Write one JUnit XML file holding the given results (atomically)."""
    results = list(results)
    root = ET.Element(
        "testsuites",
        name=xml_escape(name),
        tests=str(sum(len(r.cases) for r in results)),
        failures=str(sum(r.count(Status.FAILED) for r in results)),
        errors=str(sum(r.count(Status.ERROR) for r in results)),
    )
    root.extend(suite_element(r) for r in results)
    ET.indent(root)
    write_bytes_atomic(path, ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")
