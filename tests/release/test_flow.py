"""The release steps' bookkeeping: which Mojo package file, and a check with no build."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from indexes import git

from gauntlet.adapters.doit_release import do_check
from gauntlet.config.load import load_config
from gauntlet.layout import BuildDir
from gauntlet.release.flow import built_package, open_release

if TYPE_CHECKING:
    from pathlib import Path


def test_the_mojo_package_is_the_file_the_graph_built(tmp_path: Path) -> None:
    build = BuildDir(tmp_path)
    assert built_package(build, "lib") == tmp_path / "build" / "pkg" / "lib.mojoc"  # none yet
    older = build.package("lib", ".mojoc")
    older.parent.mkdir(parents=True)
    older.write_bytes(b"1.x")
    os.utime(older, (1, 1))
    newer = build.package("lib", ".mojopkg")  # `mojo package`, Mojo 0.26 and older
    newer.write_bytes(b"0.26")
    assert built_package(build, "lib") == newer


def test_a_check_without_a_build_says_so_and_fails(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "1.0"\n\n[tool.gauntlet]\ninclude = ["."]\n\n'
        "[tool.gauntlet.release]\n"
    )
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    release = open_release(load_config(tmp_path))
    assert release.version == "1.0"
    found = do_check(release, "twine")
    assert found == {
        "status": "failed",
        "message": "not checked: there is no release build (see release:build)",
    }
