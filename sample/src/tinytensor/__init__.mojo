"""The tinytensor package: a small dense 2-D Float64 tensor library.

Public names are re-exported here, so users write
`from tinytensor import Matrix, matmul`.
"""

from .shape import Shape, check_same_shape, check_matmul_shapes
from .matrix import Matrix
from .elementwise import (
    apply,
    add,
    sub,
    mul,
    scale,
    add_scalar,
    add_row_vector,
    clip,
    axpy_inplace,
)
from .reductions import (
    total,
    mean,
    max_value,
    min_value,
    sum_rows,
    sum_cols,
    mean_cols,
    argmax_rows,
)
from .matmul import transpose, matmul, matmul_naive, dot, matvec
from .random import XorShift64, rand_uniform, rand_normal, permutation
from .linalg import frobenius_norm, l2_distance, max_abs_diff
