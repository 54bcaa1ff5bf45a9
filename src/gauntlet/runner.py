"""The one place where gauntlet starts subprocesses.

Every command runs in its own process group with a timeout (the whole group
is killed when it expires, so a hung test cannot leave children behind), is
killed with its children when this process dies, even by ``SIGKILL`` (see
:mod:`gauntlet.guard`: the timeout then holds without this process), its
output captured, and secrets masked in what is kept (by the rules of
:mod:`gauntlet.masking`) before anything is printed, written or stored.
Infrastructure steps (installing a toolchain, fetching) may be retried with
backoff: 1 s, 2 s, 4 s, at most 3 retries.

A command whose output is not bounded (a test program) is run with ``keep``:
each stream is read as it arrives and only its first and last ``keep`` bytes
are held (cut at line ends), with the total counted, so a test that prints
300 MB costs the caller at most ``3 * keep`` bytes a stream while it runs
(``KEEP_BYTES`` is 1 MiB; the tail buffer is trimmed when it reaches twice that).
The kept text marks the cut; :attr:`Completed.omitted_bytes` says how much.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, TypeVar

from gauntlet import guard, masking
from gauntlet.errors import ToolError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

BACKOFF_S = (1.0, 2.0, 4.0)
KEEP_BYTES = 1024 * 1024  # of each stream's head and of its tail, for bounded commands
T = TypeVar("T")
_live: set[int] = set()
_interrupted = threading.Event()


class Interrupted(BaseException):
    """The run was interrupted (Ctrl-C); the command's output must not be used."""


def interrupt_all() -> None:
    """Kill every running command's process group; later runs raise Interrupted."""
    _interrupted.set()
    for pgid in list(_live):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)


@dataclass(frozen=True)
class Completed:
    """What a finished (or killed) command left behind."""

    argv: tuple[str, ...]
    returncode: int | None
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False
    output_bytes: int = 0  # written on stdout and stderr together
    omitted_bytes: int = 0  # of those, not kept (between the head and the tail)

    @property
    def ok(self) -> bool:
        """Exited by itself with code 0."""
        return self.returncode == 0 and not self.timed_out


def secrets_in(env: Mapping[str, str]) -> tuple[str, ...]:
    """The secret values of ``env`` (the rules are in :mod:`gauntlet.masking`)."""
    return masking.secrets_in(env)


def mask(text: str, secrets: Sequence[str]) -> str:
    """Replace every secret value in ``text`` (and every URL's password) with ``***``."""
    return masking.mask(text, secrets)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def run(
    argv: Sequence[str],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    on_line: Callable[[str], None] | None = None,
    keep: int | None = None,
) -> Completed:
    """Run ``argv`` to completion or until ``timeout`` seconds, capturing output.

    With ``on_line``, stderr is merged into stdout and every line is passed
    on as it arrives (progress output for long steps), masked.  With ``keep``
    (and no ``on_line``), only the first and last ``keep`` bytes of each
    stream are kept.
    """
    if _interrupted.is_set():
        raise Interrupted(f"interrupted before running {argv[0]}")
    full_env = dict(os.environ if env is None else env)
    masker = masking.EnvMasker(full_env)  # finds secrets only for output that could hold one
    full_env = guard.child_env(full_env)  # marks it and its children for the watchdog
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if on_line else subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise ToolError(f"cannot start {argv[0]}: {exc.strerror or exc}") from None
    _live.add(process.pid)
    guard.watch(process.pid, timeout)  # killed with us, even by SIGKILL
    streamed: list[bytes] = []
    reader = None
    bounded = (
        None
        if keep is None or on_line
        else (_Capture(process.stdout, keep), _Capture(process.stderr, keep))
    )
    if on_line is not None:
        reader = threading.Thread(
            target=_pump, args=(process, streamed, on_line, masker), daemon=True
        )
        reader.start()
    timed_out = False
    try:
        if reader is not None:
            process.wait(timeout=timeout)
            reader.join()
            out, err = b"".join(streamed), b""
        else:
            out, err = _communicate(process, timeout, bounded)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(process)
        if reader is not None:
            process.wait()
            reader.join()
            out, err = b"".join(streamed), b""
        else:
            out, err = _communicate(process, None, bounded)
    except BaseException:  # Ctrl-C: take the whole process group down with us
        _kill_group(process)
        process.wait()
        raise
    finally:
        _live.discard(process.pid)
        guard.release(process.pid)
    if _interrupted.is_set():
        raise Interrupted(f"interrupted while running {argv[0]}")
    stdout, stderr = out.decode("utf-8", errors="replace"), err.decode("utf-8", errors="replace")
    masking.learn_from(stderr)  # a value declared on stderr is masked on stdout too
    return Completed(
        argv=tuple(argv),
        returncode=None if timed_out else process.returncode,
        stdout=masker(stdout),
        stderr=masker(stderr),
        duration_s=time.monotonic() - started,
        timed_out=timed_out,
        output_bytes=sum(c.total for c in bounded) if bounded else len(out) + len(err),
        omitted_bytes=sum(c.omitted for c in bounded) if bounded else 0,
    )


