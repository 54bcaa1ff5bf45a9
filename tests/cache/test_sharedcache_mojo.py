"""Two clones of a real Mojo project at different paths share one nginx remote cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from cacheserver import CacheServer, compiles
from conftest import SUITE_MAIN

import gauntlet
from gauntlet.cache.proto import ActionResult
from gauntlet.run import toolchain

pytestmark = pytest.mark.slow


def _suite(body: str) -> str:
    return textwrap.dedent(body).lstrip() + SUITE_MAIN


PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\ntimeout = 120\nbenchmarks = []\n\n[tool.gauntlet.cache]\n",
    "dodo.py": "from gauntlet.dodo import *  # noqa: F403\n",
    ".gitignore": ".gauntlet/\n",
    "src/mathx/__init__.mojo": "from .core import add\n",
    "src/mathx/core.mojo": "def add(a: Int, b: Int) -> Int:\n    return a + b\n",
    "tests/test_add.mojo": _suite("""
        from std.testing import assert_equal, TestSuite
        from mathx.core import add


        def test_add() raises:
            assert_equal(add(2, 3), 5)


        def test_zero() raises:
            assert_equal(add(0, 0), 0)
    """),
}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _doit(clone: Path, url: str) -> tuple[str, dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(Path(gauntlet.__file__).parents[1])}
    env["GAUNTLET_CACHE_URL"] = url
    for name in ("GAUNTLET_PROJECT", "GITHUB_EVENT_NAME", "GAUNTLET_CACHE_MODE"):
        env.pop(name, None)
    env["GAUNTLET_HISTORY"] = "off"
    done = subprocess.run(
        [sys.executable, "-m", "doit"], cwd=clone, env=env, capture_output=True,
        text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    record = json.loads((clone / ".gauntlet/runs/last-doit-run.json").read_text(encoding="utf-8"))
    return done.stdout + done.stderr, record


def summary(output: str, clone: Path) -> list[str]:
    """The report's printed summary: all but the task lines and the tally, paths relative."""
    lines = [ln.replace(str(clone), "<clone>") for ln in output.splitlines()]
    skip = ("✓", "✗", "gauntlet:", "reports:", "      ")  # task lines, their details, the tally
    return [ln for ln in lines if ln.strip() and not ln.startswith(skip)]


def test_a_second_clone_compiles_nothing_and_a_tampered_entry_is_rebuilt(
    tmp_path: Path, cache_server: CacheServer, mojo: toolchain.Toolchain
) -> None:
    origin = tmp_path / "origin"
    for rel, text in PROJECT.items():
        (origin / rel).parent.mkdir(parents=True, exist_ok=True)
        (origin / rel).write_text(text, encoding="utf-8")
    _git(origin, "init", "-q")
    _git(origin, "add", "-A")
    _git(origin, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "sample")
    first, second = tmp_path / "one", tmp_path / "deeper" / "two"
    second.parent.mkdir()
    _git(tmp_path, "clone", "-q", str(origin), str(first))
    _git(tmp_path, "clone", "-q", str(origin), str(second))

    out1, record1 = _doit(first, cache_server.url)
    assert compiles(record1) == 2  # the package and the test program
    assert "from the shared cache" not in out1
    assert len(list((cache_server.data / "ac").iterdir())) == 3  # artifact, program, result

    out2, record2 = _doit(second, cache_server.url)
    assert compiles(record2) == 0, out2
    assert "2 from the shared cache" in out2
    assert summary(out2, second) == summary(out1, first)
    assert any("Mojo tests passed" in ln for ln in summary(out1, first))

    # tamper the package's blob on the server: detected, rebuilt, and put right again
    packages = [ActionResult.decode(p.read_bytes()) for p in (cache_server.data / "ac").iterdir()]
    blobs = {o.sha256 for r in packages for o in r.outputs if o.path == "artifact"}
    (blob,) = blobs
    (cache_server.data / "cas" / blob).write_bytes(b"not a package")
    third = tmp_path / "three"
    _git(tmp_path, "clone", "-q", str(origin), str(third))
    out3, record3 = _doit(third, cache_server.url)
    assert "does not match its SHA-256 digest" in out3
    assert "building it again" in out3
    assert compiles(record3) == 1
    assert (cache_server.data / "cas" / blob).read_bytes() != b"not a package"  # uploaded again
    assert "1 from the shared cache" in out3  # the test's result
