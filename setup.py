"""Everything is in pyproject.toml but one file: ``gauntlet-doit.pth``.

doit reads ``pyproject.toml`` before it imports ``dodo.py``; the ``.pth`` line,
run by Python's ``site`` at start-up, lets gauntlet check the file first (see
``gauntlet.adapters.doitstart``).  A ``.pth`` file works only at the top of
site-packages, so it is copied there, beside the ``gauntlet`` package.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PTH = "gauntlet-doit.pth"


class BuildPy(build_py):
    """``build_py`` that also puts ``gauntlet-doit.pth`` at the top of the wheel."""

    def run(self) -> None:
        super().run()
        self.copy_file(str(Path("src") / PTH), str(Path(self.build_lib) / PTH))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), str(Path(self.build_lib) / PTH)]


setup(cmdclass={"build_py": BuildPy})
