from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from gauntlet.config.load import parse_config
from gauntlet.graph.plan import Plan, StepKind, make_plan, python_environment, select
from gauntlet.graph.project import build_project

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import WriteTree

FILES = {
    "src/lib/__init__.mojo": "",
    "src/lib/a.mojo": "def a(): pass\n",
    "src/lib/b.mojo": "from .a import a\n",
    "src/other.mojo": "def o(): pass\n",
    "tests/test_a.mojo": "from lib.a import a\n",
    "tests/test_b.mojo": "from lib.b import a\n",
    "tests/test_o.mojo": "import other\n",
    "tests/test_slow.mojo": "import other\n",
    "benchmarks/bench_b.mojo": "from lib.b import a\n",
    "ext/fast.mojo": "import other\n",
}
CONFIG = """
[tool.gauntlet]
executables = ["src/other.mojo"]
[tool.gauntlet.extensions.fast]
source = "ext/fast.mojo"
[tool.gauntlet.tags]
slow = ["tests/test_slow.mojo"]
"""


def _plan(
    root: Path, toolchain: str = "mojo 1.2.0", extra: str = "", **tags: frozenset[str]
) -> Plan:
    text = CONFIG + extra
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    project = build_project(parse_config(root / "pyproject.toml", text))
    empty = frozenset[str]()
    skip, only = tags.get("skip_tags", empty), tags.get("only_tags", empty)
    return make_plan(project, toolchain, skip_tags=skip, only_tags=only)


def _keys(plan: Plan) -> dict[str, str]:
    return {f"{s.kind.value}:{s.name}": s.key for s in plan.steps}


def test_steps_and_outputs(write_tree: WriteTree) -> None:
    plan = _plan(write_tree(FILES))
    assert [(s.kind, s.name, s.output) for s in plan.steps] == [
        (StepKind.PACKAGE, "lib", "build/pkg/lib.mojoc"),
        (StepKind.EXECUTABLE, "src/other.mojo", "build/bin/other"),
        (StepKind.EXTENSION, "fast", "build/python/fast.so"),
        (StepKind.TEST, "tests/test_a.mojo", "results/mojo/tests__test_a.mojo.json"),
        (StepKind.TEST, "tests/test_b.mojo", "results/mojo/tests__test_b.mojo.json"),
        (StepKind.TEST, "tests/test_o.mojo", "results/mojo/tests__test_o.mojo.json"),
        (StepKind.TEST, "tests/test_slow.mojo", "results/mojo/tests__test_slow.mojo.json"),
        (
            StepKind.BENCHMARK,
            "benchmarks/bench_b.mojo",
            "results/bench/benchmarks__bench_b.mojo.json",
        ),
    ]
    assert plan.tests[3].tags == frozenset({"slow"})


def test_editing_a_leaf_changes_exactly_its_dependents(write_tree: WriteTree) -> None:
    root = write_tree(FILES)
    before = _keys(_plan(root))
    (root / "src/lib/a.mojo").write_text("def a(): pass  # a comment counts\n", encoding="utf-8")
    after = _keys(_plan(root))
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {
        "package:lib",
        "test:tests/test_a.mojo",
        "test:tests/test_b.mojo",
        "benchmark:benchmarks/bench_b.mojo",
    }


def test_mtime_only_changes_nothing(write_tree: WriteTree) -> None:
    root = write_tree(FILES)
    before = _keys(_plan(root))
    os.utime(root / "src/lib/a.mojo", (1, 1))
    assert _keys(_plan(root)) == before


def test_toolchain_and_config_are_part_of_every_key(write_tree: WriteTree) -> None:
    root = write_tree(FILES)
    base = _keys(_plan(root))
    other = _keys(_plan(root, toolchain="mojo 0.26.1"))
    assert all(base[name] != other[name] for name in base)
    assert _keys(_plan(root)) == base  # switching back gives the same keys


def test_flags_and_timeout_change_keys(write_tree: WriteTree) -> None:
    root = write_tree(FILES)
    base = _keys(_plan(root))
    text = CONFIG.replace("[tool.gauntlet]\n", "[tool.gauntlet]\nmojo-flags = ['-O3']\n")
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    flagged = _keys(
        make_plan(build_project(parse_config(root / "pyproject.toml", text)), "mojo 1.2.0")
    )
    assert all(base[name] != flagged[name] for name in base)


