"""Every benchmark of a run against its baseline, and the report of it (Markdown, JSON).

The report's JSON (``schema_version`` 2) is what the benchmarks gate reads:
``verdicts`` counts each verdict, ``regressions`` and ``inconclusive`` list the
gated benchmarks with those verdicts, ``status`` is ``"failed"`` exactly when
``regressions`` is not empty, and every entry of ``benchmarks`` carries its
verdict, ``change_percent``, ``significant`` and ``gated``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gauntlet.bench.paired import SamplePlan, paired_compare
from gauntlet.bench.stats import DEFAULT_ALPHA, DEFAULT_THRESHOLD, Comparison, Verdict, compare

if TYPE_CHECKING:
    from collections.abc import Iterable

    from gauntlet.bench.records import Measurement

REPORT_SCHEMA_VERSION = 2
UNPAIRED_METHOD = "Mann-Whitney U and a bootstrap interval of the median ratio"
PAIRED_METHOD = "interleaved pairs: sign-test interval of the median ratio, sample count chosen"


@dataclass(frozen=True)
class CompareReport:
    """The verdicts of one comparison and what was compared."""

    comparisons: tuple[Comparison, ...]
    base_label: str
    new_label: str
    threshold: float = DEFAULT_THRESHOLD
    ungated: frozenset[str] = frozenset()
    method: str = UNPAIRED_METHOD

    @property
    def regressions(self) -> tuple[Comparison, ...]:
        """Regressions of benchmarks that are gated."""
        return tuple(
            c
            for c in self.comparisons
            if c.verdict is Verdict.REGRESSION and c.name not in self.ungated
        )

    @property
    def inconclusive(self) -> tuple[Comparison, ...]:
        """Gated benchmarks too noisy to judge."""
        return tuple(
            c
            for c in self.comparisons
            if c.verdict is Verdict.INCONCLUSIVE and c.name not in self.ungated
        )

    @property
    def failed(self) -> bool:
        """True when a gated benchmark regressed."""
        return bool(self.regressions)

    def to_json(self) -> dict[str, Any]:
        """The JSON form (NaN figures become null)."""
        return {
            "schema_version": REPORT_SCHEMA_VERSION,
            "status": "failed" if self.failed else "passed",
            "base": self.base_label,
            "new": self.new_label,
            "threshold": self.threshold,
            "verdicts": {v.value: self.count(v) for v in Verdict},
            "regressions": [c.name for c in self.regressions],
            "inconclusive": [c.name for c in self.inconclusive],
            "benchmarks": [
                _comparison_json(c, c.name not in self.ungated) for c in self.comparisons
            ],
        }

    def count(self, verdict: Verdict) -> int:
        """How many benchmarks got ``verdict``."""
        return sum(c.verdict is verdict for c in self.comparisons)


def aggregate_totals(comparisons: Iterable[Comparison], total: str = "<program>") -> frozenset[str]:
    """Figures derived from other figures of the run: reported, not gated.

    A regression in one ``bench_*`` function also raises its program's total;
    gating both would report one slowdown twice.  A total stays gated when it
    is the only figure of its file (every function was inlined).  Likewise a
    throughput column (``NAME GFLOPS/s``) is the reciprocal of ``NAME``'s
    time, which is gated instead.
    """
    found = list(comparisons)
    names = [c.name for c in found]
    prefixes = {n[: -len(total)] for n in names if n.endswith(total)}
    totals = {p + total for p in prefixes if any(n.startswith(p) and n != p + total for n in names)}
    timed = set(names)
    rates = {c.name for c in found if c.unit.endswith("/s") and c.name.rsplit(" ", 1)[0] in timed}
    return frozenset(totals | rates)


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


def _comparison_json(c: Comparison, gated: bool) -> dict[str, Any]:
    return {
        "name": c.name,
        "verdict": c.verdict.value,
        "gated": gated,
        "change_percent": _finite(round(c.change * 100, 3)),
        "significant": c.verdict in (Verdict.REGRESSION, Verdict.IMPROVEMENT),
        "unit": c.unit,
        "base_median": _finite(c.base_median),
        "new_median": _finite(c.new_median),
        "ratio": _finite(c.ratio),
        "ci": [_finite(c.ci_low), _finite(c.ci_high)],
        "p_value": _finite(c.p_value),
        "samples": list(c.samples),
        "reason": c.reason,
    }


def compare_all(
    base: Iterable[Measurement],
    new: Iterable[Measurement],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    seed: int = 0,
    location: float = 0.5,
    paired: SamplePlan | None = None,
) -> tuple[Comparison, ...]:
    """Verdicts for every name on either side, in the new run's order, removed ones last.

    With ``paired`` the samples are interleaved pairs, judged by
    :func:`gauntlet.bench.paired.paired_compare`.
    """
    old = {m.name: m for m in base}
    fresh = {m.name: m for m in new}
    names = list(fresh) + [n for n in old if n not in fresh]
    if paired is not None:
        return tuple(paired_compare(old.get(n), fresh.get(n), paired) for n in names)
    return tuple(
        compare(old.get(n), fresh.get(n), threshold=threshold, seed=seed, location=location)
        for n in names
    )


def _figure(value: float, unit: str) -> str:
    return "-" if math.isnan(value) else f"{value:.4g} {unit}".strip()


def _change(c: Comparison) -> str:
    if math.isnan(c.ratio):
        return c.reason or "-"
    interval = "" if math.isnan(c.p_value) else f" [{c.ci_low - 1:+.1%}, {c.ci_high - 1:+.1%}]"
    return f"{c.change:+.1%}{interval}"


def rows(report: CompareReport) -> list[tuple[str, str, str, str, str, str]]:
    """Table rows: name, base, new, change with interval, p, verdict."""
    return [
        (
            c.name,
            _figure(c.base_median, c.unit),
            _figure(c.new_median, c.unit),
            _change(c),
            "-" if math.isnan(c.p_value) else f"{c.p_value:.3g}",
            c.verdict.value
            + (f" ({c.reason})" if c.verdict is Verdict.INCONCLUSIVE else "")
            + (" (not gated)" if c.name in report.ungated else ""),
        )
        for c in report.comparisons
    ]


CHANGE_HEADER = f"change [{1 - DEFAULT_ALPHA:.0%} CI]"
HEADERS = ("benchmark", "base (median)", "new (median)", CHANGE_HEADER, "p", "verdict")


def to_markdown(report: CompareReport) -> str:
    """A Markdown summary, e.g. for a pull-request comment."""
    status = "❌ regression" if report.failed else "✅ no gated regression"
    if report.inconclusive and not report.failed:
        status = f"⚠️ {len(report.inconclusive)} inconclusive (too noisy), no gated regression"
    lines = [
        f"### Benchmarks: {status}",
        "",
        (
            f"`{report.new_label}` against `{report.base_label}`; threshold "
            f"{report.threshold:.0%}, {report.method}."
        ),
        "",
        "| " + " | ".join(HEADERS) + " |",
        "| " + " | ".join("---" for _ in HEADERS) + " |",
    ]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows(report)
    ]
    return "\n".join(lines) + "\n"


def to_json_text(report: CompareReport) -> str:
    """The JSON report as text."""
    return json.dumps(report.to_json(), indent=1) + "\n"
