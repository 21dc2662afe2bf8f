"""Issue 10, the output surface: what reaches a terminal, a file or a message.

Each case is named after its line in the hostile-input report (shared/reports/hostile-input.md).
Real processes of the installed entry point, so closed descriptors, pipes and signals are real.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXE = str(Path(sys.executable).parent / "dryneedle")
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# what a hostile text may try: window title, clear screen, blink, a hyperlink, bidi override
EVIL = "\x1b]0;PWNED\x07\x1b[2J\x1b[5m\x9b31m\x1b]8;;http://evil.example\x1b\\click\u202e\x00\x7f"


def run(*args, env=None, shell=None, **kw):
    full = {**os.environ, "COLUMNS": "80", **(env or {})}
    if shell is not None:
        return subprocess.run(
            ["bash", "-c", shell], capture_output=True, env=full, timeout=60, **kw
        )
    return subprocess.run([EXE, *args], capture_output=True, env=full, timeout=60, **kw)


def patch(tmp_path: Path, **fields) -> Path:
    """A clinic content folder with conditions/neck-pain.patch.yaml setting ``fields``."""
    clinic = tmp_path / "clinic"
    (clinic / "conditions").mkdir(parents=True)
    lines = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in fields.items())
    (clinic / "conditions" / "neck-pain.patch.yaml").write_text(
        f"id: neck-pain\nset:\n{lines}", encoding="utf-8"
    )
    return clinic


def no_raw_controls(data: bytes, allow_sgr: bool = False) -> None:
    """No control character but \\n and \\t (and, in colour mode, Rich's own SGR sequences)."""
    text = data.decode("utf-8")
    if allow_sgr:
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    found = RAW.findall(text)
    assert not found, f"raw control characters reached the output: {found!r}"


def one_clean_stderr(result) -> str:
    err = result.stderr.decode("utf-8")
    assert "Traceback" not in err and "internal error" not in err, err
    assert result.returncode != 70, err
    no_raw_controls(result.stderr)
    return err


# ------------------------------------------------------------ T1-T3, R1-R3: content shown as typed


@pytest.mark.parametrize("mode", ["plain", "rich"])
def test_hostile_T3_escape_sequences_from_content(tmp_path, mode):
    clinic = patch(tmp_path, summary=f"Neck {EVIL} end", clinical_name=f"Cervicalgia {EVIL}")
    env = {"FORCE_COLOR": "1"} if mode == "rich" else {}
    for command in (["explain", "neck"], ["conditions", "neck"]):
        result = run("--content-dir", str(clinic), *command, env=env)
        assert result.returncode == 0, result.stderr
        no_raw_controls(result.stdout, allow_sgr=mode == "rich")
        if command[0] == "explain":
            assert b"\\x1b]0;PWNED\\x07" in result.stdout  # shown, not acted on
        one_clean_stderr(result)


def test_hostile_T3_json_stays_exact(tmp_path):
    clinic = patch(tmp_path, summary=f"Neck {EVIL}")
    result = run("--content-dir", str(clinic), "explain", "neck", "--json")
    assert json.loads(result.stdout)["summary"] == f"Neck {EVIL}"


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("R1", "Cervicalgia [/bold] (closing tag)"),
        ("R2", "[link=https://evil.example][blink]Cervicalgia[/blink][/link]"),
        ("R3", "Phone us 9am to 5pm [weekdays only] [/]"),
    ],
)
def test_hostile_rich_markup_is_shown_as_typed(tmp_path, case, text):
    clinic = patch(tmp_path, clinical_name=text, icd10=["M54.2"], summary=text)
    env = {"FORCE_COLOR": "1"}
    for command in (["explain", "neck"], ["conditions", "neck"]):
        result = run("--content-dir", str(clinic), *command, env=env)
        assert result.returncode == 0, (case, result.stderr)
        one_clean_stderr(result)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout.decode())
        assert "evil.example" not in result.stdout.decode() or "\x1b]8" not in plain
        assert "\x1b]8" not in result.stdout.decode()
        if command[0] == "explain":
            assert text in " ".join(plain.split()), plain


