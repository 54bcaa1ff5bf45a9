"""Reading an index's files: PEP 691 JSON, PEP 503 HTML fragments, absent, unreachable."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from gauntlet.release.index import UnreachableError, index_files, normalize

if TYPE_CHECKING:
    from collections.abc import Iterator


class _Pages(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        code, kind, body = self.pages.get(self.path, (404, "text/plain", b"no"))
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving ``_Pages.pages``."""
    _Pages.pages = {}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_pep_691_json_hashes(site: str) -> None:
    files = {"files": [{"filename": "my_pkg-1.0.tar.gz", "url": "x", "hashes": {"sha256": "ab"}}]}
    _Pages.pages["/simple/my-pkg/"] = (
        200,
        "application/vnd.pypi.simple.v1+json",
        json.dumps(files).encode(),
    )
    assert index_files(f"{site}/simple/", "My_Pkg") == {"my_pkg-1.0.tar.gz": "ab"}


def test_pep_503_html_fragments(site: str) -> None:
    html = b'<a href="../../packages/p-1.0.whl#sha256=cd">p-1.0.whl</a><a href="/f/p-1.0.zip">z</a>'
    _Pages.pages["/simple/p/"] = (200, "text/html", html)
    assert index_files(f"{site}/simple", "p") == {"p-1.0.whl": "cd", "p-1.0.zip": ""}


def test_an_absent_project_has_no_files(site: str) -> None:
    assert index_files(f"{site}/simple/", "nothing") == {}


def test_a_server_error_is_unreachable(site: str) -> None:
    _Pages.pages["/simple/p/"] = (503, "text/plain", b"down")
    with pytest.raises(UnreachableError, match="HTTP 503"):
        index_files(f"{site}/simple/", "p")


def test_normalize() -> None:
    assert normalize("My.Pkg__x") == "my-pkg-x"
