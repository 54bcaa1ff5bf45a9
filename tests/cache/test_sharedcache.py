"""The shared cache against a real nginx WebDAV server (Bazel remote-cache HTTP protocol)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cacheserver import CacheServer

from gauntlet.cache.backends import FolderBackend, HttpBackend, display_url
from gauntlet.cache.proto import ActionResult, OutputFile
from gauntlet.cache.store import MANIFEST, SharedCache, action_key, forget_opened, open_cache
from gauntlet.config.history import CacheSettings
from gauntlet.masking import secrets_in

KEY = "ab" * 32


@pytest.fixture(autouse=True)
def _fresh() -> None:
    forget_opened()


def _open(url: str, tmp_path: Path, **env: str) -> SharedCache:
    cache = open_cache(CacheSettings(url=url, timeout=5), tmp_path, tmp_path / "default", env)
    assert cache is not None
    return cache


def _artifact(tmp_path: Path, data: bytes = b"\x7fELF built bytes") -> Path:
    path = tmp_path / "built" / "prog"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_the_action_result_is_the_bazel_protobuf() -> None:
    result = ActionResult((OutputFile("a/b", "0" * 64, 12, True), OutputFile("c", "1" * 64, 0)), 3)
    data = result.encode()
    assert ActionResult.decode(data) == result
    # field 2 (output_files), length-delimited; inside it path=1, digest=2, is_executable=4
    assert data[0] == (2 << 3 | 2)
    assert b"\x0a\x03a/b\x12" in data
    assert data.endswith(b"\x20\x03")  # exit_code = 4, varint 3


def test_a_round_trip_through_the_server(cache_server: CacheServer, tmp_path: Path) -> None:
    cache = _open(cache_server.url, tmp_path)
    source = _artifact(tmp_path)
    assert cache.store("artifact", KEY, {"artifact": (source, True)})
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert (cache_server.data / "cas" / digest).read_bytes() == source.read_bytes()
    entry = ActionResult.decode(
        (cache_server.data / "ac" / action_key("artifact", KEY)).read_bytes()
    )
    assert entry.outputs == (OutputFile("artifact", digest, source.stat().st_size, True),)
    target = tmp_path / "clone" / "prog"
    target.parent.mkdir()
    assert cache.fetch("artifact", KEY, {"artifact": target})
    assert target.read_bytes() == source.read_bytes()
    assert target.stat().st_mode & 0o111
    assert not cache.fetch("artifact", "cd" * 32, {"artifact": tmp_path / "other"})  # 404: a miss


def test_a_tampered_blob_is_detected_and_put_right_by_the_rebuild(
    cache_server: CacheServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = _open(cache_server.url, tmp_path)
    source = _artifact(tmp_path)
    cache.store("artifact", KEY, {"artifact": (source, False)})
    blob = cache_server.data / "cas" / hashlib.sha256(source.read_bytes()).hexdigest()
    blob.write_bytes(b"poisoned")
    target = tmp_path / "out"
    assert not cache.fetch("artifact", KEY, {"artifact": target})
    assert not target.exists()
    err = capsys.readouterr().err
    assert f"shared cache entry artifact {KEY}: artifact does not match its SHA-256" in err
    assert "building it again" in err
    cache.store("artifact", KEY, {"artifact": (source, False)})  # what the rebuild does
    assert cache.fetch("artifact", KEY, {"artifact": target})
    assert target.read_bytes() == source.read_bytes()


@pytest.mark.parametrize(
    "env",
    [
        {"GITHUB_EVENT_NAME": "pull_request"},
        {"GITHUB_EVENT_NAME": "pull_request_target"},
        {"GAUNTLET_CACHE_MODE": "read"},
    ],
)
def test_a_pull_request_run_reads_but_never_writes(
    cache_server: CacheServer, tmp_path: Path, env: dict[str, str]
) -> None:
    source = _artifact(tmp_path)
    assert _open(cache_server.url, tmp_path).store("artifact", KEY, {"artifact": (source, False)})
    written = {
        f"/cas/{hashlib.sha256(source.read_bytes()).hexdigest()}",
        f"/ac/{action_key('artifact', KEY)}",
    }
    forget_opened()
    pull = _open(cache_server.url, tmp_path, **env)
    assert pull.mode == "read"
    assert not pull.store("artifact", "cd" * 32, {"artifact": (source, False)})
    assert pull.fetch("artifact", KEY, {"artifact": tmp_path / "got"})
    assert len(cache_server.logged("GET", 3)) == 3  # the readiness probe, ac, cas: all logged
    assert set(cache_server.requests("PUT")) == written
    assert not (cache_server.data / "ac" / action_key("artifact", "cd" * 32)).exists()


def test_signed_entries_are_accepted_and_others_ignored(
    cache_server: CacheServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _artifact(tmp_path)
    signed = _open(cache_server.url, tmp_path, GAUNTLET_CACHE_SECRET="s3cret-shared-value")  # noqa: S106
    signed.store("artifact", KEY, {"artifact": (source, False)})
    entry = ActionResult.decode(
        (cache_server.data / "ac" / action_key("artifact", KEY)).read_bytes()
    )
    assert MANIFEST in [o.path for o in entry.outputs]
    assert signed.fetch("artifact", KEY, {"artifact": tmp_path / "a"})
    forget_opened()
    other = _open(cache_server.url, tmp_path, GAUNTLET_CACHE_SECRET="another-secret-value")  # noqa: S106
    assert not other.fetch("artifact", KEY, {"artifact": tmp_path / "b"})
    assert "is not signed with this secret" in capsys.readouterr().err
    forget_opened()
    _open(cache_server.url, tmp_path).store("artifact", "ef" * 32, {"artifact": (source, False)})
    assert not signed.fetch("artifact", "ef" * 32, {"artifact": tmp_path / "c"})
    err = capsys.readouterr().err
    assert "is unsigned (GAUNTLET_CACHE_SECRET is set); ignored" in err
    assert "s3cret-shared-value" not in err


def test_the_secret_and_url_credentials_are_masked_and_never_printed(tmp_path: Path) -> None:
    env = {"GAUNTLET_CACHE_SECRET": "s3cret-shared-value"}  # pragma: allowlist secret
    assert "s3cret-shared-value" in secrets_in(env)
    backend = HttpBackend.of("https://ci:pa55word-long@cache.example:9090/base/", 5, {})
    assert backend.where == "https://cache.example:9090/base"
    assert backend.authorization.startswith("Basic ")
    assert display_url("http://u:p@h/x?token=abc") == "http://h/x"


def test_an_unreachable_server_is_one_clear_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cache = _open(f"http://user:hidden-password@127.0.0.1:{port}", tmp_path)
    assert not cache.fetch("artifact", KEY, {"artifact": tmp_path / "x"})
    assert not cache.fetch("result", KEY, {"result.json": tmp_path / "y"})
    assert not cache.store("artifact", KEY, {"artifact": (_artifact(tmp_path), False)})
    err = capsys.readouterr().err
    assert err.count("remote cache unreachable") == 1
    assert f"remote cache unreachable at http://127.0.0.1:{port}: " in err
    assert err.rstrip().endswith("; continuing without it")
    assert "hidden-password" not in err
    assert "Traceback" not in err


def test_the_default_backend_is_a_folder_under_the_build_dir(tmp_path: Path) -> None:
    cache = open_cache(CacheSettings(), tmp_path, tmp_path / ".gauntlet/cache/shared", {})
    assert cache is not None
    assert isinstance(cache.backend, FolderBackend)
    cache.store("result", KEY, {"result.json": (_artifact(tmp_path, b"{}"), False)})
    assert (tmp_path / ".gauntlet/cache/shared/ac" / action_key("result", KEY)).is_file()
    assert open_cache(None, tmp_path, tmp_path / "f", {}) is None  # no table, no variable
    assert open_cache(CacheSettings(mode="off"), tmp_path, tmp_path / "f", {}) is None


def test_the_cache_table_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    from gauntlet.cache.store import resolve_mode
    from gauntlet.config.load import parse_config

    text = "[tool.gauntlet.cache]\nurl = 'http://cache:8080/x'\nmode = 'read'\ntimeout = 3\n"
    config = parse_config(tmp_path / "pyproject.toml", text)
    assert config.cache == CacheSettings("http://cache:8080/x", "read", 3.0)
    assert parse_config(tmp_path / "pyproject.toml", "[tool.gauntlet]\n").cache is None
    auto = CacheSettings()
    assert resolve_mode(auto, {}) == "read-write"
    assert resolve_mode(auto, {"GITHUB_EVENT_NAME": "push"}) == "read-write"
    assert resolve_mode(auto, {"GITHUB_EVENT_NAME": "pull_request"}) == "read"
    assert resolve_mode(auto, {"GAUNTLET_CACHE_MODE": "off"}) == "off"
    env = {"GAUNTLET_CACHE_URL": str(tmp_path / "elsewhere")}
    cache = open_cache(config.cache, tmp_path, tmp_path / "default", env)
    assert cache is not None
    assert cache.backend.where == str(tmp_path / "elsewhere")


def test_a_server_that_never_answers_times_out_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        forget_opened()
        settings = CacheSettings(url=url, timeout=0.3)
        cache = open_cache(settings, tmp_path, tmp_path / "default", {})
        assert cache is not None
        assert not cache.fetch("artifact", KEY, {"artifact": tmp_path / "x"})
        assert not cache.fetch("artifact", KEY, {"artifact": tmp_path / "x"})
    err = capsys.readouterr().err
    said = f"remote cache unreachable at {url}: timed out; continuing without it"
    assert err == f"gauntlet: warning: {said}\n"
