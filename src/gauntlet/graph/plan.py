"""The task plan: what to build, test and benchmark, and each step's content key.

Pure: from a scanned project and the compiler identity to a list of steps.
A step's key is a digest of everything that can change its outcome: the
content of every file in its dependency closure, how imports resolved
(including the ones that did not), the compiler identity, the flags and the
relevant configuration.  Two runs with equal keys must give equal outcomes,
which is what lets a later run skip the step.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from gauntlet.graph.testdriver import DRIVER_VERSION
from gauntlet.layout import Layout

if TYPE_CHECKING:
    from gauntlet.graph.project import Project

# Bump when the meaning of a result file changes: every key changes with it.
PLAN_SCHEMA = 1


class StepKind(str, Enum):
    """What a step produces."""

    PACKAGE = "package"
    EXECUTABLE = "executable"
    EXTENSION = "extension"
    TEST = "test"
    BENCHMARK = "benchmark"
    PY_BENCHMARK = "python-benchmark"


@dataclass(frozen=True)
class Step:
    """One unit of work in the graph, with the files it reads and writes."""

    kind: StepKind
    name: str
    source: str
    inputs: Sequence[str]  # sorted; listed when first read (graph.reach.Members)
    output: str
    key: str
    tags: frozenset[str] = frozenset()

    @property
    def slug(self) -> str:
        """A file-name-safe form of ``name``."""
        return self.name.replace("/", "__")


@dataclass(frozen=True)
class Plan:
    """All steps of one run, plus the tests left out by tag selection."""

    steps: tuple[Step, ...]
    deselected: tuple[str, ...]
    toolchain: str

    def of_kind(self, kind: StepKind) -> tuple[Step, ...]:
        """Steps of one kind, in name order."""
        return tuple(s for s in self.steps if s.kind is kind)

    @property
    def tests(self) -> tuple[Step, ...]:
        """The test steps."""
        return self.of_kind(StepKind.TEST)

    @property
    def report_key(self) -> str:
        """Key of the merged report: the keys of every test it merges."""
        return _digest({"tests": [(s.name, s.key) for s in self.tests]})


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=64)
def python_environment(modules: frozenset[str]) -> dict[str, object]:
    """What Python interop in a test can see: interpreter, library, module versions.

    A Mojo program that calls ``Python.import_module`` loads the ``python3`` on
    PATH (or ``$MOJO_PYTHON_LIBRARY``) at run time, so its outcome depends on
    that environment, which no Mojo file records.
    """
    versions: dict[str, str | None] = {}
    for module in sorted(set(modules)):
        top = module.split(".")[0]
        try:
            versions[module] = importlib.metadata.version(top)
        except importlib.metadata.PackageNotFoundError:
            versions[module] = None
    return {
        "python3": shutil.which("python3"),
        "MOJO_PYTHON_LIBRARY": os.environ.get("MOJO_PYTHON_LIBRARY"),
        "PYTHONPATH": os.environ.get("PYTHONPATH"),
        "modules": versions,
    }


def _inputs_and_key(
    project: Project,
    kind: StepKind,
    source: str,
    entries: Sequence[str],
    toolchain: str,
    extra: Mapping[str, object],
) -> tuple[Sequence[str], str]:
    config = project.config
    inputs = project.inputs(entries)
    python = project.python_modules(entries)
    key = _digest(
        {
            "schema": PLAN_SCHEMA,
            "kind": kind.value,
            "source": source,
            "inputs": project.inputs_digest(entries),
            "unresolved": project.unresolved(entries),
            "roots": project.roots_for(entries[0]) if entries else (),
            "toolchain": toolchain,
            "flags": config.mojo_flags,
            "python": python_environment(frozenset(python)) if python else None,
            **extra,
        }
    )
    return inputs, key


def select(tags: frozenset[str], skip: frozenset[str], only: frozenset[str]) -> bool:
    """Whether a step with ``tags`` runs under a skip list and an only list."""
    if tags & skip:
        return False
    return not only or bool(tags & only)


def make_plan(
    project: Project,
    toolchain: str,
    skip_tags: frozenset[str] = frozenset(),
    only_tags: frozenset[str] = frozenset(),
    package_suffix: str = ".mojoc",
) -> Plan:
    """Every step of the project's graph, each with its content key.

    ``package_suffix`` is the ending the compiler's package command writes
    (``.mojoc`` for ``precompile``, ``.mojopkg`` for ``package``).
    """
    config = project.config
    build = Layout.of(config).build
    steps: list[Step] = []
    deselected: list[str] = []
    timeout = {"timeout": config.timeout}
    for package in project.packages:
        name = PurePosixPath(package).name
        inputs, key = _inputs_and_key(project, StepKind.PACKAGE, package,
                                      project.package_files(package), toolchain, {})  # fmt: skip
        out = build.relative(build.package(name, package_suffix))
        steps.append(Step(StepKind.PACKAGE, name, package, inputs, out, key))
    for exe in config.executables:
        inputs, key = _inputs_and_key(project, StepKind.EXECUTABLE, exe, [exe], toolchain, {})
        out = build.relative(build.executable(exe))
        steps.append(Step(StepKind.EXECUTABLE, exe, exe, inputs, out, key))
    for ext in config.extensions:
        inputs, key = _inputs_and_key(project, StepKind.EXTENSION, ext.source, [ext.source],
                                      toolchain, {"name": ext.name})  # fmt: skip
        out = build.relative(build.extension(ext.name))
        steps.append(Step(StepKind.EXTENSION, ext.name, ext.source, inputs, out, key))
    for kind, files in ((StepKind.TEST, project.tests), (StepKind.BENCHMARK, project.benchmarks)):
        result = build.test_result if kind is StepKind.TEST else build.bench_result
        for path in files:
            tags = config.tags_for(path)
            if not select(tags, skip_tags, only_tags):
                deselected.append(path)
                continue
            # How benchmarks are measured ([tool.gauntlet.bench]) is part of their key.
            extra = (
                {**timeout, "driver": DRIVER_VERSION}
                if kind is StepKind.TEST
                else {**timeout, "bench": config.raw.get("bench", {})}
            )
            inputs, key = _inputs_and_key(project, kind, path, [path], toolchain, extra)
            out = build.relative(result(path))
            steps.append(Step(kind, path, path, inputs, out, key, tags))
    steps.extend(_python_benchmarks(project, steps))
    return Plan(tuple(steps), tuple(deselected), toolchain)


def _python_benchmarks(project: Project, steps: list[Step]) -> list[Step]:
    """Steps for the ``python`` benchmarks of ``[tool.gauntlet.bench]`` (see graph.pykeys)."""
    from gauntlet.graph.pykeys import python_benchmarks, python_key

    config = project.config
    if config.bench is None or not config.bench.python:
        return []
    build = Layout.of(config).build
    extensions = {s.name: s.key for s in steps if s.kind is StepKind.EXTENSION}
    found = []
    for path in python_benchmarks(config, config.bench.python):
        inputs, key = python_key(config, path, extensions, config.raw.get("bench", {}))
        out = build.relative(build.bench_result(path))
        found.append(Step(StepKind.PY_BENCHMARK, path, path, tuple(inputs), out, key))
    return found
