"""doit's own commands on gauntlet's tasks: `doit info` shows the closure, `doit clean` cleans."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import WriteTree
from fakemojo import doit_project

PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\n",
    "src/lib/__init__.mojo": "",
    "src/lib/ops.mojo": "def add(a: Int, b: Int) -> Int:\n    return a + b\n",
    "tests/test_ops.mojo": "from lib.ops import add\n\ndef main(): pass\n",
    "tests/test_other.mojo": "def main(): pass\n",
}


def _built(root: Path) -> list[str]:
    out = root / ".gauntlet"
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and ("build" in p.parts or "results" in p.parts)
    )


def test_doit_info_lists_the_closure_and_the_target(
    write_tree: WriteTree,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, run = doit_project(PROJECT, write_tree, monkeypatch, tmp_path, capsys)
    _, out = run("info", "test:tests/test_ops.mojo")
    assert "targets" in out
    assert "tests__test_ops.mojo.json" in out
    assert "'closure'" in out
    for source in ("tests/test_ops.mojo", "src/lib/ops.mojo", "src/lib/__init__.mojo"):
        assert f"'{source}'" in out


def test_doit_clean_removes_what_the_run_built(
    write_tree: WriteTree,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, run = doit_project(PROJECT, write_tree, monkeypatch, tmp_path, capsys)
    code, out = run()
    assert code == 0, out
    built = _built(root)
    assert any(p.endswith("tests__test_ops.mojo.json") for p in built), built
    assert any(p.startswith("build/tests/") for p in built), built
    code, out = run("clean", "test:tests/test_ops.mojo")
    assert code == 0, out
    left = _built(root)
    assert not [p for p in left if "test_ops" in p], left
    assert [p for p in left if "test_other" in p]  # only what was asked
    code, out = run("clean", "-a")
    assert code == 0, out
    assert _built(root) == []
    code, out = run()
    assert code == 0, out
    assert "✓ test:tests/test_ops.mojo" in out  # cleaned means built and run again
