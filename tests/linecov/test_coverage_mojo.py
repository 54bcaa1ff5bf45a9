"""End-to-end: Mojo line coverage of real projects, on Mojo 0.26.1 and 1.2.0.

Ground truth, known from the sources: in the small project, ``add`` and
``checked_div`` are called by the tests, ``never_called`` by none (so no program
compiles it), and the ``raise`` of ``checked_div`` runs only in
``tests/test_zero.mojo``; in the sample, ``Linear.in_features`` and
``out_features`` are called by no test, and each error path below is raised by
one test file only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from doitrun import SPELLING, executed, run_doit, write_mojo_project

from gauntlet.cli.main import main
from gauntlet.linecov.callgrind import executed_lines

if TYPE_CHECKING:
    from gauntlet.run import toolchain

pytestmark = pytest.mark.slow

OPS = '''"""Arithmetic with checks."""


{fn} add(a: Int, b: Int) -> Int:
    return a + b


{fn} checked_div(a: Int, b: Int) raises -> Int:
    """Integer division that refuses zero."""
    if b == 0:
        raise Error("division by zero")
    return a // b


{fn} never_called(x: Int) -> Int:
    var y = x * 2
    return y + 1
'''
TEST_ADD = """from calc.ops import add, checked_div
from {std}testing import assert_equal


{fn} test_add() raises:
    assert_equal(add(2, 3), 5)


{fn} test_div() raises:
    assert_equal(checked_div(7, 2), 3)


{fn} main() raises:
    test_add()
    test_div()
"""
TEST_ZERO = """from calc.ops import checked_div


{fn} test_zero_raises() raises:
    try:
        _ = checked_div(1, 0)
    except e:
        return
    raise Error("no error")


{fn} main() raises:
    test_zero_raises()
"""
ADDED = """

{fn} triple(x: Int) -> Int:
    var tripled = x * 3
    return tripled
"""
OPS_FILE = "src/calc/ops.mojo"
LINEAR = "src/tinynn/linear.mojo"
NORMS = "src/tinytensor/linalg/norms.mojo"


def _project(root: Path, compiler: toolchain.Toolchain, spelling: dict[str, str]) -> None:
    files = {
        "src/calc/__init__.mojo": "",
        OPS_FILE: OPS,
        "tests/test_add.mojo": TEST_ADD,
        "tests/test_zero.mojo": TEST_ZERO,
    }
    write_mojo_project(root, files, spelling, "calc", compiler.version, "src")


@pytest.fixture
def calc(tmp_path: Path, mojo: toolchain.Toolchain, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project on Mojo 1.2, as the working directory."""
    _project(tmp_path, mojo, SPELLING["1.2"])
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAUNTLET_PROJECT", raising=False)
    return tmp_path


