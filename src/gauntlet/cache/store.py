"""The shared cache as the build uses it: modes, verified downloads, signed entries.

:func:`open_cache` gives the cache of a configuration, once per process (so a
server that cannot be reached is said once and not asked again this run).

* **Modes.**  ``read-write``, ``read`` (never uploads), ``off``, and ``auto``:
  read-only when ``$GITHUB_EVENT_NAME`` is ``pull_request`` or
  ``pull_request_target``, so an untrusted branch cannot put entries that
  main's runs would use; read-write otherwise.  ``$GAUNTLET_CACHE_MODE`` and
  ``$GAUNTLET_CACHE_URL`` win over ``[tool.gauntlet.cache]``.
* **Verified.**  Every downloaded blob is hashed and compared with the digest
  its action result names; a mismatch is a warning naming the key, the entry
  is ignored and the step built again (and uploaded again, when writable,
  which puts the right bytes back under that digest).
* **Signed.**  With ``$GAUNTLET_CACHE_SECRET`` set, each entry also lists a
  manifest blob (``gauntlet.manifest``): its key and its outputs' digests,
  with their HMAC-SHA256 under the secret.  Entries without one, or with a bad
  one, are ignored.  The secret's name makes it masked in all output
  (:mod:`gauntlet.masking`).
* **Failures are not errors.**  An unreachable server is one warning
  (``remote cache unreachable at URL: ...; continuing without it``) and the
  run goes on locally.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.atomic import write_bytes_atomic
from gauntlet.cache.backends import Backend, RefusedError, UnreachableError, open_backend
from gauntlet.cache.proto import ActionResult, OutputFile, ProtoError
from gauntlet.config.history import CacheSettings

if TYPE_CHECKING:
    from collections.abc import Mapping

URL_VARIABLE = "GAUNTLET_CACHE_URL"
MODE_VARIABLE = "GAUNTLET_CACHE_MODE"
SECRET_VARIABLE = "GAUNTLET_CACHE_SECRET"  # noqa: S105  # pragma: allowlist secret - a variable name
PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
MANIFEST = "gauntlet.manifest"
SCHEMA = "gauntlet-cache-1"  # part of every action key: a new layout misses old entries


def resolve_mode(settings: CacheSettings, env: Mapping[str, str]) -> str:
    """``read-write``, ``read`` or ``off``: the configured mode, the environment's override."""
    mode = env.get(MODE_VARIABLE, "").strip().lower() or settings.mode
    if mode == "auto":
        pull_request = env.get("GITHUB_EVENT_NAME", "") in PULL_REQUEST_EVENTS
        return "read" if pull_request else "read-write"
    return mode if mode in ("read-write", "read", "off") else "read-write"


def action_key(namespace: str, key: str) -> str:
    """The action-cache name of one kind of output (``artifact``, ``result``, ...) of a key."""
    return hashlib.sha256(f"{SCHEMA}\n{namespace}\n{key}".encode()).hexdigest()


def _signed_text(name: str, outputs: list[OutputFile]) -> bytes:
    lines = [name, *(f"{o.path} {o.sha256} {o.size}" for o in sorted(outputs, key=_path))]
    return "\n".join(lines).encode()


def _path(output: OutputFile) -> str:
    return output.path


def _warn(text: str) -> None:
    sys.stderr.write(f"gauntlet: warning: {text}\n")


