"""A real HTTP server on 127.0.0.1 that records what webhooks POST to it.

It answers from a script: each request takes the next entry, an HTTP status
or ``"hang"`` (hold the connection without answering, so the client times
out); when the script runs out, the last entry repeats.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, sink: Sink) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.sink = sink

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (timed out) is expected here; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        sink = self.server.sink
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with sink.lock:
            sink.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            answer = sink.script[min(len(sink.requests) - 1, len(sink.script) - 1)]
        if answer == "hang":
            sink.stopping.wait(sink.hang_s)
            return
        self.send_response(int(answer))
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """No access log on stderr."""


class Sink:
    """The server, its script, and the requests it received."""

    def __init__(self, script: list[int | str], hang_s: float = 5.0) -> None:
        self.script = script
        self.hang_s = hang_s
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/hook") -> str:
        """A URL on this server."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def close(self) -> None:
        """Stop serving and release hanging requests."""
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
