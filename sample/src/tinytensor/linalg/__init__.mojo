"""Linear-algebra helpers built on `tinytensor.Matrix`."""

from .norms import frobenius_norm, l2_distance, max_abs_diff, trace
