"""Coverage of the whole Python test matrix: one data file per version, combined.

Each ``tests-X.Y`` session measures into its own data file,
``python/.coverage.pyX.Y`` (``COVERAGE_FILE``), so the versions never
overwrite one another.  After each session the data files of every version
present are combined (coverage.py's ``combine``, with the project's
``[tool.coverage.paths]``), and the reports the gates read are written from
the union: ``python/coverage.json`` and ``python/coverage.xml``.  A line or
branch counts as covered when any version ran it.

``python -m gauntlet.results.covcombine FOLDER [RCFILE]`` does this in a session's
environment (coverage.py comes with the test dependencies).
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.entry import guarded
from gauntlet.errors import ResultError, UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

DATA_PREFIX = ".coverage.py"


def data_file(folder: Path, version: str) -> Path:
    """Where the tests on Python ``version`` write their coverage data."""
    return folder / f"{DATA_PREFIX}{version}"


def data_files(folder: Path) -> list[Path]:
    """The per-version data files in ``folder``, by version."""
    found = [p for p in folder.glob(f"{DATA_PREFIX}*") if p.is_file()]
    return sorted(found, key=lambda p: tuple(int(n) for n in _version(p).split(".") if n.isdigit()))


def _version(path: Path) -> str:
    return path.name[len(DATA_PREFIX) :]


def combine(folder: Path, rcfile: Path | None = None) -> list[str]:
    """Combine every version's data; write ``coverage.json`` and ``coverage.xml``.

    Returns the versions combined.  The data files are kept, so the next
    session's combine sees them too.
    """
    import coverage
    from coverage.exceptions import CoverageException, CoverageWarning

    files = data_files(folder)
    if not files:
        raise ResultError(
            f"{folder}: no coverage data ({DATA_PREFIX}X.Y); run the tests session first"
        )
    config: str | bool = str(rcfile) if rcfile is not None else True
    with tempfile.TemporaryDirectory(prefix=".combine-", dir=folder) as work:
        cov = coverage.Coverage(data_file=str(Path(work) / ".coverage"), config_file=config)
        try:
            with warnings.catch_warnings():
                # A data file coverage.py cannot read must not silently drop a version.
                warnings.simplefilter("error", CoverageWarning)
                cov.combine([str(f) for f in files], keep=True)
                cov.save()
                cov.json_report(outfile=str(Path(work) / "coverage.json"))
                cov.xml_report(outfile=str(Path(work) / "coverage.xml"))
        except (CoverageException, CoverageWarning) as exc:
            raise ResultError(f"{folder}: cannot combine coverage data ({exc})") from None
        for name in ("coverage.json", "coverage.xml"):
            os.replace(Path(work) / name, folder / name)
    return [_version(f) for f in files]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gauntlet.results.covcombine FOLDER [RCFILE]``; 2: nothing to combine."""
    args = list(sys.argv[1:] if argv is None else argv)

    def work() -> int:
        if not 1 <= len(args) <= 2:
            raise UsageError(
                f"expected FOLDER [RCFILE], got {len(args)} arguments; "
                "usage: python -m gauntlet.results.covcombine FOLDER [RCFILE]"
            )
        folder = Path(args[0])
        versions = combine(folder, Path(args[1]) if len(args) > 1 else None)
        print(f"coverage combined over Python {', '.join(versions)} into {folder}")  # noqa: T201
        return 0

    return guarded(work)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
