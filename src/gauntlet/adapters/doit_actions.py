"""What the doit tasks of :mod:`gauntlet.adapters.doit_tasks` call: actions and checks.

Each action receives typed values (a :class:`~gauntlet.run.actions.Job`, the
plan, the layout) as its task passes them; gauntlet runs doit with
``par_type = "thread"``, and the values are picklable anyway.  Expected
failures become doit's ``TaskFailed`` with a message, never a traceback; an
output folder that cannot take a file is doit's ``TaskError`` (exit 2).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from doit.exceptions import TaskError, TaskFailed

from gauntlet import runner
from gauntlet.atomic import write_text_atomic
from gauntlet.bench.file import read_bench_key
from gauntlet.errors import GauntletError, OutputError
from gauntlet.results.records import current_result
from gauntlet.results.stamp import Check, failure_path, settled_before, stamp_path
from gauntlet.run import actions, toolchain
from gauntlet.views.report import collect, write_report

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from gauntlet.config.load import Config
    from gauntlet.graph.plan import Plan
    from gauntlet.layout import BuildDir
    from gauntlet.run.actions import Job

Outcome: TypeAlias = "dict[str, Any] | TaskFailed | TaskError"


def failure(exc: GauntletError) -> TaskFailed | TaskError:
    """doit's failure for an expected error: an unwritable output is a tool error (exit 2)."""
    return TaskError(str(exc)) if isinstance(exc, OutputError) else TaskFailed(str(exc))


def _mojo(version: str) -> tuple[str, str] | TaskFailed:
    """The compiler's path and capability tag."""
    try:
        found = toolchain.find(version)
        if found is None:
            return TaskFailed(f"Mojo {version} is not installed; run `doit toolchain` first")
        return str(found.mojo), found.capabilities().tag
    except GauntletError as exc:
        return TaskFailed(str(exc))


def ensure_toolchain(version: str) -> Outcome:
    """Find or install the configured compiler."""
    try:
        found = toolchain.ensure(version, echo=lambda line: print(line, flush=True))  # noqa: T201
    except GauntletError as exc:
        return failure(exc)
    return {"message": f"Mojo {found.version} at {found.mojo}"}


def toolchain_ready(version: str) -> bool:
    """Up-to-date check of the toolchain task."""
    try:
        return toolchain.find(version) is not None
    except GauntletError:
        return False


def run_job(work: Callable[[Job], dict[str, Any]], version: str, job: Job) -> Outcome:
    """``work`` on ``job`` with the installed compiler; expected errors become doit's."""
    forget_verdicts()
    mojo = _mojo(version)
    if isinstance(mojo, TaskFailed):
        return mojo
    try:
        return work(replace(job, mojo=mojo[0], caps=mojo[1]))
    except runner.Interrupted:
        return TaskFailed("interrupted; no result written")
    except GauntletError as exc:
        return failure(exc)


def build(version: str, job: Job) -> Outcome:
    """Build one artifact."""
    return run_job(actions.build_artifact, version, job)


def run_test(version: str, job: Job) -> Outcome:
    """Compile and run one test file."""
    from gauntlet.run import testfile  # what writes results: not needed on a no-op run

    return run_job(testfile.run_test_file, version, job)


def run_benchmark(version: str, job: Job, config: Config) -> Outcome:
    """Compile and measure one benchmark file (see gauntlet.run.benchtask)."""
    forget_verdicts()
    from gauntlet.config.bench import bench_settings
    from gauntlet.run import benchtask

    try:
        settings = bench_settings(config)
    except GauntletError as exc:
        return TaskFailed(str(exc))
    commit = benchtask.git_commit(config.root)

    def work(job: Job) -> dict[str, Any]:
        return benchtask.run_benchmark_file(job, settings, commit)

    return run_job(work, version, job)


def outcome_current(kind: str, output: str, key: str, programs: Sequence[str] = ()) -> bool:
    """Up-to-date check of one item: its outcome was recorded for ``key`` and is good.

    A build artifact must match its stamp's digest.  A test or benchmark is
    judged by its result file (validated as it is read); its cached
    ``programs`` need not be kept, but one whose bytes no longer match its
    digest makes the item out of date, so it is rebuilt and rerun.

    A good verdict is remembered until the next action of this process
    starts (:func:`forget_verdicts`), with the ``stat`` (inode, size, times)
    of every file it read: the output, each program and their stamps.  The
    aggregate task asks again for every item of the same run and gets the
    answer just checked while none of those files changed; any change, or a
    new run, checks in full.
    """
    memo = (kind, output, key, tuple(programs))
    settled = settled_before()  # before the stat: a file changed since has a later ctime
    seen = _stats(kind, output, programs)
    if seen is not None and _verdicts.get(memo) == seen:
        return True
    good = _outcome_current(kind, output, key, programs)
    if good and seen is not None:
        _verdicts[memo] = seen
        _settled[memo] = settled
        _kept.changed = True
    return good


Memo: TypeAlias = "tuple[str, str, str, tuple[str, ...]]"
_verdicts: dict[Memo, tuple[object, ...]] = {}
_settled: dict[Memo, int] = {}
VERDICTS_SCHEMA = 1
KEPT = 2**63  # the settled mark of a verdict loaded from the last run


