"""coverage.py's JSON report, and coverage of new code (lines changed since a base).

The JSON report (``coverage json``, format 3) gives per file
``executed_lines`` and ``missing_lines`` and, with branch coverage, totals
of ``num_branches`` and ``covered_branches``.  New-code coverage is computed
like diff-cover: of the changed lines that are statements, how many ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from gauntlet.results.jsonfile import convert, load_json

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


@dataclass(frozen=True)
class FileCoverage:
    """Which statements of one file ran."""

    path: str
    executed: frozenset[int]
    missing: frozenset[int]


@dataclass(frozen=True)
class Coverage:
    """A whole coverage report."""

    source: str
    statements: int
    covered_lines: int
    branches: int
    covered_branches: int
    files: tuple[FileCoverage, ...]
    language: str = "python"  # "mojo": a report of `doit coverage` (its "gauntlet" block)

    @property
    def line_percent(self) -> float:
        """Percentage of statements that ran (100 when there are none)."""
        return 100.0 * self.covered_lines / self.statements if self.statements else 100.0

    @property
    def branch_percent(self) -> float | None:
        """Percentage of branches taken, or None without branch data."""
        if not self.branches:
            return None
        return 100.0 * self.covered_branches / self.branches


def read_coverage(path: Path) -> Coverage:
    """Read a coverage.py JSON report; a malformed one raises ResultError naming it."""
    data = load_json(path, what="coverage report")
    return convert(path, data, lambda d: _convert(d, str(path)), "a coverage.py JSON report")


def _convert(data: dict[str, Any], source: str) -> Coverage:
    totals = data["totals"]
    files = tuple(
        FileCoverage(
            PurePosixPath(name.replace("\\", "/")).as_posix(),
            frozenset(int(n) for n in entry["executed_lines"]),
            frozenset(int(n) for n in entry["missing_lines"]),
        )
        for name, entry in data["files"].items()
    )
    return Coverage(
        source,
        int(totals["num_statements"]),
        int(totals["covered_lines"]),
        int(totals.get("num_branches", 0)),
        int(totals.get("covered_branches", 0)),
        files,
        str(data.get("gauntlet", {}).get("language", "python")),
    )


@dataclass(frozen=True)
class NewCode:
    """Coverage of the statements among changed lines."""

    statements: int
    covered: int
    uncovered: tuple[tuple[str, int], ...]  # (file, line), for reports

    @property
    def percent(self) -> float | None:
        """Percentage of new statements that ran, or None when none changed."""
        return 100.0 * self.covered / self.statements if self.statements else None


class _ChangeIndex:
    """Finds a report path's changed lines, matching on whole trailing path components.

    Reports may hold absolute or site-packages paths while the diff holds
    repository-relative ones (or the reverse), so ``/abs/src/pkg/a.py`` matches
    ``src/pkg/a.py`` and ``pkg/a.py`` matches ``src/pkg/a.py``.
    """

    def __init__(self, changed: Mapping[str, frozenset[int]]) -> None:
        self.changed = changed
        self.tails: dict[str, frozenset[int]] = {}
        for path, lines in changed.items():
            parts = path.split("/")
            for start in range(1, len(parts)):
                self.tails.setdefault("/".join(parts[start:]), lines)

    def lines(self, report_path: str) -> frozenset[int]:
        if report_path in self.changed:
            return self.changed[report_path]
        parts = report_path.split("/")
        for start in range(1, len(parts)):
            tail = "/".join(parts[start:])
            if tail in self.changed:
                return self.changed[tail]
        return self.tails.get(report_path, frozenset())


def new_code_coverage(coverage: Coverage, changed: Mapping[str, frozenset[int]]) -> NewCode:
    """Coverage restricted to ``changed`` lines (repository-relative paths)."""
    index = _ChangeIndex(changed)
    statements = covered = 0
    uncovered: list[tuple[str, int]] = []
    for entry in coverage.files:
        lines = index.lines(entry.path)
        if not lines:
            continue
        hit = lines & entry.executed
        miss = lines & entry.missing
        statements += len(hit) + len(miss)
        covered += len(hit)
        uncovered.extend((entry.path, n) for n in sorted(miss))
    return NewCode(statements, covered, tuple(uncovered))


DIFF_OPTIONS = (
    # The user's git configuration must not change which lines count as changed:
    # fixed prefixes, unquoted paths from the top of the repository, no external
    # diff driver, no textconv filter, no colour.
    "-c",
    "core.quotePath=false",
    "diff",
    "--unified=0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def unquote_path(text: str) -> str:
    """A path as git prints it: as is, or C-quoted (``"a\\303\\251.py"``) when it is odd."""
    if not (len(text) >= 2 and text[0] == text[-1] == '"'):
        return text
    out = bytearray()
    body, i = text[1:-1], 0
    while i < len(body):
        char = body[i]
        if char != "\\" or i + 1 == len(body):
            out += char.encode("utf-8")
            i += 1
        elif body[i + 1] in "01234567":
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out.append(_ESCAPES.get(body[i + 1], ord(body[i + 1])))
            i += 2
    return out.decode("utf-8", errors="surrogateescape")


def parse_diff(diff: str) -> dict[str, frozenset[int]]:
    """Added or changed line numbers per file from ``git diff --unified=0`` output.

    Run git with :data:`DIFF_OPTIONS`: the new side's path is then ``b/PATH``,
    C-quoted by git when it holds a quote, a backslash or a control character.
    """
    changed: dict[str, set[int]] = {}
    current: str | None = None
    body = 0  # lines of the current hunk still to come (their text may look like headers)
    for line in diff.splitlines():
        if body > 0:
            body -= not line.startswith("\\")  # "\ No newline at end of file" is not a line
        elif line.startswith("+++ "):
            target = unquote_path(line[4:].rstrip("\t"))
            current = target[2:] if target.startswith("b/") else None
            if current is not None:
                changed.setdefault(current, set())
        elif line.startswith("@@ "):
            old, new = line.split(" ")[1:3]
            start, _, count = new[1:].partition(",")
            size = int(count) if count else 1
            body = size + (int(old.partition(",")[2]) if "," in old else 1)
            if current is not None:
                changed[current].update(range(int(start), int(start) + size))
    return {path: frozenset(lines) for path, lines in changed.items() if lines}
