"""nox sessions of a gauntlet project; a project's ``noxfile.py`` imports them.

    from gauntlet.noxsessions import *  # noqa: F403

* ``tests`` — the project's Python test suite with coverage (fast tests by
  default; ``nox -s tests -- -m slow`` or any pytest arguments after ``--``);
* ``mojo`` — provisions Mojo and runs the doit graph (build → test →
  benchmark → report), then the Python tests of the built extension modules;
* ``ci`` — everything, in one environment; every stage runs even when an
  earlier one failed, and the session fails listing each failed stage.

This module imports only nox and gauntlet's configuration, so a noxfile can
load it before gauntlet's own dependencies are installed anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import nox
from nox.command import CommandFailed

from gauntlet.config import Config, load_config

__all__ = ["ci", "mojo", "tests"]

VENV_BACKEND = "uv|virtualenv"
COVERAGE_MIN = 90


def _config() -> Config:
    return load_config(Path.cwd())


def _results(config: Config) -> Path:
    folder = config.pyproject.parent / ".gauntlet" / "results" / "python"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _install(session: nox.Session) -> None:
    session.install("-e", ".[test]")


def run_pytest(session: nox.Session, config: Config, *, everything: bool) -> None:
    """The project's pytest suite with line and branch coverage, results on disk."""
    results = _results(config)
    selection = [] if everything else ["-m", "not slow"]
    session.run(
        "pytest",
        *selection,
        "--cov",
        "--cov-branch",
        f"--cov-report=json:{results / 'coverage.json'}",
        f"--cov-report=xml:{results / 'coverage.xml'}",
        "--cov-report=term",
        f"--cov-fail-under={COVERAGE_MIN if everything else 0}",
        f"--junitxml={results / 'junit-python.xml'}",
        *session.posargs,
    )


def run_mojo_graph(session: nox.Session, config: Config) -> None:
    """Provision Mojo, run the doit graph, then the extension modules' Python tests."""
    dodo = config.pyproject.parent / "dodo.py"
    session.run("doit", "-f", str(dodo), "-n", str(min(2, os.cpu_count() or 1)))
    if config.python_tests:
        ext_dir = config.out_dir / "build" / "python"
        results = _results(config)
        session.run(
            "pytest",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(config.root),
            f"--junitxml={results / 'junit-extensions.xml'}",
            *(str(config.root / p) for p in config.python_tests),
            env={"GAUNTLET_EXT_DIR": str(ext_dir)},
        )


@nox.session(venv_backend=VENV_BACKEND)
def tests(session: nox.Session) -> None:
    """gauntlet's Python tests with coverage (fast ones; `-- -m slow` for the rest)."""
    _install(session)
    run_pytest(session, _config(), everything=False)


@nox.session(venv_backend=VENV_BACKEND)
def mojo(session: nox.Session) -> None:
    """Provision Mojo and run the doit graph on the project's Mojo code."""
    _install(session)
    run_mojo_graph(session, _config())


@nox.session(venv_backend=VENV_BACKEND)
def ci(session: nox.Session) -> None:
    """Everything: all Python tests with the coverage gate, then the Mojo graph."""
    _install(session)
    config = _config()
    failed = []
    stages: list[tuple[str, Callable[[], None]]] = [
        ("python tests", lambda: run_pytest(session, config, everything=True)),
        ("mojo graph", lambda: run_mojo_graph(session, config)),
    ]
    for name, stage in stages:
        try:
            stage()
        except CommandFailed:
            failed.append(name)
    if failed:
        session.error(f"failed stages: {', '.join(failed)}")
