"""The project's Python tests, run against the installed wheel, not the source tree.

The cibuildwheel way: the test folders are copied into a new temporary folder
outside the source tree, and pytest runs there (``--rootdir`` that folder, an
empty ``pytest.ini`` so no configuration of the tree is picked up, no
``PYTHONPATH``, ``-p no:cacheprovider``) with the venv's interpreter in
isolated mode (``-I``: neither the current folder nor user site-packages on
``sys.path``).  The tests find the package only where the wheel installed it.

That is then proven, not assumed: the same process that ran pytest records the
``__file__`` of each of the wheel's top-level modules after the run, and each
must lie in the venv's site-packages.  One imported from the source tree (or
anywhere else), or never imported by the tests, fails the verification.
``GAUNTLET_INSTALLED_WHEEL`` holds the wheel's path during the run, so a test
suite's ``conftest.py`` can tell it is testing an installed wheel.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gauntlet import runner
from gauntlet.atomic import write_text_atomic
from gauntlet.errors import GauntletError, ResultError
from gauntlet.release.verify import SCHEMA_VERSION, clean_env, read_wheel, step, tail
from gauntlet.results.jsonfile import convert, load_json
from gauntlet.results.junitread import read_junit

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from gauntlet.release.verify import Echo, VerifyEnv

REPORT = "installed-tests.json"
JUNIT = "installed-junit.xml"
TIMEOUT_S = 1800.0
WHEEL_VARIABLE = "GAUNTLET_INSTALLED_WHEEL"

# Runs pytest, then records where the wheel's modules were imported from.
_DRIVER = """
import json, sys
import pytest
out, names = sys.argv[1], json.loads(sys.argv[2])
code = int(pytest.main(sys.argv[3:]))
def where(module):  # a namespace package has no __file__, only __path__
    if module is None:
        return None
    return getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", [])), None)
origins = {n: where(sys.modules.get(n)) for n in names}
with open(out, "w", encoding="utf-8") as f:
    json.dump({"exit": code, "origins": origins}, f)
sys.exit(code)
"""


@dataclass(frozen=True)
class InstalledTests:
    """The installed wheel's test run: counts, failing tests, where the package came from."""

    wheel: str
    junit: str  # the JUnit file ("" when the tests did not run)
    exit_code: int | None
    total: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    failures: tuple[str, ...] = ()  # "name: message" of each failing test
    origins: tuple[tuple[str, str], ...] = ()  # (module, its __file__ in the test run)
    problems: tuple[str, ...] = ()  # what else went wrong (install, origin, no tests)

    @property
    def ok(self) -> bool:
        """The tests ran, passed, and imported the installed package."""
        clean = not self.problems and not self.failures and self.failed + self.errors == 0
        return clean and self.exit_code == 0 and self.total > 0

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "ok": self.ok,
            "wheel": self.wheel,
            "junit": self.junit,
            "exit_code": self.exit_code,
            "total": self.total,
            "failed": self.failed,
            "errors": self.errors,
            "skipped": self.skipped,
            "failures": list(self.failures),
            "origins": dict(self.origins),
            "problems": list(self.problems),
        }

    @classmethod
    def from_json(cls, data: Any) -> InstalledTests:
        """The result in ``data`` (as :meth:`to_json` wrote it)."""
        if data["schema_version"] != SCHEMA_VERSION:
            raise ValueError(f"schema_version {data['schema_version']}, expected {SCHEMA_VERSION}")
        code = data["exit_code"]
        return cls(
            str(data["wheel"]),
            str(data["junit"]),
            None if code is None else int(code),
            int(data["total"]),
            int(data["failed"]),
            int(data["errors"]),
            int(data["skipped"]),
            tuple(map(str, data["failures"])),
            tuple((str(k), str(v)) for k, v in data["origins"].items()),
            tuple(map(str, data["problems"])),
        )

    @classmethod
    def read(cls, path: Path) -> InstalledTests:
        """The result at ``path``; a missing or broken file is a ResultError naming it."""
        return convert(
            path, load_json(path, what="installed tests report"), cls.from_json, "a report"
        )


def _copy_tests(tests: Sequence[Path], into: Path) -> list[str]:
    """Copy each test folder (or file) into ``into``; their names there."""
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc")
    names = []
    for source in tests:
        if not source.exists():
            raise GauntletError(f"{source}: no such test folder; fix [tool.gauntlet.release] tests")
        target, number = into / source.name, 1
        while target.exists():  # python/tests and other/tests: tests, tests-2
            number += 1
            target = into / f"{source.name}-{number}"
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        else:
            shutil.copy2(source, target)
        names.append(target.name)
    return names


