"""The one place where gauntlet starts subprocesses.

Every command runs in its own process group with a timeout (the whole group
is killed when it expires, so a hung test cannot leave children behind), is
killed with its children when this process dies, even by ``SIGKILL`` (see
:mod:`gauntlet.guard`: the timeout then holds without this process), its
output captured, and secrets from the environment masked in what is kept.
Infrastructure steps (installing a toolchain, fetching) may be retried with
backoff: 1 s, 2 s, 4 s, at most 3 retries.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from gauntlet import guard
from gauntlet.errors import ToolError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

_SECRET_NAME = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|WEBHOOK)", re.I
)
BACKOFF_S = (1.0, 2.0, 4.0)
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

    @property
    def ok(self) -> bool:
        """Exited by itself with code 0."""
        return self.returncode == 0 and not self.timed_out


def secrets_in(env: Mapping[str, str]) -> tuple[str, ...]:
    """Values of environment variables whose names look secret."""
    return tuple(v for k, v in env.items() if _SECRET_NAME.search(k) and len(v) >= 6)


def mask(text: str, secrets: Sequence[str]) -> str:
    """Replace every secret value in ``text`` with ``***``."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


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
) -> Completed:
    """Run ``argv`` to completion or until ``timeout`` seconds, capturing output.

    With ``on_line``, stderr is merged into stdout and every line is passed
    on as it arrives (progress output for long steps), masked.
    """
    if _interrupted.is_set():
        raise Interrupted(f"interrupted before running {argv[0]}")
    full_env = dict(os.environ if env is None else env)
    secrets = secrets_in(full_env)
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
    if on_line is not None:
        reader = threading.Thread(
            target=_pump, args=(process, streamed, on_line, secrets), daemon=True
        )
        reader.start()
    timed_out = False
    try:
        if reader is not None:
            process.wait(timeout=timeout)
            reader.join()
            out, err = b"".join(streamed), b""
        else:
            out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(process)
        if reader is not None:
            process.wait()
            reader.join()
            out, err = b"".join(streamed), b""
        else:
            out, err = process.communicate()
    except BaseException:  # Ctrl-C: take the whole process group down with us
        _kill_group(process)
        process.wait()
        raise
    finally:
        _live.discard(process.pid)
        guard.release(process.pid)
    if _interrupted.is_set():
        raise Interrupted(f"interrupted while running {argv[0]}")
    return Completed(
        argv=tuple(argv),
        returncode=None if timed_out else process.returncode,
        stdout=mask(out.decode("utf-8", errors="replace"), secrets),
        stderr=mask(err.decode("utf-8", errors="replace"), secrets),
        duration_s=time.monotonic() - started,
        timed_out=timed_out,
    )


def _pump(
    process: subprocess.Popen[bytes],
    sink: list[bytes],
    on_line: Callable[[str], None],
    secrets: Sequence[str],
) -> None:
    assert process.stdout is not None  # noqa: S101 - Popen was given stdout=PIPE
    with process.stdout:
        for raw in iter(process.stdout.readline, b""):
            sink.append(raw)
            on_line(mask(raw.decode("utf-8", errors="replace").rstrip(), secrets))


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
