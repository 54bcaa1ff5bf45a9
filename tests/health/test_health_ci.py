"""End-to-end: ``nox -s ci`` records one ci run: its stages, and the doit run inside it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import run_nox

from gauntlet.health.model import Outcome
from gauntlet.health.store import open_store

pytestmark = pytest.mark.slow

NOXFILE = """
import sys

import nox

from gauntlet.noxsessions import ci

__all__ = ["ci"]


@nox.session(venv_backend="none")
def lint(session: nox.Session) -> None:
    session.log("clean")


@nox.session(venv_backend="none")
def typecheck(session: nox.Session) -> None:
    session.error("two type errors")


@nox.session(venv_backend="none")
def security(session: nox.Session) -> None:
    session.log("clean")


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    session.log("passed")


@nox.session(venv_backend="none")
def mojo(session: nox.Session) -> None:
    session.run(sys.executable, "-m", "doit", "-f", "dodo.py", external=True)


@nox.session(venv_backend="none")
def gates(session: nox.Session) -> None:
    session.log("passed")
"""


def test_a_ci_run_holds_its_stages_and_the_doit_tasks(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "0"\n\n[tool.gauntlet]\ntimeout = 60\n', "utf-8"
    )
    (tmp_path / "noxfile.py").write_text(textwrap.dedent(NOXFILE), encoding="utf-8")
    (tmp_path / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n", "utf-8")
    # One stage at a time, longest first by default: tests, mojo, typecheck, security, lint.
    done = run_nox(tmp_path, "ci", timeout=600, GAUNTLET_CI_JOBS="1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "stage failed: typecheck" in done.stdout + done.stderr
    store = open_store(tmp_path / ".gauntlet" / "history.sqlite3")
    health = store.health()
    store.close()
    (run,) = health.runs
    assert (run.kind, run.outcome, run.failed_tasks) == ("ci", Outcome.FAILED, ("nox:typecheck",))
    path = [s.task for s in health.critical_path]
    assert path[0] == "nox:tests"
    assert path[-4:] == ["nox:typecheck", "nox:security", "nox:lint", "nox:gates"]
    assert "nox:mojo" not in path  # replaced by the doit tasks it ran
    assert path[1:-4], path
    assert not any(name.startswith("nox:") for name in path[1:-4])
    assert "report" in {t.name for t in health.tasks}  # from the doit run inside the stage
