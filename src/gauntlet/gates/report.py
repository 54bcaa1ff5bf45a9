"""The verdict for people and for CI: Markdown, GitHub annotations, JUnit per gate.

* Markdown for ``$GITHUB_STEP_SUMMARY``, kept under GitHub's 1 MiB limit;
* ``::error file=…,line=…::`` workflow commands for the first findings
  (GitHub shows 10 per step), then one line counting the rest;
* a JUnit XML file with one test case per gate;
* :func:`publish` writes them all, with the verdict and SARIF, in one folder.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.atomic import write_bytes_atomic
from gauntlet.gates.registry import GateStatus
from gauntlet.gates.verdict import write_verdict
from gauntlet.linecov.report import line_ranges
from gauntlet.results.junit import xml_escape
from gauntlet.results.sarif import write_sarif
from gauntlet.results.workflowcmd import escape_data, escape_property

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gauntlet.gates.verdict import Verdict
    from gauntlet.results.coverage import Coverage

SUMMARY_LIMIT = 1024 * 1024  # bytes GitHub accepts per step summary
ANNOTATION_LIMIT = 10  # annotations GitHub shows per step
MISSING_SHOWN = 80  # characters of a coverage table's "missing" column
_ICON = {
    GateStatus.PASSED: "✅",
    GateStatus.WARNED: "⚠️",
    GateStatus.WAIVED: "🟡",
    GateStatus.FAILED: "❌",
    GateStatus.NO_DATA: "❌",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def coverage_table(cov: Coverage, title: str) -> list[str]:
    """A per-file coverage table in Markdown (the console's, for the step summary)."""
    lines = [
        f"### {title}: {cov.line_percent:.1f}% of {cov.statements} statements",
        "",
        "| file | stmts | miss | cover | missing |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for entry in cov.files:
        total = len(entry.executed) + len(entry.missing)
        percent = f"{100 * len(entry.executed) / total:.1f}%" if total else "-"
        missing = line_ranges(entry.missing)
        if len(missing) > MISSING_SHOWN:
            missing = missing[: MISSING_SHOWN - 1] + "…"
        lines.append(f"| {_cell(entry.path)} | {total} | {len(entry.missing)} | {percent} "
                     f"| {missing} |")  # fmt: skip
    return lines


def markdown(verdict: Verdict, limit: int = SUMMARY_LIMIT, tables: Sequence[str] = ()) -> str:
    """The verdict as Markdown, at most ``limit`` bytes (UTF-8); ``tables``: more sections
    (such as :func:`coverage_table`) after the waivers."""
    head = "passed" if verdict.passed else "FAILED: " + ", ".join(r.gate for r in verdict.failures)
    lines = [
        f"## Quality gates: {head}",
        "",
        "| gate | status | measured | threshold | details |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in verdict.results:
        details = "; ".join(x for x in (r.message, r.look) if x)
        lines.append(
            f"| {r.gate} | {_ICON[r.status]} {r.status.value} | {_cell(r.measured)} "
            f"| {_cell(r.threshold)} | {_cell(details)} |"
        )
    lines += ["", "### Active waivers", ""]
    if verdict.waivers:
        lines += [
            f"- **{w.gate}**{' `' + w.finding + '`' if w.finding else ''}: {w.reason} "
            f"(expires {w.expires.isoformat()}, {w.where})"
            for w in verdict.waivers
        ]
    else:
        lines.append("none")
    if tables:
        lines += ["", *tables]
    tail: list[str] = []
    for r in verdict.failures:
        if r.findings:
            tail += ["", f"### {r.gate}: {len(r.findings)} findings", ""]
            tail += [f"- `{f.where or f.tool}` {f.rule}: {_cell(f.message)}" for f in r.findings]
    text = "\n".join(lines) + "\n"
    budget = limit - len(text.encode()) - 200
    kept: list[str] = []
    for line in tail:
        size = len(line.encode()) + 1
        if size > budget:
            kept.append(f"\n… {len(tail) - len(kept)} more lines cut to stay under the limit")
            break
        kept.append(line)
        budget -= size
    return text + "\n".join(kept) + ("\n" if kept else "")


def github_annotations(verdict: Verdict, limit: int = ANNOTATION_LIMIT) -> list[str]:
    """GitHub workflow commands for the first ``limit`` problems, then a count of the rest."""
    problems: list[tuple[str, str, int | None, str]] = []
    for r in verdict.failures:
        if r.findings:
            problems += [
                (r.gate, f.file, f.line, f"{f.tool} {f.rule}: {f.message}") for f in r.findings
            ]
        else:
            problems.append((r.gate, "", None, f"{r.measured} ({r.threshold}): {r.message}"))
    lines = []
    for gate, file, line, message in problems[:limit]:
        props = [f"title={escape_property('gate ' + gate)}"]
        if file:
            props.insert(0, f"file={escape_property(file)}")
            if line:
                props.insert(1, f"line={line}")
        lines.append(f"::error {','.join(props)}::{escape_data(message)}")
    if len(problems) > limit:
        rest = len(problems) - limit
        lines.append(
            f"::error title=gates::{rest} more problems not annotated; "
            "see the step summary and gates.sarif"
        )
    return lines


def write_gate_junit(path: Path, verdict: Verdict) -> None:
    """A JUnit XML file with one test case per gate (atomically), valid against junit-10.xsd."""
    failures = [r for r in verdict.results if r.status is GateStatus.FAILED]
    errors = [r for r in verdict.results if r.status is GateStatus.NO_DATA]
    suite = ET.Element(
        "testsuite",
        name="gates",
        tests=str(len(verdict.results)),
        failures=str(len(failures)),
        errors=str(len(errors)),
        skipped="0",
    )
    for r in verdict.results:
        name = xml_escape(r.gate)
        case = ET.SubElement(suite, "testcase", classname="gauntlet.gates.registry", name=name)
        text = xml_escape(f"measured: {r.measured}\nthreshold: {r.threshold}\n{r.message}".strip())
        if r.status is GateStatus.FAILED:
            message = xml_escape(r.message or r.measured)
            ET.SubElement(case, "failure", message=message).text = text
        elif r.status is GateStatus.NO_DATA:
            ET.SubElement(case, "error", message=xml_escape(r.message)).text = text
        else:
            ET.SubElement(case, "system-out").text = f"{r.status.value}: {text}"
    root = ET.Element("testsuites", name="gauntlet gates")
    root.append(suite)
    ET.indent(root)
    write_bytes_atomic(path, ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")


def publish(
    verdict: Verdict,
    out: Path,
    repo: Path,
    step_summary: str | None,
    tools: Iterable[str] = (),
    mojo_coverage: Coverage | None = None,
) -> None:
    """Write ``verdict.json``, ``junit-gates.xml``, ``gates.sarif`` and ``summary.md`` in ``out``.

    ``tools`` are the checkers whose results were read (:attr:`Inputs.tools_ran`):
    each gets a SARIF run, empty when it found nothing.  The Markdown is
    appended to ``step_summary`` too (``$GITHUB_STEP_SUMMARY``) when given.
    """
    write_verdict(out / "verdict.json", verdict)
    write_gate_junit(out / "junit-gates.xml", verdict)
    findings = (f for r in verdict.results for f in r.findings)
    write_sarif(out / "gates.sarif", findings, repo, tools)
    tables = coverage_table(mojo_coverage, "Mojo line coverage") if mojo_coverage else []
    summary = markdown(verdict, tables=tables)
    (out / "summary.md").write_text(summary, encoding="utf-8")
    if step_summary:
        with Path(step_summary).open("a", encoding="utf-8") as handle:
            handle.write(summary)
