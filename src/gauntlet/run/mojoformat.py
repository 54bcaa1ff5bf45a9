"""Checking that Mojo sources are formatted, without touching them.

Mojo 1.2.0's ``mojo format`` has no check mode: it rewrites files in place.
So the sources are copied into a temporary folder, formatted there, and each
copy that changed is reported at its first differing line.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet import runner
from gauntlet.entry import guarded
from gauntlet.errors import ToolError, UsageError
from gauntlet.results.findings import Finding, write_findings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gauntlet.config.load import Config

TOOL = "mojo-format"


def mojo_sources(config: Config) -> list[str]:
    """Root-relative paths of every Mojo file of the project, outside the build folder."""
    build = config.out_dir.resolve()
    found = []
    for path in sorted(config.root.rglob("*.mojo")):
        rel = path.relative_to(config.root)
        if path.resolve().is_relative_to(build) or any(p.startswith(".") for p in rel.parts):
            continue
        found.append(rel.as_posix())
    return found


def _first_difference(before: str, after: str) -> int:
    for number, (old, new) in enumerate(
        zip(before.splitlines(), after.splitlines(), strict=False), start=1
    ):
        if old != new:
            return number
    return min(len(before.splitlines()), len(after.splitlines())) + 1


def check_format(mojo: Path, root: Path, files: Sequence[str], timeout: float) -> list[Finding]:
    """Findings for each file ``mojo format`` would change (paths relative to ``root``)."""
    if not files:
        return []
    with tempfile.TemporaryDirectory(prefix="gauntlet-mojo-format-") as tmp:
        copies = []
        for rel in files:
            copy = Path(tmp) / rel
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, copy)
            copies.append(str(copy))
        done = runner.run([str(mojo), "format", "-q", *copies], cwd=tmp, timeout=timeout)
        if done.returncode != 0:
            raise ToolError(
                f"mojo format failed (exit {done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[-2000:]}"
            )
        findings = []
        for rel in files:
            before = (root / rel).read_text(encoding="utf-8")
            after = (Path(tmp) / rel).read_text(encoding="utf-8")
            if before != after:
                findings.append(
                    Finding(
                        TOOL,
                        "unformatted",
                        "file would be reformatted by `mojo format`",
                        rel,
                        _first_difference(before, after),
                    )
                )
        return findings


def check_project(out: Path) -> int:
    """Check the Mojo sources of the project in the current folder; findings to ``out``.

    Exit code 1 when a file would be reformatted.
    """
    from gauntlet.config.load import load_config
    from gauntlet.run import toolchain

    config = load_config(Path.cwd())
    files = mojo_sources(config)
    found: list[Finding] = []
    if files:
        mojo = toolchain.ensure(config.mojo_version)
        found = check_format(mojo.mojo, config.root, files, config.timeout)
    prefix = config.root.relative_to(config.pyproject.parent.resolve()).as_posix()
    shown = [
        Finding(
            f.tool, f.rule, f.message, f"{prefix}/{f.file}" if prefix != "." else f.file, f.line
        )
        for f in found
    ]
    write_findings(out, TOOL, shown)
    for finding in shown:
        print(f"{finding.where}: {finding.message}")  # noqa: T201
    print(f"mojo format: {len(files)} files checked, {len(shown)} would be reformatted")  # noqa: T201
    return 1 if shown else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m gauntlet.run.mojoformat OUT.json``: check the project's Mojo sources."""
    import sys

    from gauntlet.config.load import load_config

    args = list(sys.argv[1:] if argv is None else argv)

    def work() -> int:
        if len(args) != 1:
            raise UsageError("usage: python -m gauntlet.run.mojoformat OUT.json")
        return check_project(Path(args[0]))

    return guarded(work, build_dir=lambda: load_config(Path.cwd()).out_dir)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
