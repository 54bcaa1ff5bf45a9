"""Writing files so that readers see the old content or the new, never half.

A file being written is a *partial* until it is renamed into place.  Every
partial gauntlet writes has ``partial-<pid>-`` in its name (see
:func:`partial_tag`), the process id of its writer, so one left by a killed
process is told apart from one a concurrent run is writing:
:func:`remove_stale_partials` removes only those whose writer is gone.  (A
writer in another PID namespace sharing the folder would look gone; gauntlet
does not share build folders across containers.)
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

# ``partial-<pid>-``, or a test binary's name before it: ``<stem>.<pid>-<thread>.partial``
_PARTIAL = re.compile(r"(?:^|\.)partial-(\d+)-|\.(\d+)-\d+\.partial$")


def partial_tag() -> str:
    """``partial-<pid>-``: the part of a partial's name that names its writer."""
    return f"partial-{os.getpid()}-"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{partial_tag()}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Text flavour of :func:`write_bytes_atomic` (UTF-8)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def _writer_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the partial files and folders below ``folder`` whose writer is gone.

    Those of a live process (a concurrent run) are left alone.
    """
    removed: list[Path] = []
    for top, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            match = _PARTIAL.search(name)
            if match is None or _writer_alive(int(match.group(1) or match.group(2))):
                continue
            path = Path(top) / name
            if name in dirs:
                dirs.remove(name)
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed
