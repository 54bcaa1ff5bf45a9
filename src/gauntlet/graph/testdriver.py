"""A per-test driver for Mojo test files whose tests would hide each other.

Three styles give no per-test outcome, or lose the tests after the first
failure (README, "A result for every test function"): ``main()``-driven files
(the first raise ends ``main``), print-style suites (tests print
``PASS``/``FAIL`` and the program exits 0), and ``mojo test``-era files (no
``main`` at all).

For these, gauntlet builds a driver instead of the file: the file's own text
with its ``main`` renamed (line numbers stay the file's), plus a new ``main``
that replays the old one statement by statement, so its set-up runs as before,
but wraps each top-level call of a test function: a marker line before and
after it, and a ``try`` that turns a raise into a reported failure.  A file
with no ``main`` gets one that calls each argument-free ``test_*`` function.
``GAUNTLET_SKIP=N`` skips the first N tests, so that after a crash the runner
starts the driver again after the test that crashed.

TestSuite files are left alone (TestSuite reports each test and goes on after
a failure), and so are files whose ``main`` calls no test function at its top
level: they give one result per file, and the report says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DRIVER_VERSION = 1  # part of every test's key: a new driver rebuilds the programs
MARK = "@@gauntlet:"
SKIP_VARIABLE = "GAUNTLET_SKIP"
_RENAMED_MAIN = "__gauntlet_original_main"

_HEADER = re.compile(r"^(fn|def)\s+(\w+)\s*(\[[^\]]*\])?\s*\(([^)]*)\)([^:]*):\s*(#.*)?$")
_CALL = re.compile(r"^(test\w*)\s*")
_NEW_STYLE = re.compile(r"^def\s+\w+.*\)\s*raises\b", re.MULTILINE)
_OLD_STYLE = re.compile(r"^fn\s+\w+", re.MULTILINE)


@dataclass(frozen=True)
class TestCall:
    """One test the driver runs: its reported name and where it is defined."""

    __test__ = False  # not a pytest test class

    name: str
    function: str
    line: int | None  # of the function's definition in the test file


@dataclass(frozen=True)
class Driver:
    """The generated program and the tests it runs, in order."""

    source: str
    calls: tuple[TestCall, ...]


@dataclass(frozen=True)
class _Function:
    keyword: str
    name: str
    params: str
    args: str
    effects: str
    line: int  # 0-based

    @property
    def raises(self) -> bool:
        return "raises" in self.effects

    @property
    def returns_value(self) -> bool:
        return "->" in self.effects and not re.search(r"->\s*None\b", self.effects)


def _functions(lines: list[str]) -> dict[str, _Function]:
    found: dict[str, _Function] = {}
    for number, line in enumerate(lines):
        match = _HEADER.match(line.rstrip())
        if match and match.group(2) not in found:
            keyword, name, params, args, effects, _ = match.groups()
            found[name] = _Function(keyword, name, params or "", args.strip(), effects, number)
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


class _Statements:
    """Splits a block into its top-level statements, minding brackets and strings."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""  # the open triple quote, if a string spans lines

    def feed(self, line: str) -> None:
        index = 0
        while index < len(line):
            if self.quote:
                end = line.find(self.quote, index)
                if end < 0:
                    return
                index, self.quote = end + 3, ""
                continue
            char = line[index]
            if char == "#":
                return
            if line.startswith(('"""', "'''"), index):
                self.quote = line[index : index + 3]
                index += 3
            elif char in "\"'":
                end = line.find(char, index + 1)
                index = len(line) if end < 0 else end + 1
            else:
                self.depth += (char in "([{") - (char in ")]}")
                index += 1

    @property
    def open(self) -> bool:
        return self.depth > 0 or bool(self.quote)


def _body(lines: list[str], header: int) -> tuple[int, list[list[str]]]:
    """The body indent of the block after ``header``, and its top-level statements."""
    end, scanner = header + 1, _Statements()
    while end < len(lines):
        text = lines[end]
        if not scanner.open and text.strip() and not text.startswith((" ", "\t", "#")):
            break
        scanner.feed(text)
        end += 1
    body = lines[header + 1 : end]
    while body and (not body[-1].strip() or body[-1].lstrip().startswith("#")):
        body.pop()
    indent = next((_indent(t) for t in body if t.strip() and not t.lstrip().startswith("#")), 4)
    statements: list[list[str]] = []
    scanner = _Statements()
    for text in body:
        starts = not scanner.open and text.strip() and _indent(text) == indent
        if starts and not text.lstrip().startswith("#"):
            statements.append([])
        if statements:
            statements[-1].append(text)
        scanner.feed(text)
    return indent, statements


