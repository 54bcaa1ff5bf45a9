"""Writing files so that readers see the old content or the new, never half.

A written file gets the mode an ordinary ``open()`` would give it
(``0o666`` less the umask), not ``mkstemp``'s private ``0o600``: a
Prometheus textfile collector running as another user must be able to read
``health.prom``.  A folder that cannot take the file (read-only, full, over
quota, not a folder) is an :class:`~gauntlet.errors.OutputError` naming it,
never a traceback.

A file being written is a *partial* until it is renamed into place.  Every
partial gauntlet writes has ``partial-<pid>-`` in its name (see
:func:`partial_tag`), the process id of its writer, so one left by a killed
process is told apart from one a concurrent run is writing:
:func:`remove_stale_partials` removes only those whose writer is gone.  (A
writer in another PID namespace sharing the folder would look gone; gauntlet
does not share build folders across containers.)
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

from gauntlet.errors import OutputError

_WHY = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file is larger than the file size limit (ulimit -f)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "a part of the path is a file, not a folder",
}
_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask, read without changing it where the system allows.

    Linux shows it in ``/proc/self/status``; elsewhere it is read the only
    portable way, by setting and restoring it, under a lock so that threads
    of this package never see the temporary value.
    """
    try:
        with Path("/proc/self/status").open(encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # pragma: no cover - systems without /proc
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def output_error(path: Path, exc: OSError, *, folder: bool = False) -> OutputError | None:
    """The clear error for a file (or ``folder``) that cannot be written; None for a bug."""
    why = _WHY.get(exc.errno or 0)
    if why is None:
        return None
    where = path if folder else path.parent
    what = f"in {path}" if folder else str(path)
    error = OutputError(
        f"cannot write {what}: {why} ({exc.strerror}); make {where} writable "
        "(or free space on its disk) and run again"
    )
    error.errno = exc.errno
    return error


def check_writable(*folders: Path) -> None:
    """Create each folder if missing and check it can take a new file, or raise OutputError."""
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".writable-", dir=folder)
            os.close(fd)
            Path(probe).unlink()
        except OSError as exc:
            error = output_error(folder, exc, folder=True)
            if error is None:
                raise
            raise error from None


# ``partial-<pid>-``, or a test binary's name before it: ``<stem>.<pid>-<thread>.partial``
_PARTIAL = re.compile(r"(?:^|\.)partial-(\d+)-|\.(\d+)-\d+\.partial$")


def partial_tag() -> str:
    """``partial-<pid>-``: the part of a partial's name that names its writer."""
    return f"partial-{os.getpid()}-"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over."""
    try:
        _write(path, data)
    except OSError as exc:
        error = output_error(path, exc)
        if error is None:
            raise
        raise error from None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{partial_tag()}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~current_umask())
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

    Those of a live process (a concurrent run) are left alone.  Every run
    walks the whole build folder (thousands of folders on a large tree), so
    the walk reads each folder once with ``scandir`` and tries the pattern
    only on names holding ``partial``; symbolic links are not followed.
    """
    removed: list[Path] = []
    stack = [os.fspath(folder)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                match = _PARTIAL.search(entry.name) if "partial" in entry.name else None
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if match is None:
                    if is_dir:
                        stack.append(entry.path)
                    continue
                if _writer_alive(int(match.group(1) or match.group(2))):
                    continue
                if is_dir:
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    Path(entry.path).unlink(missing_ok=True)
                removed.append(Path(entry.path))
    return removed
