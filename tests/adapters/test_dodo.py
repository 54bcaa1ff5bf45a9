"""The doit entry point as users run it, without compiling anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import WriteTree

DODO = "from gauntlet.dodo import *  # noqa: F403\n"


def _doit(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "doit", *args],
        cwd=root,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_invalid_config_names_the_key_and_exits_3(write_tree: WriteTree) -> None:
    root = write_tree({"dodo.py": DODO, "pyproject.toml": "[tool.gauntlet]\ninclude = 'src'\n"})
    done = _doit(root)
    assert done.returncode == 3
    assert "pyproject.toml:2: [tool.gauntlet] 'include': expected an array" in done.stderr
    assert "Traceback" not in done.stderr


def test_tasks_are_listed_per_file(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "dodo.py": DODO,
            "pyproject.toml": "[tool.gauntlet]\n",
            "src/p/__init__.mojo": "",
            "tests/test_a.mojo": "from p import x\n",
            "tests/test_b.mojo": "import missing_module\n",
            "benchmarks/bench_c.mojo": "",
        }
    )
    done = _doit(root, "list", "--all")
    names = {line.split()[0] for line in done.stdout.splitlines() if line.strip()}
    assert {
        "toolchain",
        "build",
        "build:p",
        "test",
        "test:tests/test_a.mojo",
        "test:tests/test_b.mojo",
        "benchmark",
        "benchmark:benchmarks/bench_c.mojo",
        "report",
    } <= names
    assert "tests/test_b.mojo:1: cannot resolve import 'missing_module'" in done.stderr


def test_missing_mojo_is_a_tool_error_that_says_how_to_get_it(
    write_tree: WriteTree, tmp_path: Path
) -> None:
    root = write_tree(
        {
            "dodo.py": DODO,
            "pyproject.toml": "[tool.gauntlet]\nmojo-version = '0.26.1'\n",
            "tests/test_a.mojo": "",
        }
    )
    done = _doit(
        root,
        GAUNTLET_NO_PROVISION="1",
        GAUNTLET_CACHE_DIR=str(tmp_path / "c"),
        PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin",
    )
    assert done.returncode == 2
    assert "Mojo 0.26.1 is not installed" in done.stdout
    assert "pip install mojo==0.26.1" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
