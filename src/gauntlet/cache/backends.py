"""Where cache entries live: a folder, or a server speaking the Bazel remote-cache HTTP protocol.

A backend gets and puts named blobs in two spaces, ``ac`` (action results by
key) and ``cas`` (contents by SHA-256).  Backends are looked up by URL scheme
in :data:`BACKENDS` (:func:`register` adds one): a value without a scheme is
a folder, ``http://`` and ``https://`` a remote cache (bazel-remote, nginx
with WebDAV, ...).  A backend never prints: it raises :class:`UnreachableError`
(the server could not be asked: refused, timed out, 5xx) or :class:`RefusedError`
(the server would not store an entry), with messages that name the server by
:func:`display_url`, never with its credentials.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias
from urllib.parse import unquote, urlsplit, urlunsplit

from gauntlet import masking
from gauntlet.atomic import write_bytes_atomic

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

TOKEN_VARIABLE = "GAUNTLET_CACHE_TOKEN"  # noqa: S105 - a variable name; sent as "Authorization: Bearer <token>"
SPACES = ("ac", "cas")


class UnreachableError(Exception):
    """The cache could not be asked (connection refused, timeout, server error)."""


class RefusedError(Exception):
    """The cache answered but would not store an entry (read-only server, no permission)."""


class Backend(Protocol):
    """A store of blobs by space (``ac`` or ``cas``) and name (a hex digest)."""

    @property
    def where(self) -> str:
        """The backend, printable: a folder or a URL without credentials."""
        ...

    def get(self, space: str, name: str) -> bytes | None:
        """The blob, or None when there is none (404)."""
        ...

    def put(self, space: str, name: str, data: bytes) -> None:
        """Store a blob."""
        ...


def display_url(url: str) -> str:
    """A URL as it may be printed: without user, password or query."""
    parts = urlsplit(url)
    if not parts.scheme:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass(frozen=True)
class FolderBackend:
    """A folder holding ``ac/<key>`` and ``cas/<sha256>`` files (the default backend)."""

    folder: Path

    @property
    def where(self) -> str:
        """The folder."""
        return str(self.folder)

    def get(self, space: str, name: str) -> bytes | None:
        """The file's bytes, or None when it is missing."""
        try:
            return (self.folder / space / name).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise UnreachableError(
                f"cannot read {self.folder / space / name}: {exc.strerror}"
            ) from None

    def put(self, space: str, name: str, data: bytes) -> None:
        """Write the file atomically (an unwritable folder is :class:`RefusedError`)."""
        try:
            write_bytes_atomic(self.folder / space / name, data)
        except OSError as exc:
            raise RefusedError(f"cannot write {self.folder / space}: {exc.strerror}") from None


@dataclass(frozen=True)
class HttpBackend:
    """A Bazel remote-cache HTTP server: ``GET/PUT <base>/ac/<key>``, ``<base>/cas/<sha256>``.

    Credentials come from the URL's user part (HTTP basic) or from
    ``$GAUNTLET_CACHE_TOKEN`` (a bearer token); both are masked in output.
    """

    base: str  # the URL without credentials, no trailing slash
    timeout: float
    authorization: str = ""

    @classmethod
    def of(cls, url: str, timeout: float, env: Mapping[str, str]) -> HttpBackend:
        """The backend of a URL, with its credentials (or the token's) as a header."""
        parts = urlsplit(url)
        auth = ""
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            auth = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
            if parts.password:
                masking.learn(unquote(parts.password))
        elif env.get(TOKEN_VARIABLE):
            auth = f"Bearer {env[TOKEN_VARIABLE]}"
            masking.learn(env[TOKEN_VARIABLE])
        return cls(display_url(url).rstrip("/"), timeout, auth)

    @property
    def where(self) -> str:
        """The base URL."""
        return self.base

    def _request(self, method: str, space: str, name: str, data: bytes | None = None) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - the scheme is http(s): see open_backend
            f"{self.base}/{space}/{name}", data=data, method=method
        )
        if self.authorization:
            request.add_header("Authorization", self.authorization)
        if data is not None:
            request.add_header("Content-Type", "application/octet-stream")
        # the scheme is http(s): see open_backend
        with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310  # nosec B310
            body: bytes = answer.read()
            return body

    def get(self, space: str, name: str) -> bytes | None:
        """``GET``; 404 is None."""
        try:
            return self._request("GET", space, name)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise UnreachableError(f"GET {space}/{name[:12]}… answered HTTP {exc.code}") from None
        except (OSError, ValueError) as exc:
            raise UnreachableError(_reason(exc)) from None

    def put(self, space: str, name: str, data: bytes) -> None:
        """``PUT``; a 4xx answer is :class:`RefusedError`, no answer :class:`UnreachableError`."""
        try:
            self._request("PUT", space, name, data)
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500:
                raise RefusedError(f"PUT {space}/ answered HTTP {exc.code} {exc.reason}") from None
            raise UnreachableError(f"PUT {space}/ answered HTTP {exc.code}") from None
        except (OSError, ValueError) as exc:
            raise UnreachableError(_reason(exc)) from None


def _reason(exc: BaseException) -> str:
    """Why a request failed, in a few words (the URL is said by the caller)."""
    reason = getattr(exc, "reason", None) or exc
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "timed out"
    text = getattr(reason, "strerror", None) or str(reason)
    return str(text)


def _folder(url: str, timeout: float, root: Path, env: Mapping[str, str]) -> Backend:
    del timeout, env
    return FolderBackend(root / Path(url).expanduser())


def _http(url: str, timeout: float, root: Path, env: Mapping[str, str]) -> Backend:
    del root
    return HttpBackend.of(url, timeout, env)


Factory: TypeAlias = "Callable[[str, float, Path, Mapping[str, str]], Backend]"

BACKENDS: dict[str, Factory] = {
    "folder": _folder,
    "http": _http,
    "https": _http,
}


def register(
    scheme: str, factory: Callable[[str, float, Path, Mapping[str, str]], Backend]
) -> None:
    """Serve URLs of ``scheme`` (``scheme://...``) with another backend."""
    BACKENDS[scheme] = factory


def open_backend(url: str, timeout: float, root: Path, env: Mapping[str, str]) -> Backend:
    """The backend of a URL (a folder, relative to ``root``, when it has no scheme)."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "folder"
    factory = BACKENDS.get(scheme)
    if factory is None:
        known = ", ".join(f"{s}://" for s in BACKENDS if s != "folder")
        raise UnreachableError(f"no cache backend for {scheme}:// (known: a folder, {known})")
    return factory(url, timeout, root, env)
