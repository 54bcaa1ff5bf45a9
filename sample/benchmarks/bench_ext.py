"""The tinyml_ext extension against NumPy, timed from Python.

Prints gauntlet JSON lines (one per benchmark, every sample in microseconds per
call); `doit benchmark` runs it with the built extension on PYTHONPATH.
"""

from __future__ import annotations

import json
import timeit

import numpy as np
import tinyml_ext

SAMPLES = 15
VALUES = [((i * 7919) % 2001 - 1000) / 100.0 for i in range(4096)]
MATRIX = [[float((r * 31 + c) % 17) for c in range(32)] for r in range(32)]


def samples(call: object, number: int) -> list[float]:
    """Microseconds per call: the best of 3 timings of ``number`` calls, SAMPLES times."""
    timer = timeit.Timer(call)  # type: ignore[arg-type]
    return [min(timer.repeat(repeat=3, number=number)) / number * 1e6 for _ in range(SAMPLES)]


def main() -> None:
    array = np.array(VALUES)
    matrix = np.array(MATRIX)
    cases = {
        "relu/tinyml_ext": (lambda: tinyml_ext.relu(VALUES), 20),
        "relu/numpy": (lambda: np.maximum(array, 0.0), 200),
        "matmul32/tinyml_ext": (lambda: tinyml_ext.matmul(MATRIX, MATRIX), 5),
        "matmul32/numpy": (lambda: matrix @ matrix, 200),
    }
    for name, (call, number) in cases.items():
        print(json.dumps({"name": name, "unit": "us", "samples": samples(call, number)}))  # noqa: T201


if __name__ == "__main__":
    main()
