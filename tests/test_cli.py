"""Every command in every output mode, through Typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dryneedle_cli import __version__
from dryneedle_cli.cli import app

runner = CliRunner()

COMMANDS = [
    (["explain"], "What is dry needling?"),
    (["explain", "neck"], "Neck pain"),
    (["explain", "acupuncture"], "Dry needling and acupuncture"),
    (["explain", "pneumothorax"], "Pneumothorax"),
    (["prepare", "--area", "neck"], "Getting ready for dry needling"),
    (["aftercare", "--area", "low back"], "After dry needling"),
    (["conditions"], "Tennis elbow"),
    (["conditions", "elbow"], "Golfer's elbow"),
    (["evidence"], "Brady S, McEvoy J"),
    (["evidence", "neck"], "Navarro-Santana MJ"),
]


def run(args, **env):
    return runner.invoke(app, args, env={"COLUMNS": "100", **env})


@pytest.mark.parametrize(("args", "expected"), COMMANDS)
def test_plain_by_default_when_not_a_terminal(args, expected):
    result = run(args)
    assert result.exit_code == 0, result.output
    assert expected in result.stdout
    assert "\x1b[" not in result.stdout and "╭" not in result.stdout


@pytest.mark.parametrize(("args", "expected"), COMMANDS)
def test_plain_flag_after_the_subcommand(args, expected):
    result = run([*args, "--plain"], FORCE_COLOR="1")
    assert result.exit_code == 0, result.output
    assert expected in result.stdout and "\x1b[" not in result.stdout


@pytest.mark.parametrize(("args", "expected"), COMMANDS)
def test_json(args, expected):
    result = run([*args, "--json"], FORCE_COLOR="1")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1 and doc["command"] == args[0]
    assert expected in result.stdout
    assert "\x1b[" not in result.stdout


@pytest.mark.parametrize(("args", "expected"), COMMANDS)
def test_rich_on_a_terminal(args, expected):
    result = run(args, FORCE_COLOR="1")
    assert result.exit_code == 0, result.output
    assert "\x1b[" in result.stdout
    assert expected.split()[0] in result.stdout


def test_no_color_wins_over_nothing_but_not_over_force():
    from dryneedle_cli.cli.options import Color
    from dryneedle_cli.cli.output import choose_format

    # isatty=True: on a terminal, NO_COLOR alone turns colour off ...
    assert choose_format(False, False, Color.auto, {"NO_COLOR": "1"}, True) == "plain"
    # ... but FORCE_COLOR still turns it on
    both = {"NO_COLOR": "1", "FORCE_COLOR": "1"}
    assert choose_format(False, False, Color.auto, both, True) == "terminal"


def test_json_and_plain_together_is_a_usage_error():
    result = run(["explain", "neck", "--json", "--plain"])
    assert result.exit_code == 2
    assert "choose one of --json and --plain" in result.stderr


def test_not_found_exit_1_with_suggestions_on_stderr():
    result = run(["explain", "nekc"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "nothing found for 'nekc'" in result.stderr
    assert "Neck pain (neck-pain)" in result.stderr


def test_unknown_area_exit_1():
    result = run(["aftercare", "--area", "elbw"])
    assert result.exit_code == 1 and "Elbow (elbow)" in result.stderr


def test_unknown_option_exit_2():
    assert run(["explain", "--colour"]).exit_code == 2


def test_version():
    result = run(["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"dryneedle {__version__}"


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["explain", "-h"], ["aftercare", "--help"]])
def test_help(args):
    result = run(args)
    assert result.exit_code == 0 and "Usage:" in result.stdout
    assert "--json" in result.stdout or "Commands" in result.stdout


def test_help_lists_exit_codes():
    out = run(["--help"]).stdout
    for line in ("0    ok", "1    nothing found", "3    invalid content", "130  interrupted"):
        assert line in out


def test_aftercare_always_has_the_warning_signs():
    for areas in ([], ["--area", "foot"], ["--area", "neck", "--area", "knee"]):
        out = run(["aftercare", *areas]).stdout
        assert "Get help now" in out and "Call your local emergency number" in out


def test_bad_content_exit_3_names_file_line_field(data_copy):
    f = data_copy / "conditions" / "neck-pain.yaml"
    f.write_text(f.read_text().replace("region: neck\n", "region: neck\ncolour: blue\n"))
    result = run(["explain", "neck"], DRYNEEDLE_DATA_DIR=str(data_copy))
    assert result.exit_code == 3
    assert "neck-pain.yaml:" in result.stderr and "colour" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "built"),
    [
        (["explain", "neck"], ["explain"]),
        (["--content-dir", "explain", "paths"], ["paths"]),  # a folder named like a command
        (["conditions", "--json"], ["conditions"]),
        (["clinic", "--help"], ["clinic"]),
        (["--help"], []),  # the list comes from the docstrings
    ],
)
def test_a_run_builds_only_the_command_it_calls(args, built):
    import typer

    from dryneedle_cli.cli import build

    group = typer.main.get_command(build())
    assert group.main(args, prog_name="dryneedle", standalone_mode=False) == 0
    assert list(group.commands) == built


def test_the_help_lists_every_command_even_though_runs_build_one():
    out = run(["--help"]).stdout
    from dryneedle_cli.cli import COMMANDS

    assert all(f"  {name} " in out for name in COMMANDS)


def test_missing_built_in_data_is_an_install_problem_not_a_bug(tmp_path, monkeypatch):
    """A wheel without its data is exit 3 with the fix, never 'internal error' (exit 70)."""
    from dryneedle_cli import env

    monkeypatch.delenv("DRYNEEDLE_DATA_DIR", raising=False)
    monkeypatch.setattr(env, "_HERE", tmp_path / "dryneedle_cli")
    result = runner.invoke(app, ["explain", "neck"], env={"DRYNEEDLE_CACHE_DIR": ""})
    assert result.exit_code == 3, result.output
    assert "reinstall dryneedle" in result.stderr and "internal error" not in result.stderr
