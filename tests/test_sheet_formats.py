"""Markdown, text and HTML sheets follow the PDF: the same parts in the same order, hard line
breaks for addresses, no reference list; options a format cannot honour are refused."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from dryneedle_cli.cli import app

runner = CliRunner()


def sheet(*args):
    return runner.invoke(app, ["sheet", *args])


@pytest.fixture
def clinic(tmp_path) -> Path:
    profile = tmp_path / "clinic.yaml"
    profile.write_text(
        "name: Harbour Physio\n"
        'phone: "02 9999 0000"\n'
        'address: "12 Wharf St\\nSydney NSW 2000"\n'
        'emergency_number: "000"\n'
    )
    return profile


def _order(text: str, *parts: str) -> list[int]:
    return [text.index(p) for p in parts]


# the PDF's order: the warning signs, then the clinician's note and the areas treated (side by
# side on a one-page PDF, one after the other elsewhere), then the rest
ORDERS = (
    ("Get help now", "From your therapist", "What is normal", "What helps"),
    ("Get help now", "Areas treated: Neck", "What is normal", "What helps"),
)


@pytest.mark.parametrize("fmt", ["pdf", "html", "md", "txt"])
def test_every_format_has_the_pdfs_order(tmp_path, clinic, fmt):
    out = tmp_path / f"s.{fmt}"
    result = sheet(
        "aftercare", "--clinic", str(clinic), "--area", "neck", "--note", "Ice it", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    if fmt == "pdf":
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    else:
        text = out.read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>|\*\*", "", text)  # HTML tags, Markdown bold
    for parts in ORDERS:
        where = _order(text, *parts)
        assert where == sorted(where), (fmt, parts, where)


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_no_reference_list_and_no_provenance(tmp_path, fmt):
    out = tmp_path / f"s.{fmt}"
    assert sheet("aftercare", "--area", "neck", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    # issue 23: no "Sources:" line in the patient text; marks ([1]) and one list at the end
    assert "Sources:" not in text and re.search(r"\\?\[1\\?\]|1\. ", text)
    for leak in ("References", "[mccutcheon-2011]", "doi:", "not verified", "clinical-sources"):
        assert leak not in text, leak


def test_markdown_address_lines_end_in_a_hard_break(tmp_path, clinic):
    out = tmp_path / "s.md"
    assert sheet("aftercare", "--clinic", str(clinic), "-o", str(out)).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert "12 Wharf St  " in lines and "Sydney NSW 2000  " in lines
    assert "**Harbour Physio**  " in lines


def test_text_keeps_address_lines_and_wraps_at_78(tmp_path, clinic):
    out = tmp_path / "s.txt"
    result = sheet("aftercare", "--clinic", str(clinic), "--area", "neck", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["Harbour Physio", "12 Wharf St", "Sydney NSW 2000"]
    assert max(len(line) for line in lines) <= 78


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_no_areas_no_outline_and_no_empty_line(tmp_path, fmt):
    out = tmp_path / f"s.{fmt}"
    assert sheet("aftercare", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "No area was chosen" not in text and "Areas treated" not in text
    assert "<svg" not in text


@pytest.mark.parametrize("fmt", ["md", "txt"])
@pytest.mark.parametrize("flag", [["--large-print"], ["--paper", "a4"]])
def test_paper_and_large_print_refused_for_markdown_and_text(tmp_path, fmt, flag):
    out = tmp_path / f"s.{fmt}"
    result = sheet("aftercare", *flag, "-o", str(out))
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and flag[0] in err and "-f pdf" in err
    assert not out.exists()


def test_paper_from_the_profile_is_no_reason_to_refuse_text(tmp_path, clinic):
    clinic.write_text(clinic.read_text() + "paper: a4\n")
    out = tmp_path / "s.txt"
    assert sheet("aftercare", "--clinic", str(clinic), "-o", str(out)).exit_code == 0


def test_html_honours_paper_and_large_print(tmp_path):
    out = tmp_path / "s.html"
    assert sheet("aftercare", "--paper", "a4", "--large-print", "-o", str(out)).exit_code == 0
    css = out.read_text()
    assert "size: a4" in css and "font-size: 18pt" in css and "columns: 1" in css


def test_batch_says_which_rows_have_no_paper_size(tmp_path):
    rows = tmp_path / "day.csv"
    rows.write_text("patient,format\nAnn,txt\nBo,html\n")
    result = sheet(
        "aftercare", "--large-print", "--batch", str(rows), "--out-dir", str(tmp_path / "o")
    )
    assert result.exit_code == 0, result.output
    assert "1 Markdown or text sheet has no paper or type size" in result.stderr


def test_batch_of_text_with_large_print_is_refused(tmp_path):
    rows = tmp_path / "day.csv"
    rows.write_text("patient\nAnn\n")
    result = sheet(
        "aftercare", "-f", "md", "--large-print", "--batch", str(rows), "--out-dir", str(tmp_path)
    )
    assert result.exit_code == 2 and "--large-print" in result.stderr


def test_font_is_for_pdf_only(tmp_path):
    font = Path(__file__).resolve().parent.parent / "dryneedle_cli/fonts/DejaVuSans.ttf"
    result = sheet("aftercare", "--font", str(font), "-o", str(tmp_path / "s.txt"))
    assert result.exit_code == 2 and "--font is for PDF sheets" in result.stderr


def test_hostile_N25_a_bad_font_is_refused_even_when_unused(tmp_path):
    bad = tmp_path / "garbage.ttf"
    bad.write_bytes(b"\x00\x01\x00\x00not a font at all")
    out = tmp_path / "s.pdf"
    result = sheet("aftercare", "--patient", "Ann Lee", "--font", str(bad), "-o", str(out))
    assert result.exit_code == 4 and "not a TrueType or OpenType font" in result.stderr
    assert not out.exists()


def test_help_documents_format_rules():
    result = runner.invoke(app, ["sheet", "--help"], env={"COLUMNS": "200"})
    flat = re.sub(r"\s+", " ", result.output)
    assert "a Markdown or text file has no paper or type size" in flat
    assert "--open" in flat and "--print" in flat


def test_a_phone_number_is_never_split_over_two_lines(tmp_path):
    """The example clinic's footer in large print wraps right where its number is."""
    profile = Path(__file__).resolve().parent.parent / "docs/example/clinic.yaml"
    out = tmp_path / "s.pdf"
    args = ["prepare", "--clinic", str(profile), "--area", "knee", "--large-print"]
    assert sheet(*args, "--paper", "letter", "-o", str(out)).exit_code == 0
    lines = PdfReader(out).pages[0].extract_text().replace("\u00a0", " ").splitlines()
    assert any("555 010 2030." in line for line in lines), lines[-4:]


