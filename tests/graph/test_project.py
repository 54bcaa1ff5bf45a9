from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.config.load import parse_config
from gauntlet.graph.project import Project, build_project
from gauntlet.graph.resolve import Lookup
from gauntlet.graph.scancache import ScanCache, digest_bytes

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
    assert project.diagnostics(project.programs()) == ()
    # `from core.shape import ...` parses core/__init__ but does not follow its
    # re-export of tensor [a2-a5, b1-b4]
    assert project.closure(["tests/test_shape.mojo"]) == (
        "src/core/__init__.mojo",
        "src/core/shape.mojo",
        "tests/test_shape.mojo",
    )
    # `from core import Tensor` imports the package itself: its imports are followed
    assert project.closure(["tests/sub/test_deep.mojo"]) == (
        "src/core/__init__.mojo",
        "src/core/shape.mojo",
        "src/core/tensor.mojo",
        "tests/sub/test_deep.mojo",
    )
    assert project.closure(["tests/test_layer.mojo"]) == (
        "src/core/__init__.mojo",  # `import core.ops.add` binds core: followed [b11]
        "src/core/ops/__init__.mojo",
        "src/core/ops/add.mojo",
        "src/core/shape.mojo",
        "src/core/tensor.mojo",  # relative `from ..tensor import`
        "src/nn/__init__.mojo",  # parsed only
        "src/nn/layer.mojo",
        "src/nn/loss.mojo",  # imported inside a function body
        "tests/helpers.mojo",  # sibling import
        "tests/test_layer.mojo",
    )
    assert "src/core/unused.mojo" not in project.closure(project.tests)


def test_parse_only_and_followed_edges(write_tree: WriteTree) -> None:
    project = _project(write_tree(LIB))
    roots = project.roots_for("tests/test_layer.mojo")
    assert roots == ("tests", "src")
    edges, missing = project.imports_of("src/nn/layer.mojo", roots)
    assert edges.follow == (
        "src/core/__init__.mojo",
        "src/core/ops/__init__.mojo",
        "src/core/ops/add.mojo",
        "src/nn/loss.mojo",
    )
    assert edges.parse_only == ("src/nn/__init__.mojo",)
    assert missing == ()
    edges, _ = project.imports_of("src/nn/__init__.mojo", roots)
    # `from core import ops`: the submodule ops; core's __init__ binds no `ops`
    assert edges.follow == ("src/core/ops/__init__.mojo",)
    assert edges.parse_only == ("src/core/__init__.mojo",)


def test_reexports_are_followed_by_name(write_tree: WriteTree) -> None:
    project = _project(
        write_tree(
            {
                "src/pkg/__init__.mojo": (
                    "from .a import f\nfrom .b import g as h\nfrom .c import *\n"
                    "from .missing import nothing\n"
                ),
                "src/pkg/a.mojo": "",
                "src/pkg/b.mojo": "",
                "src/pkg/c.mojo": "",
                "tests/test_f.mojo": "from pkg import f\n",
                "tests/test_h.mojo": "from pkg import h\n",
                "tests/test_all.mojo": "import pkg\n",
            }
        )
    )
    assert project.closure(["tests/test_f.mojo"]) == (
        "src/pkg/__init__.mojo",  # parsed
        "src/pkg/a.mojo",  # binds f
        "src/pkg/c.mojo",  # a star import might bind f
        "tests/test_f.mojo",
    )
    assert "src/pkg/b.mojo" in project.closure(["tests/test_h.mojo"])  # aliases count
    assert "src/pkg/a.mojo" not in project.closure(["tests/test_h.mojo"])
    assert project.unresolved(["tests/test_f.mojo"]) == ()  # the broken re-export is not used
    # `import pkg` makes every name of pkg usable: all of its imports count
    assert project.unresolved(["tests/test_all.mojo"]) == ("src/pkg/__init__.mojo:4:.missing",)
    assert "src/pkg/b.mojo" in project.closure(["tests/test_all.mojo"])


