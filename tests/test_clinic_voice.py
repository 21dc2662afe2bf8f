"""The clinic profile is the clinic's voice on screen and on sheets, forgiving where it can be."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.handouts import clinic as clinics

runner = CliRunner()
EXE = str(Path(sys.executable).parent / "dryneedle")
AU = 'name: "Harbour Physio"\nphone: "02 9999 0000"\nemergency_number: "000"\n'


def invoke(*args, **env):
    return runner.invoke(app, list(args), env={"COLUMNS": "100", **env})


@pytest.fixture
def au(tmp_path) -> Path:
    path = tmp_path / "clinic.yaml"
    path.write_text(AU)
    return path


# ------------------------------------------------------------------ 1. the screen


@pytest.mark.parametrize(
    "args",
    [
        ["aftercare", "--plain"],
        ["aftercare", "--json"],
        ["aftercare", "--color", "always"],
        ["aftercare", "--area", "low back", "--plain"],
        ["explain", "warning", "signs", "--plain"],
        ["explain", "warning", "signs", "--json"],
        ["explain", "warning", "signs", "--color", "always"],
        ["explain", "sciatica", "--plain"],
    ],
)
def test_screen_says_the_profiles_emergency_number_never_911(au, args):
    for extra, env in (([f"--clinic={au}"], {}), ([], {"DRYNEEDLE_CLINIC": str(au)})):
        result = invoke(*args, *extra, **env)
        assert result.exit_code == 0, result.stderr
        assert "Call 000" in result.stdout and "911" not in result.stdout


def test_screen_without_a_profile_keeps_the_default(tmp_path):
    result = invoke("aftercare", "--plain", XDG_CONFIG_HOME=str(tmp_path))
    assert "911 in the US and Canada" in result.stdout


def test_screen_uses_the_user_config_profile(tmp_path, au):
    (tmp_path / "dryneedle").mkdir()
    (tmp_path / "dryneedle" / "clinic.yaml").write_text(AU)
    result = invoke("aftercare", "--plain", XDG_CONFIG_HOME=str(tmp_path))
    assert "Call 000" in result.stdout and "911" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "neck"],
        ["prepare"],
        ["aftercare"],
        ["conditions", "neck"],
        ["evidence"],
        ["sheet", "aftercare", "-f", "txt", "-o", "-"],
    ],
)
def test_every_content_command_takes_clinic(au, args):
    result = invoke(*args, "--clinic", str(au))
    assert result.exit_code == 0, result.stderr
    bad = invoke(*args, "--clinic", str(au.parent / "nope.yaml"))
    assert bad.exit_code == 3
    assert "nope.yaml: clinic profile not found (named by --clinic)" in bad.stderr
    assert "reinstall" not in bad.stderr


def clinic_section(tmp_path) -> Path:
    """A clinic's own aftercare section naming the clinic by placeholder."""
    layer = tmp_path / "layer"
    (layer / "sheets").mkdir(parents=True)
    (layer / "sheets" / "aftercare.patch.yaml").write_text(
        "id: aftercare\nadd:\n  sections:\n"
        "    - heading: Our clinic's advice\n      refs: [clinic-advice]\n"
        "      text: Questions? Ring {clinic} on {clinic_phone}.\n"
    )
    return layer


@pytest.mark.parametrize("fmt", ["--plain", "--json", "--color=always"])
def test_screen_says_the_clinics_name_where_the_text_names_it(tmp_path, au, fmt):
    layer = clinic_section(tmp_path)
    result = invoke("--content-dir", str(layer), "aftercare", fmt, "--clinic", str(au))
    assert result.exit_code == 0, result.stderr
    assert "Harbour Physio on 02 9999 0000" in result.stdout


def test_screen_ignores_template_examples_with_one_warning(tmp_path):
    dest = tmp_path / "clinic.yaml"
    assert invoke("clinic", "init", "--path", str(dest)).exit_code == 0
    layer = clinic_section(tmp_path)
    result = invoke("--content-dir", str(layer), "aftercare", "--plain", "--clinic", str(dest))
    assert result.exit_code == 0 and "Your Clinic Name" not in result.stdout
    assert "000 000 0000" not in result.stdout and "Ring your clinic" in result.stdout
    assert result.stderr.count("warning") == 1 and "clinic check" in result.stderr


def test_installed_entry_point_screen_says_000(au):
    env = {**os.environ, "DRYNEEDLE_CLINIC": str(au), "COLUMNS": "80"}
    for args in (["aftercare"], ["explain", "warning", "signs", "--json"]):
        out = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 0, out.stderr
        assert "000" in out.stdout and "911" not in out.stdout


# ------------------------------------------------------------------ 2. new fields


