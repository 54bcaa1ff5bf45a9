"""End-to-end: secrets printed by Mojo and Python tests are on no file gauntlet leaves.

The environment holds a deploy token whose name is not ``*TOKEN*``, a database
URL with a password, and values shaped like a GitHub token and an AWS key
under innocent names.  A Mojo test and a Python test print every one of them
and fail with them in their messages; then the doit graph runs (recording the
run in the history), the results folder is imported into the history and the
dashboard written.  Not one value may be left in any byte of the project.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SUITE_MAIN, WriteTree

import gauntlet
from gauntlet.masking import mask_file
from gauntlet.run import toolchain

pytestmark = pytest.mark.slow

SECRETS = {
    "DEPLOY_PAT": "dpl-7Hq2Zr9Wm4Kx",
    "DATABASE_URL": "postgresql://user:s3cr3t-pw@db.example/app",  # pragma: allowlist secret
    "UPSTREAM_REF": "ghp_" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa",  # pragma: allowlist secret
    "STORAGE_ID": "AKIA" + "ZQ3JX7LM2NB5VC8K",
}
NEEDLES = [*SECRETS.values(), "s3cr3t-pw"]
# pytest's assertion message cuts long strings to 'start...end': no 8 characters of either.
TOKENS = [v for name, v in SECRETS.items() if name != "DATABASE_URL"]
NEEDLES += [v[:8] for v in TOKENS] + [v[-8:] for v in TOKENS]
READ_ALL = ' + " " + '.join(f'getenv("{name}")' for name in SECRETS)

PROJECT = {
    "pyproject.toml": '[tool.gauntlet]\ntimeout = 120\nsecrets = ["DEPLOY_PAT"]\n',
    "dodo.py": "from gauntlet.dodo import *  # noqa: F403\n",
    "tests/test_env.mojo": textwrap.dedent(f"""
        from std.os import getenv
        from std.testing import assert_equal, TestSuite


        def test_prints() raises:
            print("env:", {READ_ALL})


        def test_fails() raises:
            assert_equal({READ_ALL}, "nothing")
    """).lstrip()
    + SUITE_MAIN,
    "pytests/test_env.py": textwrap.dedent(f"""
        import os

        NAMES = {list(SECRETS)!r}


        def test_prints():
            print("env:", *(os.environ[n] for n in NAMES))


        def test_fails():
            assert " ".join(os.environ[n] for n in NAMES) == "nothing"
    """).lstrip(),
}


def _run(root: Path, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *argv], cwd=root, env=env, capture_output=True, check=False, timeout=900
    )


def test_no_secret_reaches_any_file(
    write_tree: WriteTree, mojo: toolchain.Toolchain, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(PROJECT)
    src = str(Path(gauntlet.__file__).parents[1])
    env = {**os.environ, **SECRETS, "PYTHONPATH": src, "NO_COLOR": "1"}
    for name in ("GAUNTLET_HISTORY_URL", "GAUNTLET_HISTORY", "GAUNTLET_RUN_ID", "GAUNTLET_PROJECT"):
        env.pop(name, None)
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)

    graph = _run(root, env, "-m", "doit", "-f", "dodo.py")
    junit = root / ".gauntlet" / "results" / "python" / "junit-python.xml"
    junit.parent.mkdir(parents=True, exist_ok=True)
    pytest_run = _run(
        root,
        env,
        *("-m", "pytest", "-p", "no:cacheprovider", "-o", "junit_logging=all"),
        *(f"--junitxml={junit}", "pytests"),
    )
    mask_file(junit)  # as the nox tests session does after pytest
    imported = _run(root, env, "-m", "gauntlet", "history", "import", ".gauntlet/results")
    dashboard = root / "dashboard.html"
    html = _run(root, env, "-m", "gauntlet", "report", "html", "-o", str(dashboard))

    assert graph.returncode == 1, graph.stderr.decode()  # the tests fail, as written
    assert pytest_run.returncode == 1
    assert (imported.returncode, html.returncode) == (0, 0), imported.stderr + html.stderr
    files = [p for p in root.rglob("*") if p.is_file()]
    written = {p.relative_to(root).as_posix() for p in files}
    assert {
        ".gauntlet/results/mojo/tests__test_env.mojo.json",
        ".gauntlet/results/mojo/tests__test_env.mojo.xml",
        ".gauntlet/results/junit-mojo.xml",
        ".gauntlet/results/summary.json",
        ".gauntlet/runs/last-doit-run.json",
        ".gauntlet/history.sqlite3",
        "dashboard.html",
    } <= written, sorted(written)
    assert ".gauntlet/doit-state.sqlite3" in written
    assert b"test_fails" in junit.read_bytes()  # the failure and its output were written
    assert b"test_fails" in (root / ".gauntlet/results/summary.json").read_bytes()
    assert b"***" in (root / ".gauntlet/results/mojo/tests__test_env.mojo.json").read_bytes()
    leaks = {
        p.relative_to(root).as_posix(): needle
        for p in files
        for needle in NEEDLES
        if needle.encode() in p.read_bytes()
    }
    consoles = graph.stdout + graph.stderr + imported.stdout + html.stdout
    assert leaks == {}
    assert [n for n in NEEDLES if n.encode() in consoles] == []
