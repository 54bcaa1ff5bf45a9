"""Python benchmarks: which files, their content keys, and running one.

```toml
[tool.gauntlet.bench]
python = ["benchmarks/*.py"]   # globs relative to the project root
```

A matched file named ``test_*.py`` or ``*_test.py`` is a pytest-benchmark
file: it runs as ``python -m pytest FILE --benchmark-json=...`` (pytest-benchmark
must be installed) and every sample of its JSON is recorded.  Any other file is
a script run as ``python FILE``; it prints gauntlet JSON lines on stdout (see
:mod:`gauntlet.bench.parse`), e.g. ``{"name": "relu", "unit": "us", "samples":
[...]}``.  Both run in the project root with ``PYTHONPATH`` holding the built
extension modules (``<build-dir>/build/python``), the file's folder and the
root, so a benchmark can import the project's Mojo extensions; with
``realtime = true`` (the default) under ``chrt -f 1`` where permitted.  Which files
are benchmarks and their keys: :mod:`gauntlet.graph.pykeys`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.bench.parse import parse_output, parse_pytest_benchmark
from gauntlet.errors import ResultError
from gauntlet.layout import BuildDir
from gauntlet.results.testoutput import clean, tail
from gauntlet.run.benchmeasure import realtime_prefix

if TYPE_CHECKING:
    from gauntlet.bench.records import Measurement


def is_pytest_file(source: str) -> bool:
    """Whether ``source`` is run by pytest (``test_*.py`` / ``*_test.py``)."""
    name = PurePosixPath(source).name
    return fnmatchcase(name, "test_*.py") or fnmatchcase(name, "*_test.py")


def run_python_benchmark(
    root: str, source: str, out_dir: str, timeout: float, *, realtime: bool = False
) -> tuple[Measurement, ...]:
    """Run one Python benchmark and parse what it reports (ResultError naming the file).

    With ``realtime`` it runs under ``chrt -f 1`` where permitted, as Mojo
    benchmarks do (see :mod:`gauntlet.run.benchmeasure`).
    """
    folder = Path(root, source).parent
    env_path = [str(BuildDir(Path(out_dir)).extensions), str(folder), root]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(env_path)}
    with tempfile.TemporaryDirectory(prefix="gauntlet-pybench-") as scratch:
        report = Path(scratch) / "benchmark.json"
        argv = [sys.executable, source]
        if is_pytest_file(source):
            argv = [sys.executable, "-m", "pytest", source, "-q", "-p", "no:cacheprovider",
                    f"--benchmark-json={report}"]  # fmt: skip
        prefix = list(realtime_prefix()) if realtime else []
        done = runner.run([*prefix, *argv], cwd=root, env=env, timeout=timeout)
        if done.timed_out:
            raise ResultError(f"{source}: timed out after {timeout:g} s and was killed")
        if not done.ok:
            output = clean(done.stderr) or clean(done.stdout)
            raise ResultError(f"{source}: exited with code {done.returncode}: {tail(output, 5)}")
        if is_pytest_file(source):
            if not report.is_file():
                raise ResultError(
                    f"{source}: pytest wrote no benchmark JSON; is pytest-benchmark installed?"
                )
            return parse_pytest_benchmark(report.read_text(encoding="utf-8"), source)
    return parse_output(done.stdout, f"{source} stdout", "jsonl")