def _closing(text: str, start: int) -> int | None:
    """The index just past the bracket group that opens at ``text[start]``."""
    depth, quote, index = 0, "", start
    while index < len(text):
        char = text[index]
        if quote:
            index += char == "\\"  # an escaped character
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([{" or char in ")]}":
            depth += 1 if char in "([{" else -1
            if depth == 0:
                return index + 1
        index += 1
    return None


def _test_call(statement: list[str]) -> tuple[str, str, str] | None:
    """(function, parameters, call text) when the statement is one call of a test."""
    text = "\n".join(statement).strip()
    called = re.sub(r"^_\s*=\s*", "", text)
    match = _CALL.match(called)
    if not match:
        return None
    index, params = match.end(), ""
    if called[index : index + 1] == "[":
        end = _closing(called, index)
        if end is None:
            return None
        params, index = called[index:end], end
    rest = called[index:].lstrip()
    end = _closing(rest, 0) if rest.startswith("(") else None
    if end is None:
        return None
    after = rest[end:].strip()
    if after and not after.startswith("#"):
        return None
    return match.group(1), params, text


def _label(name: str, params: str | None, seen: dict[str, int]) -> str:
    label = name + (params or "")
    seen[label] = seen.get(label, 0) + 1
    return label if seen[label] == 1 else f"{label} #{seen[label]}"


def _shift(text: str, indent: int, by: str) -> list[str]:
    shifted = (
        by + line[indent:] if not line[:indent].strip() else line for line in text.split("\n")
    )
    return [line.rstrip() for line in shifted]


def plan_driver(text: str, *, std_prefix: bool = True) -> Driver | None:
    """The driver for a test file's text, or ``None`` when it needs none (see module doc)."""
    lines = text.splitlines()
    functions = _functions(lines)
    main = functions.get("main")
    if "TestSuite" in text:
        return None
    new_style = bool(_NEW_STYLE.search(text))

    def raises(function: _Function | None) -> bool:
        if function is None:
            return True
        return function.raises or (function.keyword == "def" and not new_style)

    steps: list[str | tuple[TestCall, str, bool]] = []
    seen: dict[str, int] = {}
    indent = 4
    if main is not None:
        indent, statements = _body(lines, main.line)
        for statement in statements:
            call = _test_call(statement)
            if call is None:
                steps.append("\n".join(statement))
                continue
            name, params, call_text = call
            function = functions.get(name)
            label = _label(name, params, seen)
            line = function.line + 1 if function else None
            steps.append((TestCall(label, name, line), call_text, raises(function)))
    else:
        for function in functions.values():
            if function.name.startswith("test") and not function.args and not function.params:
                call_text = ("_ = " if function.returns_value else "") + f"{function.name}()"
                label = _label(function.name, None, seen)
                test = TestCall(label, function.name, function.line + 1)
                steps.append((test, call_text, raises(function)))
    calls = tuple(step[0] for step in steps if isinstance(step, tuple))
    if not calls:
        return None
    if main is not None:
        lines[main.line] = lines[main.line].replace("main", _RENAMED_MAIN, 1)
    return Driver(_render(lines, steps, indent, std_prefix, new_style, text), calls)


def _render(
    lines: list[str],
    steps: list[str | tuple[TestCall, str, bool]],
    indent: int,
    std_prefix: bool,
    new_style: bool,
    text: str,
) -> str:
    if new_style:
        header = "def main() raises:"
    elif _OLD_STYLE.search(text):
        header = "fn main() raises:"
    else:
        header = "def main():"
    std = "std." if std_prefix else ""
    out = [
        *lines,
        "",
        "",
        "# gauntlet: the per-test driver, generated; not part of the project.",
        f"from {std}os import getenv as __gauntlet_getenv",
        "",
        "",
        header,
        "    var __gauntlet_skip = 0",
        f'    var __gauntlet_from = __gauntlet_getenv("{SKIP_VARIABLE}")',
        "    try:  # a main that cannot raise may hold this too",
        "        __gauntlet_skip = Int(__gauntlet_from) if __gauntlet_from else 0",
        "    except:",
        "        pass",
    ]
    number = 0
    for step in steps:
        if isinstance(step, str):
            out.extend(_shift(step, indent, "    "))
            continue
        _, call_text, can_raise = step
        out.append(f"    if __gauntlet_skip <= {number}:")
        out.append(f'        print("\\n{MARK}begin:{number}", flush=True)')
        passed = f'print("\\n{MARK}pass:{number}", flush=True)'
        if can_raise:
            out.append("        try:")
            out.extend(_shift(call_text, 0, "            "))
            out.append(f"            {passed}")
            out.append("        except __gauntlet_e:")
            out.append(f'            print("\\n{MARK}fail:{number}:", __gauntlet_e, flush=True)')
        else:
            out.extend(_shift(call_text, 0, "        "))
            out.append(f"        {passed}")
        number += 1
    return "\n".join(out) + "\n"
