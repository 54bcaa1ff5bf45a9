"""Running doit in the test process on the project in the working directory."""

from __future__ import annotations

import importlib
import json
from typing import TYPE_CHECKING, Any

from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

from gauntlet.results.records import read_result

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType


# How each release spells a function and the standard library's modules.
SPELLING = {"0.26": {"fn": "fn", "std": ""}, "1.2": {"fn": "def", "std": "std."}}


def write_mojo_project(
    root: Path,
    files: dict[str, str],
    spelling: dict[str, str],
    name: str,
    version: str,
    include: str = ".",
) -> None:
    """Write Mojo files (``spelling`` fills ``{fn}``/``{std}``) and a pyproject for ``version``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(**spelling), encoding="utf-8")
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "{name}"\nversion = "0"\n\n[tool.gauntlet]\n'
        f'mojo-version = "{version}"\ninclude = ["{include}"]\npackages = []\ntimeout = 300\n',
        encoding="utf-8",
    )


def _dodo() -> ModuleType:
    import gauntlet.dodo

    return importlib.reload(gauntlet.dodo)


def run_doit(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """Run doit in this process on the project in the working directory."""
    code = DoitMain(ModuleTaskLoader(_dodo())).run(list(args))
    record = json.loads((root / ".gauntlet/runs/last-doit-run.json").read_text(encoding="utf-8"))
    return code, record


def executed(record: dict[str, Any]) -> set[str]:
    """The tasks a run executed (not up to date)."""
    return {t["name"] for t in record["tasks"] if t["status"] == "executed"}


def result(root: Path, test: str) -> Any:
    """The recorded result of one Mojo test file."""
    return read_result(root / ".gauntlet/results/mojo" / (test.replace("/", "__") + ".json"))
