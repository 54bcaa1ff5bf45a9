from math import atan2, sqrt


fn dot(a: List[Float32], b: List[Float32]) -> Float32:
    var total: Float32 = 0
    for i in range(len(a)):
        total += a[i] * b[i]
    return total


fn norm(a: List[Float32]) -> Float32:
    return sqrt(dot(a, a))


fn angle(x: Float32, y: Float32) -> Float32:
    # atan2 on a Float32 calls libm's atan2f: `mojo run` has it, a plain
    # `mojo build` on 0.26.1 does not link it.
    return atan2(y, x)
