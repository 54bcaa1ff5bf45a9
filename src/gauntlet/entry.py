"""The one error layer every entry point goes through.

``gauntlet`` (console script and ``python -m gauntlet``) and the
``python -m gauntlet.<module>`` helpers the nox sessions call all run their
work inside :func:`guarded`, which maps what can go wrong to an exit code:

* a :class:`~gauntlet.errors.GauntletError` (bad configuration, a missing
  tool, a malformed file) prints one line and exits with the error's code
  (2 tool, 3 usage or configuration);
* Ctrl-C prints ``interrupted`` and exits 130, without a traceback;
* a closed output pipe (``gauntlet scan | head -1``) ends quietly with exit
  141, what a shell reports for a command killed by SIGPIPE (``git log |
  head``): nothing more is written, no traceback, no crash log;
* anything else is a bug: exit 2, the traceback in a crash log under the
  build directory (a temporary folder when there is no project), and a
  message naming that file.

Usage errors found by argparse exit 3 through the CLI's own parser, which
raises ``SystemExit``; ``SystemExit`` passes through unchanged.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from gauntlet.errors import ExitCode, GauntletError
from gauntlet.layout import BuildDir

if TYPE_CHECKING:
    from collections.abc import Callable


def guarded(
    work: Callable[[], int],
    *,
    prog: str = "gauntlet",
    build_dir: Callable[[], Path | None] = lambda: None,
) -> int:
    """Run ``work`` and turn what it raises into an exit code (see the module docstring).

    ``build_dir`` is asked for the build directory only after a crash; it may
    return ``None`` or raise, and the crash log then goes to a temporary folder.
    """
    try:
        code = int(work())
        sys.stdout.flush()  # a closed pipe shows here when the output was buffered
    except GauntletError as exc:
        _say(f"{prog}: error: {exc}")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        _say(f"{prog}: interrupted")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        _silence_stdout()
        return int(ExitCode.PIPE_CLOSED)
    except Exception:  # a bug: keep the evidence  # noqa: BLE001
        log = write_crash_log(traceback.format_exc(), build_dir)
        _say(f"{prog}: internal error; details in {log}")
        return int(ExitCode.TOOL_ERROR)
    return code


def run_entry(
    work: Callable[[], int],
    *,
    prog: str = "gauntlet",
    build_dir: Callable[[], Path | None] = lambda: None,
) -> NoReturn:
    """``sys.exit(guarded(work))``: the body of every ``python -m`` entry point."""
    sys.exit(guarded(work, prog=prog, build_dir=build_dir))


def write_crash_log(text: str, build_dir: Callable[[], Path | None]) -> Path:
    """Write ``text`` to ``<build dir>/logs/crash-<time>-<pid>.log``; return its path."""
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        base = build_dir()
    except Exception:  # noqa: BLE001 - the project itself may be what is broken
        base = None
    places = [BuildDir(base).crash_log(name)] if base is not None else []
    places.append(BuildDir(Path(tempfile.gettempdir()) / "gauntlet").crash_log(name))
    for place in places:
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
            place.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return place
    return Path(os.devnull)  # pragma: no cover - neither folder is writable


def _say(line: str) -> None:
    with contextlib.suppress(OSError):  # stderr may be gone too
        print(line, file=sys.stderr, flush=True)  # noqa: T201


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover - stdout is not a real file
        pass
