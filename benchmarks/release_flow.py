"""`doit release` end to end on the sample, against two package indexes on 127.0.0.1.

Usage: python benchmarks/release_flow.py REPO [--kill] [--json OUT]

REPO is a clean clone of this repository on which `nox -s ci` has passed (the
release is gated on that verdict: `bash .ci/run` in a fresh clone leaves one).
The script starts the sample's two indexes (pypiserver, staging on port
38301 and production on 38302, as pyproject.toml declares them) with an
upload password in SAMPLE_INDEX_USER / SAMPLE_INDEX_PASSWORD, then runs:

1. `doit release`: build, every check, staging publish and smoke install,
   and the production publish refused for want of an approval (exit 1);
2. `gauntlet release approve production --by release-manager`;
3. `doit release`: the production publish (exit 0);
4. `doit release` again: nothing to do.

It prints each step's exit code, wall time and key lines, and what each index
holds (file and sha256) at the end.

With --kill, production is reached through a slow relay on its port (the
index itself listens elsewhere): step 3 is killed with SIGKILL (its whole
process group) while the first file's bytes are in flight, then `doit
release` runs again through the relay at full speed, and the production index
must hold each file exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "release"))
sys.path.insert(0, str(HERE.parent / "src"))

from indexes import PASSWORD, USER, SlowRelay, free_port, pypiserver  # noqa: E402

from gauntlet import runner  # noqa: E402

STAGING, PRODUCTION = 38301, 38302
KEYS = ("release:", "refused", "published", "no-op", "task(s) ran", "approved", "error")


def step(repo: Path, name: str, argv: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run one step; print and return its exit code, seconds and key lines."""
    began = time.monotonic()
    done = runner.run(argv, cwd=repo, env=env, timeout=3600)
    seconds = time.monotonic() - began
    lines = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if any(k in line for k in KEYS) and " ..." not in line
    ]
    print(f"\n== {name}: exit {done.returncode} in {seconds:.1f} s")
    for line in lines:
        print(f"   {line[:300]}")
    if PASSWORD in done.stdout + done.stderr:
        print("   !! the upload password appeared in the output")
    return {"step": name, "exit": done.returncode, "seconds": round(seconds, 1), "lines": lines}


def killed(repo: Path, argv: list[str], env: dict[str, str], relay: SlowRelay) -> dict[str, object]:
    """Start ``argv``; SIGKILL its process group once an upload's bytes flow."""
    began = time.monotonic()
    victim = subprocess.Popen(  # a process group of its own, as a CI job is
        argv, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    started = relay.upload_started.wait(600)
    os.killpg(victim.pid, signal.SIGKILL)
    code = victim.wait()
    seconds = time.monotonic() - began
    print(f"\n== doit release (approved), killed: upload started {started}, exit {code} "
          f"after {seconds:.1f} s")  # fmt: skip
    return {"step": "doit release (killed mid-upload)", "exit": code, "seconds": round(seconds, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--kill", action="store_true", help="kill -9 the production upload")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    repo = args.repo.resolve()
    verdict = repo / ".gauntlet" / "results" / "gates" / "verdict.json"
    if not verdict.is_file():
        print(f"{verdict}: no gates verdict; run `nox -s ci` (or `bash .ci/run`) in {repo} first")
        return 3
    python = str(Path(sys.executable))
    env = dict(os.environ, SAMPLE_INDEX_USER=USER, SAMPLE_INDEX_PASSWORD=PASSWORD)
    steps = []
    with (
        tempfile.TemporaryDirectory(prefix="release-flow-") as temp,
        pypiserver(Path(temp) / "staging", STAGING) as staging,
        pypiserver(
            Path(temp) / "production", free_port() if args.kill else PRODUCTION
        ) as production,
    ):
        doit = [python, "-m", "doit", "release"]
        approve = [python, "-m", "gauntlet", "release", "approve", "production"]
        approve += ["--by", "release-manager", "--note", "benchmarks/release_flow.py"]
        steps.append(step(repo, "doit release (no approval yet)", doit, env))
        steps.append(step(repo, "gauntlet release approve production", approve, env))
        if args.kill:
            relay = SlowRelay(int(production.url.rsplit(":", 1)[1].strip("/")), PRODUCTION)
            steps.append(killed(repo, doit, env, relay))
            print(f"   production holds {len(production.files())} files after the kill")
            relay.slow = False
        steps.append(step(repo, "doit release (approved)", doit, env))
        steps.append(step(repo, "doit release (again)", doit, env))
        held = {"staging": staging.files(), "production": production.files()}
    for name, files in held.items():
        print(f"\n{name} index holds {len(files)} files:")
        for file, digest in sorted(files.items()):
            print(f"   {file}  sha256:{digest}")
    expected = [1, 0, -signal.SIGKILL, 0, 0] if args.kill else [1, 0, 0, 0]
    ok = [s["exit"] for s in steps] == expected and held["staging"] == held["production"]
    print(
        f"\nexit codes {[s['exit'] for s in steps]} (expected {expected}); "
        f"the same files on both indexes: {held['staging'] == held['production']}"
    )
    if args.json:
        args.json.write_text(json.dumps({"steps": steps, "indexes": held}, indent=1) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
