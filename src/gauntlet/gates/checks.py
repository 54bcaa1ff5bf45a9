"""The built-in gates over findings: lint, types, security.  The gates over what the
tests show are in :mod:`gauntlet.gates.testing`, the gates over measurements in
:mod:`gauntlet.gates.measured`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.gates.inputs import Missing, NotRun
from gauntlet.gates.registry import (
    GateResult,
    GateStatus,
    findings_result,
    no_data,
    no_results,
    register,
)

if TYPE_CHECKING:
    from gauntlet.config.gates import GateSettings
    from gauntlet.gates.inputs import Inputs
    from gauntlet.results.findings import Finding


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
        return no_results("lint", "lint", "0 findings")
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
        return no_results("types", "mypy", "0 errors")
    if isinstance(inputs.types, Missing):
        return no_data("types", inputs.types, "0 errors")
    return findings_result("types", inputs.types, "0 errors", "types/mypy.json", "errors")


@register("security", "no bandit finding at or above the severity; no vulnerability; no secret")
def security_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """bandit, pip-audit and the secrets scan; "not audited" is its own outcome."""
    level = settings.bandit_severity
    threshold = f"0 bandit ≥ {level.value}, 0 vulnerabilities, 0 secrets"
    if inputs.bandit is None and inputs.audit is None and inputs.secrets is None:
        return no_results("security", "security", threshold)
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
