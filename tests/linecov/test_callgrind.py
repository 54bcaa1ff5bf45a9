"""Reading executed lines from callgrind profiles (the format's compressions)."""

from __future__ import annotations

import pytest

from gauntlet.errors import ResultError
from gauntlet.linecov.callgrind import executed_lines

PROFILE = """# callgrind format
version: 1
creator: callgrind-3.19.0
positions: line
events: Ir
summary: 500

ob=(1) /tmp/prog
fl=(1) src/pkg/shape.mojo
fn=(1) pkg::shape::size
11 2
+2 6

fn=(2) pkg::shape::is_empty
18 2
+1 1
cfn=(1)
calls=1 -8
* 4
* 4

fn=(3) pkg::shape::check
35 24
+2 2
fi=(2) Mojo/stdlib/std/builtin/comparable.mojo
+66 2
cfi=(1)
cfn=(4) pkg::shape::eq
calls=2 -75
* 32
fe=(1)
-66 5
0 3
38 0

fl=(3) /abs/tests/test_shape.mojo
fn=(5) main
14 5
+1 0
fl=(1)
fn=(6) pkg::shape::other
44 1
"""


def test_relative_positions_inlined_files_and_calls() -> None:
    found = executed_lines(PROFILE.splitlines())
    # size: 11, 13; is_empty: 18, 19 (the call's cost line repeats 19 with "*"),
    # check: 35, 37, back from the inlined file to 37, then 38 has no cost; other: 44
    assert found["src/pkg/shape.mojo"] == {11, 13, 18, 19, 35, 37, 44}
    # the inlined stdlib line (37 + 66) and the line of the call into it (103)
    assert found["Mojo/stdlib/std/builtin/comparable.mojo"] == {103}
    # a line with zero cost did not run
    assert found["/abs/tests/test_shape.mojo"] == {14}


def test_the_call_target_does_not_move_the_position() -> None:
    text = "positions: line\nevents: Ir\nfl=(1) a.mojo\nfn=(1) f\n31 30\n+1 295\n"
    text += "cfn=(2) g\ncalls=5 +94\n* 5220\n* 25\n"
    assert executed_lines(text.splitlines()) == {"a.mojo": {31, 32}}


def test_two_position_columns() -> None:
    text = "positions: instr line\nevents: Ir\nfl=(1) a.mojo\nfn=(1) f\n0x10 3 1\n+4 +2 1\n* * 2\n"
    assert executed_lines(text.splitlines()) == {"a.mojo": {3, 5}}


def test_not_a_profile() -> None:
    with pytest.raises(ResultError, match=r"prof\.out:1: not a callgrind profile"):
        executed_lines(["hello world"], "prof.out")
    with pytest.raises(ResultError, match=r"prof\.out: not a callgrind profile"):
        executed_lines(["version: 1"], "prof.out")


def test_malformed_cost_line_names_the_line() -> None:
    text = ["events: Ir", "fl=(1) a.mojo", "fn=(1) f", "12 x"]
    with pytest.raises(ResultError, match=r"p:4: malformed cost line '12 x'"):
        executed_lines(text, "p")
