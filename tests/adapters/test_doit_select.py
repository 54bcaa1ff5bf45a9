"""Short names and globs on doit's command line, run through doit itself.

doit runs in this process with a stand-in compiler (see ``fakemojo``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import WriteTree
from fakemojo import DoitIn, doit_project

from gauntlet.adapters.doit_select import aliases, matches

PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\n",
    "tests/nn/test_add.mojo": "def main(): pass\n",
    "tests/nn/test_mul.mojo": "def main(): pass\n",
    "tests/io/test_add.mojo": "def main(): pass\n",
    "tests/io/test_read.mojo": "def main(): pass\n",
}


def test_short_names_and_globs_match_trailing_path_parts() -> None:
    assert matches("test_add", "tests/nn/test_add.mojo")
    assert matches("test_add.mojo", "tests/nn/test_add.mojo")
    assert matches("nn/test_add", "tests/nn/test_add.mojo")
    assert matches("nn/*", "tests/nn/test_add.mojo")
    assert matches("test_a*", "tests/nn/test_add.mojo")
    assert not matches("test_ad", "tests/nn/test_add.mojo")
    assert not matches("io/*", "tests/nn/test_add.mojo")
    items = ["tests/nn/test_add.mojo", "tests/io/test_add.mojo"]
    argv = ["-n", "2", "test:tests/nn/test_add.mojo", "test:test_add", "test:tests/*", "x:y"]
    # exact names and globs doit expands itself get no alias
    assert aliases("test", items, argv) == {
        "test:test_add": ["test:tests/nn/test_add.mojo", "test:tests/io/test_add.mojo"]
    }


def test_doit_runs_the_tests_a_short_name_selects(doit_in: DoitIn) -> None:
    _, run = doit_in
    code, out = run("test:test_add")
    assert code == 0, out
    assert "test:tests/nn/test_add.mojo" in out
    assert "test:tests/io/test_add.mojo" in out
    assert "test_mul" not in out
    assert "test_read" not in out


def test_doit_runs_what_a_glob_of_a_folder_selects(doit_in: DoitIn) -> None:
    _, run = doit_in
    code, out = run("test:nn/*")
    assert code == 0, out
    assert "test:tests/nn/test_add.mojo" in out
    assert "test:tests/nn/test_mul.mojo" in out
    assert "tests/io/" not in out


def test_doit_info_shows_what_a_short_name_selects(doit_in: DoitIn) -> None:
    _, run = doit_in
    code, out = run("info", "test:test_mul.mojo")
    assert "test:tests/nn/test_mul.mojo" in out
    code, out = run("list")
    assert "test:test_mul" not in out  # only asked-for words make a task
    code, out = run("test:no_such_test")
    assert code == 3
    assert 'Invalid parameter: "test:no_such_test"' in out


@pytest.fixture
def doit_in(
    write_tree: WriteTree,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> DoitIn:
    return doit_project(PROJECT, write_tree, monkeypatch, tmp_path, capsys)
