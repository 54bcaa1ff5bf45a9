"""nox sessions of a gauntlet project; a project's ``noxfile.py`` imports them.

    from gauntlet.noxsessions import *  # noqa: F403, RUF100

* ``lint`` — ruff check, ruff format --check, mojo format (checked on a
  copy), actionlint on the workflow files, import-linter's contracts;
* ``typecheck`` — mypy (strict, from the project's configuration);
* ``security`` — bandit, pip-audit on the declared dependencies, a secrets scan;
* ``tests`` — the Python test matrix over the declared Python versions, with
  line and branch coverage (fast tests; ``-- -m slow`` or any pytest arguments);
* ``mojo`` / ``bench`` — the doit graph (build → test → benchmark → report) and
  the benchmarks alone; both then compare the benchmarks with their stored
  baseline into ``bench-comparison.json`` for the benchmarks gate;
* ``gates`` — every quality gate over the results on disk (``gauntlet gates``);
* ``health`` — the run history: health figures (OpenMetrics), the dashboard,
  its Markdown, and the alerts (``ci`` runs it after recording its run);
* ``ci`` — every stage above, each in its own nox run so one failing stage
  never stops the others, then the gates; it fails listing every failure,
  and records the run in the project's history (:mod:`gauntlet.health.record`).

Each tool writes its result in a standard format under
``<repo>/.gauntlet/results/`` (see :mod:`gauntlet.gates.inputs`) and what it
printed to ``logs/<session>.log`` there.  Environments are reused while
their inputs (install arguments, pyproject.toml, interpreter) are unchanged.

This module imports only nox and gauntlet modules that need nothing else
(configuration, the pipeline record, coverage data file names), so a noxfile
can load it before gauntlet's own dependencies are installed anywhere.
"""

from __future__ import annotations

import json
import os
import sys
import time

import nox
from nox.command import CommandFailed

from gauntlet.adapters.noxinstall import PYTEST_TOOLS, install_project
from gauntlet.adapters.noxstages import StageRun, Stages, ci_jobs
from gauntlet.adapters.noxsteps import (
    PYTHONS,
    VENV_BACKEND,
    compare_benchmarks,
    comparison_file,
    health_steps,
    project_config,
    results_folder,
    run_mojo_graph,
    run_pytest,
)
from gauntlet.gates.environ import COVERAGE_VARIABLE
from gauntlet.layout import Layout
from gauntlet.results import pipeline
from gauntlet.results.pipeline import STAGES

__all__ = ["bench", "ci", "gates", "health", "mojo", "tests"]


