"""The SARIF log against GitHub code scanning's documented requirements.

Each assertion cites the page that states the requirement:
[support] https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
[limits] https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gatedata import sarif_validator

from gauntlet.gates.inputs import Inputs, Missing, NotRun
from gauntlet.results.findings import Finding, Severity
from gauntlet.results.sarif import sarif_log

if TYPE_CHECKING:
    from pathlib import Path

RANGES = {"critical": (9.0, 10.0), "high": (7.0, 8.9), "medium": (4.0, 6.9), "low": (0.1, 3.9)}


def github_problems(log: dict[str, Any]) -> list[str]:  # noqa: PLR0912 - one check a rule
    """What code scanning would refuse or misread in ``log``."""
    problems = []
    if log.get("version") != "2.1.0":  # [support]: only SARIF 2.1.0
        problems.append("version")
    runs = log.get("runs")
    if not runs:  # an empty `runs` never closes old alerts, and was refused with HTTP 422
        problems.append("no runs")
        return problems
    if len(runs) > 20:  # [limits]: runs per file 20
        problems.append("more than 20 runs")
    categories = [r.get("automationDetails", {}).get("id") for r in runs]
    if None in categories or len(set(categories)) != len(categories):
        problems.append("each run needs its own automationDetails.id")  # [support]: runObject
    for run in runs:
        driver = run["tool"]["driver"]
        if not driver.get("name"):  # [support]: toolComponent `name` required
            problems.append("driver name")
        if len(run["results"]) > 25_000 or len(driver.get("rules", [])) > 25_000:  # [limits]
            problems.append("too many results or rules")
        for rule in driver.get("rules", []):
            props = rule.get("properties", {})
            if len(props.get("tags", [])) > 20:  # [limits]: tags per rule 20
                problems.append("tags")
            if "security-severity" in props:
                # [support]: reportingDescriptor `security-severity`: a number 0.0-10.0
                # given as a string; critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9
                value = props["security-severity"]
                if not isinstance(value, str) or not 0.0 < float(value) <= 10.0:
                    problems.append(f"security-severity {value!r}")
        for result in run["results"]:
            # [support]: result `message.text` required; `ruleId`; level one of four
            if not result.get("message", {}).get("text") or not result.get("ruleId"):
                problems.append("result message or ruleId")
            if result.get("level") not in ("error", "warning", "note", "none"):
                problems.append("level")
            for location in result.get("locations", []):
                uri = location["physicalLocation"]["artifactLocation"]["uri"]
                if uri.startswith("/"):  # [support]: relative to the repository root
                    problems.append(f"absolute uri {uri}")
    return problems


def test_a_clean_run_has_one_empty_run_per_tool_that_ran(tmp_path: Path) -> None:
    inputs = Inputs(
        lint=(
            (),
            Missing("ruff format", "lint/ruff-format.json", "lint.log"),
            (),
            NotRun("actionlint", "not installed"),
            (),
        ),
        types=(),
        bandit=(),
        secrets=None,
    )
    assert inputs.tools_ran == ("ruff", "mojo format", "import-linter", "mypy", "bandit")
    log = sarif_log((), tmp_path, inputs.tools_ran)
    sarif_validator().validate(log)
    assert github_problems(log) == []
    runs = log["runs"]
    assert [r["tool"]["driver"]["name"] for r in runs] == [
        "bandit",
        "import-linter",
        "mojo-format",
        "mypy",
        "ruff",
    ]
    assert all(r["results"] == [] for r in runs)
    assert [r["automationDetails"]["id"] for r in runs][:2] == [
        "gauntlet/bandit/",
        "gauntlet/import-linter/",
    ]
    # The category is stable: the same tools give the same ids on every run.
    assert sarif_log((), tmp_path, reversed(inputs.tools_ran)) == log


def test_security_rules_carry_a_security_severity_in_githubs_ranges(tmp_path: Path) -> None:
    found = [
        Finding("bandit", "B602", "shell", "src/b.py", 9, Severity.HIGH),
        Finding("bandit", "B404", "import", "src/c.py", None, Severity.LOW),
        Finding("bandit", "B404", "import", "src/d.py", 2, Severity.MEDIUM),
        Finding("pip-audit", "PYSEC-1", "rich 1.0 vulnerable"),
        Finding("detect-secrets", "Secret Keyword", "a secret", "src/e.py", 1),
        Finding("ruff", "F401", "unused", str(tmp_path / "src" / "a.py"), 3),
    ]
    log = sarif_log(found, tmp_path, ("ruff", "bandit", "pip-audit", "detect-secrets", "mypy"))
    sarif_validator().validate(log)
    assert github_problems(log) == []
    rules = {
        (r["tool"]["driver"]["name"], rule["id"]): rule
        for r in log["runs"]
        for rule in r["tool"]["driver"]["rules"]
    }

    def level(tool: str, rule: str) -> str:
        value = float(rules[tool, rule]["properties"]["security-severity"])
        return next(name for name, (low, high) in RANGES.items() if low <= value <= high)

    assert level("bandit", "B602") == "high"
    assert level("bandit", "B404") == "medium"  # the worst of its findings
    assert level("pip-audit", "PYSEC-1") == "high"
    assert level("detect-secrets", "Secret Keyword") == "high"
    assert rules["bandit", "B602"]["properties"]["tags"] == ["security"]
    assert "properties" not in rules["ruff", "F401"]  # not a security rule
    assert [r["tool"]["driver"]["name"] for r in log["runs"]][1] == "detect-secrets"
    mypy = next(r for r in log["runs"] if r["tool"]["driver"]["name"] == "mypy")
    assert mypy["results"] == []


def test_the_checker_flags_what_github_refuses(tmp_path: Path) -> None:
    assert github_problems({"version": "2.1.0", "runs": []}) == ["no runs"]
    log = sarif_log([Finding("bandit", "B1", "x", "a.py", 1)], tmp_path, ("bandit",))
    log["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["security-severity"] = 8.0
    del log["runs"][0]["automationDetails"]
    assert github_problems(log) == [
        "each run needs its own automationDetails.id",
        "security-severity 8.0",
    ]
