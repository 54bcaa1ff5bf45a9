"""``twine check --strict`` on a release's sdist and wheels, as a result value.

twine prints, for each file, ``Checking <file>: PASSED|FAILED`` and then its
findings, each ``ERROR`` or ``WARNING`` with indented continuation lines; with
``--strict`` a warning fails the file too.  Every finding is kept, per file, in
``twine-check.json`` in the folder given.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet import runner
from gauntlet.atomic import write_text_atomic
from gauntlet.errors import GauntletError
from gauntlet.release.verify import SCHEMA_VERSION, clean_env, find_tool, step, tail
from gauntlet.results.jsonfile import convert, load_json

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from gauntlet.release.verify import Echo

REPORT = "twine-check.json"
TIMEOUT_S = 300.0
_CHECKING = re.compile(r"^Checking (?P<file>.+): (?P<status>PASSED|FAILED)")
_FINDING = re.compile(r"^(?P<level>ERROR|WARNING)\s+(?P<text>.*)$")


@dataclass(frozen=True)
class FileCheck:
    """twine's verdict on one file: its findings (``ERROR: ...``, ``WARNING: ...``)."""

    name: str
    passed: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class TwineReport:
    """What ``twine check --strict`` found in each file."""

    files: tuple[FileCheck, ...]
    output: str = ""  # twine's own words when it failed without naming a file

    @property
    def ok(self) -> bool:
        """Every file passed, and there was at least one."""
        return bool(self.files) and all(f.passed for f in self.files) and not self.output

    @property
    def problems(self) -> dict[str, tuple[str, ...]]:
        """File name -> its findings, for the files that failed."""
        return {f.name: f.problems for f in self.files if not f.passed}

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "ok": self.ok,
            "files": {
                f.name: {"passed": f.passed, "problems": list(f.problems)} for f in self.files
            },
            "output": self.output,
        }

    @classmethod
    def from_json(cls, data: Any) -> TwineReport:
        """The report in ``data`` (as :meth:`to_json` wrote it)."""
        if data["schema_version"] != SCHEMA_VERSION:
            raise ValueError(f"schema_version {data['schema_version']}, expected {SCHEMA_VERSION}")
        files = tuple(
            FileCheck(str(name), bool(v["passed"]), tuple(str(p) for p in v["problems"]))
            for name, v in data["files"].items()
        )
        return cls(files, str(data.get("output", "")))

    @classmethod
    def read(cls, path: Path) -> TwineReport:
        """The report at ``path``; a missing or broken file is a ResultError naming it."""
        return convert(path, load_json(path, what="twine check report"), cls.from_json, "a report")


def parse_twine(output: str, names: Sequence[str]) -> tuple[FileCheck, ...]:
    """The per-file findings in twine check's ``output`` (files named by base name)."""
    found: dict[str, tuple[bool, list[str]]] = {}
    current: list[str] | None = None
    for line in output.splitlines():
        if head := _CHECKING.match(line):
            name = head["file"].rsplit("/", 1)[-1]
            current = []
            found[name] = (head["status"] == "PASSED", current)
        elif current is not None and (finding := _FINDING.match(line)):
            current.append(f"{finding['level']}: {finding['text'].strip()}")
        elif current and line.startswith(" ") and line.strip():
            current[-1] += " " + line.strip()
    missing = [n for n in names if n not in found]
    checks = [FileCheck(n, ok, tuple(p)) for n, (ok, p) in found.items()]
    checks += [FileCheck(n, False, ("twine did not report on this file",)) for n in missing]
    return tuple(sorted(checks, key=lambda c: c.name))


def twine_check(
    files: Sequence[Path], out: Path, *, echo: Echo = print, timeout: float = TIMEOUT_S
) -> TwineReport:
    """Run ``twine check --strict`` on ``files``; write ``out/twine-check.json``; return it."""
    twine = find_tool("twine", "twine")
    for path in files:
        if not path.is_file():
            raise GauntletError(f"{path}: no such file to check; build the release first")
    if not files:
        raise GauntletError("twine check: no sdist or wheel given; build the release first")
    env = clean_env() | {"COLUMNS": "10000", "NO_COLOR": "1"}  # one finding, one line
    argv = [twine, "--no-color", "check", "--strict", *map(str, files)]
    with step(echo, f"twine check --strict: {len(files)} files"):
        done = runner.run(argv, env=env, timeout=timeout)
    checks = parse_twine(done.stdout + "\n" + done.stderr, [p.name for p in files])
    named = any(c.problems != ("twine did not report on this file",) for c in checks)
    output = ""
    if done.timed_out:
        output = f"twine check timed out after {timeout:.0f} s"
    elif not done.ok and not named:
        output = tail(done.stdout + done.stderr) or f"twine exited with {done.returncode}"
    report = TwineReport(checks, output)
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / REPORT, json.dumps(report.to_json(), indent=1) + "\n")
    for name, problems in report.problems.items():
        echo(f"twine check: {name}: " + "; ".join(problems))
    return report
