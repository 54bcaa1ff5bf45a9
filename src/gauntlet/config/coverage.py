"""``[tool.gauntlet.coverage]``: Mojo line coverage (``doit coverage``).

```toml
[tool.gauntlet.coverage]
source = ["src"]        # files or folders (patterns) whose Mojo code is measured
omit = ["src/gen/*"]    # files (patterns) left out of the report
target-cpu = "x86-64-v3"  # compile target of the traced programs
ci = true               # `nox -s ci` measures Mojo coverage (also: `nox -s ci -- coverage`)
```

By default every Mojo file of the project is measured except tests,
benchmarks, examples, the files in their folders and the sources of Python
extension modules (Python's tests run those, not a Mojo test program), and
the programs of their own that no test imports (a file with a module-level
``main`` or ``PyInit_*``: a benchmark, fuzzer or tool); name such a file in
``source`` to measure it anyway.  The threshold is ``[tool.gauntlet.gates] mojo-coverage-line``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.config.schema import Key, Table
from gauntlet.config.values import flag, strings, text

if TYPE_CHECKING:
    from gauntlet.config.schema import Fail


@dataclass(frozen=True)
class CoverageSettings:
    """Validated Mojo coverage settings."""

    source: tuple[str, ...] = ()  # empty: every Mojo file that is not a test or benchmark
    omit: tuple[str, ...] = ()
    target_cpu: str = "x86-64-v3"
    ci: bool = False


COVERAGE = Table(
    "tool.gauntlet.coverage",
    "Mojo line coverage: `doit coverage`, and in `nox -s ci` when `ci` is true.",
    (
        Key("source", strings("paths or patterns"), "Files or folders whose Mojo code counts."),
        Key("omit", strings("patterns"), "Files left out of the Mojo coverage report."),
        Key(
            "target-cpu",
            text("a CPU name such as 'x86-64-v3'"),
            "Compile target of the traced programs (valgrind cannot decode AVX-512).",
        ),
        Key("ci", flag(), "Measure Mojo coverage in `nox -s ci` (a stage of the Mojo graph)."),
    ),
    CoverageSettings,
    suggest=False,
)


def parse_coverage(raw: dict[str, Any], fail: Fail) -> CoverageSettings:
    """The ``[tool.gauntlet.coverage]`` table; every problem goes to ``fail``."""
    return CoverageSettings(**COVERAGE.read(raw, fail))
