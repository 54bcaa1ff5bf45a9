"""What the nox sessions install: the project, its test dependencies, and gauntlet.

In an adopting project a session's environment needs gauntlet itself (the
sessions run ``python -m gauntlet...`` and ``gauntlet`` there), the same one
the noxfile imported: its source tree when it was imported from one, else
``mojo-gauntlet==<version>``; in gauntlet's own repository the project *is*
gauntlet.  The project's test dependencies come from a dependency group or an
extra (:mod:`gauntlet.config.pydeps`), and the sessions that run Mojo code
install the requirements that provide the Python modules it imports through
``Python.import_module``: a Mojo program loads them from the ``python3`` on
PATH, which inside a session is the session's.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import nox

import gauntlet
from gauntlet.adapters.noxsteps import install
from gauntlet.config.load import Config
from gauntlet.config.pydeps import BENCH_NAMES, TEST_NAMES, canonical, chosen, declarations
from gauntlet.config.pydeps import declaring as declaring_requirement
from gauntlet.config.pyversions import project_name
from gauntlet.graph.project import build_project
from gauntlet.graph.scan import python_import_lines
from gauntlet.graph.scancache import ScanCache
from gauntlet.layout import Layout

PYTEST_TOOLS = ("pytest>=8", "pytest-cov>=5")  # run_pytest measures coverage


def gauntlet_requirement(pyproject: Path) -> tuple[str, ...]:
    """Install arguments for the gauntlet the noxfile imported; none in gauntlet's own tree."""
    if canonical(project_name(pyproject)) == gauntlet.DISTRIBUTION:
        return ()
    package = Path(gauntlet.__file__).resolve().parent
    for tree in (package.parent, package.parent.parent):  # flat or src layout
        if (tree / "pyproject.toml").is_file() and (
            canonical(project_name(tree / "pyproject.toml")) == gauntlet.DISTRIBUTION
        ):
            return ("-e", str(tree))
    try:
        version = importlib.metadata.version(gauntlet.DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        version = gauntlet.__version__
    return (f"{gauntlet.DISTRIBUTION}=={version}",)


def install_project(
    session: nox.Session,
    config: Config | None = None,
    *,
    tools: tuple[str, ...] = (),
    deps: tuple[str, ...] | None = TEST_NAMES,
    editable: bool = True,
) -> None:
    """Install the project (with the first of ``deps`` it declares), gauntlet and ``tools``.

    With ``config`` (the sessions that run Mojo code) the requirements that
    provide the Python modules the Mojo code imports are installed too, and a
    benchmark group or extra when the project declares one.
    """
    pyproject = Path("pyproject.toml").resolve()
    extras: list[str] = []
    extra: list[str] = []
    for names in (deps, BENCH_NAMES if config is not None else None):
        declared = chosen(pyproject, names) if names else None
        if names and declared is None:
            session.log(f"no dependency group or extra named {' / '.join(names)} in {pyproject}")
        elif declared is not None and declared.kind == "extra":
            extras.append(declared.name)
            session.log(f"installing the project with {declared} of {pyproject}")
        elif declared is not None:
            extra.extend(declared.requirements)
            session.log(f"installing {declared} of {pyproject}: {' '.join(declared.requirements)}")
    target = f".[{','.join(extras)}]" if extras else "."
    project = ("-e", target) if editable else (target,)
    if config is not None:
        extra.extend(mojo_python_requirements(session, config))
    args = [*project, *gauntlet_requirement(pyproject), *tools, *dict.fromkeys(extra)]
    install(session, *args)


def mojo_python_requirements(session: nox.Session, config: Config) -> list[str]:
    """:func:`mojo_python_modules` with a session warning for each undeclared module."""
    wanted, undeclared = mojo_python_modules(config)
    for where, module in undeclared:
        session.warn(
            f"{where}: the Mojo code imports the Python module {module!r}, which "
            f"{config.pyproject} declares nowhere; add it to [project] dependencies, a "
            "dependency group or an extra, or it comes from whatever python3 is on PATH"
        )
    return wanted


def mojo_python_modules(config: Config) -> tuple[list[str], list[tuple[str, str]]]:
    """The declared requirements providing the Python modules the Mojo code imports.

    Also each module declared nowhere, as (Mojo ``file:line`` importing it,
    module); standard-library modules and the project's own Python and
    extension modules need no declaration.
    """
    found = build_project(config, ScanCache(Layout.of(config).build.scan_cache))
    local = {e.name for e in config.extensions} | set(sys.stdlib_module_names) | {"builtins"}
    sets = declarations(config.pyproject)
    wanted: list[str] = []
    undeclared: list[tuple[str, str]] = []
    for path, source in sorted(found.files.items()):
        here = (config.root / path).parent
        modules = [
            m
            for m in source.python_modules
            if m.split(".")[0] not in local and not _beside(m.split(".")[0], here, config.root)
        ]
        if not modules:
            continue
        text = (config.root / path).read_text(encoding="utf-8", errors="replace")
        for module, line in python_import_lines(text):
            if module not in modules:
                continue
            requirement = declaring_requirement(module, sets)
            if requirement is None:
                undeclared.append((f"{path}:{line}", module))
            else:
                wanted.append(requirement)
    return list(dict.fromkeys(wanted)), undeclared


def _beside(top: str, *folders: Path) -> bool:
    """Is ``top`` a Python module or package of the project itself (beside the file or at root)?"""
    return any((f / f"{top}.py").is_file() or (f / top / "__init__.py").is_file() for f in folders)
