"""The doit graph of a gauntlet project: toolchain → build → test → benchmark → report.

An adopting project's ``dodo.py`` is one line::

    from gauntlet.dodo import *  # noqa: F403, RUF100

The project is found from the working directory (or ``$GAUNTLET_PROJECT``).
Up-to-date checks are content keys (see :mod:`gauntlet.graph.plan`) compared with
the key recorded inside each result or next to each artifact, so they hold in
a fresh checkout that restores ``.gauntlet/`` and never trust mtimes.  Tests
can be selected by tag with ``GAUNTLET_SKIP_TAGS`` / ``GAUNTLET_ONLY_TAGS``
(comma-separated).

Importing this module does no work.  The project is loaded when doit first
asks for something: ``DOIT_CONFIG`` is a module attribute computed on access
(PEP 562), which the ``import *`` of a ``dodo.py`` does while doit loads it
(and doit's ``ModuleTaskLoader`` does through ``dir()``), and every task
generator of that run reuses what it loaded (see :func:`current`).
:class:`Graph` makes the tasks of an already loaded project.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet.adapters import doit_actions as act
from gauntlet.adapters.doit_reporter import reporter_for
from gauntlet.adapters.doit_select import aliases
from gauntlet.adapters.doit_state import recover_state
from gauntlet.atomic import check_writable, remove_stale_partials
from gauntlet.errors import GauntletError
from gauntlet.graph.plan import Step, StepKind
from gauntlet.run import toolchain
from gauntlet.run.actions import Job
from gauntlet.run.context import Context, load_context
from gauntlet.views.report import report_current

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

act.signed(report_current)

__all__ = [  # noqa: F822  (DOIT_CONFIG is computed on access: see __getattr__)
    "DOIT_CONFIG",
    "task_benchmark",
    "task_build",
    "task_report",
    "task_test",
    "task_toolchain",
]

DEFAULT_TASKS = ["toolchain", "build", "test", "benchmark", "report"]
Task = dict[str, Any]


class Graph:
    """The doit configuration and tasks of one loaded project.

    Every item is a plain task named ``kind:item`` (``test:tests/test_x.mojo``) and
    each kind has one plain aggregate task (``test``) that depends on its items.
    Items record their outcome and succeed; the aggregate fails when an outcome is
    bad.  So a failing test never blocks the report (which depends on the items).
    Every run that ran a failing item or report exits 1, ``doit test:FILE`` and
    ``doit report`` included (the reporter sets it: see
    :mod:`gauntlet.adapters.doit_reporter`), and 2 when a tool could not run.
    """

    def __init__(self, context: Context) -> None:
        self.context = context
        self.config = context.config
        self.build_dir = context.layout.build
        self.version = context.config.mojo_version

    def doit_config(self) -> dict[str, Any]:
        """``DOIT_CONFIG``: default tasks, state database, reporter."""
        return {
            "default_tasks": list(DEFAULT_TASKS),
            "backend": "sqlite3",
            "dep_file": str(self.build_dir.doit_state),
            "continue": True,
            "par_type": "thread",
            "reporter": reporter_for(self.build_dir.last_doit_run, self.config),
        }

    def job(self, step: Step) -> Job:
        """The typed work of one step, as its task's action receives it.

        Its results name the compiler by version (``mojo 1.2.0``); the plan's
        keys also hold what the compiler can do.
        """
        return Job.for_step(
            step, self.config, toolchain.identity(self.version), build=self.build_dir
        )

    def programs(self, step: Step) -> list[str]:
        """The cached programs a test or Mojo benchmark step may reuse (see run.actions)."""
        folders = {StepKind.TEST: ("tests",), StepKind.BENCHMARK: ("bench", "bench-callgrind")}
        return [
            self.build_dir.program_file(folder, step.source, step.key)
            for folder in folders.get(step.kind, ())
        ]

    def toolchain(self) -> Task:
        """The compiler task."""
        return {
            "actions": [(act.ensure_toolchain, [self.version])],
            "uptodate": [(act.toolchain_ready, [self.version])],
            "verbosity": 2,
        }

    def kind_tasks(
        self,
        kind: str,
        steps: tuple[Step, ...],
        action: Callable[..., act.Outcome],
        doc: str | None,
        extra: tuple[Any, ...] = (),
    ) -> Iterator[Task]:
        """One task per step (``kind:name``) and the aggregate task ``kind``."""
        items = [
            (f"{kind}:{s.name}", self.build_dir.file_at(s.output), s.key, self.programs(s))
            for s in steps
        ]
        for step, (name, output, key, programs) in zip(steps, items, strict=True):
            yield {
                "basename": name,
                "doc": f"{step.kind.value} {step.source} ({len(step.inputs)} files in its closure)",
                "actions": [(action, [self.version, self.job(step), *extra])],
                "uptodate": [(act.outcome_current, [kind, output, key, programs])],
                # shown by `doit info`, removed by `doit clean`; the closure is not a
                # file_dep: content keys decide (see benchmarks/scale.py for the cost)
                "targets": [output],
                "clean": [(act.clean_outputs, [output, programs])],
                "meta": {"closure": step.inputs},
                # a Python benchmark may import the project's extension modules
                "task_dep": ["toolchain", "build"]
                if step.kind is StepKind.PY_BENCHMARK
                else ["toolchain"],
            }
        for alias, names in aliases(kind, (s.name for s in steps), sys.argv[1:]).items():
            yield {
                "basename": alias,
                "doc": f"{len(names)} {kind} task(s) matching {alias!r}: {', '.join(names)}",
                "actions": None,
                "task_dep": names,
            }
        yield {
            "basename": kind,
            "doc": doc,
            "actions": [(act.check_outcomes, [kind, items])],
            "uptodate": [(act.all_current, [kind, items])],
            "task_dep": [name for name, *_ in items],
        }

    def builds(self, doc: str | None) -> Iterator[Task]:
        """Packages, executables and extension modules."""
        plan = self.context.plan
        kinds = (StepKind.PACKAGE, StepKind.EXECUTABLE, StepKind.EXTENSION)
        steps = tuple(step for kind in kinds for step in plan.of_kind(kind))
        yield from self.kind_tasks("build", steps, act.build, doc)

    def tests(self, doc: str | None) -> Iterator[Task]:
        """One task per test file."""
        yield from self.kind_tasks("test", self.context.plan.tests, act.run_test, doc)

    def benchmarks(self, doc: str | None) -> Iterator[Task]:
        """One task per Mojo or Python benchmark file."""
        plan = self.context.plan
        steps = plan.of_kind(StepKind.BENCHMARK) + plan.of_kind(StepKind.PY_BENCHMARK)
        yield from self.kind_tasks("benchmark", steps, act.run_benchmark, doc, extra=(self.config,))

    def report(self) -> Task:
        """The merged report of the planned tests."""
        plan = self.context.plan
        return {
            "actions": [(act.make_report, [plan, self.build_dir])],
            "uptodate": [(report_current, [self.build_dir, plan.report_key])],
            "targets": [str(self.build_dir.junit_mojo), str(self.build_dir.summary)],
            "clean": True,
            "task_dep": [f"test:{s.name}" for s in plan.tests],
            "verbosity": 2,
        }


def _load(folder: Path, explicit: str, skip: str, only: str) -> Graph:
    act.forget_verdicts()  # a new run checks every outcome afresh
    env = {"GAUNTLET_SKIP_TAGS": skip, "GAUNTLET_ONLY_TAGS": only}
    context = _without_gc(load_context, Path(explicit) if explicit else folder, env)
    for problem in context.diagnostics:
        sys.stderr.write(f"gauntlet: warning: {problem}\n")
    build = context.layout.build
    # A read-only or misplaced build folder is one clear error now, not a traceback
    # from doit's state database and one per task later.
    made = [build.results, build.test_result("x").parent, build.bench_results]
    made.append(build.last_doit_run.parent)
    check_writable(build.path, *(folder for folder in made if folder.is_dir()))
    recover_state(context.layout.build.doit_state)  # before doit opens it
    # What a killed run was writing; a concurrent run's partials are left alone.
    remove_stale_partials(context.layout.build.path)
    act.load_verdicts(build.verdicts)
    return Graph(context)


def _without_gc(load: Callable[..., Context], where: Path, env: dict[str, str]) -> Context:
    """Load with the cyclic garbage collector paused, then keep it off what was loaded.

    Loading a large tree allocates hundreds of thousands of objects that live
    for the whole run and hold no garbage cycles; each collection the
    allocations trigger would scan them all again (about a quarter of a no-op
    run on a 2,000-file tree).  So collection pauses while loading, and what
    is loaded is moved to the permanent generation (``gc.freeze``) until the
    next load; reference counting frees objects as always.
    """
    gc.unfreeze()  # a previous load of this process may be collected again
    enabled = gc.isenabled()
    gc.disable()
    try:
        return load(where, selected=True, env=env)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


class _Loaded:
    """The graph of the current doit run, and what it was loaded for."""

    key: tuple[Path, str, str, str] | None = None
    graph: Graph | None = None


def current(*, fresh: bool = False) -> Graph:
    """The graph of the project doit runs in (the working directory, the environment).

    doit reads ``DOIT_CONFIG`` once at the start of a run, before it calls any
    task generator: that read loads the project afresh (``fresh``), and the
    generators reuse it, so a run loads once and the next run in the same
    process sees the files as they are then.  A configuration error ends the run
    with its exit code (3) and a message naming file, line and key.
    """
    env = os.environ
    key = (
        Path.cwd(),
        env.get("GAUNTLET_PROJECT", ""),
        env.get("GAUNTLET_SKIP_TAGS", ""),
        env.get("GAUNTLET_ONLY_TAGS", ""),
    )
    if fresh or _Loaded.graph is None or _Loaded.key != key:
        try:
            _Loaded.graph, _Loaded.key = _load(*key), key
        except GauntletError as exc:
            sys.stderr.write(f"gauntlet: error: {exc}\n")
            raise SystemExit(int(exc.exit_code)) from None
    return _Loaded.graph


def __getattr__(name: str) -> Any:
    """``DOIT_CONFIG``, computed when doit (or ``import *``) first reads it."""
    if name == "DOIT_CONFIG":
        return current(fresh=True).doit_config()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names with ``DOIT_CONFIG`` (``inspect.getmembers`` lists these)."""
    return sorted({*globals(), "DOIT_CONFIG"})


# -- task generators: each asks the graph of the current project ----------------------


def task_toolchain() -> Task:
    """Find the configured Mojo compiler, installing it into the shared cache if missing."""
    return current().toolchain()


def task_build() -> Iterator[Task]:
    """Build Mojo packages (.mojoc), executables and Python extension modules."""
    yield from current().builds(task_build.__doc__)


def task_test() -> Iterator[Task]:
    """Compile and run each Mojo test file; one result per test function."""
    yield from current().tests(task_test.__doc__)


def task_benchmark() -> Iterator[Task]:
    """Run each Mojo and Python benchmark whose inputs changed; store results as JSON."""
    yield from current().benchmarks(task_benchmark.__doc__)


def task_report() -> Task:
    """Merge test results into JUnit XML and a JSON summary; print totals and failures."""
    return current().report()
