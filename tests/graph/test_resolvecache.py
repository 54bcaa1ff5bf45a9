from __future__ import annotations

import json
from typing import TYPE_CHECKING

from gauntlet.config.load import parse_config
from gauntlet.graph.plan import make_plan
from gauntlet.graph.project import Project, build_project
from gauntlet.graph.scancache import ScanCache

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import WriteTree

TREE = {
    "src/core/__init__.mojo": "from .tensor import Tensor\n",
    "src/core/tensor.mojo": "from .shape import Shape\nstruct Tensor: pass\n",
    "src/core/shape.mojo": "struct Shape: pass\n",
    "src/nn/__init__.mojo": "from core import Tensor\n",
    "src/nn/layer.mojo": "import core.tensor\nfrom nn.missing import x\n",
    "tests/test_shape.mojo": "from core.shape import Shape\n",
    "tests/test_layer.mojo": "from nn.layer import lazy\nfrom core import Tensor\n",
}


def _load(root: Path, cached: bool) -> Project:
    pyproject = root / "pyproject.toml"
    text = '[tool.gauntlet]\ninclude = ["src"]\n'
    pyproject.write_text(text, encoding="utf-8")
    cache = root / ".gauntlet" / "cache"
    return build_project(
        parse_config(pyproject, text),
        ScanCache(cache / "scan.json"),
        None,
        cache / "resolved.json" if cached else None,
    )


def _planned(project: Project) -> list[tuple[str, tuple[str, ...], str]]:
    plan = make_plan(project, "mojo 1.2.0")
    return [(s.name, tuple(s.inputs), s.key) for s in plan.steps]


def _same_as_resolving_afresh(root: Path) -> list[tuple[str, tuple[str, ...], str]]:
    cached = _load(root, cached=True)
    found = _planned(cached)
    assert found == _planned(_load(root, cached=False))
    fresh = _load(root, cached=False)
    assert cached.diagnostics(cached.programs()) == fresh.diagnostics(fresh.programs())
    return found


def test_an_unchanged_tree_is_planned_without_resolving_an_import(write_tree: WriteTree) -> None:
    root = write_tree(TREE)
    first = _load(root, cached=True)
    planned = _planned(first)
    assert first.resolver.memo  # resolved, and kept
    assert (root / ".gauntlet" / "cache" / "resolved.json").is_file()
    again = _load(root, cached=True)
    assert _planned(again) == planned == _planned(_load(root, cached=False))
    assert again.resolver.memo == {}  # every import came from the cache
    problems = again.diagnostics(again.programs())
    assert problems == first.diagnostics(first.programs())
    assert any("'nn.missing'" in d.message for d in problems)  # unresolved ones are kept too


def test_a_file_that_changes_a_resolution_misses_the_cache(write_tree: WriteTree) -> None:
    root = write_tree(TREE)
    before = _same_as_resolving_afresh(root)
    # a module beside the tests now defines `core` first for them (their folder is a root)
    (root / "tests" / "core.mojo").write_text("struct Shape: pass\n", encoding="utf-8")
    shadowed = _load(root, cached=True)
    _planned(shadowed)
    assert shadowed.resolver.memo  # resolved afresh
    after = _same_as_resolving_afresh(root)
    key = {n: k for n, _, k in after}["tests/test_shape.mojo"]
    assert key != {n: k for n, _, k in before}["tests/test_shape.mojo"]
    # an edited import (same files, other content) misses too
    (root / "tests" / "core.mojo").unlink()
    (root / "tests" / "test_shape.mojo").write_text("from core import Tensor\n", encoding="utf-8")
    edited = _load(root, cached=True)
    _planned(edited)
    assert edited.resolver.memo  # resolved afresh
    inputs = {n: i for n, i, _ in _same_as_resolving_afresh(root)}
    assert "src/core/tensor.mojo" in inputs["tests/test_shape.mojo"]


def test_a_garbled_or_foreign_cache_is_resolved_afresh(write_tree: WriteTree) -> None:
    root = write_tree(TREE)
    planned = _same_as_resolving_afresh(root)
    stored = root / ".gauntlet" / "cache" / "resolved.json"
    data = json.loads(stored.read_text(encoding="utf-8"))
    for graph in data["graphs"]:
        data["graphs"][graph] = [[[999], [], []] for _ in data["graphs"][graph]]
    stored.write_text(json.dumps(data), encoding="utf-8")  # the right tree, rows out of range
    garbled = _load(root, cached=True)
    assert _planned(garbled) == planned
    assert garbled.resolver.memo
    stored.write_text("{", encoding="utf-8")
    assert _same_as_resolving_afresh(root) == planned
