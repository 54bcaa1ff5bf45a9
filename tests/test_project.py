from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.config import parse_config
from gauntlet.project import Project, build_project
from gauntlet.scancache import ScanCache, digest_bytes

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import WriteTree


def _project(root: Path, body: str = "", cache: ScanCache | None = None) -> Project:
    pyproject = root / "pyproject.toml"
    text = "[tool.gauntlet]\n" + body
    pyproject.write_text(text, encoding="utf-8")
    return build_project(parse_config(pyproject, text), cache)


LIB = {
    "src/core/__init__.mojo": "from .tensor import Tensor\n",
    "src/core/tensor.mojo": "from .shape import Shape\nstruct Tensor: pass\n",
    "src/core/shape.mojo": "struct Shape: pass\n",
    "src/core/ops/__init__.mojo": "",
    "src/core/ops/add.mojo": "from ..tensor import Tensor\n",
    "src/core/unused.mojo": "def nothing(): pass\n",
    "src/nn/__init__.mojo": "from core import ops\n",
    "src/nn/layer.mojo": ("import core.ops.add as add\ndef lazy():\n    from nn.loss import mse\n"),
    "src/nn/loss.mojo": "from core.tensor import Tensor\n",
    "tests/helpers.mojo": "def close(): pass\n",
    "tests/test_layer.mojo": "from nn.layer import lazy\nfrom helpers import close\n",
    "tests/test_shape.mojo": "from core.shape import Shape\nfrom std.testing import TestSuite\n",
    "tests/sub/test_deep.mojo": "from core import Tensor\n",
    "benchmarks/bench_add.mojo": (
        "from core.ops.add import Tensor\nfrom std.benchmark import Bench\n"
    ),
}


def test_resolution_and_closures(write_tree: WriteTree) -> None:
    project = _project(write_tree(LIB))
    assert project.tests == (
        "tests/sub/test_deep.mojo",
        "tests/test_layer.mojo",
        "tests/test_shape.mojo",
    )
    assert project.benchmarks == ("benchmarks/bench_add.mojo",)
    assert project.packages == ("src/core", "src/nn")
    assert project.diagnostics == ()
    # importing core.shape loads the package's __init__, which re-exports tensor
    assert project.closure(["tests/test_shape.mojo"]) == (
        "src/core/__init__.mojo",
        "src/core/shape.mojo",
        "src/core/tensor.mojo",
        "tests/test_shape.mojo",
    )
    layer = project.closure(["tests/test_layer.mojo"])
    assert "src/nn/loss.mojo" in layer  # import inside a function body
    assert "src/core/ops/add.mojo" in layer  # aliased dotted import
    assert "src/core/ops/__init__.mojo" in layer  # `from core import ops` in nn/__init__
    assert "tests/helpers.mojo" in layer  # sibling import
    assert "src/core/unused.mojo" not in layer
    assert "src/core/unused.mojo" not in project.closure(project.tests)


def test_relative_and_submodule_imports(write_tree: WriteTree) -> None:
    project = _project(write_tree(LIB))
    assert project.deps["src/core/ops/add.mojo"] == (
        "src/core/__init__.mojo",
        "src/core/tensor.mojo",
    )
    assert project.deps["src/nn/__init__.mojo"] == (
        "src/core/__init__.mojo",
        "src/core/ops/__init__.mojo",
    )
    assert project.deps["src/core/__init__.mojo"] == ("src/core/tensor.mojo",)


def test_from_dot_import_names(write_tree: WriteTree) -> None:
    project = _project(
        write_tree(
            {
                "src/p/__init__.mojo": "",
                "src/p/a.mojo": "from . import b, sub\n",
                "src/p/b.mojo": "",
                "src/p/sub/__init__.mojo": "",
                "top.mojo": "from . import other\n",
                "other.mojo": "",
            }
        )
    )
    assert project.deps["src/p/a.mojo"] == (
        "src/p/__init__.mojo",
        "src/p/b.mojo",
        "src/p/sub/__init__.mojo",
    )
    assert project.deps["top.mojo"] == ("other.mojo",)


