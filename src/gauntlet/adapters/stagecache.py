"""Stage results of ``nox -s ci`` kept by the content of their inputs.

``lint``, ``typecheck``, ``security`` and ``tests`` read the project's files
and run tools installed in their nox environments; the same inputs and the
same tools give the same result.  Each stage's key is a SHA-256 over:

* the content of its input files: every file git tracks or would track
  (``git ls-files --cached --others --exclude-standard``; a plain walk outside
  git), only the Python sources and type-checker configuration for
  ``typecheck``, and no Mojo source for ``tests`` unless the project sets
  ``python-tests-read-mojo`` (the ``mojo`` stage builds and tests Mojo code);
* the tools: the name and version of every distribution in the stage's nox
  environments (``.nox/<stage>``, ``.nox/<stage>-<python>``) and each
  environment's interpreter, which declared interpreters are on ``PATH``
  (one appearing means more to test), and gauntlet's own sources;
* the environment variables that change what the stage does (``CI``, the
  test selection), and for ``security`` the date: pip-audit's vulnerability
  data changes daily, so an audit is reused only on the day it was made.

A stage whose environments do not exist yet has no key and runs.  A stage
that passed stores its result files (its results folder, its log and its nox
report) with their digests under ``.gauntlet/cache/stages/<stage>/<key>/``
(the newest four keys of each stage); the next
run with the same key restores them, checking every digest first, and says
"up to date".  A failed stage is never reused: a failure may be the machine's.
The files are hashed before the stage runs (an edit made while it runs is
not what it checked); the tools again after it, since the run may have
installed the tools the key names.

The tree is listed and hashed once per ``nox -s ci`` (this repository's ~320
files: 0.06 s), and gauntlet's own sources once per process.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import gauntlet
from gauntlet.atomic import write_text_atomic
from gauntlet.config.pyversions import declared_pythons
from gauntlet.graph.affectmap import tree_files
from gauntlet.results.stamp import file_sha256

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gauntlet.layout import RepoDir

SCHEMA_VERSION = 1
KEEP = 4  # entries kept per stage
# stage -> its results folder (a part of RepoDir); files of that folder it does not write
OUTPUTS = {"lint": "lint", "typecheck": "types", "security": "security", "tests": "python"}
_NOT_OURS = {"tests": ("junit-extensions.xml",)}  # the mojo stage's, in the same folder
MOJO_SOURCES = (".mojo", ".\N{FIRE}", ".mojopkg")
_TYPE_INPUTS = {"pyproject.toml", "mypy.ini", ".mypy.ini", "setup.cfg", "py.typed"}
_ENV = ("CI", "GAUNTLET_ALL_TESTS", "GAUNTLET_AFFECTED")
_SKIP_DIRS = {".git", ".nox", ".gauntlet", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache"}


def tree_digests(root: Path) -> dict[str, str]:
    """The project's files (what git tracks or would add; a walk outside git) → what
    their content is: a SHA-256, or the target of a symbolic link.  Taken once per
    ``nox -s ci`` and filtered per stage (:func:`inputs_digest`)."""
    names = tree_files(root)
    if names is None:
        names = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
            names += [os.path.relpath(os.path.join(folder, f), root) for f in files]
    found = {}
    for name in sorted(names):
        path = root / name
        if path.is_symlink():
            found[name] = f"-> {path.readlink()}"
        elif path.is_file():
            found[name] = file_sha256(path)
    return found


def _combined(digests: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(sorted(digests.items())).encode()).hexdigest()


def _environments(root: Path, session: str) -> list[str]:
    """Each nox environment of ``session``: its interpreter and installed distributions."""
    described = []
    nox_dir = root / ".nox"
    for env in sorted(p for p in nox_dir.glob(f"{session}*") if p.is_dir()):
        if env.name != session and not env.name.startswith(f"{session}-"):
            continue
        config = env / "pyvenv.cfg"
        dists = sorted(p.name for p in env.glob("lib/python*/site-packages/*.dist-info"))
        described.append(
            json.dumps([env.name, config.read_text("utf-8") if config.is_file() else "", dists])
        )
    return described


@functools.cache
def _own_sources() -> str:
    """gauntlet's own code (an editable install changes without a new version)."""
    return _combined(tree_digests(Path(gauntlet.__file__).resolve().parent))


