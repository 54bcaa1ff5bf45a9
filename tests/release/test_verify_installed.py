"""Release verification for real: wheels built with gcc, uv venvs, twine, pytest runs."""

from __future__ import annotations

import hashlib
import json
import subprocess
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from verifydata import build, tiny_project, wheelhouse

from gauntlet.release.installed import JUNIT, REPORT, InstalledTests, installed_tests
from gauntlet.release.nomojo import WithoutMojo, import_without_mojo
from gauntlet.release.sbom import write_sbom
from gauntlet.release.twinecheck import TwineReport, twine_check
from gauntlet.release.verify import VerifyEnv, create_env

pytestmark = pytest.mark.slow
PURE_WHEEL = "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
BROKEN = "import tinypkg\n\ndef test_wrong_answer():\n    assert tinypkg.answer() == 41\n"


@dataclass(frozen=True)
class Built:
    project: Path
    helper: Path  # the folder the helper library was built in: "the Mojo toolchain"
    sdist: Path
    wheel: Path
    wheelhouse: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The tiny project with its helper bundled in the wheel (auditwheel's layout)."""
    root = tmp_path_factory.mktemp("tiny")
    project = tiny_project(root)
    sdist, wheel = build(project)
    house = wheelhouse(root / "wheelhouse", ["pytest", "packaging"])
    return Built(project, root / "helper", sdist, wheel, house)


@pytest.fixture(scope="module")
def env(built: Built, tmp_path_factory: pytest.TempPathFactory) -> VerifyEnv:
    """One verification venv for the module: the wheel and pytest, from local files only."""
    folder = tmp_path_factory.mktemp("verify") / "venv"
    made = create_env(folder, built.wheel, ["pytest"], wheelhouse=built.wheelhouse)
    assert made.ok, made.problem
    return made


def _tests(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_twine_check_passes_a_good_release(built: Built, tmp_path: Path) -> None:
    lines: list[str] = []
    report = twine_check([built.sdist, built.wheel], tmp_path, echo=lines.append)
    assert report.ok, report.to_json()
    assert {f.name for f in report.files} == {built.sdist.name, built.wheel.name}
    assert TwineReport.read(tmp_path / "twine-check.json") == report
    assert lines[0] == "twine check --strict: 2 files ..."


def test_twine_check_names_each_file_with_a_readme_that_does_not_render(tmp_path: Path) -> None:
    project = tiny_project(tmp_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace("README.md", "README.rst"), encoding="utf-8"
    )
    (project / "README.rst").write_text("Title\n=====\n\n.. nosuchdirective::\n", encoding="utf-8")
    sdist, wheel = build(project, bundle=False)
    report = twine_check([sdist, wheel], tmp_path / "out", echo=lambda _: None)
    assert not report.ok
    assert set(report.problems) == {sdist.name, wheel.name}
    assert 'Unknown directive type "nosuchdirective"' in report.problems[wheel.name][0]
    saved = json.loads((tmp_path / "out/twine-check.json").read_text(encoding="utf-8"))
    assert saved["files"][sdist.name]["passed"] is False


def test_the_installed_wheel_passes_its_tests_from_a_copy(
    built: Built, env: VerifyEnv, tmp_path: Path
) -> None:
    lines: list[str] = []
    result = installed_tests(
        env, [built.project / "tests"], tmp_path, source_tree=built.project, echo=lines.append
    )
    assert result.ok, result.to_json()
    assert (result.total, result.failed) == (2, 0)  # one test reads GAUNTLET_INSTALLED_WHEEL
    origin = dict(result.origins)["tinypkg"]
    assert Path(origin).is_relative_to(env.site_packages.resolve())
    assert (tmp_path / JUNIT).is_file()
    assert InstalledTests.read(tmp_path / REPORT) == result
    assert lines[-1].startswith("installed-wheel tests: tests against ")


def test_run_in_the_tree_the_source_would_shadow_the_wheel(built: Built, env: VerifyEnv) -> None:
    # The naive run: the venv's pytest from the project folder imports tinypkg from the
    # tree (where its extension was never built), which is why the tests are copied.
    naive = subprocess.run(
        [str(env.python), "-m", "pytest", "-p", "no:cacheprovider", "tests"],
        cwd=built.project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert naive.returncode != 0
    assert "tinypkg/__init__.py:1: in <module>" in naive.stdout  # the tree's file, relative
    assert "No module named 'tinypkg._native'" in naive.stdout


def test_a_failing_installed_test_is_reported_by_name(env: VerifyEnv, tmp_path: Path) -> None:
    tests = _tests(
        tmp_path / "suite",
        {"test_broken.py": BROKEN},
    )
    result = installed_tests(env, [tests], tmp_path / "out", echo=lambda _: None)
    assert not result.ok
    assert result.failed == 1
    assert "test_wrong_answer" in result.failures[0]
    assert "assert 42 == 41" in result.failures[0]
    saved = json.loads((tmp_path / "out" / REPORT).read_text(encoding="utf-8"))
    assert saved["ok"] is False


def test_tests_that_import_the_tree_are_caught(env: VerifyEnv, tmp_path: Path) -> None:
    # A conftest that puts the tree first (as a build-folder conftest does): the tests
    # pass, but the package they tested is not the wheel.
    tree = tmp_path / "repo"
    (tree / "tinypkg").mkdir(parents=True)
    (tree / "tinypkg/__init__.py").write_text("def answer():\n    return 42\n", encoding="utf-8")
    conftest = f"import sys\nsys.path.insert(0, {str(tree)!r})\n"
    tests = _tests(
        tmp_path / "suite",
        {
            "conftest.py": conftest,
            "test_ok.py": "import tinypkg\n\ndef test_answer():\n    assert tinypkg.answer()\n",
        },
    )
    result = installed_tests(env, [tests], tmp_path / "out", source_tree=tree, echo=lambda _: None)
    assert result.failed == 0
    assert not result.ok
    assert f"tinypkg was imported from the source tree ({tree / 'tinypkg'}" in result.problems[0]


def test_tests_that_never_import_the_package_prove_nothing(env: VerifyEnv, tmp_path: Path) -> None:
    tests = _tests(tmp_path / "suite", {"test_other.py": "def test_x():\n    assert True\n"})
    result = installed_tests(env, [tests], tmp_path / "out", echo=lambda _: None)
    assert not result.ok
    assert "the tests never imported tinypkg" in result.problems[0]


def test_a_failed_install_is_a_result_for_every_step(built: Built, tmp_path: Path) -> None:
    broken = create_env(
        tmp_path / "venv",
        built.wheel,
        ["no-such-dist-gx"],
        wheelhouse=built.wheelhouse,
        echo=lambda _: None,
    )
    assert not broken.ok
    assert "no-such-dist-gx" in broken.problem
    tests = installed_tests(broken, [built.project / "tests"], tmp_path, echo=lambda _: None)
    assert tests.problems == (broken.problem,)
    imported = import_without_mojo(broken, [built.helper], tmp_path, echo=lambda _: None)
    assert not imported.ok
    assert not write_sbom(broken, [built.wheel], tmp_path, epoch=0).ok


def test_the_bundled_wheel_imports_without_mojo(
    built: Built, env: VerifyEnv, tmp_path: Path
) -> None:
    result = import_without_mojo(env, [built.helper], tmp_path, echo=lambda _: None)
    assert result.ok, result.failures
    (imported,) = result.imports
    bundled = [lib for lib in imported.libs if lib.endswith("tinypkg.libs/libhelper.so")]
    assert bundled
    assert Path(bundled[0]).is_relative_to(env.site_packages.resolve())
    assert WithoutMojo.read(tmp_path / "without-mojo.json") == result


def test_a_wheel_linked_into_the_toolchain_fails_naming_the_library(
    tmp_path: Path, built: Built
) -> None:
    project = tiny_project(tmp_path / "rpath", native="rpath")
    _, wheel = build(project, bundle=False)
    venv = create_env(tmp_path / "venv", wheel, wheelhouse=built.wheelhouse, echo=lambda _: None)
    helper = tmp_path / "rpath/helper"
    result = import_without_mojo(venv, [helper], tmp_path / "out", echo=lambda _: None)
    assert not result.ok
    assert result.imports[0].forbidden == (str(helper / "libhelper.so"),)
    assert f"import tinypkg loaded {helper / 'libhelper.so'}" in result.failures[0]


def test_a_wheel_missing_its_runtime_fails_to_import(tmp_path: Path, built: Built) -> None:
    project = tiny_project(tmp_path / "bare")
    _, wheel = build(project, bundle=False)  # RUNPATH $ORIGIN/../tinypkg.libs, nothing there
    venv = create_env(tmp_path / "venv", wheel, wheelhouse=built.wheelhouse, echo=lambda _: None)
    result = import_without_mojo(
        venv, [tmp_path / "bare/helper"], tmp_path / "out", echo=lambda _: None
    )
    assert not result.ok
    assert "libhelper.so: cannot open shared object file" in result.failures[0]


def test_the_sbom_of_the_verification_venv_is_valid(
    built: Built, env: VerifyEnv, tmp_path: Path
) -> None:
    result = write_sbom(env, [built.sdist, built.wheel], tmp_path, epoch=1_700_000_000)
    text = Path(result.path).read_text(encoding="utf-8")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    scopes = {c["name"]: c.get("scope") for c in bom["components"]}
    assert scopes["packaging"] == "required"  # tinypkg's dependency
    assert scopes["pytest"] == "excluded"  # only the tests needed it
    helper = (built.helper / "libhelper.so").read_bytes()
    assert scopes["libhelper.so"] is None
    lib = next(c for c in bom["components"] if c["name"] == "libhelper.so")
    assert lib["hashes"][0]["content"] == hashlib.sha256(helper).hexdigest()


def test_test_folders_of_the_same_name_are_all_copied(env: VerifyEnv, tmp_path: Path) -> None:
    first = _tests(
        tmp_path / "a/tests", {"test_one.py": "import tinypkg\n\ndef test_one(): pass\n"}
    )
    second = _tests(tmp_path / "b/tests", {"test_two.py": "def test_two(): pass\n"})
    result = installed_tests(env, [first, second], tmp_path / "out", echo=lambda _: None)
    assert result.ok, result.to_json()
    assert result.total == 2


def test_tests_that_hang_are_stopped_and_reported(env: VerifyEnv, tmp_path: Path) -> None:
    hang = "import time\n\ndef test_hangs():\n    time.sleep(600)\n"
    tests = _tests(tmp_path / "suite", {"test_hang.py": hang})
    result = installed_tests(env, [tests], tmp_path / "out", timeout=5, echo=lambda _: None)
    assert not result.ok
    assert result.problems[0] == "the tests timed out; they were stopped"
    assert result.problems[1].startswith("pytest wrote no JUnit file")


def test_a_namespace_package_is_traced_to_site_packages(built: Built, tmp_path: Path) -> None:
    wheel = tmp_path / "nspkg-1.0-py3-none-any.whl"
    files = {
        "nspkg/sub.py": "VALUE = 1\n",
        "nspkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: nspkg\nVersion: 1.0\n",
        "nspkg-1.0.dist-info/WHEEL": PURE_WHEEL,
    }
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("nspkg-1.0.dist-info/RECORD", "")
    venv = create_env(tmp_path / "venv", wheel, ["pytest"], wheelhouse=built.wheelhouse)
    assert venv.ok, venv.problem
    test = "import nspkg.sub\n\ndef test_sub():\n    assert nspkg.sub.VALUE == 1\n"
    tests = _tests(tmp_path / "suite", {"test_ns.py": test})
    result = installed_tests(venv, [tests], tmp_path / "out", echo=lambda _: None)
    assert result.ok, result.to_json()
    assert Path(dict(result.origins)["nspkg"]).is_relative_to(venv.site_packages.resolve())
