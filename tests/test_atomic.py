"""Atomic writes: the umask is honoured, and an unwritable folder is one clear error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import unmeasured
from fsfaults import fill, read_only, tmpfs

import gauntlet
from gauntlet import atomic, errors
from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ExitCode

SRC = str(Path(gauntlet.__file__).parents[1])


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002, 0o077])
def test_written_files_honour_the_umask_as_open_does(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        write_text_atomic(tmp_path / "health.prom", "up 1\n")
        (tmp_path / "plain.txt").write_text("x", encoding="utf-8")
    finally:
        os.umask(old)
    mode = (tmp_path / "health.prom").stat().st_mode & 0o777
    assert mode == 0o666 & ~umask
    assert mode == (tmp_path / "plain.txt").stat().st_mode & 0o777
    old = os.umask(umask)
    try:
        assert atomic.current_umask() == umask  # read without changing it
        assert atomic.current_umask() == umask
    finally:
        os.umask(old)


def test_a_read_only_folder_is_one_clear_error(tmp_path: Path) -> None:
    with read_only(tmp_path / "results") as folder:
        expected = f"cannot write {folder}/summary.json: "
        with pytest.raises(errors.OutputError, match=expected) as caught:
            write_text_atomic(folder / "summary.json", "{}")
        assert f"make {folder} writable" in str(caught.value)
        with pytest.raises(errors.OutputError, match=f"cannot write in {folder}: "):
            atomic.check_writable(folder)
        assert list(folder.iterdir()) == []


def test_a_full_disk_is_one_clear_error_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "results", 64) as folder:
        (folder / "summary.json").write_text("old", encoding="utf-8")
        fill(folder)
        with pytest.raises(errors.OutputError, match=r"summary\.json: the disk is full"):
            write_text_atomic(folder / "summary.json", "x" * 65536)
        assert (folder / "summary.json").read_text(encoding="utf-8") == "old"
        assert sorted(p.name for p in folder.iterdir()) == [".filler", "summary.json"]


def test_a_path_under_a_file_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "results").write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(errors.OutputError, match="a part of the path is a file, not a folder"):
        write_text_atomic(tmp_path / "results" / "summary.json", "{}")
    with pytest.raises(errors.OutputError, match="a part of the path is a file"):
        atomic.check_writable(tmp_path / "results" / "mojo")


def test_the_file_size_limit_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    # RLIMIT_FSIZE makes the kernel refuse the write (EFBIG), as a full quota would.
    script = (
        "import resource, signal\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from pathlib import Path\n"
        "from gauntlet.atomic import write_text_atomic\n"
        "from gauntlet.entry import run_entry\n"
        f"run_entry(lambda: write_text_atomic(Path(r'{tmp_path}') / 'big.json', 'x' * 10000))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=unmeasured({**os.environ, "PYTHONPATH": SRC}),  # coverage's save would hit the limit
        check=False,
    )
    assert done.returncode == ExitCode.TOOL_ERROR
    assert done.stderr.splitlines() == [
        (
            f"gauntlet: error: cannot write {tmp_path}/big.json: the file is larger than the "
            f"file size limit (ulimit -f) (File too large); make {tmp_path} writable (or free "
            "space on its disk) and run again"
        )
    ]
    assert list(tmp_path.iterdir()) == []