def origin_problems(
    origins: Mapping[str, str | None], site_packages: Path, source_tree: Path | None
) -> list[str]:
    """Why ``origins`` do not prove the installed package was tested ([] when they do)."""
    site = site_packages.resolve()
    if not origins:
        return ["the wheel has no top-level module to import: nothing shows it was tested"]
    problems = []
    for module, file in sorted(origins.items()):
        if file is None:
            problems.append(
                f"the tests never imported {module}: nothing shows the installed wheel was "
                "tested; give tests that import it ([tool.gauntlet.release] tests)"
            )
            continue
        where = Path(file).resolve()
        if where.is_relative_to(site):
            continue
        if source_tree is not None and where.is_relative_to(source_tree.resolve()):
            problems.append(
                f"{module} was imported from the source tree ({where}), not the installed "
                f"wheel in {site}: the tests must import the package, not a path in the tree"
            )
        else:
            problems.append(f"{module} was imported from {where}, outside the venv's {site}")
    return problems


def installed_tests(
    env: VerifyEnv,
    tests: Sequence[Path],
    out: Path,
    *,
    modules: Sequence[str] = (),
    source_tree: Path | None = None,
    pytest_args: Sequence[str] = (),
    echo: Echo = print,
    timeout: float = TIMEOUT_S,
) -> InstalledTests:
    """Run ``tests`` against the wheel installed in ``env``; write ``out/installed-tests.json``.

    ``modules`` are the ones whose origin is checked (default: the wheel's top-level
    modules); ``source_tree`` names the repository in the message when one came from it.
    """
    out.mkdir(parents=True, exist_ok=True)
    junit = out / JUNIT
    junit.unlink(missing_ok=True)
    names = list(modules) or list(read_wheel(env.wheel).top_level)
    if not env.ok:
        result = InstalledTests(str(env.wheel), "", None, problems=(env.problem,))
        return _write(result, out, echo)
    with tempfile.TemporaryDirectory(prefix="gauntlet-installed-") as temp:
        folder = Path(temp)
        copied = _copy_tests(tests, folder)
        (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        origins_file = folder.parent / f"{folder.name}.origins.json"
        argv = [str(env.python), "-I", "-c", _DRIVER, str(origins_file), json.dumps(names)]
        argv += ["-p", "no:cacheprovider", f"--rootdir={folder}", f"--junitxml={junit}"]
        argv += ["-c", str(folder / "pytest.ini"), *pytest_args, "--", *copied]
        run_env = clean_env() | {WHEEL_VARIABLE: str(env.wheel.resolve())}
        with step(echo, f"installed-wheel tests: {', '.join(copied)} against {env.wheel.name}"):
            done = runner.run(argv, cwd=folder, env=run_env, timeout=timeout, keep=1 << 20)
        try:
            origins = json.loads(origins_file.read_text(encoding="utf-8"))["origins"]
        except (OSError, ValueError, KeyError):
            origins = None
        finally:
            origins_file.unlink(missing_ok=True)
    return _write(_result(env, junit, done, origins, source_tree), out, echo)


def _result(
    env: VerifyEnv,
    junit: Path,
    done: runner.Completed,
    origins: dict[str, str | None] | None,
    source_tree: Path | None,
) -> InstalledTests:
    problems = []
    if done.timed_out:
        problems.append("the tests timed out; they were stopped")
    if not junit.is_file():
        problems.append(f"pytest wrote no JUnit file:\n{tail(done.stdout + done.stderr)}")
        return InstalledTests(str(env.wheel), "", done.returncode, problems=tuple(problems))
    try:
        run = read_junit(junit)
    except ResultError as exc:
        problems.append(str(exc))
        return InstalledTests(str(env.wheel), str(junit), done.returncode, problems=tuple(problems))
    if origins is None:
        problems.append("the test run did not record where the package was imported from")
    else:
        problems += origin_problems(origins, env.site_packages, source_tree)
    if run.total == 0:
        problems.append("no tests ran: check [tool.gauntlet.release] tests")
    failures = tuple(f"{c.name}: {c.message}".rstrip(": ") for c in run.problems)
    return InstalledTests(
        str(env.wheel),
        str(junit),
        done.returncode,
        run.total,
        run.failed,
        run.errors,
        run.skipped,
        failures,
        tuple(sorted((k, v or "") for k, v in (origins or {}).items())),
        tuple(problems),
    )


def _write(result: InstalledTests, out: Path, echo: Echo) -> InstalledTests:
    write_text_atomic(out / REPORT, json.dumps(result.to_json(), indent=1) + "\n")
    for line in (*result.failures, *result.problems):
        echo(f"installed-wheel tests: {line}")
    return result
