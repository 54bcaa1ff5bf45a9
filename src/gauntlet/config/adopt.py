"""Evidence for ``gauntlet init`` read from a repository's own files (no scanning).

The Mojo version comes from ``pixi.toml``, ``mojoproject.toml``, ``pyproject.toml``
or ``pixi.lock``; the defines, flags and include roots from the ``mojo`` command
lines of its scripts, tasks and CI files.  Every choice keeps the lines that
justify it, so the command can print them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

MOJO_NAMES = ("mojo", "mojo-compiler")
_BOUND = re.compile(r"^\s*(>=|<=|==|~=|<|>|=)?\s*([0-9][0-9A-Za-z.*]*)\s*$")
_LOCKED = re.compile(
    r"/(mojo-compiler|mojo)-([0-9][0-9A-Za-z.]*?)-[^/\s]*\.conda|/mojo-([0-9][^-/]*)-"
)
_COMMAND = re.compile(r"\bmojo\s+(?![=:])((?:run|build|test|package)\s+)?([^\n&;|`\"']*)")
_NOT_BUILDS = frozenset({"format", "doc", "precompile", "debug", "repl", "lsp", "--version"})


@dataclass(frozen=True)
class Choice:
    """One decided key: its value (``None``: left out) and the evidence lines."""

    key: str
    value: Any
    evidence: tuple[str, ...]


def numbers(version: str) -> tuple[int, ...]:
    """The release numbers of a version (``0.26.1.0.dev1`` → (0, 26, 1, 0))."""
    parts = re.match(r"^[0-9]+(?:\.[0-9]+)*", version)
    found = tuple(int(p) for p in parts.group(0).split(".")) if parts else ()
    return found + (0,) * (4 - len(found))


def is_release(version: str) -> bool:
    """Whether a version is a final release (no dev, alpha, beta or rc part)."""
    return re.fullmatch(r"[0-9]+(\.[0-9]+)*", version) is not None


def _bounds(spec: str) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None, bool]:
    """(lowest allowed, first excluded, lower bound inclusive) of a version spec."""
    low: tuple[int, ...] | None = None
    high: tuple[int, ...] | None = None
    for part in spec.split(","):
        match = _BOUND.match(part)
        if not match or part.strip() in ("*", ""):
            continue
        op, text = match.group(1) or "==", match.group(2)
        if text.endswith("*"):
            base = [int(p) for p in text.rstrip(".*").split(".") if p]
            low, high = (
                numbers(".".join(map(str, base))),
                numbers(".".join(map(str, [*base[:-1], base[-1] + 1]))),
            )
        elif op in (">=", "==", "=", "~="):
            low = numbers(text)
            if op in ("==", "="):
                high = (*numbers(text)[:3], numbers(text)[3] + 1)
            if op == "~=":
                head = [int(p) for p in text.split(".")][:-1]
                high = numbers(".".join(map(str, [*head[:-1], head[-1] + 1])))
        elif op == "<":
            high = numbers(text)
        elif op == "<=":
            high = (*numbers(text)[:3], numbers(text)[3] + 1)
    return low, high, True


def _specs(data: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """(where, name, spec) of every mojo dependency in any ``*dependencies`` table."""
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        place = f"{where}.{key}" if where else str(key)
        if key.endswith("dependencies") and isinstance(value, dict):
            for name, spec in value.items():
                text = spec.get("version", "*") if isinstance(spec, dict) else spec
                if name in MOJO_NAMES and isinstance(text, str):
                    yield place, name, text
        elif key in ("dependencies",) and isinstance(value, list):
            for item in value:
                match = re.match(r"^\s*(mojo(?:-compiler)?)\b\s*(.*)$", str(item))
                if match:
                    yield place, match.group(1), match.group(2) or "*"
        elif key == "dependency-groups" and isinstance(value, dict):
            for group, items in value.items():
                yield from _specs({"dependencies": items}, f"{place}.{group}")
        elif isinstance(value, dict):
            yield from _specs(value, place)


def _toml(path: Path) -> dict[str, Any]:
    try:
        return dict(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def locked_version(root: Path) -> str | None:
    """The Mojo version ``pixi.lock`` records (the first linux-64 entry, else any)."""
    try:
        text = (root / "pixi.lock").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = [m.group(2) or m.group(3) for m in _LOCKED.finditer(text)]
    return found[0] if found else None


_NIGHTLY_DAY = re.compile(r"\.dev(20\d\d)(\d\d)(\d\d)")


def _from_lock(locked: str, dates: dict[str, str]) -> tuple[str | None, str]:
    """The release for a locked version (``dates``: releases in range → upload day).
    A nightly (``X.devYYYYMMDD``) is the language of its day: the release nearest to
    that day differs least (without days, the release it became)."""
    target = numbers(locked)
    if is_release(locked):
        same = [v for v in dates if numbers(v) == target]
        before = [v for v in dates if numbers(v) < target]
        if same:
            return same[-1], "the locked release"
        return (before[-1], "the newest release before the locked one") if before else (None, "")
    day = _NIGHTLY_DAY.search(locked)
    dated = {v: d for v, d in dates.items() if d}
    if day and dated:
        when = date(*map(int, day.groups()))
        pick = min(dated, key=lambda v: abs((date.fromisoformat(dated[v]) - when).days))
        return pick, f"the release nearest to the nightly's day {when} (released {dated[pick]})"
    after = [v for v in dates if numbers(v) >= target]
    return (after[0] if after else None), "the release the locked nightly became"


def mojo_version(root: Path, releases: Callable[[], dict[str, str]]) -> Choice:
    """The Mojo release the repository uses, resolved against the package index."""
    evidence: list[str] = []
    low = high = None
    for name in ("pixi.toml", "mojoproject.toml", "pyproject.toml"):
        for where, package, spec in _specs(_toml(root / name), ""):
            evidence.append(f"{name}: [{where}] {package} = {spec!r}")
            if low is None and high is None:
                low, high, _ = _bounds(spec)
    locked = locked_version(root)
    if locked:
        evidence.append(f"pixi.lock: {locked}")
    if not evidence:
        why = "no pixi.toml, mojoproject.toml, pyproject.toml or pixi.lock names mojo"
        return Choice("mojo-version", None, (f"{why}: key left out, gauntlet's default is used",))
    known = releases()
    final = sorted((v for v in known if is_release(v)), key=numbers)

    def allowed(v: str) -> bool:
        return (low is None or numbers(v) >= low) and (high is None or numbers(v) < high)

    inside = [v for v in final if allowed(v)]
    if locked and known:
        pick, why = _from_lock(locked, {v: known[v] for v in inside})
        if pick:
            return Choice("mojo-version", pick, (*evidence, f"index: {pick} is {why}"))
    if known:
        pick = inside[-1] if inside else None
        why = f"{pick} is the newest release in range" if pick else "no release in that range"
        left_out = "" if pick else "; key left out, gauntlet's default is used"
        return Choice("mojo-version", pick, (*evidence, f"index: {why}{left_out}"))
    fallback = low or (numbers(locked) if locked else None)
    guess = ".".join(map(str, fallback)) if fallback else None
    guess = locked if locked and is_release(locked) else guess
    note = "the package index could not be read: using the lock or the lower bound"
    return Choice("mojo-version", guess, (*evidence, note))


@dataclass(frozen=True)
class Command:
    """One ``mojo`` command line found in a script: where, target, defines, flags, -I."""

    where: str
    target: str
    defines: tuple[str, ...]
    flags: tuple[str, ...]
    include: tuple[str, ...]
    cd: str = ""


def _script_files(root: Path) -> Iterator[Path]:
    names = ("pixi.toml", "mojoproject.toml", "Makefile", "makefile", "justfile")
    yield from (root / n for n in names if (root / n).is_file())
    for pattern in ("*.sh", "scripts/*.sh", "scripts/*.py", "*.py", ".github/workflows/*.y*ml"):
        for path in sorted(root.glob(pattern)):
            if path.name not in ("dodo.py", "noxfile.py", "setup.py", "conftest.py"):
                yield path
    if (root / ".gitlab-ci.yml").is_file():
        yield root / ".gitlab-ci.yml"


def _command(where: str, words: list[str], cd: str) -> Command:
    defines: list[str] = []
    flags: list[str] = []
    include: list[str] = []
    target = ""
    i = 0
    while i < len(words):
        word = words[i]
        value = words[i + 1] if i + 1 < len(words) else ""
        if word in ("-D", "-I"):
            (defines if word == "-D" else include).append(value)
            i += 2
            continue
        if word.startswith(("-D", "-I")) and len(word) > 2:
            (defines if word.startswith("-D") else include).append(word[2:])
        elif word in ("--disable-warnings",):
            flags.append(word)
        elif word in ("-o", "--output"):
            i += 1
        elif not word.startswith("-") and not target:
            target = word
        i += 1
    include = [p.rstrip("/") or "." for p in include]
    return Command(where, target, tuple(defines), tuple(flags), tuple(include), cd)


def script_commands(root: Path) -> list[Command]:
    """Every ``mojo run|build|test|package`` (or bare ``mojo FILE``) in the repository's scripts."""
    found: list[Command] = []
    for path in _script_files(root):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        rel = path.relative_to(root).as_posix()
        for match in _COMMAND.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            sub = (match.group(1) or "run").strip()
            head = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
            cd = re.findall(r"\bcd\s+([\w./-]+)", head)
            words = match.group(2).replace("\\", " ").split()
            if not words or words[0] in _NOT_BUILDS or not re.search(r"\.mojo|[$/{]", words[-1]):
                continue
            command = _command(f"{rel}:{line}", words, cd[-1] if cd else "")
            if sub == "package":
                command = Command(command.where, "package " + command.target, (), (), ())
            found.append(command)
    return found