def test_text_wrapping_keeps_numbers_whole(monkeypatch):
    from dryneedle_cli.render import text as text_sheet

    line = "Questions? Call Riverside Physiotherapy and Sports Rehab Centre on 555 010 2030."
    for width in range(60, 79):
        monkeypatch.setattr(text_sheet, "WIDTH", width)
        assert any("555 010 2030." in x for x in text_sheet._wrap(line)), width


@pytest.mark.parametrize("suffix", ["", "/"])
def test_output_to_a_folder_uses_the_default_name_there(tmp_path, suffix):
    folder = tmp_path / "today"
    folder.mkdir()
    args = ["aftercare", "--patient", "Ann Lee", "--date", "2026-11-23"]
    for fmt in ("pdf", "txt"):
        result = sheet(*args, "-f", fmt, "-o", f"{folder}{suffix}")
        assert result.exit_code == 0, result.output
    again = sheet(*args, "-o", f"{folder}{suffix}")
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "aftercare-2026-11-23-ann-lee-2.pdf",
        "aftercare-2026-11-23-ann-lee.pdf",
        "aftercare-2026-11-23-ann-lee.txt",
    ]


def test_output_to_a_missing_folder_says_so(tmp_path):
    result = sheet("aftercare", "-o", f"{tmp_path / 'nope'}/")
    assert result.exit_code == 4 and "does not exist" in result.stderr
    assert not (tmp_path / "nope").exists()


@pytest.mark.parametrize("width", ["60", "80", "100"])
def test_trial_7_the_conditions_table_never_cuts_an_id(width):
    result = runner.invoke(app, ["conditions", "--color", "always"], env={"COLUMNS": width})
    assert result.exit_code == 0
    assert "…" not in result.stdout
    flat = re.sub(r"\x1b\[[0-9;]*m|[│\s]", "", result.stdout)
    assert "(tension-type-headache)" in flat
