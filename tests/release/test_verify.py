"""Release verification, the fast parts: twine's findings, wheels, origins, a Mojo-free env."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from gauntlet.errors import GauntletError, ResultError, ToolError
from gauntlet.release.installed import InstalledTests, installed_tests, origin_problems
from gauntlet.release.nomojo import ModuleImport, WithoutMojo, without_mojo_env
from gauntlet.release.twinecheck import FileCheck, TwineReport, parse_twine
from gauntlet.release.verify import VerifyEnv, find_tool, read_wheel, step

# twine 7's output for a passing wheel and an sdist whose README does not render.
TWINE_OUTPUT = """\
Checking dist/tinypkg-1.0.0-py3-none-any.whl: PASSED
Checking dist/tinypkg-1.0.0.tar.gz: FAILED
ERROR    `long_description` has syntax errors in markup and would not be
         rendered on PyPI.
         line 4: Error: Unknown directive type "nosuchdirective".
WARNING  `long_description_content_type` missing. defaulting to `text/x-rst`.
"""


def test_twine_findings_are_kept_per_file() -> None:
    names = ["tinypkg-1.0.0.tar.gz", "tinypkg-1.0.0-py3-none-any.whl", "other.whl"]
    checks = parse_twine(TWINE_OUTPUT, names)
    report = TwineReport(checks)
    assert not report.ok
    assert report.problems["tinypkg-1.0.0.tar.gz"] == (
        (
            "ERROR: `long_description` has syntax errors in markup and would not be rendered on "
            'PyPI. line 4: Error: Unknown directive type "nosuchdirective".'
        ),
        "WARNING: `long_description_content_type` missing. defaulting to `text/x-rst`.",
    )
    assert report.problems["other.whl"] == ("twine did not report on this file",)
    assert "tinypkg-1.0.0-py3-none-any.whl" not in report.problems
    assert TwineReport.from_json(json.loads(json.dumps(report.to_json()))) == report


def test_twine_report_of_nothing_is_not_ok_and_a_broken_file_names_itself(
    tmp_path: Path,
) -> None:
    assert not TwineReport(()).ok
    assert TwineReport((FileCheck("a.whl", passed=True),)).ok
    broken = tmp_path / "twine-check.json"
    broken.write_text('{"schema_version": 99, "files": {}}', encoding="utf-8")
    with pytest.raises(ResultError, match=str(broken)):
        TwineReport.read(broken)


def test_a_missing_tool_names_what_to_install() -> None:
    with pytest.raises(ToolError, match=r"pip install no-such-tool-gx"):
        find_tool("no-such-tool-gx", "no-such-tool-gx")


def test_a_step_prints_its_start_and_its_seconds() -> None:
    lines: list[str] = []
    with step(lines.append, "twine check"):
        lines.append("working")
    assert lines[0] == "twine check ..."
    assert lines[2].startswith("twine check: done in ")
    assert lines[2].endswith(" s")
    with pytest.raises(RuntimeError), step(lines.append, "install"):
        raise RuntimeError
    assert lines[-1].startswith("install: failed after ")


def _wheel(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_a_wheel_tells_its_modules_and_bundled_libraries(tmp_path: Path) -> None:
    meta = b"Metadata-Version: 2.1\nName: tiny-pkg\nVersion: 2.0\n"
    wheel = _wheel(
        tmp_path / "tiny_pkg-2.0-cp311-cp311-linux_x86_64.whl",
        {
            "tiny_pkg-2.0.dist-info/METADATA": meta,
            "tinypkg/__init__.py": b"",
            "solo.py": b"",
            "fast.cpython-311-x86_64-linux-gnu.so": b"\x7fELF",
            "tinypkg.libs/libhelper-1a2b.so.1": b"lib",
            "tiny_pkg-2.0.data/scripts/tool": b"",
        },
    )
    info = read_wheel(wheel)
    assert (info.name, info.version) == ("tiny-pkg", "2.0")
    assert info.top_level == ("fast", "solo", "tinypkg")
    lib_digest = hashlib.sha256(b"lib").hexdigest()
    assert info.libs == (("tinypkg.libs/libhelper-1a2b.so.1", lib_digest),)
    listed = _wheel(
        tmp_path / "b-1.whl",
        {
            "b-1.dist-info/METADATA": b"Name: b\nVersion: 1\n",
            "b-1.dist-info/top_level.txt": b"b\nc\n",
        },
    )
    assert read_wheel(listed).top_level == ("b", "c")
    # setuptools with `packages = []` writes an empty top_level.txt; the Mojo extension
    # added to the wheel afterwards is still a top-level module
    extension = _wheel(
        tmp_path / "e-1.whl",
        {
            "e-1.dist-info/METADATA": b"Name: e\nVersion: 1\n",
            "e-1.dist-info/top_level.txt": b"\n",
            "emberjson_python.so": b"\x7fELF",
            "e.libs/libKGENCompilerRTShared-74a9.so": b"lib",
        },
    )
    assert read_wheel(extension).top_level == ("emberjson_python",)


def test_a_file_that_is_no_wheel_is_named(tmp_path: Path) -> None:
    junk = tmp_path / "junk.whl"
    junk.write_bytes(b"not a zip")
    with pytest.raises(GauntletError, match=r"junk\.whl: cannot read the wheel"):
        read_wheel(junk)
    bare = _wheel(tmp_path / "bare.whl", {"x.py": b""})
    with pytest.raises(GauntletError, match=r"bare\.whl: no \*\.dist-info/METADATA"):
        read_wheel(bare)


def test_origins_outside_site_packages_are_refused_naming_the_tree(tmp_path: Path) -> None:
    site = tmp_path / "venv/lib/python3.11/site-packages"
    tree = tmp_path / "repo"
    for folder in (site / "tinypkg", tree / "tinypkg", tmp_path / "elsewhere"):
        folder.mkdir(parents=True)
    good = {"tinypkg": str(site / "tinypkg/__init__.py")}
    assert origin_problems(good, site, tree) == []
    shadowed = origin_problems({"tinypkg": str(tree / "tinypkg/__init__.py")}, site, tree)
    assert shadowed
    assert "tinypkg was imported from the source tree" in shadowed[0]
    assert str(tree / "tinypkg") in shadowed[0]
    other = origin_problems({"tinypkg": str(tmp_path / "elsewhere/t.py")}, site, None)
    assert "outside the venv's" in other[0]
    never = origin_problems({"tinypkg": None}, site, tree)
    assert "the tests never imported tinypkg" in never[0]


def test_no_module_to_check_is_a_problem_not_a_pass(tmp_path: Path) -> None:
    assert origin_problems({}, tmp_path, None) == [
        "the wheel has no top-level module to import: nothing shows it was tested"
    ]


def test_installed_tests_result_round_trips_and_needs_tests_that_ran() -> None:
    result = InstalledTests(
        "t.whl",
        "j.xml",
        1,
        2,
        1,
        0,
        0,
        ("test_tiny.py::test_broken: assert 41 == 42",),
        (("tinypkg", "/v/site-packages/tinypkg/__init__.py"),),
    )
    assert not result.ok
    assert InstalledTests.from_json(json.loads(json.dumps(result.to_json()))) == result
    assert InstalledTests("t.whl", "j.xml", 0, 2).ok
    assert not InstalledTests("t.whl", "j.xml", 5, 0).ok  # no tests ran


def _program(folder: Path, name: str) -> None:
    folder.mkdir(parents=True)
    (folder / name).write_text("#!/bin/sh\n", encoding="utf-8")
    (folder / name).chmod(stat.S_IRWXU)


def test_the_mojo_free_environment_drops_mojo_from_path_and_library_path(
    tmp_path: Path,
) -> None:
    toolchain, other, bin_ = tmp_path / "mojo-1.2.0", tmp_path / "lib", tmp_path / "venvbin"
    _program(toolchain / "bin", "mojo")
    _program(bin_, "mojo")  # a venv with the mojo wheel installed
    other.mkdir()
    env = {
        "PATH": os.pathsep.join([str(toolchain / "bin"), str(bin_), "/usr/bin"]),
        "LD_LIBRARY_PATH": os.pathsep.join([str(toolchain / "lib"), str(other)]),
        "MODULAR_HOME": str(toolchain),
        "PYTHONPATH": "/src",
        "HOME": "/home/x",
    }
    clean = without_mojo_env([toolchain], env)
    assert clean["PATH"] == "/usr/bin"
    assert clean["LD_LIBRARY_PATH"] == str(other)
    assert "MODULAR_HOME" not in clean
    assert "PYTHONPATH" not in clean
    assert clean["HOME"] == "/home/x"


def test_without_mojo_names_the_module_and_the_forbidden_library() -> None:
    lib = "/opt/mojo/lib/libKGENCompilerRTShared.so"
    result = WithoutMojo(
        "t.whl",
        ("/opt/mojo",),
        (
            ModuleImport("tinypkg", "", ("/usr/lib/libc.so.6", lib), (lib,)),
            ModuleImport("other", "ImportError: libM.so: cannot open", (), ()),
        ),
    )
    assert not result.ok
    assert result.failures[0].startswith(f"import tinypkg loaded {lib}, inside a forbidden")
    assert (
        result.failures[1] == "import other failed without Mojo: ImportError: libM.so: cannot open"
    )
    assert WithoutMojo.from_json(json.loads(json.dumps(result.to_json()))) == result
    assert not WithoutMojo("t.whl", (), ()).ok  # nothing imported proves nothing


def test_an_env_whose_install_failed_is_not_ok(tmp_path: Path) -> None:
    env = VerifyEnv(tmp_path, tmp_path / "t.whl", "installing t.whl failed: no index")
    assert not env.ok
    assert env.python == tmp_path / "bin/python"


def test_a_missing_test_folder_is_named_before_anything_runs(tmp_path: Path) -> None:
    meta = b"Name: tinypkg\nVersion: 1.0.0\n"
    wheel = _wheel(
        tmp_path / "tinypkg-1.0.0-py3-none-any.whl", {"tinypkg-1.0.0.dist-info/METADATA": meta}
    )
    env = VerifyEnv(tmp_path / "venv", wheel)
    with pytest.raises(GauntletError, match=r"nope: no such test folder; fix \[tool\.gauntlet"):
        installed_tests(env, [tmp_path / "nope"], tmp_path / "out", echo=lambda _: None)


def test_an_installed_tests_report_of_another_schema_is_refused_naming_it(tmp_path: Path) -> None:
    report = tmp_path / "installed-tests.json"
    report.write_text(json.dumps({**InstalledTests("t.whl", "", 0).to_json(), "schema_version": 2}))
    with pytest.raises(ResultError, match=str(report)):
        InstalledTests.read(report)
