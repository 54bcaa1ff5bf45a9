"""``[tool.gauntlet]`` itself: the project layout keys, extensions and tags.

The subtables with settings of their own (gates, waivers, bench, alerts,
history, cache) are declared in their own modules; :data:`SECTIONS` names them all
so an unknown key can be told apart from a table.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from gauntlet.config.model import Config, Extension
from gauntlet.config.schema import Key, Table
from gauntlet.config.values import (
    Invalid,
    Kind,
    describe,
    flag,
    number,
    one_of,
    relpath,
    relpaths,
    strings,
)

if TYPE_CHECKING:
    from gauntlet.config.schema import Problems

TOOL = "tool.gauntlet"
_VERSION = r"^\d+\.\d+(\.\d+)?([.\w-]*)$"
MODULE_NAME = r"^[A-Za-z_]\w*$"
_VARIABLE = r"^[A-Za-z_][A-Za-z0-9_]*$"


def _version() -> Kind[str]:
    what = "a version string such as '1.2.0'"

    def parse(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"expected {what}, got {describe(value)}")
        if not re.match(_VERSION, value):
            raise Invalid(f"expected {what}, got {value!r}")
        return value

    return Kind(parse, {"type": "string", "pattern": _VERSION})


def _variable_names() -> Kind[tuple[str, ...]]:
    items = strings("environment variable names")

    def parse(value: object) -> tuple[str, ...]:
        names = items.parse(value)
        for name in names:
            if not re.match(_VARIABLE, name):
                raise Invalid(f"{name!r} is not an environment variable name")
        return names

    item_schema = {"type": "string", "pattern": _VARIABLE}
    return Kind(parse, {"type": "array", "items": item_schema})


TOP = Table(
    TOOL,
    "gauntlet: CI/CD for Mojo + Python repositories, built on doit and nox.",
    (
        Key("root", relpath(), "The project folder, relative to pyproject.toml.", default="."),
        Key("mojo-version", _version(), "The Mojo release the project is built with."),
        Key("include", relpaths(), "Include roots passed to mojo as -I."),
        Key("packages", relpaths(), "Mojo package folders; absent: discovered, []: none."),
        Key("tests", relpaths(), "Folders holding the Mojo tests (test_*.mojo)."),
        Key("benchmarks", relpaths(), "Folders holding the Mojo benchmarks (bench_*.mojo)."),
        Key("executables", relpaths(), "Mojo programs built as executables."),
        Key("exclude", strings(), "Glob patterns of files gauntlet ignores."),
        Key(
            "timeout",
            number("a positive number of seconds", 0, open_low=True),
            "Seconds one build or test run may take.",
        ),
        Key("mojo-flags", strings(), "Extra flags for every mojo build and run."),
        Key(
            "test-cwd",
            one_of(("root", "file")),
            "Where tests run: the project root, or the folder of the test file.",
            default="root",
        ),
        Key("build-dir", relpath(), "Folder (under root) for builds, results and caches."),
        Key("skip-tags", strings(), "Tests with these tags are not run."),
        Key("python-tests", relpaths(), "Folders holding the Python tests."),
        Key(
            "python-tests-read-mojo",
            flag(),
            "Whether the Python tests of `nox -s tests` read Mojo sources (an edit reruns them).",
        ),
        Key(
            "secrets",
            _variable_names(),
            "Environment variables whose values are masked wherever output is kept.",
        ),
    ),
    Config,
)

# Subtables, in the order known keys are listed; each is read by its own module.
SECTIONS = {
    "extensions": "CPython extension modules built from Mojo files: NAME = { source = FILE }.",
    "tags": "Test tags: TAG = [file patterns]; see skip-tags.",
    "gates": "Thresholds and switches of the quality gates.",
    "waivers": "Failing gates (or findings) allowed until a date.",
    "bench": "How benchmarks are measured and judged.",
    "alerts": "Which health changes deserve a message, and where it goes.",
    "history": "Where the run history is kept.",
    "cache": "The shared cache of built artifacts and test results.",
    "release": "What a release builds and verifies, and where it is published.",
    "coverage": "Mojo line coverage: what is measured, and whether `nox -s ci` measures it.",
}

EXTENSION = Table(
    f"{TOOL}.extensions.NAME",
    "A CPython extension module built from one Mojo file.",
    (
        Key(
            "source",
            relpath(),
            "The Mojo file of the extension.",
            required="give the Mojo file of the extension",
        ),
    ),
    Extension,
)
TAG_PATTERNS = strings()


def parse_extensions(problems: Problems, value: object) -> tuple[Extension, ...]:
    """``[tool.gauntlet.extensions.NAME]`` tables: one Mojo source each."""
    if not isinstance(value, dict):
        problems.add(TOOL, "extensions", f"expected a table, got {describe(value)}")
        return ()
    result = []
    for name, spec in value.items():
        sub = f"{TOOL}.extensions.{name}"
        if not re.match(MODULE_NAME, name):
            problems.add(sub, "source", f"{name!r} is not a valid Python module name")
            continue
        if not isinstance(spec, dict):
            problems.add(TOOL, "extensions", f"{name!r}: expected a table with 'source'")
            continue
        values = EXTENSION.read(spec, problems.in_table(sub))
        if "source" in values:
            result.append(Extension(name=name, source=values["source"]))
    return tuple(result)


def parse_tags(problems: Problems, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``[tool.gauntlet.tags]``: each tag's file patterns."""
    if not isinstance(value, dict):
        problems.add(TOOL, "tags", f"expected a table, got {describe(value)}")
        return ()
    result = []
    for tag, patterns in value.items():
        try:
            result.append((tag, TAG_PATTERNS.parse(patterns)))
        except Invalid as exc:
            problems.add(f"{TOOL}.tags", tag, f"{exc} of file patterns")
    return tuple(result)


def read_top(problems: Problems, raw: dict[str, Any]) -> dict[str, Any]:
    """The plain keys of ``[tool.gauntlet]``; subtables are left to their readers."""
    return TOP.read(raw, problems.in_table(TOOL), tables=tuple(SECTIONS))
