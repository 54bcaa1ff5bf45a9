"""Inject one fault at a time into a scratch copy and check `nox -s ci` names the right gate.

For each fault: copy the repository (its Mojo build cache included, never its
nox environments, which point at the original sources), commit the fault so
the new-code gate compares against it (``GAUNTLET_BASE=HEAD``) unless the
fault *is* new code, run ``nox -s ci``, and read which gates failed from the
console ("Gates failed: ...") and from the Markdown summary's first line.
Prints one line per fault: expected gate, failed gates (console / Markdown),
exit code and seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def append(rel: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        with (root / rel).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return apply


def write(rel: str, text: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")

    return apply


UNTESTED = '"""Code that no test runs."""\n' + "".join(
    f"\n\ndef unused_{n}(value: int) -> int:\n"
    f'    """Return value plus {n}."""\n'
    f"    if value > {n}:\n"
    f"        return value - {n}\n"
    f"    return value + {n}\n"
    for n in range(250)
)

FAULTS: dict[str, tuple[str, Callable[[Path], None], bool]] = {
    # name: (gate expected to fail, how to inject, whether it is new code for the diff)
    "none": ("(passed)", lambda root: None, False),
    "python-test": (
        "tests",
        append(
            "tests/test_projectmeta.py",
            "\n\ndef test_injected() -> None:\n    assert sum([1, 1]) == 3\n",
        ),
        False,
    ),
    "mojo-test": (
        "tests",
        append(
            "sample/tests/test_metrics.mojo",
            "\n\ndef test_injected() raises:\n    assert_equal(1, 2)\n",
        ),
        False,
    ),
    "coverage": ("coverage", write("src/gauntlet/untested.py", UNTESTED), False),
    "ruff": ("lint", append("src/gauntlet/atomic.py", "\nimport sys\n"), False),
    "bandit-high": (
        "security",
        append(
            "src/gauntlet/atomic.py",
            "\n\ndef _shell(command: str) -> int:\n"
            '    """Run a shell command."""\n'
            "    import subprocess\n\n"
            "    return subprocess.call(command, shell=True)  # noqa: S602\n",
        ),
        False,
    ),
    "secret": (
        "security",
        # Put together at run time, so this script holds no key-shaped text itself.
        write("deploy/settings.txt", "aws_access_key_id = " + "AKIA" + "Z3MQ7RX2LKJ5QW4T\n"),
        False,
    ),
    "expired-waiver": (
        "lint",
        append(
            "pyproject.toml",
            '\n[[tool.gauntlet.waivers]]\ngate = "lint"\nreason = "old exception"\n'
            "expires = 2025-01-31\n",
        ),
        False,
    ),
    "new-code": (
        "new-code",
        append(
            "src/gauntlet/atomic.py",
            "".join(
                f"\n\ndef _unused_{n}(value: int) -> int:\n"
                f'    """Value plus {n}."""\n'
                f"    return value + {n}\n"
                for n in range(10)
            ),
        ),
        True,
    ),
}


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def scratch(base: Path, mojo_cache: Path) -> Path:
    root = base / "repo"
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True)
    if mojo_cache.is_dir():
        shutil.copytree(mojo_cache, root / "sample" / ".gauntlet", symlinks=True)
    return root


def run_fault(name: str, base: Path, mojo_cache: Path, time_budget: float | None = None) -> str:
    gate, inject, is_new_code = FAULTS[name]
    root = scratch(base, mojo_cache)
    if time_budget is not None:  # a machine too busy for the project's budget
        pyproject = root / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        budget = f"[tool.gauntlet.gates]\ntime-budget = {time_budget:g}\n"
        pyproject.write_text(text.replace("[tool.gauntlet.gates]\n", budget, 1), encoding="utf-8")
        git(root, "commit", "-qam", "time budget for a busy machine")
    inject(root)
    git(root, "add", "-A")
    if not is_new_code and name != "none":
        git(root, "commit", "-qm", f"fault: {name}")
    # The same machine settings as .ci/run (only Python 3.11; no vulnerability service).
    env = dict(
        os.environ,
        GAUNTLET_BASE="HEAD",
        NO_COLOR="1",
        GAUNTLET_MISSING_INTERPRETERS="skip",
        GAUNTLET_ALLOW_NOT_RUN="pip-audit",
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "ci"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    (base / f"{name}.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    console = re.findall(r"Gates failed: ([\w, -]+)", done.stdout + done.stderr)
    summary_path = root / ".gauntlet" / "results" / "gates" / "summary.md"
    first = (
        summary_path.read_text(encoding="utf-8").splitlines()[0] if summary_path.is_file() else ""
    )
    markdown = first.split("FAILED: ", 1)[1] if "FAILED: " in first else "(passed)"
    shown = console[-1] if console else "(passed)"
    ok = shown == gate and markdown == gate and (done.returncode != 0) == (name != "none")
    return (
        f"{'OK ' if ok else 'BAD'} {name:15} expected {gate:9} console: {shown:20} "
        f"markdown: {markdown:20} exit {done.returncode}  {seconds:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("faults", nargs="*", help=f"some of: {', '.join(FAULTS)} (default all)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies")
    parser.add_argument(
        "--mojo-cache",
        type=Path,
        default=REPO / "sample" / ".gauntlet",
        help="a sample/.gauntlet folder to start from (Mojo builds are keyed by content)",
    )
    parser.add_argument(
        "--time-budget",
        type=float,
        help="seconds: replace the project's pipeline time budget in the scratch copies "
        "(on a machine too loaded for it; the time gate is then not what a fault trips)",
    )
    args = parser.parse_args()
    unknown = sorted(set(args.faults) - set(FAULTS))
    if unknown:
        parser.error(f"unknown faults: {', '.join(unknown)}")
    for name in args.faults or list(FAULTS):
        base = Path(tempfile.mkdtemp(prefix=f"gauntlet-fault-{name}-"))
        try:
            print(run_fault(name, base, args.mojo_cache, args.time_budget), flush=True)
        finally:
            if not args.keep:
                shutil.rmtree(base, ignore_errors=True)
            else:
                print(f"    kept {base}", flush=True)


if __name__ == "__main__":
    main()