def test_cycles_terminate(write_tree: WriteTree) -> None:
    project = _project(
        write_tree(
            {
                "src/a.mojo": "import b\n",
                "src/b.mojo": "def f():\n    import a\n",
                "tests/test_c.mojo": "import a\n",
            }
        )
    )
    assert project.closure(["tests/test_c.mojo"]) == (
        "src/a.mojo",
        "src/b.mojo",
        "tests/test_c.mojo",
    )


def test_missing_imports_are_reported_with_file_and_line(write_tree: WriteTree) -> None:
    project = _project(
        write_tree(
            {
                "tests/test_x.mojo": "from std.testing import TestSuite\n\nimport nosuch.module\n",
                "src/p/a.mojo": "from .gone import f\n",
            }
        )
    )
    messages = [str(d) for d in project.diagnostics]
    assert messages == [
        "src/p/a.mojo:1: cannot resolve import '.gone' (relative to its package)",
        "tests/test_x.mojo:3: cannot resolve import 'nosuch.module' (searched tests/, src/)",
    ]
    assert project.unresolved_in(["tests/test_x.mojo"]) == ("tests/test_x.mojo:nosuch.module",)


def test_sibling_file_shadows_include_root(write_tree: WriteTree) -> None:
    project = _project(
        write_tree(
            {
                "src/util.mojo": "",
                "tests/util.mojo": "",
                "tests/test_u.mojo": "import util\n",
            }
        )
    )
    assert project.deps["tests/test_u.mojo"] == ("tests/util.mojo",)


def test_precompiled_packages_and_excludes(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "tests/test_p.mojo": "from vendored import thing\n",
            "tests/test_skip.mojo": "",
            ".hidden/test_h.mojo": "",
            ".gauntlet/build/test_b.mojo": "",
        }
    )
    (root / "src").mkdir()
    (root / "src" / "vendored.mojoc").write_bytes(b"\x00binary")
    project = _project(root, 'exclude = ["tests/test_skip.mojo"]\n')
    assert project.tests == ("tests/test_p.mojo",)
    assert project.deps["tests/test_p.mojo"] == ("src/vendored.mojoc",)
    assert len(project.digest("src/vendored.mojoc")) == 32


def test_scan_cache_parses_only_changed_content(write_tree: WriteTree) -> None:
    root = write_tree(LIB)
    cache_file = root / ".gauntlet" / "cache" / "scan.json"
    first = ScanCache(cache_file)
    _project(root, cache=first)
    assert first.parsed == len(LIB)
    again = ScanCache(cache_file)
    _project(root, cache=again)
    assert again.parsed == 0
    (root / "src/core/shape.mojo").write_text("struct Shape: pass  # edited\n", encoding="utf-8")
    third = ScanCache(cache_file)
    project = _project(root, cache=third)
    assert third.parsed == 1
    assert project.files["src/core/shape.mojo"].imports == ()


def test_corrupt_scan_cache_is_rebuilt(write_tree: WriteTree) -> None:
    root = write_tree(LIB)
    cache_file = root / "scan.json"
    cache_file.write_text("{not json", encoding="utf-8")
    cache = ScanCache(cache_file)
    _project(root, cache=cache)
    assert cache.parsed == len(LIB)
    source = root / "src" / "nn" / "loss.mojo"
    digest = digest_bytes(source.read_bytes())
    bad_row = f'{{"schema_version": 1, "files": {{"{digest}": [5, [], []]}}}}'
    cache_file.write_text(bad_row, encoding="utf-8")
    again = ScanCache(cache_file)
    scanned = again.scan(root, ["src/nn/loss.mojo"])
    assert again.parsed == 1
    assert scanned["src/nn/loss.mojo"].imports[0].module == "core.tensor"
