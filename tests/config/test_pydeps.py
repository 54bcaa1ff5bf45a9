from __future__ import annotations

from pathlib import Path

from conftest import WriteTree

from gauntlet.adapters.noxinstall import gauntlet_requirement, mojo_python_modules
from gauntlet.config.load import load_config
from gauntlet.config.pydeps import Declared, chosen, declarations, declaring
from gauntlet.graph.scan import python_import_lines

PYPROJECT = """[project]
name = "adopter"
dependencies = ["rich>=13"]

[project.optional-dependencies]
tests = ["pytest"]
dev = ["mypy"]

[dependency-groups]
lint = ["ruff"]
test = ["pytest>=8", {include-group = "data"}]
data = ["numpy>=1.26", "PyYAML>=6"]
"""


def test_a_dependency_group_is_chosen_before_an_extra_and_expanded(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(PYPROJECT, encoding="utf-8")
    found = chosen(pyproject)
    assert found == Declared("group", "test", ("pytest>=8", "numpy>=1.26", "PyYAML>=6"))
    assert str(found) == "[dependency-groups] test"
    assert chosen(pyproject, ("dev",)) == Declared("extra", "dev", ("mypy",))
    assert chosen(pyproject, ("bench",)) is None


def test_only_extras_gives_the_extra(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "a"\n[project.optional-dependencies]\ntests = ["x"]\n')
    assert str(chosen(pyproject)) == "[project.optional-dependencies] tests"


def test_a_module_is_found_in_any_declaration_by_its_distribution(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(PYPROJECT, encoding="utf-8")
    sets = declarations(pyproject)
    assert declaring("numpy.linalg", sets) == "numpy>=1.26"
    assert declaring("yaml", sets) == "PyYAML>=6"  # imported as yaml, distributed as PyYAML
    assert declaring("rich", sets) == "rich>=13"
    assert declaring("torch", sets) is None


def test_python_import_lines_give_module_and_line() -> None:
    text = 'def main():\n    var np = Python.import_module("numpy")\n'
    text += '    Python.import_module("yaml")\n'
    assert python_import_lines(text) == (("numpy", 2), ("yaml", 3))


def test_gauntlet_is_installed_from_the_tree_it_came_from_unless_it_is_the_project(
    tmp_path: Path,
) -> None:
    import gauntlet

    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "adopter"\n', encoding="utf-8")
    tree = Path(gauntlet.__file__).parents[2]
    assert gauntlet_requirement(pyproject) == ("-e", str(tree))
    pyproject.write_text('[project]\nname = "Mojo_Gauntlet"\n', encoding="utf-8")
    assert gauntlet_requirement(pyproject) == ()


def test_undeclared_python_modules_of_mojo_code_are_named_with_file_and_line(
    write_tree: WriteTree,
) -> None:
    root = write_tree(
        {
            "pyproject.toml": PYPROJECT + "\n[tool.gauntlet]\n",
            "tests/test_a.mojo": (
                "from std.python import Python\n"
                "def main() raises:\n"
                '    var np = Python.import_module("numpy")\n'
                '    var os = Python.import_module("os")\n'
                '    var h = Python.import_module("helper")\n'
                '    var t = Python.import_module("torch")\n'
            ),
            "tests/helper.py": "",
        }
    )
    wanted, undeclared = mojo_python_modules(load_config(root))
    assert wanted == ["numpy>=1.26"]
    assert undeclared == [("tests/test_a.mojo:6", "torch")]