def inputs_digest(tree: Mapping[str, str], stage: str, *, tests_read_mojo: bool = False) -> str:
    """The digest of the files ``stage`` reads, from the project's :func:`tree_digests`.

    The Python tests read no Mojo source unless the project says they do
    (``python-tests-read-mojo``): Mojo code is built and tested by the ``mojo``
    stage, with the Python tests of its extension modules.
    """
    if stage == "typecheck":
        tree = {
            n: d
            for n, d in tree.items()
            if n.endswith((".py", ".pyi")) or Path(n).name in _TYPE_INPUTS
        }
    elif stage == "tests" and not tests_read_mojo:
        tree = {n: d for n, d in tree.items() if not n.endswith(MOJO_SOURCES)}
    return _combined(tree)


def stage_key(
    root: Path, stage: str, inputs: str, environ: Mapping[str, str], today: dt.date
) -> str | None:
    """The content key of ``stage`` over ``inputs`` (:func:`inputs_digest`), its tools and
    settings; None while its environments do not exist (before its first run)."""
    environments = _environments(root, stage)
    if not environments:
        return None
    pythons = declared_pythons(root / "pyproject.toml")
    parts = {
        "schema": SCHEMA_VERSION,
        "stage": stage,
        "files": inputs,
        "tools": environments,
        "interpreters": [v for v in pythons if shutil.which(f"python{v}")],
        "gauntlet": [gauntlet.__version__, _own_sources(), sys.version],
        "environ": {name: environ.get(name, "") for name in _ENV},
        "day": today.isoformat() if stage == "security" else "",
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Reused:
    """A stage's results restored from an earlier run with the same key."""

    stage: str
    files: int
    recorded_at: float


class StageStore:
    """The stored results of passed stages, under ``<repo>/.gauntlet/cache/stages``."""

    def __init__(self, repo: RepoDir) -> None:
        self.repo = repo
        self.folder = repo.path / "cache" / "stages"

    def outputs(self, stage: str) -> list[Path]:
        """The files ``stage`` wrote: its results folder, its logs and its nox report."""
        part = self.repo.part(OUTPUTS[stage])
        found = [
            p
            for p in sorted(part.rglob("*"))
            if p.is_file() and p.name not in _NOT_OURS.get(stage, ())
        ]
        found += sorted(self.repo.logs.glob(f"{stage}*.log"))
        report = self.repo.nox_report(stage)
        return found + ([report] if report.is_file() else [])

    def entry(self, stage: str, key: str) -> Path:
        """Where the outputs of ``stage`` kept for ``key`` are."""
        return self.folder / stage / key[:24]

    def save(self, stage: str, key: str) -> None:
        """Keep the outputs of ``stage``, which passed with ``key`` (and the newest
        :data:`KEEP` entries of the stage before it: a branch switched back to, a
        pull-request run between two full ones)."""
        target = self.entry(stage, key)
        staging = self.folder / stage / f".partial-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        files = {}
        for path in self.outputs(stage):
            relative = str(path.relative_to(self.repo.results))
            copy = staging / "files" / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            files[relative] = file_sha256(copy)
        manifest = {"schema_version": SCHEMA_VERSION, "key": key, "at": time.time()}
        write_text_atomic(staging / "manifest.json", json.dumps({**manifest, "files": files}))
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        kept = sorted(
            (p for p in (self.folder / stage).iterdir() if not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in kept[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)

    def restore(self, stage: str, key: str) -> Reused | str | None:
        """Restore the outputs kept for ``key``: what was reused, a problem, or None (no entry)."""
        entry = self.entry(stage, key)
        try:
            manifest = json.loads((entry / "manifest.json").read_text("utf-8"))
            if manifest.get("schema_version") != SCHEMA_VERSION or manifest.get("key") != key:
                return None
            files: dict[str, str] = manifest["files"]
            at = float(manifest["at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        for relative, digest in files.items():
            kept = entry / "files" / relative
            if not kept.is_file() or file_sha256(kept) != digest:
                shutil.rmtree(entry, ignore_errors=True)
                return f"the kept result {kept} does not match its digest; running {stage}"
        for relative in files:
            destination = self.repo.results / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(entry / "files" / relative, destination)
        return Reused(stage, len(files), at)
