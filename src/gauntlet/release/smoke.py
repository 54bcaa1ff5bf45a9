"""The smoke test after a publish: install from the index into a fresh environment, import.

The package itself is installed with ``--no-deps`` from the environment's
index *only* (``--index-url``), so the files tested are the ones just
published and never a same-named package from another index.  Its
dependencies (``Requires-Dist`` of what was installed) are then installed
from the installer's default index, as a user's machine would; a private
index is never consulted for them (no ``--extra-index-url``, which would let
any index answer for any name).  The environment is made by ``uv`` when it
is on ``PATH`` (tens of milliseconds), else by ``python -m venv``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from gauntlet import runner
from gauntlet.errors import ExitCode, GauntletError, ToolError

TIMEOUT_S = 600.0
_REQUIRES = (
    "import importlib.metadata as m, sys; "
    "print('\\n'.join(r for r in (m.requires(sys.argv[1]) or []) if 'extra ==' not in r))"
)


class SmokeFailedError(GauntletError):
    """The published package installed, but a smoke import failed: a failed check (exit 1)."""

    exit_code = ExitCode.FAILED


def _check(done: runner.Completed, what: str) -> None:
    if not done.ok:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise ToolError(f"smoke test: {what} failed: " + " | ".join(tail))


# Indexes an installer would also ask (or ask instead): the smoke test asks only the
# environment's index (uv's UV_DEFAULT_INDEX even beats an --index-url option).
OTHER_INDEXES = (
    "UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_INDEX", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS",
    "UV_NO_INDEX", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX",
)  # fmt: skip


def _without(hide: tuple[str, ...]) -> dict[str, str]:
    """This process's environment without the credential variables, GitHub's token and
    any other index."""
    gone = {*hide, *OTHER_INDEXES, "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL"}
    return {k: v for k, v in os.environ.items() if k not in gone}


def smoke_test(
    index_url: str, project: str, version: str, imports: tuple[str, ...], hide: tuple[str, ...] = ()
) -> None:
    """Install ``project==version`` from ``index_url`` into a new environment and import.

    The commands run without the variables named in ``hide`` (the upload credentials):
    an installer and an imported package have no business seeing them.
    """
    env = _without(hide)
    uv = shutil.which("uv")
    with tempfile.TemporaryDirectory(prefix="gauntlet-smoke-") as tmp:
        venv = Path(tmp) / "venv"
        python = str(venv / "bin" / "python")
        if uv:
            _check(
                runner.run(
                    [uv, "venv", "-q", "--python", sys.executable, str(venv)],
                    timeout=TIMEOUT_S,
                    env=env,
                ),
                "uv venv",
            )
            install = [uv, "pip", "install", "-q", "--python", python, "--no-cache"]
        else:
            _check(
                runner.run([sys.executable, "-m", "venv", str(venv)], timeout=TIMEOUT_S, env=env),
                "python -m venv",
            )
            install = [python, "-m", "pip", "install", "-q", "--no-cache-dir"]
        wanted = f"{project}=={version}"
        _check(
            runner.run(
                [*install, "--no-deps", "--index-url", index_url, wanted],
                cwd=tmp,
                timeout=TIMEOUT_S,
                env=env,
            ),
            f"installing {wanted} from {index_url}",
        )
        needs = runner.run([python, "-c", _REQUIRES, project], cwd=tmp, timeout=TIMEOUT_S, env=env)
        _check(needs, "reading its dependencies")
        if needs.stdout.strip():
            listed = Path(tmp) / "requirements.txt"
            listed.write_text(needs.stdout, encoding="utf-8")
            _check(
                runner.run([*install, "-r", str(listed)], cwd=tmp, timeout=TIMEOUT_S, env=env),
                "installing its dependencies",
            )
        for module in imports:
            done = runner.run(
                [python, "-c", f"import {module}"], cwd=tmp, timeout=TIMEOUT_S, env=env
            )
            if not done.ok:
                tail = " | ".join(done.stderr.strip().splitlines()[-3:])
                raise SmokeFailedError(
                    f"smoke test: `import {module}` failed after installing {wanted} from "
                    f"{index_url}: {tail}; the files stay published there, fix and release "
                    "a new version"
                )
