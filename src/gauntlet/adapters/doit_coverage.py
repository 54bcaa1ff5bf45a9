"""The ``coverage`` part of the doit graph: ``doit coverage`` (Mojo line coverage).

One task per test file, ``coverage:FILE``, traces its program under valgrind
(:mod:`gauntlet.run.covtrace`); it is current while a trace made for the same
key is on disk.  The aggregate ``coverage`` merges the current traces into the
reports and prints the per-file table (:mod:`gauntlet.run.covreport`); it runs
every time (0.1-0.2 s), since printing the table is what it is asked for.
Without valgrind there is only the aggregate, which says how to install it and
exits 2.  Not a default task.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from doit.exceptions import TaskError, TaskFailed

from gauntlet.adapters.doit_actions import Outcome, failure, run_job, signed
from gauntlet.errors import GauntletError
from gauntlet.run import covtrace

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gauntlet.adapters.doit_tasks import Graph
    from gauntlet.run.actions import Job
    from gauntlet.run.context import Context

Task = dict[str, Any]


def coverage_tasks(graph: Graph, doc: str | None) -> Iterator[Task]:
    """One trace per test file (``coverage:FILE``) and the merged report (``coverage``)."""
    tracer = covtrace.find_tracer()
    if tracer is None:
        yield {"basename": "coverage", "doc": doc, "actions": [(tracer_missing, [])]}
        return
    build, target_cpu = graph.build_dir, graph.config.coverage.target_cpu
    keys: dict[str, str] = {}
    names = []
    for step in graph.context.plan.tests:
        output = str(build.coverage_trace(step.source))
        job = covtrace.trace_job(graph.job(step), output, target_cpu, tracer)
        keys[step.source] = job.key
        names.append(f"coverage:{step.name}")
        yield {
            "basename": names[-1],
            "doc": f"trace {step.source} for Mojo line coverage",
            "actions": [(trace_coverage, [graph.version, job])],
            "uptodate": [(trace_current, [output, job.key])],
            "targets": [output],
            "clean": True,
            "task_dep": ["toolchain"],
        }
    yield {
        "basename": "coverage",
        "doc": doc,
        "actions": [(coverage_report, [graph.context, keys])],
        "task_dep": names,
        "verbosity": 2,
    }


def trace_coverage(version: str, job: Job) -> Outcome:
    """Build one test file for coverage and run it under the tracer."""
    try:
        tracer = covtrace.ensure_tracer()
    except GauntletError as exc:
        return TaskError(str(exc))

    def work(job: Job) -> dict[str, Any]:
        return covtrace.trace_test(job, tracer)

    done = run_job(work, version, job)
    if isinstance(done, dict) and done.get("status") == "error":
        return TaskFailed(f"{job.source}: {done['message']}")
    return done


def trace_current(output: str, key: str) -> bool:
    """Up-to-date check of one trace: recorded for ``key`` (a compile error included)."""
    return covtrace.current_trace(Path(output), key) is not None


def tracer_missing() -> Outcome:
    """The ``coverage`` task when valgrind is not installed: say how to install it (exit 2)."""
    return TaskError(covtrace.TRACER_HINT)


def coverage_report(context: Context, keys: dict[str, str]) -> Outcome:
    """Merge the traces into coverage.json / coverage.xml and print the per-file table."""
    from gauntlet.run.covreport import report_coverage
    from gauntlet.views.console import make_console
    from gauntlet.views.covtable import print_coverage

    try:
        report, as_json, as_xml = report_coverage(context, keys.get)
    except GauntletError as exc:
        return failure(exc)
    console = make_console()
    gates = context.config.gates
    print_coverage(report, console, gates.mojo_coverage_line if gates else None)
    console.print(f"reports: {as_json}  {as_xml}")
    if report.untraced:
        return TaskFailed(f"{len(report.untraced)} test file(s) could not be traced (see above)")
    return {"message": f"{report.percent or 0:.1f}% of {report.statements} Mojo statements"}


signed(trace_current)
