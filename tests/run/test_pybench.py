"""Python benchmarks: discovery, content keys, running scripts and pytest-benchmark files."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import WriteTree

import gauntlet
from gauntlet.bench.records import MetricKind
from gauntlet.config.load import load_config
from gauntlet.errors import ResultError
from gauntlet.graph.plan import StepKind, make_plan
from gauntlet.graph.project import build_project
from gauntlet.graph.pykeys import closure, python_benchmarks, python_key
from gauntlet.graph.scancache import ScanCache
from gauntlet.run.pybench import run_python_benchmark

CONFIG = """
[tool.gauntlet]
[tool.gauntlet.bench]
python = ["benchmarks/bench_*.py"]
"""
SCRIPT = """
import json
import helper
from pkg import mod
import numpy, fastext
for name, values in helper.CASES.items():
    print(json.dumps({"name": name, "unit": "us", "samples": values}))
"""


@pytest.fixture
def tree(write_tree: WriteTree) -> Path:
    return write_tree(
        {
            "pyproject.toml": CONFIG,
            "benchmarks/bench_py.py": SCRIPT,
            "benchmarks/helper.py": "CASES = {'a': [1.0, 1.1], 'b': [2.0]}\n",
            "benchmarks/notes.txt": "",
            "pkg/__init__.py": "",
            "pkg/mod.py": "import pkg.other\n",
            "pkg/other.py": "",
            "unrelated.py": "",
        }
    )


def test_closure_follows_project_imports_only(tree: Path) -> None:
    files, names = closure(tree, "benchmarks/bench_py.py")
    assert files == [
        "benchmarks/bench_py.py",
        "benchmarks/helper.py",
        "pkg/__init__.py",
        "pkg/mod.py",
        "pkg/other.py",
    ]
    assert {"numpy", "fastext", "pkg.mod"} <= names


def test_key_changes_with_imported_files_and_extensions_only(tree: Path) -> None:
    config = load_config(tree)
    assert python_benchmarks(config, ("benchmarks/*.py", "*.txt")) == [
        "benchmarks/bench_py.py",
        "benchmarks/helper.py",
    ]
    _, first = python_key(config, "benchmarks/bench_py.py", {"fastext": "k1", "other": "x"}, {})
    (tree / "unrelated.py").write_text("x = 1\n")
    assert python_key(config, "benchmarks/bench_py.py", {"fastext": "k1"}, {})[1] == first
    assert python_key(config, "benchmarks/bench_py.py", {"fastext": "k2"}, {})[1] != first
    assert python_key(config, "benchmarks/bench_py.py", {"fastext": "k1"}, {"x": 1})[1] != first
    (tree / "pkg" / "other.py").write_text("y = 2\n")
    assert python_key(config, "benchmarks/bench_py.py", {"fastext": "k1"}, {})[1] != first


SRC_LAYOUT = {
    "pyproject.toml": '[tool.gauntlet]\ninclude = ["lib"]\n',
    "benchmarks/bench_src.py": "import mypkg.sub.deep\nfrom mypkg import core\nimport tools\n",
    "lib/tools/__init__.py": "",
    "src/mypkg/__init__.py": "",
    "src/mypkg/core.py": "from .util import helper\nfrom . import consts\n",
    "src/mypkg/util.py": "def helper() -> None: ...\n",
    "src/mypkg/consts.py": "N = 3\n",
    "src/mypkg/sub/__init__.py": "",
    "src/mypkg/sub/deep.py": "from ..extra import more\nfrom ....outside import nothing\n",
    "src/mypkg/extra/__init__.py": "",
    "src/mypkg/extra/more.py": "",
    "src/mypkg/unused.py": "",
}


def test_closure_follows_src_layout_include_roots_and_relative_imports(
    write_tree: WriteTree,
) -> None:
    tree = write_tree(SRC_LAYOUT)
    config = load_config(tree)
    files, _ = python_key(config, "benchmarks/bench_src.py", {}, {})
    assert files[0] == "benchmarks/bench_src.py"
    assert sorted(files[1:]) == [
        "lib/tools/__init__.py",
        "src/mypkg/__init__.py",
        "src/mypkg/consts.py",
        "src/mypkg/core.py",
        "src/mypkg/extra/__init__.py",
        "src/mypkg/extra/more.py",
        "src/mypkg/sub/__init__.py",
        "src/mypkg/sub/deep.py",
        "src/mypkg/util.py",
    ]
    first = python_key(config, "benchmarks/bench_src.py", {}, {})[1]
    (tree / "src" / "mypkg" / "unused.py").write_text("x = 1\n")
    assert python_key(config, "benchmarks/bench_src.py", {}, {})[1] == first
    (tree / "src" / "mypkg" / "extra" / "more.py").write_text("x = 1\n")
    assert python_key(config, "benchmarks/bench_src.py", {}, {})[1] != first


def test_plan_has_a_step_per_python_benchmark(tree: Path) -> None:
    config = load_config(tree)
    plan = make_plan(build_project(config, ScanCache(tree / "scan.json")), "mojo 1.2.0")
    steps = plan.of_kind(StepKind.PY_BENCHMARK)
    assert [s.source for s in steps] == ["benchmarks/bench_py.py"]
    assert steps[0].output == "results/bench/benchmarks__bench_py.py.json"
    (tree / "pyproject.toml").write_text("[tool.gauntlet]\n")
    config = load_config(tree)
    plan = make_plan(build_project(config, ScanCache(tree / "scan.json")), "mojo 1.2.0")
    assert plan.of_kind(StepKind.PY_BENCHMARK) == ()


def test_script_prints_json_lines_with_extensions_on_the_path(tree: Path) -> None:
    out = tree / ".gauntlet"
    (out / "build" / "python").mkdir(parents=True)
    (out / "build" / "python" / "fastext.py").write_text("")
    (tree / "numpy.py").write_text("")  # stands in for an installed package
    found = run_python_benchmark(str(tree), "benchmarks/bench_py.py", str(out), 60, realtime=True)
    assert [(m.name, m.samples, m.unit, m.kind) for m in found] == [
        ("a", (1.0, 1.1), "us", MetricKind.WALL_TIME),
        ("b", (2.0,), "us", MetricKind.WALL_TIME),
    ]


def test_bad_scripts_name_the_file(tree: Path) -> None:
    (tree / "benchmarks" / "bench_bad.py").write_text(
        'print(\'{"name": "x", "value": 1}\')\nprint("oops")\n'
    )
    with pytest.raises(ResultError, match=r"benchmarks/bench_bad\.py stdout:2:1: not valid JSON"):
        run_python_benchmark(str(tree), "benchmarks/bench_bad.py", str(tree), 60)
    (tree / "benchmarks" / "bench_crash.py").write_text("raise SystemExit('broken input')\n")
    (tree / "benchmarks" / "bench_quiet.py").write_text("")
    with pytest.raises(ResultError, match=r"bench_quiet\.py stdout: no .* \(print one JSON object"):
        run_python_benchmark(str(tree), "benchmarks/bench_quiet.py", str(tree), 60)
    with pytest.raises(ResultError, match=r"bench_crash\.py: exited with code 1: broken input"):
        run_python_benchmark(str(tree), "benchmarks/bench_crash.py", str(tree), 60)


@pytest.mark.skipif(
    importlib.util.find_spec("pytest_benchmark") is None, reason="pytest-benchmark not installed"
)
def test_pytest_benchmark_file_records_every_round(tree: Path) -> None:
    (tree / "benchmarks" / "test_speed.py").write_text(
        "def test_sum(benchmark):\n    benchmark.pedantic(sum, args=(range(100),), rounds=7)\n"
    )
    (tree / "benchmarks" / "conftest.py").write_text("")
    found = run_python_benchmark(str(tree), "benchmarks/test_speed.py", str(tree), 120)
    (only,) = found
    assert only.name.endswith("test_speed.py::test_sum")
    assert len(only.samples) == 7  # pytest-benchmark keeps every round in its JSON
    assert only.unit == "s"


@pytest.mark.slow
def test_doit_benchmark_runs_python_benchmarks_once(tree: Path) -> None:
    (tree / "dodo.py").write_text("from gauntlet.dodo import *  # noqa: F403\n")
    (tree / "numpy.py").write_text("")
    (tree / ".gauntlet" / "build" / "python").mkdir(parents=True)
    (tree / ".gauntlet" / "build" / "python" / "fastext.py").write_text("")
    (tree / "benchmarks" / "helper.py").write_text("CASES = {'a': [1.0]}\n")
    src = str(Path(gauntlet.__file__).resolve().parents[1])

    def doit() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "doit", "benchmark"],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": src},
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    first = doit()
    assert "benchmark:benchmarks/bench_py.py" in first
    results = tree / ".gauntlet" / "results" / "bench" / "benchmarks__bench_py.py.samples.json"
    assert [m["name"] for m in json.loads(results.read_text())["measurements"]] == ["a"]
    assert "0 task(s) ran" in doit()
    (tree / "pkg" / "other.py").write_text("changed = True\n")
    assert "benchmark:benchmarks/bench_py.py" in doit()
