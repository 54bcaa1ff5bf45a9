"""The declarative schema of ``[tool.gauntlet]``: keys, tables, and the problems they find.

A :class:`Table` lists its :class:`Key` s (TOML name, kind of value, one-line
doc, default taken from the settings dataclass it fills).  Reading a table
never stops at the first mistake: every problem goes into :class:`Problems`,
which the loader turns into one :class:`~gauntlet.errors.ConfigError` listing
them all, each as ``file:line: [table] 'key': message``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.config.values import Invalid, describe
from gauntlet.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from gauntlet.config.values import Kind

Fail = Callable[[str, str], None]  # (key, message): report one problem of a table


class Where:
    """Locates keys in the TOML text so messages can name a line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, table: str, key: str) -> int | None:
        """The line of ``key`` written under the ``[table]`` header, if it is there."""
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

    def place(self, line: int | None) -> str:
        """``file:line``, or the file alone when the line is unknown."""
        return f"{self.path}:{line}" if line else str(self.path)

    def message(self, table: str, key: str, message: str) -> str:
        """``file:line: [table] 'key': message``."""
        return f"{self.place(self.line_of(table, key))}: [{table}] {key!r}: {message}"


class Problems:
    """Every problem found in one configuration file, in the order found."""

    def __init__(self, where: Where) -> None:
        self.where = where
        self.messages: list[str] = []

    def add(self, table: str, key: str, message: str) -> None:
        """Report ``key`` of ``[table]``."""
        self.messages.append(self.where.message(table, key, message))

    def note(self, message: str) -> None:
        """Report a problem already formatted with its place."""
        self.messages.append(message)

    def in_table(self, table: str) -> Fail:
        """A reporter for the keys of one table."""
        return lambda key, message: self.add(table, key, message)

    def check(self) -> None:
        """Raise one :class:`ConfigError` listing every problem, if there is any."""
        if self.messages:
            raise ConfigError("\n".join(self.messages))


def unknown_key(key: str, known: list[str], *, suggest: bool = True) -> str:
    """``unknown key (did you mean 'x'?)``, or the list of known keys when nothing is close."""
    close = difflib.get_close_matches(key, known, n=1) if suggest else []
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return f"unknown key; known keys: {', '.join(known)}"


_NO_DEFAULT = object()


@dataclass(frozen=True)
class Key:
    """One key of a table: its TOML name, its kind of value and what it is for."""

    toml: str
    kind: Kind[Any]
    doc: str
    field: str = ""  # the settings field it fills; default: the TOML name with '_' for '-'
    required: str = ""  # a required key: what to give, said when it is missing
    default: object = _NO_DEFAULT  # default: the settings dataclass's own default

    @property
    def name(self) -> str:
        """The settings field this key fills."""
        return self.field or self.toml.replace("-", "_")


@dataclass(frozen=True)
class Table:
    """A TOML table: its keys, the settings dataclass they fill, and what it is for."""

    name: str  # "tool.gauntlet.bench"
    doc: str
    keys: tuple[Key, ...]
    settings: type | None = None  # its field defaults are the keys' defaults
    suggest: bool = True  # "did you mean" for unknown keys (else the list of known keys)

    @property
    def known(self) -> list[str]:
        """The TOML names of the keys, in declaration order."""
        return [key.toml for key in self.keys]

    def default(self, key: Key) -> object:
        """The TOML form of ``key``'s default; ``None`` when it has none."""
        if key.default is not _NO_DEFAULT:
            return key.default
        if self.settings is None:
            return None
        found = {f.name: f for f in dataclasses.fields(self.settings)}.get(key.name)
        if found is None or found.default is dataclasses.MISSING:
            return None
        return key.kind.dump(found.default)

    def read(
        self, raw: Mapping[str, object], fail: Fail, *, tables: Sequence[str] = ()
    ) -> dict[str, Any]:
        """Field values from ``raw``; unknown keys, bad values and missing keys go to ``fail``.

        ``tables`` are subtables read elsewhere: skipped here, but known keys.
        """
        by_toml = {key.toml: key for key in self.keys}
        values: dict[str, Any] = {}
        for toml, value in raw.items():
            key = by_toml.get(toml)
            if key is None and toml not in tables:
                fail(toml, unknown_key(toml, [*self.known, *tables], suggest=self.suggest))
            if key is None:
                continue
            try:
                values[key.name] = key.kind.parse(value)
            except Invalid as exc:
                fail(toml, str(exc))
        for key in self.keys:
            if key.required and key.toml not in raw:
                fail(key.toml, f"missing; {key.required}")
        return values


def subtable(problems: Problems, parent: str, name: str, value: object) -> dict[str, Any] | None:
    """``value`` when it is a table, else ``None`` with the problem reported."""
    if isinstance(value, dict):
        return value
    problems.add(parent, name, f"expected a table, got {describe(value)}")
    return None
