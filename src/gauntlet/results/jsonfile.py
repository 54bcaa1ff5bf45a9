"""Reading the JSON files tools write, with one set of errors that name the file.

A file is missing, unreadable, not JSON, or JSON of an unexpected shape; each
becomes a :class:`ResultError` that says which file and what to do, so every
reader of a tool's output fails the same way.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from gauntlet.errors import ResultError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

T = TypeVar("T")


def load_json(path: Path, *, lines: bool = False, what: str = "results file") -> Any:
    """The JSON in ``path`` (a list of values, one per line, with ``lines``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultError(f"{path}: {what} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultError(f"{path}: cannot read ({exc})") from None
    try:
        if lines:
            return [json.loads(ln) for ln in text.splitlines() if ln.strip()]
        return json.loads(text)
    except ValueError as exc:
        raise ResultError(
            f"{path}: not valid JSON ({exc}); rerun the tool that writes it"
        ) from None


def convert(path: Path, data: Any, reader: Callable[[Any], T], what: str) -> T:
    """``reader(data)``; content of an unexpected shape is an error naming ``path``."""
    try:
        return reader(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResultError(
            f"{path}: not {what} ({type(exc).__name__}: {exc}); "
            "was it written by the expected tool version?"
        ) from None
