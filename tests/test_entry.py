from __future__ import annotations

from pathlib import Path

import pytest

from gauntlet.entry import guarded, write_crash_log
from gauntlet.errors import ConfigError, ToolError


def test_expected_errors_print_one_line_and_map_to_their_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def config() -> int:
        raise ConfigError("pyproject.toml:3: [tool.gauntlet] 'timeout': expected a number")

    def tool() -> int:
        raise ToolError("mojo not found")

    assert guarded(config) == 3
    assert guarded(tool, prog="x") == 2
    assert guarded(lambda: 1) == 1
    assert capsys.readouterr().err == (
        "gauntlet: error: pyproject.toml:3: [tool.gauntlet] 'timeout': expected a number\n"
        "x: error: mojo not found\n"
    )


def test_the_crash_log_falls_back_when_the_build_folder_cannot_be_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lost() -> Path:
        raise ConfigError("no pyproject.toml")

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    log = write_crash_log("Traceback", lost)
    assert log.parent == tmp_path / "tmp" / "gauntlet" / "logs"
    assert log.read_text() == "Traceback"
    assert write_crash_log("x", lambda: tmp_path / "build").parent == tmp_path / "build" / "logs"
