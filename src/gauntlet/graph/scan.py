"""Reading the imports of one Mojo source text.

Comments and string literals (docstrings included) are blanked first, keeping
every offset and newline, so import-like text inside them is never taken for
an import and line numbers stay exact.  What remains is matched statement by
statement: ``import a.b as c, d``, ``from a.b import c, d as e``,
parenthesised multi-line lists, backslash continuations, relative
``from .x``/``from ..y`` forms, and imports indented inside function bodies.
Backtick identifiers (``from m import `{`, `,` ``) are names, kept whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

_BLANKABLE = re.compile(
    r"`[^`\n]+`"  # a backtick identifier (``from m import `{` ``): kept as it is
    r'|"""[\s\S]*?(?:"""|\Z)'  # triple-quoted strings and docstrings
    r"|'''[\s\S]*?(?:'''|\Z)"
    r'|"(?:\\.|[^"\\\n])*"?'  # one-line strings
    r"|'(?:\\.|[^'\\\n])*'?"
    r"|#[^\n]*"  # comments
    r"|\\\n"  # backslash continuations
)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n;]+)", re.MULTILINE)
_FROM = re.compile(
    r"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]*(\([^)]*\)?|[^\n;]+)",
    re.MULTILINE,
)
_NEWLINE = re.compile(r"\n")
_PY_IMPORT = re.compile(r"""Python\s*\.\s*import_module\(\s*["']([\w.]+)["']""")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_NAME = re.compile(r"^(?:[A-Za-z_]\w*|`[^`\n]+`|\*)$")
_ITEM = re.compile(r"(?:`[^`\n]+`|[^,`])+")  # one name of an import list: commas in backticks


class Import(NamedTuple):
    """One imported module as written: ``from ..a.b import c`` is level 2, ``a.b``."""

    module: str
    level: int
    names: tuple[str, ...]
    line: int
    bound: tuple[str, ...] = ()
    """Names the statement binds in the importing module (aliases applied)."""


class Parsed(NamedTuple):
    """The imports of one file, and the Python modules it loads at run time."""

    imports: tuple[Import, ...]
    python_modules: tuple[str, ...]
    problems: tuple[tuple[int, str], ...]


def _blank(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith("`"):
        return text
    if text == "\\\n":
        return "  "
    return "".join("\n" if ch == "\n" else " " for ch in text)


def _split_alias(item: str) -> tuple[str, str]:
    """``a.b as c`` → (``a.b``, ``c``); ``a.b`` → (``a.b``, ``a.b``)."""
    name, _, alias = " ".join(item.split()).partition(" as ")
    return name.strip(), (alias or name).strip()


def parse_imports(text: str) -> Parsed:
    """All import statements of one Mojo source text, in source order."""
    code = _BLANKABLE.sub(_blank, text)
    starts = [0, *(m.end() for m in _NEWLINE.finditer(code))]

    def line_at(offset: int) -> int:
        return bisect_right(starts, offset)

    found: list[tuple[int, Import]] = []
    problems: list[tuple[int, str]] = []
    for match in _IMPORT.finditer(code):
        line = line_at(match.start())
        for item in match.group(1).split(","):
            module, alias = _split_alias(item)
            if _DOTTED.match(module):
                binds = alias if alias != module else module.split(".")[0]
                found.append((match.start(), Import(module, 0, (), line, (binds,))))
            else:
                problems.append((line, f"cannot read import {item.strip()!r}"))
    for match in _FROM.finditer(code):
        line = line_at(match.start())
        dots, module, rest = match.groups()
        names: list[str] = []
        bound: list[str] = []
        for item in _ITEM.findall(rest.strip().strip("()")):
            name, alias = _split_alias(item)
            if name and _NAME.match(name):
                names.append(name)
                bound.append(alias)
            elif name:
                problems.append((line, f"cannot read imported name {item.strip()!r}"))
        if module and not _DOTTED.match(module):
            problems.append((line, f"cannot read module name {module!r}"))
            continue
        imp = Import(module, len(dots), tuple(names), line, tuple(bound))
        found.append((match.start(), imp))
    found.sort(key=lambda pair: pair[0])
    python = tuple(dict.fromkeys(m.group(1) for m in _PY_IMPORT.finditer(text)))
    return Parsed(tuple(imp for _, imp in found), python, tuple(problems))


def python_import_lines(text: str) -> tuple[tuple[str, int], ...]:
    """Each ``Python.import_module("m")`` of a Mojo text as (module, line), in order."""
    found = _PY_IMPORT.finditer(text)
    return tuple((m.group(1), text.count("\n", 0, m.start()) + 1) for m in found)
