"""Where gauntlet keeps things on disk: every path under its two folders.

A project has two gauntlet folders, and they are named apart on purpose:

* :class:`BuildDir`, ``<root>/<build-dir>`` (``build-dir`` defaults to
  ``.gauntlet``): the Mojo project's own folder, written by the doit graph and
  ``gauntlet bench``: builds, Mojo test and benchmark results, caches, the doit
  state and run record, and the benchmark history.  It sits under ``root``,
  which may be a subfolder of the repository (this repository's ``sample/``).
* :class:`RepoDir`, ``<repo>/.gauntlet`` next to ``pyproject.toml``: the
  repository's folder, written by the nox sessions and the gates (lint, types,
  security, Python tests, gates, health, logs, the pipeline record) and
  holding the run history.  These cover the whole repository, not only the
  Mojo root, and CI uploads ``.gauntlet/results/`` from the repository.

When ``root`` is the repository and ``build-dir`` is left alone the two are the
same folder and their contents do not collide.  Everybody asks :class:`Layout`
(from :meth:`Layout.of` a configuration) for paths instead of spelling them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

REPO_FOLDER = ".gauntlet"


def slug(source: str) -> str:
    """A root-relative source path as one file name (``tests/a.mojo`` → ``tests__a.mojo``)."""
    return source.replace("/", "__")


@dataclass(frozen=True)
class BuildDir:
    """``<root>/<build-dir>``: what the doit graph builds, measures and caches."""

    path: Path

    # -- results of the doit graph --------------------------------------------------
    @property
    def results(self) -> Path:
        """Mojo test results and the merged report."""
        return self.path / "results"

    @property
    def junit_mojo(self) -> Path:
        """The merged JUnit report of the Mojo tests."""
        return self.results / "junit-mojo.xml"

    @property
    def summary(self) -> Path:
        """The merged JSON summary of the Mojo tests."""
        return self.results / "summary.json"

    @property
    def bench_results(self) -> Path:
        """One record (and one ``.samples.json``) per benchmark file."""
        return self.results / "bench"

    def test_result(self, source: str) -> Path:
        """The JSON result of one Mojo test file (its JUnit file has the ``.xml`` suffix)."""
        return self.results / "mojo" / f"{slug(source)}.json"

    def bench_result(self, source: str) -> Path:
        """The run record of one benchmark file, Mojo or Python."""
        return self.bench_results / f"{slug(source)}.json"

    @property
    def mojo_coverage(self) -> Path:
        """Mojo line coverage: ``coverage.json`` (coverage.py's format) and ``coverage.xml``."""
        return self.results / "coverage"

    def coverage_trace(self, source: str) -> Path:
        """What one test program compiled and ran under the tracer (``doit coverage``)."""
        return self.mojo_coverage / "traces" / f"{slug(source)}.json"

    # -- builds -----------------------------------------------------------------------
    @property
    def builds(self) -> Path:
        """Every compiled artifact and program."""
        return self.path / "build"

    def package(self, name: str, suffix: str = ".mojoc") -> Path:
        """A precompiled Mojo package (with a ``.key`` file beside it)."""
        return self.builds / "pkg" / f"{name}{suffix}"

    def executable(self, source: str) -> Path:
        """A configured executable."""
        return self.builds / "bin" / PurePosixPath(source).stem

    @property
    def extensions(self) -> Path:
        """Python extension modules; Python benchmarks import them from here."""
        return self.builds / "python"

    def extension(self, name: str) -> Path:
        """One Python extension module."""
        return self.extensions / f"{name}.so"

    def program(self, folder: str, source: str, key: str) -> Path:
        """A test or benchmark program, in a folder named by its key (see run.actions)."""
        return Path(self.program_file(folder, source, key))

    def program_file(self, folder: str, source: str, key: str) -> str:
        """:meth:`program` as a string (made for every test of every run: no Path joins)."""
        stem = PurePosixPath(source).stem
        return os.path.join(self.path, "build", folder, slug(source), key[:20], stem)

    # -- caches, state, records -------------------------------------------------------
    @property
    def scan_cache(self) -> Path:
        """The import scanner's cache."""
        return self.path / "cache" / "scan.json"

    @property
    def verdicts(self) -> Path:
        """The good outcome checks of the last doit run, with the stat of what they read."""
        return self.path / "cache" / "verdicts.json"

    @property
    def resolve_cache(self) -> Path:
        """The resolved imports of the tree as it was last planned (graph.resolvecache)."""
        return self.path / "cache" / "resolved.json"

    @property
    def shared_cache(self) -> Path:
        """The shared cache's default folder (``ac/`` and ``cas/``: see gauntlet.cache)."""
        return self.path / "cache" / "shared"

    @property
    def doit_state(self) -> Path:
        """doit's dependency database."""
        return self.path / "doit-state.sqlite3"

    @property
    def last_doit_run(self) -> Path:
        """Every task of the last doit run, its status and seconds."""
        return self.path / "runs" / "last-doit-run.json"

    @property
    def bench_history(self) -> Path:
        """The benchmark history: one JSONL file per machine fingerprint."""
        return self.path / "bench-history"

    @property
    def side_by_side(self) -> Path:
        """Scratch space of ``gauntlet bench compare --rev``."""
        return self.path / "side-by-side"

    def crash_log(self, name: str) -> Path:
        """Where an internal error's traceback goes (see :mod:`gauntlet.entry`)."""
        return self.path / "logs" / name

    def relative(self, path: Path) -> str:
        """``path`` relative to this folder, POSIX spelling (how the plan names outputs)."""
        return path.relative_to(self.path).as_posix()

    def at(self, relative: str) -> Path:
        """The absolute path of a plan output (relative to this folder)."""
        return self.path / relative

    def file_at(self, relative: str) -> str:
        """:meth:`at` as a string (a plan's outputs are normalised POSIX paths)."""
        return os.path.join(self.path, *relative.split("/"))


@dataclass(frozen=True)
class RepoDir:
    """``<repo>/.gauntlet``: what the nox sessions and the gates write; the run history."""

    path: Path

    @property
    def results(self) -> Path:
        """The repository's results, read by the gates and uploaded by CI."""
        return self.path / "results"

    def part(self, name: str) -> Path:
        """One session's results folder: ``lint``, ``types``, ``security``, ``python``,
        ``gates``, ``health``, ``logs`` or ``nox``."""
        return self.results / name

    @property
    def logs(self) -> Path:
        """Each session's tool output (``<session>.log``)."""
        return self.part("logs")

    def log(self, name: str) -> Path:
        """One session's log file."""
        return self.logs / f"{name}.log"

    @property
    def lint(self) -> Path:
        """ruff, ruff format, mojo format and actionlint findings."""
        return self.part("lint")

    @property
    def types(self) -> Path:
        """mypy's findings."""
        return self.part("types")

    @property
    def security(self) -> Path:
        """bandit, pip-audit and detect-secrets findings."""
        return self.part("security")

    @property
    def gates(self) -> Path:
        """The verdict and its SARIF, JUnit and Markdown reports."""
        return self.part("gates")

    @property
    def health(self) -> Path:
        """The health figures, dashboard and Markdown of ``nox -s health``."""
        return self.part("health")

    @property
    def python(self) -> Path:
        """pytest's JUnit files and the coverage data and reports."""
        return self.part("python")

    def affected(self, version: str) -> Path:
        """What an affected run of the Python tests on ``version`` selected, and why."""
        return self.python / f"affected-{version}.json"

    def test_map(self, version: str) -> Path:
        """The Python tests' map (test → files it ran) of the last full run on ``version``."""
        return self.path / "test-map" / f"py{version}.json"

    def nox_report(self, session: str) -> Path:
        """The ``nox --report`` file of one stage of ``nox -s ci``."""
        return self.part("nox") / f"{session}.json"

    @property
    def bench_comparison(self) -> Path:
        """The benchmarks compared with their baseline, for the benchmark gate."""
        return self.results / "bench-comparison.json"

    def shard(self, index: int) -> Path:
        """What shard ``index`` of ``gauntlet shard`` ran: its results and its part
        (outside ``results/``, which is one run's; the fan-in merges the shards into it)."""
        return self.path / "shards" / str(index)

    @property
    def release(self) -> Path:
        """Everything ``doit release`` builds, checks and records (kept across runs)."""
        return self.path / "release"

    def release_version(self, version: str) -> Path:
        """One version's artifacts, reports, approvals and journal."""
        return self.release / version

    @property
    def run_history(self) -> Path:
        """The default run history (SQLite) of ``gauntlet history`` and ``nox -s ci``."""
        return self.path / "history.sqlite3"


class Located(Protocol):
    """What a layout is made from (a :class:`gauntlet.config.load.Config`)."""

    @property
    def pyproject(self) -> Path: ...

    @property
    def out_dir(self) -> Path: ...


@dataclass(frozen=True)
class Layout:
    """Both folders of one project."""

    repo: RepoDir
    build: BuildDir

    @classmethod
    def of(cls, config: Located) -> Layout:
        """The layout of a configured project."""
        return cls(RepoDir(config.pyproject.parent / REPO_FOLDER), BuildDir(config.out_dir))
