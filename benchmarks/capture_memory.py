"""Peak memory growth of the process that runs a test printing 300 MB.

Each measure runs in a fresh Python process: it reads its peak resident size
(``VmHWM`` of ``/proc/self/status``, the same figure as ``resource.getrusage``'s
``ru_maxrss``), runs a child that writes ``--mb`` megabytes to stdout through
:func:`gauntlet.runner.run`, and prints how much its peak grew.  "unbounded"
is the capture every command had before (``communicate``, all output held);
"bounded" is what test programs and compiles get now (``keep=KEEP_BYTES``:
the first and last MiB of each stream); "floor" is the same run of a child that
prints nothing (what starting a command costs: imports, threads, buffers).
Target: the bounded growth stays near the floor plus a few MiB whatever
``--mb`` is, instead of growing with ``--mb``.

    python benchmarks/capture_memory.py            # 300 MB
    python benchmarks/capture_memory.py --mb 50
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

MEASURE = """
import json, resource, sys
from gauntlet import runner

def peak_kib():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

megabytes, bounded = int(sys.argv[1]), sys.argv[2] == "bounded"
child = (
    "import sys\\n"
    "line = b'x' * 1023 + b'\\\\n'\\n"
    f"for _ in range({megabytes} * 1024):\\n"
    "    sys.stdout.buffer.write(line)\\n"
)
before = peak_kib()
done = runner.run(
    [sys.executable, "-c", child], timeout=600, keep=runner.KEEP_BYTES if bounded else None
)
after = peak_kib()
print(json.dumps({"before_kib": before, "after_kib": after, "written": done.output_bytes,
                  "kept_chars": len(done.stdout), "omitted": done.omitted_bytes}))
"""


def measure(megabytes: int, mode: str) -> dict[str, int]:
    """One fresh process's peak before and after running the loud child."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(megabytes), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, int] = json.loads(done.stdout)
    return figures


def main() -> None:
    """Print the peak growth of both captures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=300, help="megabytes the child prints")
    args = parser.parse_args()
    runs = [("floor", 0, "bounded"), ("unbounded", args.mb, "unbounded")]
    for label, megabytes, mode in [*runs, ("bounded", args.mb, "bounded")]:
        got = measure(megabytes, mode)
        growth = (got["after_kib"] - got["before_kib"]) / 1024
        print(
            f"{label:>9}: child wrote {got['written'] / 2**20:.0f} MiB; "
            f"peak RSS {got['before_kib'] / 1024:.1f} -> {got['after_kib'] / 1024:.1f} MiB "
            f"(+{growth:.1f} MiB); kept {got['kept_chars'] / 2**20:.2f} MiB, "
            f"omitted {got['omitted'] / 2**20:.1f} MiB"
        )


if __name__ == "__main__":
    main()
