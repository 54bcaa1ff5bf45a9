"""One merged SARIF 2.1.0 log of every finding, for code scanning.

One run per tool (ruff, mypy, bandit, ...), each with the rules it
reported; file locations are made relative to the repository so code
scanning can place them.
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


def sarif_log(findings: Iterable[Finding], repo: Path) -> dict[str, Any]:
    """The SARIF 2.1.0 log (as JSON data) holding ``findings``, one run per tool."""
    by_tool: dict[str, list[Finding]] = {}
    for finding in findings:
        by_tool.setdefault(finding.tool, []).append(finding)
    runs = []
    for tool, found in sorted(by_tool.items()):
        rules = sorted({f.rule for f in found})
        driver: dict[str, Any] = {"name": tool, "rules": [{"id": rule} for rule in rules]}
        if tool in _INFO:
            driver["informationUri"] = _INFO[tool]
        runs.append(
            {
                "tool": {"driver": driver},
                "results": [_result(f, repo) for f in found],
                "columnKind": "unicodeCodePoints",
            }
        )
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs}


def write_sarif(path: Path, findings: Iterable[Finding], repo: Path) -> None:
    """Write the merged SARIF log (atomically)."""
    write_text_atomic(path, json.dumps(sarif_log(findings, repo), indent=1) + "\n")
