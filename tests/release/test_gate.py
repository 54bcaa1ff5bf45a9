"""Every refusal of `gauntlet release publish`, through the CLI as a real subprocess."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from indexes import (
    CREDENTIALS,
    PASSWORD,
    build_release,
    free_port,
    git,
    make_repo,
    run_in,
    verify,
    write_verdict,
)

from gauntlet.gates.subject import current_subject
from gauntlet.release.gate import RefusedError, check_gate
from gauntlet.release.manifest import Manifest

if TYPE_CHECKING:
    from collections.abc import Callable

SRC = str(Path(__file__).resolve().parents[2] / "src")


def gauntlet(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m gauntlet ARGS`` in ``repo``."""
    env = {**os.environ, **CREDENTIALS, "PYTHONPATH": SRC, "NO_COLOR": "1"}
    return run_in(repo, [sys.executable, "-m", "gauntlet", *args], env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed repository with a build of tinypkg 1.0 and a passed verdict for it."""
    closed = f"http://127.0.0.1:{free_port()}/"
    make_repo(tmp_path / "repo", closed, closed)
    repo = tmp_path / "repo"
    subject = current_subject(repo)
    assert subject is not None
    build_release(repo / ".gauntlet/release/1.0", "tinypkg", "1.0", subject.commit, subject.tree)
    write_verdict(repo, subject.to_json())
    return repo


def _failed(repo: Path) -> None:
    write_verdict(
        repo,
        _subject(repo),
        [{"gate": "coverage", "status": "failed"}, {"gate": "tests", "status": "passed"}],
    )


def _no_data(repo: Path) -> None:
    write_verdict(repo, _subject(repo), [{"gate": "audit", "status": "no data"}])


def _other_commit(repo: Path) -> None:
    old = _subject(repo)
    git(repo, "commit", "-q", "--allow-empty", "-m", "two")
    write_verdict(repo, old)


def _stale(repo: Path) -> None:
    write_verdict(repo, {**_subject(repo), "tree": "sha256:" + "0" * 64})


def _made_dirty(repo: Path) -> None:
    write_verdict(repo, {**_subject(repo), "dirty": [" M pyproject.toml"]})


def _missing(repo: Path) -> None:
    (repo / ".gauntlet/results/gates/verdict.json").unlink()


def _expired_waiver(repo: Path) -> None:
    waiver = {
        "gate": "coverage",
        "finding": "",
        "reason": "flaky",
        "expires": "2020-01-01",
        "where": "pyproject.toml:9",
    }
    write_verdict(
        repo,
        _subject(repo),
        [{"gate": "coverage", "status": "waived"}, {"gate": "tests", "status": "passed"}],
        [waiver],
    )


def _all_waived(repo: Path) -> None:
    waiver = {
        "gate": "coverage",
        "finding": "",
        "reason": "later",
        "expires": "2999-01-01",
        "where": "pyproject.toml:9",
    }
    write_verdict(repo, _subject(repo), [{"gate": "coverage", "status": "waived"}], [waiver])


def _dirty_now(repo: Path) -> None:
    (repo / "new.txt").write_text("x")


def _file_changed(repo: Path) -> None:
    (repo / ".gauntlet/release/1.0/dist/tinypkg-1.0.tar.gz").write_bytes(b"changed")


def _unverified(repo: Path) -> None:
    verify(repo / ".gauntlet/release/1.0", failed="tests")


def _subject(repo: Path) -> dict[str, object]:
    subject = current_subject(repo)
    assert subject is not None
    return subject.to_json()


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "missing": (_missing, "no gates verdict at"),
    "failed": (_failed, "failed: coverage;"),
    "no-data": (_no_data, "had no data: audit"),
    "other-commit": (_other_commit, "is for commit"),
    "stale": (_stale, "is stale"),
    "made-dirty": (_made_dirty, "was made on a dirty work tree"),
    "expired-waiver": (
        _expired_waiver,
        "waived to death: it relied on coverage: flaky (until 2020-01-01",
    ),
    "all-waived": (_all_waived, "waived to death: every gate passed only by waiver"),
    "dirty-now": (_dirty_now, "is dirty (new.txt)"),
    "file-changed": (_file_changed, "tinypkg-1.0.tar.gz: sha256"),
    "unverified": (_unverified, "is not verified: tests (failed); run `doit release`"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_refusal_exits_1_naming_it(repo: Path, case: str) -> None:
    change, expected = CASES[case]
    change(repo)
    done = gauntlet(repo, "release", "publish", "staging")
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("release refused: "), done.stderr
    assert expected in done.stderr
    if case not in ("dirty-now", "file-changed", "unverified"):
        assert ".gauntlet/results/gates/verdict.json" in done.stderr
    events = [
        json.loads(x) for x in (repo / ".gauntlet/release/events.jsonl").read_text().splitlines()
    ]
    assert events[-1]["kind"] == "refusal"
    assert events[-1]["outcome"] == "refused"
    assert expected in events[-1]["message"]


def test_other_commit_names_both(repo: Path) -> None:
    old = _subject(repo)["commit"]
    _other_commit(repo)
    new = _subject(repo)["commit"]
    done = gauntlet(repo, "release", "publish", "staging")
    assert f"is for commit {old}, the work tree is at {new}" in done.stderr


def test_production_without_approval_is_refused(repo: Path) -> None:
    journal = repo / ".gauntlet/release/1.0/journal.json"
    journal.write_text(json.dumps({"schema_version": 1, "steps": {"staging:smoke": "now"}}))
    done = gauntlet(repo, "release", "publish", "production")
    assert done.returncode == 1
    assert done.stderr.startswith("release refused: production requires an approval")


def test_production_before_staging_is_refused(repo: Path) -> None:
    done = gauntlet(repo, "release", "publish", "production")
    assert done.returncode == 1
    assert "is not published and smoke-tested yet" in done.stderr


def test_approval_for_other_digests_does_not_count(repo: Path) -> None:
    journal = repo / ".gauntlet/release/1.0/journal.json"
    journal.write_text(json.dumps({"schema_version": 1, "steps": {"staging:smoke": "now"}}))
    assert gauntlet(repo, "release", "approve", "production", "--by", "ana").returncode == 0
    approval = repo / ".gauntlet/release/1.0/approvals/production.json"
    data = json.loads(approval.read_text())
    data["artifacts"][0]["sha256"] = "f" * 64
    approval.write_text(json.dumps(data))
    done = gauntlet(repo, "release", "publish", "production")
    assert done.returncode == 1
    assert "is for other files" in done.stderr
    assert "f" * 64 in done.stderr


def test_unknown_environment_is_a_usage_error(repo: Path) -> None:
    done = gauntlet(repo, "release", "publish", "prod")
    assert done.returncode == 3
    assert "no release environment 'prod' (declared: staging, production)" in done.stderr


def test_unreachable_index_exits_2(repo: Path) -> None:
    env = {**os.environ, **CREDENTIALS, "PYTHONPATH": SRC}
    script = (
        "import datetime as dt, sys\n"
        "from gauntlet.config.load import load_config\n"
        "from gauntlet.release.publish import BuiltRelease, publish\n"
        "from gauntlet.entry import guarded\n"
        "release = BuiltRelease.of(load_config())\n"
        "sys.exit(guarded(lambda: publish(release, 'staging', sleep=lambda s: None) and 0))\n"
    )
    done = run_in(repo, [sys.executable, "-c", script], env)
    assert done.returncode == 2
    assert "could not reach http://127.0.0.1:" in done.stderr
    assert PASSWORD not in done.stderr


GATE_CASES = [c for c in CASES if c != "unverified"]  # that one is publishing's refusal


@pytest.mark.parametrize("case", GATE_CASES)
def test_each_refusal_in_process(repo: Path, case: str) -> None:
    change, expected = CASES[case]
    change(repo)
    version = repo / ".gauntlet/release/1.0"
    manifest = Manifest.read(version / "manifest.json")
    verdict = repo / ".gauntlet/results/gates/verdict.json"
    with pytest.raises(RefusedError, match=r"^release refused: ") as refused:
        check_gate(repo, verdict, manifest, version / "dist", dt.date(2026, 12, 1))
    assert expected in str(refused.value)


def test_a_passed_verdict_clears_with_its_waivers(repo: Path) -> None:
    waiver = {"gate": "coverage", "finding": "x:*", "reason": "new", "expires": "2999-01-01"}
    gates = [{"gate": "coverage", "status": "waived"}, {"gate": "tests", "status": "passed"}]
    write_verdict(repo, _subject(repo), gates, [{**waiver, "where": "pyproject.toml:3"}])
    version = repo / ".gauntlet/release/1.0"
    manifest = Manifest.read(version / "manifest.json")
    verdict = repo / ".gauntlet/results/gates/verdict.json"
    cleared = check_gate(repo, verdict, manifest, version / "dist", dt.date(2026, 12, 1))
    assert cleared.waivers == ("coverage [x:*]: new (until 2999-01-01, pyproject.toml:3)",)
    assert cleared.subject.commit == manifest.commit


def test_a_build_from_another_commit_is_refused(repo: Path) -> None:
    version = repo / ".gauntlet/release/1.0"
    data = json.loads((version / "manifest.json").read_text())
    (version / "manifest.json").write_text(json.dumps({**data, "commit": "0" * 40}))
    manifest = Manifest.read(version / "manifest.json")
    verdict = repo / ".gauntlet/results/gates/verdict.json"
    with pytest.raises(RefusedError, match="was built from commit 0000"):
        check_gate(repo, verdict, manifest, version / "dist", dt.date(2026, 12, 1))