def _is_test(target: str) -> bool:
    name = target.rsplit("/", 1)[-1]
    return name.startswith("test") or "$" in target or "{" in target or target.startswith("test")


def test_flags(commands: list[Command]) -> tuple[Choice, Choice, tuple[str, ...]]:
    """``mojo-flags`` (defines and flags on every test command), the -I values, the cd folders.

    A define or flag that only some of the test commands pass (a variant run
    of one file) is left out, and the evidence says so.
    """
    tests = [c for c in commands if _is_test(c.target)]
    others = [c for c in commands if c not in tests]
    evidence = [f"{c.where}: mojo {c.target} (not a test: ignored)" for c in others[:5]]
    if not tests:
        none = ("no mojo command in the scripts runs a test: no extra flags",)
        return Choice("mojo-flags", None, (*evidence, *none)), Choice("include", (), ()), ()
    kept: list[str] = []
    for option in dict.fromkeys(
        f for c in tests for f in (*(f"-D {d}" for d in c.defines), *c.flags)
    ):
        users = [c for c in tests if option in (*(f"-D {d}" for d in c.defines), *c.flags)]
        if len(users) == len(tests):
            kept.append(option)
            evidence.append(f"{users[0].where}: {option} on all {len(tests)} test command(s)")
        else:
            evidence.append(
                f"{users[0].where}: {option} skipped: on {len(users)} of {len(tests)} test "
                f"commands only ({', '.join(sorted({u.target for u in users}))})"
            )
    flags = [w for o in kept for w in o.split(" ", 1)]
    include = tuple(dict.fromkeys(i for c in tests for i in c.include))
    inc_evidence = tuple(
        dict.fromkeys(
            f"{c.where.split(':')[0]}: -I {' -I '.join(c.include)}" for c in tests if c.include
        )
    )
    cds = tuple(dict.fromkeys(c.cd for c in tests if c.cd))
    return (
        Choice("mojo-flags", flags or None, tuple(evidence)),
        Choice("include", include, inc_evidence),
        cds,
    )
