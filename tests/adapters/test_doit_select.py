"""Short names and globs on doit's command line, run through doit itself.

The compiler is a small shell script (``GAUNTLET_MOJO``) whose "build" writes
a program that prints a TestSuite report, so real doit runs select, run and
record tests without compiling anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import WriteTree
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

import gauntlet.dodo
from gauntlet.adapters.doit_select import aliases, matches

FAKE_MOJO = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "Mojo 1.2.0 (fake)"; exit 0; fi
while [ $# -gt 1 ]; do
  if [ "$1" = "-o" ]; then out="$2"; fi
  shift
done
printf '#!/bin/sh\\necho "    PASS [ 0.001 ] test_one"\\n' > "$out"
chmod +x "$out"
"""

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


@pytest.fixture
def doit_in(
    write_tree: WriteTree,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> tuple[Path, object]:
    root = write_tree(PROJECT)
    monkeypatch.chdir(root)
    for name in ("GAUNTLET_PROJECT", "GAUNTLET_SKIP_TAGS", "GAUNTLET_ONLY_TAGS"):
        monkeypatch.delenv(name, raising=False)
    fake = tmp_path / "fake-mojo"
    fake.write_text(FAKE_MOJO, encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("GAUNTLET_MOJO", str(fake))
    monkeypatch.setenv("GAUNTLET_HISTORY", "off")

    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["doit", *args])  # what `doit ARGS` sees
        outfile = {"GLOBAL": {"outfile": sys.stdout}}
        try:
            code = DoitMain(ModuleTaskLoader(gauntlet.dodo), extra_config=outfile).run(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out + err

    return root, run


def test_doit_runs_the_tests_a_short_name_selects(doit_in: tuple[Path, object]) -> None:
    _, run = doit_in
    code, out = run("test:test_add")  # type: ignore[operator]
    assert code == 0, out
    assert "test:tests/nn/test_add.mojo" in out
    assert "test:tests/io/test_add.mojo" in out
    assert "test_mul" not in out
    assert "test_read" not in out


def test_doit_runs_what_a_glob_of_a_folder_selects(doit_in: tuple[Path, object]) -> None:
    _, run = doit_in
    code, out = run("test:nn/*")  # type: ignore[operator]
    assert code == 0, out
    assert "test:tests/nn/test_add.mojo" in out
    assert "test:tests/nn/test_mul.mojo" in out
    assert "tests/io/" not in out


def test_doit_info_shows_what_a_short_name_selects(doit_in: tuple[Path, object]) -> None:
    _, run = doit_in
    code, out = run("info", "test:test_mul.mojo")  # type: ignore[operator]
    assert "test:tests/nn/test_mul.mojo" in out
    code, out = run("list")  # type: ignore[operator]
    assert "test:test_mul" not in out  # only asked-for words make a task
    code, out = run("test:no_such_test")  # type: ignore[operator]
    assert code == 3
    assert 'Invalid parameter: "test:no_such_test"' in out
