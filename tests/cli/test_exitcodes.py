"""Exit codes, crash logs and closed pipes, seen from a real ``gauntlet`` process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import gauntlet

SOURCE = str(Path(gauntlet.__file__).parents[1])
# A real process running ``gauntlet`` with one command replaced by ``BODY``.
PATCHED = """
import sys
from gauntlet.cli import main as cli
from gauntlet.cli.parser import Command

def patched(**_):
    BODY

cli.COMMANDS["scan"] = Command(patched, "patched")
sys.exit(cli.main())
"""


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1", "PYTHONPATH": SOURCE, "TMPDIR": str(tmp_path / "tmp")}


def _run(argv: list[str], cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, *argv],
        cwd=cwd,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )


def _patched(body: str) -> list[str]:
    return ["-c", PATCHED.replace("BODY", body)]


def _project(root: Path, tests: int = 1) -> Path:
    (root / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.gauntlet]\n", encoding="utf-8")
    for index in range(tests):
        (root / "tests" / f"test_{index}.mojo").write_text("def main():\n    pass\n")
    return root


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", tests=3000)  # more output than a pipe buffers
    (tmp_path / "tmp").mkdir()
    with subprocess.Popen(
        [sys.executable, "-m", "gauntlet", "scan"],
        cwd=root,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.readline().startswith(b"3000 Mojo files")
        process.stdout.close()  # what `| head -1` does
        err = process.stderr.read().decode()
        assert process.wait() == 141
    assert err == ""
    assert not list(root.glob("*.log"))
    assert not (root / ".gauntlet" / "logs").exists()


def test_an_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    done = _run(["-m", "gauntlet", "bogus-command"], tmp_path, tmp_path)
    assert done.returncode == 3
    assert "invalid choice: 'bogus-command'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bug_leaves_a_crash_log_in_the_build_folder(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    argv = [*_patched("raise RuntimeError('a bug')"), "--project", str(root), "scan"]
    done = _run(argv, elsewhere, tmp_path)
    assert done.returncode == 2
    (log,) = (root / ".gauntlet" / "logs").glob("crash-*.log")
    assert "RuntimeError: a bug" in log.read_text()
    assert f"gauntlet: internal error; details in {log}" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(elsewhere.iterdir()) == []


def test_without_a_project_the_crash_log_goes_to_the_temp_folder(tmp_path: Path) -> None:
    done = _run([*_patched("raise RuntimeError('a bug')"), "scan"], tmp_path, tmp_path)
    assert done.returncode == 2
    (log,) = (tmp_path / "tmp" / "gauntlet" / "logs").glob("crash-*.log")
    assert str(log) in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"]


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    done = _run([*_patched("raise KeyboardInterrupt"), "scan"], tmp_path, tmp_path)
    assert done.returncode == 130
    assert done.stderr == "gauntlet: interrupted\n"


def test_python_m_helpers_go_through_the_same_handler(tmp_path: Path) -> None:
    done = _run(["-m", "gauntlet.results.covcombine"], tmp_path, tmp_path)
    assert done.returncode == 3
    assert done.stderr.startswith("gauntlet: error: expected FOLDER [RCFILE]")
    assert "Traceback" not in done.stderr
    done = _run(["-m", "gauntlet.results.covcombine", str(tmp_path)], tmp_path, tmp_path)
    assert done.returncode == 2
    assert "no coverage data" in done.stderr
    done = _run(["-m", "gauntlet.run.depset"], tmp_path, tmp_path)
    assert (done.returncode, done.stderr) == (
        3,
        "gauntlet: error: usage: python -m gauntlet.run.depset NAME\n",
    )
