"""The gates over what the tests show: test results, Python coverage, Mojo coverage,
and coverage of new code.

Python coverage comes from coverage.py's JSON report (``nox -s tests``),
Mojo coverage from the report of ``doit coverage`` in the same format
(:mod:`gauntlet.linecov.report`), so the new-code gate judges the changed
lines of ``.py`` and ``.mojo`` files alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.gates.inputs import Missing
from gauntlet.gates.registry import GateResult, GateStatus, no_data, no_results, register
from gauntlet.results.coverage import Coverage

if TYPE_CHECKING:
    from gauntlet.config.gates import GateSettings
    from gauntlet.gates.inputs import Inputs

MOJO_HOW = "`doit coverage`, or `nox -s ci -- coverage`"
WORST_SHOWN = 3


@register("tests", "0 failed or erroring tests, Python and Mojo")
def tests_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """Every test run on disk passed; missing interpreters fail on CI unless configured."""
    threshold = "0 failures, 0 errors"
    runs = [*inputs.python_tests, *([inputs.mojo_tests] if inputs.mojo_tests else [])]
    if not runs:
        return no_results("tests", "test", threshold)
    absent = [r for r in runs if isinstance(r, Missing)]
    done = [r for r in runs if not isinstance(r, Missing)]
    total = sum(r.total for r in done)
    bad = [p for r in done for p in r.problems]
    failed = sum(r.failed for r in done)
    errors = sum(r.errors for r in done)
    measured = f"{total} tests, {failed} failed, {errors} errors"
    if inputs.unaffected:  # left out by an affected run: passed at the test map's run
        measured += "; " + "; ".join(u.text for u in inputs.unaffected)
    look = ", ".join(r.source for r in done if r.problems) or (done[0].source if done else "")
    strict = settings.missing_interpreters == "fail" or (
        settings.missing_interpreters == "fail-on-ci" and inputs.on_ci
    )
    missing = ", ".join(inputs.missing_pythons)
    if failed or errors:
        first = bad[0] if bad else None
        where = (
            f"{first.file}:{first.line}" if first and first.line else (first.file if first else "")
        )
        message = f"{first.name} ({where}): {first.message}" if first else "suite errors"
        if absent:
            message += f"; and {absent[0].message}"
        return GateResult("tests", GateStatus.FAILED, measured, threshold, message, look)
    if absent:
        return no_data("tests", absent[0], threshold)
    if inputs.missing_pythons and strict:
        return GateResult(
            "tests",
            GateStatus.FAILED,
            measured,
            threshold,
            f"Python {missing} not found; install them or set "
            '[tool.gauntlet.gates] missing-interpreters = "skip"',
        )
    if inputs.missing_pythons:
        return GateResult(
            "tests",
            GateStatus.WARNED,
            measured,
            threshold,
            f"skipped: Python {missing} not found on this machine",
            look,
        )
    return GateResult("tests", GateStatus.PASSED, measured, threshold, look=look)


@register("coverage", "line and branch coverage of the Python tests")
def coverage_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """Total line coverage and branch coverage at or above the thresholds."""
    threshold = f"line ≥ {settings.coverage_line:g}%, branch ≥ {settings.coverage_branch:g}%"
    cov = inputs.coverage
    if cov is None:
        return no_results("coverage", "coverage", threshold)
    if isinstance(cov, Missing):
        return no_data("coverage", cov, threshold)
    branch = cov.branch_percent
    measured = f"line {cov.line_percent:.1f}%" + (
        f", branch {branch:.1f}%" if branch is not None else ", no branch data"
    )
    problems = []
    if cov.line_percent < settings.coverage_line:
        problems.append(f"line coverage {cov.line_percent:.1f}% < {settings.coverage_line:g}%")
    if branch is None and settings.coverage_branch > 0:
        problems.append("no branch data; run coverage with --cov-branch (branch = true)")
    elif branch is not None and branch < settings.coverage_branch:
        problems.append(f"branch coverage {branch:.1f}% < {settings.coverage_branch:g}%")
    if inputs.unaffected:  # a partial measurement is never judged, above or below
        left = sum(u.unaffected for u in inputs.unaffected)
        return GateResult(
            "coverage",
            GateStatus.WARNED,
            f"partial run: {measured}",
            threshold,
            f"not judged: an affected run left {left} tests out; a full run measures coverage",
            cov.source,
        )
    status = GateStatus.FAILED if problems else GateStatus.PASSED
    return GateResult("coverage", status, measured, threshold, "; ".join(problems), cov.source)


@register("mojo-coverage", "line coverage of the Mojo code by the Mojo tests")
def mojo_coverage_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """Total Mojo line coverage at or above ``mojo-coverage-line``."""
    threshold = f"line ≥ {settings.mojo_coverage_line:g}%"
    cov = inputs.mojo_coverage
    if cov is None:
        return GateResult(
            "mojo-coverage",
            GateStatus.WARNED,
            "not measured",
            threshold,
            f"Mojo coverage is not measured: run {MOJO_HOW}, set [tool.gauntlet.coverage] "
            'ci = true, or disable the gate ([tool.gauntlet.gates] disable = ["mojo-coverage"])',
        )
    if isinstance(cov, Missing):
        return no_data("mojo-coverage", cov, threshold)
    if not cov.statements:
        return GateResult(
            "mojo-coverage",
            GateStatus.WARNED,
            "no Mojo statements",
            threshold,
            "the report measured no Mojo statements; check [tool.gauntlet.coverage] source",
            cov.source,
        )
    measured = f"line {cov.line_percent:.1f}% of {cov.statements} statements"
    if cov.line_percent >= settings.mojo_coverage_line:
        return GateResult("mojo-coverage", GateStatus.PASSED, measured, threshold, look=cov.source)
    worst = sorted(cov.files, key=lambda f: len(f.executed) / max(1, len(f.executed | f.missing)))
    shown = ", ".join(
        f"{f.path} ({100 * len(f.executed) / len(f.executed | f.missing):.0f}%)"
        for f in worst[:WORST_SHOWN]
        if f.missing
    )
    message = f"Mojo line coverage {cov.line_percent:.1f}% < {settings.mojo_coverage_line:g}%"
    return GateResult(
        "mojo-coverage", GateStatus.FAILED, measured, threshold,
        f"{message}; least covered: {shown}", cov.source,
    )  # fmt: skip


def _combined(inputs: Inputs) -> tuple[Coverage | Missing | None, str]:
    """Python and Mojo coverage as one report for the new-code gate, and a note on Mojo.

    A missing report matters when lines of its language changed (or the changes are
    unknown): a Mojo-only change is judged without Python's report, and the reverse.
    """
    changed = inputs.changed
    mojo_changed = any(path.endswith(".mojo") for path in changed or {})
    other_changed = any(not path.endswith(".mojo") for path in changed or {})
    found: list[Coverage] = []
    for part, needed in ((inputs.coverage, other_changed), (inputs.mojo_coverage, mojo_changed)):
        if isinstance(part, Missing):
            if changed is None or needed:
                return part, ""
        elif part is not None:
            found.append(part)
    if not found:
        return None, ""
    note = "; Mojo lines not measured" if inputs.mojo_coverage is None and mojo_changed else ""
    if len(found) == 1:
        return found[0], note
    files = tuple(f for c in found for f in c.files)
    source = ", ".join(c.source for c in found)
    return Coverage(source, sum(c.statements for c in found),
                    sum(c.covered_lines for c in found), 0, 0, files), note  # fmt: skip


@register("new-code", "coverage of lines changed since the base revision")
def new_code_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """Like diff-cover: of the changed statements (Python and Mojo), the share that ran."""
    from gauntlet.results.coverage import new_code_coverage

    threshold = f"≥ {settings.new_code_coverage:g}% of changed lines"
    cov, note = _combined(inputs)
    if cov is None:
        return no_results("new-code", "coverage", threshold)
    if isinstance(cov, Missing):
        return no_data("new-code", cov, threshold)
    if inputs.changed is None:
        return GateResult(
            "new-code",
            GateStatus.WARNED,
            "no base revision",
            threshold,
            f"base revision {inputs.base!r} not found; fetch it or set GAUNTLET_BASE",
        )
    new = new_code_coverage(cov, inputs.changed)
    if new.percent is None:
        return GateResult("new-code", GateStatus.PASSED, "no changed statements" + note, threshold)
    measured = f"{new.percent:.1f}% of {new.statements} changed lines{note}"
    if new.percent >= settings.new_code_coverage:
        return GateResult("new-code", GateStatus.PASSED, measured, threshold, look=cov.source)
    shown = ", ".join(f"{f}:{n}" for f, n in new.uncovered[:5])
    more = f" (and {len(new.uncovered) - 5} more)" if len(new.uncovered) > 5 else ""
    return GateResult(
        "new-code",
        GateStatus.FAILED,
        measured,
        threshold,
        f"changed lines not run by any test: {shown}{more}",
        cov.source,
    )