@dataclass
class SharedCache:
    """One backend in one mode, with the secret that signs (empty: unsigned)."""

    backend: Backend
    mode: str
    secret: bytes = field(default=b"", repr=False)
    down: bool = False  # unreachable once: not asked again by this process
    read_only: bool = False  # refused a write once
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def readable(self) -> bool:
        """Whether entries may be downloaded."""
        return self.mode != "off" and not self.down

    @property
    def writable(self) -> bool:
        """Whether entries may be uploaded."""
        return self.mode == "read-write" and not self.down and not self.read_only

    def _unreachable(self, exc: Exception) -> None:
        with self.lock:
            first, self.down = not self.down, True
        if first:
            _warn(f"remote cache unreachable at {self.backend.where}: {exc}; continuing without it")

    def _get(self, space: str, name: str) -> bytes | None:
        try:
            return self.backend.get(space, name)
        except UnreachableError as exc:
            self._unreachable(exc)
            return None

    def fetch(self, namespace: str, key: str, outputs: Mapping[str, Path]) -> bool:
        """Download the outputs of ``key`` into place; whether they all came, verified."""
        listed = self._listed(namespace, key) if self.readable else None
        if listed is None or any(path not in listed for path in outputs):
            return False
        blobs: dict[str, bytes] = {}
        for path in outputs:
            blob = self._get("cas", listed[path].sha256)
            if blob is None:
                return False
            if hashlib.sha256(blob).hexdigest() != listed[path].sha256:
                _warn(
                    f"shared cache entry {namespace} {key}: {path} does not match its SHA-256 "
                    f"digest {listed[path].sha256} (altered or truncated); ignoring the entry "
                    "and building it again"
                )
                return False
            blobs[path] = blob
        for path, target in outputs.items():
            write_bytes_atomic(target, blobs[path])
            if listed[path].executable:
                target.chmod(0o755)
        return True

    def _listed(self, namespace: str, key: str) -> dict[str, OutputFile] | None:
        """The outputs the action result of ``key`` lists (signed, when a secret is set)."""
        name = action_key(namespace, key)
        data = self._get("ac", name)
        if data is None:
            return None
        try:
            listed = {o.path: o for o in ActionResult.decode(data).outputs}
        except ProtoError as exc:
            _warn(f"shared cache entry {namespace} {key} is not an ActionResult ({exc}); ignored")
            return None
        if self.secret and not self._signed(name, key, namespace, listed):
            return None
        return listed

    def _signed(self, name: str, key: str, namespace: str, listed: dict[str, OutputFile]) -> bool:
        """Whether the entry's manifest is signed with the secret and lists its outputs."""
        manifest = listed.pop(MANIFEST, None)
        blob = None if manifest is None else self._get("cas", manifest.sha256)
        signature = ""
        if blob is not None and manifest is not None:
            if hashlib.sha256(blob).hexdigest() != manifest.sha256:
                blob = b"{}"  # an altered manifest signs nothing
            try:
                data = json.loads(blob)
                signature = str(data["hmac"]) if data.get("key") == name else ""
            except (ValueError, TypeError, KeyError, AttributeError):
                signature = ""
        expected = hmac.new(self.secret, _signed_text(name, list(listed.values())), "sha256")
        if signature and hmac.compare_digest(signature, expected.hexdigest()):
            return True
        why = "unsigned" if manifest is None else "not signed with this secret"
        _warn(f"shared cache entry {namespace} {key} is {why} ({SECRET_VARIABLE} is set); ignored")
        return False

    def store(self, namespace: str, key: str, outputs: Mapping[str, tuple[Path, bool]]) -> bool:
        """Upload the outputs of ``key`` (path → file and whether it is executable)."""
        if not self.writable:
            return False
        name = action_key(namespace, key)
        listed: list[OutputFile] = []
        try:
            for path, (source, executable) in outputs.items():
                data = source.read_bytes()
                digest = hashlib.sha256(data).hexdigest()
                self.backend.put("cas", digest, data)
                listed.append(OutputFile(path, digest, len(data), executable))
            if self.secret:
                signature = hmac.new(self.secret, _signed_text(name, listed), "sha256")
                blob = json.dumps({"key": name, "hmac": signature.hexdigest()}).encode()
                digest = hashlib.sha256(blob).hexdigest()
                self.backend.put("cas", digest, blob)
                listed.append(OutputFile(MANIFEST, digest, len(blob)))
            self.backend.put("ac", name, ActionResult(tuple(listed)).encode())
        except UnreachableError as exc:
            self._unreachable(exc)
            return False
        except RefusedError as exc:
            with self.lock:
                first, self.read_only = not self.read_only, True
            if first:
                _warn(f"shared cache at {self.backend.where} refused an upload: {exc}; "
                      "not uploading again this run")  # fmt: skip
            return False
        except OSError:
            return False  # the local file went away: nothing to share
        return True


_opened: dict[tuple[object, ...], SharedCache | None] = {}
_opened_lock = threading.Lock()


def open_cache(
    settings: CacheSettings | None, root: Path, folder: Path,
    env: Mapping[str, str] | None = None,
) -> SharedCache | None:  # fmt: skip
    """The shared cache (None when off), one per process and configuration.

    ``settings`` None (no ``[tool.gauntlet.cache]`` table) means no cache
    unless ``$GAUNTLET_CACHE_URL`` or ``$GAUNTLET_CACHE_MODE`` asks for one;
    no URL means the folder ``folder`` (under the build dir).
    """
    env = os.environ if env is None else env
    names = (URL_VARIABLE, MODE_VARIABLE, SECRET_VARIABLE, "GITHUB_EVENT_NAME")
    memo = (settings, root, folder, *(env.get(n) for n in names))
    with _opened_lock:
        if memo in _opened:
            return _opened[memo]
        _opened[memo] = found = _open(settings, root, folder, env)
        return found


def _open(
    settings: CacheSettings | None, root: Path, folder: Path, env: Mapping[str, str]
) -> SharedCache | None:
    if settings is None:
        if not (env.get(URL_VARIABLE) or env.get(MODE_VARIABLE)):
            return None
        settings = CacheSettings()
    mode = resolve_mode(settings, env)
    if mode == "off":
        return None
    url = env.get(URL_VARIABLE, "").strip() or settings.url or str(folder)
    secret = env.get(SECRET_VARIABLE, "").encode()
    try:
        backend = open_backend(url, settings.timeout, root, env)
    except UnreachableError as exc:
        _warn(f"{exc}; continuing without the shared cache")
        return None
    return SharedCache(backend, mode, secret)


def forget_opened() -> None:
    """Open the cache afresh next time (a new run in the same process, tests)."""
    with _opened_lock:
        _opened.clear()
