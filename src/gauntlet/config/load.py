"""`[tool.gauntlet]` in pyproject.toml, validated into one frozen value.

Every key has a type and a default, so a conventional layout needs no
configuration at all.  Unknown keys and wrong types are errors that name the
file, the line and the key, and say what was expected.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet.errors import ConfigError

if TYPE_CHECKING:
    from gauntlet.config.bench import BenchSettings
    from gauntlet.config.gates import GateSettings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

DEFAULT_MOJO_VERSION = "1.2.0"
DEFAULT_TIMEOUT_S = 300.0
_VERSION_RE = re.compile(r"^\d+\.\d+(\.\d+)?([.\w-]*)$")
_NAME_RE = re.compile(r"^[A-Za-z_]\w*$")


@dataclass(frozen=True)
class Extension:
    """A CPython extension module built from one Mojo file."""

    name: str
    source: str


@dataclass(frozen=True)
class Config:
    """The validated configuration of one adopting project.

    Paths are strings relative to ``root`` (POSIX separators); ``root`` is
    absolute.  ``packages`` is empty when packages are to be discovered.
    """

    pyproject: Path
    root: Path
    mojo_version: str = DEFAULT_MOJO_VERSION
    include: tuple[str, ...] = ("src",)
    packages: tuple[str, ...] = ()
    tests: tuple[str, ...] = ("tests",)
    benchmarks: tuple[str, ...] = ("benchmarks",)
    executables: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT_S
    mojo_flags: tuple[str, ...] = ()
    build_dir: str = ".gauntlet"
    extensions: tuple[Extension, ...] = ()
    tags: tuple[tuple[str, tuple[str, ...]], ...] = ()
    skip_tags: tuple[str, ...] = ()
    python_tests: tuple[str, ...] = ()
    gates: GateSettings | None = None
    bench: BenchSettings | None = None  # None: no [tool.gauntlet.bench] table
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def out_dir(self) -> Path:
        """Absolute directory that holds builds, results and caches."""
        return self.root / self.build_dir

    def tags_for(self, relpath: str) -> frozenset[str]:
        """Tags whose patterns match a root-relative path."""
        from fnmatch import fnmatchcase

        return frozenset(
            tag for tag, patterns in self.tags if any(fnmatchcase(relpath, p) for p in patterns)
        )


# -- validation -------------------------------------------------------------------------


class _Where:
    """Locates keys in the TOML text so errors can name a line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, table: str, key: str) -> int | None:
        header = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]\s*(#.*)?$")
        key_re = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
        inside = False
        for number, line in enumerate(self.lines, start=1):
            if line.lstrip().startswith("["):
                inside = bool(header.match(line))
                continue
            if inside and key_re.match(line):
                return number
        return None

    def error(self, table: str, key: str, message: str) -> ConfigError:
        line = self.line_of(table, key)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: [{table}] {key!r}: {message}")


def _describe(value: object) -> str:
    names = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array"}
    kind = names.get(type(value), "table" if isinstance(value, dict) else type(value).__name__)
    return f"{value!r} ({kind})"


def _string(value: object, what: str = "a string") -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"expected {what}, got {_describe(value)}")
    return value


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TypeError(f"expected an array of non-empty strings, got {_describe(value)}")
    return tuple(value)


def _relpaths(value: object) -> tuple[str, ...]:
    paths = _strings(value)
    for path in paths:
        if Path(path).is_absolute() or ".." in Path(path).parts:
            raise TypeError(f"expected paths inside the project, got {path!r}")
    return tuple(p.strip("/") or "." for p in paths)


def _timeout(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise TypeError(f"expected a positive number of seconds, got {_describe(value)}")
    return float(value)


def _version(value: object) -> str:
    text = _string(value, "a version string such as '1.2.0'")
    if not _VERSION_RE.match(text):
        raise TypeError(f"expected a version string such as '1.2.0', got {text!r}")
    return text


def _relpath(value: object) -> str:
    return _relpaths([_string(value, "a path string")])[0]


_Parser = Callable[[object], Any]

_KEYS: dict[str, tuple[str, _Parser]] = {
    # key in TOML: (field name, parser)
    "root": ("root", _relpath),
    "mojo-version": ("mojo_version", _version),
    "include": ("include", _relpaths),
    "packages": ("packages", _relpaths),
    "tests": ("tests", _relpaths),
    "benchmarks": ("benchmarks", _relpaths),
    "executables": ("executables", _relpaths),
    "exclude": ("exclude", _strings),
    "timeout": ("timeout", _timeout),
    "mojo-flags": ("mojo_flags", _strings),
    "build-dir": ("build_dir", _relpath),
    "skip-tags": ("skip_tags", _strings),
    "python-tests": ("python_tests", _relpaths),
}
# [tool.gauntlet.bench] is parsed by gauntlet.config.bench, which owns its keys.
# [tool.gauntlet.alerts] is validated by gauntlet.health.alerts, which owns it.
# [tool.gauntlet.history] is validated by gauntlet.health.record, which owns it.
_TABLES = ("extensions", "tags", "gates", "waivers", "bench", "alerts", "history")


def _unknown(where: _Where, table: str, key: str, known: list[str]) -> ConfigError:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(known)}"
    return where.error(table, key, f"unknown key{hint}")