def test_hostile_R3_aftercare_item_with_brackets(tmp_path):
    clinic = tmp_path / "clinic"
    (clinic / "sheets").mkdir(parents=True)
    (clinic / "sheets" / "aftercare.patch.yaml").write_text(
        "id: aftercare\nadd:\n  sections:\n"
        "    - heading: Our clinic's advice [/]\n      refs: [clinic-advice]\n"
        "      items: ['Phone us 9am to 5pm [weekdays only]', 'Closing [/] tag']\n"
    )
    result = run("--content-dir", str(clinic), "aftercare", env={"FORCE_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    out = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout.decode())
    assert "[weekdays only]" in out and "Closing [/] tag" in out


@pytest.mark.parametrize("case", ["T1", "T2"])
def test_hostile_warnings_are_one_clean_line(tmp_path, case):
    clinic = tmp_path / "clinic"
    (clinic / "conditions").mkdir(parents=True)
    if case == "T1":
        name, body = "desk.yaml", f'id: desk\n"bad{EVIL}\\nsecond line": 1\n'
    else:
        name, body = f"x\ny{EVIL[:10]}.yaml", "id: [\n"
    (clinic / "conditions" / name).write_text(body, encoding="utf-8")
    result = run("--content-dir", str(clinic), "explain", "neck")
    assert result.returncode == 0
    err = one_clean_stderr(result)
    assert len(err.splitlines()) == 1, err


def test_hostile_M2_content_dir_name_in_a_warning(tmp_path):
    name = f"gone{EVIL}".replace("\x00", "")
    result = run("--content-dir", str(tmp_path / name), "explain", "neck")
    assert result.returncode == 0
    assert len(one_clean_stderr(result).splitlines()) == 1


# ------------------------------------------------------------ A3-A5, A7, P1, P2: output edges


@pytest.mark.parametrize(
    ("case", "command"),
    [
        ("A3", "explain neck"),
        ("A4", "sheet aftercare -f txt -o -"),
        ("A5", "conditions --json"),
        ("A5", "paths"),
    ],
)
def test_hostile_closed_stdout_is_exit_4(case, command):
    result = run(shell=f"'{EXE}' {command} >&-")
    err = one_clean_stderr(result)
    assert result.returncode == 4, err
    assert err.count("\n") == 1 and "standard output" in err


@pytest.mark.parametrize("command", ["explain neck", "conditions --json", "paths", "--help"])
def test_hostile_O6_full_disk_on_stdout_is_exit_4(command):
    result = run(shell=f"'{EXE}' {command} > /dev/full")
    err = one_clean_stderr(result)
    assert result.returncode == 4, err
    assert "No space left" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "command",
    [
        "paths",
        "--help",
        "explain --help",
        "validate --json",
        "paths neck",
        "sheet aftercare -f txt -o -",
        "explain neck",
        "explain neck --color always",
        "conditions",
        "evidence",
        "aftercare --color always",
    ],
)
def test_hostile_P1_P2_broken_pipe_is_exit_0_everywhere(command):
    # `:` exits at once; a long output meets the closed pipe
    result = run(shell=f"set -o pipefail; '{EXE}' {command} | (exec 0<&-; :)")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""


def test_hostile_A7_usage_error_is_one_line():
    result = run("explain", "--bogus" + EVIL.replace("\x00", ""))
    err = one_clean_stderr(result)
    assert result.returncode == 2
    assert len(err.splitlines()) == 1, err
    assert "--bogus" in err


@pytest.mark.parametrize("columns", ["0", "-5", "99999999"])
def test_hostile_G2_G3_columns_are_clamped(columns):
    result = run(
        shell=f"printf 'neck\\nknee\\n' | '{EXE}' explain -",
        env={"FORCE_COLOR": "1", "COLUMNS": columns},
    )
    assert result.returncode == 0
    assert result.stdout.strip()
    longest = max(len(re.sub(r"\x1b\[[0-9;]*m", "", x)) for x in result.stdout.decode().split("\n"))
    assert 20 <= longest <= 400


def test_hostile_exit_codes_table_lists_70():
    result = run("--help")
    assert re.search(r"70\s+internal error", result.stdout.decode())
