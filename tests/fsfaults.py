"""Real file-system faults for tests: a full disk and a read-only folder.

A full disk is a small tmpfs filled to the brim; mounting one needs root (as
the CI containers run), elsewhere the test is skipped with the reason.  A
read-only folder is a read-only tmpfs as root (``chmod`` does not stop root
from writing) and a ``chmod 0555`` folder otherwise: either way the kernel
refuses the write (EROFS or EACCES).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@contextlib.contextmanager
def tmpfs(where: Path, size_kib: int, *, read_only: bool = False) -> Iterator[Path]:
    """A tmpfs of ``size_kib`` KiB mounted on ``where`` for the duration."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs (a real full disk) needs root")
    where.mkdir(parents=True, exist_ok=True)
    options = f"size={size_kib}k" + (",ro" if read_only else "")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the disk under ``folder`` until the kernel says ENOSPC, then free ``leave`` bytes."""
    filler = folder / ".filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        with pytest.raises(OSError, match="No space left on device"):  # really full
            _write_forever(fd)
    finally:
        os.close(fd)
    os.truncate(filler, max(filler.stat().st_size - leave, 0))


def _write_forever(fd: int) -> None:
    while True:
        os.write(fd, b"\0" * 1024)


@contextlib.contextmanager
def read_only(where: Path) -> Iterator[Path]:
    """``where`` as a folder no file can be created in (EROFS as root, EACCES otherwise)."""
    if os.geteuid() == 0:
        with tmpfs(where, 64, read_only=True):
            yield where
        return
    where.mkdir(parents=True, exist_ok=True)
    where.chmod(0o555)
    try:
        yield where
    finally:
        where.chmod(0o755)
