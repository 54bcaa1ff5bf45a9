"""The ``health`` nox session: one failing step never stops the steps after it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_nox

from gauntlet.health.model import Outcome
from gauntlet.health.rows import RunInfo
from gauntlet.health.store import open_store

pytestmark = pytest.mark.slow  # a nox process running four gauntlet commands

NOXFILE = """
import nox

from gauntlet.adapters.noxsteps import health_steps


@nox.session(venv_backend="none")
def health(session: nox.Session) -> None:
    health_steps(session)
"""


def test_every_step_runs_and_the_failed_one_is_named(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "0"\n\n[tool.gauntlet]\ntimeout = 60\n', "utf-8"
    )
    (tmp_path / "noxfile.py").write_text(NOXFILE, encoding="utf-8")
    store = open_store(tmp_path / ".gauntlet" / "history.sqlite3")
    run_id = store.start_run(RunInfo("ci", "c1", "main", "push"), started=2e9)
    store.finish_run(run_id, Outcome.FAILED, finished=2e9 + 5)
    store.close()
    folder = tmp_path / ".gauntlet" / "results" / "health"
    (folder / "health.prom").mkdir(parents=True)  # the OpenMetrics file cannot be written
    done = run_nox(tmp_path, "health", timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(r"aborted: failed: gauntlet health(\.| \()", output)  # that step only
    assert (folder / "dashboard.html").is_file()
    assert (folder / "health.md").is_file()
    assert (tmp_path / ".gauntlet" / "results" / "alerts.json").is_file()
