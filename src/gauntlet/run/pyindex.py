"""Which releases of a package the configured package index lists (PEP 503 / PEP 691).

Read over HTTP from the index uv or pip would use: ``$UV_DEFAULT_INDEX``,
``$UV_INDEX_URL`` or ``$PIP_INDEX_URL``, else PyPI.  The environments nox
makes with uv have no pip, so ``pip index versions`` cannot be relied on.  An
index that cannot be read gives no releases: the caller then cannot tell a
missing release from a network failure and treats it as the latter.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from html.parser import HTMLParser

PYPI = "https://pypi.org/simple"
TIMEOUT_S = 20.0
_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"


def index_url() -> str:
    """The simple index uv or pip is configured to use."""
    for name in ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL"):
        if os.environ.get(name):
            return os.environ[name].rstrip("/")
    return PYPI


class _Links(HTMLParser):
    """The text of every link of a PEP 503 page (the file names)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self._in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_link = tag == "a"

    def handle_endtag(self, tag: str) -> None:
        self._in_link = False

    def handle_data(self, data: str) -> None:
        if self._in_link and data.strip():
            self.names.append(data.strip())


def releases(package: str, index: str | None = None) -> list[str]:
    """The versions of ``package`` the index has files for, in the index's order."""
    return list(release_dates(package, index))


def release_dates(package: str, index: str | None = None) -> dict[str, str]:
    """Each version of ``package`` the index has files for, with the day its first file
    was uploaded (``YYYY-MM-DD``, PEP 700's ``upload-time``; "" where the index gives
    none, as PEP 503 HTML pages do), in the index's order."""
    parts = re.split(r"[-_.]+", package.lower())  # PEP 503 normalisation
    url = f"{index or index_url()}/{'-'.join(parts)}/"
    if not url.startswith(("http://", "https://")):
        return {}  # a local folder or file URL: nothing to ask
    request = urllib.request.Request(url, headers={"Accept": _ACCEPT})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:  # noqa: S310  # nosec B310
            kind = answer.headers.get("Content-Type", "")
            body = answer.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError, ValueError):
        return {}
    if "json" in kind:
        try:
            files = [
                (str(f["filename"]), str(f.get("upload-time") or "")[:10])
                for f in json.loads(body).get("files", [])
            ]
        except (ValueError, KeyError, TypeError, AttributeError):
            return {}
    else:
        parser = _Links()
        parser.feed(body)
        files = [(name, "") for name in parser.names]
    name = "[-_.]+".join(map(re.escape, parts))  # wheels write `mojo_compiler` (PEP 427)
    pattern = re.compile(rf"^{name}-([0-9][^-]*?)(?:-|\.tar\.gz$|\.zip$)", re.I)
    found: dict[str, str] = {}
    for filename, day in files:
        match = pattern.match(filename)
        if match and (match.group(1) not in found or (day and day < found[match.group(1)])):
            found[match.group(1)] = day or found.get(match.group(1), "")
    return found
