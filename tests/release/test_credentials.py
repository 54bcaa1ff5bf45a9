"""Credentials: environment variables and GitHub OIDC trusted publishing against a real server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar

import keyring
import keyring.backend
import pytest

from gauntlet import masking
from gauntlet.config.release import Environment
from gauntlet.errors import UsageError
from gauntlet.release.credentials import credential_for

if TYPE_CHECKING:
    from collections.abc import Iterator

OIDC = "oidc-jwt-eyJhbGciOi-test-value"
MINTED = "pypi-minted-token-AgEIcHlwaS5vcmc"


class _Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, str]]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, body: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.seen.append(("GET", self.path, self.headers.get("Authorization", "")))
        if self.path == "/_/oidc/audience":
            self._answer({"audience": "testindex"})
        elif self.path.startswith("/token?x=1&audience=testindex"):
            self._answer({"value": OIDC})
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.seen.append(("POST", self.path, body))
        if self.path == "/_/oidc/mint-token" and json.loads(body) == {"token": OIDC}:
            self._answer({"token": MINTED})
        else:
            self.send_error(422)


@pytest.fixture
def server() -> Iterator[str]:
    """A server playing both GitHub's token endpoint and the index's OIDC endpoints."""
    _Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_trusted_publishing_exchanges_the_oidc_token(server: str) -> None:
    env = Environment("production", f"{server}/simple/", trusted_publishing=True)
    environ = {
        "ACTIONS_ID_TOKEN_REQUEST_URL": f"{server}/token?x=1",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "gh-request-bearer-123",
    }
    got = credential_for(env, environ)
    assert (got.username, got.password) == ("__token__", MINTED)
    assert MINTED not in repr(got)
    assert ("GET", "/token?x=1&audience=testindex", "bearer gh-request-bearer-123") in _Handler.seen
    assert ("POST", "/_/oidc/mint-token", json.dumps({"token": OIDC})) in _Handler.seen
    assert masking.Masker.for_env({})(f"token {MINTED} and {OIDC}") == "token *** and ***"


def test_trusted_publishing_outside_actions_says_what_to_do() -> None:
    env = Environment("production", "http://127.0.0.1:9/simple/", trusted_publishing=True)
    with pytest.raises(UsageError, match="id-token: write"):
        credential_for(env, {})


def test_username_defaults_to_token_and_password_comes_from_its_variable() -> None:
    env = Environment("staging", "http://127.0.0.1:9/simple/", password_env="STAGING_TOKEN")  # noqa: S106 - a variable name
    got = credential_for(env, {"STAGING_TOKEN": "pypi-abcdefghijklmnop"})
    assert (got.username, got.password) == ("__token__", "pypi-abcdefghijklmnop")


def test_no_credential_declared_is_a_usage_error() -> None:
    env = Environment("staging", "http://127.0.0.1:9/simple/")
    with pytest.raises(UsageError, match="declares no credential"):
        credential_for(env, {})


class _MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend holding passwords in memory (the API gauntlet calls is the real one)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[_MemoryKeyring]:
    """The keyring, for the duration of a test, in memory."""
    before = keyring.get_keyring()
    backend = _MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_keyring_password_for_the_upload_url(memory_keyring: _MemoryKeyring) -> None:
    env = Environment("staging", "http://127.0.0.1:9/simple/", keyring=True)
    with pytest.raises(UsageError, match=r"keyring set http://127\.0\.0\.1:9/ __token__"):
        credential_for(env, {})
    keyring.set_password("http://127.0.0.1:9/", "__token__", "kr-secret-value-123")
    got = credential_for(env, {})
    assert (got.username, got.password) == ("__token__", "kr-secret-value-123")
    assert masking.Masker.for_env({})("x kr-secret-value-123 y") == "x *** y"
