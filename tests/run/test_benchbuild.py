"""Building benchmark programs outside the doit graph."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gauntlet.config.load import load_config
from gauntlet.errors import ToolError
from gauntlet.run.benchbuild import build_programs, mojo_path

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import WriteTree

    from gauntlet.run import toolchain


def test_missing_compiler_says_how_to_get_it(
    write_tree: WriteTree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAUNTLET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    root = write_tree({"pyproject.toml": "[tool.gauntlet]\nmojo-version = '0.26.1'\n"})
    with pytest.raises(ToolError, match=r"Mojo 0\.26\.1 is not installed; run `doit toolchain`"):
        mojo_path(load_config(root))


@pytest.mark.slow
def test_a_project_without_benchmarks_builds_nothing(
    write_tree: WriteTree, mojo: toolchain.Toolchain
) -> None:
    root = write_tree({"pyproject.toml": "[tool.gauntlet]\n", "src/p/__init__.mojo": ""})
    config = load_config(root)
    assert build_programs(config, [], "bench", config.out_dir) == {}
