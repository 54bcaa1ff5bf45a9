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


def _judge(what: str, wall: float, cpu: float | None, budget: float) -> tuple[str, str]:
    """A failure, or a warning, for one measured span (empty strings when within budget).

    The work is over budget when both its wall time and its CPU time are: load
    from other users of a shared machine stretches the wall time of the same
    work but not its CPU time, and parallel work raises CPU time above wall
    time, while a real slowdown (more work) raises both.  Wall time alone
    over budget is a warning naming the CPU time.  Without a CPU figure
    (older records) the wall time decides, as before.
    """
    if wall <= budget:
        return "", ""
    if cpu is None or cpu > budget:
        cpu_text = "" if cpu is None else f" ({cpu:.0f} s of CPU)"
        return f"{what} took {wall:.0f} s{cpu_text}, over its budget of {budget:g} s", ""
    return "", (
        f"{what} took {wall:.0f} s, over its budget of {budget:g} s, but only "
        f"{cpu:.0f} s of CPU: the machine was busy"
    )


@register("time", "the whole pipeline (and each budgeted stage) within its time budget")
def time_gate(inputs: Inputs, settings: GateSettings) -> GateResult:
    """The pipeline and each budgeted stage against their budgets (see :func:`_judge`)."""
    budgets = dict(settings.stage_budgets)
    threshold = f"≤ {settings.time_budget:g} s" + "".join(
        f", {stage} ≤ {seconds:g} s" for stage, seconds in settings.stage_budgets
    )
    if inputs.elapsed_s is None:
        return GateResult(
            "time", GateStatus.PASSED, "not measured", threshold, "gates run outside a pipeline"
        )
    measured = f"{inputs.elapsed_s:.0f} s"
    if inputs.cpu_s is not None:
        measured += f" ({inputs.cpu_s:.0f} s CPU)"
    judged = [_judge("the pipeline", inputs.elapsed_s, inputs.cpu_s, settings.time_budget)]
    judged += [
        _judge(s.name, s.seconds, s.cpu_s, budgets[s.name])
        for s in inputs.stage_times
        if s.name in budgets and s.seconds is not None
    ]
    over = [failure for failure, _ in judged if failure]
    busy = [warning for _, warning in judged if warning]
    if over and settings.time_over_budget == "fail":
        return GateResult(
            "time", GateStatus.FAILED, measured, threshold, "; ".join(over), "pipeline.json"
        )
    if over:  # time-over-budget = "warn": the figures of a shared machine
        busy = [*over, "time-over-budget is 'warn' here", *busy]
    if busy:
        return GateResult(
            "time", GateStatus.WARNED, measured, threshold, "; ".join(busy), "pipeline.json"
        )
    return GateResult("time", GateStatus.PASSED, measured, threshold, look="pipeline.json")
