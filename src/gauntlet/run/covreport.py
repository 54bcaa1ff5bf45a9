"""The Mojo coverage report of a project: which sources count, and the traces merged.

The sources are the project's Mojo files minus tests, benchmarks, examples
and the files in their folders, the sources of Python extension modules and
``exclude``; ``[tool.gauntlet.coverage] source`` narrows them and ``omit``
drops more (:mod:`gauntlet.config.coverage`).  A file that is a program of its
own (a module-level ``main``: a benchmark, fuzzer or tool at the root of a
repository; or ``PyInit_*``: a Python extension module) and that no test
program imports is left out too: no Mojo test can run it, and counting it
as missed would only say that it is not a library.  A ``source`` entry naming
the file itself keeps it.  Each planned test's trace
(:mod:`gauntlet.run.covtrace`) is read if it was made for the test's current
key; a test with no current trace is listed as not traced, never silently
left out.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from gauntlet import __version__
from gauntlet.graph.discover import NOT_LIBRARIES, under
from gauntlet.graph.resolve import MOJO_SUFFIXES
from gauntlet.linecov.merge import MojoCoverage, Trace, merge
from gauntlet.linecov.report import write_reports
from gauntlet.linecov.statements import scan_statements
from gauntlet.run.covtrace import current_trace

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from gauntlet.config.load import Config
    from gauntlet.run.context import Context


def is_measured(path: str, config: Config) -> bool:
    """Whether the Mojo coverage report counts the project file ``path``."""
    settings = config.coverage
    folders = path.split("/")[:-1]
    places = [p for p in (*config.tests, *config.benchmarks) if p != "."]
    name = path.rpartition("/")[2]
    if name.startswith(("test_", "bench_")) or under(path, places) or NOT_LIBRARIES & {*folders}:
        return False
    if any(path == ext.source for ext in config.extensions):
        return False
    if any(fnmatchcase(path, p) for p in (*config.exclude, *settings.omit)):
        return False
    return not settings.source or under(path, settings.source)


def is_program(text: str) -> bool:
    """Whether a Mojo source is a program of its own: a module-level ``main`` or ``PyInit_*``."""
    names = [function.name for function in scan_statements(text).functions]
    return any(name == "main" or name.startswith("PyInit_") for name in names)


def coverage_sources(context: Context) -> dict[str, str]:
    """The measured Mojo sources of the project, path → text."""
    config, project = context.config, context.project
    tested = {path for test in project.tests for path in project.closure((test,))}
    named = set(config.coverage.source)
    found = {}
    for path in sorted(project.files):
        if path.endswith(MOJO_SUFFIXES) and is_measured(path, config):
            text = (config.root / path).read_text(encoding="utf-8", errors="replace")
            if path in tested or path in named or not is_program(text):
                found[path] = text
    return found


def report_coverage(
    context: Context, trace_key: Callable[[str], str | None]
) -> tuple[MojoCoverage, Path, Path]:
    """Merge the current traces of every planned test; write coverage.json and coverage.xml.

    ``trace_key(test)`` is the key a test's trace must have been made for
    (None: it cannot be traced here).
    """
    build = context.layout.build
    traces: list[Trace] = []
    untraced: list[tuple[str, str]] = []
    for step in context.plan.tests:
        key = trace_key(step.source)
        record = None if key is None else current_trace(build.coverage_trace(step.source), key)
        if record is None:
            untraced.append((step.source, "no trace for its current content; run `doit coverage`"))
        elif record.trace is None:
            untraced.append((step.source, record.message))
        else:
            traces.append(record.trace)
    report = merge(coverage_sources(context), traces, untraced)
    as_json, as_xml = write_reports(
        report, build.mojo_coverage, str(context.config.root), f"gauntlet {__version__}"
    )
    return report, as_json, as_xml
