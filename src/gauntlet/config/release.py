"""``[tool.gauntlet.release]`` and its ``environments.NAME`` tables, declared and read.

Paths here are relative to the repository (the folder of ``pyproject.toml``),
not to ``root``: the Python package that is released may live anywhere in it.
Credentials are never values of the configuration, only the *names* of the
environment variables that hold them (or the keyring), and those names are
declared to :mod:`gauntlet.masking` when the configuration loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.config.schema import Key, Table, subtable
from gauntlet.config.values import (
    Invalid,
    Kind,
    describe,
    flag,
    integer,
    one_of,
    relpath,
    relpaths,
    strings,
    text,
)

if TYPE_CHECKING:
    from gauntlet.config.schema import Problems

RELEASE = "tool.gauntlet.release"
ENV_NAME = r"^[A-Za-z][A-Za-z0-9_-]*$"
VARIABLE = r"^[A-Za-z_][A-Za-z0-9_]*$"
VERSION_SOURCES = ("pyproject", "tag")
RUNTIME_MODES = ("repair", "declare")
OUTCOMES = ("fail", "warn")


@dataclass(frozen=True)
class Environment:
    """One package index a release goes to, and how it may be reached."""

    name: str
    index_url: str  # the simple index pip installs from
    upload_url: str = ""  # "": index-url without its trailing "simple/"
    username_env: str = ""  # variable holding the user name ("": "__token__")
    password_env: str = ""  # variable holding the password or token
    keyring: bool = False  # the password comes from the keyring (service: upload URL)
    trusted_publishing: bool = False  # a GitHub OIDC token minted for this index
    requires_approval: bool = False
    promote_from: str = ""  # the same files, from this environment ("": from the build)

    @property
    def upload(self) -> str:
        """Where files are uploaded (the legacy upload API)."""
        if self.upload_url:
            return self.upload_url
        base = self.index_url.rstrip("/")
        return (base[: -len("/simple")] if base.endswith("/simple") else base) + "/"


@dataclass(frozen=True)
class ReleaseSettings:
    """What a release builds, checks and where it goes."""

    project: str = "."  # folder of the released package's pyproject.toml
    version_from: str = "pyproject"
    changelog: str = "changelog.d"  # news fragments, towncrier style
    mojo_packages: tuple[str, ...] = ()  # Mojo packages shipped beside the wheels
    extension_package: str = ""  # where in the wheel the Mojo extensions go ("": top level)
    runtime: str = "repair"  # repair: bundle the Mojo runtime; declare: require it
    tests: tuple[str, ...] = ()  # run against the installed wheel; (): python-tests
    test_requires: tuple[str, ...] = ("pytest",)
    smoke_imports: tuple[str, ...] = ()  # (): the package's top-level modules
    reproducible: str = "fail"  # a build that differs from its rebuild: fail or warn
    hotfix_days: int = 7
    environments: tuple[Environment, ...] = ()
    where: str = ""  # file of the table, for messages

    def environment(self, name: str) -> Environment | None:
        """The environment called ``name``, if it is declared."""
        return next((e for e in self.environments if e.name == name), None)


def _url() -> Kind[str]:
    def parse(value: object) -> str:
        if not isinstance(value, str) or not re.match(r"^https?://\S+$", value):
            raise Invalid(f"expected an http(s):// URL, got {describe(value)}")
        return value

    return Kind(parse, {"type": "string", "pattern": r"^https?://\S+$"})


def _variable() -> Kind[str]:
    def parse(value: object) -> str:
        if not isinstance(value, str) or not re.match(VARIABLE, value):
            raise Invalid(
                f"expected the NAME of an environment variable (never its value), "
                f"got {describe(value)}"
            )
        return value

    return Kind(parse, {"type": "string", "pattern": VARIABLE})


def _env_name() -> Kind[str]:
    def parse(value: object) -> str:
        if not isinstance(value, str) or not re.match(ENV_NAME, value):
            raise Invalid(f"expected an environment name, got {describe(value)}")
        return value

    return Kind(parse, {"type": "string", "pattern": ENV_NAME})


ENVIRONMENT = Table(
    f"{RELEASE}.environments.NAME",
    "A package index the release is published to.",
    (
        Key(
            "index-url",
            _url(),
            "The simple index pip installs from (…/simple/).",
            required="give the index's simple URL",
        ),
        Key("upload-url", _url(), "Where files are uploaded; default: index-url without simple/."),
        Key("username-env", _variable(), "Variable holding the user name; default: __token__."),
        Key("password-env", _variable(), "Variable holding the password or API token."),
        Key("keyring", flag(), "Take the password from the keyring instead."),
        Key("trusted-publishing", flag(), "Mint a token from the GitHub Actions OIDC identity."),
        Key("requires-approval", flag(), "Publishing needs `gauntlet release approve NAME`."),
        Key("promote-from", _env_name(), "Publish the files already smoke-tested there."),
    ),
    Environment,
)

RELEASE_TABLE = Table(
    RELEASE,
    "What `doit release` builds and verifies, and the indexes it publishes to.",
    (
        Key("project", relpath(), "Folder of the released package's pyproject.toml."),
        Key("version-from", one_of(VERSION_SOURCES), "pyproject: [project] version; tag: vX.Y.Z."),
        Key("changelog", relpath(), "Folder of news fragments (NAME.TYPE.md)."),
        Key("mojo-packages", strings(), "Mojo packages shipped with the release (.mojopkg)."),
        Key("extension-package", text(), "Package folder in the wheel for the Mojo extensions."),
        Key("runtime", one_of(RUNTIME_MODES), "repair: bundle the Mojo runtime libraries."),
        Key("tests", relpaths(), "Python tests run against the installed wheel."),
        Key("test-requires", strings(), "What the installed-wheel tests need besides the wheel."),
        Key("smoke-imports", strings(), "Modules imported after installing from an index."),
        Key("reproducible", one_of(OUTCOMES), "A build that differs when rebuilt: fail or warn."),
        Key("hotfix-days", integer(0), "A patch release this soon after marks a failed change."),
    ),
    ReleaseSettings,
)


def _environments(problems: Problems, value: object) -> tuple[Environment, ...]:
    table = subtable(problems, RELEASE, "environments", value)
    found = []
    for name, spec in (table or {}).items():
        sub = f"{RELEASE}.environments.{name}"
        if not re.match(ENV_NAME, name) or not isinstance(spec, dict):
            problems.add(RELEASE, "environments", f"{name!r}: expected a table with index-url")
            continue
        fail = problems.in_table(sub)
        values = ENVIRONMENT.read(spec, fail)
        if "index-url" in spec and "index_url" in values:
            found.append(Environment(name=name, **values))
    names = {e.name for e in found}
    for env in found:
        sub = f"{RELEASE}.environments.{env.name}"
        if env.promote_from and env.promote_from not in names:
            problems.add(sub, "promote-from", f"no environment {env.promote_from!r} is declared")
        if env.promote_from == env.name:
            problems.add(sub, "promote-from", "an environment cannot promote from itself")
        if env.keyring and env.trusted_publishing:
            problems.add(sub, "keyring", "choose keyring or trusted-publishing, not both")
    return tuple(found)


def parse_release(problems: Problems, raw: dict[str, Any], where: str) -> ReleaseSettings:
    """The ``[tool.gauntlet.release]`` table; every problem goes to ``problems``."""
    values = RELEASE_TABLE.read(raw, problems.in_table(RELEASE), tables=("environments",))
    if "environments" in raw:
        values["environments"] = _environments(problems, raw["environments"])
    return ReleaseSettings(**values, where=where)


def credential_names(settings: ReleaseSettings | None) -> tuple[str, ...]:
    """Every variable a release reads a credential from (their values are masked)."""
    if settings is None:
        return ()
    names = [n for e in settings.environments for n in (e.username_env, e.password_env) if n]
    return tuple(dict.fromkeys(names))
