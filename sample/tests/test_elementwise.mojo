"""Element-wise arithmetic and broadcasting."""

from std.testing import TestSuite, assert_equal, assert_raises

from tinytensor import (
    Matrix,
    add,
    add_row_vector,
    add_scalar,
    apply,
    axpy_inplace,
    clip,
    mul,
    scale,
    sub,
)


def _square(x: Float64) -> Float64:
    return x * x


def test_add_sub_mul() raises:
    var a = Matrix.from_list(2, 2, [1.0, 2.0, 3.0, 4.0])
    var b = Matrix.from_list(2, 2, [10.0, 20.0, 30.0, 40.0])
    assert_equal(add(a, b).data, [11.0, 22.0, 33.0, 44.0])
    assert_equal(sub(b, a).data, [9.0, 18.0, 27.0, 36.0])
    assert_equal(mul(a, b).data, [10.0, 40.0, 90.0, 160.0])


def test_shape_mismatch_raises() raises:
    var a = Matrix(2, 2)
    var b = Matrix(2, 3)
    with assert_raises(contains="add: shape mismatch"):
        _ = add(a, b)
    with assert_raises(contains="mul: shape mismatch"):
        _ = mul(a, b)


def test_scale_and_add_scalar() raises:
    var a = Matrix.from_list(1, 3, [-1.0, 0.0, 2.5])
    assert_equal(scale(a, -2.0).data, [2.0, -0.0, -5.0])
    assert_equal(add_scalar(a, 1.0).data, [0.0, 1.0, 3.5])


def test_apply_with_function_parameter() raises:
    var a = Matrix.from_list(1, 4, [-3.0, -1.0, 2.0, 0.5])
    assert_equal(apply[_square](a).data, [9.0, 1.0, 4.0, 0.25])


def test_add_row_vector_broadcasts() raises:
    var m = Matrix.from_list(3, 2, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    var bias = Matrix.row_vector([100.0, -100.0])
    var out = add_row_vector(m, bias)
    assert_equal(out.data, [101.0, -98.0, 103.0, -96.0, 105.0, -94.0])
    with assert_raises(contains="add_row_vector"):
        _ = add_row_vector(m, Matrix.row_vector([1.0, 2.0, 3.0]))


def test_clip_and_axpy() raises:
    var a = Matrix.from_list(1, 4, [-5.0, -0.5, 0.5, 5.0])
    assert_equal(clip(a, -1.0, 1.0).data, [-1.0, -0.5, 0.5, 1.0])
    var y = Matrix.ones(1, 4)
    axpy_inplace(y, 2.0, a)
    assert_equal(y.data, [-9.0, 0.0, 2.0, 11.0])


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
