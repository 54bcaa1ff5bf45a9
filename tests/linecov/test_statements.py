"""The Mojo statement-line scanner: exact functions, bodies and statement lines."""

from __future__ import annotations

import random
from pathlib import Path

from gauntlet.linecov.statements import Function, SourceLines, scan_statements

REPO = Path(__file__).resolve().parents[2]
SHAPE = REPO / "sample" / "src" / "tinytensor" / "shape.mojo"


def by_name(lines: SourceLines) -> dict[str, Function]:
    return {function.name: function for function in lines.functions}


def statements(text: str) -> dict[str, set[int]]:
    return {function.name: set(function.statements) for function in scan_statements(text).functions}


def test_sample_shape_file_exact() -> None:
    lines = scan_statements(SHAPE.read_text(encoding="utf-8"))
    assert [(f.name, f.header, f.body, set(f.statements)) for f in lines.functions] == [
        ("Shape.size", (11, 11), (12, 13), {13}),
        ("Shape.is_square", (15, 15), (16, 16), {16}),
        ("Shape.is_empty", (18, 18), (19, 19), {19}),
        ("Shape.transposed", (21, 21), (22, 22), {22}),
        ("Shape.offset", (24, 24), (25, 26), {26}),
        ("Shape.__eq__", (28, 28), (29, 29), {29}),
        ("Shape.write_to", (31, 31), (32, 32), {32}),
        ("check_same_shape", (35, 35), (36, 38), {37, 38}),
        ("check_matmul_shapes", (41, 41), (42, 45), {43, 44, 45}),
    ]
    counted = (13, 16, 19, 22, 26, 29, 32, 37, 38, 43, 44, 45)
    assert dict(lines.statement_of) == {n: n for n in counted}
    # the docstring line is in the body
    assert lines.function_at(12) == by_name(lines)["Shape.size"]
    assert lines.function_at(11) is None  # the signature (prologue) line
    assert lines.function_at(8) is None  # a struct field
    assert lines.function_at(40) is None  # between functions


OLD_STYLE = """\
from algorithm import vectorize
alias WIDTH = 4


@always_inline("nodebug")
fn add[dtype: DType](a: Int, b: Int) -> Int:
    alias half = WIDTH // 2
    var total: Int
    var buf: SIMD[DType.float32, size=4]
    var count: Int = 0
    total = a + b
    @parameter
    for i in range(WIDTH):
        total += i
    @parameter
    if dtype == DType.int8:
        total += 1
    elif dtype == DType.int16:
        total += 2
    else:
        total += 3
    if total > 3:
        count += 1
    else:
        pass
    constrained[WIDTH > 0, "width"]()
    return total + count


fn main() raises:
    print(add[DType.int8](1, 2))
"""


def test_fn_and_parameter_decorators_of_mojo_0_26() -> None:
    lines = scan_statements(OLD_STYLE)
    add = by_name(lines)["add"]
    assert add.header == (5, 6)
    assert add.body == (7, 27)
    # alias (7), var with no value (8, 9), @parameter lines (12, 15), the compile-time
    # for/if/elif/else (13, 16, 18, 20) and the bare else/pass (24, 25) hold no code.
    assert set(add.statements) == {10, 11, 14, 17, 19, 21, 22, 23, 26, 27}
    assert set(by_name(lines)["main"].statements) == {31}
    assert 1 not in lines.statement_of
    assert 2 not in lines.statement_of


NEW_STYLE = """\
from std.testing import assert_equal

comptime SIZE = 8


def kernel[n: Int](x: Int) -> Int:
    comptime doubled = n * 2
    comptime assert n > 0, "n must be positive"
    var acc = x
    comptime if n > 4:
        acc += doubled
    elif n > 2:
        acc -= 1
    else:
        acc = 0
    comptime for i in range(n):
        acc += i
    if acc > 0:
        acc -= 1
    elif acc < 0:
        acc += 1
    debug_assert(acc >= 0, "negative")
    return acc
"""


def test_comptime_lines_of_mojo_1x() -> None:
    lines = scan_statements(NEW_STYLE)
    kernel = by_name(lines)["kernel"]
    assert kernel.header == (6, 6)
    assert kernel.body == (7, 23)
    assert set(kernel.statements) == {9, 11, 13, 15, 17, 18, 19, 20, 21, 22, 23}
    assert [f.name for f in lines.functions] == ["kernel"]


