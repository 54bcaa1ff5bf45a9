"""What a compiler can do, asked of the compiler, and what gauntlet does with it."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from conftest import OLDEST_MOJO_VERSION

from gauntlet.config.load import parse_config
from gauntlet.graph.project import build_project
from gauntlet.run import toolchain
from gauntlet.run.context import load_context
from gauntlet.run.mojocaps import Capabilities, capabilities, probe
from gauntlet.run.mojocmd import compile_command

if TYPE_CHECKING:
    from pathlib import Path

LEGACY = Capabilities(precompile=False, std_prefix=True, bare_stdlib=True, links_libm=False)
# What 0.26.1 answers: LEGACY, and a file and a folder of one name: the first listed.
MOJO_026 = replace(LEGACY, listing_order=True)
# 0.25.7: `mojo package`, bare stdlib names only (`std.testing` is rejected),
# TestSuite, a `mojo build` that links libm, and the first listed of a file
# and a folder of one name.
MOJO_025 = Capabilities(precompile=False, std_prefix=False, bare_stdlib=True, listing_order=True)

# A compiler that behaves like 0.26.1: no `precompile`, both stdlib spellings,
# and a `build` that fails to link libm.  It logs every call.
FAKE_026 = """#!/bin/sh
echo "$@" >> {log}
case "$1" in
  --version) echo "Mojo 0.26.1.0 (fake)";;
  precompile) exit 1;;
  doc) exit 0;;
  build) echo "libm.so.6: error adding symbols: DSO missing from command line" >&2; exit 1;;
