"""`mojo format` has no check mode: checking formats a copy and compares."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gauntlet.config.load import parse_config
from gauntlet.run import toolchain
from gauntlet.run.mojoformat import _first_difference, check_format, main, mojo_sources


def test_sources_skip_the_build_folder_and_hidden_folders(tmp_path: Path) -> None:
    for rel in ("src/a.mojo", "tests/test_b.mojo", ".gauntlet/x.mojo", ".nox/y.mojo", "c.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    config = parse_config(tmp_path / "pyproject.toml", "[tool.gauntlet]\n")
    assert mojo_sources(config) == ["src/a.mojo", "tests/test_b.mojo"]


def test_first_difference_is_the_first_changed_line() -> None:
    assert _first_difference("a\nb\nc\n", "a\nB\nc\n") == 2
    assert _first_difference("a\n", "a\n\nb\n") == 2


@pytest.mark.slow
def test_unformatted_files_are_reported_and_left_untouched(
    mojo: toolchain.Toolchain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ugly = "def main():\n    var x   =   1\n    print( x )\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "ugly.mojo").write_text(ugly)
    (tmp_path / "src" / "fine.mojo").write_text("def main():\n    print(1)\n")
    found = check_format(mojo.mojo, tmp_path, ["src/fine.mojo", "src/ugly.mojo"], 120)
    assert [(f.file, f.line, f.rule) for f in found] == [("src/ugly.mojo", 2, "unformatted")]
    assert (tmp_path / "src" / "ugly.mojo").read_text() == ugly
    (tmp_path / "pyproject.toml").write_text('[tool.gauntlet]\nmojo-version = "1.2.0"\n')
    monkeypatch.chdir(tmp_path)
    assert main([str(tmp_path / "out.json")]) == 1
    data = json.loads((tmp_path / "out.json").read_text())
    assert [f["file"] for f in data["findings"]] == ["src/ugly.mojo"]