@nox.session(venv_backend=VENV_BACKEND, python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The Python tests with coverage, once per declared Python version."""
    install_project(session, tools=PYTEST_TOOLS)
    run_pytest(session, project_config(), everything=bool(os.environ.get("GAUNTLET_ALL_TESTS")))


@nox.session(venv_backend=VENV_BACKEND)
def mojo(session: nox.Session) -> None:
    """Provision Mojo and run the doit graph on the project's Mojo code.

    Then Mojo line coverage (``doit coverage``) when ``[tool.gauntlet.coverage] ci``
    is true or ``GAUNTLET_COVERAGE=1`` (``nox -s ci -- coverage`` sets it).
    """
    config = project_config()
    install_project(session, config, tools=PYTEST_TOOLS)
    comparison_file(config).unlink(missing_ok=True)  # never let the gate read an old one
    try:
        run_mojo_graph(session, config)
        compare_benchmarks(session, config)
    finally:  # a failing test still runs lines: coverage is measured all the same
        if config.coverage.ci or os.environ.get(COVERAGE_VARIABLE) == "1":
            run_mojo_graph(session, config, "coverage")


@nox.session(venv_backend=VENV_BACKEND)
def bench(session: nox.Session) -> None:
    """The project's benchmarks, compared with their stored baseline for the gate."""
    config = project_config()
    install_project(session, config, tools=PYTEST_TOOLS)
    comparison_file(config).unlink(missing_ok=True)  # never let the gate read an old one
    run_mojo_graph(session, config, "benchmark")
    compare_benchmarks(session, config)


@nox.session(venv_backend=VENV_BACKEND)
def gates(session: nox.Session) -> None:
    """Every quality gate over the results on disk: console table, reports, exit code."""
    install_project(session, deps=None)
    session.run("gauntlet", "gates")


@nox.session(venv_backend=VENV_BACKEND)
def health(session: nox.Session) -> None:
    """The run history shown and announced: health figures, dashboard, alerts.

    Writes ``health/health.prom`` (OpenMetrics), ``health/dashboard.html`` and
    ``health/health.md`` under the results directory, then sends the alerts of
    ``[tool.gauntlet.alerts]``.  ``ci`` runs it last; it never fails the pipeline.
    """
    install_project(session, deps=None)
    health_steps(session)


def _nox(session: nox.Session, name: str, env: dict[str, str] | None = None) -> bool:
    """Run one session in its own nox process (report in ``nox/NAME.json``); did it pass?"""
    try:
        session.run(*_nox_command(name), external=True, env=env)
    except CommandFailed:
        return False
    return True


def _stage(session: nox.Session, name: str, env: dict[str, str] | None = None) -> bool:
    """Run one stage (:func:`_nox`), its start, end and outcome recorded in pipeline.json."""
    results = results_folder(project_config())
    started, cpu = time.time(), pipeline.children_cpu()
    pipeline.record_stage(results, name, started)
    ok = _nox(session, name, env)
    cpu_s = pipeline.children_cpu() - cpu
    pipeline.record_stage(results, name, started, time.time(), ok, cpu_s)
    return ok


def _nox_command(name: str) -> list[str]:
    """The command line of one stage of ``ci``: a nox run of its own with a report."""
    report = Layout.of(project_config()).repo.nox_report(name)
    report.parent.mkdir(parents=True, exist_ok=True)
    return [
        sys.executable,
        "-m",
        "nox",
        "--reuse-venv",
        "yes",
        # Missing interpreters are skipped here; the tests gate decides whether that fails.
        "--no-error-on-missing-interpreters",
        "--report",
        str(report),
        "-s",
        name,
    ]


@nox.session(venv_backend="none")
def ci(session: nox.Session) -> None:
    """Every stage (reused when up to date, else run side by side), then the gates."""
    config = project_config()
    results = results_folder(config)
    previous = pipeline.read_pipeline(results)
    # What the sessions wrote last time; not the doit graph's results (mojo/, bench/),
    # which share this folder when the Mojo project is the repository itself.
    parts = ("lint", "types", "security", "python", "gates", "health", "nox")
    stale_patterns = [f"{part}/*.{ext}" for part in parts for ext in ("json", "xml")]
    for stale in (p for pattern in (*stale_patterns, "logs/*", "python/.coverage*")
                  for p in results.glob(pattern)):  # fmt: skip
        stale.unlink()
    results_folder(config, "logs")
    coverage = Layout.of(config).build.mojo_coverage
    for stale in (coverage / "coverage.json", coverage / "coverage.xml"):
        stale.unlink(missing_ok=True)  # the gate reads only what this run measures
    if "coverage" in session.posargs:
        os.environ[COVERAGE_VARIABLE] = "1"  # the mojo stage traces, the gate expects a report
    pipeline.start(results, time.time(), STAGES)
    from gauntlet.health import (
        record as healthrecord,  # the run history (stdlib only, imported when used)
    )

    recording = healthrecord.Recording.begin(config, "ci")
    if recording is not None:
        os.environ[healthrecord.ENV_RUN] = recording.run_id  # doit runs add to this run
    everything = {"GAUNTLET_ALL_TESTS": "1"}
    stages = Stages(
        config.pyproject.parent,
        Layout.of(config).repo,
        _nox_command,
        session.log,
        tests_read_mojo=config.python_tests_read_mojo,
    )
    runs = stages.run_all(
        STAGES, lambda s: everything if s == "tests" else {}, ci_jobs(os.environ), previous
    )
    failed = [r.name for r in runs if not r.ok]
    began = time.time()
    gates_ok = _stage(session, "gates")
    runs.append(StageRun("gates", gates_ok, began, time.time() - began))
    if recording is not None:
        os.environ.pop(healthrecord.ENV_RUN, None)
        rows = [
            healthrecord.stage_row(r.name, r.started_at, recording.started, r.seconds, r.ok)
            for r in runs
            if not r.reused
        ]
        healthrecord.record_ci_end(
            recording, results, rows, not failed and gates_ok, coverage / "coverage.json"
        )
        if not _nox(session, "health"):  # shows and announces the run; never fails it
            session.warn("the health report and alerts could not be made; see the output above")
    problems = [f"stage failed: {s}" for s in failed]
    if not gates_ok:
        verdict = Layout.of(config).repo.gates / "verdict.json"
        try:
            names = ", ".join(json.loads(verdict.read_text(encoding="utf-8"))["failed"])
        except (OSError, ValueError, KeyError):
            names = "could not evaluate; see the output above"
        problems.append(f"gates failed: {names}")
    if problems:
        session.error("; ".join(problems))
