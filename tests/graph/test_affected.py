"""The affected-test selection on a generated project: real git, real pytest runs.

Each test records a test map with a full pytest run (per-test coverage
contexts and the plugin's outcomes), changes the project, and runs pytest
again the way ``nox -s tests -- --affected`` does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import gauntlet
from gauntlet.adapters.noxsteps import affected_wanted
from gauntlet.adapters.pytest_affected import is_python
from gauntlet.graph import affected as aff  # its TestMap and TestEntry are not tests
from gauntlet.graph import affectmap
from gauntlet.graph.affected import RECORD, SELECT
from gauntlet.graph.affectmap import digest

SRC = str(Path(gauntlet.__file__).parents[1])
PYPROJECT = """[project]
name = "demo"
version = "0"

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.coverage.run]
source = ["demo"]
branch = true
"""
ALPHA = "LIMIT = 10\n\n\ndef double(x):\n    return 2 * x\n"
BETA = "def triple(x):\n    return 3 * x\n"
TEST_ALPHA = (
    "from demo.alpha import LIMIT, double\n\n\ndef test_double():\n    assert double(2) == 4\n\n\n"
    "def test_limit():\n    assert LIMIT == 10\n"
)
TEST_BETA = "from demo.beta import triple\n\n\ndef test_triple():\n    assert triple(2) == 6\n"
MAP = ".gauntlet/test-map/py.json"
ALPHA_TESTS = ["tests/test_alpha.py::test_double", "tests/test_alpha.py::test_limit"]


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=a@b", "-c", "user.name=a", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A git repository (on a feature branch) with two modules and their tests."""
    return make_demo(tmp_path / "demo")


@pytest.fixture(scope="module")
def recorded_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:func:`demo` after a full run that recorded its test map (made once)."""
    root = make_demo(tmp_path_factory.mktemp("recorded") / "demo")
    full_run(root)
    return root


@pytest.fixture
def recorded(recorded_once: Path, tmp_path: Path) -> Path:
    """A copy of :func:`recorded_once` (git folder and test map included) to change."""
    return Path(shutil.copytree(recorded_once, tmp_path / "demo"))


def make_demo(root: Path) -> Path:
    files = {
        "pyproject.toml": PYPROJECT,
        ".gitignore": "__pycache__/\n.coverage*\n",  # .gauntlet/ left out on purpose
        "src/demo/__init__.py": "",
        "src/demo/alpha.py": ALPHA,
        "src/demo/beta.py": BETA,
        "tests/test_alpha.py": TEST_ALPHA,
        "tests/test_beta.py": TEST_BETA,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    return root


def pytest_run(root: Path, env: dict[str, str], *args: str) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GAUNTLET_", "COV"))}
    environ |= {"PYTHONPATH": f"{root / 'src'}{os.pathsep}{SRC}", **env}
    for name in ("GITHUB_REF_NAME", "CI_COMMIT_BRANCH"):
        environ.pop(name, None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "gauntlet.adapters.pytest_affected",
            "--cov",
            *args,
        ],
        cwd=root,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def full_run(root: Path) -> Path:
    """A full run that records the test map, as ``nox -s tests`` does; the map's path."""
    data, outcomes = root / ".gauntlet" / ".coverage", root / ".gauntlet" / "outcomes.json"
    pytest_run(root, {"COVERAGE_FILE": str(data), RECORD: str(outcomes)}, "--cov-context=test")
    test_map = root / MAP
    assert affectmap.main(["record", str(root), str(test_map), str(data), str(outcomes)]) == 0
    return test_map


