"""tinyml: a small machine-learning library written in Mojo, used from Python.

Every function here runs in the Mojo-built extension module ``tinyml_ext``,
which a release wheel carries inside this package (``tinyml/tinyml_ext*.so``).
"""

from __future__ import annotations

try:
    from tinyml.tinyml_ext import dot, matmul, relu, softmax, train_xor_loss
except ImportError as exc:  # the extension or the Mojo runtime it links is missing
    raise ImportError(
        f"tinyml cannot load its Mojo extension tinyml_ext: {exc}. A wheel of tinyml "
        "carries it; a source checkout needs `doit build` first. If the message names "
        "libKGENCompilerRTShared.so, the Mojo runtime is missing: install the wheel's "
        "declared requirement (pip install mojo-compiler)."
    ) from exc

__all__ = ["dot", "matmul", "relu", "softmax", "train_xor_loss"]
