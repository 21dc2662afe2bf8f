"""The JSON contract in step: the schema files and docs/json.md's tables are what tools/schemas.py
writes from the wire structs (dryneedle_cli/wire.py), every field has a description, and real
output decodes as its struct. Each way out of step is made once on purpose and must be found."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import msgspec
import pytest

from dryneedle_cli import wire

TOOL = Path(__file__).resolve().parent.parent / "tools" / "schemas.py"


def _tool():
    spec = importlib.util.spec_from_file_location("schemas_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():
    return _tool()


@pytest.fixture
def copy(tool, tmp_path, monkeypatch):
    """The tool, writing and checking a copy of the schema files and docs/json.md."""
    folder = tmp_path / "schemas"
    shutil.copytree(tool.SCHEMAS, folder)
    doc = tmp_path / "json.md"
    shutil.copy(tool.DOC, doc)
    monkeypatch.setattr(tool, "SCHEMAS", folder)
    monkeypatch.setattr(tool, "DOC", doc)
    return tool


def test_schemas_docs_and_output_are_in_step(tool):
    assert tool.problems() == []


def test_the_copy_is_in_step(copy):
    assert copy.problems(run_commands=False) == []


def test_a_schema_edited_by_hand_is_found(copy):
    path = copy.SCHEMAS / "note.schema.json"
    path.write_text(path.read_text().replace('"maxLength": 300', '"maxLength": 400'))
    assert copy.problems(run_commands=False) == [
        "note.schema.json is not what tools/schemas.py writes from wire.py (edited by hand, or "
        "a struct changed): run python tools/schemas.py"
    ]
    copy.write()
    assert copy.problems(run_commands=False) == []


def test_a_field_added_to_a_struct_without_its_schema_is_found(copy, monkeypatch):
    struct, title, extra = wire.SCHEMAS["missing"]
    grown = msgspec.defstruct(
        "MissingDoc",
        [("hint", str)],
        bases=(struct,),
        kw_only=True,
        module=wire.__name__,
    )
    monkeypatch.setitem(wire.SCHEMAS, "missing", (grown, title, extra))
    monkeypatch.setattr(wire, "MissingDoc", grown)
    found = copy.problems(run_commands=False)
    assert "wire.MissingDoc.hint has no description: add it to wire.DESCRIPTIONS" in found
    assert any(p.startswith("missing.schema.json is not what") for p in found)
    assert any("docs/json.md" in p for p in found)


def test_a_missing_description_is_found(copy, monkeypatch):
    monkeypatch.delitem(wire.DESCRIPTIONS, "suggestions")
    found = copy.problems(run_commands=False)
    assert "wire.MissingDoc.suggestions has no description: add it to wire.DESCRIPTIONS" in found


def test_a_stale_field_table_is_found(copy):
    text = copy.DOC.read_text()
    copy.DOC.write_text(
        text.replace("| `MissingDoc` | `error` | yes |", "| `MissingDoc` | `error` | no |")
    )
    assert copy.problems(run_commands=False) == [
        "docs/json.md: the generated tables are stale; run python tools/schemas.py"
    ]


def test_a_schema_file_without_a_struct_is_found(copy):
    (copy.SCHEMAS / "old.schema.json").write_text("{}\n")
    assert copy.problems(run_commands=False) == [
        "old.schema.json: no wire struct makes it (wire.SCHEMAS); remove it"
    ]


def test_output_that_is_not_its_struct_is_found(copy, monkeypatch):
    monkeypatch.setattr(copy, "SAMPLES", [(["paths"], "missing", None)])
    (problem,) = copy.problems()
    assert problem.startswith("dryneedle paths --json is not a missing document")


def test_an_output_field_its_struct_lacks_is_found(copy, monkeypatch):
    real = copy.outputs

    def with_extra():
        command, name, doc = real()[0]
        found = json.loads(doc)
        found["sections"][0]["new_field"] = 1  # deep in the document, not at the top
        return [(command, name, json.dumps(found))]

    monkeypatch.setattr(copy, "SAMPLES", copy.SAMPLES[:1])
    monkeypatch.setattr(copy, "outputs", with_extra)
    (problem,) = copy.problems()
    assert "fields wire.py does not describe (.sections[0].new_field)" in problem


def test_every_schema_is_valid_json_schema_and_open(tool):
    """Open: a consumer with an older schema accepts newer output (docs/json.md's promise)."""
    from jsonschema import Draft202012Validator

    for name in wire.SCHEMAS:
        found = tool.schema(name)
        Draft202012Validator.check_schema(found)
        assert '"additionalProperties":false' not in json.dumps(found, separators=(",", ":"))
        assert found["$id"].endswith(f"/{name}.schema.json")
