"""Gate evaluation over large generated results: 100 000 test cases, 10 000 covered files.

Writes a results directory as the tools would (pytest JUnit XML split over 20
files' worth of suites, a coverage.py JSON report of 10 000 files, lint, type
and security results with some findings), then times everything `gauntlet
gates` does after the tools ran: read and parse every file, compute new-code
coverage over a 2 000-file change, run every gate, and write the verdict,
SARIF, JUnit and Markdown reports.  Prints the median of several runs; the
target is ≤ 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from gauntlet.config.load import parse_config
from gauntlet.gates.collect import collect, results_dir
from gauntlet.gates.inputs import Inputs
from gauntlet.gates.report import markdown, write_gate_junit
from gauntlet.gates.verdict import evaluate, write_verdict
from gauntlet.results.sarif import write_sarif


def junit(cases: int, failures: int) -> str:
    rows = []
    for n in range(cases):
        name = f'<testcase classname="tests.test_m{n // 500}" name="test_{n}" time="0.001"'
        if n < failures:
            rows.append(f'{name}><failure message="assert {n}">trace</failure></testcase>')
        else:
            rows.append(name + "/>")
    head = f'<testsuite name="pytest" tests="{cases}" failures="{failures}" errors="0">'
    return f"<?xml version='1.0'?><testsuites>{head}{''.join(rows)}</testsuite></testsuites>"


def coverage(files: int, rng: random.Random) -> str:
    entries = {}
    statements = covered = 0
    for n in range(files):
        size = rng.randint(20, 200)
        missing = sorted(rng.sample(range(1, size + 1), k=size // 20))
        executed = sorted(set(range(1, size + 1)) - set(missing))
        entries[f"src/pkg{n // 100}/mod{n}.py"] = {
            "executed_lines": executed,
            "missing_lines": missing,
            "excluded_lines": [],
            "summary": {"num_statements": size},
        }
        statements += size
        covered += len(executed)
    totals = {
        "covered_lines": covered,
        "num_statements": statements,
        "num_branches": statements // 3,
        "covered_branches": statements // 4,
    }
    return json.dumps({"meta": {"format": 3}, "files": entries, "totals": totals})


def generate(root: Path, cases: int, files: int) -> Path:
    rng = random.Random(7)
    (root / "pyproject.toml").write_text("[tool.gauntlet]\n", encoding="utf-8")
    out = root / ".gauntlet" / "results"
    (out / "python").mkdir(parents=True)
    (out / "python" / "junit-python-3.11.xml").write_text(junit(cases, 50), encoding="utf-8")
    (out / "python" / "coverage.json").write_text(coverage(files, rng), encoding="utf-8")
    (out / "junit-mojo.xml").write_text(junit(500, 0), encoding="utf-8")
    ruff = [
        {"code": "E501", "message": "too long", "filename": f"src/m{n}.py", "location": {"row": n}}
        for n in range(1, 2001)
    ]
    for rel, text in {
        "lint/ruff.json": json.dumps(ruff),
        "lint/ruff-format.json": "[]",
        "lint/mojo-format.json": json.dumps({"schema_version": 1, "findings": []}),
        "lint/actionlint.json": "[]",
        "types/mypy.json": "",
        "security/bandit.json": json.dumps({"results": []}),
        "security/secrets.json": json.dumps({"results": {}}),
        "security/pip-audit.json": json.dumps({"dependencies": []}),
    }.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return root


def changed(files: int) -> dict[str, frozenset[int]]:
    return {f"src/pkg{n // 100}/mod{n}.py": frozenset(range(1, 60)) for n in range(0, files, 5)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gauntlet-gates-"))
    try:
        generate(root, args.cases, args.files)
        config = parse_config(root / "pyproject.toml", "[tool.gauntlet]\n")
        assert config.gates is not None
        diff = changed(args.files)
        times = []
        verdict = None
        for _ in range(args.repeat):
            started = time.perf_counter()
            inputs = collect(config, ["3.11"], now=0.0, env={"GAUNTLET_BASE": "none"})
            inputs = Inputs(**{**inputs.__dict__, "changed": diff})
            verdict = evaluate(inputs, config.gates, dt.date(2026, 11, 24))
            out = results_dir(config) / "gates"
            write_verdict(out / "verdict.json", verdict)
            write_gate_junit(out / "junit-gates.xml", verdict)
            write_sarif(out / "gates.sarif", (f for r in verdict.results for f in r.findings), root)
            (out / "summary.md").write_text(markdown(verdict), encoding="utf-8")
            times.append(time.perf_counter() - started)
        assert verdict is not None
        print(f"{args.cases} test cases, {args.files} covered files, {len(diff)} changed files")
        for r in verdict.results:
            print(f"  {r.gate:10} {r.status.value:8} {r.measured}")
        print(
            f"gates over generated results: median {statistics.median(times):.2f} s, "
            f"min {min(times):.2f} s, max {max(times):.2f} s ({args.repeat} runs; target ≤ 2 s)"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