def test_from_dot_import_names(write_tree: WriteTree) -> None:
    project = _project(
        write_tree(
            {
                "src/p/__init__.mojo": "",
                "src/p/a.mojo": "from . import b, sub\n",
                "src/p/b.mojo": "",
                "src/p/sub/__init__.mojo": "",
                "src/p/sub/deep.mojo": "from .. import b\n",
            }
        )
    )
    edges, _ = project.imports_of("src/p/a.mojo", ("src",))
    assert edges.follow == ("src/p/b.mojo", "src/p/sub/__init__.mojo")
    assert edges.parse_only == ("src/p/__init__.mojo",)
    edges, _ = project.imports_of("src/p/sub/deep.mojo", ("src",))
    assert edges.follow == ("src/p/b.mojo",)
    assert edges.parse_only == ("src/p/__init__.mojo",)


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
                "tests/test_x.mojo": (
                    "from std.testing import TestSuite\n\nimport nosuch.module\nimport p.a\n"
                ),
                "src/p/__init__.mojo": "",
                "src/p/a.mojo": "from .gone import f\n",
            }
        )
    )
    messages = [str(d) for d in project.diagnostics(project.programs())]
    assert messages == [
        "src/p/a.mojo:1: cannot resolve import '.gone' (relative to its package)",
        "tests/test_x.mojo:3: cannot resolve import 'nosuch.module' (searched tests/, src/)",
    ]
    assert project.unresolved(["tests/test_x.mojo"]) == (
        "src/p/a.mojo:1:.gone",
        "tests/test_x.mojo:3:nosuch.module",
    )


def test_the_entry_folder_is_searched_for_every_module(write_tree: WriteTree) -> None:
    # [e5]: `import helper` inside a library module resolves against the
    # *program's* roots, so the same file can depend on different helpers.
    project = _project(
        write_tree(
            {
                "src/lib.mojo": "import helper\n",
                "src/helper.mojo": "",
                "tests/helper.mojo": "",
                "tests/test_h.mojo": "import lib\n",
                "benchmarks/bench_h.mojo": "import lib\n",
            }
        )
    )
    assert "tests/helper.mojo" in project.closure(["tests/test_h.mojo"])
    assert "src/helper.mojo" not in project.closure(["tests/test_h.mojo"])
    assert "src/helper.mojo" in project.closure(["benchmarks/bench_h.mojo"])


def test_implicit_root_skips_package_folders(write_tree: WriteTree) -> None:
    project = _project(write_tree({"tests/__init__.mojo": "", "tests/test_p.mojo": ""}))
    assert project.roots_for("tests/test_p.mojo") == (".", "src")


def test_first_root_that_defines_a_name_wins_without_fallback(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "a/pkg/__init__.mojo": "",
            "b/pkg/__init__.mojo": "",
            "b/pkg/x.mojo": "",
            "a/mod.mojo": "",
            "b/mod/__init__.mojo": "",
            "tests/test_r.mojo": "from pkg.x import f\nimport mod\n",
        }
    )
    project = _project(root, 'include = ["a", "b"]\n')
    assert project.unresolved(["tests/test_r.mojo"]) == ("tests/test_r.mojo:1:pkg.x",)  # [d18]
    assert "a/mod.mojo" in project.closure(["tests/test_r.mojo"])  # [d20]
    assert "b/mod/__init__.mojo" not in project.closure(["tests/test_r.mojo"])


def test_precedence_within_a_root_and_namespace_folders(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "src/n/__init__.mojo": "",
            "src/n.mojo": "",
            "src/m.mojo": "",
            "a/ns/one.mojo": "",
            "b/ns/two.mojo": "",
            "tests/test_p.mojo": "import n\nimport m\nfrom ns.two import f\nimport old\n",
        }
    )
    (root / "src" / "m.mojoc").write_bytes(b"\x00")
    (root / "src" / "old.mojopkg").write_bytes(b"\x00")
    project = _project(root, 'include = ["src", "a", "b"]\n')
    closure = project.closure(["tests/test_p.mojo"])
    assert "src/n/__init__.mojo" in closure  # [d23]
    assert "src/n.mojo" not in closure
    assert "src/m.mojoc" in closure  # [d14]
    assert "src/m.mojo" not in closure
    assert "b/ns/two.mojo" in closure  # namespace folders merge across roots [d5]
    assert project.unresolved(["tests/test_p.mojo"]) == ("tests/test_p.mojo:4:old",)  # [d13]
    assert len(project.digest("src/m.mojoc")) == 32


def test_excludes_and_hidden_folders(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "tests/test_p.mojo": "",
            "tests/test_skip.mojo": "",
            ".hidden/test_h.mojo": "",
            ".gauntlet/build/test_b.mojo": "",
        }
    )
    project = _project(root, 'exclude = ["tests/test_skip.mojo"]\n')
    assert project.tests == ("tests/test_p.mojo",)


