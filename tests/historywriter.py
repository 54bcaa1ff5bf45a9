"""A pipeline writing to a history, as a separate process: ``historywriter.py URL N|hang``.

With a count it records N complete runs (5 tasks and 20 test cases each) and
prints ``done``; with ``hang`` it starts one run, prints its id and sleeps
until it is killed.
"""

from __future__ import annotations

import sys
import time

from gauntlet.health.model import Outcome
from gauntlet.health.rows import CaseRow, RunInfo, RunResults, TaskRow
from gauntlet.health.store import open_store


def main(url: str, what: str) -> None:
    """Write runs as a pipeline would."""
    store = open_store(url)
    if what == "hang":
        sys.stdout.write(store.start_run(RunInfo("ci", "abc", "main")) + "\n")
        sys.stdout.flush()
        time.sleep(120)
        return
    for _ in range(int(what)):
        run_id = store.start_run(RunInfo("doit", "abc", "main"))
        tasks = tuple(TaskRow(f"task{j}", "passed", 0.1, 0.1 * j) for j in range(5))
        cases = tuple(CaseRow("suite", f"case{j}", "passed", 0.01) for j in range(20))
        store.add_results(run_id, RunResults(tasks=tasks, cases=cases))
        store.finish_run(run_id, Outcome.PASSED)
    store.close()
    sys.stdout.write("done\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
