"""The JSON Schema of ``[tool.gauntlet]``, generated from the same declaration the loader uses.

The schema is shipped as ``tool-gauntlet.schema.json`` next to this module
(draft-07, the draft validate-pyproject's fastjsonschema reads) and is
registered as validate-pyproject's ``gauntlet`` plugin, so editors and
pre-commit can check the table without running gauntlet.  Regenerate it
after changing a table::

    python -m gauntlet.config.jsonschema
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gauntlet.config.alerts import ALERTS
from gauntlet.config.bench import BENCH
from gauntlet.config.coverage import COVERAGE
from gauntlet.config.gates import GATES, WAIVER
from gauntlet.config.history import CACHE, HISTORY
from gauntlet.config.release import ENV_NAME, ENVIRONMENT, RELEASE_TABLE
from gauntlet.config.schema import Table
from gauntlet.config.toplevel import EXTENSION, MODULE_NAME, SECTIONS, TAG_PATTERNS, TOP

SCHEMA_FILE = Path(__file__).with_name("tool-gauntlet.schema.json")
SCHEMA_ID = "urn:gauntlet:tool-gauntlet"  # validate-pyproject needs an $id; there is no URL
DRAFT = "http://json-schema.org/draft-07/schema#"


def table_schema(table: Table) -> dict[str, Any]:
    """One table as a JSON object schema: its keys with their doc and default."""
    properties: dict[str, Any] = {}
    for key in table.keys:
        prop = {"description": key.doc, **key.kind.schema}
        default = table.default(key)
        if default is not None and not key.required:
            prop["default"] = default
        properties[key.toml] = prop
    schema: dict[str, Any] = {
        "type": "object",
        "description": table.doc,
        "properties": properties,
        "additionalProperties": False,
    }
    required = [key.toml for key in table.keys if key.required]
    if required:
        schema["required"] = required
    return schema


def _release() -> dict[str, Any]:
    schema = table_schema(RELEASE_TABLE)
    environments = {
        "type": "object",
        "description": "Package indexes: NAME = { index-url = URL, ... }.",
        "propertyNames": {"pattern": ENV_NAME},
        "additionalProperties": table_schema(ENVIRONMENT),
    }
    return {**schema, "properties": {**schema["properties"], "environments": environments}}


def _sections() -> dict[str, Any]:
    def described(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {**schema, "description": SECTIONS[name]}

    return {
        "extensions": described(
            "extensions",
            {
                "type": "object",
                "propertyNames": {"pattern": MODULE_NAME},
                "additionalProperties": table_schema(EXTENSION),
            },
        ),
        "tags": described(
            "tags", {"type": "object", "additionalProperties": dict(TAG_PATTERNS.schema)}
        ),
        "gates": table_schema(GATES),
        "waivers": described("waivers", {"type": "array", "items": table_schema(WAIVER)}),
        "bench": table_schema(BENCH),
        "alerts": table_schema(ALERTS),
        "history": table_schema(HISTORY),
        "cache": table_schema(CACHE),
        "release": _release(),
        "coverage": table_schema(COVERAGE),
    }


def generate() -> dict[str, Any]:
    """The JSON Schema of the ``[tool.gauntlet]`` table."""
    top = table_schema(TOP)
    sections = _sections()
    assert list(sections) == list(SECTIONS)  # noqa: S101  # every section has a schema
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "[tool.gauntlet]",
        **top,
        "properties": {**top["properties"], **sections},
    }


def render() -> str:
    """The schema file's text: stable key order, two-space indents, a final newline."""
    return json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"


def tool_schema(tool_name: str = "gauntlet") -> dict[str, Any]:
    """validate-pyproject's plugin: the shipped schema of ``[tool.<tool_name>]``."""
    del tool_name  # registered for "gauntlet" only
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema


def write(path: Path = SCHEMA_FILE) -> bool:
    """Regenerate the schema file; whether it changed."""
    text = render()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    """``python -m gauntlet.config.jsonschema [PATH]``: write the schema file."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SCHEMA_FILE
    changed = write(path)
    sys.stdout.write(f"{path}: {'written' if changed else 'up to date'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
