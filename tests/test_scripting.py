"""The command line in scripts: JSON Schemas, colour rules, stdin mode, completion, signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from typer.testing import CliRunner

from dryneedle_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "dryneedle_cli" / "schemas"
EXE = str(Path(sys.executable).parent / "dryneedle")
runner = CliRunner()


def _validator(name: str) -> Draft202012Validator:
    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
        resources.append((path.name, Resource.from_contents(schema)))
    schema = json.loads((SCHEMAS / name).read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=Registry().with_resources(resources))


def run(args, input=None, **env):
    return runner.invoke(app, args, input=input, env={"COLUMNS": "100", **env})


@pytest.mark.parametrize(
    ("args", "schema"),
    [
        (["explain"], "page.schema.json"),
        (["explain", "neck"], "page.schema.json"),
        (["explain", "acupuncture"], "page.schema.json"),
        (["explain", "pneumothorax"], "page.schema.json"),
        (["prepare", "--area", "neck"], "page.schema.json"),
        (["aftercare"], "page.schema.json"),
        (["aftercare", "--area", "foot", "--area", "neck"], "page.schema.json"),
        (["conditions"], "conditions.schema.json"),
        (["conditions", "M77"], "conditions.schema.json"),
        (["evidence"], "evidence.schema.json"),
        (["evidence", "tennis elbow"], "evidence.schema.json"),
        (["validate"], "validate.schema.json"),
        (["paths"], "paths.schema.json"),
        (["paths", "neck"], "paths.schema.json"),
        (["explain", "neck", "--lang", "es"], "page.schema.json"),
        (["aftercare", "--lang", "fr"], "page.schema.json"),
        (["conditions", "--lang", "es"], "conditions.schema.json"),
        (["evidence", "neck", "--lang", "fr"], "evidence.schema.json"),
        (["translations"], "translations.schema.json"),
        (["screen", "--questions"], "screen-questions.schema.json"),
        (["screen", "--questions", "--area", "foot"], "screen-questions.schema.json"),
    ],
)
def test_json_output_matches_its_schema(args, schema):
    result = run([*args, "--json"])
    assert result.exit_code == 0
    errors = list(_validator(schema).iter_errors(json.loads(result.stdout)))
    assert not errors, errors[0].message


def test_every_condition_page_matches_the_schema(q, kb):
    from dryneedle_cli.render.json import document
    from dryneedle_cli.status import stamp

    validator = _validator("page.schema.json")
    for cid in kb.conditions:
        validator.validate(document(stamp(q, q.explain(cid))))
    for tid in kb.topics:
        validator.validate(document(stamp(q, q.explain(tid))))


def test_validate_schema_matches_a_report_with_problems(data_copy):
    f = data_copy / "conditions" / "neck-pain.yaml"
    f.write_text(f.read_text().replace("region: neck\n", "region: neck\ncolour: blue\n"))
    result = run(["validate", "--json"], DRYNEEDLE_DATA_DIR=str(data_copy))
    doc = json.loads(result.stdout)
    assert result.exit_code == 3 and not doc["ok"] and doc["errors"]
    errors = list(_validator("validate.schema.json").iter_errors(doc))
    assert not errors, errors[0].message
    doc["errors"][0]["line"] = "eight"
    assert list(_validator("validate.schema.json").iter_errors(doc))


def test_paths_schema_can_fail():
    doc = json.loads(run(["paths", "--json"]).stdout)
    doc["id"] = "neck-pain"  # layers and an item at once
    assert list(_validator("paths.schema.json").iter_errors(doc))


def test_schema_can_fail():
    doc = json.loads(run(["explain", "neck", "--json"]).stdout)
    doc["icd10"] = ["not a code"]
    assert list(_validator("page.schema.json").iter_errors(doc))


def test_stdin_mode_json_lines():
    result = run(["explain", "-", "--json"], input="neck\n\nnekc\nM77.1\n  LTR  \n")
    assert result.exit_code == 1  # one query was not found
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["query"], r["found"]) for r in records] == [
        ("neck", True),
        ("nekc", False),
        ("M77.1", True),
        ("LTR", True),
    ]
    assert records[1]["suggestions"][0].startswith("Neck pain")
    _validator("missing.schema.json").validate(records[1])
    for r in (records[0], records[2], records[3]):
        _validator("page.schema.json").validate(r)
    assert result.stderr == ""  # misses are records, not errors


def test_stdin_mode_all_found_is_exit_0():
    result = run(["explain", "-", "--json"], input="neck\ntennis elbow\n")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2


def test_stdin_mode_plain_reports_misses_on_stderr():
    result = run(["explain", "-", "--plain"], input="heel\nzzzz\n")
    assert result.exit_code == 1
    assert result.stdout.startswith("Heel pain\n=========")
    assert "nothing found for 'zzzz'" in result.stderr


def test_conditions_stdin_records_start_with_the_query():
    result = run(["conditions", "-", "--plain", "--header"], input="elbow\nknee\n")
    lines = result.stdout.splitlines()
    assert lines[0] == "query\tid\tname\tregion\ticd10\tevidence"
    assert lines[1].startswith("elbow\tgolfers-elbow\t")
    assert sum(line.startswith("knee\t") for line in lines) == 2
    assert sum(line.startswith("query") for line in lines) == 1


def test_header_only_when_asked():
    assert not run(["conditions", "--plain"]).stdout.startswith("id\t")
    assert run(["conditions", "--plain", "--header"]).stdout.startswith("id\tname\tregion\t")
    assert run(["evidence", "--header"]).stdout.startswith("key\tcitation\tlink\tsupports\tnote\n")


@pytest.mark.parametrize(
    ("args", "env", "rich"),
    [
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        (["--color", "auto"], {"FORCE_COLOR": "1"}, True),
        ([], {}, False),  # not a terminal (CliRunner's stdout never is)
    ],
)
def test_colour_rules(args, env, rich):
    out = run(["aftercare", *args], **env).stdout
    assert ("╭" in out) is rich


@pytest.mark.parametrize(
    ("flags", "env", "isatty", "expected"),
    [
        ({}, {}, True, "terminal"),  # a terminal, nothing else said: colour
        ({}, {}, False, "plain"),  # piped
        ({}, {"NO_COLOR": "1"}, True, "plain"),
        ({}, {"TERM": "dumb"}, True, "plain"),
        ({}, {"NO_COLOR": ""}, True, "terminal"),  # set but empty does not count
        ({}, {"FORCE_COLOR": "1"}, False, "terminal"),
        ({}, {"FORCE_COLOR": "0"}, False, "plain"),
        ({"color": "never"}, {"FORCE_COLOR": "1"}, True, "plain"),
        ({"color": "always"}, {"NO_COLOR": "1"}, False, "terminal"),
        ({"plain": True}, {"FORCE_COLOR": "1"}, True, "plain"),
        ({"json": True}, {}, True, "json"),
    ],
)
def test_choose_format_on_a_terminal_and_off(flags, env, isatty, expected):
    """The format is a pure function of the flags, the environment and isatty, so a terminal
    can be tested without one (CliRunner's stdout is never a TTY)."""
    from dryneedle_cli.cli.options import Color
    from dryneedle_cli.cli.output import choose_format

    color = Color(flags.get("color", "auto"))
    got = choose_format(flags.get("json", False), flags.get("plain", False), color, env, isatty)
    assert got == expected


def test_columns_are_respected():
    narrow = run(["aftercare", "--color", "always"], COLUMNS="60").stdout
    wide = run(["aftercare", "--color", "always"], COLUMNS="120").stdout
    assert "─" * 58 in narrow and "─" * 100 not in narrow
    # a page wraps at the reading width (88) however wide the terminal
    assert "─" * 80 in wide and "─" * 87 not in wide


def test_completion_offers_names_and_areas():
    env = {**os.environ, "_DRYNEEDLE_COMPLETE": "complete_bash", "COMP_CWORD": "2"}
    words = subprocess.run(
        [EXE], env={**env, "COMP_WORDS": "dryneedle explain tenn"}, capture_output=True, text=True
    ).stdout.splitlines()
    assert "tennis elbow" in words
    areas = subprocess.run(
        [EXE],
        env={**env, "COMP_WORDS": "dryneedle aftercare --area lo", "COMP_CWORD": "3"},
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert "low back" in areas and "lower leg" in areas


def test_ctrl_c_exits_130_without_traceback():
    proc = subprocess.Popen(
        [EXE, "explain", "-", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ,
    )
    proc.stdin.write(b"neck\n")
    proc.stdin.flush()
    assert proc.stdout.readline().startswith(b'{"schema_version":1')  # running, waiting for more
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"Traceback" not in err


def test_thousand_queries_in_one_run():
    queries = "\n".join(["neck", "M77.1", "nekc", "tennis elbow", "LTR"] * 200) + "\n"
    result = subprocess.run(
        [EXE, "explain", "-", "--json"], input=queries, capture_output=True, text=True, timeout=120
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 1000 and result.returncode == 1
    assert sum(not r["found"] for r in records) == 200


def test_cli_docs_list_every_command_the_app_has():
    """docs/cli.md is made by walking the app, so no command can be left out of it."""
    from dryneedle_cli.cli import COMMANDS

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"\n## dryneedle {name}\n" in text, name
    assert "\n## dryneedle clinic init\n" in text


def test_cli_docs_are_current():
    sys.path.insert(0, str(ROOT / "tools"))
    from cli_docs import DOC, generate

    assert DOC.read_text(encoding="utf-8") == generate(), "run: python tools/cli_docs.py"
