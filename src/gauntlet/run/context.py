"""From configuration to plan, the one way every entry point takes.

``doit``, ``gauntlet scan``, ``gauntlet report`` and the benchmark builds all
need the same front half: the validated configuration, the scanned project
(through the scan cache), and the plan keyed for the configured compiler.
:func:`load_context` is that pipeline.  It lives in the run layer because a
plan's keys include the compiler's identity and capabilities (:func:`compiler_identity`);
putting it in ``graph`` would make every caller pass that in, which is the
repetition this function removes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gauntlet.config.load import Config, load_config
from gauntlet.errors import GauntletError
from gauntlet.graph.plan import Plan, make_plan
from gauntlet.graph.project import Project, build_project
from gauntlet.graph.resolve import Lookup
from gauntlet.graph.scancache import ScanCache
from gauntlet.layout import Layout
from gauntlet.run import toolchain
from gauntlet.run.mojocaps import Capabilities


@dataclass(frozen=True)
class Context:
    """A project loaded: its configuration, layout, scanned sources and plan."""

    config: Config
    layout: Layout
    project: Project
    plan: Plan
    parsed: int  # files the scanner parsed (the rest came from the scan cache)

    @property
    def diagnostics(self) -> list[str]:
        """Missing include roots, then problems in the programs' imports (unresolved modules)."""
        found = self.project.diagnostics(self.project.programs())
        return [*missing_include_roots(self.config), *map(str, found)]


def missing_include_roots(config: Config) -> list[str]:
    """A warning for each configured (or default) include root that is not a folder."""
    configured = "include" in config.raw
    problems = []
    for root in config.include:
        if (config.root / root).is_dir():
            continue
        where = f"{config.pyproject}: [tool.gauntlet] include"
        if configured:
            problems.append(f"{where}: include root {root!r} is not a folder under {config.root}")
            continue
        problems.append(
            f"{where} is not set and the default include root {root!r} is not a folder under "
            f'{config.root}; set include = ["."] (or the folder that holds your packages)'
        )
    return problems


def _tags(env: Mapping[str, str], name: str) -> frozenset[str]:
    return frozenset(t.strip() for t in env.get(name, "").split(",") if t.strip())


def load_context(
    where: Config | Path | None = None,
    *,
    selected: bool = False,
    env: Mapping[str, str] | None = None,
) -> Context:
    """Configuration, scanned project and plan of a project.

    ``where`` is a loaded configuration, or the folder to look for
    ``pyproject.toml`` from (default: the working directory).  With
    ``selected`` (a run of the graph) the plan leaves out the tests tagged with
    the configured ``skip-tags`` or ``$GAUNTLET_SKIP_TAGS``, and, when
    ``$GAUNTLET_ONLY_TAGS`` is set, the tests without one of its tags (both
    comma-separated); otherwise it holds every test.
    """
    env = os.environ if env is None else env
    config = where if isinstance(where, Config) else load_config(where)
    layout = Layout.of(config)
    cache = ScanCache(layout.build.scan_cache)
    identity, caps = compiler_identity(config.mojo_version)
    lookup = Lookup(caps.package_suffix, listing_order=caps.listing_order)
    project = build_project(config, cache, lookup, layout.build.resolve_cache)
    skip, only = frozenset[str](), frozenset[str]()
    if selected:
        skip = frozenset(config.skip_tags) | _tags(env, "GAUNTLET_SKIP_TAGS")
        only = _tags(env, "GAUNTLET_ONLY_TAGS")
    plan = make_plan(
        project,
        identity,
        skip_tags=skip,
        only_tags=only,
        package_suffix=caps.package_suffix,
    )
    return Context(config, layout, project, plan, cache.parsed)


def compiler_identity(version: str) -> tuple[str, Capabilities]:
    """The compiler's part of every key: its version and what it can do.

    The capabilities come from the compiler when it is installed (probed once
    per binary, then cached); before that, the set 1.x has, so keys of a
    1.x project do not change when its compiler arrives.
    """
    try:
        found = toolchain.find(version)
    except GauntletError:
        found = None  # the toolchain task reports it
    caps = found.capabilities() if found is not None else Capabilities()
    return f"{toolchain.identity(version)} [{caps.tag}]", caps
