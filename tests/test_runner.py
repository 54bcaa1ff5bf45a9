from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import unmeasured

from gauntlet import runner
from gauntlet.errors import ToolError

if TYPE_CHECKING:
    from collections.abc import Callable


def test_captures_output_and_exit_code() -> None:
    done = runner.run(
        [sys.executable, "-c", "import sys; print('out'); sys.stderr.write('err'); sys.exit(3)"]
    )
    assert (done.returncode, done.stdout.strip(), done.stderr, done.ok) == (3, "out", "err", False)


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "child-alive"
    script = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c',\n"
        f'    \'import time; time.sleep(3); open(r"{marker}", "w")\'])\n'
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    done = runner.run([sys.executable, "-c", script], timeout=1.0)
    assert done.timed_out
    assert done.returncode is None
    assert "started" in done.stdout
    time.sleep(3.5)
    assert not marker.exists()  # the grandchild died with the group


def test_secrets_are_masked() -> None:
    env = {"PATH": "/usr/bin:/bin", "API_TOKEN": "s3cr3t-value", "HOME": "/root"}
    done = runner.run([sys.executable, "-c", "import os; print(os.environ['API_TOKEN'])"], env=env)
    assert done.stdout.strip() == "***"
    assert runner.secrets_in(env) == ("s3cr3t-value",)


def test_streaming_lines_are_passed_on_and_kept() -> None:
    seen: list[str] = []
    code = "import sys; print('a'); sys.stderr.write('b\\n'); print('c')"
    done = runner.run([sys.executable, "-u", "-c", code], on_line=seen.append)
    assert seen == ["a", "b", "c"]
    assert done.stdout.splitlines() == ["a", "b", "c"]


def test_streaming_timeout() -> None:
    done = runner.run(
        [sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5, on_line=lambda _: None
    )
    assert done.timed_out


def test_missing_program_is_a_tool_error() -> None:
    with pytest.raises(ToolError, match="cannot start /no/such/tool"):
        runner.run(["/no/such/tool"])


def test_retries_back_off_1_2_4_then_give_up() -> None:
    sleeps: list[float] = []
    calls = []

    def flaky() -> str:
        calls.append(1)
        raise ToolError("network down")

    with pytest.raises(ToolError, match="network down"):
        runner.with_retries(flaky, (ToolError,), sleep=sleeps.append)
    assert sleeps == [1.0, 2.0, 4.0]
    assert len(calls) == 4


def test_retry_succeeds_and_reports() -> None:
    attempts = iter([ToolError("once"), None])
    notes: list[tuple[int, float]] = []

    def once() -> str:
        error = next(attempts)
        if error:
            raise error
        return "ok"

    result = runner.with_retries(
        once, (ToolError,), sleep=lambda _: None, on_retry=lambda n, _e, d: notes.append((n, d))
    )
    assert result == "ok"
    assert notes == [(1, 1.0)]


BIG = """
import sys
out = sys.stdout.buffer
out.write(b"first line\\n")
for n in range({lines}):
    out.write(b"%08d ........................................................\\n" % n)
out.write(b"last line\\n")
sys.stderr.write("err\\n")
"""


def test_bounded_capture_keeps_the_head_and_the_tail() -> None:
    lines = 200_000  # 13 MB of output
    program = BIG.format(lines=lines)
    done = runner.run([sys.executable, "-c", program], timeout=60, keep=64 * 1024)
    assert done.ok
    total = len("first line\n") + lines * 66 + len("last line\n") + len("err\n")
    assert done.output_bytes == total
    assert done.stdout.startswith("first line\n00000000 ")
    assert done.stdout.endswith(f"{lines - 1:08d} {'.' * 56}\nlast line\n")
    assert done.stderr == "err\n"  # a small stream is kept whole
    assert len(done.stdout) < 3 * 64 * 1024
    marker = f" bytes of output not kept ({total - 4} in all) ...]\n"
    head, _, rest = done.stdout.partition("[... ")
    omitted, _, tail = rest.partition(marker)
    assert int(omitted) == done.omitted_bytes == total - 4 - len(head) - len(tail)
    assert 0 < len(head) <= 64 * 1024
    assert 0 < len(tail) <= 64 * 1024
    assert head.endswith("\n")  # cut at a line end
    assert tail[:8].isdigit()  # the tail starts at a whole line


def test_bounded_capture_of_a_timed_out_command() -> None:
    program = "import sys, time\nsys.stdout.write('x' * 300000 + '\\n')\nsys.stdout.flush()\n"
    program += "time.sleep(60)\n"
    done = runner.run([sys.executable, "-c", program], timeout=2, keep=1024)
    assert done.timed_out
    assert done.output_bytes == 300001
    assert done.omitted_bytes > 0
    assert "bytes of output not kept (300001 in all)" in done.stdout


def test_unbounded_capture_is_unchanged() -> None:
    done = runner.run([sys.executable, "-c", BIG.format(lines=20_000)], timeout=60)
    assert done.omitted_bytes == 0
    assert len(done.stdout) == done.output_bytes - len("err\n") == 21 + 20_000 * 66


def _marked(mark: str) -> list[int]:
    """Processes whose environment carries ``FAULT_MARK=mark``."""
    found = []
    needle = f"\0FAULT_MARK={mark}\0".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if needle in b"\0" + (entry / "environ").read_bytes() + b"\0":
                    found.append(int(entry.name))
    return found


def _dead(pid: int) -> bool:
    """Gone, or a zombie its (stopped) parent has not reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _parent(mark: str, argv: list[str], timeout: float | None) -> subprocess.Popen[bytes]:
    """A Python process that runs ``argv`` through the runner, in a process group of its own."""
    code = f"from gauntlet import runner; runner.run({argv!r}, timeout={timeout!r})"
    src = str(Path(runner.__file__).parents[1])
    env = unmeasured({**os.environ, "FAULT_MARK": mark, "PYTHONPATH": src})  # timing matters
    return subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_sigkill_of_the_parent_kills_children_and_grandchildren() -> None:
    mark = uuid.uuid4().hex
    parent = _parent(mark, ["sh", "-c", "sleep 300 & sleep 300"], None)
    try:
        # the parent, its watchdog, the shell and two sleeps
        assert _wait_for(lambda: len(_marked(mark)) >= 4, 15)
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
        assert _wait_for(lambda: not _marked(mark), 5), _marked(mark)
    finally:
        for pid in _marked(mark):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_a_timeout_holds_while_the_parent_cannot_act() -> None:
    mark = uuid.uuid4().hex
    parent = _parent(mark, ["sleep", "300"], 1.0)
    try:
        assert _wait_for(lambda: len(_marked(mark)) >= 3, 15)
        os.kill(parent.pid, signal.SIGSTOP)  # alive, but its own timer cannot fire
        children = [p for p in _marked(mark) if p != parent.pid]
        sleeper = [p for p in children if Path(f"/proc/{p}/cmdline").read_bytes()[:5] == b"sleep"]
        assert sleeper
        assert _wait_for(lambda: _dead(sleeper[0]), 10)
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
        for pid in _marked(mark):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
