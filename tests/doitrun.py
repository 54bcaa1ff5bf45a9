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
