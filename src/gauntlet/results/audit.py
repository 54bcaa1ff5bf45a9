"""pip-audit's JSON report: known vulnerabilities, and what could not be audited.

When pip-audit cannot reach its vulnerability service every dependency comes
back with a ``skip_reason`` instead of a ``vulns`` list.  That is "not
audited", which is never the same as "no known vulnerability".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.results.findings import Finding, Severity
from gauntlet.results.jsonfile import convert, load_json

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Audit:
    """What one pip-audit run found."""

    vulnerabilities: tuple[Finding, ...]
    audited: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (dependency, reason)

    @property
    def complete(self) -> bool:
        """Whether every dependency was audited."""
        return not self.skipped


def read_pip_audit(path: Path) -> Audit:
    """Read ``pip-audit -f json`` output; a malformed file raises ResultError naming it."""
    data = load_json(path)
    return convert(path, data, lambda d: _convert(d, str(path)), "a pip-audit JSON report")


def _convert(data: dict[str, Any], source: str) -> Audit:
    found: list[Finding] = []
    audited: list[str] = []
    skipped: list[tuple[str, str]] = []
    for dep in data["dependencies"]:
        name = f"{dep['name']}=={dep.get('version', '?')}"
        if "vulns" not in dep:
            skipped.append((str(dep["name"]), str(dep.get("skip_reason", "not audited"))))
            continue
        audited.append(name)
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
            found.append(
                Finding(
                    "pip-audit",
                    str(vuln["id"]),
                    f"{name}: {vuln['id']} (fixed in: {fixes})",
                    source,
                    None,
                    Severity.HIGH,
                )
            )
    return Audit(tuple(found), tuple(audited), tuple(skipped))
