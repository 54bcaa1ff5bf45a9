"""Compare the Mojo extension `tinyml_ext` with NumPy reference results."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:
    from types import ModuleType

# Mojo's exp() differs from libm's in the last few ulps, so compare
# floating results with a tight relative tolerance, not exact equality.
RTOL = 1e-12
ATOL = 1e-12


@pytest.mark.parametrize(
    "values",
    [
        [1.0, -2.0, 3.5, 0.0, -0.25],
        [-5.0, -1e-9, -1e300],
        [7, 0, -7],  # Python ints are converted to floats
        list(np.linspace(-3.0, 3.0, 41)),
    ],
)
def test_relu_matches_numpy(ext: ModuleType, values: list[float]) -> None:
    got = ext.relu(values)
    assert isinstance(got, list)
    np.testing.assert_array_equal(got, np.maximum(np.asarray(values, dtype=float), 0.0))


def test_relu_accepts_numpy_array_and_empty_input(ext: ModuleType) -> None:
    rng = np.random.default_rng(0)
    arr = rng.normal(size=100)
    np.testing.assert_array_equal(ext.relu(arr), np.maximum(arr, 0.0))
    assert ext.relu([]) == []
    assert ext.relu(np.array([])) == []


@pytest.mark.parametrize(
    "values",
    [[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0], [0.5]],
)
def test_softmax_matches_numpy(ext: ModuleType, values: list[float]) -> None:
    x = np.asarray(values)
    expected = np.exp(x - x.max()) / np.exp(x - x.max()).sum()
    got = np.asarray(ext.softmax(values))
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    assert got.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([1.0, 2.0, 3.0], [4.0, -5.0, 6.0]),
        ([-1.5, -2.5], [-2.0, 4.0]),
        ([], []),
    ],
)
def test_dot_matches_numpy(ext: ModuleType, a: list[float], b: list[float]) -> None:
    assert ext.dot(a, b) == pytest.approx(float(np.dot(a, b)), rel=RTOL, abs=ATOL)


def test_dot_random_arrays(ext: ModuleType) -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=257), rng.normal(size=257)
    assert ext.dot(a, b) == pytest.approx(float(a @ b), rel=1e-10)


def test_dot_length_mismatch_raises(ext: ModuleType) -> None:
    with pytest.raises(Exception, match="dot: length mismatch 2 vs 3"):
        ext.dot([1.0, 2.0], [1.0, 2.0, 3.0])


@pytest.mark.parametrize(("n", "k", "m"), [(2, 3, 2), (1, 1, 1), (5, 4, 7), (8, 8, 8)])
def test_matmul_matches_numpy(ext: ModuleType, n: int, k: int, m: int) -> None:
    rng = np.random.default_rng(n * 100 + k * 10 + m)
    a = rng.uniform(-2.0, 2.0, size=(n, k))
    b = rng.uniform(-2.0, 2.0, size=(k, m))
    got = np.asarray(ext.matmul(a.tolist(), b.tolist()))
    assert got.shape == (n, m)
    np.testing.assert_allclose(got, a @ b, rtol=1e-12, atol=1e-12)
    # 2-D NumPy arrays are accepted directly, too.
    np.testing.assert_allclose(np.asarray(ext.matmul(a, b)), a @ b, rtol=1e-12, atol=1e-12)


def test_matmul_hand_computed(ext: ModuleType) -> None:
    a = [[1, 2, 3], [4, 5, 6]]
    b = [[7, 8], [9, 10], [11, 12]]
    assert ext.matmul(a, b) == [[58.0, 64.0], [139.0, 154.0]]


def test_matmul_errors(ext: ModuleType) -> None:
    with pytest.raises(Exception, match="inner dimensions differ"):
        ext.matmul([[1.0, 2.0]], [[1.0, 2.0]])
    with pytest.raises(Exception, match="ragged matrix"):
        ext.matmul([[1.0, 2.0], [3.0]], [[1.0], [2.0]])


def test_non_numeric_input_raises(ext: ModuleType) -> None:
    with pytest.raises(Exception, match="must be real number"):
        ext.relu(["a"])


def test_training_through_extension(ext: ModuleType) -> None:
    first, last, accuracy = ext.train_xor_loss(200)
    assert first == pytest.approx(np.log(2.0), abs=0.2)
    assert last < 0.05 < first
    assert accuracy == 1.0
    with pytest.raises(Exception, match="epochs must be >= 1"):
        ext.train_xor_loss(0)


def test_functions_have_docstrings(ext: ModuleType) -> None:
    for name in ("relu", "softmax", "dot", "matmul", "train_xor_loss"):
        assert getattr(ext, name).__doc__
