"""Reading JUnit XML written by any test runner (pytest, gauntlet's Mojo report).

Only what gates need is kept: counts per outcome and the cases that did not
pass, with their file and line when the writer recorded them: as ``file`` and
``line`` attributes (pytest's xunit1), or as the first line of the failure's
text, ``path:line`` (gauntlet's Mojo report, which keeps to ``junit-10.xsd``).  A file that
is not well-formed JUnit raises :class:`ResultError` naming it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gauntlet.errors import ResultError
from gauntlet.results.records import Status, TestCase

if TYPE_CHECKING:
    from pathlib import Path

_OUTCOME = {"failure": Status.FAILED, "error": Status.ERROR, "skipped": Status.SKIPPED}
_WHERE = re.compile(r"(?P<file>[^\s:][^:\n]*):(?P<line>\d+)")


@dataclass(frozen=True)
class TestRun:
    """The outcome of one JUnit file: counts and the cases that did not pass."""

    __test__ = False  # not a pytest test class

    source: str
    total: int
    failed: int
    errors: int
    skipped: int
    problems: tuple[TestCase, ...]

    @property
    def passed(self) -> int:
        """Cases that passed."""
        return self.total - self.failed - self.errors - self.skipped


def _case(element: ET.Element, status: Status, child: ET.Element) -> TestCase:
    classname = element.get("classname", "")
    name = element.get("name", "?")
    file = element.get("file") or classname.replace(".", "/") + (".py" if classname else "")
    line = element.get("line")
    text = (child.text or "").strip().split("\n")
    where = _WHERE.fullmatch(text[0])
    if line is None and where is not None:
        file, line, text = where["file"], where["line"], text[1:] or [""]
    return TestCase(
        name=f"{classname}::{name}" if classname else name,
        file=file,
        status=status,
        message=(child.get("message") or text[0])[:500],
        line=int(line) if line and line.isdigit() else None,
    )


def read_junit(path: Path) -> TestRun:
    """Count the cases of one JUnit XML file and keep the failing ones."""
    try:
        root = ET.parse(path).getroot()  # noqa: S314 (files our own sessions wrote)  # nosec B314
    except FileNotFoundError:
        raise ResultError(f"{path}: JUnit file is missing") from None
    except (ET.ParseError, OSError) as exc:
        raise ResultError(f"{path}: malformed JUnit XML ({exc}); rerun the tests") from None
    if root.tag not in ("testsuites", "testsuite"):
        raise ResultError(
            f"{path}: not JUnit XML (root element <{root.tag}>, expected <testsuites>)"
        )
    total = failed = errors = skipped = 0
    problems: list[TestCase] = []
    for element in root.iter("testcase"):
        total += 1
        for child in element:
            status = _OUTCOME.get(child.tag)
            if status is None:
                continue
            if status is Status.SKIPPED:
                skipped += 1
            else:
                failed += status is Status.FAILED
                errors += status is Status.ERROR
                problems.append(_case(element, status, child))
            break
    # Collection errors are counted on the suite, without a case.
    for suite in root.iter("testsuite"):
        declared = int(suite.get("errors", "0") or 0)
        counted = sum(1 for e in suite.iter("testcase") for c in e if c.tag == "error")
        if declared > counted:
            errors += declared - counted
            problems.append(
                TestCase(suite.get("name", "?"), str(path), Status.ERROR, message="suite error")
            )
    return TestRun(str(path), total, failed, errors, skipped, tuple(problems))
