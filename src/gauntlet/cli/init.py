"""``gauntlet init [PATH]``: adopt a repository, choosing every setting from evidence.

It writes ``dodo.py``, ``noxfile.py``, a ``[tool.gauntlet]`` table appended to
``pyproject.toml`` (created when absent), ``.gauntlet/`` in ``.gitignore`` and a
thin CI workflow (templates in the top-level ``ci/`` folder, shipped as
``gauntlet/templates``).  Each choice is printed with its evidence.  No file is
overwritten without ``--force``, ``--dry-run`` writes nothing, and a second run
changes nothing.  Exit codes: 0 done, 3 PATH is not a folder or its
``pyproject.toml`` cannot be read.
"""

from __future__ import annotations

import difflib
import json
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from gauntlet.atomic import write_text_atomic
from gauntlet.config.adopt import Choice, mojo_version, script_commands, test_flags
from gauntlet.config.load import load_config
from gauntlet.config.model import Config
from gauntlet.config.pydeps import DISTRIBUTIONS, declarations, declaring
from gauntlet.config.pyversions import declared_pythons
from gauntlet.errors import ExitCode
from gauntlet.graph.adopt import include_roots, layout, python_modules, test_cwd
from gauntlet.run.pyindex import release_dates

if TYPE_CHECKING:
    import argparse

DODO = (
    '"""doit tasks: gauntlet\'s Mojo build, test and benchmark graph."""\n\n'
    "from gauntlet.dodo import *  # noqa: F403, RUF100\n"
)
NOXFILE = (
    '"""nox sessions: gauntlet\'s pipeline (`nox -s ci`) and its stages."""\n\n'
    "from gauntlet.noxsessions import *  # noqa: F403, RUF100\n"
)
GROUP = "mojo-python"  # the dependency group init adds for undeclared modules
_TABLE = re.compile(r"^\[tool\.gauntlet\]\s*$", re.MULTILINE)
_GROUPS = re.compile(r"^\[dependency-groups\]\s*$", re.MULTILINE)


def add_init_arguments(parser: argparse.ArgumentParser) -> None:
    """``init [PATH] [--force] [--dry-run] [--ci-only] [--gitlab]``."""
    parser.add_argument("path", nargs="?", type=Path, default=Path(), help="the repository")
    parser.add_argument("--force", action="store_true", help="overwrite files that differ")
    parser.add_argument("--dry-run", action="store_true", help="show what would be written")
    parser.add_argument("--ci-only", action="store_true", help="only the CI workflow")
    parser.add_argument("--gitlab", action="store_true", help="write .gitlab-ci.yml too")


def template(name: str) -> str:
    """A CI template shipped with the package."""
    return (resources.files("gauntlet") / "templates" / name).read_text(encoding="utf-8")


def render_github(pythons: list[str]) -> str:
    """The GitHub Actions workflow for these Python versions."""
    lines = "\n".join(f"            {v}" for v in pythons)
    return template("github-workflow.yml").replace("@PYTHON_VERSIONS@", lines)


def render_gitlab(pythons: list[str]) -> str:
    """The GitLab CI file, on the newest declared Python."""
    return template("gitlab-ci.yml").replace("@PYTHON@", pythons[-1])


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def table(choices: list[Choice]) -> str:
    """The ``[tool.gauntlet]`` table for the decided keys."""
    lines = ["[tool.gauntlet]"]
    lines += [f"{c.key} = {_toml(c.value)}" for c in choices if c.value is not None]
    return "\n".join(lines) + "\n"


def _print_choice(choice: Choice) -> None:
    shown = (
        f"{choice.key} = {_toml(choice.value)}"
        if choice.value is not None
        else f"{choice.key}: left out"
    )
    print(shown)
    for line in choice.evidence:
        print(f"    ← {line}")


def decide(root: Path) -> tuple[list[Choice], list[str]]:
    """Every ``[tool.gauntlet]`` choice, and the Python modules the Mojo code imports."""
    version = mojo_version(root, lambda: release_dates("mojo"))
    flags, script_include, cds = test_flags(script_commands(root))
    base = Config(pyproject=root / "pyproject.toml", root=root)
    include, project = include_roots(base, tuple(script_include.value))
    if script_include.evidence:
        include = Choice(include.key, include.value, (*script_include.evidence, *include.evidence))
    tests, benches, packages = layout(project)
    modules = python_modules(project)
    cwd = test_cwd(project, cds)
    choices = [version, include, tests, benches, packages, flags, cwd]
    for choice in (*choices, modules):
        _print_choice(choice)
    return choices, list(modules.value)


