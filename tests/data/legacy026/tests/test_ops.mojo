from testing import assert_equal, assert_almost_equal
from vecmath import dot, norm


fn test_dot() raises:
    var a: List[Float32] = [1, 2, 3]
    var b: List[Float32] = [4, 5, 6]
    assert_equal(dot(a, b), 32)


fn test_norm() raises:
    var a: List[Float32] = [3, 4]
    assert_almost_equal(norm(a), 5)


fn main() raises:
    test_dot()
    print("✓ test_dot")
    test_norm()
    print("✓ test_norm")
