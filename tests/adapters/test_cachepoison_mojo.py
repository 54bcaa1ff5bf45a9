"""A poisoned build cache on a real Mojo project: damaged files are rebuilt, nothing else."""

from __future__ import annotations

import importlib
import json
import textwrap
from typing import TYPE_CHECKING, Any

import pytest
from conftest import SUITE_MAIN, WriteTree, enter_project
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

from gauntlet.results.records import Status, read_result

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.run import toolchain

pytestmark = pytest.mark.slow


def _suite(body: str) -> str:
    return textwrap.dedent(body).lstrip() + SUITE_MAIN


PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\ntimeout = 60\n",
    "src/mathx/__init__.mojo": "from .core import add\n",
    "src/mathx/core.mojo": "def add(a: Int, b: Int) -> Int:\n    return a + b\n",
    "src/mathx/extra.mojo": "def triple(a: Int) -> Int:\n    return 3 * a\n",
    "tests/test_add.mojo": _suite("""
        from std.testing import assert_equal, TestSuite
        from mathx.core import add


        def test_add() raises:
            assert_equal(add(2, 3), 5)
    """),
    "tests/test_extra.mojo": _suite("""
        from std.testing import assert_equal, TestSuite
        from mathx.extra import triple


        def test_triple() raises:
            assert_equal(triple(3), 9)
    """),
    "tests/test_both.mojo": _suite("""
        from std.testing import assert_equal, TestSuite
        from mathx import add
        from mathx.extra import triple


        def test_both() raises:
            assert_equal(add(triple(1), 1), 4)
    """),
}


@pytest.fixture
def project(
    write_tree: WriteTree, mojo: toolchain.Toolchain, monkeypatch: pytest.MonkeyPatch
) -> Path:
    return enter_project(write_tree, PROJECT, monkeypatch)


def run_doit(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """Run doit in this process on the project in the working directory."""
    import gauntlet.dodo

    code = DoitMain(ModuleTaskLoader(importlib.reload(gauntlet.dodo))).run(list(args))
    record = json.loads((root / ".gauntlet/runs/last-doit-run.json").read_text(encoding="utf-8"))
    return code, record


def executed(record: dict[str, Any]) -> set[str]:
    return {t["name"] for t in record["tasks"] if t["status"] == "executed"}


def truncate(path: Path) -> None:
    size = path.stat().st_size
    assert size > 100
    with path.open("r+b") as handle:
        handle.truncate(size // 2)


def test_truncated_package_binary_and_result_are_redone_exactly(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build = project / ".gauntlet"
    code, _ = run_doit(project)
    assert code == 0
    package = build / "build/pkg/mathx.mojoc"
    (binary,) = (build / "build/tests/tests__test_add.mojo").glob("*/test_add")
    result_file = build / "results/mojo/tests__test_extra.mojo.json"
    for path in (package, binary, result_file):
        truncate(path)
    capsys.readouterr()

    code, record = run_doit(project)
    assert code == 0, record
    assert executed(record) == {
        "build:mathx",
        "test:tests/test_add.mojo",
        "test:tests/test_extra.mojo",
    }
    err = capsys.readouterr().err
    assert f"gauntlet: warning: {package} does not match the digest" in err
    assert f"gauntlet: warning: {binary} does not match the digest" in err
    added = read_result(build / "results/mojo/tests__test_add.mojo.json")
    assert added.status is Status.PASSED
    assert added.compile_s > 0  # rebuilt, not the truncated binary run again
    extra = read_result(result_file)
    assert extra.status is Status.PASSED
    assert extra.compile_s == 0.0  # its intact binary was reused
    assert read_result(build / "results/mojo/tests__test_both.mojo.json").status is Status.PASSED

    code, record = run_doit(project)
    assert code == 0
    assert executed(record) == set()


def test_a_truncated_binary_is_never_rerun(project: Path) -> None:
    build = project / ".gauntlet"
    assert run_doit(project, "test")[0] == 0
    (binary,) = (build / "build/tests/tests__test_add.mojo").glob("*/test_add")
    result_file = build / "results/mojo/tests__test_add.mojo.json"
    truncate(binary)
    result_file.unlink()  # the test reruns (as a failed one would) with its binary cached
    code, record = run_doit(project, "test")
    assert code == 0, read_result(result_file).cases
    assert executed(record) == {"test:tests/test_add.mojo"}
    assert read_result(result_file).status is Status.PASSED
