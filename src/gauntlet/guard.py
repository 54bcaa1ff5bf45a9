"""Children die with their parent: one watchdog process per gauntlet process.

:mod:`gauntlet.runner` starts every command in a process group of its own (so
a timeout can kill the command with all its children), which also means a
``kill -9`` of doit's process group misses it.  So the first command a
process runs starts a *watchdog*: a tiny Python process in a session of its
own, reading a pipe whose only writer is this process.  The runner tells it
each command's process group and timeout.  When the pipe closes (this
process died, however: exit, crash, ``SIGKILL``) the watchdog kills every
group it was told about, then every process whose environment carries this
watchdog's token (:data:`ENV`; children inherit it, so a grandchild that
moved to a session of its own is found too), and exits.  While this process
lives, the watchdog also kills a group :data:`GRACE_S` seconds after its
timeout, so a timeout holds even when the parent is stopped or stuck.

Why a watchdog, measured here: a parent runs ``sh -c 'sleep 300 & sleep 300'``
(three processes: the shell and two sleeps) from a thread under each scheme,
its process group gets ``kill -9``, and the processes left 2 s later are:

* nothing done (a session per command, as before): 3 of 3;
* ``PR_SET_PDEATHSIG`` (``prctl`` in ``preexec_fn``): 2 of 3.  The shell died,
  both sleeps survived: the flag is cleared by ``fork``, so the compiler's
  own children and a test's children stay.  It also fires when the *thread*
  that forked exits, and ``preexec_fn`` is unsafe with the threads doit's
  ``-n`` runs tasks on;
* ``PR_SET_CHILD_SUBREAPER`` on the parent: 3 of 3.  Orphans go to the
  subreaper, which is the process being killed, then to init;
* this watchdog: 0 of 3 (and the watchdog itself has exited).  Over 20
  ``kill -9`` of a real Mojo run (``benchmarks/kill_faults.py``) it left no
  process behind; the figures are in docs/robustness.md.

The watchdog costs one small Python start per process that runs commands,
not per command: measured here, the first command of a process took 18 ms
instead of 3 ms, and ``python -I -S`` starts in about 30 ms of its own.
Where it cannot start, commands still run (with the old guarantee: their
timeouts hold while the parent lives).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import uuid

ENV = "GAUNTLET_GUARD"
GRACE_S = 2.0

_WATCHDOG = r"""
import os, select, signal, sys, time
token, grace = sys.argv[1], float(sys.argv[2])
needle = b"\0" + ("%s=%s" % (sys.argv[3], token)).encode() + b"\0"
groups = {}
def kill(pgid):
    try: os.killpg(pgid, signal.SIGKILL)
    except OSError: pass
def sweep():
    for round in range(12):
        found = 0
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) == os.getpid(): continue
            try:
                with open("/proc/%s/environ" % name, "rb") as f:
                    env = b"\0" + f.read() + b"\0"
            except OSError:
                continue
            if needle in env:
                found += 1
                try: os.kill(int(name), signal.SIGKILL)
                except OSError: pass
        if not found and round >= 2: return
        time.sleep(0.1)
fd, pending = sys.stdin.fileno(), b""
while True:
    now = time.monotonic()
    due = [g for g, d in groups.items() if d is not None and d <= now]
    for g in due:
        kill(g); del groups[g]
    deadlines = [d for d in groups.values() if d is not None]
    wait = max(0.0, min(deadlines) - now) if deadlines else None
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready: continue
    data = os.read(fd, 65536)
    if not data:
        for g in list(groups): kill(g)
        sweep()
        break
    pending += data
    *lines, pending = pending.split(b"\n")
    for line in lines:
        op, pgid, timeout = (line.decode().split() + ["", "", ""])[:3]
        if op == "+":
            due = None if timeout == "-" else time.monotonic() + float(timeout) + grace
            groups[int(pgid)] = due
        elif op == "-":
            groups.pop(int(pgid), None)
"""


class _Watchdog:
    """This process's watchdog: started on first use, again after a fork or its death."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.owner = 0  # the pid that started it (a forked child needs its own)
        self.pid = 0
        self.pipe = -1  # our end; the watchdog sees end-of-file when it closes
        self.token = ""

    def _running(self) -> bool:
        if self.owner != os.getpid() or self.pid == 0:
            return False
        try:
            return os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False

    def forget(self) -> None:
        """In a forked child: drop the parent's watchdog (our copy of its pipe would hide
        the parent's death from it); this process starts its own when it needs one."""
        if self.pipe >= 0:
            with contextlib.suppress(OSError):
                os.close(self.pipe)
        self.owner, self.pid, self.pipe = 0, 0, -1
        self.lock = threading.Lock()

    def _start(self) -> None:
        if self.pipe >= 0:
            with contextlib.suppress(OSError):
                os.close(self.pipe)
        self.token, self.owner, self.pid, self.pipe = uuid.uuid4().hex, os.getpid(), 0, -1
        env = {k: v for k, v in os.environ.items() if k != ENV}
        argv = [sys.executable, "-I", "-S", "-c", _WATCHDOG, self.token, str(GRACE_S), ENV]
        read, write = os.pipe()  # neither end is inherited by the commands we start
        actions = [
            (os.POSIX_SPAWN_DUP2, read, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ]
        try:
            # In a session of its own: a kill of our process group must spare it.
            self.pid = os.posix_spawn(sys.executable, argv, env, file_actions=actions, setsid=True)
            self.pipe = write
        except OSError:
            os.close(write)
        finally:
            os.close(read)

    def token_for_child(self) -> str:
        """The token every child carries in :data:`ENV` (starts the watchdog if needed)."""
        with self.lock:
            if not self._running():
                self._start()
            return self.token

    def tell(self, line: str) -> None:
        with self.lock:
            if self.owner == os.getpid() and self.pipe >= 0:
                with contextlib.suppress(OSError):  # a watchdog that died: restarted next run
                    os.write(self.pipe, line.encode() + b"\n")


_watchdog = _Watchdog()
os.register_at_fork(after_in_child=_watchdog.forget)


def child_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` with this process's watchdog token, which marks every descendant."""
    return {**env, ENV: _watchdog.token_for_child()}


def watch(pgid: int, timeout: float | None) -> None:
    """The watchdog kills group ``pgid`` when this process dies or ``timeout`` is long past."""
    _watchdog.tell(f"+ {pgid} {'-' if timeout is None else repr(float(timeout))}")


def release(pgid: int) -> None:
    """Group ``pgid`` has ended: forget it (its id may be reused)."""
    _watchdog.tell(f"- {pgid}")
