"""Running one shard's part: its Mojo test tasks through doit, its Python files through pytest.

The Mojo files go to the project's doit graph as task names
(``doit test:<file> ...``), so a shard builds only what its tests need and
reuses whatever the build folder (or a restored cache) holds.  The Python
files go to pytest on the interpreter running gauntlet.  What the shard ran
lands in one folder (:meth:`gauntlet.layout.RepoDir.shard`), the artifact
the fan-in job merges::

    shard.json                      index, count, files, exit codes, seconds
    python/junit-python-X.Y.xml     pytest's report of the shard's Python files
    python/.coverage.pyX.Y          their coverage data (when pytest-cov is installed)
    mojo/<file>.json                the Mojo results of the shard's test files
    junit-mojo.xml                  those results as JUnit
    last-doit-run.json              the doit run's tasks (for the history)
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ExitCode, ResultError
from gauntlet.layout import slug
from gauntlet.masking import mask_file
from gauntlet.results.covcombine import data_file
from gauntlet.results.junit import write_junit
from gauntlet.results.records import read_result

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from gauntlet.run.context import Context
    from gauntlet.shard.balance import Shard

RECORD_SCHEMA = 1
RECORD = "shard.json"
NO_TESTS_COLLECTED = 5  # pytest's exit code when it found no test


def python_version() -> str:
    """The ``X.Y`` of the interpreter the Python tests run on."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


@dataclass(frozen=True)
class ShardRun:
    """What running a part did: each tool's exit code (None: not needed) and the seconds."""

    doit: int | None
    pytest: int | None
    seconds: float

    @property
    def exit_code(self) -> ExitCode:
        """0 when every tool passed, 1 when a test failed."""
        bad = [c for c in (self.doit, self.pytest) if c not in (None, 0, NO_TESTS_COLLECTED)]
        return ExitCode.FAILED if bad else ExitCode.OK


def _mojo(context: Context, files: Sequence[str], out: Path, echo: Callable[[str], None]) -> int:
    repo = context.config.pyproject.parent
    dodo = repo / "dodo.py"
    argv = [sys.executable, "-m", "doit", "-f", str(dodo), *(f"test:{f}" for f in files)]
    done = runner.run(argv, cwd=repo, on_line=echo)
    build = context.layout.build
    results = []
    for file in files:
        source = build.test_result(file)
        try:
            results.append(read_result(source))
        except ResultError as exc:
            echo(f"gauntlet: warning: {exc}")  # the merge reports the file as missing
            continue
        (out / "mojo").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, out / "mojo" / f"{slug(file)}.json")
    if results:
        write_junit(out / "junit-mojo.xml", results)
    if build.last_doit_run.is_file():
        shutil.copyfile(build.last_doit_run, out / "last-doit-run.json")
    return ExitCode.TOOL_ERROR if done.returncode is None else done.returncode


def _python(
    repo: Path, files: Sequence[str], out: Path, args: Sequence[str], echo: Callable[[str], None]
) -> int:
    junit = out / "python" / f"junit-python-{python_version()}.xml"
    junit.parent.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(repo)]
    env = dict(os.environ)
    if importlib.util.find_spec("pytest_cov") is not None:  # measured as `nox -s tests` does
        argv += ["--cov", "--cov-branch", "--cov-report=", "--cov-fail-under=0"]
        env["COVERAGE_FILE"] = str(data_file(junit.parent, python_version()))
    argv += [f"--junitxml={junit}", *args, "--", *files]
    done = runner.run(argv, cwd=repo, env=env, on_line=echo)
    if junit.is_file():
        mask_file(junit)
    return ExitCode.TOOL_ERROR if done.returncode is None else done.returncode


def run_part(
    context: Context,
    part: Shard,
    count: int,
    out: Path,
    *,
    pytest_args: Sequence[str] = (),
    echo: Callable[[str], None] = print,
) -> ShardRun:
    """Run ``part`` into ``out`` (emptied first) and record it there as ``shard.json``."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.time()
    mojo, python = part.paths("mojo"), part.paths("python")
    repo = context.config.pyproject.parent
    doit = _mojo(context, mojo, out, echo) if mojo else None
    pytest = _python(repo, python, out, pytest_args, echo) if python else None
    done = ShardRun(doit, pytest, time.time() - started)
    record = {
        "schema_version": RECORD_SCHEMA,
        "index": part.index,
        "count": count,
        "files": {"mojo": list(mojo), "python": list(python)},
        "exit": {"doit": doit, "pytest": pytest},
        "started_at": started,
        "seconds": round(done.seconds, 3),
    }
    write_text_atomic(out / RECORD, json.dumps(record, indent=1) + "\n")
    return done
