"""The mojo-coverage gate, and the new-code gate over Python and Mojo coverage together."""

from __future__ import annotations

from pathlib import Path

from gauntlet.config.gates import GateSettings
from gauntlet.config.load import parse_config
from gauntlet.gates.collect import collect
from gauntlet.gates.inputs import Inputs, Missing
from gauntlet.gates.registry import GateStatus
from gauntlet.gates.testing import mojo_coverage_gate, new_code_gate
from gauntlet.results.coverage import Coverage, FileCoverage


def _cov(source: str, *files: tuple[str, set[int], set[int]]) -> Coverage:
    entries = tuple(FileCoverage(p, frozenset(ran), frozenset(miss)) for p, ran, miss in files)
    statements = sum(len(e.executed) + len(e.missing) for e in entries)
    return Coverage(source, statements, sum(len(e.executed) for e in entries), 0, 0, entries)


MOJO = _cov(
    "mojo/coverage.json",
    ("src/a.mojo", {1, 2, 3, 4}, {5}),
    ("src/b.mojo", {1}, {2, 3, 4}),
    ("src/c.mojo", {1, 2}, set()),
)
PYTHON = _cov("python/coverage.json", ("pkg/m.py", {1, 2}, set()))


def test_mojo_coverage_gate() -> None:
    gate = mojo_coverage_gate
    passed = gate(Inputs(mojo_coverage=MOJO), GateSettings(mojo_coverage_line=60))
    assert passed.status is GateStatus.PASSED
    assert passed.measured == "line 63.6% of 11 statements"
    failed = gate(Inputs(mojo_coverage=MOJO), GateSettings())
    assert failed.status is GateStatus.FAILED
    assert failed.message == (
        "Mojo line coverage 63.6% < 90%; least covered: src/b.mojo (25%), src/a.mojo (80%)"
    )
    assert failed.look == "mojo/coverage.json"


def test_never_passes_without_a_report() -> None:
    gate = mojo_coverage_gate
    absent = gate(Inputs(), GateSettings())
    assert absent.status is GateStatus.WARNED
    assert "not measured" in absent.message
    missing = Missing("doit (Mojo coverage)", "x/coverage.json", "the output of `doit coverage`")
    assert gate(Inputs(mojo_coverage=missing), GateSettings()).status is GateStatus.NO_DATA
    empty = gate(Inputs(mojo_coverage=_cov("m.json")), GateSettings())
    assert empty.status is GateStatus.WARNED
    assert empty.measured == "no Mojo statements"


def test_new_code_gate_judges_changed_mojo_lines() -> None:
    gate = new_code_gate
    changed = {"pkg/m.py": frozenset({1, 2}), "sample/src/b.mojo": frozenset({2, 3, 9})}
    both = gate(Inputs(coverage=PYTHON, mojo_coverage=MOJO, changed=changed), GateSettings())
    assert both.status is GateStatus.FAILED
    assert both.measured == "50.0% of 4 changed lines"
    assert both.message == "changed lines not run by any test: src/b.mojo:2, src/b.mojo:3"
    # Mojo coverage alone (a project without Python tests) is judged too
    alone = gate(Inputs(mojo_coverage=MOJO, changed=changed), GateSettings())
    assert alone.measured == "0.0% of 2 changed lines"
    # Without a Mojo report, the changed Mojo lines are said to be unmeasured
    python = gate(Inputs(coverage=PYTHON, changed=changed), GateSettings())
    assert python.status is GateStatus.PASSED
    assert python.measured == "100.0% of 2 changed lines; Mojo lines not measured"
    missing = Missing("doit (Mojo coverage)", "x/coverage.json", "doit coverage")
    broken = gate(Inputs(coverage=PYTHON, mojo_coverage=missing, changed=changed), GateSettings())
    assert broken.status is GateStatus.NO_DATA


def test_collect_expects_a_report_only_when_coverage_is_measured(tmp_path: Path) -> None:
    text = '[project]\nname = "p"\nversion = "0"\n\n[tool.gauntlet]\ninclude = ["."]\n'
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    config = parse_config(tmp_path / "pyproject.toml", text)
    assert collect(config, (), 0.0, {}).mojo_coverage is None
    expected = collect(config, (), 0.0, {"GAUNTLET_COVERAGE": "1"}).mojo_coverage
    assert isinstance(expected, Missing)
    assert "coverage/coverage.json" in expected.message
    configured = parse_config(
        tmp_path / "pyproject.toml", text + "\n[tool.gauntlet.coverage]\nci = true\n"
    )
    assert isinstance(collect(configured, (), 0.0, {}).mojo_coverage, Missing)


def test_a_missing_report_matters_only_for_the_language_that_changed() -> None:
    python_missing = Missing("coverage", "python/coverage.json", "nox -s tests")
    mojo_only = {"src/b.mojo": frozenset({2, 3})}
    judged = new_code_gate(
        Inputs(coverage=python_missing, mojo_coverage=MOJO, changed=mojo_only), GateSettings()
    )
    assert judged.status is GateStatus.FAILED
    assert judged.measured == "0.0% of 2 changed lines"
    both = {**mojo_only, "pkg/m.py": frozenset({1})}
    missing = new_code_gate(
        Inputs(coverage=python_missing, mojo_coverage=MOJO, changed=both), GateSettings()
    )
    assert missing.status is GateStatus.NO_DATA
