"""``[tool.gauntlet.history]`` and ``[tool.gauntlet.cache]``: what outlives one machine's run.

``history``: where the run history is kept, and when a run is dead.  The URL
is checked here; turning it into a store (a relative path is under the
repository, ``$GAUNTLET_HISTORY_URL`` wins) is :mod:`gauntlet.health.record`'s.

``cache``: the shared cache of content-keyed artifacts and results (a folder
or a Bazel remote-cache HTTP server); opening it, with the environment's
overrides, is :mod:`gauntlet.cache`'s.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.config.schema import Key, Table
from gauntlet.config.values import Invalid, Kind, describe, number, one_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gauntlet.config.schema import Fail

SCHEMES = ("postgresql://", "postgres://", "sqlite:///")
HISTORY_SWITCH = "GAUNTLET_HISTORY"  # off, 0, no or false: runs are not recorded


def history_on(env: Mapping[str, str] | None = None) -> bool:
    """Whether runs are recorded (``GAUNTLET_HISTORY=off`` turns it off)."""
    env = os.environ if env is None else env
    return env.get(HISTORY_SWITCH, "").lower() not in ("off", "0", "no", "false")


@dataclass(frozen=True)
class HistorySettings:
    """Where the history is ("" for the default file) and when a running run is stale."""

    url: str = ""
    stale_after: float = 6.0  # hours

    @property
    def stale_after_s(self) -> float:
        """``stale_after`` in seconds."""
        return self.stale_after * 3600


def _url() -> Kind[str]:
    def parse(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"expected a path or postgresql:// URL, got {describe(value)}")
        if "://" in value and not value.startswith(SCHEMES):
            scheme = value.split("://", 1)[0]
            raise Invalid(f"unsupported scheme {scheme!r}; use a file path or postgresql://")
        return value

    schemes = "|".join(SCHEMES)
    other = {"not": {"pattern": "://"}}
    return Kind(
        parse,
        {"type": "string", "pattern": r"\S", "anyOf": [other, {"pattern": f"^({schemes})"}]},
    )


HISTORY = Table(
    "tool.gauntlet.history",
    "Where the run history is kept (default: .gauntlet/history.sqlite3).",
    (
        Key(
            "url",
            _url(),
            "A file path (under the repository), sqlite:/// URL or postgresql:// URL.",
            default=".gauntlet/history.sqlite3",
        ),
        Key(
            "stale-after",
            number("a number of hours above 0", 0, open_low=True),
            "Hours after which a run still marked running is taken as interrupted.",
        ),
    ),
    HistorySettings,
)


def parse_history(raw: dict[str, Any], fail: Fail) -> HistorySettings:
    """The ``[tool.gauntlet.history]`` table; every problem goes to ``fail``."""
    return HistorySettings(**HISTORY.read(raw, fail))


CACHE_MODES = ("auto", "read-write", "read", "off")


@dataclass(frozen=True)
class CacheSettings:
    """The shared cache: where ("" for the folder under the build dir), how, how patient."""

    url: str = ""
    mode: str = "auto"  # auto: read-only on pull requests, else read-write
    timeout: float = 10.0  # seconds one request to a server may take


def _cache_url() -> Kind[str]:
    def parse(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(f"expected a folder or an http(s):// URL, got {describe(value)}")
        if "://" in value and not value.startswith(("http://", "https://")):
            scheme = value.split("://", 1)[0]
            raise Invalid(f"unsupported scheme {scheme!r}; use a folder, http:// or https://")
        return value

    other = {"not": {"pattern": "://"}}
    return Kind(
        parse,
        {"type": "string", "pattern": r"\S", "anyOf": [other, {"pattern": "^https?://"}]},
    )


CACHE = Table(
    "tool.gauntlet.cache",
    "The shared cache of built artifacts and test results (Bazel remote-cache HTTP protocol).",
    (
        Key(
            "url",
            _cache_url(),
            "A folder (under the project root) or an http(s):// URL of a Bazel remote cache; "
            "$GAUNTLET_CACHE_URL wins.",
            default="<build-dir>/cache/shared",
        ),
        Key(
            "mode",
            one_of(CACHE_MODES),
            "auto (read-only on pull requests), read-write, read or off; "
            "$GAUNTLET_CACHE_MODE wins.",
        ),
        Key(
            "timeout",
            number("a positive number of seconds", 0, open_low=True),
            "Seconds one request to the cache server may take.",
        ),
    ),
    CacheSettings,
)


def parse_cache(raw: dict[str, Any], fail: Fail) -> CacheSettings:
    """The ``[tool.gauntlet.cache]`` table; every problem goes to ``fail``."""
    return CacheSettings(**CACHE.read(raw, fail))
