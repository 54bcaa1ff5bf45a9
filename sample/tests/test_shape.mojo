"""Shape arithmetic and the shape checks used by every operation."""

from std.testing import (
    TestSuite,
    assert_equal,
    assert_false,
    assert_raises,
    assert_true,
)

from tinytensor import Shape, check_matmul_shapes, check_same_shape


def test_size_and_offset() raises:
    var s = Shape(3, 4)
    assert_equal(s.size(), 12)
    assert_equal(s.offset(0, 0), 0)
    assert_equal(s.offset(1, 0), 4)
    assert_equal(s.offset(2, 3), 11)


def test_square_empty_and_transpose() raises:
    assert_true(Shape(5, 5).is_square())
    assert_false(Shape(2, 5).is_square())
    assert_true(Shape(0, 7).is_empty())
    assert_true(Shape(2, 5).transposed() == Shape(5, 2))


def test_equality_and_text() raises:
    assert_true(Shape(2, 3) == Shape(2, 3))
    assert_true(Shape(2, 3) != Shape(3, 2))
    assert_equal(String(Shape(2, 3)), "(2, 3)")


def test_check_same_shape() raises:
    check_same_shape(Shape(2, 2), Shape(2, 2), "noop")
    with assert_raises(contains="add: shape mismatch (2, 2) vs (2, 3)"):
        check_same_shape(Shape(2, 2), Shape(2, 3), "add")


def test_check_matmul_shapes() raises:
    assert_true(check_matmul_shapes(Shape(2, 3), Shape(3, 5)) == Shape(2, 5))
    with assert_raises(contains="inner dimensions differ"):
        _ = check_matmul_shapes(Shape(2, 3), Shape(2, 3))


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
