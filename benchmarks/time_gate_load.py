"""The time gate under load: the same work with and without CPU hogs beside it.

A "stage" runs a child process doing a fixed amount of CPU work.  It is
measured as ``nox -s ci`` measures its stages (wall time, and the CPU time of
its processes from ``getrusage(RUSAGE_CHILDREN)`` around it), first on a quiet
machine, then with busy-loop hogs on the other core(s), then with twice the
work.  The budget is the quiet wall time plus ``--headroom`` (default 20 %),
as a project would set it; each row prints the wall and CPU figures and the
time gate's verdict.  Expected: load alone never fails (at most a warning);
twice the work always fails.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from gauntlet.config.gates import GateSettings
from gauntlet.gates.inputs import Inputs
from gauntlet.gates.measured import time_gate
from gauntlet.results.pipeline import StageTime, children_cpu

HOG = "while True: pass"


def _stage(iterations: int) -> tuple[float, float]:
    work = f"s = 0\nfor i in range({iterations}): s += i"
    wall, cpu = time.time(), children_cpu()
    subprocess.run([sys.executable, "-c", work], check=True)
    return time.time() - wall, children_cpu() - cpu


def _verdict(wall: float, cpu: float, budget: float) -> str:
    stage = StageTime("tests", 0.0, wall, ok=True, cpu_s=cpu)
    inputs = Inputs(elapsed_s=wall, cpu_s=cpu, stage_times=(stage,))
    settings = GateSettings(time_budget=budget, stage_budgets=(("tests", budget),))
    result = time_gate(inputs, settings)
    wall_only = "failed" if wall > budget else "passed"
    return f"{result.status.value:<7} (wall alone: {wall_only})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=30_000_000)
    parser.add_argument("--headroom", type=float, default=0.2)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    quiet_wall, quiet_cpu = _stage(args.iterations)
    budget = quiet_wall * (1 + args.headroom)
    print(f"budget: {budget:.2f} s (quiet wall {quiet_wall:.2f} s + {args.headroom:.0%})")
    print(f"{'work':>5} {'hogs':>5} {'wall s':>8} {'CPU s':>8}  verdict")
    verdict = _verdict(quiet_wall, quiet_cpu, budget)
    print(f"{'1x':>5} {0:>5} {quiet_wall:>8.2f} {quiet_cpu:>8.2f}  {verdict}")
    for factor, hogs in ((1, 1), (1, 2), (1, 3), (2, 0), (2, 2)):
        started = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(hogs)]
        try:
            time.sleep(0.2 if hogs else 0.0)
            wall, cpu = _stage(args.iterations * factor)
        finally:
            for hog in started:
                os.kill(hog.pid, signal.SIGKILL)
                hog.wait()
        print(f"{factor:>4}x {hogs:>5} {wall:>8.2f} {cpu:>8.2f}  {_verdict(wall, cpu, budget)}")


if __name__ == "__main__":
    main()
