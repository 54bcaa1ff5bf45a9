"""GitHub Actions workflow commands (``::error title=...::message``): escaping their parts.

A message may hold ``%``, carriage returns and newlines, which the runner would
otherwise read as the end of the command; a property (``file=``, ``title=``)
may not hold ``:`` or ``,`` either.
"""

from __future__ import annotations


def escape_data(text: str) -> str:
    """``text`` as the message of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """``text`` as the value of a workflow command's property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
