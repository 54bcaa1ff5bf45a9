"""Functions the compiler always inlines: their bodies carry the call site's line."""

from __future__ import annotations

from gauntlet.linecov.merge import Trace, file_lines, merge
from gauntlet.linecov.statements import scan_statements

# Line table and callgrind lines of this program built by Mojo 0.26.1 and 1.2.0
# with `--no-optimization --debug-level line-tables`: no entry for the bodies
# of the @always_inline functions (3-4, 9-10); their code has the call lines.
PROGRAM = """\
@always_inline
fn inl(x: Int) -> Int:
    var y = x * 3
    return y + 1


@always_inline("nodebug")
fn nod(x: Int) -> Int:
    var y = x * 5
    return y + 2


fn plain(x: Int) -> Int:
    var y = x * 7
    return y + 3


fn main():
    var a = inl(2)
    var b = nod(3)
    var c = plain(4)
    print(a, b, c)
"""
RAN = frozenset({14, 15, 18, 19, 20, 21, 22})


def test_always_inline_bodies_are_not_counted_as_missed() -> None:
    trace = Trace("test/test_prog.mojo", {"prog.mojo": RAN}, {"prog.mojo": RAN})
    lines = file_lines("prog.mojo", PROGRAM, [trace])
    assert sorted(lines.executable) == [14, 15, 19, 20, 21, 22]
    assert sorted(lines.executed) == [14, 15, 19, 20, 21, 22]
    assert lines.uncompiled == ()


def test_untested_file_counts_its_plain_functions_only() -> None:
    report = merge({"prog.mojo": PROGRAM}, [])
    (lines,) = report.files
    assert sorted(lines.executable) == [14, 15, 19, 20, 21, 22]
    assert lines.executed == frozenset()
    assert lines.uncompiled == ("plain", "main")


def test_scanner_marks_always_inline_functions() -> None:
    functions = {f.name: f for f in scan_statements(PROGRAM).functions}
    assert {name: f.inlined for name, f in functions.items()} == {
        "inl": True,
        "nod": True,
        "plain": False,
        "main": False,
    }
    assert sorted(functions["nod"].statements) == [9, 10]  # still listed, only not counted
