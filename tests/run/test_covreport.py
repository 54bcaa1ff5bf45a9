from __future__ import annotations

from conftest import WriteTree

from gauntlet.run.context import load_context
from gauntlet.run.covreport import coverage_sources, is_program

# The shape of a real 0.26 repository: a library package, and at its root a
# benchmark, a fuzzer and a Python extension module that no test imports.
PROJECT = {
    "pyproject.toml": '[tool.gauntlet]\ninclude = ["."]\ntests = ["test"]\n',
    "lib/__init__.mojo": "from .core import double\n",
    "lib/core.mojo": "fn double(x: Int) -> Int:\n    return x * 2\n",
    "lib/unused.mojo": "fn never(x: Int) -> Int:\n    return x\n",
    "lib/cli.mojo": "from lib import double\n\n\nfn main():\n    print(double(2))\n",
    "bench.mojo": "from lib import double\n\n\nfn main() raises:\n    _ = double(1)\n",
    "fuzz.mojo": "from lib import double\n\n\ndef main():\n    _ = double(3)\n",
    "lib_python.mojo": (
        "from python import PythonObject\n\n\n@export\n"
        "fn PyInit_lib_python() -> PythonObject:\n    return PythonObject()\n"
    ),
    "test/test_core.mojo": (
        "from lib.core import double\nfrom lib.cli import main as cli_main\n\n\n"
        "fn main() raises:\n    _ = double(2)\n    cli_main()\n"
    ),
}


def test_programs_no_test_imports_are_not_measured(write_tree: WriteTree) -> None:
    root = write_tree(PROJECT)
    assert sorted(coverage_sources(load_context(root))) == [
        "lib/__init__.mojo",
        "lib/cli.mojo",  # a program, but a test imports it: measured
        "lib/core.mojo",
        "lib/unused.mojo",  # a library file no test imports stays, at 0%
    ]


def test_a_program_named_in_source_is_measured(write_tree: WriteTree) -> None:
    table = '[tool.gauntlet.coverage]\nsource = ["lib", "bench.mojo"]\n'
    pyproject = PROJECT["pyproject.toml"] + table
    root = write_tree({**PROJECT, "pyproject.toml": pyproject})
    sources = coverage_sources(load_context(root))
    assert sorted(sources) == [
        "bench.mojo",
        "lib/__init__.mojo",
        "lib/cli.mojo",
        "lib/core.mojo",
        "lib/unused.mojo",
    ]
    assert sources["bench.mojo"] == PROJECT["bench.mojo"]


def test_is_program_reads_module_level_functions_only() -> None:
    assert is_program("fn main():\n    pass\n")
    assert is_program("def main() raises:\n    pass\n")
    assert is_program("@export\nfn PyInit_mod() -> PythonObject:\n    return m\n")
    assert not is_program("struct S:\n    fn main(self):\n        pass\n")
    assert not is_program("fn outer():\n    fn main():\n        pass\n    main()\n")
    assert not is_program('fn f():\n    """fn main(): in a docstring."""\n    pass\n')
    assert not is_program("fn mainly():\n    pass\n")
