"""Shared assertions for the tinyml tests (not a test file itself)."""

from std.testing import assert_equal, assert_true

from tinytensor import Matrix

comptime DEFAULT_TOL = 1e-9


def is_close(a: Float64, b: Float64, tol: Float64 = DEFAULT_TOL) -> Bool:
    """Absolute-or-relative closeness, like math.isclose."""
    var diff = abs(a - b)
    return diff <= tol or diff <= tol * max(abs(a), abs(b))


def assert_close(
    actual: Float64, expected: Float64, tol: Float64 = DEFAULT_TOL
) raises:
    if not is_close(actual, expected, tol):
        raise Error(
            String(
                "assert_close: ", actual, " != ", expected, " (tol ", tol, ")"
            )
        )


def assert_matrix_close(
    actual: Matrix, expected: Matrix, tol: Float64 = DEFAULT_TOL
) raises:
    assert_equal(actual.rows, expected.rows, "row count differs")
    assert_equal(actual.cols, expected.cols, "column count differs")
    for i in range(actual.rows):
        for j in range(actual.cols):
            if not is_close(actual[i, j], expected[i, j], tol):
                raise Error(
                    String(
                        "assert_matrix_close: element (",
                        i,
                        ", ",
                        j,
                        ") is ",
                        actual[i, j],
                        ", expected ",
                        expected[i, j],
                    )
                )


def assert_all_in_range(m: Matrix, lo: Float64, hi: Float64) raises:
    for x in m.data:
        assert_true(lo <= x and x <= hi, String("value out of range: ", x))
