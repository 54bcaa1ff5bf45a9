"""Publishing to real pypiserver indexes on 127.0.0.1: staging, smoke test, approval, production."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from indexes import (
    CREDENTIALS,
    PASSWORD,
    SlowRelay,
    build_release,
    git,
    make_repo,
    processes_in,
    pypiserver,
    run_in,
    write_verdict,
)
from test_gate import SRC, gauntlet

from gauntlet.gates.subject import current_subject

if TYPE_CHECKING:
    from collections.abc import Iterator

    from indexes import Index

pytestmark = pytest.mark.slow


@pytest.fixture
def indexes(tmp_path: Path) -> Iterator[tuple[Index, Index]]:
    """Two running pypiservers: staging and production."""
    with (
        pypiserver(tmp_path / "staging") as staging,
        pypiserver(tmp_path / "production") as production,
    ):
        yield staging, production


def _release(
    repo: Path, staging: str, production: str, payload: bytes = b"x", smoke: str = "tinypkg"
) -> dict[str, object]:
    make_repo(repo, staging, production)
    if smoke != "tinypkg":
        text = (repo / "pyproject.toml").read_text().replace('["tinypkg"]', f'["{smoke}"]')
        (repo / "pyproject.toml").write_text(text)
        git(repo, "commit", "-qam", "smoke")
    subject = current_subject(repo)
    assert subject is not None
    write_verdict(repo, subject.to_json())
    return build_release(
        repo / ".gauntlet/release/1.0",
        "tinypkg",
        "1.0",
        subject.commit,
        subject.tree,
        payload=payload,
    )


def _no_secret_in_files(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_staging_then_approved_production_then_noop(
    tmp_path: Path, indexes: tuple[Index, Index]
) -> None:
    staging, production = indexes
    repo = tmp_path / "repo"
    manifest = _release(repo, staging.url, production.url)
    digests = {a["name"]: a["sha256"] for a in manifest["artifacts"]}  # type: ignore[attr-defined]
    first = gauntlet(repo, "release", "publish", "staging")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("published: tinypkg 1.0 on staging")
    assert staging.files() == digests
    refused = gauntlet(repo, "release", "publish", "production")
    assert refused.returncode == 1
    assert "requires an approval" in refused.stderr
    assert gauntlet(repo, "release", "approve", "production", "--by", "ana").returncode == 0
    done = gauntlet(repo, "release", "publish", "production")
    assert done.returncode == 0, done.stderr
    assert production.files() == digests
    again = gauntlet(repo, "release", "publish", "production")
    assert again.returncode == 0
    assert again.stdout.startswith("no-op:")
    events = [
        json.loads(x) for x in (repo / ".gauntlet/release/events.jsonl").read_text().splitlines()
    ]
    assert [(e["kind"], e["env"], e["outcome"]) for e in events] == [
        ("publish", "staging", "published"), ("refusal", "production", "refused"),
        ("approval", "production", "approved"), ("publish", "production", "published"),
        ("publish", "production", "no-op"),
    ]  # fmt: skip
    assert {a["sha256"] for a in events[3]["artifacts"]} == set(digests.values())
    status = gauntlet(repo, "release", "status", "--json")
    assert json.loads(status.stdout)["envs"] == {"staging": "1.0", "production": "1.0"}
    _no_secret_in_files(repo)
    for out in (first, refused, done, again):
        assert PASSWORD not in out.stdout + out.stderr


def test_same_version_other_digest_is_refused_naming_both(
    tmp_path: Path, indexes: tuple[Index, Index]
) -> None:
    staging, production = indexes
    other = tmp_path / "other"
    _release(other, staging.url, production.url, payload=b"first build")
    assert gauntlet(other, "release", "publish", "staging").returncode == 0
    repo = tmp_path / "repo"
    manifest = _release(repo, staging.url, production.url, payload=b"second build")
    wheel = next(a for a in manifest["artifacts"] if a["kind"] == "wheel")  # type: ignore[attr-defined]
    done = gauntlet(repo, "release", "publish", "staging")
    assert done.returncode == 1
    assert done.stderr.startswith("release refused: ")
    assert staging.files()[wheel["name"]] in done.stderr
    assert wheel["sha256"] in done.stderr


def test_missing_credential_names_the_variable(
    tmp_path: Path, indexes: tuple[Index, Index]
) -> None:
    staging, production = indexes
    repo = tmp_path / "repo"
    _release(repo, staging.url, production.url)
    env = {k: v for k, v in os.environ.items() if k != "TEST_INDEX_PASSWORD"}
    env.update({"PYTHONPATH": SRC, "TEST_INDEX_USER": "uploader"})
    done = run_in(repo, [sys.executable, "-m", "gauntlet", "release", "publish", "staging"], env)
    assert done.returncode == 3
    assert "the variable TEST_INDEX_PASSWORD (password-env) is not set" in done.stderr


def test_kill_9_mid_upload_then_rerun_completes(
    tmp_path: Path, indexes: tuple[Index, Index]
) -> None:
    staging, production = indexes
    relay = SlowRelay(int(production.url.rsplit(":", 1)[1].strip("/")))
    repo = tmp_path / "repo"
    manifest = _release(
        repo, staging.url, f"http://127.0.0.1:{relay.port}/", payload=os.urandom(1 << 20)
    )
    assert gauntlet(repo, "release", "publish", "staging").returncode == 0
    assert gauntlet(repo, "release", "approve", "production", "--by", "ana").returncode == 0
    env = {**os.environ, **CREDENTIALS, "PYTHONPATH": SRC}
    victim = subprocess.Popen(
        [sys.executable, "-m", "gauntlet", "release", "publish", "production"],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert relay.upload_started.wait(60)
    os.killpg(victim.pid, signal.SIGKILL)  # the whole process group, as CI cancels a job
    assert victim.wait() == -signal.SIGKILL
    with pytest.raises(ProcessLookupError):
        os.killpg(victim.pid, 0)
    deadline = time.monotonic() + 30  # the watchdog notices its parent's death, then exits
    while processes_in(repo) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_in(repo) == []  # no process left behind
    assert production.files() == {}  # the upload never finished
    relay.slow = False  # the rerun goes the same way (same commit, same configuration)
    done = gauntlet(repo, "release", "publish", "production")
    assert done.returncode == 0, done.stderr
    assert production.files() == {a["name"]: a["sha256"] for a in manifest["artifacts"]}  # type: ignore[attr-defined]
    assert len(list(production.packages.iterdir())) == 2  # each file exactly once
    relay.close()


def test_rollback_marks_yanked_and_restores_previous(
    tmp_path: Path, indexes: tuple[Index, Index]
) -> None:
    staging, production = indexes
    repo = tmp_path / "repo"
    _release(repo, staging.url, production.url)
    assert gauntlet(repo, "release", "publish", "staging").returncode == 0
    subject = current_subject(repo)
    assert subject is not None
    build_release(repo / ".gauntlet/release/1.1", "tinypkg", "1.1", subject.commit, subject.tree)
    done = gauntlet(repo, "release", "publish", "staging", "--version", "1.1")
    assert done.returncode == 0, done.stderr
    back = gauntlet(repo, "release", "rollback", "1.1", "--reason", "broke imports", "--by", "ana")
    assert back.returncode == 0, back.stderr
    assert "1.1 marked yanked on staging (broke imports); current: 1.0" in back.stdout
    status = json.loads(gauntlet(repo, "release", "status", "--json").stdout)
    assert status["envs"]["staging"] == "1.0"
    assert status["yanked"]["1.1"]["by"] == "ana"
    last = json.loads((repo / ".gauntlet/release/events.jsonl").read_text().splitlines()[-1])
    assert (last["kind"], last["by"], last["outcome"]) == ("rollback", "ana", "rolled-back")


def test_a_failed_smoke_import_fails_and_blocks_promotion(
    tmp_path: Path, indexes: tuple[Index, Index]
) -> None:
    staging, production = indexes
    repo = tmp_path / "repo"
    _release(repo, staging.url, production.url, smoke="tinypkg_absent")
    done = gauntlet(repo, "release", "publish", "staging")
    assert done.returncode == 1, done.stderr
    assert "smoke test: `import tinypkg_absent` failed after installing tinypkg==1.0" in done.stderr
    journal = json.loads((repo / ".gauntlet/release/1.0/journal.json").read_text())
    assert "staging:smoke" not in journal["steps"]
    last = json.loads((repo / ".gauntlet/release/events.jsonl").read_text().splitlines()[-1])
    assert (last["kind"], last["outcome"]) == ("publish", "error")
    assert gauntlet(repo, "release", "approve", "production", "--by", "ana").returncode == 0
    promoted = gauntlet(repo, "release", "publish", "production")
    assert promoted.returncode == 1
    assert "is not published and smoke-tested yet" in promoted.stderr
    assert production.files() == {}
