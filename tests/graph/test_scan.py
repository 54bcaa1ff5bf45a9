from __future__ import annotations

from gauntlet.graph.scan import Import, parse_imports


def test_every_import_form() -> None:
    text = '''
"""Module docstring.

import fake.in_docstring
from fake import nothing
"""
import a.b
import c as d, e.f as g
from h.i import j, k as l
from m import (
    n,
    o as p,  # comment inside the list
)
from .sibling import q
from ..parent.mod import r
from . import s
# import commented.out
from std.testing import assert_equal
from w import \\
    x

def f():
    from lazy.mod import t  # inside a function

def g():
    var np = Python.import_module("numpy")
    var text = "import not.real"
'''
    parsed = parse_imports(text)
    assert [(i.module, i.level, i.names) for i in parsed.imports] == [
        ("a.b", 0, ()),
        ("c", 0, ()),
        ("e.f", 0, ()),
        ("h.i", 0, ("j", "k")),
        ("m", 0, ("n", "o")),
        ("sibling", 1, ("q",)),
        ("parent.mod", 2, ("r",)),
        ("", 1, ("s",)),
        ("std.testing", 0, ("assert_equal",)),
        ("w", 0, ("x",)),
        ("lazy.mod", 0, ("t",)),
    ]
    assert [i.bound for i in parsed.imports[:5]] == [
        ("a",),
        ("d",),
        ("g",),
        ("j", "l"),
        ("n", "p"),
    ]
    assert parsed.python_modules == ("numpy",)
    assert parsed.problems == ()


def test_line_numbers_survive_blanked_docstrings() -> None:
    text = 'def f():\n    """doc\n    more doc\n    """\n    pass\nimport late\n'
    (imp,) = parse_imports(text).imports
    assert imp == Import("late", 0, (), 6, ("late",))


def test_star_and_unreadable_imports() -> None:
    parsed = parse_imports("from a import *\nimport 3bad\nfrom b import 9x\n")
    assert parsed.imports[0] == Import("a", 0, ("*",), 1, ("*",))
    assert parsed.problems == (
        (2, "cannot read import '3bad'"),
        (3, "cannot read imported name '9x'"),
    )


def test_unterminated_string_does_not_hide_later_lines_forever() -> None:
    parsed = parse_imports('var s = "oops\nimport after\n')
    assert [i.module for i in parsed.imports] == ["after"]


def test_semicolon_separated_statement() -> None:
    parsed = parse_imports("import a; import b\n")
    assert [i.module for i in parsed.imports] == ["a"]


def test_backtick_identifiers_are_names_even_with_quotes_and_commas_inside() -> None:
    text = (
        'from .constants import ` `, `\\n`, `"`, `\\\\`, `,`, `{`\n'
        "from emberjson.utils import to_string  # `not` a name\n"
    )
    parsed = parse_imports(text)
    assert parsed.problems == ()
    first, second = parsed.imports
    assert first.names == ("` `", "`\\n`", '`"`', "`\\\\`", "`,`", "`{`")
    assert (second.module, second.names, second.line) == ("emberjson.utils", ("to_string",), 2)
