"""doit run in this process on a project whose compiler is a stand-in shell script.

The script (``GAUNTLET_MOJO``) answers ``--version`` as Mojo 1.2.0, and its
"build" writes a program that prints a one-test TestSuite report, so real doit
runs select, run and record tests without compiling anything.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import WriteTree
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

import gauntlet.dodo

FAKE_MOJO = """#!/bin/sh
if [ "$1" = "--version" ]; then echo "Mojo 1.2.0 (fake)"; exit 0; fi
while [ $# -gt 1 ]; do
  if [ "$1" = "-o" ]; then out="$2"; fi
  shift
done
printf '#!/bin/sh\\necho "    PASS [ 0.001 ] test_one"\\n' > "$out"
chmod +x "$out"
"""

DoitIn = tuple[Path, Callable[..., tuple[int, str]]]


def doit_project(
    files: dict[str, str],
    write_tree: WriteTree,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> DoitIn:
    """Write ``files``, work there with the stand-in compiler; return root and ``run(*args)``."""
    root = write_tree(files)
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
            main = DoitMain(ModuleTaskLoader(gauntlet.dodo), extra_config=outfile)
            code = main.run(list(args)) or 0  # `doit clean` returns None: exit 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out + err

    return root, run
