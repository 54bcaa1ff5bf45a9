"""The doit entry point as users run it, without compiling anything.

doit runs in this process (its loader reads :mod:`gauntlet.dodo` as it reads
a project's ``dodo.py``), or the task generators are called directly: the
project is loaded on first use, per working directory, so neither a
subprocess nor a module reload is needed.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import WriteTree
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

import gauntlet.dodo

GENERATORS = (
    gauntlet.dodo.task_toolchain,
    gauntlet.dodo.task_build,
    gauntlet.dodo.task_test,
    gauntlet.dodo.task_benchmark,
    gauntlet.dodo.task_report,
)


@dataclass(frozen=True)
class Done:
    """What a doit run returned and printed."""

    returncode: int
    stdout: str
    stderr: str


def _doit(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Done:
    """``doit ARGS`` in ``root`` (the working directory), in this process."""
    assert Path.cwd() == root
    try:
        # doit's default output file is the sys.stdout it found when imported
        outfile = {"GLOBAL": {"outfile": sys.stdout}}
        code = DoitMain(ModuleTaskLoader(gauntlet.dodo), extra_config=outfile).run(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return Done(code, out, err)


@pytest.fixture
def project(write_tree: WriteTree, monkeypatch: pytest.MonkeyPatch) -> WriteTree:
    """Write a project and work in it, as a user runs doit there."""

    def write(files: dict[str, str]) -> Path:
        root = write_tree(files)
        monkeypatch.chdir(root)
        for name in ("GAUNTLET_PROJECT", "GAUNTLET_SKIP_TAGS", "GAUNTLET_ONLY_TAGS"):
            monkeypatch.delenv(name, raising=False)
        return root

    return write


def test_importing_the_adapter_does_no_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no pyproject.toml here or above
    for name in ("gauntlet.adapters.doit_tasks", "gauntlet.dodo"):
        spec = importlib.util.find_spec(name)
        assert spec is not None
        assert spec.loader is not None
        fresh = importlib.util.module_from_spec(spec)  # a new module, sys.modules untouched
        spec.loader.exec_module(fresh)
        assert "DOIT_CONFIG" in dir(fresh)
    assert capsys.readouterr() == ("", "")
    assert not any(tmp_path.iterdir())


def test_invalid_config_names_the_key_and_exits_3(
    project: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project({"pyproject.toml": "[tool.gauntlet]\ninclude = 'src'\n"})
    done = _doit(root, capsys)
    assert done.returncode == 3
    assert "pyproject.toml:2: [tool.gauntlet] 'include': expected an array" in done.stderr
    assert "Traceback" not in done.stderr


def test_tasks_are_listed_per_file(project: WriteTree, capsys: pytest.CaptureFixture[str]) -> None:
    project(
        {
            "pyproject.toml": "[tool.gauntlet]\n",
            "src/p/__init__.mojo": "",
            "tests/test_a.mojo": "from p import x\n",
            "tests/test_b.mojo": "import missing_module\n",
            "benchmarks/bench_c.mojo": "",
        }
    )
    assert gauntlet.dodo.DOIT_CONFIG["dep_file"].endswith(
        "doit-state.sqlite3"
    )  # doit reads it first
    names = set()
    for generator in GENERATORS:
        made = generator()
        tasks = [made] if isinstance(made, dict) else list(made)
        # doit names a returned task after its generator, a yielded one by its basename
        names |= {task.get("basename", generator.__name__.removeprefix("task_")) for task in tasks}
    assert {
        "toolchain",
        "build",
        "build:p",
        "test",
        "test:tests/test_a.mojo",
        "test:tests/test_b.mojo",
        "benchmark",
        "benchmark:benchmarks/bench_c.mojo",
        "report",
    } <= names
    stderr = capsys.readouterr().err
    assert "tests/test_b.mojo:1: cannot resolve import 'missing_module'" in stderr
    assert stderr.count("missing_module") == 1  # the project was loaded once for the run


def test_missing_mojo_is_a_tool_error_that_says_how_to_get_it(
    project: WriteTree,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = project(
        {
            "pyproject.toml": "[tool.gauntlet]\nmojo-version = '0.26.1'\n",
            "tests/test_a.mojo": "",
        }
    )
    monkeypatch.setenv("GAUNTLET_NO_PROVISION", "1")
    monkeypatch.setenv("GAUNTLET_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:/usr/bin:/bin")
    done = _doit(root, capsys)
    assert done.returncode == 2
    assert "Mojo 0.26.1 is not installed" in done.stdout
    assert "pip install mojo==0.26.1" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_partials_of_a_dead_writer_are_removed_on_the_next_start(
    project: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project({"pyproject.toml": "[tool.gauntlet]\n", "tests/test_a.mojo": ""})
    gone = subprocess.Popen([sys.executable, "-c", "pass"])  # a writer that has exited
    gone.wait()
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as writer:
        program = root / ".gauntlet" / "build" / "tests" / "test_a" / "key1"
        program.mkdir(parents=True)
        stale = [
            program / f"test_a.partial-{gone.pid}-140000",  # a test binary being compiled
            root / ".gauntlet" / "results" / f".summary.json.partial-{gone.pid}-x1y2",  # atomic
            program / f"test_a.{gone.pid}-140002.partial",  # as earlier versions named it
            root / ".gauntlet" / "build" / f".partial-{gone.pid}-abc",  # a package's scratch
        ]
        for path in stale[:3]:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"half")
        stale[3].mkdir()
        (stale[3] / "p.mojoc").write_bytes(b"half")
        live = program / f"test_a.partial-{writer.pid}-140001"  # a concurrent run's
        live.write_bytes(b"half")
        assert _doit(root, capsys, "list").returncode == 0
        writer.kill()
    assert [p for p in stale if p.exists()] == []
    assert live.exists()
