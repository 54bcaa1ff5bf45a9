"""A pytest plugin for the affected-test selection (``-p gauntlet.adapters.pytest_affected``).

* ``GAUNTLET_AFFECTED_RECORD=FILE`` (a full run): writes each test's outcome,
  and whether it started a Python subprocess, to ``FILE`` — the test map's
  other half beside the coverage contexts (:mod:`gauntlet.graph.affectmap`).
* ``GAUNTLET_AFFECTED_SELECT=affected.json`` (an affected run): deselects the
  tests ``affected.json`` lists as unaffected, prints how many run and why,
  and adds the tests that ran to the file.

A Python subprocess is one whose program is a Python interpreter or a script
with a ``#!...python`` line (console scripts such as ``nox``, ``gauntlet``).
While a full run records, each test's Python subprocesses are measured too,
under the test's own name: the test's environment carries coverage.py's
subprocess configuration (``COVERAGE_PROCESS_CONFIG``, read at start-up by the
``.pth`` file coverage.py installs) with the test id as its static context,
so the map credits the test with what its subprocesses ran.  Only a
subprocess started without that variable (an environment built from
nothing, an interpreter without coverage.py) marks its test as one that
reruns on any change.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess  # nosec B404 - only wrapped, to notice tests that start Python
from pathlib import Path
from typing import Any

import pytest

from gauntlet.atomic import write_text_atomic
from gauntlet.graph.affected import RECORD, SELECT

_WORST = ("passed", "xfailed", "skipped", "failed", "error")


def is_python(argv: Any) -> bool:
    """Whether ``argv`` (a Popen argument) starts a Python program."""
    first = argv if isinstance(argv, (str, bytes, os.PathLike)) else next(iter(argv), "")
    program = os.fsdecode(first).split()[0] if os.fsdecode(first).strip() else ""
    if Path(program).name.startswith("python"):
        return True
    found = shutil.which(program) if program else None
    try:
        with open(found or program, "rb") as script:  # noqa: PTH123
            head = script.readline(200)
    except OSError:
        return False
    return head.startswith(b"#!") and b"python" in head


class _Recorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.current = ""
        self.outcomes: dict[str, str] = {}
        self.spawned: set[str] = set()
        self.original = subprocess.Popen.__init__

        recorder = self

        def spy(popen: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
            env = kwargs.get("env")
            measured = _CHILD in (os.environ if env is None else env)
            if recorder.current and not measured and is_python(args):
                recorder.spawned.add(recorder.current)
            recorder.original(popen, args, *rest, **kwargs)

        subprocess.Popen.__init__ = spy  # type: ignore[method-assign,assignment]

    def outcome(self, report: pytest.TestReport) -> None:
        if report.when == "call" or report.outcome != "passed":
            if hasattr(report, "wasxfail"):
                outcome = "xfailed"
            elif report.when != "call" and report.outcome == "failed":
                outcome = "error"
            else:
                outcome = report.outcome
            old = self.outcomes.get(report.nodeid, "passed")
            self.outcomes[report.nodeid] = max(old, outcome, key=_WORST.index)

    def write(self) -> None:
        subprocess.Popen.__init__ = self.original  # type: ignore[method-assign]
        rows = {n: [o, int(n in self.spawned)] for n, o in sorted(self.outcomes.items())}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.path, json.dumps(rows))


_recorder: _Recorder | None = None
_CHILD = "COVERAGE_PROCESS_CONFIG"


def _measure_children(test: str) -> None:
    """Have the Python subprocesses of ``test`` measured under its name (or none, for "")."""
    os.environ.pop(_CHILD, None)
    try:
        import coverage
    except ImportError:
        return
    current = coverage.Coverage.current()
    if not test or current is None:
        return
    config = copy.copy(current.config)
    config.context = test  # the static context of everything the subprocess runs
    config.parallel = True  # its own data file, combined with the run's at the end
    os.environ[_CHILD] = config.serialize()


def pytest_configure(config: pytest.Config) -> None:
    global _recorder  # noqa: PLW0603 - one recording per pytest session
    record = os.environ.get(RECORD)
    _recorder = _Recorder(Path(record)) if record else None


def pytest_runtest_protocol(item: pytest.Item) -> None:
    if _recorder is not None:
        _recorder.current = item.nodeid
        _measure_children(item.nodeid)


def pytest_runtest_logfinish() -> None:
    if _recorder is not None:
        _measure_children("")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if _recorder is not None:
        _recorder.outcome(report)


def _selection() -> tuple[Path, dict[str, Any]] | None:
    path = os.environ.get(SELECT)
    if not path:
        return None
    return Path(path), json.loads(Path(path).read_text(encoding="utf-8"))


@pytest.hookimpl(trylast=True)  # after -m and -k deselected theirs
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    chosen = _selection()
    if chosen is None:
        return
    path, data = chosen
    unaffected = set(data.get("unaffected", ()))
    keep = [i for i in items if i.nodeid not in unaffected]
    dropped = [i for i in items if i.nodeid in unaffected]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
    data["selected"] = [i.nodeid for i in keep]
    data["collected"] = len(keep) + len(dropped)
    write_text_atomic(path, json.dumps(data, indent=1))
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        if data.get("everything"):
            line = f"affected tests: all {len(keep)} run ({data.get('reason')})"
        else:
            line = (
                f"affected tests: {len(keep)} of {data['collected']} run, "
                f"{len(dropped)} unaffected since run {data.get('map_run')} "
                f"({len(data.get('changed_files', ()))} files changed; list in {path})"
            )
        reporter.write_line(line)
        if config.getoption("verbose") > 0:
            for item in keep:
                reporter.write_line(f"  runs: {item.nodeid}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _recorder is not None:
        _recorder.write()
