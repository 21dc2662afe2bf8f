"""The installed entry point as a real process: pipes, exit codes, environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
EXE = str(BIN / "dryneedle")


def run(*args, env=None, **kw):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, env=full_env, timeout=60, **kw
    )


def test_entry_point_is_installed():
    assert Path(EXE).exists(), "install the project first: pip install -e '.[test]'"


def test_piped_output_is_plain():
    result = run("explain", "neck")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("Neck pain\n=========\n")
    assert "\x1b[" not in result.stdout


def test_force_color_gives_rich_even_when_piped():
    result = run("explain", "neck", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in result.stdout


def test_json_never_has_escape_codes():
    result = run("conditions", "--json", env={"FORCE_COLOR": "1"})
    assert "\x1b" not in result.stdout
    assert '"schema_version": 1' in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "stderr_has"),
    [
        (["explain", "nekc"], 1, "Did you mean: Neck pain (neck-pain)"),
        (["conditions", "spleen"], 1, "no condition matches 'spleen'"),
        (["explain", "--bogus"], 2, "No such option"),
        (["frobnicate"], 2, "No such command"),
    ],
)
def test_exit_codes(args, code, stderr_has):
    result = run(*args)
    assert result.returncode == code
    assert stderr_has in result.stderr
    assert "Traceback" not in result.stderr
    if code == 1:
        assert result.stdout == ""


def test_invalid_content_exit_3_and_debug_shows_traceback(data_copy):
    (data_copy / "glossary.yaml").write_text("id: glossary\nterms: [\n")
    env = {"DRYNEEDLE_DATA_DIR": str(data_copy)}
    result = run("explain", "neck", env=env)
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1
    assert "glossary.yaml:3:1: YAML syntax error" in result.stderr
    debug = run("explain", "neck", env={**env, "DRYNEEDLE_DEBUG": "1"})
    assert "Traceback" in debug.stderr


def test_missing_data_folder_is_exit_3(tmp_path):
    result = run("explain", "neck", env={"DRYNEEDLE_DATA_DIR": str(tmp_path / "nowhere")})
    assert result.returncode == 3
    assert "labels.yaml" in result.stderr and "Traceback" not in result.stderr


def test_reader_going_away_ends_quietly():
    proc = subprocess.Popen(
        [EXE, "evidence"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ
    )
    proc.stdout.close()  # like `| head -c 0`: the reader is gone before anything is written
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert err == b""


def test_head_in_a_shell_pipeline():
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{EXE}' conditions | head -1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1 and result.stderr == ""


def test_python_m():
    result = subprocess.run(
        [sys.executable, "-m", "dryneedle_cli", "explain", "tennis", "elbow"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout.startswith("Tennis elbow\n")


NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "", "LANG": "C.UTF-8"}


def test_language_from_the_environment_and_the_locale():
    """DRYNEEDLE_LANG and the locale choose the language of the installed command; a language
    that does not ship is exit 2 naming those that do (see test_i18n.py for the rest)."""
    result = run("explain", "neck", env={**NO_LOCALE, "DRYNEEDLE_LANG": "es"})
    assert result.returncode == 0 and result.stdout.startswith("Dolor de cuello\n")
    result = run("explain", "neck", env={**NO_LOCALE, "LANG": "fr_CA.UTF-8"})
    assert result.returncode == 0 and result.stdout.startswith("Douleur au cou\n")
    result = run("explain", "neck", env={**NO_LOCALE, "DRYNEEDLE_LANG": "de"})
    assert result.returncode == 2 and result.stdout == ""
    assert "choose one of en, es, fr" in result.stderr