@dataclass
class _Kept:
    """Where this run's project keeps its verdicts, and whether it has new ones."""

    path: Path | None = None
    changed: bool = False


_kept = _Kept()


def forget_verdicts() -> None:
    """Drop every remembered verdict: a run starts, or an action may change outputs."""
    _verdicts.clear()
    _settled.clear()


def load_verdicts(path: Path) -> None:
    """The good verdicts the last run kept (:func:`save_verdicts`), held to the same rule:
    used only while the ``stat`` of every file they read is the same."""
    _kept.path, _kept.changed = path, False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != VERDICTS_SCHEMA:
            return
        for kind, output, key, programs, seen in data["verdicts"]:
            memo = (str(kind), str(output), str(key), tuple(map(str, programs)))
            _verdicts[memo] = tuple(None if s is None else tuple(s) for s in seen)
            _settled[memo] = KEPT  # it passed the rule when it was saved
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        forget_verdicts()  # a garbled file: every outcome is checked in full


def save_verdicts() -> None:
    """Keep this run's good verdicts for the next one.  Only those whose files all last
    changed in a clock tick before their check: a write in the same tick as the check
    could leave the stat as it was, a later one cannot."""
    rows = [
        [*memo[:3], list(memo[3]), list(seen)]
        for memo, seen in _verdicts.items()
        if memo in _settled and all(s is None or int(s[3]) < _settled[memo] for s in seen)  # type: ignore[index]
    ]
    if _kept.path is None or not _kept.changed:  # nothing new since they were loaded
        return
    with contextlib.suppress(OSError, GauntletError):  # a cache: next run checks in full
        text = json.dumps({"schema": VERDICTS_SCHEMA, "verdicts": rows})
        write_text_atomic(_kept.path, text)


def _stats(kind: str, output: str, programs: Sequence[str]) -> tuple[object, ...] | None:
    """The stat of the files an item's check reads; None when its output is missing.

    A build reads its artifact and stamp; a test or benchmark its result file
    (which holds its key) and each cached program with its stamp.
    """
    files = [output, output + ".key"] if kind == "build" else [output]
    files.extend(f"{p}{suffix}" for p in programs for suffix in ("", ".key"))
    found: list[object] = []
    for file in files:
        try:
            info = os.stat(file)  # noqa: PTH116 - a str: no Path per file on a no-op run
        except OSError:
            if file == output:
                return None
            found.append(None)
            continue
        found.append((info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return tuple(found)


def _outcome_current(kind: str, output: str, key: str, programs: Sequence[str]) -> bool:
    if kind == "build":
        return actions.artifact_current(output, key)
    if kind == "benchmark":
        good = read_bench_key(Path(output)) == (key, True)
    else:
        result = current_result(Path(output), key)
        good = result is not None and result.status.ok
    return good and all(actions.verify(Path(p), key) is not Check.CORRUPT for p in programs)


def clean_outputs(output: str, programs: Sequence[str] = ()) -> None:
    """``doit clean``: remove what one item built: its output, stamps and cached programs."""
    target = Path(output)
    junit = [target.with_suffix(".xml")] if target.suffix == ".json" else []
    for path in (target, stamp_path(target), failure_path(target), *junit):
        path.unlink(missing_ok=True)
    for program in map(Path, programs):
        # builds/<kind>/<source>/<key>/<program>: every kept key of this source goes
        shutil.rmtree(program.parent.parent, ignore_errors=True)


Item: TypeAlias = "tuple[str, str, str, list[str]]"  # task name, output, key, programs


def all_current(kind: str, items: list[Item]) -> bool:
    """Up-to-date check of an aggregate task."""
    return all(outcome_current(kind, output, key, programs) for _, output, key, programs in items)


def check_outcomes(kind: str, items: list[Item]) -> Outcome:
    """An aggregate task: fail when any of its items has a bad or missing outcome."""
    bad = [
        name
        for name, output, key, programs in items
        if not outcome_current(kind, output, key, programs)
    ]
    if bad:
        return TaskFailed(f"{len(bad)} of {len(items)} did not pass: {', '.join(bad)}")
    return {"message": f"{len(items)} passed"}


def make_report(plan: Plan, build: BuildDir) -> Outcome:
    """Merge test results, write JUnit and JSON, print the console tables."""
    from gauntlet.views.console import make_console, print_summary

    summary = collect(plan, build)
    try:
        junit, data = write_report(summary, build)
    except GauntletError as exc:
        return failure(exc)
    console = make_console()
    print_summary(summary, console)
    console.print(f"reports: {junit}  {data}")
    return {"status": summary.status.value, "message": f"{junit.name}, {data.name}"}


def signed(*functions: Callable[..., Any]) -> None:
    """Give each up-to-date check its signature once (``__signature__``).

    doit asks ``inspect.signature`` of every task's up-to-date callable on
    every run (to pass ``task`` or ``values`` when asked for); a function that
    carries its signature answers without inspecting its code again.
    """
    for function in functions:
        function.__signature__ = inspect.signature(function)  # type: ignore[attr-defined]


signed(toolchain_ready, outcome_current, all_current)
