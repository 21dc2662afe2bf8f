"""validate reports every problem of a file in one run (issue 12, new-user trial item 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.checks import readability
from dryneedle_cli.cli import app
from dryneedle_cli.content.yamlfile import did_you_mean

runner = CliRunner()


def _layer(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _validate(*args):
    return runner.invoke(app, ["validate", *map(str, args)])


def test_every_missing_field_in_one_run_and_did_you_mean_title(tmp_path):
    layer = _layer(tmp_path, {"topics/bar.yaml": "id: bar\nname: Bar\nsummary: x\n"})
    result = _validate(layer / "topics" / "bar.yaml")
    assert result.exit_code == 3
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    for field in ("reviewed_on", "reviewed_by", "title", "sections"):
        assert any(f"missing required field '{field}'" in line for line in errors), field
    assert any("unknown field 'name': did you mean 'title'?" in line for line in errors)
    assert "bar.yaml:2:1:" in next(line for line in errors if "'name'" in line)
    assert result.stderr.strip().endswith("5 errors, 0 warnings (2 layers checked)")


def test_a_wrong_type_is_kept_beside_the_missing_fields(tmp_path):
    layer = _layer(tmp_path, {"topics/bar.yaml": "id: bar\ntitle: 5\nsumary: x\n"})
    out = _validate(layer / "topics" / "bar.yaml").stdout
    assert "got a whole number (field 'title')" in out
    assert "unknown field 'sumary': did you mean 'summary'?" in out
    assert "missing required field 'sections'" in out


@pytest.mark.parametrize(
    ("name", "fields", "expected"),
    [
        ("name", ["id", "title", "summary"], "title"),
        ("title", ["id", "name", "summary"], "name"),
        ("sumary", ["id", "title", "summary"], "summary"),
        ("reviewd_by", ["reviewed_by", "reviewed_on"], "reviewed_by"),
        ("colour", ["id", "title"], None),
    ],
)
def test_did_you_mean(name, fields, expected):
    assert did_you_mean(name, fields) == expected


def test_one_error_one_layer_grammar(tmp_path):
    layer = _layer(
        tmp_path,
        {"topics/bar.yaml": (Path(__file__).parents[1] / "data/topics/ims.yaml").read_text()},
    )
    text = (layer / "topics/bar.yaml").read_text().replace("id: ims", "id: bar", 1)
    (layer / "topics/bar.yaml").write_text(text + "colour: red\n")
    result = _validate(layer / "topics" / "bar.yaml")
    assert "1 error, 0 warnings (2 layers checked)" in result.stderr
    assert "unknown field 'colour': remove it or correct its spelling" in result.stdout
    (layer / "topics/bar.yaml").write_text(text.replace("reviewed_by:", "reviewd_by:", 1))
    result = _validate(layer / "topics" / "bar.yaml")
    assert "2 errors, 0 warnings (2 layers checked)" in result.stderr
    assert "did you mean 'reviewed_by'?" in result.stdout
    assert _validate().stderr.strip().endswith("0 errors, 0 warnings (1 layer checked)")


def test_note_about_reading_grades_only_with_verbose(monkeypatch):
    monkeypatch.setattr(readability, "available", lambda: False)
    quiet = _validate()
    assert "textstat" not in quiet.stderr and quiet.exit_code == 0
    loud = runner.invoke(app, ["validate", "--verbose"])
    assert "note: reading grades not checked: install textstat" in loud.stderr
    assert "textstat" in runner.invoke(app, ["validate", "--json"]).stdout  # scripts see it