MULTILINE = """\
@always_inline
def combine[
    T: Copyable & Movable, //
](
    a: Int,
    b: Int,  # the second operand
) raises -> Int where T.size > 0:
    var values = List[Int](
        a,
        b,
    )
    var total = sum(values) + \\
        len(values)
    if (a > 0 and
            b > 0):
        return total
    raise Error(
        "no positive # operands (["
    )
"""


def test_multiline_signatures_and_statements() -> None:
    lines = scan_statements(MULTILINE)
    combine = by_name(lines)["combine"]
    assert combine.header == (1, 7)
    assert combine.body == (8, 19)
    assert set(combine.statements) == {8, 12, 14, 16, 17}
    assert dict(lines.statement_of) == {
        8: 8,
        9: 8,
        10: 8,
        11: 8,
        12: 12,
        13: 12,
        14: 14,
        15: 14,
        16: 16,
        17: 17,
        18: 17,
        19: 17,
    }
    for line in range(1, 8):
        assert lines.function_at(line) is None
        assert line not in lines.statement_of


DOCSTRINGS = '''\
def documented(x: Int) -> String:
    """Looks like code: def fake(a):
        if a: # not a comment
            return (a, [b
    """
    r"""raw # docstring ("""
    var text = "def in a string: # ("
    var more = t"template {x} # )"
    'a lone string statement'
    return text + more  # def trailing(
'''


def test_docstrings_and_strings_hide_syntax() -> None:
    lines = scan_statements(DOCSTRINGS)
    assert [f.name for f in lines.functions] == ["documented"]
    documented = lines.functions[0]
    assert documented.body == (2, 10)
    assert set(documented.statements) == {7, 8, 10}
    assert set(lines.statement_of) == {7, 8, 10}


NESTED = """\
def outer(n: Int) -> Int:
    var total = 0

    @parameter
    @always_inline
    def inner(i: Int) capturing -> Int:
        var doubled = i * 2
        def innermost() -> Int:
            return doubled
        return innermost()

    for i in range(n):
        total += inner(i)
    def short() -> Int: return 1
    return total + short()
"""


def test_nested_functions() -> None:
    lines = scan_statements(NESTED)
    named = by_name(lines)
    names = ["outer", "outer.inner", "outer.inner.innermost", "outer.short"]
    assert [f.name for f in lines.functions] == names
    assert named["outer"].body == (2, 15)
    assert set(named["outer"].statements) == {2, 12, 13, 15}
    assert named["outer.inner"].header == (4, 6)
    assert named["outer.inner"].body == (7, 10)
    assert set(named["outer.inner"].statements) == {7, 10}
    assert set(named["outer.inner.innermost"].statements) == {9}
    assert named["outer.short"].header == (14, 14)
    assert named["outer.short"].body == (0, 0)
    assert not named["outer.short"].statements
    assert lines.function_at(9) == named["outer.inner.innermost"]
    assert lines.function_at(10) == named["outer.inner"]
    assert lines.function_at(11) == named["outer"]  # a blank line inside the outer body
    assert lines.function_at(13) == named["outer"]
    assert lines.function_at(5) is None
    assert lines.function_at(14) is None


TRAITS = """\
trait Sized:
    def size(self) -> Int:
        ...

    def name(self) -> String: ...


struct Pair(Sized):
    var a: Int

    fn __init__(out self, a: Int): self.a = a

    def size(self) -> Int:
        return 2

    @staticmethod
    def make() -> Self:
        return Self(1)


def one(): return 1
"""


def test_trait_methods_and_one_line_bodies() -> None:
    lines = scan_statements(TRAITS)
    assert [(f.name, f.header, f.body, set(f.statements)) for f in lines.functions] == [
        ("Sized.size", (2, 2), (3, 3), set()),
        ("Sized.name", (5, 5), (0, 0), set()),
        ("Pair.__init__", (11, 11), (0, 0), set()),
        ("Pair.size", (13, 13), (14, 14), {14}),
        ("Pair.make", (16, 17), (18, 18), {18}),
        ("one", (21, 21), (0, 0), set()),
    ]
    assert dict(lines.statement_of) == {14: 14, 18: 18}


