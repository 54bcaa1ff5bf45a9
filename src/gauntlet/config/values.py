"""Kinds of values in ``[tool.gauntlet]``: each parses a TOML value and describes itself.

A :class:`Kind` is a parser (raising :class:`Invalid` with the message the user
sees) together with the JSON Schema fragment that accepts the same values, so
the validation at load time and the shipped schema file cannot drift apart.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

T = TypeVar("T")


class Invalid(Exception):  # noqa: N818  # a parser's verdict, not a program error
    """A value does not fit its key; the message says what was expected."""


def describe(value: object) -> str:
    """A value as a message shows it: its repr and its TOML type."""
    names = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array"}
    kind = names.get(type(value), "table" if isinstance(value, dict) else type(value).__name__)
    return f"{value!r} ({kind})"


def to_toml(value: object) -> object:
    """A typed default in its TOML (and JSON) form: tuples as arrays, enums by value."""
    if isinstance(value, tuple):
        return [to_toml(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


@dataclass(frozen=True)
class Kind(Generic[T]):
    """How one key's value is parsed, and the JSON Schema of the values it accepts."""

    parse: Callable[[object], T]
    schema: Mapping[str, Any]
    dump: Callable[[Any], object] = field(default=to_toml)  # a typed value in TOML form


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def text(what: str = "a non-empty string") -> Kind[str]:
    """A string with something in it."""

    def parse(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"expected {what}, got {describe(value)}")
        return value

    return Kind(parse, {"type": "string", "pattern": r"\S"})


def strings(what: str = "non-empty strings") -> Kind[tuple[str, ...]]:
    """An array of non-empty strings."""

    def parse(value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise Invalid(f"expected an array of {what}, got {describe(value)}")
        return tuple(value)

    return Kind(parse, {"type": "array", "items": {"type": "string", "minLength": 1}})


_INSIDE = {"not": {"pattern": r"^/|(^|/)\.\.(/|$)"}}  # absolute, or through '..'


def _inside(paths: tuple[str, ...]) -> tuple[str, ...]:
    for path in paths:
        if path.startswith("/") or ".." in PurePosixPath(path).parts:
            raise Invalid(f"expected paths inside the project, got {path!r}")
    return tuple(p.strip("/") or "." for p in paths)


def relpaths() -> Kind[tuple[str, ...]]:
    """An array of paths inside the project, written relative to it."""
    items = strings()
    item_schema = {"type": "string", "minLength": 1, **_INSIDE}
    return Kind(lambda v: _inside(items.parse(v)), {"type": "array", "items": item_schema})


def relpath() -> Kind[str]:
    """One path inside the project."""
    one = text("a path string")
    return Kind(lambda v: _inside((one.parse(v),))[0], {**one.schema, **_INSIDE})


def flag() -> Kind[bool]:
    """true or false."""

    def parse(value: object) -> bool:
        if not isinstance(value, bool):
            raise Invalid(f"expected true or false, got {describe(value)}")
        return value

    return Kind(parse, {"type": "boolean"})


def integer(low: int, what: str = "") -> Kind[int]:
    """A whole number at least ``low``."""
    what = what or f"an integer >= {low}"

    def parse(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise Invalid(f"expected {what}, got {describe(value)}")
        return value

    return Kind(parse, {"type": "integer", "minimum": low})


def number(
    what: str, low: float, high: float | None = None, *, open_low: bool = False
) -> Kind[float]:
    """A number in ``[low, high]`` (``(low, high]`` when ``open_low``); ``None``: no upper end."""

    def parse(value: object) -> float:
        ok = _is_number(value)
        found = float(value) if ok else 0.0  # type: ignore[arg-type]
        above = found > low if open_low else found >= low
        if not ok or not above or (high is not None and found > high):
            raise Invalid(f"expected {what}, got {describe(value)}")
        return found

    schema: dict[str, Any] = {"type": "number"}
    schema["exclusiveMinimum" if open_low else "minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return Kind(parse, schema)


def fraction() -> Kind[float]:
    """A number strictly between 0 and 1."""

    def parse(value: object) -> float:
        if not _is_number(value) or not 0 < value < 1:  # type: ignore[operator]
            raise Invalid(
                f"expected a fraction between 0 and 1 such as 0.05, got {describe(value)}"
            )
        return float(value)  # type: ignore[arg-type]

    return Kind(parse, {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1})


def one_of(choices: tuple[str, ...]) -> Kind[str]:
    """One of a few fixed words."""

    def parse(value: object) -> str:
        if not isinstance(value, str) or value not in choices:
            raise Invalid(f"expected one of {', '.join(choices)}, got {describe(value)}")
        return value

    return Kind(parse, {"enum": list(choices)})


def some_of(choices: tuple[str, ...]) -> Kind[tuple[str, ...]]:
    """An array of names, each one of ``choices``."""

    def parse(value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(f"expected an array of names, got {describe(value)}")
        for item in value:
            if item not in choices:
                raise Invalid(f"unknown name {item!r}; expected some of {', '.join(choices)}")
        return tuple(value)

    return Kind(parse, {"type": "array", "items": {"enum": list(choices)}})
