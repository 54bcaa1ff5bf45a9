"""Adopt a real Mojo repository as a new user would, and measure what gauntlet reports.

    python benchmarks/adoption.py PATH [--mojo-run] [--json OUT]

On a clean clone at PATH: ``gauntlet init``, then ``doit`` twice (cold, then
no-op), each timed.  Cold means no results and no compiler cache: Mojo's own
module caches (``MOJO_CACHES``) are emptied first; the installed toolchain
stays.  Then it counts, from the repository and from the results:

- test files in the repository (``test_*.mojo`` outside build folders) and
  test files gauntlet discovered;
- test functions defined (top-level ``def``/``fn test*``) in the files that
  compiled, and per-test results reported for them (cases named after a
  function, not after the file): the ratio must be at least 95 %;
- files passed, failed and failed to compile;
- Python tracebacks in the output of any run (must be 0);
- every JUnit file written, validated against the vendored ``junit-10.xsd``.

With ``--mojo-run`` it also runs ``mojo run`` by hand on each discovered test
file, with the configured include roots and flags, and classifies each: passed
(exit 0, no failure printed), failed, or failed to compile.  It prints one
Markdown row per measure for ``docs/adoption.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
XSD = HERE.parent / "tests" / "data" / "junit-10.xsd"
TEST_DEF = re.compile(r"^(?:fn|def)\s+(test\w*)\s*[\[(]", re.MULTILINE)
COMPILE_ERROR = re.compile(r"^\S+\.mojo:\d+:\d+: error:", re.MULTILINE)
PRINTED_FAIL = re.compile(r"(?<![\w-])(FAIL(?:ED|URE)?|✗)(?![\w-])")
# Mojo keeps compiled modules between runs (gauntlet gives each compile slot its own).
MOJO_CACHES = (
    "~/.cache/gauntlet-mojo-slots",
    "~/.cache/modular/.mojo_cache",
    "~/.local/share/modular/.mojo_cache",
)
SKIP_DIRS = {".git", ".gauntlet", ".pixi", ".magic", "build", ".venv", "node_modules"}


def run(argv: list[str], cwd: Path, timeout: float) -> tuple[int, str, float]:
    """Run a command; its exit code, output and wall time (a timeout is exit 124)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            argv,
            check=False,
            cwd=cwd,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
        code, text = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as exc:
        code = 124
        text = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else ""
    return code, text, time.perf_counter() - start


def repo_test_files(root: Path) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            if name.startswith("test_") and name.endswith(".mojo"):
                found.append(str(Path(folder, name).relative_to(root)))
    return sorted(found)


def results(root: Path) -> dict[str, dict[str, Any]]:
    folder = root / ".gauntlet" / "results" / "mojo"
    found = {}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["file"]] = data
    return found


def compile_failed(result: dict[str, Any]) -> bool:
    """Whether a result is its file's compile error (or a crash of the compiler)."""
    cases = result.get("cases", [])
    if result.get("extra", {}).get("compile_error"):
        return True
    message = str(cases[0].get("message", "")) if len(cases) == 1 else ""
    return result.get("exit_code") is None and message.startswith(("compile ", "the compiler"))


def validate_junit(root: Path) -> tuple[int, list[str]]:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(XSD)))
    files = sorted((root / ".gauntlet").rglob("*.xml"))
    files = [f for f in files if "junit" in f.name or f.parent.name == "mojo"]
    bad = []
    for path in files:
        try:
            document = etree.parse(str(path))
        except etree.XMLSyntaxError as exc:
            bad.append(f"{path}: {exc}")
            continue
        if not schema.validate(document):
            bad.append(f"{path}: {schema.error_log.last_error}")
    return len(files), bad