BLOCKS = """\
def handle(path: String) raises -> Int:
    try:
        with open(path, "r") as f:
            return len(f.read())
    except e:
        print(e)
    finally:
        print("done")
    while True:
        if path: return 1
        else: return 2
    for c in path.codepoints(): print(c)
    import os
    from pathlib import Path
    x = 1; y = 2
    return x
"""


def test_compound_statements_and_one_line_blocks() -> None:
    assert statements(BLOCKS) == {"handle": {3, 4, 5, 6, 8, 9, 10, 11, 12, 15, 16}}


def test_crlf_and_tabs_give_the_same_lines() -> None:
    lf = scan_statements(MULTILINE)
    assert scan_statements(MULTILINE.replace("\n", "\r\n")) == lf
    tabbed = scan_statements(NESTED.replace("    ", "\t"))
    assert [(f.name, f.body, f.statements) for f in tabbed.functions] == [
        (f.name, f.body, f.statements) for f in scan_statements(NESTED).functions
    ]


def test_unclosed_bracket_does_not_swallow_later_functions() -> None:
    text = "def broken() -> Int:\n    var x = foo(1,\n    return x\n\n"
    text += "def later() -> Int:\n    return 2\n"
    lines = scan_statements(text)
    assert [f.name for f in lines.functions] == ["broken", "later"]
    assert set(lines.functions[1].statements) == {6}
    assert set(lines.functions[0].statements) == {2}
    assert dict(lines.statement_of)[3] == 2


def check_consistent(lines: SourceLines) -> None:
    bodies = [f.body for f in lines.functions if f.body != (0, 0)]
    for line, first in lines.statement_of.items():
        assert lines.statement_of[first] == first
        assert first <= line
        assert any(start <= line <= end for start, end in bodies)
    for function in lines.functions:
        assert function.header[0] <= function.header[1]
        for first in function.statements:
            assert function.body[0] <= first <= function.body[1]


def test_never_raises_on_mangled_real_files() -> None:
    rng = random.Random(20261202)  # noqa: S311  # a fixed seed for repeatable mangling
    sources = sorted(
        p for p in (REPO / "sample").rglob("*.mojo") if p.is_file() and ".gauntlet" not in p.parts
    )
    assert sources
    texts = [path.read_text(encoding="utf-8") for path in sources]
    texts += [MULTILINE, DOCSTRINGS, NESTED, TRAITS, OLD_STYLE, NEW_STYLE, BLOCKS]
    texts += ["", "\n", ")))]]", '"""', "'", "\\", "def", "def f(:\n", "\x00\x0c\u2028"]
    texts += ["\tdef g():\n  \t x = (\n", "@parameter\n", "def f():\n  \\"]
    texts += [(REPO / "README.md").read_text(encoding="utf-8")]
    texts += [Path(__file__).read_text(encoding="utf-8")]
    scanned = 0
    for text in texts:
        step = max(len(text) // 40, 1)
        variants = [text[:cut] for cut in range(0, len(text), step)]
        for _ in range(5):
            kept = [line for line in text.splitlines(keepends=True) if rng.random() > 0.2]
            variants.append("".join(kept))
            chars = list(text)
            for _ in range(min(len(chars), 10)):
                chars[rng.randrange(len(chars))] = rng.choice("()[]{}\"'#\\:\n\t ")
            variants.append("".join(chars))
        for variant in variants:
            check_consistent(scan_statements(variant))
            scanned += 1
    assert scanned > 1000


STRINGS = '''\
def paths() -> String:
    """Example:
def fake():
    return 1
"""
    var windows = "C:\\\\dir\\\\"  # a string ending in a backslash
    var raw = r"\\d+(" + b'(' + rb"]" + t"{1}#"
    var joined = "one" \\
        + "two"
    return windows + raw + joined
'''


def test_prefixed_strings_backslashes_and_a_def_inside_a_docstring() -> None:
    lines = scan_statements(STRINGS)
    assert [f.name for f in lines.functions] == ["paths"]
    assert lines.functions[0].body == (2, 10)
    assert set(lines.functions[0].statements) == {6, 7, 8, 10}
    assert dict(lines.statement_of) == {6: 6, 7: 7, 8: 8, 9: 8, 10: 10}
