"""One merged SARIF 2.1.0 log of every finding, for code scanning.

One run per tool that ran (ruff, mypy, bandit, ...), each with the rules it
reported; file locations are made relative to the repository so code
scanning can place them.  Fit for GitHub code scanning
(https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):

* a tool that ran with no findings still gets a run with no results: code
  scanning closes a tool's alerts only when an upload for its category has
  none, and an upload with ``runs: []`` has been refused (HTTP 422);
* each run has a stable ``automationDetails.id`` (``gauntlet/TOOL/``: the
  category, with no run-specific part), so runs of different tools and of
  different days are told apart and matched;
* rules of security tools carry ``properties.security-severity``, a number as
  a string, in GitHub's ranges (critical > 9.0, high 7.0-8.9, medium
  4.0-6.9, low 0.1-3.9), and the ``security`` tag.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_text_atomic
from gauntlet.results.findings import Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gauntlet.results.findings import Finding

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.LOW: "note", Severity.MEDIUM: "warning", Severity.HIGH: "error"}
_INFO = {
    "ruff": "https://docs.astral.sh/ruff/",
    "ruff-format": "https://docs.astral.sh/ruff/formatter/",
    "mypy": "https://mypy.readthedocs.io/",
    "bandit": "https://bandit.readthedocs.io/",
    "pip-audit": "https://github.com/pypa/pip-audit",
    "detect-secrets": "https://github.com/Yelp/detect-secrets",  # pragma: allowlist secret
    "actionlint": "https://github.com/rhysd/actionlint",
}
SECURITY_TOOLS = frozenset({"bandit", "pip-audit", "detect-secrets"})
# The middle of GitHub's range for each level: high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
SECURITY_SEVERITY = {Severity.LOW: "2.0", Severity.MEDIUM: "5.5", Severity.HIGH: "8.0"}
_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2}


def tool_id(name: str) -> str:
    """The name a tool has in SARIF and its category (``ruff format`` is ``ruff-format``)."""
    return "-".join(name.split())


def category(tool: str) -> str:
    """The stable ``automationDetails.id`` of ``tool``'s run (its code scanning category)."""
    return f"gauntlet/{tool_id(tool)}/"


def relative_uri(file: str, repo: Path) -> str:
    """``file`` as a POSIX path relative to ``repo`` when it lies inside it."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(repo.resolve())
        except ValueError:
            return path.as_uri()
    return PurePosixPath(*path.parts).as_posix()


def _result(finding: Finding, repo: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
    }
    if finding.file:
        location: dict[str, Any] = {"artifactLocation": {"uri": relative_uri(finding.file, repo)}}
        if finding.line and finding.line >= 1:
            location["region"] = {"startLine": finding.line}
        result["locations"] = [{"physicalLocation": location}]
    return result


def _rule(tool: str, rule: str, found: list[Finding]) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"id": rule}
    if tool in SECURITY_TOOLS:
        worst = max((f.severity for f in found if f.rule == rule), key=_RANK.__getitem__)
        descriptor["properties"] = {
            "security-severity": SECURITY_SEVERITY[worst],
            "tags": ["security"],
        }
    return descriptor


def sarif_log(findings: Iterable[Finding], repo: Path, tools: Iterable[str] = ()) -> dict[str, Any]:
    """The SARIF 2.1.0 log (as JSON data) holding ``findings``, one run per tool.

    ``tools`` names every tool that ran: each gets a run, with no results when
    it found nothing.
    """
    by_tool: dict[str, list[Finding]] = {tool_id(t): [] for t in tools}
    for finding in findings:
        by_tool.setdefault(tool_id(finding.tool), []).append(finding)
    runs = []
    for tool, found in sorted(by_tool.items()):
        rules = sorted({f.rule for f in found})
        driver: dict[str, Any] = {
            "name": tool,
            "rules": [_rule(tool, rule, found) for rule in rules],
        }
        if tool in _INFO:
            driver["informationUri"] = _INFO[tool]
        runs.append(
            {
                "tool": {"driver": driver},
                "automationDetails": {"id": category(tool)},
                "results": [_result(f, repo) for f in found],
                "columnKind": "unicodeCodePoints",
            }
        )
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs}


def write_sarif(
    path: Path, findings: Iterable[Finding], repo: Path, tools: Iterable[str] = ()
) -> None:
    """Write the merged SARIF log (atomically); ``tools``: every tool that ran."""
    write_text_atomic(path, json.dumps(sarif_log(findings, repo, tools), indent=1) + "\n")
