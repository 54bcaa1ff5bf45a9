"""Talking to a package index: which files it has for a version, and uploading one.

Reading uses the simple API (PEP 691 JSON when the index offers it, else the
PEP 503 HTML page, digests from the ``#sha256=`` fragments).  Uploading is a
``multipart/form-data`` POST to the legacy upload API, made here rather than
by running ``twine``: the answer's status code is seen directly, so a refusal
(4xx: bad credentials, file exists, invalid metadata) is told apart from an
index that cannot be reached (connection refused or reset, 5xx), and only the
latter is retried (:func:`gauntlet.runner.with_retries`).  The credential
goes into one request header in this process, never into a command line or a
child's environment.
"""

from __future__ import annotations

import base64
import email.parser
import hashlib
import json
import re
import tarfile
import uuid
import zipfile
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib import error, request
from urllib.parse import urldefrag, urljoin

from gauntlet.errors import ToolError
from gauntlet.release.gate import RefusedError

if TYPE_CHECKING:
    from pathlib import Path

    from gauntlet.release.credentials import Credential

TIMEOUT_S = 120.0
ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.5"
_MULTI = {"classifier": "classifiers", "requires_dist": "requires_dist",
          "project_url": "project_urls", "provides_extra": "provides_extra",
          "license_file": "license_files", "dynamic": "dynamic",
          "platform": "platform", "supported_platform": "supported_platform",
          "requires_external": "requires_external", "provides_dist": "provides_dist",
          "obsoletes_dist": "obsoletes_dist"}  # fmt: skip


class UnreachableError(ToolError):
    """The index did not answer (or answered 5xx): worth another try."""


def normalize(name: str) -> str:
    """The PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def open_url(req: request.Request) -> tuple[bytes, str]:
    """The body and content type of an http(s) request; an index that cannot be reached
    (no answer, a 5xx, another scheme) is an :class:`UnreachableError`; a 4xx is raised."""
    if req.type not in ("http", "https"):
        raise UnreachableError(f"could not reach {req.full_url}: not an http(s) URL")
    try:
        # http(s) only, checked above
        with request.urlopen(req, timeout=TIMEOUT_S) as response:  # noqa: S310  # nosec B310
            return response.read(), str(response.headers.get("Content-Type", ""))
    except error.HTTPError as exc:
        if exc.code >= 500:
            raise UnreachableError(f"could not reach {req.full_url}: HTTP {exc.code}") from None
        raise
    except (error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UnreachableError(f"could not reach {req.full_url}: {reason}") from None


def index_files(index_url: str, project: str) -> dict[str, str]:
    """File name → sha256 ("" when the index gives none) the index has for ``project``."""
    url = urljoin(index_url.rstrip("/") + "/", normalize(project) + "/")
    try:
        ask = request.Request(url, headers={"Accept": ACCEPT})  # noqa: S310 - http(s) only
        body, kind = open_url(ask)
    except error.HTTPError as exc:
        if exc.code == 404:
            return {}
        raise ToolError(f"{url} answered HTTP {exc.code} when asked for its files") from None
    if "json" in kind:
        data = json.loads(body)
        return {
            str(f["filename"]): str(f.get("hashes", {}).get("sha256", "")) for f in data["files"]
        }
    links = _Links()
    links.feed(body.decode("utf-8", "replace"))
    found = {}
    for href in links.hrefs:
        target, fragment = urldefrag(href)
        name = target.rstrip("/").rsplit("/", 1)[-1]
        found[name] = fragment[len("sha256=") :] if fragment.startswith("sha256=") else ""
    return found


def _metadata(path: Path) -> list[tuple[str, str]]:
    """The core metadata of a wheel or sdist, as upload form fields."""
    text = ""
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            text = wheel.read(name).decode("utf-8")
    else:
        with tarfile.open(path) as sdist:
            member = next(
                m
                for m in sdist.getmembers()
                if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")
            )
            stream = sdist.extractfile(member)
            text = stream.read().decode("utf-8") if stream else ""
    message = email.parser.Parser().parsestr(text)
    fields = []
    for key, value in message.items():
        field = key.lower().replace("-", "_")
        fields.append((_MULTI.get(field, field), str(value)))
    payload = message.get_payload()
    if isinstance(payload, str) and payload.strip():
        fields.append(("description", payload))
    return fields


def _multipart(fields: list[tuple[str, str]], path: Path) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
    )
    parts.extend((path.read_bytes(), f"\r\n--{boundary}--\r\n".encode()))
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(upload_url: str, path: Path, credential: Credential) -> None:
    """Upload one file: a refusal raises :class:`RefusedError`, no answer
    :class:`UnreachableError`."""
    data = path.read_bytes()
    meta = _metadata(path)
    wheel = path.name.endswith(".whl")
    pyversion = path.name.split("-")[-3] if wheel else "source"
    fields = [
        (":action", "file_upload"),
        ("protocol_version", "1"),
        ("filetype", "bdist_wheel" if wheel else "sdist"),
        ("pyversion", pyversion),
        ("sha256_digest", hashlib.sha256(data).hexdigest()),
        *meta,
    ]
    body, kind = _multipart(fields, path)
    auth = base64.b64encode(f"{credential.username}:{credential.password}".encode()).decode()
    req = request.Request(  # noqa: S310 - the upload URL is validated http(s)
        upload_url,
        data=body,
        method="POST",
        headers={"Content-Type": kind, "Authorization": f"Basic {auth}", "User-Agent": "gauntlet"},
    )
    try:
        open_url(req)
    except error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise RefusedError(
            f"{upload_url} refused {path.name}: HTTP {exc.code} {exc.reason}"
            + (f" ({detail[0][:200]})" if detail else "")
        ) from None


def described(found: dict[str, Any]) -> str:
    """``name (sha256)`` of index files, for messages."""
    return ", ".join(f"{n} ({d or 'no digest'})" for n, d in sorted(found.items()))