def pdf_size(data: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


A4, LETTER = (595, 842), (612, 792)


@pytest.mark.parametrize(
    ("profile_paper", "flag", "lang", "size"),
    [
        ("A4", None, "en_US.UTF-8", A4),
        ("letter", None, "en_AU.UTF-8", LETTER),
        ("", None, "en_AU.UTF-8", A4),
        ("", None, "en_US.UTF-8", LETTER),
        ("", None, "fr_CA.UTF-8", LETTER),
        ("", "A4", "en_US.UTF-8", A4),
        ("a4", "LETTER", "de_DE.UTF-8", LETTER),
    ],
)
def test_paper_from_flag_profile_or_locale(au, profile_paper, flag, lang, size):
    if profile_paper:
        au.write_text(AU + f"paper: {profile_paper}\n")
    args = ["sheet", "aftercare", "--clinic", str(au), "-f", "pdf", "-o", "-"]
    args += ["--paper", flag] if flag else []
    result = runner.invoke(app, args, env={"LANG": lang, "LC_ALL": "", "LC_PAPER": ""})
    assert result.exit_code == 0, result.stderr
    assert pdf_size(result.stdout_bytes) == size


@pytest.mark.parametrize(
    ("env", "paper"),
    [
        ({}, "letter"),
        ({"LANG": "C.UTF-8"}, "letter"),
        ({"LANG": "en_GB.UTF-8"}, "a4"),
        ({"LANG": "en_US.UTF-8", "LC_PAPER": "en_AU.UTF-8"}, "a4"),
        ({"LC_ALL": "es_MX.UTF-8", "LC_PAPER": "en_AU.UTF-8"}, "letter"),
        ({"LANG": "fil_PH.UTF-8"}, "letter"),
        ({"LANG": "ja_JP.UTF-8"}, "a4"),
    ],
)
def test_locale_paper(env, paper):
    assert clinics.locale_paper(env) == paper


def test_unquoted_numbers_are_read_as_typed(tmp_path):
    path = tmp_path / "clinic.yaml"
    path.write_text("name: Harbour\nphone: 5550123\nemergency_number: 000\nwebsite: 112\n")
    profile = clinics.load(path)
    assert (profile.phone, profile.emergency_number, profile.website) == ("5550123", "000", "112")
    result = invoke("aftercare", "--plain", "--clinic", str(path))
    assert "Call 000" in result.stdout


def test_email_language_and_default_clinician(au):
    au.write_text(
        AU + 'email: "desk@harbour.example"\nlanguage: es\n'
        'default_clinician: "Dr Lee"\nclinicians: ["Dr Lee", "Dr Ng"]\n'
    )
    result = invoke("sheet", "aftercare", "--clinic", str(au), "-f", "txt", "-o", "-")
    assert result.exit_code == 0 and "warning" not in result.stderr
    assert "desk@harbour.example" in result.stdout and "Dr Lee" in result.stdout
    other = invoke("sheet", "aftercare", "--clinic", str(au), "-f", "txt", "-o", "-",
                   "--clinician", "Dr Ng")  # fmt: skip
    assert "Dr Ng" in other.stdout and "Dr Lee" not in other.stdout and other.stderr == ""
    stranger = invoke("sheet", "aftercare", "--clinic", str(au), "-f", "txt", "-o", "-",
                      "--clinician", "Dr Who")  # fmt: skip
    assert stranger.exit_code == 0 and "Dr Who" in stranger.stdout
    lines = stranger.stderr.splitlines()
    assert len(lines) == 1 and "'Dr Who' is not in the clinicians of" in lines[0]
    shown = json.loads(invoke("clinic", "show", "--clinic", str(au), "--json").stdout)
    assert shown["fields"]["language"] == "es" and shown["fields"]["email"].startswith("desk@")


def test_batch_rows_without_clinician_use_the_default(tmp_path, au):
    au.write_text(AU + 'default_clinician: "Dr Lee"\n')
    rows = tmp_path / "day.csv"
    rows.write_text("patient,clinician\nAnn,\nBob,Dr Ng\n")
    out = tmp_path / "out"
    out.mkdir()
    args = ["sheet", "aftercare", "--clinic", str(au), "--batch", str(rows), "-f", "txt"]
    assert invoke(*args, "--out-dir", str(out)).exit_code == 0
    ann, bob = sorted(out.iterdir())
    assert "Dr Lee" in ann.read_text() and "Dr Ng" in bob.read_text()


def test_clinician_completion_from_the_profile(au):
    au.write_text(AU + 'clinicians: ["Dr Lee", "Dr Ng", "Ms Park"]\n')
    env = {
        **os.environ,
        "_DRYNEEDLE_COMPLETE": "complete_bash",
        "COMP_WORDS": f"dryneedle sheet aftercare --clinic {au} --clinician Dr",
        "COMP_CWORD": "6",
    }
    out = subprocess.run([EXE], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split("\n")[:2] == ["Dr Lee", "Dr Ng"] and "Park" not in out.stdout


# ------------------------------------------------------------------ 3. show, check, init


def test_show_names_the_profile_its_source_and_fields(au):
    result = invoke("clinic", "show", "--clinic", str(au))
    assert result.exit_code == 0
    assert f"profile: {au} (from --clinic)" in result.stdout
    assert "emergency_number: 000" in result.stdout and "paper used:" in result.stdout
    env_run = invoke("clinic", "show", "--json", DRYNEEDLE_CLINIC=str(au))
    record = json.loads(env_run.stdout)
    assert record["source"] == "env" and record["fields"]["name"] == "Harbour Physio"


def test_show_without_a_profile(tmp_path):
    result = invoke("clinic", "show", XDG_CONFIG_HOME=str(tmp_path))
    assert result.exit_code == 0 and "profile: none" in result.stdout


def test_init_says_what_to_do_next_and_check_names_each_problem(tmp_path):
    dest = tmp_path / "clinic.yaml"
    first = invoke("clinic", "init", "--path", str(dest))
    assert first.stdout.strip() == str(dest)
    assert "edit name, address and phone" in first.stderr and "clinic check" in first.stderr
    dest.write_text(dest.read_text().replace('logo: ""', 'logo: "gone.png"'))
    check = invoke("clinic", "check", "--clinic", str(dest))
    assert check.exit_code == 3
    assert "example text in name, address, phone" in check.stderr
    assert "gone.png" in check.stderr and "2 problems" in check.stderr
    text = dest.read_text().replace("Your Clinic Name", "Harbour").replace('"gone.png"', '""')
    dest.write_text(text.replace("000 000 0000", "02 1").replace("1 Example Street, Town", "x"))
    ok = invoke("clinic", "check", "--clinic", str(dest))
    assert ok.exit_code == 0 and ok.stdout.strip() == f"{dest}: ready"


def test_check_reports_a_broken_profile_and_a_missing_one(tmp_path, au):
    au.write_text(AU + "paper: legal\n")
    result = invoke("clinic", "check", "--clinic", str(au))
    assert result.exit_code == 3 and "'paper' must be letter or a4" in result.stderr
    gone = invoke("clinic", "check", "--clinic", str(tmp_path / "nope.yaml"))
    assert gone.exit_code == 3 and "not found" in gone.stderr


def test_installed_entry_point_check_refuses_the_template(tmp_path):
    dest = tmp_path / "clinic.yaml"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    subprocess.run([EXE, "clinic", "init", "--path", str(dest)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    out = subprocess.run([EXE, "clinic", "check", "--clinic", str(dest)], env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 3 and "example text" in out.stderr


# ------------------------------------------------------------------ 4. logos


def image_bytes(fmt: str, size=(60, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 78, 121)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["logo.jpg", "logo.JPEG", "logo.png"])
def test_jpeg_and_png_logos_are_drawn(tmp_path, au, name):
    (tmp_path / name).write_bytes(image_bytes("JPEG" if "jp" in name.lower() else "PNG"))
    au.write_text(AU + f"logo: {name}\n")
    result = invoke("sheet", "aftercare", "--clinic", str(au), "-f", "pdf", "-o", "-")
    assert result.exit_code == 0, result.stderr
    page = PdfReader(io.BytesIO(result.stdout_bytes)).pages[0]
    assert len(page.images) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (lambda: image_bytes("JPEG")[:200], "not a readable JPEG"),
        (lambda: image_bytes("PNG"), "not a readable JPEG"),
        (lambda: image_bytes("JPEG", (4100, 10)), "4100x10 pixels"),
    ],
)
def test_bad_jpeg_is_refused_naming_file_and_field(tmp_path, au, data, message):
    (tmp_path / "logo.jpg").write_bytes(data())
    au.write_text(AU + "logo: logo.jpg\n")
    result = invoke("sheet", "aftercare", "--clinic", str(au), "-f", "pdf", "-o", "-")
    assert result.exit_code == 3 and message in result.stderr
    assert f"{au}:4:" in result.stderr and "(field 'logo')" in result.stderr


def test_clinic_show_prints_an_address_on_its_own_lines(tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text(
        'name: Test Clinic\naddress: "12 Mill Lane\\nSpringfield"\nphone: "555 0100"\n'
        'emergency_number: "000"\n',
        encoding="utf-8",
    )
    result = invoke("clinic", "show", "--clinic", str(profile))
    assert result.exit_code == 0, result.output
    assert "address: 12 Mill Lane\n         Springfield" in result.stdout
    assert "\\n" not in result.stdout
