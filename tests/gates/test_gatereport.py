"""Reports of a verdict: Markdown, annotations, JUnit per gate, SARIF, and `gauntlet gates`."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gatedata import RUFF_ONE, audit_json, bandit_json, sarif_validator, write_results

from gauntlet.cli.main import main
from gauntlet.config.gates import GateSettings, Waiver
from gauntlet.gates.inputs import Inputs
from gauntlet.gates.report import github_annotations, markdown, write_gate_junit
from gauntlet.gates.verdict import evaluate
from gauntlet.results.findings import Finding, Severity
from gauntlet.results.sarif import relative_uri, sarif_log

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _no_machine_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads these from the environment; a CI machine may have set them."""
    for name in (
        "CI",
        "GAUNTLET_ALLOW_NOT_RUN",
        "GAUNTLET_MISSING_INTERPRETERS",
        "GAUNTLET_BASE",
        "GITHUB_ACTIONS",
        "GITHUB_STEP_SUMMARY",
    ):
        monkeypatch.delenv(name, raising=False)


def lint_failure(count: int) -> Inputs:
    found = tuple(
        Finding("ruff", "E501", f"line too long, {n}", f"src/m{n}.py", n + 1) for n in range(count)
    )
    return Inputs(lint=(found,), types=(), bandit=(), secrets=())


def test_markdown_names_the_failed_gate_and_lists_waivers() -> None:
    waiver = Waiver("security", "reviewed", dt.date(2027, 1, 1), "bandit:B404:*", "p.toml:9")
    verdict = evaluate(lint_failure(2), GateSettings(waivers=(waiver,)), TODAY)
    text = markdown(verdict)
    assert text.startswith("## Quality gates: FAILED: tests, coverage, new-code, lint")
    assert "| lint | ❌ failed | 2 findings | 0 findings |" in text
    assert "- **security** `bandit:B404:*`: reviewed (expires 2027-01-01, p.toml:9)" in text
    assert "- `src/m1.py:2` E501: line too long, 1" in text


def test_markdown_stays_under_the_step_summary_limit() -> None:
    verdict = evaluate(lint_failure(30_000), GateSettings(), TODAY)
    text = markdown(verdict)
    assert len(text.encode()) <= 1024 * 1024
    assert "more lines cut to stay under the limit" in text
    small = markdown(verdict, limit=4000)
    assert len(small.encode()) <= 4000


def test_annotations_show_the_first_ten_then_a_count() -> None:
    verdict = evaluate(
        lint_failure(25), GateSettings(disable=("tests", "coverage", "new-code")), TODAY
    )
    lines = github_annotations(verdict)
    assert len(lines) == 11
    assert lines[0] == "::error file=src/m0.py,line=1,title=gate lint::ruff E501: line too long, 0"
    assert lines[-1].startswith("::error title=gates::15 more problems not annotated")


def test_annotation_values_are_escaped() -> None:
    found = (Finding("mypy", "x", "50%\nbad", "a,b:c.py", 3),)
    verdict = evaluate(Inputs(types=found), GateSettings(disable=("tests",)), TODAY)
    line = next(ln for ln in github_annotations(verdict) if "mypy" in ln)
    assert line == "::error file=a%2Cb%3Ac.py,line=3,title=gate types::mypy x: 50%25%0Abad"


def test_junit_has_one_case_per_gate(tmp_path: Path) -> None:
    verdict = evaluate(lint_failure(1), GateSettings(), TODAY)
    path = tmp_path / "junit-gates.xml"
    write_gate_junit(path, verdict)
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == [r.gate for r in verdict.results]
    assert cases["lint"].find("failure") is not None
    assert cases["tests"].find("error") is not None  # no data
    assert cases["time"].find("failure") is None


def sample_log(tmp_path: Path) -> dict[str, object]:
    found = [
        Finding("ruff", "F401", "unused", str(tmp_path / "src" / "a.py"), 3),
        Finding("bandit", "B602", "shell", "src/b.py", 9, Severity.HIGH),
        Finding("pip-audit", "PYSEC-1", "rich 1.0 vulnerable"),
        Finding("bandit", "B404", "import", "src/c.py", None, Severity.LOW),
    ]
    return sarif_log(found, tmp_path)