def mojo_run(root: Path, files: list[str], timeout: float) -> dict[str, str]:
    """What ``mojo run`` says of each file by hand: passed, failed or compile error."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from gauntlet.config.load import load_config
    from gauntlet.run import toolchain

    config = load_config(root)
    mojo = str(toolchain.ensure(config.mojo_version).mojo)
    includes = [arg for folder in config.include for arg in ("-I", folder)]
    verdicts = {}
    for number, file in enumerate(files, 1):
        cwd = (root / file).parent if config.test_cwd == "file" else root
        argv = [mojo, "run", *includes, *config.mojo_flags, str(root / file)]
        code, text, wall = run(argv, cwd, timeout)
        if code == 124:
            verdict = "timeout"
        elif (
            code != 0
            and "Unhandled exception" not in text
            and (
                COMPILE_ERROR.search(text)
                or "Stack dump:" in text  # an error, or a crashed compiler
            )
        ):
            verdict = "compile error"
        elif code == 0 and not any(
            PRINTED_FAIL.search(line) and not re.search(r"\b0\s+\w*\s*FAIL|FAIL\w*:?\s*0\b", line)
            for line in text.splitlines()
        ):
            verdict = "passed"
        else:
            verdict = "failed"
        verdicts[file] = verdict
        print(f"  mojo run [{number}/{len(files)}] {file}: {verdict} ({wall:.1f} s)", flush=True)
    return verdicts


def _compare(status: dict[str, str], verdicts: dict[str, str]) -> dict[str, Any]:
    """What `mojo run` said per outcome, and the files where it disagrees with gauntlet."""
    counts = {
        s: sum(1 for v in verdicts.values() if v == s) for s in sorted(set(verdicts.values()))
    }
    differ = {
        file: {"gauntlet": status[file], "mojo run": verdict}
        for file, verdict in verdicts.items()
        if (status[file] == "passed") != (verdict == "passed")
        or (status[file] == "compile error") != (verdict == "compile error")
    }
    return {"mojo_run": counts, "disagreements": differ}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--mojo-run", action="store_true")
    parser.add_argument(
        "--mojo-run-only",
        action="store_true",
        help="only compare the results already there with `mojo run` (no init, no doit)",
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="per doit run")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    root = args.path.resolve()
    py = sys.executable
    outputs = []

    if args.mojo_run_only:
        found = results(root)
        status = {
            f: ("compile error" if compile_failed(r) else r["status"]) for f, r in found.items()
        }
        compare = _compare(status, mojo_run(root, sorted(found), args.timeout))
        print(json.dumps(compare, indent=2))
        if args.json:
            figures = json.loads(args.json.read_text(encoding="utf-8"))
            args.json.write_text(json.dumps({**figures, **compare}, indent=2) + "\n", "utf-8")
        return 0
    code, text, _ = run([py, "-m", "gauntlet", "init", str(root)], root, 600)
    print(text)
    outputs.append(text)
    if code != 0:
        print(f"gauntlet init exited {code}")
        return 1
    for cache in MOJO_CACHES:  # a cold run: no results, no compiler cache either
        shutil.rmtree(Path(cache).expanduser(), ignore_errors=True)
    code, text, cold = run([py, "-m", "doit"], root, args.timeout)
    outputs.append(text)
    print(text[-3000:])
    noop_code, noop_text, noop = run([py, "-m", "doit"], root, args.timeout)
    outputs.append(noop_text)
    print(noop_text[-600:])

    found = results(root)
    in_repo = repo_test_files(root)
    built = {f: r for f, r in found.items() if not compile_failed(r)}
    defined = per_test = 0
    for file, result in built.items():
        names = set(TEST_DEF.findall((root / file).read_text(errors="replace")))
        reported = {re.split(r"[\[ ]", c["name"])[0] for c in result["cases"]}
        defined += len(names)
        per_test += len(names & reported)
    status = {f: ("compile error" if compile_failed(r) else r["status"]) for f, r in found.items()}
    counts = {s: sum(1 for v in status.values() if v == s) for s in sorted(set(status.values()))}
    junit_files, junit_bad = validate_junit(root)
    tracebacks = sum(o.count("Traceback (most recent call last)") for o in outputs)
    figures = {
        "repository": root.name,
        "test_files_in_repo": len(in_repo),
        "test_files_discovered": len(found),
        "test_functions_defined_in_built_files": defined,
        "per_test_results_in_built_files": per_test,
        "per_test_ratio": round(per_test / defined, 3) if defined else None,
        "files": counts,
        "cold_s": round(cold, 1),
        "cold_exit": code,
        "noop_s": round(noop, 2),
        "noop_exit": noop_code,
        "tracebacks": tracebacks,
        "junit_files": junit_files,
        "junit_invalid": junit_bad,
        "not_discovered": sorted(set(in_repo) - set(found)),
    }
    if args.mojo_run:
        figures.update(_compare(status, mojo_run(root, sorted(found), args.timeout)))
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
