"""Handouts: content, clinic details, one page, escaping, overwrite rules, batches, privacy."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.render import pdf as pdf_render

runner = CliRunner()
EXE = str(Path(sys.executable).parent / "dryneedle")
NAME = "Zoë Nguyễn"


@pytest.fixture
def clinic(tmp_path) -> Path:
    folder = tmp_path / "clinic"
    folder.mkdir()
    (folder / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20">'
        '<rect width="40" height="20" fill="#1f4e79"/></svg>'
    )
    profile = folder / "clinic.yaml"
    profile.write_text(
        'name: "Riverside Physio & <Sports>"\n'
        'address: "12 Mill Lane, Springfield"\n'
        'phone: "555 010 2030"\n'
        'website: "riverside.example"\n'
        'emergency_number: "112"\n'
        'logo: "logo.svg"\n'
        "clinicians: [Dr A. Smith]\n"
    )
    return profile


def sheet(*args, cwd=None, **env):
    return runner.invoke(app, ["sheet", *args], env={"COLUMNS": "100", **env})


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize(
    ("which", "areas"),
    [
        ("aftercare", ["neck"]),
        ("aftercare", ["neck", "low back", "tennis elbow"]),
        ("prepare", ["head", "shoulder", "heel"]),
        ("aftercare", []),
    ],
)
def test_pdf_with_everything(tmp_path, clinic, paper, which, areas):
    out = tmp_path / "s.pdf"
    args = [which, "--patient", NAME, "--clinician", "Dr A. Smith", "--date", "2026-11-23"]
    args += ["--next-visit", "Tue 1 Dec", "--clinic", str(clinic), "--paper", paper, "-o", str(out)]
    for a in areas:
        args += ["--area", a]
    result = sheet(*args)
    assert result.exit_code == 0, result.output
    pages, text = pdf_text(out.read_bytes())
    assert pages <= pdf_render.MAX_PAGES[0]  # 11 pt type on the pages it needs (issue 23)
    flat = " ".join(text.split())
    for expected in (
        NAME,
        "Riverside Physio & <Sports>",
        "555 010 2030",
        "Dr A. Smith",
        "Tue 1 Dec",
    ):
        assert expected in flat
    if which == "aftercare":
        assert "Get help now" in flat and "Call 112 right away" in flat
    assert "In an emergency, call 112." in flat
    assert "Questions? Call Riverside Physio & <Sports> on 555 010 2030." in flat
    if "tennis elbow" in areas:
        assert "Neck, Lower back, Elbow" in flat


def test_pdf_metadata_never_has_the_patient(tmp_path):
    out = tmp_path / "s.pdf"
    assert sheet("aftercare", "--patient", NAME, "-o", str(out)).exit_code == 0
    meta = PdfReader(out).metadata or {}
    assert all(NAME not in str(v) for v in meta.values())
    assert meta.get("/Title") == "After dry needling"


def test_large_print(tmp_path):
    out = tmp_path / "s.pdf"
    result = sheet("aftercare", "--area", "neck", "--large-print", "-o", str(out))
    assert result.exit_code == 0, result.output
    pages, text = pdf_text(out.read_bytes())
    assert 1 < pages <= pdf_render.MAX_PAGES[1]  # whole sections per page, the footer reserved
    assert "Get help now" in text


def test_name_in_a_script_no_font_has_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("dryneedle_cli.render.fonts._system_font", lambda chars: None)
    out = tmp_path / "s.pdf"
    result = sheet("aftercare", "--patient", "王小明", "-o", str(out))
    assert result.exit_code == 4
    assert "U+738B" in result.stderr and "--font" in result.stderr
    assert not out.exists()


def test_font_must_be_a_font_file(tmp_path, monkeypatch):
    monkeypatch.setattr("dryneedle_cli.render.fonts._system_font", lambda chars: None)
    bad = tmp_path / "font.txt"
    bad.write_text("x")
    result = sheet(
        "aftercare", "--patient", "王小明", "--font", str(bad), "-o", str(tmp_path / "s.pdf")
    )
    assert result.exit_code == 4 and ".ttf" in result.stderr


def test_html_is_self_contained_and_escaped(tmp_path, clinic):
    out = tmp_path / "s.html"
    evil = "<script>alert(1)</script>"
    result = sheet(
        "aftercare", "--patient", evil, "--clinic", str(clinic), "--area", "neck", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Riverside Physio &amp; &lt;Sports&gt;" in html
    assert "<link" not in html and 'src="http' not in html
    assert "<svg" in html and "data:image/svg+xml;base64," in html
    assert "@page { size: letter" in html
    assert 'aria-label="Body outline, front and back. Shaded areas were treated: Neck"' in html


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_html_prints_in_chromium(tmp_path, clinic, paper):
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing; .ci/run installs it")
        pytest.skip("chromium is not installed")
    html = tmp_path / "s.html"
    args = ["aftercare", "--patient", NAME, "--clinic", str(clinic), "--paper", paper]
    for a in ("neck", "low back", "tennis elbow"):
        args += ["--area", a]
    assert sheet(*args, "-o", str(html)).exit_code == 0
    pdf = tmp_path / "s.pdf"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
        # the browser lays the page out with the machine's fonts (conftest hides them from
        # dryneedle's PDFs only)
        env={k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"},
    )
    pages, text = pdf_text(pdf.read_bytes())
    assert pages <= 3  # 11 pt type (issue 23)
    flat = " ".join(text.split())
    assert NAME in flat and "Get help now" in flat and "555 010 2030" in flat


@pytest.mark.parametrize(
    ("fmt", "marker"), [("md", "# After dry needling"), ("txt", "After dry needling\n====")]
)
def test_markdown_and_text(tmp_path, clinic, fmt, marker):
    out = tmp_path / f"s.{fmt}"
    result = sheet(
        "aftercare", "--patient", NAME, "--clinic", str(clinic), "--area", "neck", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert marker in text and NAME in text and "Get help now" in text and "Call 112" in text


def test_markdown_escapes_user_text(tmp_path):
    out = tmp_path / "s.md"
    assert sheet("aftercare", "--patient", "**Bob** [x](http://e)", "-o", str(out)).exit_code == 0
    assert "\\*\\*Bob\\*\\* \\[x\\]\\(http://e\\)" in out.read_text()


def test_format_follows_extension_and_unknown_is_usage_error(tmp_path):
    assert sheet("prepare", "-o", str(tmp_path / "a.html")).exit_code == 0
    assert (tmp_path / "a.html").read_text().startswith("<!DOCTYPE html>")
    result = sheet("prepare", "-o", str(tmp_path / "a.docx"))
    assert result.exit_code == 2 and "--format" in result.stderr


def test_never_overwrites_without_force(tmp_path):
    out = tmp_path / "s.txt"
    out.write_text("the clinic's own file")
    result = sheet("aftercare", "-o", str(out))
    assert result.exit_code == 4 and "--force" in result.stderr
    assert out.read_text() == "the clinic's own file"
    assert sheet("aftercare", "-o", str(out), "--force").exit_code == 0
    assert "Get help now" in out.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["s.txt"]  # no temporary files left


def test_unwritable_folder_exit_4_and_nothing_left(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = sheet("aftercare", "-o", str(blocker / "s.pdf"))
    assert result.exit_code == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_default_name_in_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = sheet("aftercare", "--date", "2026-11-23", "--format", "txt")
    assert result.exit_code == 0
    assert (tmp_path / "aftercare-2026-11-23.txt").exists()
    assert "Wrote" in result.stderr and "aftercare-2026-11-23.txt" in result.stderr


def test_pdf_to_stdout_for_lp():
    result = subprocess.run(
        [EXE, "sheet", "aftercare", "--format", "pdf", "-o", "-"], capture_output=True, timeout=120
    )
    assert result.returncode == 0 and result.stdout.startswith(b"%PDF-")
    assert result.stderr == b""


class TestClinicProfile:
    def test_found_by_environment_variable(self, tmp_path, clinic):
        out = tmp_path / "s.txt"
        assert sheet("aftercare", "-o", str(out), DRYNEEDLE_CLINIC=str(clinic)).exit_code == 0
        assert "Riverside Physio" in out.read_text()

    def test_found_in_user_config_folder(self, tmp_path, clinic, monkeypatch):
        config = tmp_path / "config"
        (config / "dryneedle").mkdir(parents=True)
        shutil.copy(clinic, config / "dryneedle" / "clinic.yaml")
        shutil.copy(clinic.parent / "logo.svg", config / "dryneedle" / "logo.svg")
        monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
        out = tmp_path / "s.txt"
        assert sheet("aftercare", "-o", str(out)).exit_code == 0
        assert "Riverside Physio" in out.read_text()

    def test_no_profile_uses_defaults(self, tmp_path, monkeypatch):
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty"))
        out = tmp_path / "s.txt"
        assert sheet("aftercare", "-o", str(out)).exit_code == 0
        text = out.read_text()
        assert "911 in the US and Canada" in text and "Questions? Call your clinic." in text

    @pytest.mark.parametrize(
        ("edit", "field"),
        [
            (('phone: "555 010 2030"\n', ""), "phone"),
            (('phone: "555 010 2030"\n', 'phone: ""\n'), "phone"),
            (("clinicians: [Dr A. Smith]\n", "colour: red\n"), "colour"),
            (('logo: "logo.svg"\n', 'logo: "logo.gif"\n'), "logo"),
            (('phone: "555 010 2030"\n', 'phone: "555 010 2030"\npaper: legal\n'), "paper"),
            (('phone: "555 010 2030"\n', 'phone: "555 010 2030"\nemail: "at home"\n'), "email"),
            (('phone: "555 010 2030"\n', 'phone: "555"\nlanguage: "english!"\n'), "language"),
        ],
    )
    def test_bad_profile_exit_3_names_field(self, tmp_path, clinic, edit, field):
        clinic.write_text(clinic.read_text().replace(*edit))
        result = sheet("aftercare", "--clinic", str(clinic), "-o", str(tmp_path / "s.txt"))
        assert result.exit_code == 3
        assert "clinic.yaml" in result.stderr and f"'{field}'" in result.stderr
        assert not (tmp_path / "s.txt").exists()

    @pytest.mark.parametrize("fmt", ["pdf", "html"])
    def test_missing_logo_stops_a_drawn_sheet_naming_file_and_field(self, tmp_path, clinic, fmt):
        clinic.write_text(clinic.read_text().replace("logo.svg", "missing.png"))
        out = tmp_path / f"s.{fmt}"
        result = sheet("aftercare", "--clinic", str(clinic), "-o", str(out))
        assert result.exit_code == 3 and not out.exists()
        assert f"{clinic}:6:" in result.stderr and "missing.png" in result.stderr
        assert "(field 'logo')" in result.stderr

    @pytest.mark.parametrize("fmt", ["txt", "md"])
    def test_missing_logo_does_not_stop_a_text_sheet(self, tmp_path, clinic, fmt):
        clinic.write_text(clinic.read_text().replace("logo.svg", "missing.png"))
        out = tmp_path / f"s.{fmt}"
        result = sheet("aftercare", "--clinic", str(clinic), "-o", str(out))
        assert result.exit_code == 0, result.stderr
        assert "Riverside Physio" in out.read_text()
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        assert len(warnings) == 1 and "missing.png" in warnings[0]

    def test_missing_profile_says_not_found(self, tmp_path):
        result = sheet("aftercare", "--clinic", "nope.yaml", "-o", str(tmp_path / "s.txt"))
        assert result.exit_code == 3
        assert "nope.yaml: clinic profile not found (named by --clinic)" in result.stderr
        assert "reinstall" not in result.stderr and "clinic init" in result.stderr
        env = {"DRYNEEDLE_CLINIC": str(tmp_path / "gone.yaml")}
        result = sheet("aftercare", "-o", str(tmp_path / "s.txt"), **env)
        assert result.exit_code == 3 and "(named by DRYNEEDLE_CLINIC)" in result.stderr

    def test_init_writes_template_once(self, tmp_path):
        dest = tmp_path / "conf" / "clinic.yaml"
        first = runner.invoke(app, ["clinic", "init", "--path", str(dest)])
        assert first.exit_code == 0 and first.stdout.strip() == str(dest)
        assert dest.read_text().startswith("# dryneedle clinic profile")
        dest.write_text(dest.read_text().replace("Your Clinic Name", "Mine"))
        second = runner.invoke(app, ["clinic", "init", "--path", str(dest)])
        assert second.exit_code == 4 and "already exists" in second.stderr
        assert "Mine" in dest.read_text()

    def test_unedited_template_is_refused_with_the_fix(self, tmp_path):
        dest = tmp_path / "clinic.yaml"
        runner.invoke(app, ["clinic", "init", "--path", str(dest)])
        out = tmp_path / "s.txt"
        result = sheet("aftercare", "--clinic", str(dest), "-o", str(out))
        assert result.exit_code == 3 and not out.exists()
        assert "template's example text in name, address, phone" in result.stderr
        assert "dryneedle clinic check" in result.stderr
        text = dest.read_text()
        for old, new in [("Your Clinic Name", "Harbour"), ("000 000 0000", "02 9999 0000")]:
            text = text.replace(old, new)
        dest.write_text(text.replace("1 Example Street, Town", "4 Quay St"))
        assert sheet("aftercare", "--clinic", str(dest), "-o", str(out)).exit_code == 0
        assert "Harbour" in out.read_text()


class TestBatch:
    def test_bad_row_is_reported_and_skipped(self, tmp_path):
        csv = tmp_path / "day.csv"
        csv.write_text(
            "patient,areas,clinician,next_visit,format\n"
            f"{NAME},neck;low back,Dr Smith,Tue,txt\n"
            "Bob Jones,elbw,Dr Smith,,txt\n"
            "Ann Lee,heel,,,html\n"
        )
        out = tmp_path / "out"
        result = sheet("aftercare", "--batch", str(csv), "--out-dir", str(out))
        assert result.exit_code == 1
        assert f"{csv}:3: no body area called 'elbw'" in result.stderr
        assert "Wrote 2 sheets" in result.stderr and "1 row skipped" in result.stderr
        names = sorted(p.name for p in out.iterdir())
        assert names == ["001-zoe-nguyen-aftercare.txt", "003-ann-lee-aftercare.html"]
        assert NAME in (out / names[0]).read_text()
        assert "Bob Jones" not in result.stderr  # names are not logged

    def test_many_rows_in_parallel_keep_order(self, tmp_path):
        csv = tmp_path / "day.csv"
        rows = [f"Patient {i},neck,,,pdf" for i in range(10)]
        csv.write_text("patient,areas,clinician,next_visit,format\n" + "\n".join(rows) + "\n")
        out = tmp_path / "out"
        result = sheet("aftercare", "--batch", str(csv), "--out-dir", str(out))
        assert result.exit_code == 0, result.output
        files = sorted(out.iterdir())
        assert len(files) == 10
        assert "Patient 7" in pdf_text(files[7].read_bytes())[1]

    def test_missing_header_is_usage_error(self, tmp_path):
        csv = tmp_path / "day.csv"
        csv.write_text("Zoe,neck\n")
        result = sheet("aftercare", "--batch", str(csv), "--out-dir", str(tmp_path))
        assert result.exit_code == 2 and "first line must name the columns" in result.stderr


def test_nothing_about_the_patient_is_stored(tmp_path, monkeypatch):
    cache = Path(os.environ["DRYNEEDLE_CACHE_DIR"])
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    out = tmp_path / "s.html"
    assert sheet("aftercare", "--patient", "Quentin Uniquename", "-o", str(out)).exit_code == 0
    for folder in (cache, tmp_path / "config"):
        for f in folder.rglob("*") if folder.exists() else []:
            if f.is_file():
                assert b"Uniquename" not in f.read_bytes(), f


def test_html_outline_names_areas_in_words_never_ids(tmp_path):
    """The drawing's shape titles are what a screen reader says: the area's name, not its id."""
    import re

    out = tmp_path / "s.html"
    args = ["sheet", "aftercare", "--area", "low back", "--area", "hip", "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    svg = out.read_text(encoding="utf-8").split("<svg", 1)[1].split("</svg>", 1)[0]
    titles = re.findall(r"<title>([^<]*)</title>", svg)[1:]  # [0] is the whole drawing's
    assert titles, "treated areas have a title"
    assert not {"low-back", "hip-buttock", "neck", "thigh"} & set(titles), titles


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_a_batch_row_and_a_single_sheet_are_the_same_file(tmp_path, fmt):
    """One pipeline (handouts.jobs.make_file) for `sheet` and for every --batch row."""
    common = ["--date", "2026-11-23"]
    if fmt == "html":  # Markdown and text have no paper or type size (refused there)
        common += ["--large-print", "--paper", "a4"]
    single = tmp_path / f"one.{fmt}"
    args = ["sheet", "aftercare", "--area", "neck", "--area", "knee", "--patient", "Zoë Ng"]
    result = runner.invoke(app, [*args, "--clinician", "Dr K", "-o", str(single), *common])
    assert result.exit_code == 0, result.output
    csv_file = tmp_path / "day.csv"
    csv_file.write_text(f"patient,areas,clinician,format\nZoë Ng,neck;knee,Dr K,{fmt}\n")
    out = tmp_path / "batch"
    batch = ["sheet", "aftercare", "--batch", str(csv_file), "--out-dir", str(out), *common]
    result = runner.invoke(app, batch)
    assert result.exit_code == 0, result.output
    (made,) = out.iterdir()
    assert made.read_bytes() == single.read_bytes()


def test_default_names_never_collide(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    base = ["aftercare", "--date", "2026-11-23", "--format", "txt"]
    for _ in range(2):
        assert sheet(*base, "--patient", "Zoë Nguyễn").exit_code == 0
        assert sheet(*base).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "aftercare-2026-11-23-2.txt",
        "aftercare-2026-11-23-zoe-nguyen-2.txt",
        "aftercare-2026-11-23-zoe-nguyen.txt",
        "aftercare-2026-11-23.txt",
    ]


def test_output_into_a_missing_folder_says_so(tmp_path):
    result = sheet("aftercare", "--format", "txt", "-o", str(tmp_path / "nope" / "s.txt"))
    assert result.exit_code == 4
    assert "does not exist" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", ["2026-13-45", "tomorrow", "2026-2-3", "2026-02-30"])
def test_date_must_be_a_real_date(tmp_path, bad):
    result = sheet("aftercare", "--date", bad, "-o", str(tmp_path / "s.txt"))
    assert result.exit_code == 2
    assert "--date" in result.stderr and "YYYY-MM-DD" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_pdf_to_a_terminal_is_refused():
    import pty

    main, child = pty.openpty()
    try:
        result = subprocess.run(
            [EXE, "sheet", "aftercare", "-o", "-"],
            stdout=child, stderr=subprocess.PIPE, timeout=60,
        )  # fmt: skip
    finally:
        os.close(child)
        os.close(main)
    assert result.returncode == 2
    assert b"terminal" in result.stderr and b"-o FILE" in result.stderr


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [
        ("html", "Ice &lt;b&gt;twice&lt;/b&gt; &amp; *rest*"),
        ("md", r"Ice \<b\>twice\</b\> \& \*rest\*"),
        ("txt", "Ice <b>twice</b> & *rest*"),
        ("pdf", "Ice <b>twice</b> & *rest*"),
    ],
)
def test_notes_in_their_own_box_escaped(tmp_path, fmt, shown):
    out = tmp_path / f"s.{fmt}"
    args = ["aftercare", "--area", "neck", "-o", str(out)]
    result = sheet(*args, "--note", "Ice <b>twice</b> & *rest*", "--note", "Call on Friday")
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())[1] if fmt == "pdf" else out.read_text()
    flat = " ".join(text.split())
    assert "From your therapist" in flat and "Call on Friday" in flat
    assert shown in flat
    if fmt == "html":
        assert '<section class="note">' in text


def test_notes_are_capped(tmp_path):
    result = sheet("aftercare", "--note", "x" * 301, "-o", str(tmp_path / "s.txt"))
    assert result.exit_code == 2 and "--note" in result.stderr
    result = sheet("aftercare", *["--note", "x"] * 6, "-o", str(tmp_path / "s.txt"))
    assert result.exit_code == 2 and "--note" in result.stderr
    assert list(tmp_path.iterdir()) == []