@pytest.fixture(autouse=True)
def _feature_branch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever branch CI is on, these runs are on a feature branch."""
    monkeypatch.setenv("GITHUB_REF_NAME", "feature")


def affected_run(root: Path, test_map: Path) -> dict[str, Any]:
    """An affected run, as ``nox -s tests -- --affected`` does; its ``affected.json``."""
    choice = root / ".gauntlet" / "affected.json"
    assert affectmap.main(["select", str(root), str(test_map), str(choice)]) == 0
    pytest_run(root, {"COVERAGE_FILE": str(root / ".gauntlet" / ".cov2"), SELECT: str(choice)})
    data: dict[str, Any] = json.loads(choice.read_text(encoding="utf-8"))
    return data


@pytest.mark.slow  # two pytest runs with coverage: seconds
def test_a_full_run_records_which_test_ran_which_file(demo: Path) -> None:
    recorded = json.loads(full_run(demo).read_text(encoding="utf-8"))
    measured = recorded["measured"]
    files = {name: [measured[i] for i in row[1]] for name, row in recorded["tests"].items()}
    assert files["tests/test_alpha.py::test_double"] == ["src/demo/alpha.py"]
    assert files["tests/test_beta.py::test_triple"] == ["src/demo/beta.py"]
    assert recorded["files"]["src/demo/alpha.py"]  # every file's digest at that time
    assert recorded["python"] == sys.version


@pytest.mark.slow  # two pytest runs with coverage: seconds
def test_editing_a_function_body_selects_exactly_the_tests_that_ran_it(recorded: Path) -> None:
    demo, test_map = recorded, recorded / MAP
    (demo / "src/demo/beta.py").write_text(BETA.replace("3 * x", "x * 3"), encoding="utf-8")
    chosen = affected_run(demo, test_map)
    assert chosen["everything"] is False
    assert chosen["selected"] == ["tests/test_beta.py::test_triple"]
    assert chosen["changed_files"] == ["src/demo/beta.py"]
    assert chosen["tests_by_changed_module"] == {
        "src/demo/beta.py": ["tests/test_beta.py::test_triple"]
    }
    assert sorted(chosen["unaffected"]) == ALPHA_TESTS


@pytest.mark.slow  # two pytest runs with coverage: seconds
def test_a_change_outside_function_bodies_selects_every_importer(recorded: Path) -> None:
    demo, test_map = (
        recorded,
        recorded / MAP,
    )  # test_limit runs no line of alpha.py: it reads a constant
    (demo / "src/demo/alpha.py").write_text(ALPHA + "\nOTHER = 1\n", encoding="utf-8")
    chosen = affected_run(demo, test_map)
    assert chosen["selected"] == ALPHA_TESTS
    assert chosen["tests_by_changed_module"] == {"src/demo/alpha.py": ALPHA_TESTS}


@pytest.mark.slow  # two pytest runs with coverage: seconds
def test_a_new_test_file_is_selected(recorded: Path) -> None:
    demo, test_map = recorded, recorded / MAP
    (demo / "tests/test_gamma.py").write_text("def test_new():\n    assert True\n")
    chosen = affected_run(demo, test_map)
    assert chosen["selected"] == ["tests/test_gamma.py::test_new"]
    assert chosen["changed_test_files"] == ["tests/test_gamma.py"]


@pytest.mark.slow  # two pytest runs with coverage: seconds
@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("pyproject.toml", PYPROJECT + "\n# changed\n", "pyproject.toml changed"),
        ("tests/conftest.py", "X = 1\n", "tests/conftest.py changed"),
        ("tests/data.txt", "input\n", "non-Python file"),
    ],
)
def test_a_change_no_test_can_be_credited_with_runs_everything(
    recorded: Path, name: str, text: str, reason: str
) -> None:
    demo, test_map = recorded, recorded / MAP
    (demo / name).write_text(text, encoding="utf-8")
    chosen = affected_run(demo, test_map)
    assert chosen["everything"] is True
    assert reason in chosen["reason"]
    assert len(chosen["selected"]) == 3


@pytest.mark.slow  # two pytest runs with coverage: seconds
def test_without_a_test_map_everything_runs(demo: Path) -> None:
    chosen = affected_run(demo, demo / ".gauntlet" / "test-map" / "py.json")
    assert chosen["everything"] is True
    assert "no test map" in chosen["reason"]
    assert len(chosen["selected"]) == 3


@pytest.mark.slow  # two pytest runs with coverage: seconds
@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("python", "3.9.0 (other)", "made with Python 3.9.0"),
        ("tools", "0000", "other installed distributions"),
        ("schema_version", 0, "cannot be read"),
    ],
)
def test_a_map_of_another_interpreter_or_tool_set_runs_everything(
    recorded: Path, field: str, value: object, reason: str
) -> None:
    demo, test_map = recorded, recorded / MAP
    made = json.loads(test_map.read_text(encoding="utf-8"))
    test_map.write_text(json.dumps({**made, field: value}), encoding="utf-8")
    (demo / "src/demo/beta.py").write_text(BETA.replace("3 * x", "x * 3"), encoding="utf-8")
    chosen = affected_run(demo, test_map)
    assert chosen["everything"] is True
    assert reason in chosen["reason"]
    assert len(chosen["selected"]) == 3


@pytest.mark.slow  # two pytest runs with coverage: seconds
def test_on_the_main_branch_everything_runs(recorded: Path) -> None:
    demo, test_map = recorded, recorded / MAP
    git(demo, "checkout", "-q", "main")
    chosen = affectmap.choose(demo, test_map, env={})
    assert chosen.everything is True
    assert "main branch" in chosen.reason


@pytest.mark.slow  # two pytest runs with coverage: seconds
def test_subprocesses_are_credited_to_their_test_unless_they_cannot_be_measured(
    demo: Path,
) -> None:
    (demo / "tests/test_cli.py").write_text(
        "import os, subprocess, sys\n\n\n"
        "def test_cli():\n"  # measured: what the subprocess runs is credited to it
        "    code = 'from demo.beta import triple; assert triple(1) == 3'\n"
        "    subprocess.run([sys.executable, '-c', code], check=True)\n\n\n"
        "def test_bare():\n"  # an environment built from nothing: cannot be measured
        "    env = {'PATH': os.environ['PATH']}\n"
        "    subprocess.run([sys.executable, '-c', 'pass'], env=env, check=True)\n"
    )
    test_map = full_run(demo)
    (demo / "src/demo/beta.py").write_text(BETA.replace("3 * x", "x * 3"), encoding="utf-8")
    chosen = affected_run(demo, test_map)
    assert chosen["selected"] == [
        "tests/test_beta.py::test_triple",
        "tests/test_cli.py::test_cli",
        "tests/test_cli.py::test_bare",
    ]
    git(demo, "checkout", "--", "src/demo/beta.py")
    (demo / "src/demo/alpha.py").write_text(ALPHA.replace("2 * x", "x * 2"), encoding="utf-8")
    chosen = affected_run(demo, test_map)
    assert chosen["selected"] == [
        "tests/test_alpha.py::test_double",
        "tests/test_cli.py::test_bare",
    ]


def test_the_option_and_the_environment_ask_for_an_affected_run() -> None:
    assert affected_wanted(["--affected", "-x"], {}) is True
    assert affected_wanted([], {"GAUNTLET_AFFECTED": "1"}) is True
    assert affected_wanted(["-x"], {"GAUNTLET_AFFECTED": "0"}) is False
    assert is_python([sys.executable, "-c", "pass"]) is True
    assert is_python(["git", "status"]) is False


def hand_map(root: Path, **tests: tuple[str, tuple[str, ...]]) -> aff.TestMap:
    """A test map of the files under ``root`` as they are now."""
    files = {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}
    modules = {
        n: aff.Module(aff.skeleton(p.read_bytes()), n.endswith("loaded.py"))
        for n, p in files.items()
        if n.startswith("src/")
    }
    return aff.TestMap(
        "py",
        "tools",
        "r1",
        "c1",
        {n: digest(p) for n, p in files.items()},
        {f"tests/test_{name}.py::t": aff.TestEntry(o, f) for name, (o, f) in tests.items()},
        modules,
        {"tests/test_b.py": ("src/a.py",)},
    )


@pytest.mark.parametrize(
    ("change", "unaffected", "everything"),
    [
        ("edit src/a.py body", {"tests/test_b.py::t", "tests/test_c.py::t"}, ""),
        ("delete src/a.py", {"tests/test_c.py::t"}, ""),  # test_b imports it: it runs
        ("edit src/loaded.py body", {"tests/test_b.py::t"}, ""),  # ran at import: importers
        ("new src/new.py", {"tests/test_a.py::t", "tests/test_b.py::t", "tests/test_c.py::t"}, ""),
        ("edit helper.py", set(), "helper.py changed: no recorded test executed it"),
        ("edit README.md", set(), "README.md changed: no test map attributes a non-Python"),
    ],
)
def test_the_selection_rules(
    tmp_path: Path, change: str, unaffected: set[str], everything: str
) -> None:
    for name in ("src/a.py", "src/loaded.py", "helper.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("def f():\n    return 1\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("x\n", encoding="utf-8")
    old = hand_map(
        tmp_path,
        a=("passed", ("src/a.py",)),
        b=("passed", ()),
        c=("passed", ("src/loaded.py",)),
        d=("failed", ()),
    )
    old = replace(
        old, imports={"tests/test_b.py": ("src/a.py",), "tests/test_a.py": ("src/loaded.py",)}
    )
    verb, name, *_ = change.split()
    if verb == "delete":
        (tmp_path / name).unlink()
    elif verb == "new":
        (tmp_path / name).write_text("X = 1\n", encoding="utf-8")
    elif name.endswith(".py"):
        (tmp_path / name).write_text("def f():\n    return 2\n", encoding="utf-8")
    else:
        (tmp_path / name).write_text("y\n", encoding="utf-8")
    now = {
        p.relative_to(tmp_path).as_posix(): digest(p) for p in tmp_path.rglob("*") if p.is_file()
    }
    chosen = aff.select(old, now, "py", "tools", tmp_path)
    assert chosen.reason.startswith(everything) if everything else not chosen.everything
    assert chosen.unaffected == unaffected  # the failed test d always runs again
