"""Shared fixtures: small Mojo projects written into tmp_path, and the real compiler."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from cacheserver import cache_server  # noqa: F401  # a Bazel remote-cache HTTP server (nginx)
from pgserver import history_url, postgres_server  # noqa: F401  # history stores: SQLite, PostgreSQL
from verifydata import local_wheels, offline  # noqa: F401  # release builds from local wheels

import gauntlet
from gauntlet.config.load import DEFAULT_MOJO_VERSION
from gauntlet.run import toolchain

WriteTree = Callable[[dict[str, str]], Path]

SUITE_MAIN = """
def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
"""


@pytest.fixture
def write_tree(tmp_path: Path) -> WriteTree:
    """Write ``{relative path: text}`` under tmp_path (dedented) and return the root."""

    def write(files: dict[str, str]) -> Path:
        for rel, text in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return write


@pytest.fixture(scope="session")
def mojo() -> toolchain.Toolchain:
    """The real Mojo compiler (installed into the shared cache on first use)."""
    return toolchain.ensure(DEFAULT_MOJO_VERSION)


LEGACY_MOJO_VERSION = "0.26.1.0"
OLDEST_MOJO_VERSION = "0.25.7.0"  # the newest 0.25.x, the oldest release gauntlet runs
LEGACY_MOJO_VERSIONS = (LEGACY_MOJO_VERSION, OLDEST_MOJO_VERSION)


@pytest.fixture(scope="session")
def mojo_legacy() -> toolchain.Toolchain:
    """Mojo 0.26.1, the release of the legacy fixture (installed into the shared cache)."""
    return toolchain.ensure(LEGACY_MOJO_VERSION)


def enter_project(
    write_tree: WriteTree, files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Write a project and make it the working directory, as a user runs gauntlet there."""
    root = write_tree(files)
    monkeypatch.chdir(root)
    monkeypatch.delenv("GAUNTLET_PROJECT", raising=False)
    return root


def unmeasured(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a subprocess whose exit, output or timing is what a test checks, without
    coverage.py's subprocess measurement (its start-up and its save at exit would be part of
    what is checked); such a test reruns on every change in an affected run."""
    return {k: v for k, v in env.items() if k != "COVERAGE_PROCESS_CONFIG"}


def run_nox(
    project: Path, session: str, timeout: float, **extra: str
) -> subprocess.CompletedProcess[str]:
    """``nox -s SESSION`` in ``project`` with this gauntlet, no history or stage settings
    inherited (``extra``: environment variables to set)."""
    env = {**os.environ, "PYTHONPATH": str(Path(gauntlet.__file__).parents[1])}
    for name in ("GAUNTLET_HISTORY_URL", "GAUNTLET_HISTORY", "GAUNTLET_RUN_ID", "GAUNTLET_CI_JOBS"):
        env.pop(name, None)
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "nox", "-s", session],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
