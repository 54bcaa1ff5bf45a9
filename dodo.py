"""doit graph of this repository: gauntlet drives the sample Mojo project in sample/.

The project and its layout come from [tool.gauntlet] in pyproject.toml.
"""

from gauntlet.dodo import *  # noqa: F403
