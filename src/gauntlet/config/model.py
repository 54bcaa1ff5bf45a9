"""The validated configuration of one project: one frozen value, built by :mod:`.load`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from gauntlet.config.alerts import AlertSettings
from gauntlet.config.bench import BenchSettings
from gauntlet.config.coverage import CoverageSettings
from gauntlet.config.gates import GateSettings
from gauntlet.config.history import CacheSettings, HistorySettings
from gauntlet.config.release import ReleaseSettings

DEFAULT_MOJO_VERSION = "1.2.0"
DEFAULT_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class Extension:
    """A CPython extension module built from one Mojo file."""

    name: str
    source: str


@dataclass(frozen=True)
class Config:
    """The validated configuration of one adopting project.

    Paths are strings relative to ``root`` (POSIX separators); ``root`` is
    absolute.  ``packages`` is None when packages are to be discovered (the key is
    absent); an empty tuple means no packages.
    ``raw`` is the table as written, kept as key material (never parsed again).
    """

    pyproject: Path
    root: Path
    mojo_version: str = DEFAULT_MOJO_VERSION
    include: tuple[str, ...] = ("src",)
    packages: tuple[str, ...] | None = None
    tests: tuple[str, ...] = ("tests",)
    benchmarks: tuple[str, ...] = ("benchmarks",)
    executables: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    timeout: float = DEFAULT_TIMEOUT_S
    mojo_flags: tuple[str, ...] = ()
    build_dir: str = ".gauntlet"
    test_cwd: str = "root"  # "file": each test runs in its own folder
    extensions: tuple[Extension, ...] = ()
    tags: tuple[tuple[str, tuple[str, ...]], ...] = ()
    skip_tags: tuple[str, ...] = ()
    python_tests: tuple[str, ...] = ()
    python_tests_read_mojo: bool = False  # Mojo sources are inputs of the tests stage's key
    secrets: tuple[str, ...] = ()  # variable names; their values are masked (gauntlet.masking)
    gates: GateSettings | None = None
    bench: BenchSettings | None = None  # None: no [tool.gauntlet.bench] table
    alerts: AlertSettings = field(default_factory=AlertSettings)
    history: HistorySettings = field(default_factory=HistorySettings)
    cache: CacheSettings | None = None  # None: no [tool.gauntlet.cache] table
    release: ReleaseSettings | None = None  # None: no [tool.gauntlet.release] table
    coverage: CoverageSettings = field(default_factory=CoverageSettings)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def out_dir(self) -> Path:
        """Absolute directory that holds builds, results and caches."""
        return self.root / self.build_dir

    def tags_for(self, relpath: str) -> frozenset[str]:
        """Tags whose patterns match a root-relative path."""
        return frozenset(
            tag for tag, patterns in self.tags if any(fnmatchcase(relpath, p) for p in patterns)
        )
