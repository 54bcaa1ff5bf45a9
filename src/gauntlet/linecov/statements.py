"""Statement lines of Mojo functions, read from the source: the coverage denominator.

Mojo compiles lazily: a function no test reaches is never compiled and has no
line-table entries, so its executable lines come from here. A tracer may also
attribute instructions to a continuation line of a multi-line statement or to a
``def`` line (the prologue): ``statement_of`` maps the first to the statement's
first line and leaves the second out, so the caller can drop it.

Rules, applied to logical lines (see ``mojolines``):

- A function is ``def`` or ``fn`` (optionally ``async``) at module level, in the
  body of a ``struct``/``trait``/``extension`` (a method, named ``Type.name``),
  or nested in another function (``outer.inner``). Its header runs from its
  first decorator line (``@always_inline``, ``@staticmethod``, ...) to the end
  of its signature, the ``:`` at bracket depth 0; signatures may span lines.
  Its body is every following logical line indented deeper than the ``def``;
  ``body`` ends at the last of them (blank and comment lines never end it).
- A counted statement is a logical line in a body, except: a string literal on
  its own (a docstring), ``pass``, ``...``, decorators (``@parameter``),
  ``else:``/``try:``/``finally:`` with nothing after the colon, compile-time
  lines (``comptime ...``, ``alias ...``, and an ``if``/``for`` right after an
  ``@parameter`` decorator, with the ``elif``/``else`` of such an ``if``),
  ``var x: T`` with no ``=`` at bracket depth 0, and ``import``/``from ...
  import`` (resolved at compile time, no code). ``struct``/``trait`` lines and
  their bodies are never statements. A compound statement counts once, on its
  header line; a one-line block (``if x: return 1``) is one statement.
- A nested function's header lines belong to no function's statements; its body
  belongs to it alone. Lines outside every function body never count.
- An ``@always_inline`` function (``("nodebug")`` or not) is marked ``inlined``:
  the compiler puts its code into each caller with the call site's line, even
  at ``--no-optimization`` (measured on 0.26.1 and 1.2.0: no line-table entry
  for such a body), so no trace can show its statements ran; coverage leaves
  them out and counts its call sites.

Where this over-counts (a line listed that no line table can hold): the
statements of a ``@parameter if``/``comptime if`` branch the parameters rule
out (never compiled), unreachable code after ``return``/``raise``, and
compile-time calls not written as ``comptime`` (``constrained[...]()`` in 0.26).
Where it under-counts: a body written on the signature line (``def f(): return
1``, body ``(0, 0)``, no statements), several statements joined by ``;`` or a
one-line block (one line, one statement either way), and ``else:``/``try:``/
``finally:`` lines, which the compiler may still attribute a jump to.

The scan never raises: any text, Mojo or not, gives a best-effort answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from gauntlet.linecov.mojolines import LogicalLine, logical_lines

_DEF = re.compile(r"(?:async\s+)?(?:def|fn)\s+(`[^`]*`|\w+)")
_TYPE = re.compile(r"(?:struct|trait|extension|class)\b\s*(?:\[[^\]]*\]\s*)?(\w*)")
_STRING_ONLY = re.compile(r'(?:[A-Za-z]{0,2}""\s*)+;?')
_SKIP_WORDS = frozenset({"comptime", "alias", "import", "from"})
_BARE = re.compile(r"(?:else|try|finally)\s*:\s*")
_WORD = re.compile(r"\w+")
_INLINE = re.compile(r"@always_inline\b")


@dataclass(frozen=True)
class Function:
    """One function: where its header and body lie, and the first lines of its statements."""

    name: str
    header: tuple[int, int]
    body: tuple[int, int]
    statements: frozenset[int]
    inlined: bool = False  # @always_inline: its code carries its callers' lines


@dataclass(frozen=True)
class SourceLines:
    """The functions of one source file and the statement each body line belongs to."""

    functions: tuple[Function, ...]
    statement_of: Mapping[int, int]

    def function_at(self, line: int) -> Function | None:
        """The innermost function whose body holds `line`; None outside bodies or in a header."""
        found: Function | None = None
        for function in self.functions:
            if function.header[0] <= line <= function.header[1]:
                return None
            if function.body[0] <= line <= function.body[1] and function.body[0]:
                found = function
        return found


@dataclass
class _Scope:
    """An open function or type body while scanning."""

    indent: int
    name: str
    is_function: bool
    header: tuple[int, int] = (0, 0)
    body_first: int = 0
    body_last: int = 0
    statements: set[int] = field(default_factory=set)
    inlined: bool = False  # @always_inline: its code carries its callers' lines


def _depth0_index(code: str, wanted: str, start: int = 0) -> int:
    """Index of the first `wanted` character at bracket depth 0 from `start`, or -1."""
    depth = 0
    for index in range(start, len(code)):
        char = code[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif char == wanted and depth == 0:
            return index
    return -1


def _is_declaration(code: str) -> bool:
    """`var x: T` with no value (an `=` at depth 0 that is not part of `==`/`<=`/...)."""
    index = _depth0_index(code, "=")
    while index >= 0:
        before = code[index - 1] if index else ""
        after = code[index + 1] if index + 1 < len(code) else ""
        if before not in "=!<>" and after != "=":
            return False
        index = _depth0_index(code, "=", index + 2)
    return True


class _Scanner:
    """Walks the logical lines once, keeping the stack of open function and type bodies."""

    def __init__(self) -> None:
        self.stack: list[_Scope] = []
        self.done: list[_Scope] = []
        self.statement_of: dict[int, int] = {}
        self.decorators: list[LogicalLine] = []
        self.comptime_if: dict[int, bool] = {}

    def close(self, indent: int) -> None:
        while self.stack and indent <= self.stack[-1].indent:
            self.stack.pop()

    def open_function(self, line: LogicalLine, name: str, signature_start: int) -> None:
        start = line.first
        if self.decorators and self.decorators[0].indent == line.indent:
            start = self.decorators[0].first
        parent = self.stack[-1] if self.stack else None
        full = name if parent is None else f"{parent.name}.{name}"
        inlined = any(_INLINE.match(deco.code) for deco in self.decorators)
        scope = _Scope(line.indent, full, True, (start, line.last), inlined=inlined)
        self.done.append(scope)
        colon = _depth0_index(line.code, ":", signature_start)
        if colon < 0 or not line.code[colon + 1 :].strip():
            self.stack.append(scope)

    def open_type(self, line: LogicalLine, name: str) -> None:
        colon = _depth0_index(line.code, ":")
        if colon >= 0 and not line.code[colon + 1 :].strip():
            parent = self.stack[-1] if self.stack else None
            full = name if parent is None else f"{parent.name}.{name}"
            self.stack.append(_Scope(line.indent, full, False))

    def counts(self, line: LogicalLine, word: str) -> bool:
        """Whether a logical line inside a function body is a counted statement."""
        code = line.code
        chain = self.comptime_if
        if word in ("elif", "else"):
            if chain.get(line.indent):
                return False
        else:
            for indent in [key for key in chain if key >= line.indent]:
                del chain[indent]
        parameter = any(deco.code == "@parameter" for deco in self.decorators)
        if (word == "if" and parameter) or code.startswith(("comptime if", "comptime\tif")):
            chain[line.indent] = True
        if word in _SKIP_WORDS or code in ("pass", "...") or _BARE.fullmatch(code):
            return False
        if parameter and word in ("if", "for"):
            return False
        if word == "var" and _is_declaration(code):
            return False
        return not _STRING_ONLY.fullmatch(code)

    def feed(self, line: LogicalLine) -> None:
        self.close(line.indent)
        top = self.stack[-1] if self.stack else None
        if top is not None and line.indent > top.indent:
            if not top.body_first:
                top.body_first = line.first
            for scope in self.stack:
                scope.body_last = line.last
        code = line.code
        if code[0] == "@":
            self.decorators.append(line)
            return
        match = _DEF.match(code)
        word_match = _WORD.match(code)
        word = word_match.group() if word_match else ""
        if match is not None:
            self.open_function(line, match.group(1).strip("`"), match.end())
        elif word in ("struct", "trait", "extension", "class") and _TYPE.match(code):
            type_match = _TYPE.match(code)
            self.open_type(line, type_match.group(1) if type_match else "")
        elif top is not None and top.is_function and self.counts(line, word):
            top.statements.add(line.first)
            for number in range(line.first, line.last + 1):
                self.statement_of[number] = line.first
        self.decorators = []

    def result(self) -> SourceLines:
        functions = tuple(
            Function(
                name=scope.name,
                header=scope.header,
                body=(scope.body_first, scope.body_last) if scope.body_first else (0, 0),
                statements=frozenset(scope.statements),
                inlined=scope.inlined,
            )
            for scope in self.done
        )
        return SourceLines(functions, dict(self.statement_of))


def scan_statements(text: str) -> SourceLines:
    """The functions of a Mojo source and its statement lines (rules in the module docstring)."""
    scanner = _Scanner()
    for line in logical_lines(text):
        scanner.feed(line)
    return scanner.result()
