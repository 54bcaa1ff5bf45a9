"""A real nginx with WebDAV on 127.0.0.1: a Bazel remote-cache HTTP server for the cache tests.

Debian's nginx has the DAV module: ``dav_methods PUT`` with
``create_full_put_path on`` stores ``PUT /ac/<key>`` and ``PUT /cas/<sha256>``
as files, and ``GET`` of a missing one is 404: the protocol bazel's
``--remote_cache=http://...`` speaks.  The server runs in the foreground as
one process (``master_process off``), as the test's user, from a config in
``tmp_path``, and is stopped at teardown.  Without nginx the tests fail on CI
(``CI=true``) and are skipped elsewhere, saying why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid {base}/nginx.pid;
error_log {base}/error.log;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {base}/body;
    proxy_temp_path {base}/proxy;
    fastcgi_temp_path {base}/fastcgi;
    uwsgi_temp_path {base}/uwsgi;
    scgi_temp_path {base}/scgi;
    access_log {base}/access.log;
    client_max_body_size 0;
    server {{
        listen 127.0.0.1:{port};
        root {base}/data;
        location / {{
            dav_methods PUT;
            create_full_put_path on;
        }}
    }}
}}
"""


@dataclass(frozen=True)
class CacheServer:
    """A running server: its URL, the folder it stores into, and its access log."""

    url: str
    data: Path
    access_log: Path

    def requests(self, method: str) -> list[str]:
        """The paths of the requests with this method, from the access log."""
        lines = self.access_log.read_text(encoding="utf-8").splitlines()
        return [ln.split('"')[1].split()[1] for ln in lines if f'"{method} ' in ln]

    def logged(self, method: str, count: int) -> list[str]:
        """The requests with this method once ``count`` are logged (nginx logs after answering)."""
        for _ in range(500):
            found = self.requests(method)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        return self.requests(method)


def _nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).is_file()), None
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"cache server tests cannot run on CI: {reason}")
    pytest.skip(f"cache server tests skipped: {reason}")


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if process.poll() is not None:
            return
        try:
            urllib.request.urlopen(f"{url}/cas/none", timeout=1)  # noqa: S310
        except urllib.error.HTTPError:
            return  # 404: it answers
        except OSError:
            time.sleep(0.05)


@pytest.fixture
def cache_server(tmp_path: Path) -> Iterator[CacheServer]:
    """nginx with WebDAV on a free port of 127.0.0.1, stopped (and reaped) at teardown."""
    nginx = _nginx()
    if nginx is None:
        _unavailable("nginx is not installed (apt-get install nginx)")
    assert nginx is not None
    base = tmp_path / "nginx"
    (base / "data").mkdir(parents=True)
    port = _free_port()
    conf = base / "nginx.conf"
    conf.write_text(CONFIG.format(base=base, port=port), encoding="utf-8")
    process = subprocess.Popen(
        [nginx, "-p", str(base), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            _unavailable(f"nginx did not start: {err.strip()[-400:]}")
        yield CacheServer(url, base / "data", base / "access.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


def compiles(record: dict[str, Any]) -> int:
    """Mojo compiles of a run: builds not from the cache, tests that spent time compiling."""
    count = 0
    for task in record["tasks"]:
        values = task.get("values", {})
        if task["status"] != "executed" or values.get("cached"):
            continue
        if task["name"].startswith("build:") or values.get("compile_s"):
            count += 1
    return count
