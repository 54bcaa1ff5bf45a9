"""`[tool.gauntlet]` in pyproject.toml: found, read and validated into one frozen value.

Every key has a type and a default, so a conventional layout needs no
configuration at all.  Every table is checked when the configuration loads,
and every problem in the file is reported at once: one :class:`ConfigError`
with a line per problem, each naming the file, the line and the key.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet.config.alerts import parse_alerts
from gauntlet.config.bench import parse_bench
from gauntlet.config.coverage import parse_coverage
from gauntlet.config.gates import GateSettings, parse_gates, parse_waivers
from gauntlet.config.history import parse_cache, parse_history
from gauntlet.config.model import DEFAULT_MOJO_VERSION, DEFAULT_TIMEOUT_S, Config, Extension
from gauntlet.config.release import credential_names, parse_release
from gauntlet.config.schema import Problems, Where, subtable
from gauntlet.config.toplevel import TOOL, parse_extensions, parse_tags, read_top
from gauntlet.errors import ConfigError
from gauntlet.masking import declare_names

if TYPE_CHECKING:
    from collections.abc import Callable

    from gauntlet.config.schema import Fail

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

__all__ = [
    "DEFAULT_MOJO_VERSION",
    "DEFAULT_TIMEOUT_S",
    "Config",
    "Extension",
    "find_pyproject",
    "load_config",
    "parse_config",
]


# Subtables read into a settings value of their own, a field of Config with the same name.
_SETTINGS: dict[str, Callable[[dict[str, Any], Fail], object]] = {
    "bench": parse_bench,
    "alerts": parse_alerts,
    "history": parse_history,
    "cache": parse_cache,
    "coverage": parse_coverage,
}


def _validate(pyproject: Path, text: str) -> tuple[Config, Problems]:
    """The configuration and every problem found in it (the value is only usable without)."""
    problems = Problems(Where(pyproject, text))
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from None
    tool = document.get("tool", {})
    raw = tool.get("gauntlet", {}) if isinstance(tool, dict) else {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{pyproject}: [tool.gauntlet] must be a table")
    values = read_top(problems, raw)
    gates: dict[str, Any] = {"where": str(pyproject)}
    for name, value in raw.items():  # in file order, so the problems are too
        if name == "extensions":
            values["extensions"] = parse_extensions(problems, value)
        elif name == "tags":
            values["tags"] = parse_tags(problems, value)
        elif name == "waivers":
            gates["waivers"] = parse_waivers(problems, value)
        elif name == "release":
            table = subtable(problems, TOOL, name, value)
            if table is not None:
                values["release"] = parse_release(problems, table, str(pyproject))
        elif name == "gates" or name in _SETTINGS:
            table = subtable(problems, TOOL, name, value)
            if table is None:
                continue
            fail = problems.in_table(f"{TOOL}.{name}")
            if name == "gates":
                gates.update(parse_gates(table, fail))
            else:
                values[name] = _SETTINGS[name](table, fail)
    root = (pyproject.parent / values.pop("root", ".")).resolve()
    config = Config(pyproject=pyproject, root=root, raw=raw, gates=GateSettings(**gates), **values)
    return config, problems


def parse_config(pyproject: Path, text: str) -> Config:
    """Validate the ``[tool.gauntlet]`` table of one pyproject.toml text."""
    config, problems = _validate(pyproject, text)
    problems.check()
    return config


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
    config, problems = _validate(pyproject, text)
    if not config.root.is_dir():
        problems.add(TOOL, "root", f"folder {config.root} does not exist")
    problems.check()
    # Masking happens where output is captured, far from the configuration:
    # every entry point loads it here, so this is where the names are declared.
    declare_names((*config.secrets, *credential_names(config.release)))
    return config
