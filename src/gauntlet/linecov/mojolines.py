"""Logical lines of Mojo source: bracket and backslash continuations joined, strings blanked.

A logical line is what the compiler sees as one statement line: physical lines
joined while a ``(``, ``[`` or ``{`` is open, or while a line ends with a ``\\``
outside strings and comments. Each string literal (``"..."``, ``'...'``,
``\"\"\"...\"\"\"``, ``'''...'''``, with or without a prefix such as ``r``, ``b``
or ``t``) is replaced by ``""`` in the logical line's ``code``, so a ``#``, a
bracket or a keyword inside a string is text, never syntax; a ``#`` outside
strings starts a comment, which is dropped. Blank and comment-only lines make
no logical line.

Best effort, never raises: an unterminated one-quote string ends at the end of
its line, an unmatched closing bracket is ignored, and a ``def``/``fn``/
``struct``/``trait`` line met inside an unclosed bracket starts a new logical
line (an unclosed bracket would otherwise swallow the rest of the file). An
unterminated triple-quoted string runs to the end of the file, as it does for
the compiler. Lines are split on ``\\n`` only (a trailing ``\\r`` is dropped), so
numbers match the compiler's line tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_SPECIAL = re.compile(r"\"\"\"|'''|[\"'#()\[\]{}]")
_FRESH_START = re.compile(r"[ \t]*(?:(?:async[ \t]+)?(?:def|fn)[ \t]|struct[ \t]|trait[ \t])")
_OPEN = "([{"
_CLOSE = ")]}"


@dataclass(frozen=True)
class LogicalLine:
    """One logical line: its physical line span, indentation and code (strings blanked)."""

    first: int
    last: int
    indent: int
    code: str


def _indent_of(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 8 - width % 8
        elif char == "\f":
            width = 0
        else:
            break
    return width


def _string_end(line: str, pos: int, quote: str) -> int:
    """Index just past the closing `quote` at or after `pos`, or -1 when the line has none."""
    while True:
        found = line.find(quote, pos)
        if found < 0:
            return -1
        slashes = 0
        back = found - 1
        while back >= pos and line[back] == "\\":
            slashes += 1
            back -= 1
        if slashes % 2 == 0:
            return found + len(quote)
        pos = found + 1


class _Joiner:
    """The state carried from one physical line to the next: open brackets, open string, code."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""  # the delimiter of a string still open at the end of the previous line
        self.pieces: list[str] = []
        self.first = 0
        self.indent = 0

    def flush(self, last: int) -> LogicalLine | None:
        code = "".join(self.pieces).strip()
        self.pieces, self.depth = [], 0
        return LogicalLine(self.first, last, self.indent, code) if code else None

    def code(self, line: str, pos: int) -> bool:
        """Append the code of `line` from `pos`; True when a comment cut it short."""
        pieces = self.pieces
        length = len(line)
        while pos < length:
            match = _SPECIAL.search(line, pos)
            if match is None:
                pieces.append(line[pos:])
                return False
            mark = match.group()
            pieces.append(line[pos : match.start()])
            pos = match.end()
            if mark == "#":
                return True
            if mark in _OPEN:
                self.depth += 1
                pieces.append(mark)
            elif mark in _CLOSE:
                self.depth = self.depth - 1 if self.depth else 0
                pieces.append(mark)
            else:
                pieces.append('""')
                end = _string_end(line, pos, mark)
                if end < 0:
                    if len(mark) == 3 or line.endswith("\\"):
                        self.quote = mark
                    return False
                pos = end
        return False

    def feed(self, number: int, line: str) -> Iterator[LogicalLine]:
        """Take one physical line; yield the logical lines it completes."""
        if not self.pieces and not self.quote:
            stripped = line.lstrip(" \t\f")
            if not stripped or stripped[0] == "#":
                return
            self.first, self.indent = number, _indent_of(line)
        elif self.depth and not self.quote and _FRESH_START.match(line):
            done = self.flush(number - 1)
            if done is not None:
                yield done
            self.first, self.indent = number, _indent_of(line)
        pos = 0
        if self.quote:
            end = _string_end(line, 0, self.quote)
            if end < 0 and (len(self.quote) == 3 or line.endswith("\\")):
                return
            self.quote, pos = "", len(line) if end < 0 else end
        comment = self.code(line, pos)
        if self.quote:
            return
        if not comment and line.rstrip().endswith("\\"):
            tail = self.pieces[-1].rstrip() if self.pieces else ""
            if tail.endswith("\\"):
                self.pieces[-1] = tail[:-1] + " "
            return
        if self.depth:
            self.pieces.append(" ")
            return
        done = self.flush(number)
        if done is not None:
            yield done


def logical_lines(text: str) -> Iterator[LogicalLine]:
    """Yield the logical lines of `text` in source order (see the module docstring)."""
    joiner = _Joiner()
    number = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        yield from joiner.feed(number, raw[:-1] if raw.endswith("\r") else raw)
    code = "".join(joiner.pieces).strip() or ('""' if joiner.quote else "")
    if code:
        yield LogicalLine(joiner.first, max(joiner.first, number), joiner.indent, code)
