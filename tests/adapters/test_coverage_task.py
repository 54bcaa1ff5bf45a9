"""``doit coverage`` without valgrind: one clear message, exit 2, and nothing measured."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SUITE_MAIN, WriteTree

PROJECT = {
    "pyproject.toml": '[project]\nname = "p"\nversion = "0"\n\n[tool.gauntlet]\n',
    "dodo.py": "from gauntlet.dodo import *  # noqa: F403\n",
    "src/pkg/__init__.mojo": "",
    "src/pkg/ops.mojo": "def one() -> Int:\n    return 1\n",
    "tests/test_one.mojo": "from pkg.ops import one\n\n\ndef test_one() raises:\n"
    "    _ = one()\n" + SUITE_MAIN,
}


def test_without_valgrind_coverage_says_how_to_install_it(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    root = write_tree(PROJECT)
    bare = tmp_path / "bin"  # a PATH with Python and git, without valgrind
    bare.mkdir()
    git = shutil.which("git")
    assert git is not None
    (bare / "git").symlink_to(git)
    env = {**os.environ, "PATH": f"{bare}{os.pathsep}{Path(sys.executable).parent}"}
    env.pop("GAUNTLET_PROJECT", None)
    done = subprocess.run(
        [sys.executable, "-m", "doit", "coverage"],
        cwd=root, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    said = done.stdout + done.stderr
    assert "valgrind is not installed" in said
    assert "apt-get install valgrind" in said
    assert "Traceback" not in said
    assert not (root / ".gauntlet/results/coverage/coverage.json").exists()