def _report(root: Path) -> dict[str, Any]:
    text = (root / ".gauntlet/results/coverage/coverage.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@pytest.mark.parametrize("release", ["0.26", "1.2"])
def test_ground_truth_of_a_small_project(
    release: str,
    tmp_path: Path,
    mojo: toolchain.Toolchain,
    mojo_legacy: toolchain.Toolchain,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiler = mojo_legacy if release == "0.26" else mojo
    spelling = SPELLING[release]
    _project(tmp_path, compiler, spelling)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAUNTLET_PROJECT", raising=False)

    code, _ = run_doit(tmp_path, "coverage")
    assert code == 0
    first = _report(tmp_path)
    ops = first["files"][OPS_FILE]
    # add (5), checked_div (10, 11, 12) ran; never_called (16, 17) was never compiled
    assert ops["executed_lines"] == [5, 10, 11, 12]
    assert ops["missing_lines"] == [16, 17]
    assert first["gauntlet"]["uncompiled"] == {OPS_FILE: ["never_called"]}
    assert list(first["files"]) == [OPS_FILE, "src/calc/__init__.mojo"] or list(first["files"]) == [
        "src/calc/__init__.mojo",
        OPS_FILE,
    ]
    contexts = ops["contexts"]
    assert contexts["11"] == ["tests/test_zero.mojo"]  # the error path: only the test raising
    assert contexts["5"] == ["tests/test_add.mojo"]
    assert contexts["10"] == ["tests/test_add.mojo", "tests/test_zero.mojo"]
    only_zero = {int(n) for n, tests in contexts.items() if tests == ["tests/test_zero.mojo"]}
    assert only_zero == {11}
    assert first["totals"]["num_statements"] == 6
    assert first["totals"]["covered_lines"] == 4

    # Without the test that raises, exactly the lines only it ran are lost; the
    # other program is not traced again.
    (tmp_path / "tests/test_zero.mojo").unlink()
    code, record = run_doit(tmp_path, "coverage")
    assert code == 0
    assert "coverage:tests/test_add.mojo" not in executed(record)
    second = _report(tmp_path)["files"][OPS_FILE]
    assert set(ops["executed_lines"]) - set(second["executed_lines"]) == only_zero
    assert second["missing_lines"] == [11, 16, 17]


def test_new_untested_mojo_function_fails_the_new_code_gate(
    calc: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path = calc
    git = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    env = {**os.environ, **git}
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(["git", *command], cwd=tmp_path, check=True, env=env)
    with (tmp_path / OPS_FILE).open("a", encoding="utf-8") as handle:
        handle.write(ADDED.format(fn="def"))  # lines 20-22: nothing calls it
    subprocess.run(["git", "commit", "-qam", "triple"], cwd=tmp_path, check=True, env=env)

    code, _ = run_doit(tmp_path, "coverage")
    assert code == 0
    monkeypatch.setenv("GAUNTLET_BASE", "main~1")
    assert main(["gates"]) != 0  # the Python gates have no data here: nothing ran pytest
    verdict = json.loads((tmp_path / ".gauntlet/results/gates/verdict.json").read_text())
    gates = {g["gate"]: g for g in verdict["gates"]}
    new_code = gates["new-code"]
    assert new_code["status"] == "failed"
    assert new_code["measured"].startswith("0.0% of 2 changed lines")
    assert f"{OPS_FILE}:21, {OPS_FILE}:22" in new_code["message"]
    assert gates["mojo-coverage"]["status"] == "failed"  # 4 of 8 statements


def test_the_profile_reader_agrees_with_callgrind_annotate(calc: Path) -> None:
    tmp_path = calc
    code, _ = run_doit(tmp_path, "coverage:tests/test_zero.mojo")
    assert code == 0
    programs = [p for p in (tmp_path / ".gauntlet/build").rglob("test_zero*") if p.is_file()]
    program = next(p for p in programs if os.access(p, os.X_OK) and p.suffix == "")
    profile = tmp_path / "profile.out"
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--dump-line=yes", f"--callgrind-out-file={profile}",
         str(program)], cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    with profile.open(encoding="utf-8") as lines:
        ours = executed_lines(lines)
    annotated = subprocess.run(
        ["callgrind_annotate", "--auto=yes", "--context=0", "--threshold=100", str(profile)],
        cwd=tmp_path, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    shown = annotated.split(f"-- Auto-annotated source: {OPS_FILE}")[1].split("-- Auto")[0]
    theirs = {int(n) for n in _annotated_lines(shown)}
    assert ours[OPS_FILE] == theirs


def _annotated_lines(section: str) -> list[str]:
    """The line numbers callgrind_annotate shows with a cost (``-- line N ---`` markers)."""
    found = []
    lines = section.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("-- line ") and i + 1 < len(lines):
            cost = lines[i + 1].strip().split(" ")[0].replace(",", "")
            if cost.isdigit() and int(cost) > 0:
                found.append(line.split()[2])
    return found


def test_ground_truth_on_the_sample(
    tmp_path: Path, mojo: toolchain.Toolchain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample's own code, with two of its test files (the others left out for time)."""
    sample = Path(__file__).resolve().parents[2] / "sample"
    shutil.copytree(sample / "src", tmp_path / "src")
    (tmp_path / "tests").mkdir()
    for name in ("helpers.mojo", "test_linear.mojo", "test_norms.mojo"):
        shutil.copy(sample / "tests" / name, tmp_path / "tests" / name)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "s"\nversion = "0"\n\n[tool.gauntlet]\nmojo-version = "{mojo.version}"'
        "\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAUNTLET_PROJECT", raising=False)
    code, _ = run_doit(tmp_path, "coverage")
    assert code == 0
    first = _report(tmp_path)
    linear, norms = first["files"][LINEAR], first["files"][NORMS]
    # Linear.in_features (46) and out_features (49): no test calls them, no program has them
    assert {46, 49} <= set(linear["missing_lines"])
    assert first["gauntlet"]["uncompiled"][LINEAR] == ["Linear.in_features", "Linear.out_features"]
    # error paths, each run only by the test that makes them raise
    assert linear["contexts"]["38"] == ["tests/test_linear.mojo"]
    assert norms["contexts"]["35"] == ["tests/test_norms.mojo"]
    only_norms = {
        (path, int(line))
        for path, entry in first["files"].items()
        for line, tests in entry["contexts"].items()
        if tests == ["tests/test_norms.mojo"]
    }
    assert (NORMS, 35) in only_norms
    (tmp_path / "tests/test_norms.mojo").unlink()
    code, _ = run_doit(tmp_path, "coverage")
    assert code == 0
    second = _report(tmp_path)
    lost = {
        (path, line)
        for path, entry in first["files"].items()
        for line in set(entry["executed_lines"]) - set(second["files"][path]["executed_lines"])
    }
    assert lost == only_norms
