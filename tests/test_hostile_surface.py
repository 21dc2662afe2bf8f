"""Issue 10, the output surface: what reaches a terminal, a file or a message.

Each case is named after its line in the hostile-input report (shared/reports/hostile-input.md).
Real processes of the installed entry point, so closed descriptors, pipes and signals are real.
"""

from __future__ import annotations

import contextlib
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
        shell=f"printf 'neck\\nknee pain\\n' | '{EXE}' explain -",
        env={"FORCE_COLOR": "1", "COLUMNS": columns},
    )
    assert result.returncode == 0
    assert result.stdout.strip()
    longest = max(len(re.sub(r"\x1b\[[0-9;]*m", "", x)) for x in result.stdout.decode().split("\n"))
    assert 20 <= longest <= 400


def test_hostile_exit_codes_table_lists_70():
    result = run("--help")
    assert re.search(r"70\s+internal error", result.stdout.decode())


# ------------------------------------------------------------ C1-C6, C11, C12, B15: logos


def profile(tmp_path: Path, logo: str = "", **fields) -> Path:
    folder = tmp_path / "profile"
    folder.mkdir(exist_ok=True)
    doc = {"name": "Riverside Physio", "phone": "555 0100", "logo": logo, **fields}
    path = folder / "clinic.yaml"
    path.write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in doc.items()), encoding="utf-8")
    return path


