"""``python -m gauntlet``."""

from __future__ import annotations

import sys

from gauntlet.cli.main import main

sys.exit(main())
