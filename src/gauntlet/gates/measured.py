"""The built-in gates over measurements: benchmark regressions and time budgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gauntlet.gates.inputs import Missing
from gauntlet.gates.registry import GateResult, GateStatus, no_data, register

if TYPE_CHECKING:
    from gauntlet.config.gates import GateSettings
    from gauntlet.gates.inputs import Comparison, Inputs


@register("benchmarks", "no significant regression beyond the threshold")
def benchmarks_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """Benchmarks ran; significant slow-downs beyond the threshold fail."""
    threshold = f"no significant regression > {settings.benchmark_regression:g}%"
    bench = inputs.bench
    if bench is None:
        return GateResult("benchmarks", GateStatus.PASSED, "no benchmarks", threshold)
    if isinstance(bench, Missing):
        return no_data("benchmarks", bench, threshold)
    if bench.failed:
        return GateResult(
            "benchmarks",
            GateStatus.FAILED,
            f"{len(bench.failed)} of {bench.runs} runs failed",
            threshold,
            bench.failed[0],
        )
    if bench.comparisons is None:
        return GateResult(
            "benchmarks",
            GateStatus.WARNED,
            "no comparison data",
            threshold,
            f"{bench.runs} raw runs, no baseline to compare with yet",
        )
    return _judge_comparisons(bench.comparisons, threshold)


def _judge_comparisons(comparisons: tuple[Comparison, ...], threshold: str) -> GateResult:
    """Gated regressions fail, inconclusive ones warn; verdicts are `gauntlet bench compare`'s."""
    gated = [c for c in comparisons if c.gated]
    worse = [c for c in gated if c.verdict == "regression"]
    if worse:
        worst = max(worse, key=lambda c: c.change_percent)
        return GateResult(
            "benchmarks",
            GateStatus.FAILED,
            f"{len(worse)} regressions",
            threshold,
            f"{worst.name}: {worst.change_percent:+.1f}% (significant)",
        )
    unsure = [c for c in gated if c.verdict == "inconclusive"]
    if unsure:
        return GateResult(
            "benchmarks",
            GateStatus.WARNED,
            f"{len(unsure)} inconclusive",
            threshold,
            f"{unsure[0].name}: {unsure[0].reason or 'too noisy to tell'}",
        )
    if comparisons and all(c.verdict == "new baseline" for c in comparisons):
        return GateResult(
            "benchmarks",
            GateStatus.PASSED,
            "new baseline",
            threshold,
            f"{len(comparisons)} benchmarks recorded; later runs are compared with them",
        )
    return GateResult(
        "benchmarks",
        GateStatus.PASSED,
        f"{len(comparisons)} compared, 0 regressions",
        threshold,
    )


@register("time", "the whole pipeline (and each budgeted stage) within its time budget")
def time_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """Wall time of the pipeline, from its record, against the budget; stages against theirs."""
    budgets = dict(settings.stage_budgets)
    threshold = f"≤ {settings.time_budget:g} s" + "".join(
        f", {stage} ≤ {seconds:g} s" for stage, seconds in settings.stage_budgets
    )
    if inputs.elapsed_s is None:
        return GateResult(
            "time", GateStatus.PASSED, "not measured", threshold, "gates run outside a pipeline"
        )
    measured = f"{inputs.elapsed_s:.0f} s"
    over = [
        f"{s.name} took {s.seconds:.0f} s, over its budget of {budgets[s.name]:g} s"
        for s in inputs.stage_times
        if s.name in budgets and s.seconds is not None and s.seconds > budgets[s.name]
    ]
    if inputs.elapsed_s > settings.time_budget:
        over.insert(
            0,
            f"the pipeline took {inputs.elapsed_s:.0f} s, "
            f"over its budget of {settings.time_budget:g} s",
        )
    if not over:
        return GateResult("time", GateStatus.PASSED, measured, threshold, look="pipeline.json")
    return GateResult(
        "time", GateStatus.FAILED, measured, threshold, "; ".join(over), "pipeline.json"
    )