def test_sarif_merges_every_tool_into_one_log(tmp_path: Path) -> None:
    log = sample_log(tmp_path)
    runs = log["runs"]
    assert isinstance(runs, list)
    assert [r["tool"]["driver"]["name"] for r in runs] == ["bandit", "pip-audit", "ruff"]
    ruff = runs[2]["results"][0]
    location = ruff["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "src/a.py"}, "region": {"startLine": 3}}
    assert relative_uri("/elsewhere/x.py", tmp_path) == "file:///elsewhere/x.py"


def test_sarif_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    validator = sarif_validator()
    log = sample_log(tmp_path)
    validator.validate(log)
    # The validator is strict enough to catch what code scanning would reject.
    runs = log["runs"]
    assert isinstance(runs, list)
    runs[0]["results"][0]["level"] = "fatal"
    del runs[1]["tool"]["driver"]["name"]
    problems = sorted(e.message for e in validator.iter_errors(log))
    assert problems == [
        "'fatal' is not one of ['none', 'note', 'warning', 'error']",
        "'name' is a required property",
    ]


def project(tmp_path: Path, extra: str = "") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nclassifiers = ["Programming Language :: Python :: 3.11"]\n'
        f"[tool.gauntlet]\n{extra}\n",
        encoding="utf-8",
    )
    results = tmp_path / ".gauntlet" / "results"
    write_results(results)
    (results / "junit-mojo.xml").write_text(
        '<testsuites><testsuite name="m"><testcase name="t"/></testsuite></testsuites>'
    )
    return tmp_path


def test_gauntlet_gates_passes_and_writes_every_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GAUNTLET_BASE", "no-such-ref")
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["--project", str(root), "gates"]) == 0
    out = capsys.readouterr().out
    assert "Quality gates" in out
    assert "All gates passed" in out
    gates = root / ".gauntlet" / "results" / "gates"
    assert json.loads((gates / "verdict.json").read_text())["passed"] is True
    # Every checker whose results are on disk has a run, with no results (not `runs: []`).
    runs = json.loads((gates / "gates.sarif").read_text())["runs"]
    assert {"ruff", "mypy", "bandit"} <= {r["tool"]["driver"]["name"] for r in runs}
    assert all(r["results"] == [] for r in runs)
    assert (gates / "junit-gates.xml").is_file()
    assert summary.read_text().startswith("## Quality gates: passed")


def test_gauntlet_gates_fails_naming_the_gate_with_annotations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    results = root / ".gauntlet" / "results"
    (results / "lint" / "ruff.json").write_text(RUFF_ONE)
    (results / "security" / "bandit.json").write_text(bandit_json("HIGH"))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GAUNTLET_BASE", "no-such-ref")
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["--project", str(root), "gates"]) == 1
    out = capsys.readouterr().out
    assert "Gates failed: lint, security" in out
    assert "::error file=/repo/src/pkg/a.py,line=1,title=gate lint::ruff F401" in out
    sarif = json.loads((results / "gates" / "gates.sarif").read_text())
    found = [r["tool"]["driver"]["name"] for r in sarif["runs"] if r["results"]]
    assert found == ["bandit", "ruff"]
    sarif_validator().validate(sarif)  # the merged file, as written for code scanning


def test_gauntlet_gates_config_errors_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, "[tool.gauntlet.gates]\ntime-budgte = 5")
    assert main(["--project", str(root), "gates"]) == 3
    assert "'time-budgte': unknown key (did you mean 'time-budget'?)" in capsys.readouterr().err
    root = project(tmp_path / "b")
    monkeypatch.setenv("GAUNTLET_MISSING_INTERPRETERS", "maybe")
    assert main(["--project", str(root), "gates"]) == 3


def test_gauntlet_gates_without_results_is_a_tool_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.gauntlet]\n")
    monkeypatch.setenv("GAUNTLET_MISSING_INTERPRETERS", "skip")
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["--project", str(tmp_path), "gates"]) == 2
    assert "no data" in capsys.readouterr().out


def test_a_machine_may_allow_tools_that_cannot_run_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path)
    results = root / ".gauntlet" / "results"
    (results / "security" / "pip-audit.json").write_text(audit_json(reachable=False))
    monkeypatch.setenv("GAUNTLET_BASE", "no-such-ref")
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["--project", str(root), "gates"]) == 1
    assert "Gates failed: security" in capsys.readouterr().out
    monkeypatch.setenv("GAUNTLET_ALLOW_NOT_RUN", "pip-audit, actionlint")
    assert main(["--project", str(root), "gates"]) == 0
    verdict = json.loads((results / "gates" / "verdict.json").read_text())
    security = next(g for g in verdict["gates"] if g["gate"] == "security")
    assert (security["status"], security["measured"]) == ("warned", "0 findings, not audited")
