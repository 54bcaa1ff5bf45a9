"""The doit graph of a gauntlet project: toolchain → build → test → benchmark → report.

An adopting project's ``dodo.py`` is one line::

    from gauntlet.dodo import *  # noqa: F403

The project is found from the working directory (or ``$GAUNTLET_PROJECT``).
Up-to-date checks are content keys (see :mod:`gauntlet.graph.plan`) compared with
the key recorded inside each result or next to each artifact, so they hold in
a fresh checkout that restores ``.gauntlet/`` and never trust mtimes.  Tests
can be selected by tag with ``GAUNTLET_SKIP_TAGS`` / ``GAUNTLET_ONLY_TAGS``
(comma-separated).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doit.exceptions import TaskFailed

from gauntlet import runner
from gauntlet.adapters.doit_reporter import reporter_for
from gauntlet.bench.file import read_bench_key
from gauntlet.config.load import Config, load_config
from gauntlet.errors import GauntletError
from gauntlet.graph.plan import Plan, Step, StepKind, make_plan
from gauntlet.graph.project import Project, build_project
from gauntlet.graph.scancache import ScanCache
from gauntlet.results.records import current_result
from gauntlet.run import actions, toolchain
from gauntlet.views.report import collect, report_current, write_report

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "DOIT_CONFIG",
    "task_benchmark",
    "task_build",
    "task_report",
    "task_test",
    "task_toolchain",
]


@dataclass(frozen=True)
class Context:
    """Everything the task generators need, computed once per doit run."""

    config: Config
    project: Project
    plan: Plan


def _tags(name: str) -> frozenset[str]:
    return frozenset(t.strip() for t in os.environ.get(name, "").split(",") if t.strip())


def load_context(start: Path | None = None) -> Context:
    """Configuration, scanned project and plan for the project around ``start``."""
    explicit = os.environ.get("GAUNTLET_PROJECT")
    config = load_config(Path(explicit) if explicit else start)
    config.out_dir.mkdir(parents=True, exist_ok=True)
    project = build_project(config, ScanCache(config.out_dir / "cache" / "scan.json"))
    for problem in project.diagnostics(project.programs()):
        sys.stderr.write(f"gauntlet: warning: {problem}\n")
    plan = make_plan(
        project,
        toolchain.identity(config.mojo_version),
        skip_tags=frozenset(config.skip_tags) | _tags("GAUNTLET_SKIP_TAGS"),
        only_tags=_tags("GAUNTLET_ONLY_TAGS"),
    )
    return Context(config, project, plan)


def _load_or_exit() -> Context:
    try:
        return load_context()
    except GauntletError as exc:
        sys.stderr.write(f"gauntlet: error: {exc}\n")
        raise SystemExit(int(exc.exit_code)) from None


CONTEXT = _load_or_exit()
OUT_DIR = CONTEXT.config.out_dir

DOIT_CONFIG: dict[str, Any] = {
    "default_tasks": ["toolchain", "build", "test", "benchmark", "report"],
    "backend": "sqlite3",
    "dep_file": str(OUT_DIR / "doit-state.sqlite3"),
    "continue": True,
    "par_type": "thread",
    "reporter": reporter_for(OUT_DIR / "runs" / "last-doit-run.json", CONTEXT.config),
}


# -- actions and checks (module level so any worker can run them) ------------------------


def _mojo(version: str) -> str | TaskFailed:
    try:
        found = toolchain.find(version)
    except GauntletError as exc:
        return TaskFailed(str(exc))
    if found is None:
        return TaskFailed(f"Mojo {version} is not installed; run `doit toolchain` first")
    return str(found.mojo)


def ensure_toolchain(version: str) -> dict[str, Any] | TaskFailed:
    """Find or install the configured compiler."""
    try:
        found = toolchain.ensure(version, echo=lambda line: print(line, flush=True))  # noqa: T201
    except GauntletError as exc:
        return TaskFailed(str(exc))
    return {"message": f"Mojo {found.version} at {found.mojo}"}


def toolchain_ready(version: str) -> bool:
    """Up-to-date check of the toolchain task."""
    try:
        return toolchain.find(version) is not None
    except GauntletError:
        return False


def _guarded(
    work: Callable[..., dict[str, Any]], version: str, **kwargs: Any
) -> dict[str, Any] | TaskFailed:
    mojo = _mojo(version)
    if isinstance(mojo, TaskFailed):
        return mojo
    try:
        return work(mojo=mojo, **kwargs)
    except runner.Interrupted:
        return TaskFailed("interrupted; no result written")
    except GauntletError as exc:
        return TaskFailed(str(exc))


def build(version: str, **kwargs: Any) -> dict[str, Any] | TaskFailed:
    """Build one artifact."""
    return _guarded(actions.build_artifact, version, **kwargs)


def run_test(version: str, **kwargs: Any) -> dict[str, Any] | TaskFailed:
    """Compile and run one test file."""
    return _guarded(actions.run_test_file, version, **kwargs)


def run_benchmark(version: str, **kwargs: Any) -> dict[str, Any] | TaskFailed:
    """Compile and measure one benchmark file (see gauntlet.run.benchtask)."""
    from gauntlet.config.bench import bench_settings
    from gauntlet.run import benchtask

    try:
        settings = bench_settings(CONTEXT.config).to_json()
    except GauntletError as exc:
        return TaskFailed(str(exc))
    commit = benchtask.git_commit(CONTEXT.config.root)
    return _guarded(
        benchtask.run_benchmark_file, version, settings=settings, commit=commit, **kwargs
    )


def outcome_current(kind: str, output: str, key: str) -> bool:
    """Up-to-date check of one item: its outcome was recorded for ``key`` and is good."""
    if kind == "build":
        return actions.artifact_current(output, key)
    if kind == "benchmark":
        return read_bench_key(Path(output)) == (key, True)
    result = current_result(Path(output), key)
    return result is not None and result.status.ok


def all_current(kind: str, items: list[tuple[str, str, str]]) -> bool:
    """Up-to-date check of an aggregate task."""
    return all(outcome_current(kind, output, key) for _, output, key in items)


def check_outcomes(kind: str, items: list[tuple[str, str, str]]) -> dict[str, Any] | TaskFailed:
    """An aggregate task: fail when any of its items has a bad or missing outcome."""
    bad = [name for name, output, key in items if not outcome_current(kind, output, key)]
    if bad:
        return TaskFailed(f"{len(bad)} of {len(items)} did not pass: {', '.join(bad)}")
    return {"message": f"{len(items)} passed"}


def make_report() -> dict[str, Any]:
    """Merge test results, write JUnit and JSON, print the console tables."""
    from gauntlet.views.console import make_console, print_summary

    summary = collect(CONTEXT.plan, OUT_DIR)
    junit, data = write_report(summary, OUT_DIR)
    console = make_console()
    print_summary(summary, console)
    console.print(f"reports: {junit}  {data}")
    return {"status": summary.status.value, "message": f"{junit.name}, {data.name}"}


# -- task generators ---------------------------------------------------------------------
#
# Every item is a plain task named ``kind:item`` (``test:tests/test_x.mojo``) and
# each kind has one plain aggregate task (``test``) that depends on its items.
# Items record their outcome and succeed; the aggregate fails when an outcome is
# bad.  So a failing test never blocks the report (which depends on the items),
# and ``doit`` / ``doit test`` exit 1 for failures, 2 when a tool could not run.


def _step_kwargs(step: Step) -> dict[str, Any]:
    config = CONTEXT.config
    return {
        "version": config.mojo_version,
        "kind": step.kind.value,
        "root": str(config.root),
        "source": step.source,
        "key": step.key,
        "include": list(config.include),
        "flags": list(config.mojo_flags),
        "timeout": config.timeout,
        "output": str(OUT_DIR / step.output),
        "out_dir": str(OUT_DIR),
        "toolchain": CONTEXT.plan.toolchain,
    }


def task_toolchain() -> dict[str, Any]:
    """Find the configured Mojo compiler, installing it into the shared cache if missing."""
    version = CONTEXT.config.mojo_version
    return {
        "actions": [(ensure_toolchain, [version])],
        "uptodate": [(toolchain_ready, [version])],
        "verbosity": 2,
    }


def _kind_tasks(
    kind: str,
    steps: tuple[Step, ...],
    action: Callable[..., dict[str, Any] | TaskFailed],
    doc: str | None,
) -> Iterator[dict[str, Any]]:
    """One task per step (``kind:name``) and the aggregate task ``kind``."""
    items = [(f"{kind}:{s.name}", str(OUT_DIR / s.output), s.key) for s in steps]
    for step, (name, output, key) in zip(steps, items, strict=True):
        yield {
            "basename": name,
            "doc": f"{step.kind.value} {step.source} ({len(step.inputs)} files in its closure)",
            "actions": [(action, [], _step_kwargs(step))],
            "uptodate": [(outcome_current, [kind, output, key])],
            # a Python benchmark may import the project's extension modules
            "task_dep": ["toolchain", "build"]
            if step.kind is StepKind.PY_BENCHMARK
            else ["toolchain"],
        }
    yield {
        "basename": kind,
        "doc": doc,
        "actions": [(check_outcomes, [kind, items])],
        "uptodate": [(all_current, [kind, items])],
        "task_dep": [name for name, _, _ in items],
    }


def task_build() -> Iterator[dict[str, Any]]:
    """Build Mojo packages (.mojoc), executables and Python extension modules."""
    builds = tuple(
        step
        for kind in (StepKind.PACKAGE, StepKind.EXECUTABLE, StepKind.EXTENSION)
        for step in CONTEXT.plan.of_kind(kind)
    )
    yield from _kind_tasks("build", builds, build, task_build.__doc__)


def task_test() -> Iterator[dict[str, Any]]:
    """Compile and run each Mojo test file; one result per test function."""
    yield from _kind_tasks("test", CONTEXT.plan.tests, run_test, task_test.__doc__)


def task_benchmark() -> Iterator[dict[str, Any]]:
    """Run each Mojo and Python benchmark whose inputs changed; store results as JSON."""
    steps = CONTEXT.plan.of_kind(StepKind.BENCHMARK) + CONTEXT.plan.of_kind(StepKind.PY_BENCHMARK)
    yield from _kind_tasks("benchmark", steps, run_benchmark, task_benchmark.__doc__)


def task_report() -> dict[str, Any]:
    """Merge test results into JUnit XML and a JSON summary; print totals and failures."""
    return {
        "actions": [make_report],
        "uptodate": [(report_current, [str(OUT_DIR), CONTEXT.plan.report_key])],
        "task_dep": [f"test:{s.name}" for s in CONTEXT.plan.tests],
        "verbosity": 2,
    }
