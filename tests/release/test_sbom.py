"""The release SBOM: CycloneDX 1.6, validated against the official schema, deterministic."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from gauntlet.release.sbom import SBOM, SbomResult, purl, write_sbom
from gauntlet.release.verify import VerifyEnv

EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z

DISTS = {
    "tinypkg-1.0.0": (
        "Name: tinypkg\nVersion: 1.0.0\nLicense-Expression: MIT\n"
        "Requires-Dist: dep-a>=1\nRequires-Dist: dep_b; extra == 'fast'\n"
        "Requires-Dist: not-installed\n"
    ),
    "dep_a-1.2": "Name: Dep_A\nVersion: 1.2\nLicense: BSD\nRequires-Dist: dep-c\n",
    "dep_b-3.0": "Name: dep-b\nVersion: 3.0\n",
    "dep_c-0.1": (
        "Name: dep-c\nVersion: 0.1\nLicense: a very long licence\n text on many lines\n"
        "Classifier: License :: OSI Approved :: Apache Software License\n"
    ),
    "testtool-9": "Name: testtool\nVersion: 9\nRequires-Dist: dep-c\n",
}


def validator() -> JsonStrictValidator:
    """The official CycloneDX 1.6 JSON schema, strict."""
    return JsonStrictValidator(SchemaVersion.V1_6)


def fake_install(tmp_path: Path, dists: dict[str, str] = DISTS) -> tuple[VerifyEnv, Path, Path]:
    """A venv folder with ``dists`` installed (their dist-info), the wheel and the sdist."""
    site = tmp_path / "venv/lib/python3.11/site-packages"
    for stem, meta in dists.items():
        info = site / f"{stem}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text("Metadata-Version: 2.4\n" + meta, encoding="utf-8")
    wheel = tmp_path / "dist/tinypkg-1.0.0-cp311-cp311-linux_x86_64.whl"
    wheel.parent.mkdir()
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("tinypkg-1.0.0.dist-info/METADATA", DISTS["tinypkg-1.0.0"])
        archive.writestr("tinypkg/__init__.py", "")
        archive.writestr("tinypkg.libs/libhelper-ab12.so.1", b"helper")
        archive.writestr("tinypkg.libs/README.txt", b"not a library")
    sdist = tmp_path / "dist/tinypkg-1.0.0.tar.gz"
    sdist.write_bytes(b"sdist")
    return VerifyEnv(tmp_path / "venv", wheel), wheel, sdist


def test_the_sbom_lists_the_package_its_files_dependencies_and_bundled_libraries(
    tmp_path: Path,
) -> None:
    env, wheel, sdist = fake_install(tmp_path)
    lines: list[str] = []
    result = write_sbom(env, [wheel, sdist], tmp_path / "out", epoch=EPOCH, echo=lines.append)
    assert result.ok
    text = Path(result.path).read_text(encoding="utf-8")
    assert validator().validate_str(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6"
    assert bom["metadata"]["timestamp"] == "2023-11-14T22:13:20Z"
    main = bom["metadata"]["component"]
    assert (main["name"], main["version"], main["purl"]) == (
        "tinypkg",
        "1.0.0",
        "pkg:pypi/tinypkg@1.0.0",
    )
    assert main["licenses"] == [{"expression": "MIT"}]
    files = {c["name"]: c["hashes"][0]["content"] for c in main["components"]}
    assert files == {
        wheel.name: hashlib.sha256(wheel.read_bytes()).hexdigest(),
        sdist.name: hashlib.sha256(b"sdist").hexdigest(),
    }
    by_ref = {c["bom-ref"]: c for c in bom["components"]}
    assert by_ref["pkg:pypi/dep-a@1.2"]["scope"] == "required"
    assert by_ref["pkg:pypi/dep-a@1.2"]["licenses"] == [{"license": {"name": "BSD"}}]
    assert by_ref["pkg:pypi/dep-c@0.1"]["scope"] == "required"  # through dep-a
    assert by_ref["pkg:pypi/dep-c@0.1"]["licenses"] == [
        {"license": {"name": "Apache Software License"}}
    ]
    assert by_ref["pkg:pypi/dep-b@3.0"]["scope"] == "excluded"  # only with an extra
    assert by_ref["pkg:pypi/testtool@9"]["scope"] == "excluded"
    assert "licenses" not in by_ref["pkg:pypi/testtool@9"]
    lib = by_ref["pkg:pypi/tinypkg@1.0.0#tinypkg.libs/libhelper-ab12.so.1"]
    assert lib["name"] == "libhelper-ab12.so.1"
    assert lib["hashes"] == [{"alg": "SHA-256", "content": hashlib.sha256(b"helper").hexdigest()}]
    graph = {d["ref"]: d["dependsOn"] for d in bom["dependencies"]}
    assert graph["pkg:pypi/tinypkg@1.0.0"] == [
        "pkg:pypi/dep-a@1.2",
        "pkg:pypi/tinypkg@1.0.0#tinypkg.libs/libhelper-ab12.so.1",
    ]
    assert graph["pkg:pypi/dep-a@1.2"] == ["pkg:pypi/dep-c@0.1"]
    assert graph["pkg:pypi/testtool@9"] == ["pkg:pypi/dep-c@0.1"]
    assert result.components == 5  # four distributions and one library
    assert lines[0].startswith("SBOM (CycloneDX 1.6): ")
    assert lines[-1].endswith(" s")


def test_the_sbom_is_deterministic_and_its_serial_follows_the_content(tmp_path: Path) -> None:
    env, wheel, sdist = fake_install(tmp_path)
    first = write_sbom(env, [sdist, wheel], tmp_path / "a", epoch=EPOCH, echo=lambda _: None)
    again = write_sbom(env, [wheel, sdist], tmp_path / "b", epoch=EPOCH, echo=lambda _: None)
    assert Path(first.path).read_bytes() == Path(again.path).read_bytes()
    later = write_sbom(env, [wheel, sdist], tmp_path / "c", epoch=EPOCH + 1, echo=lambda _: None)
    assert later.serial != first.serial
    assert first.serial.startswith("urn:uuid:")
    assert SbomResult.from_json(json.loads(json.dumps(first.to_json()))) == first


def test_the_validator_rejects_a_broken_sbom(tmp_path: Path) -> None:
    env, wheel, sdist = fake_install(tmp_path)
    result = write_sbom(env, [wheel, sdist], tmp_path, epoch=EPOCH, echo=lambda _: None)
    bom = json.loads(Path(result.path).read_text(encoding="utf-8"))
    bom["components"][0]["hashes"] = [{"alg": "SHA-256", "content": "not hex"}]
    assert validator().validate_str(json.dumps(bom)) is not None
    del bom["components"][0]["hashes"]
    bom["specVersion"] = "1.6"
    bom["metadata"]["component"]["type"] = "wheel"
    error = validator().validate_str(json.dumps(bom))
    assert error is not None
    assert "wheel" in str(error)


def test_no_venv_means_no_sbom_and_says_why(tmp_path: Path) -> None:
    env, wheel, sdist = fake_install(tmp_path)
    (tmp_path / "out").mkdir()
    stale = tmp_path / "out" / SBOM
    stale.write_text("{}", encoding="utf-8")
    broken = VerifyEnv(env.root, wheel, "installing tinypkg failed: no index")
    result = write_sbom(broken, [wheel, sdist], tmp_path / "out", epoch=EPOCH)
    assert not result.ok
    assert "no index" in result.problems[0]
    assert not stale.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Dep_A", "pkg:pypi/dep-a@1"), ("zope.interface", "pkg:pypi/zope-interface@1")],
)
def test_purls_use_the_normalised_name(name: str, expected: str) -> None:
    assert purl(name, "1") == expected
