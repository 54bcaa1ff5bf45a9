"""Real package indexes for the release tests: pypiserver on 127.0.0.1, with upload auth.

pypiserver was chosen over devpi-server (docs/release.md, "Package indexes"):
it is ready in 0.3 s (devpi: 1.1 s init + 9.6 s start) and 4.6 MB installed
(devpi: 47 MB), and neither yanks uploaded files through an API.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.release.checks import CHECKS
from gauntlet.release.flow import manifest_key
from gauntlet.release.manifest import Manifest

if TYPE_CHECKING:
    from collections.abc import Iterator

USER = "uploader"
PASSWORD = "s3cret-upload-pass-7f3a9c"  # noqa: S105  # pragma: allowlist secret


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Index:
    """One running pypiserver."""

    url: str  # http://127.0.0.1:PORT/
    packages: Path

    @property
    def simple(self) -> str:
        """Its simple index URL."""
        return self.url + "simple/"

    def files(self) -> dict[str, str]:
        """File name → sha256 of what it stores."""
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in self.packages.iterdir()
            if p.is_file()
        }


@contextlib.contextmanager
def pypiserver(folder: Path, port: int | None = None) -> Iterator[Index]:
    """A pypiserver on ``port`` (default: a free one), uploads authenticated; stopped (the
    group killed) after."""
    packages = folder / "packages"
    packages.mkdir(parents=True)
    sha1 = base64.b64encode(hashlib.sha1(PASSWORD.encode()).digest()).decode()  # noqa: S324
    (folder / "htpasswd").write_text(f"{USER}:{{SHA}}{sha1}\n")  # htpasswd -s
    port = port or free_port()
    argv = [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port),
            "-a", "update", "-P", str(folder / "htpasswd"),
            "--disable-fallback", str(packages)]  # fmt: skip
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "simple/", timeout=1).close()  # noqa: S310
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "server.log").read_text()) from None
                time.sleep(0.05)
        yield Index(url, packages)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        log.close()


def _wheel(name: str, version: str, payload: bytes) -> bytes:
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": (  # the smoke test imports it: it must not see a credential
            "import os\n"
            "if 'TEST_INDEX_PASSWORD' in os.environ:\n"
            "    raise RuntimeError('the upload credential reached the smoke test')\n"
            f"VERSION = {version!r}\n"
        ).encode(),
        f"{name}/data.bin": payload,
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: test\n\n"
        ).encode(),
        f"{info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(f"{n},,\n" for n in files) + f"{info}/RECORD,,\n"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for member, data in {**files, f"{info}/RECORD": record.encode()}.items():
            zf.writestr(zipfile.ZipInfo(member, (2020, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def _sdist(name: str, version: str) -> bytes:
    base = f"{name}-{version}"
    files = {
        f"{base}/PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{base}/{name}/__init__.py": b"",
    }
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tf:
        for member, data in files.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def build_release(
    version_dir: Path,
    name: str,
    version: str,
    commit: str,
    tree: str,
    *,
    payload: bytes = b"x",
    verified: bool = True,
) -> dict[str, object]:
    """Write a wheel, an sdist and their manifest under ``version_dir``; the manifest's JSON."""
    dist = version_dir / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    made = {f"{name}-{version}-py3-none-any.whl": (_wheel(name, version, payload), "wheel"),
            f"{name}-{version}.tar.gz": (_sdist(name, version), "sdist")}  # fmt: skip
    artifacts = []
    for file, (data, kind) in made.items():
        (dist / file).write_bytes(data)
        artifacts.append(
            {
                "name": file,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
                "kind": kind,
            }
        )
    manifest = {"schema_version": 1, "project": name, "version": version, "commit": commit,
                "tree": tree, "epoch": 1700000000, "artifacts": artifacts}  # fmt: skip
    (version_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if verified:
        verify(version_dir)
    return manifest


def verify(version_dir: Path, *, failed: str = "") -> None:
    """Reports of every release check on the build in ``version_dir``: passed (``failed``
    names one that failed).  The checks themselves are tested in test_verify*/test_build*;
    publishing only reads their verdicts."""
    key = manifest_key(Manifest.read(version_dir / "manifest.json"))
    for name in CHECKS:
        report = {"check": name, "ok": name != failed, "manifest": key}
        (version_dir / "checks").mkdir(exist_ok=True)
        (version_dir / "checks" / f"{name}.json").write_text(json.dumps(report))


ENVIRONMENTS = """\
[tool.gauntlet.release.environments.staging]
index-url = "{staging}simple/"
username-env = "TEST_INDEX_USER"
password-env = "TEST_INDEX_PASSWORD"

[tool.gauntlet.release.environments.production]
index-url = "{production}simple/"
username-env = "TEST_INDEX_USER"
password-env = "TEST_INDEX_PASSWORD"
requires-approval = true
promote-from = "staging"
"""
PYPROJECT = (
    """\
[project]
name = "tinypkg"
version = "1.0"

[tool.gauntlet.release]
smoke-imports = ["tinypkg"]

"""
    + ENVIRONMENTS
)
CREDENTIALS = {"TEST_INDEX_USER": USER, "TEST_INDEX_PASSWORD": PASSWORD}


COMMIT_TIME = 1700000000  # every test commit's time: a release's SOURCE_DATE_EPOCH


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (a test's own repository, commits at COMMIT_TIME); its stdout."""
    when = f"{COMMIT_TIME} +0000"
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}  # fmt: skip
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def run_in(
    repo: Path, argv: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in ``repo`` with exactly ``env``; its output as text, never raising."""
    return subprocess.run(
        argv, cwd=repo, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def make_repo(repo: Path, staging: str, production: str) -> None:
    """A committed repository releasing ``tinypkg`` to the two indexes."""
    repo.mkdir(parents=True, exist_ok=True)
    (repo / "pyproject.toml").write_text(PYPROJECT.format(staging=staging, production=production))
    (repo / ".gitignore").write_text(".gauntlet/\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")


def write_verdict(
    repo: Path,
    subject: dict[str, object],
    gates: list[dict[str, str]] | None = None,
    waivers: list[dict[str, str]] | None = None,
) -> Path:
    """A gates verdict (as `gauntlet gates` writes it) for ``subject``."""
    gates = [{"gate": "tests", "status": "passed"}] if gates is None else gates
    failed = [g["gate"] for g in gates if g["status"] not in ("passed", "warned", "waived")]
    verdict = {"schema_version": 1, "date": "2026-12-01", "passed": not failed,
               "exit_code": 1 if failed else 0, "failed": failed, "gates": gates,
               "waivers": waivers or [], "subject": subject}  # fmt: skip
    path = repo / ".gauntlet" / "results" / "gates" / "verdict.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(verdict))
    return path


def processes_in(folder: Path) -> list[int]:
    """Processes whose working folder is inside ``folder`` (what a killed run left)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cwd = (proc / "cwd").readlink()
            except OSError:
                continue
            if cwd.is_relative_to(folder):
                found.append(int(proc.name))
    return found


class SlowRelay:
    """A TCP relay on 127.0.0.1 that passes a POST's bytes slowly and says when they flow."""

    def __init__(self, target: int, port: int = 0) -> None:
        self.target = target
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.upload_started = threading.Event()
        self.slow = True  # False: bytes pass at full speed (a rerun through the same relay)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, outgoing: bool) -> None:
        try:
            while data := src.recv(4096):
                if outgoing and data.startswith(b"POST"):
                    self.upload_started.set()
                if outgoing and self.upload_started.is_set() and self.slow:
                    time.sleep(0.05)  # about 80 KB/s: an upload is in flight for seconds
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                s.close()

    def close(self) -> None:
        self.sock.close()
