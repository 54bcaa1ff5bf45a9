from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import pytest

from gauntlet import runner
from gauntlet.errors import ToolError

if TYPE_CHECKING:
    from pathlib import Path


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
