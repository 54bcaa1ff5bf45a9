from sys import argv
from testing import assert_almost_equal
from vecmath import angle


fn test_right_angle() raises:
    # From argv, so the compiler cannot fold the call away.
    var one = Float32(len(argv()))
    assert_almost_equal(angle(0, one), 1.5707964)


fn main() raises:
    test_right_angle()
    print("✓ test_right_angle")
