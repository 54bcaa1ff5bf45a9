"""The built-in gates over results and findings: tests, coverage, new code, lint, types,
security.  The gates over measurements are in :mod:`gauntlet.gates.measured`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.gates.inputs import Missing, NotRun
from gauntlet.gates.registry import GateResult, GateStatus, findings_result, no_data, register

if TYPE_CHECKING:
    from gauntlet.config.gates import GateSettings
    from gauntlet.gates.inputs import Inputs
    from gauntlet.results.findings import Finding


def _not_run(gate: str, what: str, threshold: str) -> GateResult:
    return GateResult(
        gate,
        GateStatus.NO_DATA,
        "no data",
        threshold,
        f"no {what} results; run the pipeline (`nox -s ci`) before the gates",
    )


@register("tests", "0 failed or erroring tests, Python and Mojo")
def tests_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """Every test run on disk passed; missing interpreters fail on CI unless configured."""
    threshold = "0 failures, 0 errors"
    runs = [*inputs.python_tests, *([inputs.mojo_tests] if inputs.mojo_tests else [])]
    if not runs:
        return _not_run("tests", "test", threshold)
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
        return _not_run("coverage", "coverage", threshold)
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


@register("new-code", "coverage of lines changed since the base revision")
def new_code_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """Like diff-cover: of the changed statements, the share that ran."""
    from gauntlet.results.coverage import new_code_coverage

    threshold = f"≥ {settings.new_code_coverage:g}% of changed lines"
    cov = inputs.coverage
    if cov is None:
        return _not_run("new-code", "coverage", threshold)
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
        return GateResult("new-code", GateStatus.PASSED, "no changed statements", threshold)
    measured = f"{new.percent:.1f}% of {new.statements} changed lines"
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


def _gather(
    parts: tuple[tuple[Finding, ...] | Missing | NotRun, ...],
) -> tuple[Finding, ...] | Missing | None:
    found: list[Finding] = []
    if not parts:
        return None
    for part in parts:
        if isinstance(part, Missing):
            return part
        if not isinstance(part, NotRun):
            found.extend(part)
    return tuple(found)


def _not_run_result(gate: str, not_run: list[NotRun], allowed: bool, threshold: str) -> GateResult:
    names = ", ".join(n.tool for n in not_run)
    note = f"not run: {names} ({not_run[0].reason})"
    if allowed:
        return GateResult(gate, GateStatus.WARNED, f"0 findings, {names} not run", threshold, note)
    return GateResult(
        gate,
        GateStatus.FAILED,
        f"{names} not run",
        threshold,
        f"{note}; install it, or list it in [tool.gauntlet.gates] allow-not-run",
    )


@register("lint", "0 findings from ruff, ruff format, mojo format, actionlint and import-linter")
def lint_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """Every linter ran and found nothing."""
    found = _gather(inputs.lint)
    if found is None:
        return _not_run("lint", "lint", "0 findings")
    if isinstance(found, Missing):
        return no_data("lint", found, "0 findings")
    result = findings_result("lint", found, "0 findings", "lint/", "findings")
    not_run = [p for p in inputs.lint if isinstance(p, NotRun)]
    if found or not not_run:
        return result
    allowed = all(n.tool in settings.allow_not_run for n in not_run)
    return _not_run_result("lint", not_run, allowed, "0 findings")


@register("types", "0 mypy errors (strict)")
def types_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """mypy ran and reported no error."""
    if inputs.types is None:
        return _not_run("types", "mypy", "0 errors")
    if isinstance(inputs.types, Missing):
        return no_data("types", inputs.types, "0 errors")
    return findings_result("types", inputs.types, "0 errors", "types/mypy.json", "errors")


@register("security", "no bandit finding at or above the severity; no vulnerability; no secret")
def security_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """bandit, pip-audit and the secrets scan; "not audited" is its own outcome."""
    level = settings.bandit_severity
    threshold = f"0 bandit ≥ {level.value}, 0 vulnerabilities, 0 secrets"
    if inputs.bandit is None and inputs.audit is None and inputs.secrets is None:
        return _not_run("security", "security", threshold)
    for part in (inputs.bandit, inputs.secrets, inputs.audit):
        if isinstance(part, Missing):
            return no_data("security", part, threshold)
    bandit = tuple(f for f in inputs.bandit or () if f.severity.rank >= level.rank)  # type: ignore[union-attr]
    secrets = tuple(inputs.secrets or ())  # type: ignore[arg-type]
    audit = inputs.audit if not isinstance(inputs.audit, Missing) else None
    vulns = audit.vulnerabilities if audit else ()
    found = bandit + vulns + secrets
    result = findings_result("security", found, threshold, "security/", "findings")
    if found or audit is None or audit.complete:
        return result
    names = ", ".join(name for name, _ in audit.skipped[:3])
    more = f" and {len(audit.skipped) - 3} more" if len(audit.skipped) > 3 else ""
    note = f"not audited: pip-audit could not check {names}{more} ({audit.skipped[0][1]})"
    if settings.allow_not_audited or "pip-audit" in settings.allow_not_run:
        return GateResult(
            "security",
            GateStatus.WARNED,
            "0 findings, not audited",
            threshold,
            note,
            "security/pip-audit.json",
        )
    return GateResult(
        "security",
        GateStatus.FAILED,
        "not audited",
        threshold,
        note + "; rerun where the vulnerability service is reachable, or set "
        "[tool.gauntlet.gates] allow-not-audited = true",
        "security/pip-audit.json",
    )