def test_unreadable_statements_are_diagnostics(write_tree: WriteTree) -> None:
    project = _project(write_tree({"tests/test_u.mojo": "import 3bad\n"}))
    assert [str(d) for d in project.diagnostics(project.programs())] == [
        "tests/test_u.mojo:1: cannot read import '3bad'"
    ]


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


ROOT_DOT = {
    "mylib/__init__.mojo": "from .core import f\n",
    "mylib/core.mojo": "def f(): pass\n",
    "tests/__init__.mojo": "",
    "tests/helpers/__init__.mojo": "from mylib import f\n",
    "tests/test_f.mojo": "from mylib import f\n",
    "examples/__init__.mojo": "import demo_only_module\n",
    "examples/demo.mojo": "from mylib import f\n",
    "benchmarks/__init__.mojo": "import bench_only_module\n",
    "suites/__init__.mojo": "import suite_only_module\n",
    "suites/test_g.mojo": "from mylib import f\n",
    "perf/__init__.mojo": "",
}


def test_discovery_leaves_out_test_example_and_benchmark_folders(write_tree: WriteTree) -> None:
    root = write_tree(ROOT_DOT)
    body = 'include = ["."]\ntests = ["tests", "suites"]\nbenchmarks = ["perf"]\n'
    project = _project(root, body)
    assert project.packages == ("mylib",)
    # no false "cannot resolve import" from folders that were never libraries
    assert not [d for d in project.diagnostics(project.programs()) if "only_module" in d.message]


def test_discovery_under_src_also_leaves_out_test_folders(write_tree: WriteTree) -> None:
    root = write_tree({"src/lib/__init__.mojo": "", "src/tests/__init__.mojo": ""})
    assert _project(root).packages == ("src/lib",)


def test_a_name_that_is_both_file_and_folder_follows_the_compiler(write_tree: WriteTree) -> None:
    # 1.2.0 reads the folder [d21, d24]; 0.26.1 and 0.25.7 whichever the folder
    # lists first, so for them both are followed
    root = write_tree(
        {
            "src/pkg/__init__.mojo": "",
            "src/pkg/a.mojo": "def who(): pass\n",
            "src/pkg/a/__init__.mojo": "def who(): pass\n",
            "src/top.mojo": "",
            "src/top/__init__.mojo": "",
            "tests/test_dotted.mojo": "from pkg.a import who\n",
            "tests/test_named.mojo": "from pkg import a\n",
            "tests/test_top.mojo": "import top\n",
        }
    )
    text = '[tool.gauntlet]\ninclude = ["src"]\n'
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    config = parse_config(root / "pyproject.toml", text)
    folder_first = build_project(config)
    listing = build_project(config, lookup=Lookup(".mojopkg", listing_order=True))
    for test in ("tests/test_dotted.mojo", "tests/test_named.mojo"):
        assert "src/pkg/a/__init__.mojo" in folder_first.closure([test])
        assert "src/pkg/a.mojo" not in folder_first.closure([test])
        assert {"src/pkg/a.mojo", "src/pkg/a/__init__.mojo"} <= set(listing.closure([test]))
    assert "src/top.mojo" not in folder_first.closure(["tests/test_top.mojo"])
    assert {"src/top.mojo", "src/top/__init__.mojo"} <= set(
        listing.closure(["tests/test_top.mojo"])
    )


def test_the_precompiled_package_is_the_one_the_compiler_writes(write_tree: WriteTree) -> None:
    # 1.2.0 reads only .mojoc [d13]; 0.26.1 and 0.25.7 only .mojopkg (measured by hand)
    root = write_tree({"tests/test_p.mojo": "import old\nimport new\n"})
    (root / "tests" / "old.mojopkg").write_bytes(b"\x00")
    (root / "tests" / "new.mojoc").write_bytes(b"\x01")
    text = "[tool.gauntlet]\n"
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    config = parse_config(root / "pyproject.toml", text)
    current = build_project(config)
    legacy = build_project(config, lookup=Lookup(".mojopkg", listing_order=True))
    assert current.closure(["tests/test_p.mojo"]) == ("tests/new.mojoc", "tests/test_p.mojo")
    assert current.unresolved(["tests/test_p.mojo"]) == ("tests/test_p.mojo:1:old",)
    assert legacy.closure(["tests/test_p.mojo"]) == ("tests/old.mojopkg", "tests/test_p.mojo")
    assert legacy.unresolved(["tests/test_p.mojo"]) == ("tests/test_p.mojo:2:new",)
    assert len(legacy.digest("tests/old.mojopkg")) == 32
