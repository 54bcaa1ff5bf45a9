"""An adopting project's ``nox -s tests``: gauntlet and the declared test dependencies installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import gauntlet

SOURCE = Path(gauntlet.__file__).parents[1]  # the src/ folder this gauntlet came from

NOXFILE = f"""import sys

sys.path.insert(0, {str(SOURCE)!r})  # the noxfile imports gauntlet from its source tree

from gauntlet.noxsessions import *  # noqa: F403
"""

PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "adopter"
version = "0.1.0"

{deps}

[tool.setuptools.packages.find]
where = ["src"]

[tool.gauntlet]
mojo-version = "1.2.0"
"""

GROUP = '[dependency-groups]\ntest = ["pytest>=8"]'
EXTRA = '[project.optional-dependencies]\ntest = ["pytest>=8"]'


def write_project(project: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")


def run_nox(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``nox ARGS`` in ``project``, as a user runs it: no PYTHONPATH, no active venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["GAUNTLET_MISSING_INTERPRETERS"] = "skip"
    return subprocess.run(
        [sys.executable, "-m", "nox", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("deps", "said"),
    [(GROUP, "[dependency-groups] test"), (EXTRA, "[project.optional-dependencies] test")],
)
def test_nox_tests_passes_in_an_adopting_project(tmp_path: Path, deps: str, said: str) -> None:
    project = tmp_path / "adopter"
    files = {
        "pyproject.toml": PYPROJECT.format(deps=deps),
        "noxfile.py": NOXFILE,
        "src/adopter/__init__.py": "def double(x: int) -> int:\n    return 2 * x\n",
        "tests/test_double.py": (
            "from adopter import double\n\n\ndef test_double():\n    assert double(2) == 4\n"
        ),
    }
    write_project(project, files)
    done = run_nox(project, "--no-error-on-missing-interpreters", "-s", "tests")
    said_all = done.stdout + done.stderr
    assert done.returncode == 0, said_all
    assert "No module named 'gauntlet'" not in said_all
    assert f"installing {said}" in said_all or f"with {said}" in said_all
    assert f"-e {SOURCE.parent}" in said_all  # gauntlet from the tree the noxfile imported
    results = project / ".gauntlet" / "results" / "python"
    assert (results / "coverage.json").is_file()  # python -m gauntlet.results.covcombine ran
    assert 'tests="1"' in next(results.glob("junit-python-*.xml")).read_text(encoding="utf-8")


@pytest.mark.slow
def test_nox_tests_in_a_project_without_python_tests_says_so_and_measures_nothing(
    tmp_path: Path,
) -> None:
    project = tmp_path / "mojo-only"
    files = {
        "pyproject.toml": PYPROJECT.format(deps=GROUP).replace(
            '[tool.setuptools.packages.find]\nwhere = ["src"]\n',
            "[tool.setuptools]\npackages = []\n",
        ),
        "noxfile.py": NOXFILE,
        "test/test_parse.mojo": "def main():\n    pass\n",  # Mojo tests only
    }
    write_project(project, files)
    done = run_nox(project, "--no-error-on-missing-interpreters", "-s", "tests")
    said_all = done.stdout + done.stderr
    assert done.returncode == 0, said_all  # pytest's "no tests collected" is not a failure
    assert "no Python tests were collected" in said_all
    assert "cannot combine coverage data" not in said_all
    results = project / ".gauntlet" / "results" / "python"
    assert not (results / "coverage.json").exists()  # no coverage claimed for nothing


@pytest.mark.slow
def test_typecheck_finds_its_targets_and_a_misused_mypy_leaves_no_clean_result(
    tmp_path: Path,
) -> None:
    project = tmp_path / "untyped"
    files = {
        "pyproject.toml": PYPROJECT.format(deps=""),
        "noxfile.py": NOXFILE,
        "src/adopter/__init__.py": "def double(x: int) -> int:\n    return 2 * x\n",
    }
    write_project(project, files)

    def typecheck() -> subprocess.CompletedProcess[str]:
        return run_nox(project, "-s", "typecheck")

    result = project / ".gauntlet" / "results" / "types" / "mypy.json"
    done = typecheck()  # no [tool.mypy] files: gauntlet names src itself
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mypy -O json src --exclude" in done.stdout + done.stderr
    assert result.is_file()

    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.mypy]\nfiles = ["missing/"]\n')
    done = typecheck()  # mypy exits 2: it could not check anything
    assert done.returncode != 0
    assert not result.exists()  # no empty file that would read as "0 errors"
    assert not list(result.parent.glob(".*partial"))
