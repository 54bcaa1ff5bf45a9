"""Every refusal of `gauntlet release publish`, with its message and exit code.

Usage: python benchmarks/release_refusals.py

Each case is a real git repository in a temporary folder with a build of
`tinypkg 1.0` and a passed gates verdict for it, changed the way the case
says, then `gauntlet release publish` as a real process (the cases of
tests/release/test_gate.py, which assert the same). The last two cases use a
real pypiserver on 127.0.0.1: production without an approval, and the same
version with a different digest.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent / "tests" / "release"))
sys.path.insert(0, str(HERE.parent / "src"))

from indexes import build_release, make_repo, pypiserver, write_verdict  # noqa: E402
from test_gate import CASES, gauntlet  # noqa: E402

from gauntlet.gates.subject import current_subject  # noqa: E402


def _ready(repo: Path, staging: str, production: str) -> None:
    make_repo(repo, staging, production)
    subject = current_subject(repo)
    assert subject is not None
    build_release(repo / ".gauntlet/release/1.0", "tinypkg", "1.0", subject.commit, subject.tree)
    write_verdict(repo, subject.to_json())


def show(case: str, repo: Path, env: str) -> int:
    """Publish to ``env``; print the exit code and the message."""
    done = gauntlet(repo, "release", "publish", env)
    print(f"{case}: exit {done.returncode}")
    print(f"  {(done.stderr or done.stdout).strip()}\n")
    return done.returncode


def main() -> int:
    codes = []
    with tempfile.TemporaryDirectory(prefix="refusals-") as temp:
        root = Path(temp)
        for case, (change, _) in CASES.items():
            repo = root / case
            _ready(repo, "http://127.0.0.1:9/", "http://127.0.0.1:9/")
            change(repo)
            codes.append(show(case, repo, "staging"))
        with pypiserver(root / "staging") as staging, pypiserver(root / "prod") as production:
            repo = root / "approval"
            _ready(repo, staging.url, production.url)
            assert gauntlet(repo, "release", "publish", "staging").returncode == 0
            codes.append(show("production without an approval", repo, "production"))
            repo = root / "digest"  # staging has 1.0 from "approval": another payload here
            _ready(repo, staging.url, production.url)
            subject = current_subject(repo)
            assert subject is not None
            build_release(
                repo / ".gauntlet/release/1.0",
                "tinypkg",
                "1.0",
                subject.commit,
                subject.tree,
                payload=b"other",
            )
            codes.append(show("same version, another digest", repo, "staging"))
    print(f"exit codes: {codes}")
    return 0 if all(code == 1 for code in codes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
