"""Mojo line coverage of a project: the traces of its test programs merged per source file.

The rule for one source file (also in ``docs/coverage.md``):

* **Statements** are the logical lines the scanner counts in function bodies
  (:mod:`gauntlet.linecov.statements`): never signatures, decorators,
  docstrings, comments, blank lines or compile-time lines.  A line the line
  table or the tracer names inside a multi-line statement counts for the
  statement's first line; a line outside every function body never counts.
* **Executable** (the denominator): for a function some program compiled (its
  body has line-table entries), the statements the line tables have code for;
  for a function no program compiled (Mojo compiles lazily: no test reaches
  it), every statement the scanner finds in its body; none for an
  ``@always_inline`` function that has no line-table entries (its code carries
  its callers' lines, so its call sites are what count).
* **Executed**: the executable statements some test program ran, with the test
  files that ran each (the report's ``contexts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gauntlet.linecov.statements import Function


@dataclass(frozen=True)
class Trace:
    """What one test program compiled and ran, per project file (root-relative path)."""

    test: str
    executed: Mapping[str, frozenset[int]]
    compiled: Mapping[str, frozenset[int]]


@dataclass(frozen=True)
class FileLines:
    """The Mojo coverage of one source file."""

    path: str
    executable: frozenset[int]
    executed: frozenset[int]
    contexts: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    uncompiled: tuple[str, ...] = ()  # functions no test program compiled

    @property
    def missing(self) -> frozenset[int]:
        """Executable statements no test ran."""
        return self.executable - self.executed

    @property
    def percent(self) -> float | None:
        """Share of executable statements that ran (None: the file has none)."""
        if not self.executable:
            return None
        return 100.0 * len(self.executed) / len(self.executable)


@dataclass(frozen=True)
class MojoCoverage:
    """Mojo line coverage of a project: its files, the tests traced and those that were not."""

    files: tuple[FileLines, ...]
    traced: tuple[str, ...]
    untraced: tuple[tuple[str, str], ...] = ()  # (test file, why)

    @property
    def statements(self) -> int:
        """Executable statements in all files."""
        return sum(len(f.executable) for f in self.files)

    @property
    def covered(self) -> int:
        """Executable statements some test ran."""
        return sum(len(f.executed) for f in self.files)

    @property
    def percent(self) -> float | None:
        """Total line coverage (None: no executable statements at all)."""
        return 100.0 * self.covered / self.statements if self.statements else None


def file_lines(path: str, text: str, traces: Sequence[Trace]) -> FileLines:
    """The coverage of one source file (its text) from every trace."""
    from gauntlet.linecov.statements import scan_statements  # not needed to read a trace

    scan = scan_statements(text)
    statement_of = scan.statement_of
    compiled: set[Function] = set()
    executable: set[int] = set()
    for trace in traces:
        for line in trace.compiled.get(path, ()):
            function = scan.function_at(line)
            if function is None:
                continue
            compiled.add(function)
            if line in statement_of:
                executable.add(statement_of[line])
    uncompiled = [f for f in scan.functions if f not in compiled and not f.inlined]
    for function in uncompiled:
        executable.update(function.statements)
    contexts: dict[int, list[str]] = {}
    for trace in traces:
        ran = {statement_of[n] for n in trace.executed.get(path, ()) if n in statement_of}
        for line in ran & executable:
            contexts.setdefault(line, []).append(trace.test)
    return FileLines(
        path,
        frozenset(executable),
        frozenset(contexts),
        {line: tuple(sorted(tests)) for line, tests in sorted(contexts.items())},
        tuple(f.name for f in uncompiled if f.statements),
    )


def merge(
    sources: Mapping[str, str],
    traces: Sequence[Trace],
    untraced: Iterable[tuple[str, str]] = (),
) -> MojoCoverage:
    """The coverage of every source (path → text) from the traces of the test programs."""
    files = tuple(file_lines(path, sources[path], traces) for path in sorted(sources))
    return MojoCoverage(files, tuple(sorted(t.test for t in traces)), tuple(sorted(untraced)))
