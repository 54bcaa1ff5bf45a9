"""Result files as the real tools write them, for gate tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema

JUNIT_OK = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="0" failures="0"
 skipped="1" tests="3" time="0.1"><testcase classname="tests.test_a" name="test_one" time="0.001"/>
<testcase classname="tests.test_a" name="test_two" time="0.001"/>
<testcase classname="tests.test_a" name="test_skip" time="0.0"><skipped message="no"/></testcase>
</testsuite></testsuites>
"""

JUNIT_FAIL = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="0" tests="2">
<testcase classname="tests.test_b" name="test_ok" time="0.001"/>
<testcase classname="tests.test_b" name="test_bad" file="tests/test_b.py" line="7" time="0.1">
<failure message="assert 1 == 2">tests/test_b.py:8: AssertionError</failure></testcase>
</testsuite></testsuites>
"""


def coverage_json(
    files: dict[str, tuple[list[int], list[int]]], *, branches: tuple[int, int] = (10, 9)
) -> str:
    """A coverage.py JSON report (format 3) with executed and missing lines per file."""
    statements = sum(len(e) + len(m) for e, m in files.values())
    covered = sum(len(e) for e, _ in files.values())
    return json.dumps(
        {
            "meta": {"format": 3, "version": "7.6.0", "branch_coverage": True},
            "files": {
                name: {
                    "executed_lines": executed,
                    "missing_lines": missing,
                    "excluded_lines": [],
                    "summary": {"num_statements": len(executed) + len(missing)},
                }
                for name, (executed, missing) in files.items()
            },
            "totals": {
                "covered_lines": covered,
                "num_statements": statements,
                "percent_covered": 100.0 * covered / statements if statements else 100.0,
                "missing_lines": statements - covered,
                "excluded_lines": 0,
                "num_branches": branches[0],
                "covered_branches": branches[1],
                "missing_branches": branches[0] - branches[1],
                "num_partial_branches": 0,
            },
        }
    )


RUFF_ONE = json.dumps(
    [
        {
            "cell": None,
            "code": "F401",
            "filename": "/repo/src/pkg/a.py",
            "location": {"column": 8, "row": 1},
            "end_location": {"column": 10, "row": 1},
            "message": "`os` imported but unused",
            "name": "unused-import",
            "noqa_row": 1,
            "severity": "error",
            "url": "https://docs.astral.sh/ruff/rules/unused-import",
            "fix": None,
        }
    ]
)

MYPY_ONE = (
    '{"file": "src/pkg/b.py", "line": 3, "column": 9, "message": "Incompatible types", '
    '"hint": null, "code": "assignment", "severity": "error"}\n'
    '{"file": "src/pkg/b.py", "line": 3, "column": 9, "message": "see docs", '
    '"hint": null, "code": null, "severity": "note"}\n'
)


def bandit_json(*severities: str) -> str:
    """A bandit JSON report with one finding per severity given."""
    return json.dumps(
        {
            "errors": [],
            "results": [
                {
                    "filename": "src/pkg/c.py",
                    "line_number": 10 + n,
                    "issue_severity": sev,
                    "issue_confidence": "HIGH",
                    "issue_text": f"finding {n}",
                    "test_id": "B602" if sev == "HIGH" else "B404",
                    "test_name": "subprocess_popen_with_shell_equals_true",
                }
                for n, sev in enumerate(severities)
            ],
            "metrics": {},
        }
    )


def secrets_json(count: int = 0) -> str:
    """A detect-secrets scan result with ``count`` secrets in one file."""
    items = [
        {"type": "AWS Access Key", "filename": "conf.py", "hashed_secret": "x", "line_number": n}
        for n in range(1, count + 1)
    ]
    return json.dumps({"version": "1.5.0", "results": {"conf.py": items} if items else {}})


def audit_json(*, reachable: bool = True, vulnerable: bool = False) -> str:
    """pip-audit JSON: audited dependencies, or every one skipped as when offline."""
    deps: list[dict[str, object]]
    if not reachable:
        deps = [
            {"name": "rich", "skip_reason": "Dependency not found on PyPI and could not be audited"}
        ]
    else:
        vulns = (
            [{"id": "PYSEC-2024-1", "fix_versions": ["13.1"], "aliases": [], "description": "x"}]
            if vulnerable
            else []
        )
        deps = [{"name": "rich", "version": "13.0", "vulns": vulns}]
    return json.dumps({"dependencies": deps, "fixes": []})


def write_results(out: Path, overrides: Mapping[str, str | None] | None = None) -> Path:
    """A complete, passing results directory; a ``None`` override leaves that file out."""
    files: dict[str, str | None] = {
        "python/junit-python-3.11.xml": JUNIT_OK,
        "python/coverage.json": coverage_json({"src/pkg/a.py": (list(range(1, 20)), [20])}),
        "lint/ruff.json": "[]",
        "lint/ruff-format.json": "[]",
        "lint/mojo-format.json": json.dumps({"schema_version": 1, "findings": []}),
        "lint/import-linter.json": json.dumps({"schema_version": 1, "findings": []}),
        "lint/actionlint.json": "[]",
        "types/mypy.json": "",
        "security/bandit.json": bandit_json("LOW"),
        "security/secrets.json": secrets_json(),
        "security/pip-audit.json": audit_json(),
    }
    files.update(overrides or {})
    for rel, text in files.items():
        path = out / rel
        if text is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out


SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"  # see data/README.md


def sarif_validator() -> Any:
    """A validator of the SARIF 2.1.0 schema, of the JSON Schema draft the schema declares."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)