def _replace_table(text: str, new: str) -> str:
    match = _TABLE.search(text)
    assert match is not None  # noqa: S101 - callers check
    rest = re.search(r"^\[", text[match.end() :], re.MULTILINE)
    end = match.end() + rest.start() if rest else len(text)
    return text[: match.start()] + new + ("\n" if rest else "") + text[end:]


def pyproject_text(path: Path, new_table: str, modules: list[str], force: bool) -> str:
    """pyproject.toml with the table appended (or replaced with ``force``) and missing modules."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", path.parent.name).strip("-") or "project"
    text = (
        path.read_text(encoding="utf-8")
        if path.is_file()
        else (
            '[build-system]\nrequires = ["setuptools>=68"]\n'
            'build-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "{name}"\nversion = "0"\n\n[tool.setuptools]\npackages = []\n'
        )
    )
    if _TABLE.search(text):
        if force:
            text = _replace_table(text, new_table)
        else:
            print(f"{path}: [tool.gauntlet] exists: kept (--force replaces it)")
    else:
        text = text.rstrip("\n") + "\n\n" + new_table
    sets = declarations(path) if path.is_file() else []
    missing = [DISTRIBUTIONS.get(m, m) for m in modules if declaring(m, sets) is None]
    if missing:
        line = f"{GROUP} = {_toml(missing)}  # Python modules the Mojo code imports\n"
        print(
            f"pyproject.toml: [dependency-groups] {GROUP} = {_toml(missing)} (declared nowhere; "
            "the mojo and bench sessions install it)"
        )
        match = _GROUPS.search(text)
        if match:
            text = text[: match.end() + 1] + line + text[match.end() + 1 :]
        else:
            text = text.rstrip("\n") + "\n\n[dependency-groups]\n" + line
    return text


def gitignore_text(path: Path) -> str:
    """``.gitignore`` with ``.gauntlet/`` in it."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    if {".gauntlet/", ".gauntlet", "/.gauntlet/", "/.gauntlet"} & {
        ln.strip() for ln in text.splitlines()
    }:
        return text
    return (text.rstrip("\n") + "\n" if text.strip() else "") + ".gauntlet/\n"


def write(root: Path, files: dict[str, str], *, force: bool, dry_run: bool) -> list[str]:
    """Write each file unless it exists and differs (without ``force``); say what happened."""
    written = []
    for rel, content in files.items():
        path = root / rel
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old == content:
            print(f"{rel}: unchanged")
            continue
        if old is not None and not force and rel not in ("pyproject.toml", ".gitignore"):
            print(f"{rel}: exists and differs: kept (--force overwrites)")
            continue
        verbs = ("would write", "wrote") if old is None else ("would overwrite", "overwrote")
        if old is not None and rel in ("pyproject.toml", ".gitignore"):
            verbs = ("would add to", "added to")  # appended to, never rewritten
        verb = verbs[0] if dry_run else verbs[1]
        print(f"{rel}: {verb}")
        if dry_run:
            diff = difflib.unified_diff(
                (old or "").splitlines(keepends=True), content.splitlines(keepends=True), rel, rel
            )
            print("".join(diff).rstrip("\n"))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, content)
        written.append(rel)
    return written


def cmd_init(
    *, project: Path | None, path: Path, force: bool, dry_run: bool, ci_only: bool, gitlab: bool
) -> int:
    """Inspect the repository at ``path`` and write gauntlet's thin files."""
    root = path.resolve()
    if not root.is_dir():
        print(f"gauntlet init: {path} is not a folder; give the repository's folder")
        return ExitCode.USAGE
    pyproject = root / "pyproject.toml"
    files: dict[str, str] = {}
    if not ci_only:
        choices, modules = decide(root)
        files["pyproject.toml"] = pyproject_text(pyproject, table(choices), modules, force)
        files["dodo.py"] = DODO
        files["noxfile.py"] = NOXFILE
        files[".gitignore"] = gitignore_text(root / ".gitignore")
    pythons = declared_pythons(pyproject) if pyproject.is_file() else declared_pythons(root / "-")
    files[".github/workflows/ci.yml"] = render_github(pythons)
    if gitlab:
        files[".gitlab-ci.yml"] = render_gitlab(pythons)
    written = write(root, files, force=force, dry_run=dry_run)
    if not dry_run and not ci_only:
        config = load_config(root)  # what doit will read: a problem is a config error (exit 3)
        print(f"[tool.gauntlet] loads: Mojo {config.mojo_version}, {len(written)} file(s) written")
    return ExitCode.OK
