"""Python benchmarks: which files, their content keys, and running one.

```toml
[tool.gauntlet.bench]
python = ["benchmarks/*.py"]   # globs relative to the project root
```

A matched file named ``test_*.py`` or ``*_test.py`` is a pytest-benchmark
file: it runs as ``python -m pytest FILE --benchmark-json=...`` (pytest-benchmark
must be installed) and every sample of its JSON is recorded.  Any other file is
a script run as ``python FILE``; it prints gauntlet JSON lines on stdout (see
:mod:`gauntlet.benchparse`), e.g. ``{"name": "relu", "unit": "us", "samples":
[...]}``.  Both run in the project root with ``PYTHONPATH`` holding the built
extension modules (``<build-dir>/build/python``), the file's folder and the
root, so a benchmark can import the project's Mojo extensions; with
``realtime = true`` (the default) under ``chrt -f 1`` where permitted.

A Python benchmark's key covers the file, every project Python file it imports
(found by reading ``import`` statements, transitively, from the file's folder
and the root), the build keys of the extension modules it imports, the Python
version and ``[tool.gauntlet.bench]``.  So ``doit benchmark`` reruns it only
when one of those changed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
import tempfile
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.benchmeasure import realtime_prefix
from gauntlet.benchparse import parse_output, parse_pytest_benchmark
from gauntlet.errors import ResultError
from gauntlet.testoutput import clean, tail

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gauntlet.benchresults import Measurement
    from gauntlet.config import Config

EXTENSION_FOLDER = "build/python"


def is_pytest_file(source: str) -> bool:
    """Whether ``source`` is run by pytest (``test_*.py`` / ``*_test.py``)."""
    name = PurePosixPath(source).name
    return fnmatchcase(name, "test_*.py") or fnmatchcase(name, "*_test.py")


def python_benchmarks(config: Config, patterns: tuple[str, ...]) -> list[str]:
    """Root-relative paths of the files the ``python`` globs match, sorted."""
    found: set[str] = set()
    for pattern in patterns:
        for path in config.root.glob(pattern):
            if path.is_file() and path.suffix == ".py":
                found.add(path.relative_to(config.root).as_posix())
    return sorted(found)


def imported_modules(path: Path) -> set[str]:
    """Dotted names of every module ``path`` imports (relative imports made absolute)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return set()  # running it will report the problem with its line
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _module_file(name: str, folders: list[Path]) -> Path | None:
    parts = name.split(".")
    for folder in folders:
        for candidate in (folder.joinpath(*parts).with_suffix(".py"),
                          folder.joinpath(*parts, "__init__.py")):  # fmt: skip
            if candidate.is_file():
                return candidate
    return None


def closure(root: Path, source: str) -> tuple[list[str], set[str]]:
    """The project Python files ``source`` imports (itself first) and all module names seen."""
    folders = [(root / source).parent, root]
    seen: dict[Path, None] = {(root / source).resolve(): None}
    names: set[str] = set()
    todo = list(seen)
    while todo:
        modules = imported_modules(todo.pop())
        names |= modules
        for name in sorted(modules):
            found = _module_file(name, folders)
            if found is not None and found.resolve() not in seen:
                seen[found.resolve()] = None
                todo.append(found.resolve())
    files = [p.relative_to(root.resolve()).as_posix() for p in seen]
    return files, names


def python_key(
    config: Config, source: str, extension_keys: Mapping[str, str], settings: object
) -> tuple[list[str], str]:
    """The files a Python benchmark reads and its content key."""
    files, names = closure(config.root, source)
    top = {n.split(".")[0] for n in names}
    digest = hashlib.sha256()
    payload = {
        "kind": "python-benchmark",
        "source": source,
        "files": [(f, hashlib.sha256((config.root / f).read_bytes()).hexdigest()) for f in files],
        "extensions": sorted((n, k) for n, k in extension_keys.items() if n in top),
        "python": sys.version,
        "bench": settings,
    }
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
    return files, digest.hexdigest()[:20]


def run_python_benchmark(
    root: str, source: str, out_dir: str, timeout: float, *, realtime: bool = False
) -> tuple[Measurement, ...]:
    """Run one Python benchmark and parse what it reports (ResultError naming the file).

    With ``realtime`` it runs under ``chrt -f 1`` where permitted, as Mojo
    benchmarks do (see :mod:`gauntlet.benchmeasure`).
    """
    folder = Path(root, source).parent
    env_path = [str(Path(out_dir) / EXTENSION_FOLDER), str(folder), root]
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
