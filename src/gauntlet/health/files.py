"""Reading result files into history rows: JUnit, Mojo results, coverage, benchmarks, gates.

Every reader takes the files a pipeline writes (see :mod:`gauntlet.gates.inputs`)
and returns :mod:`gauntlet.health.rows` values.  A file that cannot be read is
skipped and named in the returned problems, so one bad file never loses the
rest of a run.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from gauntlet.errors import ResultError
from gauntlet.gates.inputs import read_comparisons
from gauntlet.health.rows import BenchRow, CaseRow, GateRow, RunResults, TaskRow, WaiverRow
from gauntlet.results.coverage import read_coverage
from gauntlet.results.records import read_result

_JUNIT_STATUS = {"failure": "failed", "error": "error", "skipped": "skipped"}
_MET = re.compile(r"^met \((\w+)\)$")
_PYTHON_MATRIX = re.compile(r"^junit-python-(\d+(?:\.\d+)*)\.xml$")


def python_version_of(path: Path) -> str:
    """The Python version a matrix JUnit file is for (``junit-python-3.12.xml``), else ""."""
    match = _PYTHON_MATRIX.match(path.name)
    return match.group(1) if match else ""


def junit_cases(path: Path) -> list[CaseRow]:
    """Every test case of one JUnit XML file (pytest's or gauntlet's Mojo report).

    Cases of a Python matrix file have the version in their suite
    (``tests.test_a (python 3.12)``): each version's result is a test of its own.
    """
    try:
        # Only files our own pipeline wrote are parsed.
        root = ET.parse(path).getroot()  # noqa: S314  # nosec B314
    except (ET.ParseError, OSError) as exc:
        raise ResultError(f"{path}: malformed JUnit XML ({exc})") from None
    cases = []
    version = python_version_of(path)
    for element in root.iter("testcase"):
        status, message = "passed", ""
        for child in element:
            if child.tag in _JUNIT_STATUS:
                status = _JUNIT_STATUS[child.tag]
                message = child.get("message") or (child.text or "").strip().split("\n")[0]
                break
        suite = element.get("classname") or element.get("file") or path.stem
        if version:
            suite += f" (python {version})"
        cases.append(
            CaseRow(
                suite=suite,
                name=element.get("name", "?"),
                status=status,
                duration_s=float(element.get("time") or 0.0),
                message=message[:500],
            )
        )
    return cases


def mojo_cases(path: Path) -> list[CaseRow]:
    """The cases of one Mojo test file's result, keyed by the file's content key."""
    result = read_result(path)
    return [
        CaseRow(
            suite=result.file,
            name=case.name,
            status=case.status.value,
            duration_s=case.duration_s,
            message=case.message[:500],
            content_key=result.key,
        )
        for case in result.cases
    ]


def bench_rows(path: Path, regressions: frozenset[str] = frozenset()) -> list[BenchRow]:
    """The medians of one raw benchmark run (``met (UNIT)`` columns).

    Each is named ``FILE: NAME`` as ``gauntlet bench compare`` names it, so a
    comparison's regressions mark the right points.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows: list[dict[str, Any]] = data["rows"] if data.get("ok") else []
        file = Path(str(data.get("file", ""))).name
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ResultError(f"{path}: malformed benchmark run ({exc})") from None
    found = []
    for row in rows:
        for column, value in row.items():
            match = _MET.match(column)
            if match and isinstance(value, (int, float)):
                name = f"{file}: {row.get('name', '?')}"
                found.append(BenchRow(name, float(value), match.group(1), name in regressions))
    return found


def regressions(path: Path) -> frozenset[str]:
    """Benchmarks that ``gauntlet bench compare`` judged regressions (none if unreadable)."""
    try:
        comparisons = read_comparisons(path)
    except ResultError:
        return frozenset()
    return frozenset(c.name for c in comparisons if c.verdict == "regression")


def folder_regressions(folder: Path) -> frozenset[str]:
    """Benchmarks any ``bench-comparison.json`` below ``folder`` judged regressions."""
    return frozenset().union(*(regressions(p) for p in folder.rglob("bench-comparison.json")))


