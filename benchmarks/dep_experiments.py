#!/usr/bin/env python3
"""Which source files can change the outcome of a Mojo test? Measure it.

Builds small Mojo source trees in a temporary directory, compiles and runs a
test program before and after one edit, and prints, per experiment, whether
the edit changed anything.  Every "observed" cell comes from a real compiler
run; nothing is hard-coded.  Results feed docs/dependencies.md.

Usage:
    python3 benchmarks/dep_experiments.py [--mojo PATH] [--only A,B2,...]
                                          [--no-build] [--keep] [--jobs N]

On a compiler without `mojo precompile` (0.26 and older) the sources are
written in that release's dialect (`def f() raises:` becomes `fn f() raises:`,
since there `def` already raises) and packages are built with `mojo package`;
on one that rejects `std.`-prefixed imports (0.25 and older) `from std.X` is
written `from X`;
the experiments whose trees hold a `.mojoc` file are then not meaningful.

The compiler is taken from --mojo, else $GAUNTLET_MOJO, else `mojo` on PATH.
The script uses a private Mojo cache (XDG_CACHE_HOME inside its temporary
directory), so results do not depend on, or pollute, ~/.cache/modular.
Standard library only; Python 3.10+.  About 3-4 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_S = 180


# --------------------------------------------------------------------------
# Tree description


@dataclass(frozen=True)
class Precompiled:
    """Marker: this path is produced by `mojo precompile <package_dir>`."""

    package_dir: str


@dataclass(frozen=True)
class CopyOf:
    """Marker: this path is a byte copy of another path of the tree."""

    source: str


Content = str | Precompiled | CopyOf | None  # None deletes the path
Files = dict[str, Content]


@dataclass(frozen=True)
class Variant:
    id: str
    change: str  # what was changed, for the table
    files: Files  # overlay on the scenario's base tree
    expected: str  # what we would see if the changed file mattered
    if_changed: str  # conclusion when the outcome changed
    if_same: str  # conclusion when nothing changed
    cwd: str | None = None  # override scenario cwd
    test: str | None = None  # override scenario test path
    if_compile_fails: str | None = None  # conclusion if the edit breaks compile


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    files: Files
    variants: tuple[Variant, ...]
    test: str = "tests/t.mojo"
    roots: tuple[str, ...] = ("src",)
    cwd: str = "."
    build: bool = False  # also compare `mojo build` + running the binary


@dataclass(frozen=True)
class Outcome:
    phase: str  # "ok" | "compile fails" | "runtime fails"
    summary: str  # RESULT= lines, or the first error message
    seconds: float

    def text(self) -> str:
        return f"{self.phase}: {self.summary}" if self.summary else self.phase


# --------------------------------------------------------------------------
# Running the compiler


class Mojo:
    def __init__(self, exe: str, cache_home: Path) -> None:
        self.exe = exe
        self.cache_home = cache_home
        self.compiles = 0  # compiler invocations (mojo run/build/precompile)
        self.lock = threading.Lock()
        help_rc = subprocess.run(
            [exe, "precompile", "--help"], capture_output=True, check=False
        ).returncode
        self.legacy = help_rc != 0  # 0.26 and older: `mojo package`, `fn ... raises`
        self.std_prefix = self._accepts("from std.testing import assert_equal\n")

    def _accepts(self, text: str) -> bool:
        """Does ``mojo doc`` (parse and type-check, no code generation) accept a file?"""
        with tempfile.TemporaryDirectory(prefix="dep-probe-") as scratch:
            probe = Path(scratch) / "probe.mojo"
            probe.write_text(text, encoding="utf-8")
            argv = [self.exe, "doc", str(probe), "-o", str(Path(scratch) / "probe.json")]
            return subprocess.run(argv, capture_output=True, check=False).returncode == 0

    def source(self, text: str) -> str:
        """A source as this compiler's dialect writes it."""
        if not self.std_prefix:  # 0.25 and older: bare `testing`, `python`, ...
            text = re.sub(r"^(\s*)(from|import) std\.", r"\1\2 ", text, flags=re.M)
        if not self.legacy:
            return text
        return re.sub(r"\bdef (\w+\([^\n]*?\)) raises\b", r"fn \1 raises", text)

    def precompile(self, package_dir: Path) -> Path:
        """`mojo precompile`, memoized on the package's content."""
        h = hashlib.sha256()
        for f in sorted(package_dir.rglob("*.mojo")):
            h.update(str(f.relative_to(package_dir)).encode() + f.read_bytes())
        product = self.cache_home.parent / "precompiled" / f"{h.hexdigest()[:16]}"
        product = product / f"{package_dir.name}.mojoc"
        with self.lock:  # two groups may need the same package
            if not product.exists():
                product.parent.mkdir(parents=True, exist_ok=True)
                command = "package" if self.legacy else "precompile"
                built = product.with_suffix(".mojopkg") if self.legacy else product
                rc, _, err, _ = self.call(
                    [self.exe, command, str(package_dir), "-o", str(built)],
                    package_dir.parent,
                    count=False,
                )
                self.compiles += 1
                if rc != 0:
                    raise RuntimeError(f"precompile {package_dir} failed: {err}")
                if built != product:
                    built.replace(product)
        return product

    def env(self, cache_home: Path | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env["XDG_CACHE_HOME"] = str(cache_home or self.cache_home)
        env.setdefault("NO_COLOR", "1")
        return env

    def call(
        self, args: list[str], cwd: Path, cache_home: Path | None = None, *, count: bool = True
    ) -> tuple[int, str, str, float]:
        """Run one process; returns (exit code, stdout, stderr without noise, seconds)."""
        if count and args[0] == self.exe:
            with self.lock:
                self.compiles += 1
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                args,
                cwd=cwd,
                env=self.env(cache_home),
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return 124, "", f"error: timeout after {TIMEOUT_S}s", TIMEOUT_S
        elapsed = time.perf_counter() - start
        return proc.returncode, proc.stdout, strip_noise(proc.stderr), elapsed

    def run(
        self,
        test: str,
        roots: tuple[str, ...],
        cwd: Path,
        tree: Path,
        cache_home: Path | None = None,
    ) -> Outcome:
        args = [self.exe, "run", *include_args(roots, tree), test]
        rc, out, err, secs = self.call(args, cwd, cache_home)
        if rc == 0:
            return Outcome("ok", summarize_stdout(out, tree), secs)
        runtime = "execution exited with a non-zero result" in err or ("Unhandled exception" in err)
        phase = "runtime fails" if runtime else "compile fails"
        return Outcome(phase, summarize_error(err, tree), secs)

    def build(
        self,
        test: str,
        roots: tuple[str, ...],
        cwd: Path,
        tree: Path,
        binary: Path,
        cache_home: Path | None = None,
    ) -> tuple[Outcome, str | None]:
        """`mojo build` then run the binary (from cwd). Returns sha256 too."""
        binary.parent.mkdir(parents=True, exist_ok=True)
        if binary.exists():
            binary.unlink()
        args = [self.exe, "build", *include_args(roots, tree), test, "-o", str(binary)]
        rc, _, err, secs = self.call(args, cwd, cache_home)
        if rc != 0 or not binary.exists():
            return Outcome("compile fails", summarize_error(err, tree), secs), None
        digest = hashlib.sha256(binary.read_bytes()).hexdigest()
        rc, out, err, secs2 = self.call([str(binary)], cwd, cache_home)
        if rc == 0:
            return Outcome("ok", summarize_stdout(out, tree), secs + secs2), digest
        return (Outcome("runtime fails", summarize_error(err, tree), secs + secs2), digest)


def include_args(roots: tuple[str, ...], tree: Path) -> list[str]:
    args: list[str] = []
    for root in roots:
        args += ["-I", str(tree / root)]
    return args


def strip_noise(stderr: str) -> str:
    return "\n".join(line for line in stderr.splitlines() if "Crashpad" not in line)


def normalize(text: str, tree: Path) -> str:
    text = text.replace(str(tree) + "/", "").replace(str(tree), "<T>")
    text = text.replace(str(tree.parent), "<work>")
    return re.sub(r"\[ *[0-9]+\.[0-9]+ *\]", "[t]", text)


def summarize_stdout(stdout: str, tree: Path) -> str:
    lines = [ln.strip() for ln in normalize(stdout, tree).splitlines()]
    results = [ln[len("RESULT=") :] for ln in lines if ln.startswith("RESULT=")]
    if results:
        return ", ".join(results)
    lines = [ln for ln in lines if ln]
    return lines[-1] if lines else ""


def summarize_error(stderr: str, tree: Path) -> str:
    text = normalize(stderr, tree)
    fails = [m.group(0) for m in re.finditer(r"At \S+:\d+:\d+: \w+", text)]
    if fails:  # TestSuite report: where the assertion failed
        return "test failed " + "; ".join(fails)
    for line in text.splitlines():
        if "Unhandled exception caught during execution:" in line:
            msg = line.split("execution:", 1)[1].strip()
            if msg:
                return msg
    for line in text.splitlines():
        if "error:" in line and "failed to parse the provided" not in line:
            return line.split("error:", 1)[1].strip()
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return "(no message)"


# --------------------------------------------------------------------------
# Materializing trees


def materialize(tree: Path, base: Files, overlay: Files, mojo: Mojo) -> None:
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    merged: dict[str, Content] = dict(base)
    merged.update(overlay)
    later: list[tuple[str, Content]] = []
    for rel, content in merged.items():
        path = tree / rel
        if content is None:
            continue
        if isinstance(content, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            if rel.endswith("/"):
                path.mkdir(parents=True, exist_ok=True)
            else:
                path.write_text(mojo.source(content) if rel.endswith(".mojo") else content)
        else:
            later.append((rel, content))
    for rel, content in later:  # precompiled packages and copies last
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Precompiled):
            shutil.copyfile(mojo.precompile(tree / content.package_dir), path)
        elif isinstance(content, CopyOf):
            shutil.copyfile(tree / content.source, path)


# --------------------------------------------------------------------------
# The experiments

GARBAGE = "this is not mojo ((( \n"


def fn(name: str, value: str, ret: str = "Int") -> str:
    return f"def {name}() -> {ret}:\n    return {value}\n"


def main_prog(imports: str, *body: str) -> str:
    lines = "\n".join("    " + b for b in body)
    return f"{imports}\n\ndef main() raises:\n{lines}\n"


def who(value: str) -> str:
    return fn("who", f'"{value}"', "String")


TESTSUITE_A = """from pkg.a import f
from std.testing import assert_equal, TestSuite


def test_f() raises:
    print("RESULT=" + String(f()))
    assert_equal(f(), 41)


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
"""

PKG_INIT = "from .b import g\n\ncomptime INIT_VAL = 1\n"
PKG: Files = {
    "src/pkg/__init__.mojo": PKG_INIT,
    "src/pkg/a.mojo": fn("f", "41"),
    "src/pkg/b.mojo": fn("g", "7"),
}

M_USED = fn("used", "1") + "\n" + fn("unused", "2")

# Shared conclusion phrases.
MATTERS = "file is read: keep it in the closure"
LAZY = "edit ignored (lazy): closure over-approximates here"


def scenarios() -> list[Scenario]:
    out: list[Scenario] = []

    out.append(
        Scenario(
            "A",
            "TestSuite test does `from pkg.a import f`; "
            "pkg/__init__.mojo has `from .b import g` and `comptime INIT_VAL = 1`",
            {**PKG, "tests/t.mojo": TESTSUITE_A},
            build=True,
            variants=(
                Variant(
                    "a0",
                    "control: a.mojo `f` returns 42",
                    {"src/pkg/a.mojo": fn("f", "42")},
                    "test fails",
                    "harness detects a changed dependency",
                    "HARNESS BROKEN",
                ),
                Variant(
                    "a1",
                    "__init__.mojo: top-level syntax error",
                    {"src/pkg/__init__.mojo": PKG_INIT + GARBAGE},
                    "compile fails",
                    "enclosing __init__.mojo IS parsed when a submodule is imported",
                    "__init__.mojo not read",
                ),
                Variant(
                    "a2",
                    "__init__.mojo: `comptime INIT_VAL = 2`",
                    {"src/pkg/__init__.mojo": "from .b import g\n\ncomptime INIT_VAL = 2\n"},
                    "output changes",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "a3",
                    '__init__.mojo: `comptime INIT_VAL: Int = "x"` (type error)',
                    {"src/pkg/__init__.mojo": 'from .b import g\n\ncomptime INIT_VAL: Int = "x"\n'},
                    "compile fails",
                    MATTERS,
                    LAZY + " (not elaborated)",
                ),
                Variant(
                    "a4",
                    "__init__.mojo: new fn with type error in body",
                    {"src/pkg/__init__.mojo": PKG_INIT + fn("h", '"x"')},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "a5",
                    "__init__.mojo: `from .nonexistent import zz`",
                    {"src/pkg/__init__.mojo": "from .nonexistent import zz\n"},
                    "compile fails",
                    "__init__ imports are resolved",
                    "imports of __init__ NOT resolved for `pkg.a`",
                ),
                Variant(
                    "a6",
                    "__init__.mojo defines `struct a` with f() -> 99",
                    {
                        "src/pkg/__init__.mojo": "struct a:\n    @staticmethod\n"
                        "    def f() -> Int:\n        return 99\n"
                    },
                    "output changes",
                    "__init__ symbol shadows submodule",
                    "submodule `pkg.a` wins over an __init__ symbol `a`",
                ),
                Variant(
                    "a7",
                    "delete __init__.mojo",
                    {"src/pkg/__init__.mojo": None},
                    "compile fails",
                    "__init__.mojo required",
                    "__init__.mojo optional for source imports",
                ),
                Variant(
                    "a8",
                    "new tests/std/__init__.mojo + tests/std/testing.mojo (fake assert_equal)",
                    {
                        "tests/std/__init__.mojo": "",
                        "tests/std/testing.mojo": "def assert_equal(a: Int, b: Int) raises:\n"
                        '    print("RESULT=hijacked")\n',
                    },
                    "output changes",
                    "a local std/ shadows the standard library",
                    "the standard library `std` cannot be shadowed",
                ),
                Variant(
                    "a9",
                    "new tests/std.mojo (fake assert_equal)",
                    {
                        "tests/std.mojo": "def assert_equal(a: Int, b: Int) raises:\n"
                        '    print("RESULT=hijacked")\n'
                    },
                    "output changes",
                    "a local std.mojo shadows the standard library",
                    "the standard library `std` cannot be shadowed",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "B",
            "same tree as A; test imports only `pkg.a` "
            "(b.mojo is reachable only through __init__'s re-export)",
            {
                **PKG,
                "tests/t.mojo": main_prog("from pkg.a import f", 'print("RESULT=" + String(f()))'),
            },
            build=True,
            variants=(
                Variant(
                    "b1",
                    "b.mojo: top-level syntax error",
                    {"src/pkg/b.mojo": fn("g", "7") + GARBAGE},
                    "compile fails",
                    "re-exported module is parsed",
                    LAZY,
                ),
                Variant(
                    "b2",
                    "b.mojo: type error in g",
                    {"src/pkg/b.mojo": fn("g", '"x"')},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "b3",
                    "b.mojo: g returns 8",
                    {"src/pkg/b.mojo": fn("g", "8")},
                    "output changes",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "b4",
                    "delete b.mojo",
                    {"src/pkg/b.mojo": None},
                    "compile fails",
                    MATTERS,
                    "even a dangling re-export is ignored",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "B2",
            "test does `from pkg import g` (through the re-export)",
            {
                **PKG,
                "tests/t.mojo": main_prog("from pkg import g", 'print("RESULT=" + String(g()))'),
            },
            build=True,
            variants=(
                Variant(
                    "b5",
                    "b.mojo: top-level syntax error",
                    {"src/pkg/b.mojo": fn("g", "7") + GARBAGE},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "b6",
                    "b.mojo: g returns 8",
                    {"src/pkg/b.mojo": fn("g", "8")},
                    "output changes",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "b7",
                    "b.mojo: type error in g",
                    {"src/pkg/b.mojo": fn("g", '"x"')},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "b8",
                    "a.mojo (not re-exported): syntax error",
                    {"src/pkg/a.mojo": fn("f", "41") + GARBAGE},
                    "compile fails",
                    "sibling submodule is read",
                    "non-imported sibling submodule ignored",
                ),
                Variant(
                    "b9",
                    "__init__.mojo: change to `from .a import f as g`",
                    {"src/pkg/__init__.mojo": "from .a import f as g\n"},
                    "output changes",
                    MATTERS,
                    LAZY,
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "B3",
            "test does `from pkg import a` then `a.f()` "
            "(a is a submodule; can __init__ shadow it?)",
            {
                **PKG,
                "tests/t.mojo": main_prog("from pkg import a", 'print("RESULT=" + String(a.f()))'),
            },
            variants=(
                Variant(
                    "b10",
                    "__init__.mojo adds `struct a` with f() -> 99",
                    {
                        "src/pkg/__init__.mojo": PKG_INIT + "struct a:\n    @staticmethod\n"
                        "    def f() -> Int:\n        return 99\n"
                    },
                    "output changes",
                    "__init__ symbol beats submodule for `from pkg import a`",
                    "submodule wins",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "B4",
            "test does `import pkg.a` and calls `pkg.a.f()` and `pkg.g()` "
            "(g comes from __init__'s re-export of b)",
            {
                **PKG,
                "tests/t.mojo": main_prog(
                    "import pkg.a", 'print("RESULT=" + String(pkg.a.f() + pkg.g()))'
                ),
            },
            variants=(
                Variant(
                    "b11",
                    "b.mojo: g returns 8",
                    {"src/pkg/b.mojo": fn("g", "8")},
                    "output changes",
                    "`import pkg.a` binds `pkg`: __init__ and its imports are reachable",
                    LAZY,
                ),
            ),
        )
    )
    out.append(
        Scenario(
            "C",
            "test does `import m` but never uses m (m in -I src)",
            {"src/m.mojo": M_USED, "tests/t.mojo": main_prog("import m", 'print("RESULT=hello")')},
            build=True,
            variants=(
                Variant(
                    "c1",
                    "m.mojo: top-level syntax error",
                    {"src/m.mojo": M_USED + GARBAGE},
                    "compile fails",
                    MATTERS,
                    LAZY + " (not even parsed)",
                ),
                Variant(
                    "c2",
                    "m.mojo: type error in a fn",
                    {"src/m.mojo": M_USED + fn("bad", '"x"')},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "c3",
                    'm.mojo: `comptime X: Int = "s"`',
                    {"src/m.mojo": 'comptime X: Int = "s"\n' + M_USED},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "c4",
                    "m.mojo: `import does_not_exist`",
                    {"src/m.mojo": "import does_not_exist\n" + M_USED},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "c5",
                    "delete m.mojo",
                    {"src/m.mojo": None},
                    "compile fails",
                    "imports of the test are resolved eagerly: existence matters",
                    "unresolvable import tolerated",
                ),
                Variant(
                    "c15",
                    "test gets a docstring containing `import does_not_exist`",
                    {
                        "tests/t.mojo": '"""Example:\n    import does_not_exist\n"""\n'
                        + main_prog("import m", 'print("RESULT=hello")')
                    },
                    "compile fails",
                    "import-like text in docstrings is resolved",
                    "docstring text is not an import (scanner must skip it)",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "C1",
            "test does `from m import used` but never calls it",
            {
                "src/m.mojo": M_USED,
                "tests/t.mojo": main_prog("from m import used", 'print("RESULT=hello")'),
            },
            variants=(
                Variant(
                    "c6",
                    "m.mojo: top-level syntax error",
                    {"src/m.mojo": M_USED + GARBAGE},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "C2",
            "test calls m.used(); m also has unused()",
            {
                "src/m.mojo": M_USED,
                "tests/t.mojo": main_prog("import m", 'print("RESULT=" + String(m.used()))'),
            },
            build=True,
            variants=(
                Variant(
                    "c7",
                    "control: used() returns 5",
                    {"src/m.mojo": fn("used", "5") + fn("unused", "2")},
                    "output changes",
                    "harness detects a changed dependency",
                    "HARNESS BROKEN",
                ),
                Variant(
                    "c8",
                    "m.mojo: type error in unused()",
                    {"src/m.mojo": fn("used", "1") + fn("unused", '"x"')},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "c9",
                    "m.mojo: unused() has undefined param type",
                    {
                        "src/m.mojo": fn("used", "1")
                        + "def unused(x: NoSuchType) -> Int:\n    return 2\n"
                    },
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "c10",
                    "m.mojo: malformed decl `def bad( :` after used()",
                    {"src/m.mojo": M_USED + "def bad( :\n"},
                    "compile fails",
                    MATTERS,
                    LAZY + " (parser drops the bad decl)",
                ),
                Variant(
                    "c11",
                    "m.mojo: top-level garbage statement",
                    {"src/m.mojo": M_USED + GARBAGE},
                    "compile fails",
                    MATTERS + " (whole file parsed)",
                    LAZY,
                ),
                Variant(
                    "c12",
                    'm.mojo: unreferenced `comptime X: Int = "s"`',
                    {"src/m.mojo": 'comptime X: Int = "s"\n' + M_USED},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "c13",
                    "m.mojo: top-level `import does_not_exist`",
                    {"src/m.mojo": "import does_not_exist\n" + M_USED},
                    "compile fails",
                    "imports of a used module are resolved",
                    LAZY,
                ),
                Variant(
                    "c14",
                    "m.mojo: unused() body does `import does_not_exist`",
                    {
                        "src/m.mojo": fn("used", "1")
                        + "def unused() -> Int:\n    import does_not_exist\n"
                        "    return 2\n"
                    },
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "D",
            "test does `from pkg.a import who`; -I src; src/pkg/ has NO "
            "__init__.mojo (namespace-style dir); files appear elsewhere",
            {
                "src/pkg/a.mojo": who("src"),
                "tests/t.mojo": main_prog("from pkg.a import who", 'print("RESULT=" + who())'),
            },
            variants=(
                Variant(
                    "d1",
                    "new src/stray.mojo with syntax error",
                    {"src/stray.mojo": GARBAGE},
                    "compile fails",
                    "unimported file is read",
                    "unimported file: no effect",
                ),
                Variant(
                    "d2",
                    "new src/pkg/c.mojo with syntax error",
                    {"src/pkg/c.mojo": GARBAGE},
                    "compile fails",
                    "unimported file is read",
                    "unimported file: no effect",
                ),
                Variant(
                    "d3",
                    "new tests/pkg.mojo (file module next to the test)",
                    {"tests/pkg.mojo": who("sibling-file")},
                    "resolution changes",
                    "file module `pkg.mojo` hides a dir without __init__",
                    "package dir wins",
                ),
                Variant(
                    "d4",
                    "new tests/pkg/a.mojo (same submodule, test's dir)",
                    {"tests/pkg/a.mojo": who("sibling-dir")},
                    "resolution changes",
                    "dirs without __init__ merge across roots; duplicate submodule = error",
                    "no effect",
                ),
                Variant(
                    "d5",
                    "new tests/pkg/z.mojo (other submodule)",
                    {"tests/pkg/z.mojo": fn("z", "1")},
                    "resolution changes",
                    "test-dir pkg/ shadows -I pkg/",
                    "dirs without __init__ merge: no effect",
                ),
                Variant(
                    "d6",
                    "new src/pkg/__init__.mojo (empty)",
                    {"src/pkg/__init__.mojo": ""},
                    "resolution changes",
                    "adding __init__ changes something",
                    "no effect here (single root; see D6/D4b)",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "D2",
            "two include roots `-I r1 -I r2`; test does `import mod; mod.who()`; "
            "base: only r2/mod.mojo",
            {
                "r2/mod.mojo": who("r2"),
                "tests/t.mojo": main_prog("import mod", 'print("RESULT=" + mod.who())'),
            },
            roots=("r1", "r2"),
            variants=(
                Variant(
                    "d7",
                    "new r1/mod.mojo (earlier root)",
                    {"r1/mod.mojo": who("r1")},
                    "resolution changes",
                    "first -I root wins for file modules",
                    "later root keeps winning",
                ),
                Variant(
                    "d8",
                    "new tests/mod.mojo (test's dir)",
                    {"tests/mod.mojo": who("test-dir")},
                    "resolution changes",
                    "test's own dir is searched before every -I root",
                    "-I root wins",
                ),
                Variant(
                    "d9",
                    "new r1/mod/__init__.mojo (package dir, earlier root)",
                    {"r1/mod/__init__.mojo": who("r1-pkg")},
                    "resolution changes",
                    "dir in earlier root wins",
                    "file module beats a package dir of the same name",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "D3",
            "same roots; base: only r1/mod.mojo",
            {
                "r1/mod.mojo": who("r1"),
                "tests/t.mojo": main_prog("import mod", 'print("RESULT=" + mod.who())'),
            },
            roots=("r1", "r2"),
            variants=(
                Variant(
                    "d10",
                    "new r2/mod.mojo (later root)",
                    {"r2/mod.mojo": who("r2")},
                    "resolution changes",
                    "later root wins / ambiguous",
                    "a later root is shadowed: no effect",
                ),
            ),
        )
    )

    pc_src: Files = {
        "vendor_src/pkg/__init__.mojo": who("precompiled-init"),
        "vendor_src/pkg/a.mojo": who("precompiled"),
        "build/pkg.mojoc": Precompiled("vendor_src/pkg"),  # not a root
    }
    out.append(
        Scenario(
            "D4",
            "`-I src -I lib`; test does `from pkg.a import who`; "
            "base: src/pkg/a.mojo WITHOUT __init__.mojo, lib/ empty",
            {
                **pc_src,
                "src/pkg/a.mojo": who("src"),
                "lib/": "",
                "tests/t.mojo": main_prog("from pkg.a import who", 'print("RESULT=" + who())'),
            },
            roots=("src", "lib"),
            variants=(
                Variant(
                    "d11",
                    "new lib/pkg.mojoc (`mojo precompile`, later root)",
                    {"lib/pkg.mojoc": CopyOf("build/pkg.mojoc")},
                    "resolution changes",
                    ".mojoc (later root) beats a dir without __init__",
                    "source dir wins",
                ),
                Variant(
                    "d12",
                    "new src/pkg.mojoc (same root as the source dir)",
                    {"src/pkg.mojoc": CopyOf("build/pkg.mojoc")},
                    "resolution changes",
                    ".mojoc beats a dir without __init__ in the same root",
                    "source dir wins",
                ),
                Variant(
                    "d13",
                    "new lib/pkg.mojopkg (same bytes as a .mojoc)",
                    {"lib/pkg.mojopkg": CopyOf("build/pkg.mojoc")},
                    "resolution changes",
                    ".mojopkg is recognised",
                    ".mojopkg is NOT looked up by 1.2.0 (only .mojoc)",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "D4b",
            "`-I src -I lib`; base: src/pkg/ WITH __init__.mojo and lib/pkg.mojoc both present",
            {
                **pc_src,
                "src/pkg/__init__.mojo": "",
                "src/pkg/a.mojo": who("src"),
                "lib/pkg.mojoc": CopyOf("build/pkg.mojoc"),
                "tests/t.mojo": main_prog("from pkg.a import who", 'print("RESULT=" + who())'),
            },
            roots=("src", "lib"),
            variants=(
                Variant(
                    "d22",
                    "delete src/pkg/__init__.mojo",
                    {"src/pkg/__init__.mojo": None},
                    "resolution changes",
                    "existence of __init__.mojo decides package vs .mojoc",
                    "no effect",
                ),
                Variant(
                    "d23",
                    "new src/pkg.mojoc next to src/pkg/",
                    {"src/pkg.mojoc": CopyOf("build/pkg.mojoc")},
                    "resolution changes",
                    ".mojoc beats a real package, same root",
                    "a package WITH __init__ beats .mojoc in the same root",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "D5",
            "`-I lib -I lib2`; test does `import pkg; pkg.who()`; base: file module lib/pkg.mojo",
            {
                **pc_src,
                "lib/pkg.mojo": who("file"),
                "lib2/": "",
                "tests/t.mojo": main_prog("import pkg", 'print("RESULT=" + pkg.who())'),
            },
            roots=("lib", "lib2"),
            variants=(
                Variant(
                    "d14",
                    "new lib/pkg.mojoc (same root as pkg.mojo)",
                    {"lib/pkg.mojoc": CopyOf("build/pkg.mojoc")},
                    "resolution changes",
                    ".mojoc beats pkg.mojo in the same root",
                    "pkg.mojo wins",
                ),
                Variant(
                    "d15",
                    "new lib2/pkg.mojoc (later root)",
                    {"lib2/pkg.mojoc": CopyOf("build/pkg.mojoc")},
                    "resolution changes",
                    "later-root .mojoc beats pkg.mojo",
                    "first root holding pkg.mojo/.mojoc wins",
                ),
                Variant(
                    "d16",
                    "new tests/pkg.mojoc (test's dir)",
                    {"tests/pkg.mojoc": CopyOf("build/pkg.mojoc")},
                    "resolution changes",
                    "test's dir searched first (also .mojoc)",
                    "-I root wins",
                ),
                Variant(
                    "d24",
                    "new lib/pkg/__init__.mojo next to lib/pkg.mojo (same root)",
                    {"lib/pkg/__init__.mojo": who("package-init")},
                    "resolution changes",
                    "a package dir with __init__ beats pkg.mojo in the same root",
                    "pkg.mojo wins",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "D6",
            "`-I r1 -I r2`; test does `from pkg.a import who`; "
            "base: r2/pkg/ has __init__.mojo and a.mojo, r1/ empty",
            {
                "r1/": "",
                "r2/pkg/__init__.mojo": "",
                "r2/pkg/a.mojo": who("r2"),
                "tests/t.mojo": main_prog("from pkg.a import who", 'print("RESULT=" + who())'),
            },
            roots=("r1", "r2"),
            variants=(
                Variant(
                    "d17",
                    "new r1/pkg/a.mojo (dir without __init__)",
                    {"r1/pkg/a.mojo": who("r1")},
                    "resolution changes",
                    "earlier root's dir wins / ambiguous",
                    "a package WITH __init__ beats dirs without one",
                ),
                Variant(
                    "d18",
                    "new r1/pkg/__init__.mojo only (empty)",
                    {"r1/pkg/__init__.mojo": ""},
                    "resolution changes",
                    "first root with a real package wins, no fallback to r2 for `a`",
                    "r2 keeps winning",
                ),
                Variant(
                    "d19",
                    "new r1/pkg/__init__.mojo + r1/pkg/a.mojo",
                    {"r1/pkg/__init__.mojo": "", "r1/pkg/a.mojo": who("r1")},
                    "resolution changes",
                    "first root with a real package wins (no ambiguity error)",
                    "r2 keeps winning",
                ),
                Variant(
                    "d20",
                    "new r1/pkg.mojo (file module, earlier root)",
                    {"r1/pkg.mojo": who("r1-file")},
                    "resolution changes",
                    "earlier root's file module beats later package",
                    "package beats file",
                ),
                Variant(
                    "d21",
                    "r2/pkg/a/__init__.mojo added next to r2/pkg/a.mojo",
                    {"r2/pkg/a/__init__.mojo": who("r2-a-dir")},
                    "resolution changes",
                    "subpackage dir a/__init__.mojo beats a.mojo",
                    "a.mojo beats a/",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "E",
            "test dir has helpers.mojo; test does `import helpers`; no -I; cwd = tree root",
            {
                "tests/helpers.mojo": who("tests-dir"),
                "tests/t.mojo": main_prog("import helpers", 'print("RESULT=" + helpers.who())'),
            },
            roots=(),
            variants=(
                Variant(
                    "e1",
                    "run from another cwd (`cd elsewhere`)",
                    {"elsewhere/README": "x"},
                    "resolution changes",
                    "cwd-relative",
                    "sibling imports are relative to the test FILE's folder",
                    cwd="elsewhere",
                    test="../tests/t.mojo",
                ),
                Variant(
                    "e2",
                    "new helpers.mojo in the cwd",
                    {"helpers.mojo": who("cwd")},
                    "resolution changes",
                    "cwd searched",
                    "cwd is not searched",
                ),
                Variant(
                    "e3",
                    "test moved to tests/sub/ (helpers stays in tests/)",
                    {
                        "tests/t.mojo": None,
                        "tests/sub/t.mojo": main_prog(
                            "import helpers", 'print("RESULT=" + helpers.who())'
                        ),
                    },
                    "resolution changes",
                    "only the test's own folder is searched, not its parents",
                    "parent folders searched",
                    test="tests/sub/t.mojo",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "E2",
            "src/pkg/a.mojo does plain `import helper`; "
            "base: src/helper.mojo; test imports pkg.a (-I src)",
            {
                "src/pkg/__init__.mojo": "",
                "src/pkg/a.mojo": "import helper\n\ndef f() -> String:\n    return helper.who()\n",
                "src/helper.mojo": who("src-root"),
                "tests/t.mojo": main_prog("from pkg.a import f", 'print("RESULT=" + f())'),
            },
            variants=(
                Variant(
                    "e4",
                    "new src/pkg/helper.mojo (next to the importer)",
                    {"src/pkg/helper.mojo": who("importer-dir")},
                    "resolution changes",
                    "importer's folder searched",
                    "a non-test module's own folder is NOT searched",
                ),
                Variant(
                    "e5",
                    "new tests/helper.mojo (next to the TEST)",
                    {"tests/helper.mojo": who("test-dir")},
                    "resolution changes",
                    "absolute imports in ANY module resolve via the test's folder first",
                    "test's dir not used for library imports",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "E3",
            "tests/t.mojo does `import helpers`; tests/helpers.mojo and a "
            "top-level helpers.mojo both exist; no -I",
            {
                "tests/helpers.mojo": who("tests-dir"),
                "helpers.mojo": who("top-level"),
                "tests/t.mojo": main_prog("import helpers", 'print("RESULT=" + helpers.who())'),
            },
            roots=(),
            variants=(
                Variant(
                    "e6",
                    "new EMPTY tests/__init__.mojo",
                    {"tests/__init__.mojo": ""},
                    "resolution changes",
                    "implicit root = first ancestor of the test WITHOUT __init__.mojo",
                    "implicit root = the test's folder",
                ),
                Variant(
                    "e7",
                    "new tests/__init__.mojo with a syntax error",
                    {"tests/__init__.mojo": GARBAGE},
                    "compile fails",
                    "implicit root moves; this __init__ is not parsed (see output)",
                    "no effect",
                ),
            ),
        )
    )
    out.append(
        Scenario(
            "F",
            "test's main never calls helper(); helper() body does `import m`",
            {
                "src/m.mojo": M_USED,
                "tests/t.mojo": "def helper() -> Int:\n    import m\n    return m.used()\n\n"
                + main_prog("", 'print("RESULT=hello")'),
            },
            build=True,
            variants=(
                Variant(
                    "f1",
                    "m.mojo: top-level syntax error",
                    {"src/m.mojo": M_USED + GARBAGE},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "f2",
                    "delete m.mojo",
                    {"src/m.mojo": None},
                    "compile fails",
                    "function-body imports are resolved even if never called",
                    "unresolved import tolerated",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "F2",
            "main calls helper(); helper() body does `from m import used`",
            {
                "src/m.mojo": M_USED,
                "tests/t.mojo": "def helper() -> Int:\n"
                "    from m import used\n    return used()\n\n"
                + main_prog("", 'print("RESULT=" + String(helper()))'),
            },
            build=True,
            variants=(
                Variant(
                    "f3",
                    "m.mojo: used() returns 5",
                    {"src/m.mojo": fn("used", "5") + fn("unused", "2")},
                    "output changes",
                    MATTERS,
                    LAZY,
                ),
                Variant(
                    "f4",
                    "m.mojo: top-level syntax error",
                    {"src/m.mojo": M_USED + GARBAGE},
                    "compile fails",
                    MATTERS,
                    LAZY,
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "G",
            "relative imports: src/pkg/sub/c.mojo does `from ..x import y` and `from .d import z`",
            {
                "src/pkg/__init__.mojo": "",
                "src/pkg/sub/__init__.mojo": "",
                "src/pkg/x.mojo": fn("y", '"pkg/x"', "String"),
                "src/pkg/sub/d.mojo": fn("z", '"pkg/sub/d"', "String"),
                "src/pkg/sub/c.mojo": "from ..x import y\nfrom .d import z\n\n"
                'def run() -> String:\n    return y() + " " + z()\n',
                "tests/t.mojo": main_prog("from pkg.sub.c import run", 'print("RESULT=" + run())'),
            },
            variants=(
                Variant(
                    "g1",
                    "pkg/x.mojo: y() changed",
                    {"src/pkg/x.mojo": fn("y", '"pkg/x v2"', "String")},
                    "output changes",
                    "`..x` resolves to pkg/x.mojo",
                    "not used",
                ),
                Variant(
                    "g2",
                    "new src/x.mojo and tests/x.mojo",
                    {
                        "src/x.mojo": fn("y", '"root x"', "String"),
                        "tests/x.mojo": fn("y", '"tests x"', "String"),
                    },
                    "resolution changes",
                    "relative import searched roots",
                    "relative imports ignore roots/test dir",
                ),
                Variant(
                    "g3",
                    "pkg/sub/d.mojo: z() changed",
                    {"src/pkg/sub/d.mojo": fn("z", '"pkg/sub/d v2"', "String")},
                    "output changes",
                    "`.d` resolves to pkg/sub/d.mojo",
                    "not used",
                ),
                Variant(
                    "g4",
                    "pkg/__init__.mojo: top-level syntax error",
                    {"src/pkg/__init__.mojo": GARBAGE},
                    "compile fails",
                    "outer package __init__ is parsed",
                    LAZY,
                ),
                Variant(
                    "g5",
                    "pkg/sub/__init__.mojo: top-level syntax error",
                    {"src/pkg/sub/__init__.mojo": GARBAGE},
                    "compile fails",
                    "inner package __init__ is parsed",
                    LAZY,
                ),
                Variant(
                    "g6",
                    "the TEST file uses `from .helpers import who`",
                    {
                        "tests/helpers.mojo": who("h"),
                        "tests/t.mojo": main_prog(
                            "from .helpers import who", 'print("RESULT=" + who())'
                        ),
                    },
                    "compile fails",
                    "relative imports are invalid in a top-level test file",
                    "relative import allowed in a test",
                ),
            ),
        )
    )

    out.append(
        Scenario(
            "H",
            "import cycle: ca imports cb, cb imports ca; test calls ca.fa(3)",
            {
                "tests/ca.mojo": "import cb\n\ndef fa(n: Int) -> Int:\n"
                "    if n == 0:\n        return 0\n    return cb.fb(n - 1) + 1\n",
                "tests/cb.mojo": "from ca import fa\n\ndef fb(n: Int) -> Int:\n"
                "    if n == 0:\n        return 0\n    return fa(n - 1) + 10\n",
                "tests/t.mojo": main_prog("import ca", 'print("RESULT=" + String(ca.fa(3)))'),
            },
            roots=(),
            variants=(
                Variant(
                    "h1",
                    "cb.mojo: +10 -> +20",
                    {
                        "tests/cb.mojo": "from ca import fa\n\ndef fb(n: Int) -> Int:\n"
                        "    if n == 0:\n        return 0\n    return fa(n - 1) + 20\n"
                    },
                    "output changes",
                    "cycles compile; both files in closure",
                    "not used",
                ),
            ),
        )
    )

    py_test = (
        "from std.python import Python\n\n"
        "def never_called() raises:\n"
        '    _ = Python.import_module("definitely_missing_xyz")\n\n'
        + main_prog(
            "",
            'var sys = Python.import_module("sys")',
            'print("RESULT=sys.path[0]=" + String(sys.path[0]))',
            'var h = Python.import_module("pyhelper")',
            'print("RESULT=" + String(h.val()))',
        )
    )
    out.append(
        Scenario(
            "I",
            "Python interop: test imports Python module `pyhelper` "
            "(tests/pyhelper.py); an uncalled fn imports a missing Python module",
            {"tests/pyhelper.py": "def val():\n    return 'py-v1'\n", "tests/t.mojo": py_test},
            roots=(),
            build=True,
            variants=(
                Variant(
                    "i1",
                    "tests/pyhelper.py: val() returns 'py-v2'",
                    {"tests/pyhelper.py": "def val():\n    return 'py-v2'\n"},
                    "output changes",
                    "runtime dependency on .py next to the test (run mode)",
                    "not used",
                ),
                Variant(
                    "i2",
                    "main also imports missing Python module",
                    {
                        "tests/t.mojo": py_test.replace(
                            "def main() raises:\n", "def main() raises:\n    never_called()\n"
                        )
                    },
                    "compile fails",
                    "fails only at RUN time: Python imports are not a compile-time dependency",
                    "n/a",
                    if_compile_fails="Python module checked at compile time",
                ),
            ),
        )
    )
    return out


# --------------------------------------------------------------------------
# Driver


@dataclass
class Row:
    scenario: Scenario
    variant: Variant
    run: tuple[Outcome, Outcome]
    build: tuple[Outcome, Outcome] | None
    bin_same: bool | None = None


def compare(base: Outcome, new: Outcome) -> str:
    if (base.phase, base.summary) == (new.phase, new.summary):
        return f"same ({base.text()})"
    return f"{base.text()} → {new.text()}"


def changed(pair: tuple[Outcome, Outcome]) -> bool:
    a, b = pair
    return (a.phase, a.summary) != (b.phase, b.summary)


def conclusion(row: Row) -> str:
    any_change = changed(row.run) or (row.build is not None and changed(row.build))
    text = row.variant.if_changed if any_change else row.variant.if_same
    if row.variant.if_compile_fails and row.run[1].phase == "compile fails":
        text = row.variant.if_compile_fails
    if row.build is not None and changed(row.run) != changed(row.build):
        text += " [run ≠ build!]"
    return ("CHANGED: " if any_change else "no change: ") + text


Measured = tuple[Outcome, Outcome | None, str | None]


def run_scenario(sc: Scenario, mojo: Mojo, work: Path, do_build: bool) -> list[Row]:
    tree = work / sc.id
    binary = work / "bin" / sc.id / "t"

    def measure(overlay: Files, v: Variant | None) -> Measured:
        materialize(tree, sc.files, overlay, mojo)
        cwd = tree / ((v.cwd if v and v.cwd else None) or sc.cwd)
        test = (v.test if v and v.test else None) or sc.test
        test_arg = test if (v and v.cwd) else str(tree / test)
        r = mojo.run(test_arg, sc.roots, cwd, tree)
        if not (do_build and sc.build):
            return r, None, None
        b, digest = mojo.build(test_arg, sc.roots, cwd, tree, binary)
        return r, b, digest

    base_run, base_build, base_digest = measure({}, None)
    rows = []
    for v in sc.variants:
        r, b, digest = measure(v.files, v)
        build_pair = (base_build, b) if base_build is not None and b is not None else None
        row = Row(sc, v, (base_run, r), build_pair)
        if base_digest and digest:
            row.bin_same = base_digest == digest
        rows.append(row)
        print(f"  {v.id:4} run: {compare(base_run, r)}", file=sys.stderr)
    return rows


def md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_scenario(sc: Scenario, rows: list[Row]) -> list[str]:
    roots = " ".join(f"-I {r}" for r in sc.roots) or "(no -I)"
    out = [
        f"\n#### {sc.id}: {md(sc.title)} — `mojo run {roots} {sc.test}`\n",
        (
            "| exp | changed | expected if it mattered | observed: `mojo run` "
            "| observed: `mojo build` + run | conclusion |"
        ),
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        b = "—"
        if row.build is not None:
            b = compare(*row.build)
            if row.bin_same is not None:
                b += " (binary " + ("identical" if row.bin_same else "differs") + ")"
        out.append(
            f"| {row.variant.id} | {md(row.variant.change)} | {md(row.variant.expected)} "
            f"| {md(compare(*row.run))} | {md(b)} | {md(conclusion(row))} |"
        )
    return out


# --------------------------------------------------------------------------
# Timings (j) and binary identity (k)

TIMING_TEST = """from std.testing import assert_equal, TestSuite


def add(a: Int, b: Int) -> Int:
    return a + b


def test_add() raises:
    assert_equal(add(2, 3), 5)


def test_fail_line() raises:
    assert_equal(add(1, 1), 3)


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
"""

PASSING_TEST = TIMING_TEST.replace(
    "def test_fail_line() raises:\n    assert_equal(add(1, 1), 3)\n\n\n", ""
)


def timings(mojo: Mojo, work: Path) -> list[str]:
    """j: cold vs warm `mojo run` and `mojo build` of one small test file."""
    tree = work / "timing"
    materialize(tree, {"t.mojo": PASSING_TEST}, {}, mojo)
    test = str(tree / "t.mojo")

    def timed_run(cache: Path) -> float:
        o = mojo.run(test, (), tree, tree, cache_home=cache)
        if o.phase != "ok":
            raise RuntimeError(f"timing run failed: {o.text()}")
        return o.seconds

    def timed_build(cache: Path) -> tuple[float, float]:
        binary = tree / "t.bin"
        rc, _, err, secs = mojo.call([mojo.exe, "build", test, "-o", str(binary)], tree, cache)
        if rc != 0:
            raise RuntimeError(f"timing build failed: {err}")
        rc, _, err, exe_secs = mojo.call([str(binary)], tree, cache)
        if rc != 0:
            raise RuntimeError(f"timing binary failed: {err}")
        return secs, exe_secs

    cold_run = timed_run(work / "cache-run")
    warm_run = [timed_run(work / "cache-run") for _ in range(3)]
    cold_build, cold_exec = timed_build(work / "cache-build")
    warm = [timed_build(work / "cache-build") for _ in range(3)]
    (tree / "t.mojo").write_text(PASSING_TEST.replace("a + b", "b + a"))
    edit_run = timed_run(work / "cache-run")
    edit_build, _ = timed_build(work / "cache-build")
    med = statistics.median
    rows: list[tuple[str, float, float, float | None]] = [
        ("`mojo run` (compile + JIT + run)", cold_run, med(warm_run), edit_run),
        ("`mojo build`", cold_build, med(w[0] for w in warm), edit_build),
        ("running the built binary", cold_exec, med(w[1] for w in warm), None),
    ]
    out = [
        (
            "\n#### J: timings of one small TestSuite file (seconds; measured alone; "
            "warm = median of 3; 'after edit' = one-line semantic edit of the test, warm cache)\n"
        ),
        "| step | cold Mojo cache | warm Mojo cache | warm, after edit |",
        "|---|---|---|---|",
    ]
    for name, c, w, e in rows:
        es = f"{e:.2f}" if e is not None else "—"
        out.append(f"| {name} | {c:.2f} | {w:.2f} | {es} |")
    return out


def binary_identity(mojo: Mojo, work: Path) -> list[str]:
    """k: which edits change the bytes of the built binary?"""
    tree = work / "hash"
    used = fn("used", "1") + "\n" + fn("unused", "2")
    base = TIMING_TEST
    edits: list[tuple[str, str, str]] = [
        ("k0", "nothing (rebuild): determinism", base),
        ("k1", "comment appended at the end of the test (no line shift)", base + "# c\n"),
        ("k2", "2 comment lines inserted at the top (lines shift)", "# c\n# c\n" + base),
        (
            "k3",
            "extra spaces inside an argument list (call's line:col unchanged)",
            base.replace("add(2, 3), 5", "add(2,  3),  5"),
        ),
        ("k4", "rename a helper fn (`add` -> `plus`)", base.replace("add(", "plus(")),
    ]
    n = [0]

    def fresh() -> Path:
        n[0] += 1
        return work / f"cache-k{n[0]}"

    def build(text: str, cache: Path, m_text: str = used) -> tuple[str | None, str]:
        materialize(tree, {"t.mojo": text, "src/m.mojo": m_text}, {}, mojo)
        out, digest = mojo.build(
            str(tree / "t.mojo"), ("src",), tree, tree, work / "hashbin" / "t", cache_home=cache
        )
        return digest, out.summary

    def same(a: str | None, b: str | None) -> str:
        return "identical" if a is not None and a == b else "differs"

    out = [
        (
            "\n#### K: is the built binary byte-identical after an edit? (every build uses a "
            "FRESH, empty Mojo cache unless noted)\n"
        ),
        "| exp | edit | binary vs. base | failing-assert message printed by the binary |",
        "|---|---|---|---|",
    ]
    base_digest, base_msg = build(base, fresh())
    out.append(f"| base | — | — | {md(base_msg)} |")
    for kid, what, text in edits:
        d, msg = build(text, fresh())
        out.append(f"| {kid} | {md(what)} | {same(base_digest, d)} | {md(msg)} |")
    imp = "import m\n" + base.replace("add(2, 3), 5", "add(2, 3) + m.used(), 6")
    d0, _ = build(imp, fresh())
    d1, msg = build(imp, fresh(), fn("used", "1") + "\n" + fn("unused", "3"))
    out.append(
        f"| k5 | test uses m.used(); edit the body of m.unused() | {same(d0, d1)} | {md(msg)} |"
    )
    shared = fresh()
    build(base, shared)
    d, msg = build("# c\n# c\n" + base, shared)
    out.append(
        "| k6 | as k2, but built with the SAME warm Mojo cache as the base | "
        f"{same(base_digest, d)} | {md(msg)} |"
    )
    # Same bytes at another path, same warm cache: which path does the binary report?
    build(base, shared)
    tree = work / "hash-moved"
    d, msg = build(base, shared)
    out.append(
        "| k7 | base copied to another directory (`hash-moved/`), SAME warm cache | "
        f"{same(base_digest, d)} | {md(msg)} |"
    )
    return out


# --------------------------------------------------------------------------


def find_mojo(arg: str | None) -> str:
    exe = arg or os.environ.get("GAUNTLET_MOJO") or shutil.which("mojo")
    if not exe or not Path(exe).exists():
        sys.exit("mojo not found: pass --mojo PATH or set GAUNTLET_MOJO")
    return exe


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--mojo", help="path to the mojo binary (default: $GAUNTLET_MOJO, PATH)")
    ap.add_argument("--only", help="comma-separated experiment groups, e.g. A,B2,J,K")
    ap.add_argument("--no-build", action="store_true", help="skip the `mojo build` column")
    ap.add_argument("--jobs", type=int, default=2, help="groups run in parallel (default 2)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    exe = find_mojo(args.mojo)
    only = set(args.only.split(",")) if args.only else None
    work = Path(tempfile.mkdtemp(prefix="mojo-dep-exp-"))
    mojo = Mojo(exe, work / "cache")
    version = subprocess.run(
        [exe, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    start = time.perf_counter()
    selected = [sc for sc in scenarios() if not only or sc.id in only]
    try:
        # Timings first and alone, so parallel jobs do not distort them.
        timing = timings(mojo, work) if not only or "J" in only else []
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {
                sc.id: pool.submit(run_scenario, sc, mojo, work, not args.no_build)
                for sc in selected
            }
            k_future = pool.submit(binary_identity, mojo, work) if not only or "K" in only else None
            tables = [render_scenario(sc, futures[sc.id].result()) for sc in selected]
            identity = k_future.result() if k_future else []
    finally:
        if args.keep:
            print(f"(kept {work})", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"# Mojo dependency experiments — {version}, {os.cpu_count()} cpu(s)\n")
    print(
        "Each row: build the base tree, compile + run; apply ONE edit, compile + run "
        "again. `same (...)` = identical outcome; `X → Y` = outcome changed. Paths are "
        "relative to the experiment's tree. Binary identity in these tables is under a "
        "warm Mojo cache; see K for fresh-cache builds."
    )
    for lines in tables:
        print("\n".join(lines))
    print("\n".join(timing))
    print("\n".join(identity))
    print(
        f"\n{mojo.compiles} compiler invocations, {time.perf_counter() - start:.0f} s "
        f"wall time, {args.jobs} job(s)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
