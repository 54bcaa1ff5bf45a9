from .ops import dot, norm, angle
