"""A CycloneDX 1.6 JSON SBOM of a release, from its verification venv.

It lists the package itself (name, version, purl, licence) with each of its
files (sdist, wheels) and their SHA-256 as sub-components; every distribution
installed with it in the verification venv, with its purl, licence (as the
metadata gives it: ``License-Expression``, a one-line ``License``, or the
licence classifiers) and scope (``required`` when the package needs it through
``Requires-Dist``, ``excluded`` for what only the tests installed); the
dependency graph from ``Requires-Dist``; and the shared libraries bundled in
the wheel (``<pkg>.libs/*.so*``, what auditwheel adds) with their SHA-256.

The output is deterministic: everything sorted, the timestamp is the given
``SOURCE_DATE_EPOCH``, and the serial number is derived from the content.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

import gauntlet
from gauntlet.atomic import write_text_atomic
from gauntlet.release.verify import SCHEMA_VERSION, read_wheel, step
from gauntlet.results.jsonfile import convert, load_json
from gauntlet.results.stamp import file_sha256

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from gauntlet.release.verify import Echo, VerifyEnv

SBOM = "sbom.cdx.json"
SPEC_VERSION = "1.6"


def purl(name: str, version: str) -> str:
    """The package URL of a distribution on PyPI."""
    return f"pkg:pypi/{canonicalize_name(name)}@{version}"


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    return str((meta.get_all(name) or [""])[0]).strip()


def _licenses(meta: metadata.PackageMetadata) -> list[dict[str, Any]]:
    if expression := _field(meta, "License-Expression"):
        return [{"expression": expression}]
    text = _field(meta, "License")
    if text and "\n" not in text and len(text) <= 100 and text.upper() != "UNKNOWN":
        return [{"license": {"name": text}}]
    classifiers = meta.get_all("Classifier") or []
    names = sorted({c.rsplit("::", 1)[-1].strip() for c in classifiers if c.startswith("License")})
    return [{"license": {"name": n}} for n in names]


def _requires(dist: metadata.Distribution, installed: Mapping[str, str]) -> list[str]:
    """The installed distributions ``dist`` needs (Requires-Dist, without extras)."""
    found = set()
    for line in dist.requires or []:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in installed:
            found.add(installed[name])
    return sorted(found)


@dataclass(frozen=True)
class SbomResult:
    """The SBOM written for a release: where, its serial number and what it lists."""

    path: str  # "" when none could be written
    serial: str
    components: int  # distributions and bundled libraries, besides the package
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """The SBOM was written."""
        return bool(self.path) and not self.problems

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "ok": self.ok,
            "path": self.path,
            "serial": self.serial,
            "components": self.components,
            "problems": list(self.problems),
        }

    @classmethod
    def from_json(cls, data: Any) -> SbomResult:
        """The result in ``data`` (as :meth:`to_json` wrote it)."""
        if data["schema_version"] != SCHEMA_VERSION:
            raise ValueError(f"schema_version {data['schema_version']}, expected {SCHEMA_VERSION}")
        problems = tuple(map(str, data["problems"]))
        return cls(str(data["path"]), str(data["serial"]), int(data["components"]), problems)

    @classmethod
    def read(cls, path: Path) -> SbomResult:
        """The result at ``path``; a missing or broken file is a ResultError naming it."""
        return convert(path, load_json(path, what="SBOM result"), cls.from_json, "a result")


def sbom_document(env: VerifyEnv, artifacts: Sequence[Path], epoch: int) -> dict[str, Any]:
    """The CycloneDX document of the wheel installed in ``env`` and the release's files."""
    wheel = read_wheel(env.wheel)
    dists = {
        canonicalize_name(d.metadata["Name"]): d
        for d in metadata.distributions(path=[str(env.site_packages)])
        if d.metadata["Name"]
    }
    refs: dict[str, str] = {name: purl(name, d.version) for name, d in dists.items()}
    main_name = canonicalize_name(wheel.name)
    main_ref = purl(wheel.name, wheel.version)
    graph = {refs[name]: _requires(d, refs) for name, d in dists.items()}
    graph[main_ref] = graph.get(main_ref, [])
    required, todo = set(), [main_ref]
    while todo:
        for ref in graph.get(todo.pop(), []):
            if ref not in required:
                required.add(ref)
                todo.append(ref)
    components = [
        {
            "type": "library",
            "bom-ref": refs[name],
            "name": d.metadata["Name"],
            "version": d.version,
            "purl": refs[name],
            "scope": "required" if refs[name] in required else "excluded",
            "licenses": _licenses(d.metadata),
        }
        for name, d in dists.items()
        if name != main_name
    ]
    for path, digest in wheel.libs:
        ref = f"{main_ref}#{path}"
        graph[main_ref].append(ref)
        components.append(
            {
                "type": "library",
                "bom-ref": ref,
                "name": Path(path).name,
                "description": f"shared library bundled in {env.wheel.name} at {path}",
                "hashes": [{"alg": "SHA-256", "content": digest}],
            }
        )
    for component in components:
        if not component.get("licenses", True):
            del component["licenses"]
    main: dict[str, Any] = {
        "type": "library",
        "bom-ref": main_ref,
        "name": wheel.name,
        "version": wheel.version,
        "purl": main_ref,
        "components": [
            {
                "type": "file",
                "bom-ref": f"{main_ref}#{p.name}",
                "name": p.name,
                "hashes": [{"alg": "SHA-256", "content": file_sha256(p)}],
            }
            for p in sorted(artifacts, key=lambda a: a.name)
        ],
    }
    if main_name in dists and (licenses := _licenses(dists[main_name].metadata)):
        main["licenses"] = licenses
    stamp = datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    tool = {"type": "application", "name": "gauntlet", "version": gauntlet.__version__}
    document: dict[str, Any] = {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {"timestamp": stamp, "tools": {"components": [tool]}, "component": main},
        "components": sorted(components, key=lambda c: str(c["bom-ref"])),
        "dependencies": [{"ref": ref, "dependsOn": sorted(graph[ref])} for ref in sorted(graph)],
    }
    content = json.dumps(document, sort_keys=True).encode("utf-8")
    serial = uuid.uuid5(uuid.NAMESPACE_URL, "sbom:" + hashlib.sha256(content).hexdigest())
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "serialNumber": f"urn:uuid:{serial}",
        **document,
    }


def write_sbom(
    env: VerifyEnv,
    artifacts: Sequence[Path],
    out: Path,
    *,
    epoch: int,
    echo: Echo = print,
) -> SbomResult:
    """Write ``out/sbom.cdx.json`` for the release of ``artifacts``; return what it holds."""
    target = out / SBOM
    target.unlink(missing_ok=True)
    if not env.ok:
        return SbomResult(
            "", "", 0, (f"no SBOM: the verification venv has no wheel: {env.problem}",)
        )
    with step(echo, f"SBOM (CycloneDX {SPEC_VERSION}): {env.wheel.name}"):
        document = sbom_document(env, artifacts, epoch)
        write_text_atomic(target, json.dumps(document, indent=1, sort_keys=True) + "\n")
    return SbomResult(str(target), document["serialNumber"], len(document["components"]))