class _Capture:
    """One output stream, read by a thread: its first and last ``keep`` bytes and its size."""

    def __init__(self, pipe: IO[bytes] | None, keep: int) -> None:
        self.keep, self.total, self.omitted = keep, 0, 0
        self.head, self.tail = bytearray(), bytearray()
        self.thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self.thread.start()

    def _read(self, pipe: IO[bytes] | None) -> None:
        assert pipe is not None  # noqa: S101 - Popen was given stdout and stderr=PIPE
        with pipe:
            while chunk := pipe.read1(65536):  # type: ignore[attr-defined]
                self.total += len(chunk)
                room = self.keep - len(self.head)
                self.head += chunk[:room]
                self.tail += chunk[max(room, 0) :]
                if len(self.tail) > 2 * self.keep:
                    del self.tail[: -self.keep]

    def text(self) -> bytes:
        """What was kept, with one line marking the cut (made at line ends) when there is one."""
        self.thread.join()
        if self.total == len(self.head) + len(self.tail):  # nothing was dropped
            return bytes(self.head + self.tail)
        head = self.head[: self.head.rfind(b"\n") + 1] or self.head
        tail = self.tail[-self.keep :]
        tail = tail[tail.find(b"\n") + 1 :] or tail
        self.omitted = self.total - len(head) - len(tail)
        marker = f"[... {self.omitted} bytes of output not kept ({self.total} in all) ...]\n"
        return bytes(head) + marker.encode() + bytes(tail)


def _communicate(
    process: subprocess.Popen[bytes],
    timeout: float | None,
    bounded: tuple[_Capture, _Capture] | None,
) -> tuple[bytes, bytes]:
    """``process.communicate``, or with ``bounded``, the captures' kept output."""
    if bounded is None:
        return process.communicate(timeout=timeout)
    process.wait(timeout=timeout)
    return bounded[0].text(), bounded[1].text()


def _pump(
    process: subprocess.Popen[bytes],
    sink: list[bytes],
    on_line: Callable[[str], None],
    masker: masking.EnvMasker,
) -> None:
    assert process.stdout is not None  # noqa: S101 - Popen was given stdout=PIPE
    with process.stdout:
        for raw in iter(process.stdout.readline, b""):
            sink.append(raw)
            on_line(masker(raw.decode("utf-8", errors="replace").rstrip()))


def with_retries(
    attempt: Callable[[], T],
    retry_on: tuple[type[BaseException], ...],
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
    backoff: Sequence[float] = BACKOFF_S,
) -> T:
    """Call ``attempt``; on ``retry_on`` errors retry after each delay of ``backoff``.

    The default is 1 s, 2 s and 4 s (four tries); ``backoff=(1.0, 2.0)`` makes
    it three tries.
    """
    for number, delay in enumerate((*backoff, None), start=1):
        try:
            return attempt()
        except retry_on as exc:
            if delay is None:
                raise
            if on_retry is not None:
                on_retry(number, exc, delay)
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
