"""Executed source lines from a callgrind profile (``--dump-line=yes``).

The format (valgrind's "Callgrind Format Specification"): a header of
``key: value`` lines, of which ``positions:`` names the position columns of
every cost line (``line``, or ``instr line``); then blocks that set the
context and cost lines.  What matters here:

* ``fl=`` sets the file of the current function; ``fi=``/``fe=`` switch the
  file of the following cost lines (code inlined from another file); ``fn=``
  starts a function and goes back to its ``fl`` file.  Names are compressed:
  ``(id) name`` the first time, ``(id)`` afterwards (``cfi``/``cfl`` share the
  file ids).
* A position is absolute (``12``), relative to the previous position of the
  same column (``+3``, ``-2``) or the same (``*``).
* ``calls=COUNT TARGET`` gives the callee's position (relative to the previous
  position, which it does not move) and is followed by the cost line of the
  call site, in the caller's current file.

A line is executed when a cost line names it with a non-zero first event
(``Ir``, instructions).  Line 0 (no line information) is dropped.  Checked
against ``callgrind_annotate`` on the sample's programs (tests/linecov).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from gauntlet.errors import ResultError

if TYPE_CHECKING:
    from collections.abc import Iterable

_NAME = re.compile(r"\((\d+)\)(?:\s(.*))?$")
_SPEC = re.compile(r"([a-z]+):\s*(.*)$")
_FILE_KEYS = frozenset(("fl", "fi", "fe", "cfi", "cfl"))


class _Names:
    """The compressed file names of one profile: ``(id) name`` once, ``(id)`` later."""

    def __init__(self) -> None:
        self.by_id: dict[str, str] = {}

    def resolve(self, value: str) -> str:
        match = _NAME.match(value)
        if match is None:
            return value
        ident, name = match.groups()
        if name is not None:
            self.by_id[ident] = name
        return self.by_id.get(ident, "")


def _position(text: str, previous: int) -> int:
    if text == "*":
        return previous
    if text[0] in "+-":
        return previous + int(text)
    return int(text, 0)


class _Reader:
    """The state of one profile as its lines are read."""

    def __init__(self) -> None:
        self.names = _Names()
        self.columns = ["line"]
        self.last = [0]
        self.function_file = self.current = ""
        self.after_calls = False
        self.found: dict[str, set[int]] = {}

    def header(self, key: str, value: str) -> None:
        if key == "positions":
            self.columns = value.split()
            self.last = [0] * len(self.columns)

    def context(self, key: str, value: str) -> None:
        if key in _FILE_KEYS:
            name = self.names.resolve(value)
            if key == "fl":
                self.function_file = self.current = name
            elif key in ("fi", "fe"):
                self.current = name
        elif key == "fn":
            self.current = self.function_file
        elif key == "calls":
            self.after_calls = True  # its target position (in the callee) is not a line here

    def cost(self, line: str) -> None:
        fields = line.split()
        width = len(self.columns)
        self.last = [_position(f, p) for f, p in zip(fields, self.last, strict=False)]
        cost = int(fields[width]) if len(fields) > width else 0
        at = self.last[self.columns.index("line")] if "line" in self.columns else 0
        if at > 0 and (cost > 0 or self.after_calls):
            self.found.setdefault(self.current, set()).add(at)
        self.after_calls = False


def executed_lines(text: Iterable[str], source: str = "callgrind output") -> dict[str, set[int]]:
    """Executed lines per file name (as the program's debug information spells it).

    ``text`` is the profile's lines; a profile that is not one (no ``events:``
    header, a malformed cost line) raises :class:`ResultError` naming ``source``.
    """
    reader = _Reader()
    in_header = True
    for number, raw in enumerate(text, 1):
        line = raw.rstrip("\n")
        if not line or line[0] == "#":
            continue
        if (spec := _SPEC.match(line)) is not None:
            reader.header(*spec.groups())
            in_header = in_header and spec.group(1) != "events"
        elif in_header:
            raise ResultError(f"{source}:{number}: not a callgrind profile (no 'events:' header)")
        elif (key := line.partition("=")[0]).isalpha() and "=" in line:
            reader.context(key, line[len(key) + 1 :])
        elif line[0].isdigit() or line[0] in "+-*":
            try:
                reader.cost(line)
            except ValueError:
                raise ResultError(f"{source}:{number}: malformed cost line {line[:60]!r}") from None
    if in_header:
        raise ResultError(f"{source}: not a callgrind profile (no 'events:' header)")
    return reader.found
