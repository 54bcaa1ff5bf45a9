"""A compile error is not compiled again while nothing it depends on changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import WriteTree
from fakemojo import doit_project

# The stand-in compiler logs each build; a source (or package) holding BROKEN fails.
FAILING_MOJO = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "Mojo 1.2.0 (fake)"; exit 0; fi
echo "$*" >> "$(dirname "$0")/builds.log"
skip=""
for arg in "$@"; do
  if [ -n "$skip" ]; then skip=""; continue; fi
  case "$arg" in -I|-o) skip=1; continue ;; esac
  if [ -e "$arg" ] && grep -rqs BROKEN "$arg"; then
    echo "$arg:1:1: error: broken on purpose" >&2; exit 1
  fi
done
while [ $# -gt 1 ]; do
  if [ "$1" = "-o" ]; then out="$2"; fi
  shift
done
printf '#!/bin/sh\\necho "    PASS [ 0.001 ] test_one"\\n' > "$out"
chmod +x "$out"
"""

PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\n",
    "src/lib/__init__.mojo": "# BROKEN\n",
    "tests/test_bad.mojo": "# BROKEN\ndef main(): pass\n",
    "tests/test_good.mojo": "def main(): pass\n",
}


def test_known_compile_errors_are_reported_again_without_compiling(
    write_tree: WriteTree,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, run = doit_project(PROJECT, write_tree, monkeypatch, tmp_path, capsys)
    (tmp_path / "fake-mojo").write_text(FAILING_MOJO, encoding="utf-8")
    log = tmp_path / "builds.log"

    code, out = run()
    assert code == 1
    first = log.read_text().splitlines()
    assert any("test_bad.mojo" in line for line in first)
    assert any("src/lib" in line for line in first)

    log.unlink()
    code, out = run()
    assert code == 1  # still failing, still said
    assert not log.exists()  # and nothing compiled again
    assert "test_bad.mojo" in out
    assert "the same compile error as last run, inputs unchanged: not compiled again" in out
    assert "building src/lib failed" in out
    assert "inputs unchanged since it failed: not compiled again" in out

    # A change to the file changes its key: it is compiled again, and now passes.
    (root / "tests/test_bad.mojo").write_text("def main(): pass\n")
    (root / "src/lib/__init__.mojo").write_text("")
    code, out = run()
    assert code == 0, out
    again = log.read_text()
    assert "test_bad.mojo" in again
    assert "src/lib" in again
    assert not (root / ".gauntlet/build/pkg/lib.mojoc.failed").exists()
