"""The common JUnit schema (the Jenkins xunit plugin's junit-10.xsd, see data/README.md)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

XSD = Path(__file__).parent / "data" / "junit-10.xsd"


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def assert_valid_junit(path: Path) -> None:
    """``path`` parses as XML and validates against junit-10.xsd (the errors name the lines)."""
    document = etree.parse(str(path))  # raises XMLSyntaxError on a file that is not XML
    schema = _schema()
    assert schema.validate(document), f"{path}: {schema.error_log}"