def png(width: int, height: int) -> bytes:
    """A valid PNG of any size, small on disk (one compressed block of zeros)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = zlib.compress(b"\0" * ((width + 1) * height), 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
SVG += 'width="10" height="10">{}</svg>'
LOGOS = {
    "C1-corrupt-png": ("logo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 50),
    "C1-truncated-png": ("logo.png", png(200, 200)[:45]),
    "C11-bomb-png": ("logo.png", png(15000, 15000)),
    "C12-large-png": ("logo.png", png(9000, 9000)),
    "C2-xxe": (
        "logo.svg",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    ),
    "C3-billion-laughs": (
        "logo.svg",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg>&b;</svg>',
    ),
    "C4-truncated-svg": ("logo.svg", SVG.format("<rect").encode()),
    "C4-not-xml": ("logo.svg", b"this is not xml at all"),
    "C5-local-image-outside": ("logo.svg", SVG.format('<image href="{outside}"/>').encode()),
    "C5-relative-outside": ("logo.svg", SVG.format('<image href="../secret.png"/>').encode()),
    "C5-file-beside-it": ("logo.svg", SVG.format('<use href="other.svg#a"/>').encode()),
    "C6-remote-image": (
        "logo.svg",
        SVG.format('<image xlink:href="http://example.com/x.png"/>').encode(),
    ),
    "C6-file-url": ("logo.svg", SVG.format('<image href="file:///etc/hostname"/>').encode()),
    "C6-css-url": (
        "logo.svg",
        SVG.format('<rect style="fill: url(http://example.com/p)"/>').encode(),
    ),
}


@pytest.mark.parametrize("case", list(LOGOS))
@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_hostile_bad_logo_is_exit_3_naming_logo(tmp_path, case, fmt):
    name, data = LOGOS[case]
    outside = tmp_path / "secret.png"
    outside.write_bytes(png(4, 4))
    clinic = profile(tmp_path, name)
    (clinic.parent / name).write_bytes(data.replace(b"{outside}", str(outside).encode()))
    out = tmp_path / f"s.{fmt}"
    result = run(
        "sheet", "aftercare", "--clinic", str(clinic), "-o", str(out), env={"no_proxy": ""}
    )
    err = one_clean_stderr(result)
    assert result.returncode == 3, err
    assert "logo" in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_hostile_good_logos_still_work(tmp_path):
    import base64

    inner = base64.b64encode(png(5, 5)).decode()
    inside = SVG.format(
        f'<image href="data:image/png;base64,{inner}" width="5" height="5"/><rect width="4"/>'
    )
    for name, data in [("logo.png", png(400, 100)), ("logo.svg", inside.encode())]:
        clinic = profile(tmp_path, name)
        (clinic.parent / name).write_bytes(data)
        (clinic.parent / "inner.png").write_bytes(png(5, 5))
        out = tmp_path / f"{name}.pdf"
        result = run("sheet", "aftercare", "--clinic", str(clinic), "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert out.read_bytes().startswith(b"%PDF")


def test_hostile_B15_bad_logo_stops_a_batch_before_any_row(tmp_path):
    clinic = profile(tmp_path, "logo.png")
    (clinic.parent / "logo.png").write_bytes(LOGOS["C1-corrupt-png"][1])
    rows = tmp_path / "day.csv"
    rows.write_text("patient\n" + "".join(f"P{i}\n" for i in range(10)))
    out = tmp_path / "out"
    result = run(
        "sheet", "aftercare", "--clinic", str(clinic), "--batch", str(rows), "--out-dir", str(out)
    )
    assert result.returncode == 3 and "logo" in one_clean_stderr(result)
    assert not out.exists() or not list(out.iterdir())


def test_hostile_B15_bad_logo_text_batch_warns_once_and_makes_every_sheet(tmp_path):
    clinic = profile(tmp_path, "logo.png")
    (clinic.parent / "logo.png").write_bytes(LOGOS["C1-corrupt-png"][1])
    rows = tmp_path / "day.csv"
    rows.write_text("patient,format\n" + "".join(f"P{i},txt\n" for i in range(10)))
    out = tmp_path / "out"
    out.mkdir()
    result = run(
        "sheet", "aftercare", "--clinic", str(clinic), "--batch", str(rows), "--out-dir", str(out),
        "-f", "txt",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    warnings = [x for x in result.stderr.decode().splitlines() if "warning" in x]
    assert len(warnings) == 1 and "no logo is printed" in warnings[0]
    assert len(list(out.iterdir())) == 10


# ------------------------------------------------------------ E3, H2, N1-N6, L3, L4, U2: sheet text


@pytest.mark.parametrize("field", ["name", "phone", "emergency_number", "clinicians"])
def test_hostile_E3_control_characters_in_the_profile_exit_3(tmp_path, field):
    value = ["Dr \x1b]0;pwned\x07 Lee"] if field == "clinicians" else "Clinic \x1b[2J\x07"
    clinic = profile(tmp_path, **{field: value})
    result = run("sheet", "aftercare", "--clinic", str(clinic), "-f", "txt", "-o", "-")
    err = one_clean_stderr(result)
    assert result.returncode == 3 and f"'{field}'" in err and "U+001B" in err


@pytest.mark.parametrize(
    ("case", "field", "value"),
    [
        ("L3", "name", "Riverside Physio " * 100),
        ("L4", "name", "R" * 3000),
        ("L4", "emergency_number", "1" * 41),
        ("L4", "clinicians", ["D" * 101]),
    ],
)
def test_hostile_L3_L4_overlong_profile_field_exit_3(tmp_path, case, field, value):
    clinic = profile(tmp_path, **{field: value})
    result = run("sheet", "aftercare", "--clinic", str(clinic), "-o", str(tmp_path / "s.pdf"))
    err = one_clean_stderr(result)
    assert result.returncode == 3 and f"'{field}'" in err and " characters" in err


@pytest.mark.parametrize(
    ("case", "option", "value"),
    [
        ("N1", "--patient", "Maria " * 2000),
        ("N2", "--patient", "M" * 5000),
        ("N2", "--clinician", "C" * 151),
        ("N2", "--next-visit", "x" * 300),
    ],
)
def test_hostile_N1_N2_overlong_patient_fields_exit_2(tmp_path, case, option, value):
    result = run("sheet", "aftercare", option, value, "-o", str(tmp_path / "s.pdf"))
    err = one_clean_stderr(result)
    assert result.returncode == 2 and "150 characters" in err
    assert value[:20] not in err  # never the patient's text


def test_hostile_N3_150_characters_still_print(tmp_path):
    result = run("sheet", "aftercare", "--patient", "A" * 150, "-o", str(tmp_path / "s.pdf"))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("fmt", ["pdf", "txt", "md", "html"])
def test_hostile_N6_U2_controls_and_bad_bytes_in_patient_fields(tmp_path, fmt):
    out = tmp_path / f"s.{fmt}"
    name = b"Ann\xff \x01\x02\x7f\x1b[31m Lee"
    result = subprocess.run(
        [EXE.encode(), b"sheet", b"aftercare", b"--patient", name, b"-o", str(out).encode()],
        capture_output=True,
        timeout=60,
    )
    one_clean_stderr(result)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    if fmt != "pdf":  # valid UTF-8, nothing raw
        no_raw_controls(data)
        assert "x1b" in data.decode() and "Ann\ufffd" in data.decode()


def test_hostile_N5_B16_font_refusal_names_code_points_only(tmp_path):
    import unittest.mock  # noqa: F401 - the real process decides: no CJK font in the test env

    result = run(
        "sheet", "aftercare", "--patient", "\U000e0041\U000e0042", "-o", str(tmp_path / "s.pdf")
    )
    err = one_clean_stderr(result)
    assert result.returncode == 4, err
    assert "U+E0041" in err and "\U000e0041" not in err


def test_hostile_H2_profile_text_cannot_inject_markdown(tmp_path):
    hostile = "<img src=x onerror=alert(1)> [112](javascript:alert(2)) `x` *y* & ![i](z)"
    short = "<img src=x onerror=alert(1)>[112](j:)"  # a placeholder in the warning signs
    clinic = profile(tmp_path, emergency_number=short, address=hostile, website="# head")
    out = tmp_path / "s.md"
    result = run(
        "sheet", "aftercare", "--clinic", str(clinic), "--patient", hostile, "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    for raw in ("<img", "](", "[112", "`x", "*y", "& ", "![i", "# head"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw
    assert "\\<img" in text and "\\[112\\]\\(javascript" in text
    # the placeholder filled into the warning signs (content text) is escaped too
    assert "> Call \\<img src=x onerror=alert\\(1\\)\\>\\[112\\]\\(j:\\) right away" in text
    assert "\n\\# head" in text or "\\# head" in text


# ------------------------------------------------------------ FT1, B14: fonts


@pytest.mark.parametrize("content", [os.urandom(2000), b"just text, not a font\n"])
def test_hostile_FT1_not_a_font_exit_4(tmp_path, content):
    font = tmp_path / "garbage.ttf"
    font.write_bytes(content)
    result = run(
        "sheet", "aftercare", "--patient", "\u5f20\u4f1f", "--font", str(font),
        "-o", str(tmp_path / "s.pdf"),
    )  # fmt: skip
    err = one_clean_stderr(result)
    assert result.returncode == 4 and "--font" in err and "\u5f20" not in err


def test_hostile_B14_bad_font_stops_a_batch_before_any_row(tmp_path):
    font = tmp_path / "garbage.ttf"
    font.write_bytes(b"nope" * 100)
    rows = tmp_path / "day.csv"
    rows.write_text("patient\n" + "".join(f"P{i}\n" for i in range(20)))
    out = tmp_path / "out"
    result = run(
        "sheet", "aftercare", "--font", str(font), "--batch", str(rows), "--out-dir", str(out)
    )
    assert result.returncode == 4 and "--font" in one_clean_stderr(result)
    assert not out.exists() or not list(out.iterdir())


# ------------------------------------------------------------ B3-B6, B14, B16: CSV batches


def batch(tmp_path: Path, data: bytes, *extra: str):
    rows = tmp_path / "day.csv"
    rows.write_bytes(data)
    out = tmp_path / "out"
    result = run("sheet", "aftercare", "--batch", str(rows), "--out-dir", str(out), *extra)
    return result, out


def test_hostile_B4_B6_physical_line_numbers(tmp_path):
    data = (
        "patient,areas,format\n"  # 1
        "\n"  # 2
        "Ann Lee,neck,txt\n"  # 3
        '"Chen, Bo",neck,txt\n'  # 4  a quoted cell holding the separator
        "\n"  # 5  (a cell over two lines refuses the file: test_hostile_sheets.py, N23)
        "\n"  # 6
        "Cy,elbw,txt\n"  # 7  a bad area
        "Di,neck,txt\n"  # 8
        "\u5f20\u4f1f,neck,pdf\n"  # 9  characters no font has
        "Nul\x00Name,neck,txt\n"  # 10 shown as \x00, printed
    ).encode()
    result, out = batch(tmp_path, data)
    err = one_clean_stderr(result)
    assert result.returncode == 1
    assert "day.csv:7: no body area called 'elbw'" in err
    assert "day.csv:9: no font has the characters U+4F1F U+5F20" in err
    assert "Wrote 4 sheets" in err and "2 rows skipped" in err
    assert "\u5f20" not in err


def test_hostile_B5_separators_inside_a_cell_stay_one_cell(tmp_path):
    data = "patient,areas,format\nAnn\u2028Lee,neck,txt\nBo\x85Chen,neck,txt\nCy\x0cDo,neck,txt\n"
    result, out = batch(tmp_path, data.encode())
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 3 and all(n.endswith(".txt") for n in names), names
    assert "Wrote 3 sheets" in one_clean_stderr(result)


def test_hostile_B3_B16_messages_never_name_the_patient(tmp_path):
    data = "patient,format\nZo\u00eb Nguy\u1ec5n,txt\n\u5f20\u4f1f,pdf\n".encode()
    batch(tmp_path, data)
    result, out = batch(tmp_path, data)  # again, without --force
    err = one_clean_stderr(result)
    assert result.returncode == 1
    assert "day.csv:2: cannot write this row's sheet: it already exists" in err
    assert "day.csv:3: no font has the characters U+4F1F U+5F20" in err
    for leak in ("zoe", "nguyen", "Zo\u00eb", "\u5f20", "\u4f1f"):
        assert leak not in err, leak


@pytest.mark.parametrize(
    ("case", "data"),
    [
        ("semicolon", b"patient;areas;format\nAnn;neck;txt\nBo;low back;txt\n"),
        ("bom-crlf", "\ufeffpatient,areas,format\r\nAnn,neck,txt\r\nBo,neck,txt\r\n".encode()),
        (
            "cp1252",
            "patient,areas,format\nZo\u00eb,neck,txt\nRen\u00e9e,neck,txt\n".encode("cp1252"),
        ),
        ("tab", b"patient\tareas\tformat\nAnn\tneck\ttxt\nBo\tneck\ttxt\n"),
    ],
)
def test_hostile_spreadsheet_exports_work(tmp_path, case, data):
    result, out = batch(tmp_path, data)
    assert result.returncode == 0, result.stderr
    assert len(list(out.iterdir())) == 2
    if case == "cp1252":
        text = next(p for p in out.iterdir() if "zoe" in p.name).read_text(encoding="utf-8")
        assert "Zo\u00eb" in text


def test_hostile_utf16_is_refused_with_the_fix(tmp_path):
    result, _ = batch(tmp_path, "patient\nAnn\n".encode("utf-16"))
    err = one_clean_stderr(result)
    assert result.returncode == 2 and "CSV UTF-8" in err and len(err.splitlines()) == 1


def test_hostile_one_sheet_one_row_grammar(tmp_path):
    result, _ = batch(tmp_path, b"patient,format\nAnn,txt\nBo,txt,extra\n")
    err = one_clean_stderr(result)
    assert "Wrote 1 sheet " in err and "1 row skipped" in err
    assert "day.csv:3: more cells than the first line names columns" in err


# ------------------------------------------------------------ S2, S3: signals during a batch


@pytest.mark.parametrize(("signame", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_hostile_S3_signal_during_a_batch_stops_every_worker(tmp_path, signame, code):
    import signal
    import time

    if (os.cpu_count() or 1) < 2:
        pytest.skip("a batch runs in one process on one core")
    rows = tmp_path / "day.csv"
    rows.write_text("patient,areas\n" + "".join(f"P{i},neck\n" for i in range(400)))
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [EXE, "sheet", "aftercare", "--batch", str(rows), "--out-dir", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    # the first row is made in the batch's own process, then every worker is forked at once:
    # a third file means the workers are making sheets (each sheet costs CPU: wait for no more)
    while time.monotonic() < deadline and (not out.exists() or len(list(out.iterdir())) < 3):
        time.sleep(0.1)
    children = _children(proc.pid)
    assert children, "the batch should be running in worker processes"
    proc.send_signal(getattr(signal, signame))
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:  # orphaned workers keep the pipes open
        for pid in [proc.pid, *children]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        raise
    assert proc.returncode == code, err
    assert b"Traceback" not in err and not RAW.search(err.decode())
    time.sleep(0.5)
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    for pid in alive:  # do not leave them behind even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not alive, "worker processes were left running"
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert len(list(out.iterdir())) < 400


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


# ------------------------------------------------------------ U1, U2, U5, X2: queries


def test_hostile_U1_undecodable_argument_is_not_the_overview():
    result = subprocess.run(
        [EXE.encode(), b"explain", b"\xff\xfe"], capture_output=True, timeout=60
    )
    err = one_clean_stderr(result)
    assert result.returncode == 1 and "nothing found" in err and result.stdout == b""


def test_hostile_U5_json_lines_stay_valid_utf8():
    result = run("explain", "-", "--json", input=b"n\xffeck\nneck\n")
    records = [json.loads(x) for x in result.stdout.decode("utf-8").splitlines()]
    assert [r["found"] for r in records] == [False, True]
    assert records[0]["query"] == "n\ufffdeck"


@pytest.mark.parametrize("where", ["argument", "stdin"])
def test_hostile_X2_overlong_query_is_not_looked_up(where):
    long = "neck " * 2_000_000  # 10 MB
    if where == "argument":
        result = run("explain", long[:100_000])
    else:
        result = run("explain", "-", "--json", input=(long + "\nneck\n").encode())
        records = [json.loads(x) for x in result.stdout.decode().splitlines()]
        assert [r["found"] for r in records] == [False, True]
        assert len(records[0]["query"]) < 100
    err = one_clean_stderr(result)
    assert result.returncode == 1
    if where == "argument":
        assert "longer than 1000 characters" in err and len(err) < 300


# ------------------------------------------------------------ exit codes


@pytest.mark.parametrize("args", [[], ["clinic"]])
def test_hostile_A7_no_arguments_still_shows_the_help(args):
    result = run(*args)
    assert result.returncode == 2 and result.stderr.startswith(b"Usage: dryneedle")


def test_hostile_a_genuine_bug_is_70_with_the_debug_hint():
    code = (
        "import sys\nimport dryneedle_cli.cli as c\nfrom dryneedle_cli.render import plain\n"
        "def boom(*args, **kwargs):\n    raise KeyError('x\\x1b[2J')\n"
        "plain.PlainRenderer.page = boom\nsys.argv = ['dryneedle', 'explain', 'neck']\n"
        "c.main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    err = result.stderr.decode()
    assert result.returncode == 70
    assert "internal error" in err and "DRYNEEDLE_DEBUG=1" in err and "Traceback" not in err
    assert len(err.splitlines()) == 1 and "\x1b" not in err
    debug = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        timeout=60,
        env={**os.environ, "DRYNEEDLE_DEBUG": "1"},
    )
    assert b"Traceback" in debug.stderr


# ------------------------------------------- found by a second hostile pass (N13-N16)


@pytest.mark.parametrize(
    "args,code", [(["explain", "neck"], 0), (["aftercare", "--area", "back"], 2), (["nekc"], 2)]
)
def test_hostile_N13_closed_stderr_keeps_the_exit_code(args, code):
    result = run(shell=f"{EXE} {' '.join(args)} 2>&-")
    assert result.returncode == code


def test_hostile_N14_full_stderr_never_costs_the_answer(tmp_path):
    clinic = tmp_path / "clinic"
    (clinic / "condition").mkdir(parents=True)  # a stray folder: one warning on stderr
    result = run(
        shell=f"{EXE} --content-dir {clinic} explain neck --plain 2>/dev/full",
        env={"DRYNEEDLE_CACHE_DIR": ""},
    )
    assert result.returncode == 0
    assert result.stdout.startswith(b"Neck pain")


@pytest.mark.parametrize("args", [["explain", "neck"], ["evidence"], ["evidence", "--json"]])
def test_hostile_N15_an_ascii_only_stdout_is_not_a_crash(args):
    result = run(*args, env={"PYTHONIOENCODING": "ascii"})
    one_clean_stderr(result)
    assert result.returncode == 0
    result.stdout.decode("ascii")  # nothing but ASCII reached it
    if "--json" in args:
        doc = json.loads(result.stdout)
        assert any("é" in r["citation"] for r in doc["references"])  # exact, as \u escapes


def test_hostile_N16_an_over_long_cell_costs_only_its_row(tmp_path):
    rows = f'patient,areas,format\nAnn,neck,txt\n"{"x" * 200_000}",neck,txt\nBob,neck,txt\n'
    (tmp_path / "b.csv").write_text(rows)
    result = run("sheet", "aftercare", "--batch", "b.csv", "--out-dir", "out", cwd=tmp_path)
    err = one_clean_stderr(result)
    assert result.returncode == 1 and "b.csv:3:" in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "001-ann-aftercare.txt",
        "003-bob-aftercare.txt",
    ]