esac
"""


def _fake(tmp_path: Path) -> tuple[Path, Path]:
    log = tmp_path / "calls.log"
    mojo = tmp_path / "bin" / "mojo"
    mojo.parent.mkdir()
    mojo.write_text(FAKE_026.format(log=log), encoding="utf-8")
    mojo.chmod(0o755)
    return mojo, log


def test_commands_follow_the_compiler() -> None:
    legacy = compile_command("mojo", "package", "src/p", "p.mojopkg", ["src"], [], LEGACY)
    assert legacy == ["mojo", "package", "-I", "src", "src/p", "-o", "p.mojopkg"]
    program = compile_command("mojo", "executable", "t.mojo", "t", [], ["-O3"], LEGACY)
    assert program == ["mojo", "build", "-O3", "-Xlinker", "-lm", "t.mojo", "-o", "t"]
    current = compile_command("mojo", "executable", "t.mojo", "t", [], [], Capabilities())
    assert current == ["mojo", "build", "t.mojo", "-o", "t"]
    already = compile_command(
        "mojo", "extension", "e.mojo", "e.so", [], ["-Xlinker", "-lm"], LEGACY
    )
    assert already.count("-lm") == 1


def test_the_tag_names_the_capabilities() -> None:
    assert LEGACY.tag == "package+std+bare+testsuite+link-lm"
    assert Capabilities().tag == "precompile+std+testsuite"
    assert Capabilities.from_tag(LEGACY.tag) == LEGACY
    assert Capabilities.from_tag("") == Capabilities()
    assert MOJO_026.tag == "package+std+bare+testsuite+link-lm+listing-order"
    assert Capabilities.from_tag(MOJO_026.tag) == MOJO_026
    assert Capabilities.from_tag(MOJO_025.tag) == MOJO_025
    assert LEGACY.package_suffix == ".mojopkg"


def test_probe_asks_the_compiler_once_per_binary(tmp_path: Path) -> None:
    mojo, log = _fake(tmp_path)
    cache = tmp_path / "capabilities.json"
    assert capabilities(mojo, cache) == MOJO_026
    calls = log.read_text().splitlines()
    assert calls[0] == "precompile --help"
    assert sum(c.startswith("doc ") for c in calls) == 4
    assert capabilities(mojo, cache) == MOJO_026
    assert log.read_text().splitlines() == calls  # cached: the compiler is not asked again
    entry = next(iter(json.loads(cache.read_text()).values()))
    entry.pop("links_libm")  # an entry from an older probe is probed anew
    cache.write_text(json.dumps(dict.fromkeys(json.loads(cache.read_text()), entry)))
    assert capabilities(mojo, cache) == MOJO_026
    assert len(log.read_text().splitlines()) == 2 * len(calls)


def test_keys_and_package_outputs_carry_the_capabilities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mojo, _ = _fake(tmp_path)
    monkeypatch.setenv("GAUNTLET_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GAUNTLET_MOJO", str(mojo))
    root = tmp_path / "project"
    (root / "src/pkg").mkdir(parents=True)
    (root / "src/pkg/__init__.mojo").write_text("", encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[tool.gauntlet]\nmojo-version = "0.26.1.0"\n', encoding="utf-8"
    )
    context = load_context(root)
    assert (
        context.plan.toolchain == "mojo 0.26.1.0 [package+std+bare+testsuite+link-lm+listing-order]"
    )
    (package,) = context.plan.steps
    assert package.output.endswith("pkg/pkg.mojopkg")


def test_an_empty_package_list_means_no_packages(tmp_path: Path) -> None:
    (tmp_path / "src/pkg").mkdir(parents=True)
    (tmp_path / "src/pkg/__init__.mojo").write_text("", encoding="utf-8")
    pyproject = tmp_path / "pyproject.toml"
    for text, packages in (("", ("src/pkg",)), ("packages = []\n", ())):
        config = parse_config(pyproject, "[tool.gauntlet]\n" + text)
        assert build_project(config).packages == packages


@pytest.mark.slow
def test_the_real_compilers_answer(
    mojo: toolchain.Toolchain, mojo_legacy: toolchain.Toolchain
) -> None:
    assert probe(mojo.mojo) == Capabilities()  # 1.2.0: precompile, std. only, links libm
    assert probe(mojo_legacy.mojo) == MOJO_026


@pytest.mark.slow
def test_mojo_0_25_answers() -> None:
    assert probe(toolchain.ensure(OLDEST_MOJO_VERSION).mojo) == MOJO_025


def _file_listed_before_folder(package: Path) -> str:
    """A submodule name in ``package`` that is both a file and a folder, the file listed first."""
    for number in range(32):
        name = f"m{number}"
        if number % 2:
            (package / name).mkdir()
        (package / f"{name}.mojo").write_text("fn from_file():\n    pass\n", encoding="utf-8")
        (package / name).mkdir(exist_ok=True)
        (package / name / "__init__.mojo").write_text("fn from_folder():\n    pass\n")
        listing = [entry.name for entry in package.iterdir()]
        if listing.index(f"{name}.mojo") < listing.index(name):
            return name
    pytest.skip("this file system never listed a file before its folder")


@pytest.mark.slow
def test_the_lookup_follows_what_0_26_reads(
    tmp_path: Path, mojo_legacy: toolchain.Toolchain, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAUNTLET_MOJO", str(mojo_legacy.mojo))
    root = tmp_path / "project"
    (root / "src/pkg").mkdir(parents=True)
    (root / "src/pkg/__init__.mojo").write_text("", encoding="utf-8")
    name = _file_listed_before_folder(root / "src/pkg")
    (root / "tests").mkdir()
    (root / "tests/test_a.mojo").write_text(f"from pkg.{name} import from_file\n")
    (root / "pyproject.toml").write_text(
        '[tool.gauntlet]\nmojo-version = "0.26.1.0"\ninclude = ["src"]\n', encoding="utf-8"
    )
    argv = [str(mojo_legacy.mojo), "doc", "-I", "src", "tests/test_a.mojo", "-o", "doc.json"]
    read = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=False)
    assert read.returncode == 0, read.stderr  # 0.26.1 reads the file, listed first
    closure = load_context(root).project.closure(["tests/test_a.mojo"])
    assert f"src/pkg/{name}.mojo" in closure  # so its edits rerun the test
    assert f"src/pkg/{name}/__init__.mojo" in closure  # another listing may pick the folder