def verdict_rows(path: Path) -> tuple[list[GateRow], list[WaiverRow], bool]:
    """Gate statuses, waivers in force, and whether the verdict passed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        gates = [
            GateRow(str(g["gate"]), str(g["status"]), str(g["measured"]), str(g["threshold"]))
            for g in data["gates"]
        ]
        waivers = [
            WaiverRow(
                str(w["gate"]), str(w.get("finding") or ""), str(w["reason"]), str(w["expires"])
            )
            for w in data.get("waivers", [])
        ]
        return gates, waivers, bool(data["passed"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ResultError(f"{path}: malformed gate verdict ({exc})") from None


def doit_tasks(record: dict[str, Any], offset: float = 0.0) -> list[TaskRow]:
    """Tasks of a doit run record (written by gauntlet's doit reporter)."""
    rows = []
    for task in record.get("tasks", []):
        raw = str(task.get("status", ""))
        values = task.get("values") or {}
        if raw in ("up-to-date", "ignored"):
            status = "skipped"
        elif raw == "failed" or values.get("status") in ("failed", "error"):
            status = "error" if values.get("status") == "error" else "failed"
        else:
            status = "passed"
        start = task.get("start_s")
        rows.append(
            TaskRow(
                name=str(task["name"]),
                status=status,
                duration_s=float(task.get("seconds", 0.0)),
                start_s=None if start is None else offset + float(start),
                deps=tuple(str(d) for d in task.get("deps", ())),
            )
        )
    return rows


def record_results(record: dict[str, Any], offset: float = 0.0) -> tuple[RunResults, list[str]]:
    """Tasks, test cases and benchmarks of a doit run record; problems with files it names."""
    cases: list[CaseRow] = []
    benches: list[BenchRow] = []
    problems: list[str] = []
    for task in record.get("tasks", []):
        output = (task.get("values") or {}).get("output")
        if task.get("status") != "executed" or not output:
            continue
        name = str(task["name"])
        try:
            if name.startswith("test:"):
                cases.extend(mojo_cases(Path(output)))
            elif name.startswith("benchmark:"):
                benches.extend(bench_rows(Path(output)))
        except ResultError as exc:
            problems.append(str(exc))
    tasks = tuple(doit_tasks(record, offset))
    return RunResults(tasks=tasks, cases=tuple(cases), benchmarks=tuple(benches)), problems


def mojo_line_percent(path: Path) -> float | None:
    """The total of a Mojo coverage report (None: it measured no statements)."""
    report = read_coverage(path)
    return report.line_percent if report.statements else None


def _coverages(
    folder: Path, problems: list[str]
) -> tuple[tuple[float, float | None] | None, float | None]:
    """The Python coverage (line %, branch %) and Mojo line coverage below ``folder``:
    the first report of each language (a report of ``doit coverage`` says it is Mojo's)."""
    python: tuple[float, float | None] | None = None
    mojo: float | None = None
    for path in sorted(folder.rglob("coverage.json")):
        try:
            report = read_coverage(path)
        except ResultError as exc:
            problems.append(str(exc))
            continue
        if report.language == "mojo" and mojo is None:
            mojo = report.line_percent if report.statements else None
        elif report.language != "mojo" and python is None:
            python = (report.line_percent, report.branch_percent)
    return python, mojo


def folder_results(folder: Path, *, mojo: bool = True) -> tuple[RunResults, list[str], bool | None]:
    """Everything recorded from a results folder: (results, problems, verdict passed or None).

    Python JUnit files (``junit-*.xml`` except the Mojo report), Mojo results
    (``mojo/*.json``, keyed by content; ``junit-mojo.xml`` when there are none),
    ``coverage.json``, raw benchmark runs (``bench/*.json``) and the gate
    verdict (``gates/verdict.json``) are found anywhere below ``folder``.
    ``mojo=False`` leaves Mojo tests and benchmark runs out (the doit run
    recorded them; :func:`folder_regressions` says which of them regressed).
    """
    cases: list[CaseRow] = []
    problems: list[str] = []
    benches: list[BenchRow] = []
    gates: list[GateRow] = []
    waivers: list[WaiverRow] = []
    passed: bool | None = None

    def attempt(path: Path, work: Any) -> None:
        try:
            work(path)
        except ResultError as exc:
            problems.append(str(exc))

    for path in sorted(folder.rglob("junit-*.xml")):
        if path.name != "junit-mojo.xml" and "gates" not in path.parts:
            attempt(path, lambda p: cases.extend(junit_cases(p)))
    if mojo:
        mojo_files = sorted(p for p in folder.rglob("mojo/*.json"))
        for path in mojo_files:
            attempt(path, lambda p: cases.extend(mojo_cases(p)))
        for path in [] if mojo_files else sorted(folder.rglob("junit-mojo.xml")):
            attempt(path, lambda p: cases.extend(junit_cases(p)))
    coverage, mojo_coverage = _coverages(folder, problems)
    slower = folder_regressions(folder) if mojo else frozenset()
    for path in sorted(folder.rglob("bench/*.json")) if mojo else []:
        if not path.name.endswith(".samples.json"):
            attempt(path, lambda p: benches.extend(bench_rows(p, slower)))
    for path in sorted(folder.rglob("gates/verdict.json"))[:1]:
        try:
            gates, waivers, passed = verdict_rows(path)
        except ResultError as exc:
            problems.append(str(exc))
    results = RunResults(
        cases=tuple(cases),
        coverage=coverage,
        mojo_coverage=mojo_coverage,
        benchmarks=tuple(benches),
        gates=tuple(gates),
        waivers=tuple(waivers),
    )
    return results, problems, passed
