"""The fan-in: the shards' results merged into the project's results, every test exactly once.

Each shard folder (see :mod:`gauntlet.shard.execute`) says which shard it is.
The merge refuses folders of different plans (another ``count``), two folders
of the same shard, and a plan with shards missing, naming the folders; then

* every ``python/junit-python-X.Y.xml`` becomes one file of that name in the
  repository's results (``<repo>/.gauntlet/results/python/``), where the gates
  read it; a test (classname and name) found in two shards is an error naming
  both, never counted twice;
* every Mojo result goes to the build folder's results, and the Mojo JUnit
  report is written from all of them; a Mojo file in two shards is an error;
* the shards' coverage data files are combined into the coverage reports the
  gates read (:mod:`gauntlet.results.covcombine`), as the versions of the
  test matrix are: a line counts as covered when any shard ran it.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.atomic import write_bytes_atomic
from gauntlet.errors import ResultError, UsageError
from gauntlet.results.covcombine import combine, data_files
from gauntlet.results.junit import write_junit
from gauntlet.results.records import FileResult, read_result
from gauntlet.shard.execute import RECORD

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from gauntlet.layout import Layout

_FAILED = {"failure": "failures", "error": "errors", "skipped": "skipped"}


@dataclass(frozen=True)
class ShardFolder:
    """One shard's downloaded results."""

    path: Path
    index: int
    count: int


@dataclass(frozen=True)
class Merged:
    """What the merge wrote: Python tests per JUnit file, Mojo test files."""

    shards: tuple[ShardFolder, ...]
    python: dict[str, int]
    mojo_files: int


def read_folder(path: Path) -> ShardFolder:
    """A shard folder's record (an error naming the folder when it has none)."""
    try:
        data: Any = json.loads((path / RECORD).read_text(encoding="utf-8"))
        return ShardFolder(path, int(data["index"]), int(data["count"]))
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no {RECORD}; give the folders `gauntlet shard --index` wrote"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ResultError(f"{path / RECORD}: malformed shard record ({exc!r})") from None


def check_complete(folders: Sequence[ShardFolder]) -> None:
    """Every shard of one plan, each once."""
    if not folders:
        raise UsageError("no shard folders given")
    counts = sorted({f.count for f in folders})
    if len(counts) > 1:
        named = ", ".join(f"{f.path} (count {f.count})" for f in folders)
        raise UsageError(f"shard folders of different plans: {named}")
    seen: dict[int, Path] = {}
    for folder in folders:
        if folder.index in seen:
            raise UsageError(
                f"shard {folder.index} twice: {seen[folder.index]} and {folder.path}; "
                "give each shard's results once"
            )
        seen[folder.index] = folder.path
    missing = sorted(set(range(counts[0])) - set(seen))
    if missing:
        raise UsageError(
            f"shard(s) {', '.join(map(str, missing))} of {counts[0]} missing: every shard's "
            "results are needed (did a shard job fail before uploading them?)"
        )


def _cases(path: Path) -> list[ET.Element]:
    try:
        root = ET.parse(path).getroot()  # noqa: S314 (files our own shards wrote)  # nosec B314
    except (ET.ParseError, OSError) as exc:
        raise ResultError(f"{path}: malformed JUnit XML ({exc})") from None
    return list(root.iter("testcase"))


def merge_junit(files: Sequence[tuple[ShardFolder, Path]], target: Path) -> int:
    """Write the test cases of ``files`` as one JUnit file; return how many tests it holds."""
    where: dict[tuple[str, str], ShardFolder] = {}
    suite = ET.Element("testsuite", name="pytest")
    totals: dict[str, float] = defaultdict(float)
    for shard, path in files:
        for case in _cases(path):
            test = (case.get("classname", ""), case.get("name", "?"))
            if test in where:
                first = where[test]
                raise ResultError(
                    f"{'::'.join(t for t in test if t)} ({path.name}) is in shard {first.index} "
                    f"({first.path}) and shard {shard.index} ({shard.path}): the shards "
                    "overlap; plan once and give every shard the same --plan"
                )
            where[test] = shard
            suite.append(case)
            totals["tests"] += 1
            totals["time"] += float(case.get("time") or 0.0)
            for child in case:
                if child.tag in _FAILED:
                    totals[_FAILED[child.tag]] += 1
                    break
    for key in ("tests", "failures", "errors", "skipped"):
        suite.set(key, str(int(totals[key])))
    suite.set("time", f"{totals['time']:.3f}")
    root = ET.Element("testsuites")
    root.append(suite)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(target, ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return int(totals["tests"])


def merge_mojo(folders: Sequence[ShardFolder], layout: Layout) -> int:
    """Put every shard's Mojo results in the build folder; write their JUnit report."""
    results: dict[str, tuple[FileResult, ShardFolder]] = {}
    for folder in folders:
        for path in sorted((folder.path / "mojo").glob("*.json")):
            result = read_result(path)
            if result.file in results:
                other = results[result.file][1]
                raise ResultError(
                    f"{result.file} is in shard {other.index} ({other.path}) and shard "
                    f"{folder.index} ({folder.path}): the shards overlap; plan once and give "
                    "every shard the same --plan"
                )
            results[result.file] = (result, folder)
            target = layout.build.test_result(result.file)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    if results:
        write_junit(layout.build.junit_mojo, [results[f][0] for f in sorted(results)])
    return len(results)


def merge(paths: Sequence[Path], layout: Layout) -> Merged:
    """Merge the shard folders ``paths`` into the project's results."""
    folders = sorted((read_folder(p) for p in paths), key=lambda f: (f.index, str(f.path)))
    check_complete(folders)
    by_name: dict[str, list[tuple[ShardFolder, Path]]] = defaultdict(list)
    for folder in folders:
        for path in sorted((folder.path / "python").glob("junit-python-*.xml")):
            by_name[path.name].append((folder, path))
    python = {
        name: merge_junit(files, layout.repo.python / name) for name, files in by_name.items()
    }
    merge_coverage(folders, layout.repo.python)
    return Merged(tuple(folders), python, merge_mojo(folders, layout))


def merge_coverage(folders: Sequence[ShardFolder], target: Path) -> list[str]:
    """Combine the shards' coverage data into ``target``'s reports; what was combined."""
    found = [(f, d) for f in folders for d in data_files(f.path / "python")]
    if not found:
        return []
    for old in data_files(target):
        old.unlink()
    for folder, data in found:
        shutil.copyfile(data, target / f"{data.name}.shard{folder.index}")
    return combine(target)
