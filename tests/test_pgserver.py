"""The PostgreSQL test server: without one, its tests fail on CI and are skipped elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NEEDS_SERVER = """
from pgserver import postgres_server  # noqa: F401


def test_uses_the_server(postgres_server):
    assert postgres_server.startswith("postgresql://")
"""


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")])
def test_a_missing_server_fails_on_ci_and_skips_elsewhere(
    tmp_path: Path, ci: str, outcome: str
) -> None:
    (tmp_path / "test_needs_server.py").write_text(NEEDS_SERVER, encoding="utf-8")
    env = {
        **os.environ,
        "CI": ci,
        "GAUNTLET_TEST_PG_ROOT": str(tmp_path / "no-postgresql"),
        "PYTHONPATH": str(Path(__file__).parent),
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert outcome in done.stdout, done.stdout
    assert "no PostgreSQL server binaries" in done.stdout
    if ci:
        assert "PostgreSQL tests cannot run on CI" in done.stdout
        assert done.returncode == 1
