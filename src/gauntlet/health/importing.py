"""``gauntlet history import DIR``: the results folder of a pipeline run, as one run.

A CI job that ran elsewhere leaves its results folder; importing it records
what could be read (test cases, coverage, benchmarks, gates, doit tasks, the
pipeline's start) and names what could not.  A folder in which nothing could
be read is recorded as "no data", never as passed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

from gauntlet.errors import ConfigError
from gauntlet.health.files import doit_tasks, folder_results
from gauntlet.health.model import Outcome
from gauntlet.health.rows import TaskRow

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from gauntlet.health.rows import RunInfo
    from gauntlet.health.store import Store


def _read_json(path: Path, what: str, problems: list[str]) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(f"{path}: malformed {what} ({exc})")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}: malformed {what} (not a JSON object)")
        return None
    return data


def _files(folder: Path, pattern: str) -> Iterator[Path]:
    yield from sorted(folder.rglob(pattern))


class Imported(NamedTuple):
    """What an import recorded: the run, the files it could not read, and the outcome."""

    run_id: str
    problems: list[str]
    outcome: Outcome


_LISTED = 10  # unread files named one by one when nothing could be read


def _unread(folder: Path, files: list[Path]) -> str:
    names = [str(p.relative_to(folder)) for p in files]
    shown = ", ".join(names[:_LISTED])
    more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
    return (
        f"{folder}: no result file gauntlet reads could be read; the run is recorded "
        f"as no data (files found: {shown}{more})"
    )


def import_folder(store: Store, folder: Path, info: RunInfo) -> Imported:
    """Record the result files a pipeline wrote elsewhere as one finished run.

    A folder in which nothing could be read (a malformed report, stray files)
    is recorded as "no data", never as passed, and every file is named.
    """
    if not folder.is_dir():
        raise ConfigError(f"{folder}: no such folder; give the results folder of a pipeline run")
    results, problems, passed = folder_results(folder)
    files = [p for p in _files(folder, "*") if p.is_file()]
    if not files:
        raise ConfigError(f"{folder}: holds no result files to import")
    stamps = [p.stat().st_mtime for p in files]
    started = min(stamps)
    tasks: tuple[TaskRow, ...] = ()
    for path in _files(folder, "last-doit-run.json"):
        record = _read_json(path, "doit run record", problems)
        if record is not None:
            tasks = tuple(doit_tasks(record))
            started = min(started, float(record.get("started_at", started)))
    for path in _files(folder, "pipeline.json"):
        pipeline = _read_json(path, "pipeline record", problems)
        if pipeline is not None and "started_at" in pipeline:
            started = float(pipeline["started_at"])
    full = replace(results, tasks=tasks)
    evidence = (tasks, results.cases, results.coverage, results.mojo_coverage,
                results.benchmarks, results.gates)  # fmt: skip
    if passed is None and not any(part for part in evidence):
        outcome = Outcome.NO_DATA
        problems.append(_unread(folder, files))
    elif passed is None:
        failing = any(c.status in ("failed", "error") for c in results.cases)
        failing = failing or any(t.status in ("failed", "error") for t in tasks)
        outcome = Outcome.FAILED if failing else Outcome.PASSED
    else:
        outcome = Outcome.PASSED if passed else Outcome.FAILED
    run_id = store.record_run(info, full, outcome, started=started, finished=max(stamps))
    return Imported(run_id, problems, outcome)
