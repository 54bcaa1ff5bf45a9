"""`doit release` end to end: a real project built, checked, published to two real indexes.

The project is pure Python (the Mojo extension path is covered by
test_build_slow.py and benchmarks/release_flow.py on the sample); everything
else is the real thing: the PEP 517 build, twine, a uv environment running
the project's tests from outside the source, the SBOM, the rebuild, pypiserver
indexes with upload auth on 127.0.0.1, the approval and the run history.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from indexes import (
    CREDENTIALS,
    ENVIRONMENTS,
    PASSWORD,
    git,
    pypiserver,
    run_in,
    write_verdict,
)

from gauntlet.gates.subject import current_subject
from gauntlet.health.store import open_store

if TYPE_CHECKING:
    from pathlib import Path

MIT = "MIT License\n\nPermission is hereby granted, free of charge, to any person ...\n"
PYPROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "tinypkg"
version = "1.0"
description = "A tiny package"
readme = "README.md"
license = "MIT"
license-files = ["LICENSE"]

[tool.gauntlet]
include = ["."]

[tool.gauntlet.release]
tests = ["tests"]
test-requires = ["pytest"]

"""
PYPROJECT += ENVIRONMENTS


def _project(repo: Path, staging: str, production: str) -> None:
    (repo / "tinypkg").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "pyproject.toml").write_text(PYPROJECT.format(staging=staging, production=production))
    (repo / "README.md").write_text("# tinypkg\n\nSee [the site](https://example.org).\n")
    (repo / "LICENSE").write_text(MIT)
    (repo / "tinypkg" / "__init__.py").write_text("def double(x):\n    return 2 * x\n")
    (repo / "tests" / "test_double.py").write_text(
        "import tinypkg\n\ndef test_double():\n    assert tinypkg.double(21) == 42\n"
    )
    (repo / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n")
    (repo / ".gitignore").write_text(".gauntlet/\nbuild/\n*.egg-info/\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "tinypkg 1.0")


def _run(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_in(repo, [sys.executable, "-m", *args], env, timeout=900)


@pytest.mark.slow
def test_doit_release_builds_checks_publishes_and_then_does_nothing(
    tmp_path: Path, local_wheels: Path
) -> None:
    with (
        pypiserver(tmp_path / "staging") as staging,
        pypiserver(tmp_path / "production") as production,
        pypiserver(tmp_path / "mirror") as mirror,
    ):
        for wheel in local_wheels.iterdir():  # what the build and the checks install
            shutil.copy(wheel, mirror.packages)
        repo = tmp_path / "repo"
        _project(repo, staging.url, production.url)
        subject = current_subject(repo)
        assert subject is not None
        write_verdict(repo, subject.to_json())
        env = {
            **os.environ,
            **CREDENTIALS,
            "PIP_INDEX_URL": mirror.simple,
            "UV_DEFAULT_INDEX": mirror.simple,
            "GAUNTLET_PROJECT": str(repo),
        }
        env.pop("PYTHONPATH", None)

        first = _run(repo, env, "doit", "release")
        out = first.stdout + first.stderr
        assert first.returncode == 1, out
        for task in ("build", "metadata", "twine", "tests", "sbom", "reproducible"):
            assert f"✓ release:{task} " in out, out
        assert "1 wheel(s) complete for an index" in out
        assert "1 tests passed against the installed wheel" in out
        assert "reproducible: 2 artifacts the same in both builds" in out
        assert "✓ release:publish:staging " in out
        assert "release refused: production requires an approval" in out
        assert len(staging.files()) == 2
        assert production.files() == {}

        approved = _run(repo, env, "gauntlet", "release", "approve", "production", "--by", "qa")
        assert approved.returncode == 0, approved.stderr

        second = _run(repo, env, "doit", "release")
        assert second.returncode == 0, second.stdout + second.stderr
        assert "✓ release:publish:production " in second.stdout
        assert production.files() == staging.files()

        third = _run(repo, env, "doit", "release")
        assert third.returncode == 0, third.stdout + third.stderr
        assert "gauntlet: 0 task(s) ran, 9 up to date, 0 failed" in third.stdout

        for result in (first, approved, second, third):
            assert PASSWORD not in result.stdout + result.stderr

    store = open_store(repo / ".gauntlet" / "history.sqlite3")
    try:
        events = store.release_events()
    finally:
        store.close()
    seen = {(e.kind.value, e.environment, e.outcome) for e in events}
    assert ("build", "", "passed") in seen
    assert ("verify", "", "passed") in seen
    assert ("refuse", "production", "refused") in seen
    assert ("approve", "production", "passed") in seen
    assert ("publish", "staging", "passed") in seen
    assert ("publish", "production", "passed") in seen


@pytest.mark.slow
def test_a_failed_check_blocks_every_publish(tmp_path: Path, local_wheels: Path) -> None:
    with (
        pypiserver(tmp_path / "staging") as staging,
        pypiserver(tmp_path / "production") as production,
        pypiserver(tmp_path / "mirror") as mirror,
    ):
        for wheel in local_wheels.iterdir():
            shutil.copy(wheel, mirror.packages)
        repo = tmp_path / "repo"
        _project(repo, staging.url, production.url)
        (repo / "tests" / "test_double.py").write_text(
            "import tinypkg\n\ndef test_double():\n    assert tinypkg.double(2) == 5\n"
        )
        git(repo, "commit", "-qam", "a wrong test")
        subject = current_subject(repo)
        assert subject is not None
        write_verdict(repo, subject.to_json())
        env = {**os.environ, **CREDENTIALS, "UV_DEFAULT_INDEX": mirror.simple}
        env["PIP_INDEX_URL"] = mirror.simple
        env.pop("PYTHONPATH", None)

        done = _run(repo, env, "doit", "release")
        out = done.stdout + done.stderr
        assert done.returncode == 1, out
        assert "✗ release:tests " in out
        assert "1 of 1 tests failed" in out
        assert "the build in" in out
        assert "is not verified: tests (failed)" in out
        assert staging.files() == {}
        assert production.files() == {}
