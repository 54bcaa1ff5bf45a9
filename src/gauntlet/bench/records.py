"""Benchmark results, schema version 2: named measurements with all their samples.

A :class:`Measurement` is one benchmark's samples in one unit of one metric
kind (wall time or instruction count).  A :class:`BenchResults` is every
measurement of one run with where it ran (an :class:`Environment`, whose
fingerprint keys the history so figures from different machines are never
compared), the commit and the time.  JSON is the only place dicts appear.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from gauntlet.atomic import write_text_atomic
from gauntlet.errors import ResultError

SCHEMA_VERSION = 2

# Wall-time units and their size in seconds.
TIME_UNITS: dict[str, float] = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
INSTRUCTIONS = "instructions"


class MetricKind(Enum):
    """What a measurement counts; lower is better except for throughput."""

    WALL_TIME = "wall_time"
    THROUGHPUT = "throughput"
    INSTRUCTIONS = "instructions"


@dataclass(frozen=True)
class Measurement:
    """One benchmark's samples (each a per-iteration figure) in one unit."""

    name: str
    samples: tuple[float, ...]
    unit: str = "ms"
    kind: MetricKind = MetricKind.WALL_TIME
    iters: int = 0

    def in_unit(self, unit: str) -> Measurement:
        """The same measurement converted to another wall-time unit."""
        if unit == self.unit:
            return self
        if unit not in TIME_UNITS or self.unit not in TIME_UNITS:
            raise ResultError(f"{self.name}: cannot convert {self.unit!r} to {unit!r}")
        factor = TIME_UNITS[self.unit] / TIME_UNITS[unit]
        return Measurement(
            self.name, tuple(s * factor for s in self.samples), unit, self.kind, self.iters
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "name": self.name,
            "kind": self.kind.value,
            "unit": self.unit,
            "iters": self.iters,
            "samples": list(self.samples),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Measurement:
        """Read the JSON form (raises KeyError/ValueError/TypeError when malformed)."""
        return Measurement(
            name=str(data["name"]),
            samples=tuple(float(s) for s in data["samples"]),
            unit=str(data["unit"]),
            kind=MetricKind(data["kind"]),
            iters=int(data.get("iters", 0)),
        )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@dataclass(frozen=True)
class Environment:
    """Where a run happened; the fingerprint names the machine and toolchain."""

    machine: str
    cpu: str
    cores: int
    system: str
    toolchain: str = ""
    python: str = ""

    @property
    def fingerprint(self) -> str:
        """A short digest of everything that makes figures comparable."""
        parts = (self.machine, self.cpu, str(self.cores), self.system, self.toolchain, self.python)
        text = "\0".join(parts)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @staticmethod
    def current(toolchain: str = "") -> Environment:
        """The environment of this process (``$GAUNTLET_MACHINE`` overrides the host name)."""
        return Environment(
            machine=os.environ.get("GAUNTLET_MACHINE") or platform.node(),
            cpu=_cpu_model(),
            cores=os.cpu_count() or 1,
            system=f"{platform.system()} {platform.release()}",
            toolchain=toolchain,
            python=platform.python_version(),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON form, fingerprint included for readers in other tools."""
        return {
            "machine": self.machine,
            "cpu": self.cpu,
            "cores": self.cores,
            "system": self.system,
            "toolchain": self.toolchain,
            "python": self.python,
            "fingerprint": self.fingerprint,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Environment:
        """Read the JSON form."""
        return Environment(
            str(data["machine"]),
            str(data["cpu"]),
            int(data["cores"]),
            str(data["system"]),
            str(data.get("toolchain", "")),
            str(data.get("python", "")),
        )


@dataclass(frozen=True)
class BenchResults:
    """Every measurement of one benchmark run."""

    source: str
    environment: Environment
    measurements: tuple[Measurement, ...]
    commit: str = ""
    timestamp: float = 0.0
    key: str = ""
    ok: bool = True
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def get(self, name: str) -> Measurement | None:
        """The measurement called ``name``, if any."""
        return next((m for m in self.measurements if m.name == name), None)

    def to_json(self) -> dict[str, Any]:
        """The JSON form, with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "key": self.key,
            "ok": self.ok,
            "message": self.message,
            "commit": self.commit,
            "timestamp": self.timestamp,
            "environment": self.environment.to_json(),
            "measurements": [m.to_json() for m in self.measurements],
            "extra": self.extra,
        }

    @staticmethod
    def from_json(data: dict[str, Any], where: str = "<json>") -> BenchResults:
        """Read the JSON form; a wrong version or shape is a ResultError naming ``where``."""
        version = data.get("schema_version") if isinstance(data, dict) else None
        if version != SCHEMA_VERSION:
            raise ResultError(
                f"{where}: benchmark results schema_version {version!r}, expected "
                f"{SCHEMA_VERSION}; rerun `doit benchmark` to regenerate it"
            )
        try:
            return BenchResults(
                source=str(data["source"]),
                environment=Environment.from_json(data["environment"]),
                measurements=tuple(Measurement.from_json(m) for m in data["measurements"]),
                commit=str(data.get("commit", "")),
                timestamp=float(data.get("timestamp", 0.0)),
                key=str(data.get("key", "")),
                ok=bool(data.get("ok", True)),
                message=str(data.get("message", "")),
                extra=dict(data.get("extra", {})),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ResultError(f"{where}: malformed benchmark results: {exc!r}") from None


def write_results(path: Path, results: BenchResults) -> None:
    """Store results atomically as JSON."""
    write_text_atomic(path, json.dumps(results.to_json(), indent=1) + "\n")


def read_results(path: Path) -> BenchResults:
    """Load results stored by :func:`write_results`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ResultError(f"{path}: cannot read benchmark results: {exc}") from None
    except ValueError as exc:
        raise ResultError(f"{path}: not valid JSON: {exc}") from None
    return BenchResults.from_json(data, str(path))
