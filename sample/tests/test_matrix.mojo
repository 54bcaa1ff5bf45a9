"""Construction, indexing and copying of tinytensor.Matrix."""

from std.testing import TestSuite, assert_equal, assert_raises, assert_true

from tinytensor import Matrix, Shape


def test_fill_constructor() raises:
    var m = Matrix(2, 3, 1.5)
    assert_equal(m.rows, 2)
    assert_equal(m.cols, 3)
    assert_equal(m.size(), 6)
    for x in m.data:
        assert_equal(x, 1.5)


def test_from_list_row_major() raises:
    var m = Matrix.from_list(2, 3, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert_equal(m[0, 0], 1.0)
    assert_equal(m[0, 2], 3.0)
    assert_equal(m[1, 0], 4.0)
    assert_equal(m[1, 2], 6.0)
    with assert_raises(contains="expected 6 values, got 5"):
        _ = Matrix.from_list(2, 3, [1.0, 2.0, 3.0, 4.0, 5.0])


def test_identity() raises:
    var eye = Matrix.identity(3)
    for i in range(3):
        for j in range(3):
            assert_equal(eye[i, j], 1.0 if i == j else 0.0)


def test_copy_is_independent() raises:
    var a = Matrix.zeros(2, 2)
    var b = a.copy()
    b[0, 1] = 9.0
    assert_equal(a[0, 1], 0.0)
    assert_equal(b[0, 1], 9.0)


def test_rows_columns_and_selection() raises:
    var m = Matrix.from_list(3, 2, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    var r = m.row(1)
    assert_true(r.shape() == Shape(1, 2))
    assert_equal(r[0, 1], 4.0)
    var c = m.column(0)
    assert_true(c.shape() == Shape(3, 1))
    assert_equal(c[2, 0], 5.0)
    var picked = m.select_rows([2, 0])
    assert_equal(picked[0, 0], 5.0)
    assert_equal(picked[1, 1], 2.0)


def test_reshape_and_text() raises:
    var m = Matrix.from_list(2, 2, [1.0, 2.0, 3.0, 4.0])
    var flat = m.reshape(1, 4)
    assert_equal(flat[0, 3], 4.0)
    with assert_raises(contains="reshape: cannot view (2, 2) as (3, 1)"):
        _ = m.reshape(3, 1)
    assert_equal(String(m), "Matrix(2, 2)[[1.0, 2.0], [3.0, 4.0]]")


def main() raises:
    TestSuite.discover_tests[__functions_in_module()]().run()
