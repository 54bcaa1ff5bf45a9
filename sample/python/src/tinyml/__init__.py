"""tinyml: a small machine-learning library written in Mojo, used from Python.

Every function here runs in the Mojo-built extension module ``tinyml_ext``,
which a release wheel carries inside this package (``tinyml/tinyml_ext.so``).

Mojo's Python interop looks for a libpython when the extension loads: in
``$MOJO_PYTHON_LIBRARY``, else through a ``python3`` on ``PATH``; with
neither it aborts the interpreter.  So unless it is set, it is set here to
the running interpreter's own shared library, where it has one.
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path


def _own_libpython() -> Path | None:
    folder = sysconfig.get_config_var("LIBDIR")
    for name in (sysconfig.get_config_var("INSTSONAME"), sysconfig.get_config_var("LDLIBRARY")):
        if folder and name and (Path(folder) / name).is_file():
            return Path(folder) / name
    return None


if "MOJO_PYTHON_LIBRARY" not in os.environ and (_lib := _own_libpython()) is not None:
    os.environ["MOJO_PYTHON_LIBRARY"] = str(_lib)

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
