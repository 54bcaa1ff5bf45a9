"""Mojo coverage as the files other tools read: coverage.py JSON and Cobertura XML.

* ``coverage.json`` is coverage.py's JSON report (format 3, with contexts):
  gauntlet's own ``coverage`` and ``new-code`` gates read it like Python's
  (:func:`gauntlet.results.coverage.read_coverage`), and so can any tool that
  reads coverage.py's JSON.  A ``gauntlet`` block adds what coverage.py has no
  field for: the tests traced, the tests that could not be, the functions no
  test program compiled.
* ``coverage.xml`` is Cobertura (the ``coverage-04.dtd`` that coverage.py,
  Codecov and diff-cover read): one package per folder, one class per file,
  ``hits`` = the number of test files that ran the line.
"""

from __future__ import annotations

import json
import time
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from gauntlet.atomic import write_text_atomic

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from gauntlet.linecov.merge import FileLines, MojoCoverage

FORMAT = 3  # coverage.py's JSON report format


def _summary(covered: int, statements: int) -> dict[str, Any]:
    percent = 100.0 * covered / statements if statements else 100.0
    return {
        "covered_lines": covered,
        "num_statements": statements,
        "percent_covered": percent,
        "percent_covered_display": f"{percent:.0f}",
        "missing_lines": statements - covered,
        "excluded_lines": 0,
    }


def _file_json(entry: FileLines) -> dict[str, Any]:
    return {
        "executed_lines": sorted(entry.executed),
        "summary": _summary(len(entry.executed), len(entry.executable)),
        "missing_lines": sorted(entry.missing),
        "excluded_lines": [],
        "contexts": {str(line): list(tests) for line, tests in entry.contexts.items()},
    }


def coverage_json(report: MojoCoverage, version: str, now: float | None = None) -> dict[str, Any]:
    """The report as coverage.py's JSON (format 3) plus a ``gauntlet`` block."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() if now is None else now))
    return {
        "meta": {
            "format": FORMAT,
            "version": version,
            "timestamp": stamp,
            "branch_coverage": False,
            "show_contexts": True,
        },
        "files": {entry.path: _file_json(entry) for entry in report.files},
        "totals": _summary(report.covered, report.statements),
        "gauntlet": {
            "language": "mojo",
            "traced": list(report.traced),
            "untraced": [{"test": test, "why": why} for test, why in report.untraced],
            "uncompiled": {e.path: list(e.uncompiled) for e in report.files if e.uncompiled},
        },
    }


def _rate(covered: int, total: int) -> str:
    return f"{covered / total:.4g}" if total else "1"


def cobertura(report: MojoCoverage, root: str, version: str, now: float | None = None) -> str:
    """The report as Cobertura XML."""
    millis = int(1000 * (time.time() if now is None else now))
    top = ET.Element("coverage", {
        "version": version, "timestamp": str(millis),
        "lines-valid": str(report.statements), "lines-covered": str(report.covered),
        "line-rate": _rate(report.covered, report.statements),
        "branches-covered": "0", "branches-valid": "0", "branch-rate": "0", "complexity": "0",
    })  # fmt: skip
    ET.SubElement(ET.SubElement(top, "sources"), "source").text = root
    packages = ET.SubElement(top, "packages")
    folders: dict[str, list[FileLines]] = {}
    for entry in report.files:
        folders.setdefault(str(PurePosixPath(entry.path).parent), []).append(entry)
    for folder, entries in sorted(folders.items()):
        covered = sum(len(e.executed) for e in entries)
        total = sum(len(e.executable) for e in entries)
        package = ET.SubElement(packages, "package", {
            "name": "." if folder == "." else folder.replace("/", "."),
            "line-rate": _rate(covered, total), "branch-rate": "0", "complexity": "0",
        })  # fmt: skip
        classes = ET.SubElement(package, "classes")
        for entry in entries:
            node = ET.SubElement(classes, "class", {
                "name": PurePosixPath(entry.path).name, "filename": entry.path,
                "complexity": "0", "line-rate": _rate(len(entry.executed), len(entry.executable)),
                "branch-rate": "0",
            })  # fmt: skip
            ET.SubElement(node, "methods")
            lines = ET.SubElement(node, "lines")
            for line in sorted(entry.executable):
                hits = len(entry.contexts.get(line, ()))
                ET.SubElement(lines, "line", {"number": str(line), "hits": str(hits)})
    ET.indent(top)
    return '<?xml version="1.0" ?>\n' + ET.tostring(top, encoding="unicode") + "\n"


def write_reports(
    report: MojoCoverage, folder: Path, root: str, version: str, now: float | None = None
) -> tuple[Path, Path]:
    """Write ``coverage.json`` and ``coverage.xml`` into ``folder`` (atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    as_json, as_xml = folder / "coverage.json", folder / "coverage.xml"
    text = json.dumps(coverage_json(report, version, now), indent=1) + "\n"
    write_text_atomic(as_xml, cobertura(report, root, version, now))
    write_text_atomic(as_json, text)
    return as_json, as_xml


def line_ranges(lines: Iterable[int]) -> str:
    """Line numbers as ranges, as coverage.py's "Missing" column shows them: ``3-5, 9``."""
    spans: list[list[int]] = []
    for line in sorted(lines):
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
