"""The project's import contracts checked by import-linter, as findings.

import-linter (``lint-imports``) prints its verdict as text only: every broken
contract, then for each the forbidden imports as ``- a.b -> c.d (l.12)``, an
indirect one as a chain of such lines.  Each forbidden import becomes one
finding located at the importing module's file and line; a contract file that
import-linter cannot read becomes one finding carrying its message, so a broken
configuration fails the lint gate rather than passing it unread.

A project without contracts (no ``[tool.importlinter]`` in pyproject.toml, no
``.importlinter``, no ``[importlinter]`` section in setup.cfg) has nothing to
check: the findings file is written empty and the log says so.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.results.findings import Finding, write_findings

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

TOOL = "import-linter"
TIMEOUT_S = 300.0
_SUMMARY = re.compile(r"^Contracts: (\d+) kept, (\d+) broken\.", re.M)
_IMPORT = re.compile(
    r"^-\s+(?P<importer>[\w.]+) -> (?P<imported>[\w.]+)(?: \((?P<lines>l\.[\d, l.]+)\))?"
)
_NOT_ALLOWED = re.compile(r"^(?P<what>\S+ is not allowed to import \S+?):?$")


def has_contracts(folder: Path) -> bool:
    """Whether ``folder`` configures import-linter contracts in a file it reads."""
    if (folder / ".importlinter").is_file():
        return True
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and re.search(
        r"^\s*\[\s*tool\.importlinter[\].]", pyproject.read_text(encoding="utf-8"), re.M
    ):
        return True
    setup_cfg = folder / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser()
        try:
            parser.read(setup_cfg, encoding="utf-8")
        except configparser.Error:
            return False
        return parser.has_section("importlinter")
    return False


def module_file(module: str, roots: Sequence[Path]) -> str:
    """The file of ``module`` in the first of ``roots`` that holds it, else its name."""
    parts = module.split(".")
    for root in roots:
        for candidate in (root.joinpath(*parts).with_suffix(".py"),
                          root.joinpath(*parts, "__init__.py")):  # fmt: skip
            if candidate.is_file():
                return candidate.as_posix()
    return module


def parse_report(text: str, folder: Path) -> list[Finding]:
    """Findings from ``lint-imports`` output: one per forbidden import (chains included).

    The rule of a finding is the broken contract's name; its message names the
    import, the rest of an indirect chain, and what the contract forbids.
    """
    roots = [folder / "src", folder]
    found: list[Finding] = []
    contract = forbids = ""
    lines = text.splitlines()
    start = lines.index("Broken contracts") + 1 if "Broken contracts" in lines else len(lines)
    for number in range(start, len(lines)):
        line = lines[number].strip()
        underline = lines[number + 1] if number + 1 < len(lines) else ""
        if line and underline and set(underline) == {"-"} and len(underline) == len(line):
            contract = line
        elif rule := _NOT_ALLOWED.match(line):
            forbids = rule["what"]
        elif imported := _IMPORT.match(line):
            chain = ", then ".join(_chain(lines, number + 1))
            message = f"{imported['importer']} imports {imported['imported']}"
            message += f" ({chain})" if chain else ""
            message += f": {forbids}" if forbids else ""
            first = re.search(r"\d+", imported["lines"] or "")
            where = module_file(imported["importer"], roots)
            if where.startswith(folder.as_posix() + "/"):
                where = where[len(folder.as_posix()) + 1 :]
            found.append(
                Finding(
                    TOOL, contract or "contract", message, where, int(first[0]) if first else None
                )
            )
    return found


def _chain(lines: list[str], start: int) -> Iterator[str]:
    """The continuation lines of an indirect import (indented, no leading dash)."""
    for line in lines[start:]:
        text = line.strip()
        if not line.startswith("  ") or not text or text.startswith("-"):
            return
        yield text


def check(folder: Path) -> tuple[list[Finding], str]:
    """Run ``lint-imports`` in ``folder``; its findings and what it printed."""
    if not has_contracts(folder):
        return [], "import-linter: no contracts configured; nothing to check"
    program = shutil.which("lint-imports", path=_search_path())
    if program is None:
        missing = "lint-imports is not installed; install the PyPI package import-linter"
        return [Finding(TOOL, "not-checked", f"import-linter could not check: {missing}")], missing
    done = runner.run([program, "--no-cache", "--no-logo"], cwd=str(folder), timeout=TIMEOUT_S)
    output = f"{done.stdout}\n{done.stderr}".strip()
    summary = _SUMMARY.search(done.stdout)
    if done.timed_out or summary is None:
        why = f"timed out after {TIMEOUT_S:g} s" if done.timed_out else output[-2000:]
        problem = Finding(TOOL, "not-checked", f"import-linter could not check: {why}")
        return [problem], output
    found = parse_report(done.stdout, folder)
    if int(summary[2]) and not found:  # broken, but in a form not parsed: never pass it
        found = [Finding(TOOL, "broken", f"{summary[2]} contract(s) broken: {output[-2000:]}")]
    return found, output


def _search_path() -> str:
    """PATH with this interpreter's scripts folder first (a venv's tools live there)."""
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gauntlet.run.importlint OUT.json``: check the contracts of the cwd."""
    args = list(sys.argv[1:] if argv is None else argv)
    found, output = check(Path.cwd())
    write_findings(Path(args[0]), TOOL, found)
    print(output)  # noqa: T201
    return 1 if found else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
