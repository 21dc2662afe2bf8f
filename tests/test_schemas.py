"""The JSON contract in step: real output's fields are in its schema, every schema field is in
docs/json.md, and docs/json.md's schema table is the one tools/schemas.py writes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "schemas.py"


def _tool():
    spec = importlib.util.spec_from_file_location("schemas_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_schemas_output_and_json_md_are_in_step():
    assert _tool().problems() == []


def test_a_field_missing_from_a_schema_is_found(monkeypatch):
    tool = _tool()
    found = tool.schemas()
    del found["conditions"]["properties"]["count"]
    monkeypatch.setattr(tool, "schemas", lambda: found)
    monkeypatch.setattr(tool, "SAMPLES", [(["conditions"], "conditions", None)])
    problems = tool.problems()
    assert any("stale" in p for p in problems)
    assert any("conditions --json has count, not in conditions.schema.json" in p for p in problems)
