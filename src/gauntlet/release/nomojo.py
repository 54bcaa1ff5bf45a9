"""Does the installed wheel work on a machine without Mojo?

Each module is imported in its own process of the verification venv, from an
empty folder, with Mojo taken out of the environment: ``PATH`` and
``LD_LIBRARY_PATH`` lose every entry inside a forbidden folder (the Mojo
toolchain's) or holding a ``mojo`` program, and ``MODULAR_*`` / ``MOJO_*``
variables are dropped.  The process then lists the shared objects it has
mapped (``/proc/self/maps``).  An import that fails, or a library mapped from
a forbidden folder (reached through an absolute RUNPATH, say), means the wheel
only works where Mojo is installed: the result names the module and library.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet import runner
from gauntlet.atomic import write_text_atomic
from gauntlet.release.verify import SCHEMA_VERSION, clean_env, read_wheel, step, tail
from gauntlet.results.jsonfile import convert, load_json

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from gauntlet.release.verify import Echo, VerifyEnv

REPORT = "without-mojo.json"
TIMEOUT_S = 120.0
_DRIVER = """
import importlib, json, sys
try:
    importlib.import_module(sys.argv[1])
    error = ""
except BaseException as exc:
    error = f"{type(exc).__name__}: {exc}"
libs = set()
with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
    for line in maps:
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5].startswith("/") and ".so" in parts[5]:
            libs.add(parts[5].strip())
print(json.dumps({"error": error, "libs": sorted(libs)}))
"""


@dataclass(frozen=True)
class ModuleImport:
    """One module imported without Mojo: its error, the libraries it loaded, forbidden ones."""

    module: str
    error: str  # "" when the import worked
    libs: tuple[str, ...]  # every shared object the process mapped
    forbidden: tuple[str, ...]  # those inside a forbidden folder

    @property
    def ok(self) -> bool:
        """Imported, and nothing came from a forbidden folder."""
        return not self.error and not self.forbidden


@dataclass(frozen=True)
class WithoutMojo:
    """The wheel's modules imported with no Mojo in reach."""

    wheel: str
    forbidden_folders: tuple[str, ...]
    imports: tuple[ModuleImport, ...]
    problems: tuple[str, ...] = ()  # why the check could not run (install failed)

    @property
    def ok(self) -> bool:
        """Every module imported without touching a forbidden folder."""
        return bool(self.imports) and not self.problems and all(i.ok for i in self.imports)

    @property
    def failures(self) -> tuple[str, ...]:
        """One message for each module that failed."""
        found = []
        for item in self.imports:
            if item.error:
                found.append(f"import {item.module} failed without Mojo: {item.error}")
            found += [
                f"import {item.module} loaded {lib}, inside a forbidden folder (the Mojo "
                "toolchain's): the wheel works only where Mojo is installed; bundle the "
                "runtime libraries in it (auditwheel repair)"
                for lib in item.forbidden
            ]
        return (*self.problems, *found)

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "ok": self.ok,
            "wheel": self.wheel,
            "forbidden_folders": list(self.forbidden_folders),
            "imports": [
                {
                    "module": i.module,
                    "error": i.error,
                    "libs": list(i.libs),
                    "forbidden": list(i.forbidden),
                }
                for i in self.imports
            ],
            "problems": list(self.problems),
        }

    @classmethod
    def from_json(cls, data: Any) -> WithoutMojo:
        """The result in ``data`` (as :meth:`to_json` wrote it)."""
        if data["schema_version"] != SCHEMA_VERSION:
            raise ValueError(f"schema_version {data['schema_version']}, expected {SCHEMA_VERSION}")
        imports = tuple(
            ModuleImport(
                str(i["module"]),
                str(i["error"]),
                tuple(map(str, i["libs"])),
                tuple(map(str, i["forbidden"])),
            )
            for i in data["imports"]
        )
        folders = tuple(map(str, data["forbidden_folders"]))
        return cls(str(data["wheel"]), folders, imports, tuple(map(str, data["problems"])))

    @classmethod
    def read(cls, path: Path) -> WithoutMojo:
        """The result at ``path``; a missing or broken file is a ResultError naming it."""
        return convert(path, load_json(path, what="without-Mojo report"), cls.from_json, "a report")


def _inside(path: str, folders: Sequence[Path]) -> bool:
    where = Path(path).resolve()
    return any(where.is_relative_to(f) for f in folders)


def without_mojo_env(
    forbidden: Sequence[Path], env: Mapping[str, str] | None = None
) -> dict[str, str]:
    """``env`` (default: this process's) with no Mojo on PATH / LD_LIBRARY_PATH."""
    folders = [f.resolve() for f in forbidden]
    result = {k: v for k, v in clean_env(env).items() if not k.startswith(("MODULAR_", "MOJO_"))}
    for name in ("PATH", "LD_LIBRARY_PATH"):
        entries = [
            e
            for e in result.get(name, "").split(os.pathsep)
            if e and not _inside(e, folders) and not (Path(e) / "mojo").exists()
        ]
        result[name] = os.pathsep.join(entries)
    return result


def import_without_mojo(
    env: VerifyEnv,
    forbidden: Sequence[Path],
    out: Path,
    *,
    modules: Sequence[str] = (),
    echo: Echo = print,
    timeout: float = TIMEOUT_S,
) -> WithoutMojo:
    """Import ``modules`` (default: the wheel's top level) in ``env`` with no Mojo in reach.

    Writes ``out/without-mojo.json`` and returns it.
    """
    folders = tuple(str(f.resolve()) for f in forbidden)
    names = list(modules) or list(read_wheel(env.wheel).top_level)
    if not env.ok:
        return _write(WithoutMojo(str(env.wheel), folders, (), (env.problem,)), out)
    if not names:
        problem = "the wheel has no top-level module to import"
        return _write(WithoutMojo(str(env.wheel), folders, (), (problem,)), out)
    run_env = without_mojo_env(forbidden)
    imports = []
    with (
        step(echo, f"import without Mojo: {', '.join(names)}"),
        tempfile.TemporaryDirectory(prefix="gauntlet-nomojo-") as empty,
    ):
        for name in names:
            argv = [str(env.python), "-I", "-c", _DRIVER, name]
            done = runner.run(argv, cwd=empty, env=run_env, timeout=timeout)
            try:
                seen = json.loads(done.stdout.strip().splitlines()[-1])
                error, libs = str(seen["error"]), tuple(map(str, seen["libs"]))
            except (ValueError, KeyError, IndexError):
                error, libs = f"the import process failed:\n{tail(done.stderr)}", ()
            bad = tuple(lib for lib in libs if _inside(lib, [Path(f) for f in folders]))
            imports.append(ModuleImport(name, error, libs, bad))
    result = _write(WithoutMojo(str(env.wheel), folders, tuple(imports)), out)
    for line in result.failures:
        echo(line)
    return result


def _write(result: WithoutMojo, out: Path) -> WithoutMojo:
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / REPORT, json.dumps(result.to_json(), indent=1) + "\n")
    return result
