"""A Mojo version that does not exist is refused at once; a network failure is retried."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gauntlet.errors import ConfigError, ToolError
from gauntlet.run import pyindex, toolchain

RELEASES = ("0.26.1.0", "1.2.0")


class _SimpleIndex(BaseHTTPRequestHandler):
    """PEP 503 pages listing wheels that are never downloaded."""

    def do_GET(self) -> None:
        # wheel names spell a project's name with `_` (PEP 427): mojo_compiler-0.25.7.0-...
        files = {"/simple/mojo": "mojo", "/simple/mojo-compiler": "mojo_compiler"}
        wheel = files.get(self.path.rstrip("/"))
        if wheel:
            links = "".join(
                f'<a href="/files/{wheel}-{v}-py3-none-any.whl">{wheel}-{v}-py3-none-any.whl</a>\n'
                for v in RELEASES
            )
            body = f"<!DOCTYPE html><html><body>\n{links}</body></html>\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def index() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SimpleIndex)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple"
    finally:
        server.shutdown()
        server.server_close()


def _use_index(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str) -> None:
    monkeypatch.setenv("GAUNTLET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GAUNTLET_NO_PROVISION", raising=False)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    for name in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "UV_FIND_LINKS", "UV_EXTRA_INDEX_URL"):
        monkeypatch.delenv(name, raising=False)
    for prefix in ("PIP", "UV"):
        monkeypatch.setenv(f"{prefix}_INDEX_URL", url)
    monkeypatch.setenv("UV_DEFAULT_INDEX", url)
    monkeypatch.setenv("UV_NO_CACHE", "1")
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "5")


def test_the_index_lists_its_releases(
    index: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _use_index(monkeypatch, tmp_path, index)
    assert sorted(toolchain.available_versions()) == sorted(RELEASES)
    assert pyindex.releases("mojo-compiler", index) == list(RELEASES)
    assert pyindex.releases("Mojo.Compiler", index) == list(RELEASES)


@pytest.mark.slow
def test_a_version_that_does_not_exist_is_refused_without_retries(
    index: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _use_index(monkeypatch, tmp_path, index)
    sleeps: list[float] = []
    with pytest.raises(ConfigError) as raised:
        toolchain.provision("0.26", echo=lambda _: None, sleep=sleeps.append)
    message = str(raised.value)
    assert "Mojo 0.26 does not exist on PyPI" in message
    assert "available: 1.2.0, 0.26.1.0" in message
    assert "network" not in message
    assert sleeps == []  # not retried
    assert not toolchain.toolchain_dir("0.26").exists()  # and nothing left behind


@pytest.mark.slow
def test_an_unreachable_index_is_retried_and_blamed_on_the_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    closed = ThreadingHTTPServer(("127.0.0.1", 0), _SimpleIndex)
    port = closed.server_address[1]
    closed.server_close()  # nothing listens there now: connection refused
    _use_index(monkeypatch, tmp_path, f"http://127.0.0.1:{port}/simple")
    sleeps: list[float] = []
    with pytest.raises(ToolError, match="Check network access"):
        toolchain.provision("0.26", echo=lambda _: None, sleep=sleeps.append)
    assert sleeps == [1.0, 2.0, 4.0]