def test_new_file_that_resolves_a_missing_import_changes_the_key(write_tree: WriteTree) -> None:
    root = write_tree({**FILES, "tests/test_m.mojo": "import missing\n"})
    before = _keys(_plan(root))
    (root / "src/missing.mojo").write_text("", encoding="utf-8")
    after = _keys(_plan(root))
    assert before["test:tests/test_m.mojo"] != after["test:tests/test_m.mojo"]
    assert before["test:tests/test_a.mojo"] == after["test:tests/test_a.mojo"]


def test_tag_selection(write_tree: WriteTree) -> None:
    root = write_tree(FILES)
    plan = _plan(root, skip_tags=frozenset({"slow"}))
    assert "tests/test_slow.mojo" not in [s.name for s in plan.tests]
    assert plan.deselected == ("tests/test_slow.mojo",)
    only = _plan(root, only_tags=frozenset({"slow"}))
    assert [s.name for s in only.tests] == ["tests/test_slow.mojo"]
    assert select(frozenset(), frozenset({"slow"}), frozenset()) is True


def test_report_key_follows_test_keys(write_tree: WriteTree) -> None:
    root = write_tree(FILES)
    first = _plan(root).report_key
    (root / "src/other.mojo").write_text("def o(): return\n", encoding="utf-8")
    assert _plan(root).report_key != first


def test_python_interop_puts_the_python_environment_in_the_key(
    write_tree: WriteTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(
        {
            **FILES,
            "tests/test_py.mojo": 'def main():\n    var m = Python.import_module("pytest")\n',
            "tests/test_nopy.mojo": "import other\n",
        }
    )
    python_environment.cache_clear()
    before = _keys(_plan(root))
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    python_environment.cache_clear()
    after = _keys(_plan(root))
    assert before["test:tests/test_py.mojo"] != after["test:tests/test_py.mojo"]
    assert before["test:tests/test_nopy.mojo"] == after["test:tests/test_nopy.mojo"]
    env = python_environment(frozenset({"pytest", "surely_not_installed_x"}))
    assert env["PYTHONPATH"] == "/elsewhere"
    assert env["modules"] == {"pytest": pytest.__version__, "surely_not_installed_x": None}


DEEP = {
    "src/deep/__init__.mojo": "",
    "src/deep/base.mojo": "def base(): pass\n",
    "src/deep/mid.mojo": "from .base import base\nfrom .ring import r\n",
    "src/deep/ring.mojo": "from .mid import base\n",  # mid <-> ring: an import cycle
    "src/deep/top.mojo": "from .mid import base\n",
    "src/deep/apart.mojo": "def apart(): pass\n",
    "tests/test_top.mojo": "from deep.top import base\n",
    "tests/test_ring.mojo": "from deep.ring import r\n",
    "tests/test_base.mojo": "from deep.base import base\n",
    "tests/test_apart.mojo": "from deep.apart import apart\n",
}


def test_a_deeply_imported_module_changes_the_key_of_every_dependant_and_only_those(
    write_tree: WriteTree,
) -> None:
    """Keys are hashed once per import cycle (Merkle style); the dependants are the same."""
    root = write_tree(DEEP)
    (root / "pyproject.toml").write_text("[tool.gauntlet]\n", encoding="utf-8")

    def keys() -> dict[str, str]:
        text = "[tool.gauntlet]\n"
        project = build_project(parse_config(root / "pyproject.toml", text))
        return _keys(make_plan(project, "mojo 1.2.0"))

    before = keys()
    (root / "src/deep/base.mojo").write_text("def base(): pass  # edited\n", encoding="utf-8")
    after = keys()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {
        "package:deep",
        "test:tests/test_top.mojo",
        "test:tests/test_ring.mojo",
        "test:tests/test_base.mojo",
    }
    (root / "src/deep/ring.mojo").write_text("from .mid import base  # edited\n", "utf-8")
    again = keys()
    changed = {name for name in after if after[name] != again[name]}
    assert changed == {"package:deep", "test:tests/test_top.mojo", "test:tests/test_ring.mojo"}
    # a new import inside the cycle reaches a file it did not before: keys follow it
    (root / "src/deep/ring.mojo").write_text("from .mid import base\nimport deep.apart\n", "utf-8")
    last = keys()
    assert last["test:tests/test_top.mojo"] != again["test:tests/test_top.mojo"]
    assert last["test:tests/test_apart.mojo"] == again["test:tests/test_apart.mojo"]
    assert last["test:tests/test_base.mojo"] == again["test:tests/test_base.mojo"]
