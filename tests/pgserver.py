"""A real PostgreSQL server on 127.0.0.1 for the history tests, and a fixture over both stores.

The server is made with ``initdb`` and ``pg_ctl`` from ``/usr/lib/postgresql/*/bin``
in a temporary folder on a free port, as the ``postgres`` user when running as
root (``initdb`` refuses root), and stopped at the end of the session.  When it
cannot start, the PostgreSQL half of the suite fails on CI (``CI=true``) and
is skipped elsewhere, saying why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

BACKENDS = ("sqlite", "postgresql")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"PostgreSQL tests cannot run on CI: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


def _bin_dir() -> Path | None:
    """The newest server binaries (``GAUNTLET_TEST_PG_ROOT`` replaces /usr/lib/postgresql)."""
    root = Path(os.environ.get("GAUNTLET_TEST_PG_ROOT", "/usr/lib/postgresql"))
    found = sorted(root.glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(argv: list[str]) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        _unavailable(f"{' '.join(argv[:1])} failed: {(done.stderr or done.stdout).strip()[-400:]}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of the ``postgres`` database on a fresh server (trust authentication)."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        _unavailable(
            "no PostgreSQL server binaries in /usr/lib/postgresql (apt-get install postgresql)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'mojo-gauntlet[postgres]')")
    assert bin_dir is not None
    base = Path(tempfile.mkdtemp(prefix="gauntlet-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = base / "data", _free_port()
    _run([*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
          "--auth=trust", "-E", "UTF8", "--no-sync"])  # fmt: skip
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    _run([*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"),
          "-w", "-t", "60", "-o", options, "start"])  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new, empty database on the server; dropped afterwards."""
    import psycopg

    name = "gauntlet_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new history: a SQLite file, then a database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield str(tmp_path / "history.sqlite3")
        return
    server: str = request.getfixturevalue("postgres_server")
    with fresh_database(server) as url:
        yield url