def _extensions(where: _Where, value: object) -> tuple[Extension, ...]:
    table = "tool.gauntlet"
    if not isinstance(value, dict):
        raise where.error(table, "extensions", f"expected a table, got {_describe(value)}")
    result = []
    for name, spec in value.items():
        sub = f"tool.gauntlet.extensions.{name}"
        if not _NAME_RE.match(name):
            raise where.error(sub, "source", f"{name!r} is not a valid Python module name")
        if not isinstance(spec, dict):
            raise where.error(table, "extensions", f"{name!r}: expected a table with 'source'")
        for key in spec:
            if key != "source":
                raise _unknown(where, sub, key, ["source"])
        if "source" not in spec:
            raise where.error(sub, "source", "missing; give the Mojo file of the extension")
        try:
            result.append(Extension(name=name, source=_relpath(spec["source"])))
        except TypeError as exc:
            raise where.error(sub, "source", str(exc)) from None
    return tuple(result)


def _tags(where: _Where, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise where.error("tool.gauntlet", "tags", f"expected a table, got {_describe(value)}")
    result = []
    for tag, patterns in value.items():
        try:
            result.append((tag, _strings(patterns)))
        except TypeError as exc:
            raise where.error("tool.gauntlet.tags", tag, f"{exc} of file patterns") from None
    return tuple(result)


def parse_config(pyproject: Path, text: str) -> Config:
    """Validate the ``[tool.gauntlet]`` table of one pyproject.toml text."""
    where = _Where(pyproject, text)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from None
    tool = document.get("tool", {})
    raw = tool.get("gauntlet", {}) if isinstance(tool, dict) else {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{pyproject}: [tool.gauntlet] must be a table")
    from gauntlet.config.gates import GateSettings, parse_gates, parse_waivers

    values: dict[str, Any] = {}
    gates: dict[str, Any] = {"where": str(pyproject)}
    for key, value in raw.items():
        if key == "gates":
            gates.update(parse_gates(where, value))
        elif key == "waivers":
            gates["waivers"] = parse_waivers(where, value)
        elif key == "extensions":
            values["extensions"] = _extensions(where, value)
        elif key == "tags":
            values["tags"] = _tags(where, value)
        elif key == "bench":
            from gauntlet.config.bench import parse_bench

            values["bench"] = parse_bench(where, value)
        elif key in ("alerts", "history"):
            continue  # validated by the modules that own them (see _TABLES)
        elif key in _KEYS:
            name, parser = _KEYS[key]
            try:
                values[name] = parser(value)
            except TypeError as exc:
                raise where.error("tool.gauntlet", key, str(exc)) from None
        else:
            raise _unknown(where, "tool.gauntlet", key, [*_KEYS, *_TABLES])
    root = (pyproject.parent / values.pop("root", ".")).resolve()
    return Config(pyproject=pyproject, root=root, raw=raw, gates=GateSettings(**gates), **values)


def owned_table(config: Config, name: str) -> tuple[dict[str, Any], _Where]:
    """``[tool.gauntlet.NAME]``, validated by the module that owns it, and where its lines are.

    Raises :class:`ConfigError` naming the line when it is not a table.
    """
    raw = config.raw.get(name, {})
    try:
        text = config.pyproject.read_text(encoding="utf-8")
    except OSError:
        text = ""
    where = _Where(config.pyproject, text)
    if not isinstance(raw, dict):
        raise where.error("tool.gauntlet", name, f"expected a table, got {_describe(raw)}")
    return raw, where


def parse_subtable(
    config: Config, name: str, keys: Mapping[str, tuple[str, _Parser]]
) -> dict[str, Any]:
    """Field values from ``[tool.gauntlet.<name>]``, each key parsed by ``keys[key]``.

    ``keys`` maps a TOML key to (field name, parser raising TypeError); unknown
    keys and bad values are errors naming the file, the line and the key.
    """
    raw, where = owned_table(config, name)
    table = f"tool.gauntlet.{name}"
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in keys:
            raise _unknown(where, table, key, list(keys))
        field_name, parse = keys[key]
        try:
            values[field_name] = parse(value)
        except TypeError as exc:
            raise where.error(table, key, str(exc)) from None
    return values


def find_pyproject(start: Path) -> Path:
    """The nearest pyproject.toml at or above ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"no pyproject.toml in {start} or any folder above it; "
        "run gauntlet from your project or create one with a [tool.gauntlet] table"
    )


def load_config(start: Path | None = None) -> Config:
    """Find and validate the configuration of the project around ``start``."""
    pyproject = find_pyproject(start or Path.cwd())
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read: {exc}") from None
    config = parse_config(pyproject, text)
    if not config.root.is_dir():
        line = _Where(pyproject, text).line_of("tool.gauntlet", "root")
        raise ConfigError(
            f"{pyproject}:{line}: [tool.gauntlet] 'root': folder {config.root} does not exist"
        )
    return config
