"""Coverage over the Python matrix: per-version data files, combined into one report."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gauntlet.errors import ResultError
from gauntlet.results.covcombine import combine, data_file, data_files, main
from gauntlet.results.coverage import read_coverage

PROJECT = {
    "pyproject.toml": '[tool.coverage.run]\nsource = ["pkg"]\nbranch = true\nparallel = true\n',
    "pkg/__init__.py": (
        "def sign(value: int) -> str:\n"
        "    if value >= 0:\n"
        "        return 'plus'\n"
        "    return 'minus'\n"
    ),
    "test_sign.py": (
        "import os\n\nfrom pkg import sign\n\n\n"
        "def test_sign() -> None:\n"
        "    value = int(os.environ['VALUE'])\n"
        "    assert sign(value) == ('plus' if value >= 0 else 'minus')\n"
    ),
}


COV = ("--cov", "--cov-branch", "--cov-report=")


def run_tests(root: Path, version: str, value: int) -> None:
    """One leg of the matrix, as the tests session runs it: pytest-cov into its own data file."""
    results = root / "results"
    env = dict(os.environ, COVERAGE_FILE=str(data_file(results, version)), VALUE=str(value))
    env.pop("COV_CORE_SOURCE", None)  # this suite's own coverage must not leak into the child
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *COV, "test_sign.py"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for rel, text in PROJECT.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    (tmp_path / "results").mkdir()
    return tmp_path


def test_the_combined_report_is_the_union_of_the_versions(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = project / "results"
    rcfile = project / "pyproject.toml"
    run_tests(project, "3.12", 5)  # runs the 'plus' branch only
    assert combine(results, rcfile) == ["3.12"]
    alone = read_coverage(results / "coverage.json")
    assert (alone.statements, alone.covered_lines) == (4, 3)  # "def" runs too
    assert (alone.branches, alone.covered_branches) == (2, 1)

    run_tests(project, "3.10", -5)  # the 'minus' branch only
    assert [p.name for p in data_files(results)] == [".coverage.py3.10", ".coverage.py3.12"]
    assert main([str(results), str(rcfile)]) == 0
    assert "coverage combined over Python 3.10, 3.12" in capsys.readouterr().out
    union = read_coverage(results / "coverage.json")
    assert (union.statements, union.covered_lines) == (4, 4)
    assert (union.branches, union.covered_branches) == (2, 2)
    assert (union.line_percent, union.branch_percent) == (100.0, 100.0)
    cobertura = ET.parse(results / "coverage.xml").getroot()
    assert (cobertura.get("line-rate"), cobertura.get("branch-rate")) == ("1", "1")
    assert [p.name for p in data_files(results)] == [".coverage.py3.10", ".coverage.py3.12"]


def test_nothing_to_combine_is_an_error_naming_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ResultError, match=r"no coverage data \(\.coverage\.pyX\.Y\)"):
        combine(tmp_path)
    assert main([str(tmp_path)]) == 2
    assert f"gauntlet: error: {tmp_path}: no coverage data" in capsys.readouterr().err


def test_a_corrupt_data_file_is_an_error_naming_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = project / "results"
    data_file(results, "3.11").write_text("not a database", encoding="utf-8")
    assert main([str(results), str(project / "pyproject.toml")]) == 2
    err = capsys.readouterr().err
    assert "cannot combine coverage data" in err
    assert ".coverage.py3.11" in err
    assert not (results / "coverage.json").exists()
