"""Speed of the Mojo statement-line scanner: lines scanned per second over a source tree.

Scans every ``.mojo`` file under the folder given (default ``sample/``) N times
(``--repeat``, default 5) and prints the files, the lines, the functions found
and the best pass's lines per second. Target: at least 100,000 lines/s, so a
50,000-line tree costs well under a second.

    PYTHONPATH=src python benchmarks/mojo_statements.py /path/to/repo --repeat 5
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gauntlet.linecov.statements import scan_statements

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "sample")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = [
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(args.folder.rglob("*.mojo"))
        if path.is_file()
    ]
    lines = sum(text.count("\n") + 1 for text in texts)
    best = float("inf")
    functions = statements = 0
    for _ in range(max(args.repeat, 1)):
        start = time.perf_counter()
        scanned = [scan_statements(text) for text in texts]
        best = min(best, time.perf_counter() - start)
        functions = sum(len(result.functions) for result in scanned)
        statements = sum(len(result.statement_of) for result in scanned)
    rate = lines / best if best > 0 else float("inf")
    print(f"folder      {args.folder}")
    print(f"files       {len(texts)}")
    print(f"lines       {lines}")
    print(f"functions   {functions}")
    print(f"stmt lines  {statements}")
    print(f"best pass   {best:.3f} s of {args.repeat}")
    print(f"lines/s     {rate:,.0f}")


if __name__ == "__main__":
    main()
