"""The steps the nox sessions of :mod:`gauntlet.noxsessions` are made of.

Installing a tool set once per set of inputs, running a tool into the results
directory, pytest with coverage, the doit graph, the benchmark comparison and
the health steps.  Like the sessions, this imports only nox and gauntlet's
standard-library modules.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree  # nosec B405 - parses only the JUnit file our pytest wrote

import nox
from nox.command import CommandFailed

from gauntlet.config.load import Config, load_config
from gauntlet.config.pyversions import declared_pythons
from gauntlet.graph.affected import RECORD, SELECT
from gauntlet.layout import Layout
from gauntlet.results.covcombine import data_file

if TYPE_CHECKING:
    from collections.abc import Mapping

PYTHONS = declared_pythons(Path.cwd() / "pyproject.toml")

VENV_BACKEND = "uv|virtualenv"  # uv where it is installed, else virtualenv


def project_config() -> Config:
    """The configuration of the project nox runs in."""
    return load_config(Path.cwd())


def results_folder(config: Config, part: str = "") -> Path:
    """``<repo>/.gauntlet/results/<part>`` (see :class:`gauntlet.layout.RepoDir`), created."""
    repo = Layout.of(config).repo
    folder = repo.part(part) if part else repo.results
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def install(session: nox.Session, *args: str) -> None:
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


def run_tool(
    session: nox.Session,
    config: Config,
    log: str,
    *args: str,
    output: Path | None = None,
    codes: tuple[int, ...] = (0, 1),
) -> None:
    """Run a tool; stdout to ``output`` (its result file) or the log, stderr to the log."""
    results_folder(config, "logs")
    log_path = Layout.of(config).repo.log(log)
    with log_path.open("a", encoding="utf-8") as log_file:
        log_file.write(f"$ {' '.join(args)}\n")
        log_file.flush()
        if output is None:
            session.run(*args, stdout=log_file, stderr=log_file, success_codes=list(codes))
            return
        # Written aside and moved into place only when the tool finished with an
        # accepted code: a tool that crashed or was misused leaves no result file
        # (the gates then read "not run"), never an empty one that reads as clean.
        partial = output.with_name(f".{output.name}.partial")
        output.unlink(missing_ok=True)
        try:
            with partial.open("w", encoding="utf-8") as out_file:
                session.run(*args, stdout=out_file, stderr=log_file, success_codes=list(codes))
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)


def count_findings(path: Path) -> int:
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


NO_TESTS_COLLECTED = 5  # pytest's exit code when it found no test to run


AFFECTED_OPTION = "--affected"  # nox -s tests -- --affected
AFFECTED_ENV = "GAUNTLET_AFFECTED"  # set to 1 by a pull-request workflow
_MAP = ("python", "-m", "gauntlet.graph.affectmap")


def affected_wanted(posargs: list[str], env: Mapping[str, str]) -> bool:
    """Whether this run asks for the affected tests only (option or environment)."""
    return AFFECTED_OPTION in posargs or env.get(AFFECTED_ENV, "") not in ("", "0")


def run_pytest(session: nox.Session, config: Config, *, everything: bool) -> None:
    """The project's pytest suite with line and branch coverage, results on disk.

    Each Python version measures into its own data file; the reports the gates
    read (``coverage.json``, ``coverage.xml``) are the union of every version's.
    A run of every test records the test map (per-test coverage contexts);
    with ``--affected`` or ``GAUNTLET_AFFECTED=1`` only the tests the change
    can affect run (:mod:`gauntlet.graph.affected`), the choice and its
    reasons in ``python/affected-X.Y.json``.
    """
    results = results_folder(config, "python")
    version = session.python if isinstance(session.python, str) else PYTHONS[-1]
    selection = [] if everything else ["-m", "not slow"]
    junit = results / f"junit-python-{version}.xml"
    repo, root = Layout.of(config).repo, str(config.pyproject.parent)
    affected = affected_wanted(list(session.posargs), os.environ)
    choice, outcomes = repo.affected(version), results / f".outcomes-{version}.json"
    choice.unlink(missing_ok=True)
    outcomes.unlink(missing_ok=True)
    env = {"COVERAGE_FILE": str(data_file(results, version))}
    extra = ["-p", "gauntlet.adapters.pytest_affected"]
    if affected:
        test_map = str(repo.test_map(version))
        session.run(*_MAP, "select", root, test_map, str(choice), success_codes=[0, 2, 3])
        if choice.is_file():
            env[SELECT] = str(choice)
        else:
            session.warn("the affected tests could not be chosen: every test runs")
    else:
        env[RECORD] = str(outcomes)
        extra.append("--cov-context=test")  # the test map: which test ran which file
    try:
        session.run(
            "pytest",
            *selection,
            *extra,
            "--cov",
            "--cov-branch",
            "--cov-report=term",
            "--cov-fail-under=0",  # the coverage gate decides, with its configured thresholds
            f"--junitxml={junit}",
            *(a for a in session.posargs if a != AFFECTED_OPTION),
            env=env,
            success_codes=[0, NO_TESTS_COLLECTED],
        )
    finally:  # failing tests still measured coverage: the coverage gates judge it
        mask_written(session, junit)
        if _collected(junit) == 0:
            data_file(results, version).unlink(missing_ok=True)
            session.warn(
                "no Python tests were collected: nothing to measure, so the tests and "
                "coverage gates read no data for Python (never a pass)"
            )
        else:
            session.run("python", "-m", "gauntlet.results.covcombine", str(results))
            if outcomes.is_file():
                recorded = (str(repo.test_map(version)), str(data_file(results, version)))
                session.run(
                    *_MAP, "record", root, *recorded, str(outcomes), success_codes=[0, 2, 3]
                )


def _collected(junit: Path) -> int | None:
    """How many tests a JUnit file reports (None: no readable file)."""
    try:
        root = ElementTree.parse(junit).getroot()  # noqa: S314  # nosec B314 - our own pytest's file
    except (OSError, ElementTree.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return sum(int(suite.get("tests", "0") or 0) for suite in suites)


def mask_written(session: nox.Session, path: Path) -> None:
    """Mask what pytest wrote (not the runner), in the session's environment.

    Masking needs detect-secrets, which the session installs with gauntlet;
    the nox process itself has only nox.
    """
    session.run("python", "-m", "gauntlet.masking", str(path), silent=True)


def run_mojo_graph(session: nox.Session, config: Config, *targets: str) -> None:
    """Provision Mojo, run the doit graph, then the extension modules' Python tests."""
    dodo = config.pyproject.parent / "dodo.py"
    session.run("doit", "-f", str(dodo), "-n", str(min(2, os.cpu_count() or 1)), *targets)
    if config.python_tests and not targets:
        ext_dir = Layout.of(config).build.extensions
        results = results_folder(config, "python")
        try:
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
        finally:
            mask_written(session, results / "junit-extensions.xml")


def comparison_file(config: Config) -> Path:
    """Where the benchmark comparison goes for the gate (its folder created)."""
    results_folder(config)
    return Layout.of(config).repo.bench_comparison


def compare_benchmarks(session: nox.Session, config: Config) -> None:
    """``gauntlet bench compare --stored`` into the results folder, where the gate reads it.

    The baseline is the newest earlier run on this machine; with none, every
    benchmark is a new baseline.  Exit 1 (a regression) is the gate's to report.
    """
    report = comparison_file(config)
    if not any(Layout.of(config).build.bench_results.glob("*.samples.json")):
        return
    threshold = config.gates.benchmark_regression if config.gates else 5.0
    run_tool(
        session,
        config,
        "bench",
        "gauntlet",
        "bench",
        "compare",
        "--stored",
        f"--threshold={threshold:g}%",
        f"--json-file={report}",
        f"--markdown={report.with_suffix('.md')}",
    )


def health_steps(session: nox.Session) -> None:
    """Run every step of ``health``, each even when another failed; fail listing the failures."""
    folder = results_folder(project_config(), "health")
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
