"""Generate a synthetic Mojo project tree that uses every import form gauntlet reads.

Used by ``scan_tree.py``; also handy to try gauntlet on a big tree:
``python benchmarks/gen_tree.py OUT_DIR --modules 500``.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

FORMS = (
    "import {pkg}.{mod}\n",
    "import {pkg}.{mod} as alias_{n}\n",
    "from {pkg}.{mod} import thing_{n}, other_{n} as renamed_{n}\n",
    "from {pkg} import (\n    {mod},\n    helper_{n},  # trailing comment\n)\n",
    "from .{mod} import thing_{n}\n",
    "from ..{pkg}.{mod} import thing_{n}\n",
    "from {pkg} import \\\n    {mod}\n",
)
BODY = '''"""Module {n}.

import fake.in_docstring
from fake import nothing
"""

# import commented.out
{imports}

def f_{n}(x: Int) -> Int:
    from {lazy_pkg}.{lazy_mod} import thing  # import inside a function
    var np = Python.import_module("numpy")
    var s = "import not.a.module"
    return x + {n}
'''


def generate(
    root: Path, modules: int = 500, packages: int = 10, seed: int = 7, tests: int = 20
) -> list[Path]:
    """Write ``modules`` Mojo modules in ``packages`` packages under ``root/src``, and tests."""
    rng = random.Random(seed)
    per = max(1, modules // packages)
    names = [(f"pkg{p}", f"mod{m}") for p in range(packages) for m in range(per)]
    names = names[: modules - packages]  # every import below resolves to a real module
    written = []
    for p in range(packages):
        (root / "src" / f"pkg{p}").mkdir(parents=True, exist_ok=True)
        init = root / "src" / f"pkg{p}" / "__init__.mojo"
        init.write_text("from .mod0 import thing_0\nfrom .mod1 import *\n", encoding="utf-8")
        written.append(init)
    for n, (pkg, mod) in enumerate(names):
        imports = []
        for _ in range(rng.randint(2, 6)):
            dep_pkg, dep_mod = names[rng.randrange(len(names))]
            form = rng.choice(FORMS)
            if form.startswith("from .") and not form.startswith("from .."):
                dep_mod = rng.choice([m for p_, m in names if p_ == pkg])
            imports.append(form.format(pkg=dep_pkg, mod=dep_mod, n=n))
        lazy_pkg, lazy_mod = names[rng.randrange(len(names))]
        path = root / "src" / pkg / f"{mod}.mojo"
        path.write_text(
            BODY.format(n=n, imports="".join(imports), lazy_pkg=lazy_pkg, lazy_mod=lazy_mod),
            encoding="utf-8",
        )
        written.append(path)
    folder = test_root = root / "tests"
    test_root.mkdir(exist_ok=True)
    for t in range(tests):
        pkg, mod = names[rng.randrange(len(names))]
        folder = test_root / f"group{t % 8}" if tests > 20 else test_root
        folder.mkdir(exist_ok=True)
        path = folder / f"test_{t}.mojo"
        path.write_text(
            f"from {pkg}.{mod} import f\nfrom std.testing import TestSuite\n", encoding="utf-8"
        )
        written.append(path)
    (root / "pyproject.toml").write_text("[tool.gauntlet]\n", encoding="utf-8")
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--modules", type=int, default=500)
    parser.add_argument("--tests", type=int, default=20)
    args = parser.parse_args()
    written = generate(args.out, args.modules, tests=args.tests)
    print(f"wrote {len(written)} files under {args.out}")
