from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import WriteTree

from gauntlet.cli.main import main

PROJECT = {
    "pyproject.toml": "[tool.gauntlet]\n",
    "src/lib/__init__.mojo": "",
    "src/lib/a.mojo": "def a(): pass\n",
    "tests/test_a.mojo": "from lib.a import a\nimport nowhere\n",
}


def test_scan_lists_steps_closures_and_problems(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(PROJECT)
    assert main(["--project", str(root), "scan", "-v"]) == 0
    out = capsys.readouterr().out
    assert "3 Mojo files, 3 parsed" in out
    assert "test       tests/test_a.mojo  (3 files)" in out
    assert "             src/lib/a.mojo" in out
    assert "warning: tests/test_a.mojo:2: cannot resolve import 'nowhere'" in out
    assert main(["--project", str(root), "scan", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files"] == 3
    assert [s["kind"] for s in data["steps"]] == ["package", "test"]


def test_config_error_exits_3_without_traceback(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree({"pyproject.toml": "[tool.gauntlet]\ntimeout = 'x'\n"})
    assert main(["--project", str(root), "scan"]) == 3
    err = capsys.readouterr().err
    assert "gauntlet: error:" in err
    assert "'timeout'" in err
    assert "Traceback" not in err


def test_report_without_results_fails_naming_the_missing_files(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(PROJECT)
    assert main(["--project", str(root), "report"]) == 1
    out = capsys.readouterr().out
    assert "tests/test_a.mojo" in out
    summary = json.loads((root / ".gauntlet/results/summary.json").read_text())
    assert summary["totals"]["error"] == 1
    assert "result file is missing" in summary["failures"][0]["message"]


def test_mojo_command(
    write_tree: WriteTree,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    root = write_tree(PROJECT)
    monkeypatch.setenv("GAUNTLET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("GAUNTLET_NO_PROVISION", "1")
    assert main(["--project", str(root), "mojo"]) == 2
    assert "Mojo 1.2.0 is not installed" in capsys.readouterr().out
    assert main(["--project", str(root), "mojo", "--install"]) == 2
    assert "GAUNTLET_NO_PROVISION is set" in capsys.readouterr().err
    fake = tmp_path / "mojo"
    fake.write_text("#!/bin/sh\necho 'Mojo 1.2.0 (x)'\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("GAUNTLET_MOJO", str(fake))
    assert main(["--project", str(root), "mojo"]) == 0
    assert f"Mojo 1.2.0 at {fake}" in capsys.readouterr().out


def test_internal_errors_leave_a_crash_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import gauntlet.cli.main
    from gauntlet.cli.parser import Command

    def broken(**_: object) -> int:
        raise RuntimeError("bug")

    (tmp_path / "pyproject.toml").write_text("[tool.gauntlet]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(gauntlet.cli.main.COMMANDS, "scan", Command(broken, "x"))
    assert main(["scan"]) == 2
    (log,) = (tmp_path / ".gauntlet" / "logs").glob("crash-*.log")
    assert "RuntimeError: bug" in log.read_text()
    assert not list(tmp_path.glob("*.log"))
    assert "internal error; details in" in capsys.readouterr().err


def test_scan_warns_once_when_the_default_include_root_is_missing(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree({"pyproject.toml": "[tool.gauntlet]\n", "lib/__init__.mojo": ""})
    assert main(["--project", str(root), "scan"]) == 0
    out = capsys.readouterr().out
    assert out.count("default include root 'src' is not a folder") == 1
    assert f'under {root}; set include = ["."]' in out


def test_scan_warns_about_a_configured_include_root_that_is_missing(
    write_tree: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '[tool.gauntlet]\ninclude = ["src", "vendor"]\n'
    root = write_tree({"pyproject.toml": text, "src/lib/__init__.mojo": ""})
    assert main(["--project", str(root), "scan"]) == 0
    out = capsys.readouterr().out
    assert "include root 'vendor' is not a folder under" in out
    assert "'src'" not in out
    assert main(["--project", str(root), "scan", "--json"]) == 0
    diagnostics = json.loads(capsys.readouterr().out)["diagnostics"]
    assert ["include root 'vendor'" in d for d in diagnostics] == [True]
