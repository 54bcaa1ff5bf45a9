"""The doit entry point as users run it, without compiling anything.

doit runs in this process (its loader reads :mod:`gauntlet.dodo` as it reads
a project's ``dodo.py``), or the task generators are called directly: the
project is loaded on first use, per working directory, so neither a
subprocess nor a module reload is needed.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import random
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import doit
import pytest
from conftest import WriteTree
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
from fsfaults import fill, read_only, tmpfs

import gauntlet
import gauntlet.dodo
from gauntlet.adapters.doit_state import recover_state, state_problem
from gauntlet.errors import ExitCode

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


def test_doit_warns_once_about_a_missing_include_root(
    project: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    project({"pyproject.toml": "[tool.gauntlet]\n", "tests/test_a.mojo": ""})
    for generator in GENERATORS:
        made = generator()
        list([made] if isinstance(made, dict) else made)
    stderr = capsys.readouterr().err
    assert stderr.count("gauntlet: warning: ") == 1
    assert "default include root 'src' is not a folder" in stderr
    assert 'set include = ["."]' in stderr


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


@pytest.mark.parametrize("folder", [".gauntlet", ".gauntlet/results"])
def test_a_read_only_output_folder_is_one_error_naming_it_exit_2(
    project: WriteTree, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    root = project({"pyproject.toml": "[tool.gauntlet]\n"})
    with read_only(root / folder):
        done = _doit(root, capsys)
    said = done.stdout + done.stderr
    assert done.returncode == 2
    assert f"gauntlet: error: cannot write in {root / folder}: " in done.stderr
    assert f"make {root / folder} writable" in done.stderr
    assert said.count("cannot write") == 1
    assert "Traceback" not in said


def test_a_full_results_disk_is_one_error_exit_2(
    project: WriteTree, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project({"pyproject.toml": "[tool.gauntlet]\n"})
    monkeypatch.setenv("GAUNTLET_HISTORY", "off")
    with tmpfs(root / ".gauntlet" / "results", 64) as results:
        fill(results)
        done = _doit(root, capsys, "report")
    said = done.stdout + done.stderr
    assert done.returncode == 2
    assert f"✗ report: cannot write {results}/junit-mojo.xml: the disk is full" in done.stdout
    assert said.count("cannot write") == 1
    assert "Traceback" not in said


def test_a_pyproject_that_is_not_toml_exits_3_with_file_and_line(tmp_path: Path) -> None:
    # doit reads pyproject.toml before dodo.py: the check runs from gauntlet-doit.pth at
    # start-up, here in a new environment that sees this gauntlet and the installed doit.
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    src = Path(gauntlet.__file__).parents[1]
    (Path(purelib) / "00-paths.pth").write_text(  # read before gauntlet-doit.pth
        f"{src}\n{Path(doit.__file__).parents[1]}\n", encoding="utf-8"
    )
    shutil.copy(src / "gauntlet-doit.pth", purelib)
    script = env / "bin" / "doit"  # what pip writes for doit's console script
    script.write_text(
        f"#!{python}\nimport sys\nfrom doit.__main__ import main\nsys.exit(main())\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n[tool.gauntlet\n')
    (project / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n")
    for argv in ([str(script)], [str(python), "-m", "doit"], [str(script), "list"]):
        done = subprocess.run(argv, cwd=project, capture_output=True, text=True, check=False)
        assert done.returncode == ExitCode.USAGE, done.stderr
        assert done.stderr.startswith(
            f"gauntlet: error: {project / 'pyproject.toml'}: not valid TOML: "
        )
        assert "(at line 3, column 15)" in done.stderr
        assert len(done.stderr.splitlines()) == 1
    other = subprocess.run(
        [python, "-c", "print(1)"], cwd=project, capture_output=True, check=False
    )
    assert (other.returncode, other.stdout) == (0, b"1\n")  # only doit is checked
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n[tool.gauntlet]\n')
    done = subprocess.run(
        [script, "list"], cwd=project, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "toolchain" in done.stdout


def _fill_state(state: Path) -> None:
    """Make doit's state database a few hundred kilobytes, as a real project's grows."""
    with sqlite3.connect(state) as conn:
        conn.executemany(
            "insert or replace into doit values (?, ?)",
            [(f"test:t{i}.mojo", json.dumps({"_values_:": {"x": "y" * 300}})) for i in range(800)],
        )
    conn.close()


@pytest.mark.parametrize("damage", ["random bytes", "truncated"])
def test_corrupt_doit_state_is_moved_aside_and_the_run_goes_on(
    project: WriteTree, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    # include = ["."]: no warning about a missing src/ whose text could match "corrupt"
    root = project({"pyproject.toml": '[tool.gauntlet]\ninclude = ["."]\n'})
    assert _doit(root, capsys, "report").returncode == 0
    state = root / ".gauntlet" / "doit-state.sqlite3"
    _fill_state(state)
    data = state.read_bytes()
    assert len(data) > 100_000
    damaged = (
        random.Random(7).randbytes(len(data))  # noqa: S311  # test data, not a secret
        if damage == "random bytes"
        else data[: len(data) // 2]
    )
    state.write_bytes(damaged)

    done = _doit(root, capsys, "report")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"doit's state database {state} is corrupt" in done.stderr
    (moved,) = state.parent.glob("doit-state.sqlite3.corrupt-*")
    assert moved.read_bytes() == damaged  # kept for a look, not deleted
    with sqlite3.connect(state) as conn:  # doit started a new, sound one
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert conn.execute("select count(*) from doit").fetchone() is not None
    conn.close()

    again = _doit(root, capsys, "report")  # a sound database is left alone
    assert again.returncode == 0
    assert "corrupt" not in again.stderr
    assert len(list(state.parent.glob("doit-state.sqlite3.corrupt-*"))) == 1


def test_a_sound_or_locked_state_database_is_not_called_corrupt(tmp_path: Path) -> None:
    state = tmp_path / "doit-state.sqlite3"
    assert state_problem(state) is None  # absent
    with sqlite3.connect(state) as conn:
        conn.execute("create table doit (task_id text primary key, task_data json)")
    conn.close()
    assert state_problem(state) is None
    holder = sqlite3.connect(state, isolation_level=None)
    holder.execute("begin exclusive")  # another doit run in the middle of a write
    try:
        assert recover_state(state) is None
    finally:
        holder.execute("rollback")
        holder.close()
    assert state.exists()
    state.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    assert state_problem(state) is not None
    moved = recover_state(state, now=0.0)
    assert moved == tmp_path / "doit-state.sqlite3.corrupt-19700101T000000"
    assert not state.exists()


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


def test_loading_leaves_the_garbage_collector_on_even_when_the_config_is_bad(
    project: WriteTree, capsys: pytest.CaptureFixture[str]
) -> None:
    """Loading pauses cyclic collection and freezes what it loaded; it never leaves it off."""
    root = project({"pyproject.toml": "[tool.gauntlet]\n", "tests/test_a.mojo": ""})
    assert gc.isenabled()
    assert _doit(root, capsys, "list").returncode == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # the loaded project is outside the collector's scans
    (root / "pyproject.toml").write_text("[tool.gauntlet]\ninclude = 'src'\n", encoding="utf-8")
    assert _doit(root, capsys, "list").returncode == 3
    assert gc.isenabled()
    gc.unfreeze()
