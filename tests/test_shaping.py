"""Right-to-left and complex scripts on a PDF sheet: shaped (joined letter forms, right-to-left
order), or refused with the fix; invisible marks never reorder a name."""

from __future__ import annotations

import builtins
import io
import sys

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from typer.testing import CliRunner

from dryneedle_cli.cli import app

runner = CliRunner()
ARABIC = "محمد علي"  # Muhammad Ali: meem hah meem dal, ain lam yeh
HEBREW = "דנה כהן"


def sheet(*args):
    return runner.invoke(app, ["sheet", *args])


def glyph_names(data: bytes) -> set[str]:
    """The names of every glyph embedded in the PDF's fonts (the subset holds only those used)."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"]
                embedded = descriptor["/FontFile2"].get_object().get_data()
                names.update(TTFont(io.BytesIO(embedded)).getGlyphOrder())
    return names


def patient_line(data: bytes) -> list[tuple[str, float, float]]:
    """(character, left edge, right edge) of the page's first line, where the patient is."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = pdf.pages[0].chars
    top = min(c["top"] for c in chars)
    return [(c["text"], c["x0"], c["x1"]) for c in chars if abs(c["top"] - top) < 1]


def test_an_arabic_name_is_joined_and_right_to_left(tmp_path):
    out = tmp_path / "s.pdf"
    result = sheet("aftercare", "--patient", ARABIC, "--area", "neck", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    glyphs = glyph_names(data)
    # joined forms: meem initial (FEE3), hah medial (FEA4), ain initial (FECB), yeh final (FEF2)
    assert {"uniFEE3", "uniFEA4", "uniFECB", "uniFEF2"} <= glyphs, sorted(glyphs)
    assert not {"uni0645", "uni062D", "uni0639"} & glyphs  # no isolated, unjoined letters
    x = {}
    line = patient_line(data)
    for ch, x0, _ in line:
        x.setdefault(ch, []).append(x0)
    # right to left: the first letter (meem) is right of the last (yeh), and the first word
    # (Muhammad) right of the second (Ali)
    assert min(x["م"]) > max(x["ي"])
    assert min(x["ح"]) > max(x["ع"])
    assert min(x["ي"]) > min(x[":"])  # the name stays after "Patient:"
    # and the gap after it stays after it: "Date:" does not touch the name
    name_end = max(x1 for ch, _, x1 in line if "\u0600" <= ch <= "\u06ff")
    assert min(x["D"]) - name_end > 10  # points: the five spaces between the pairs


def test_hebrew_clinician_and_a_note_are_right_to_left(tmp_path):
    out = tmp_path / "s.pdf"
    result = sheet(
        "aftercare", "--clinician", HEBREW, "--note", "اشرب الماء", "--large-print", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    with pdfplumber.open(out) as pdf:
        chars = pdf.pages[0].chars
    x = {c["text"]: c["x0"] for c in chars if c["text"] in "דןא"}
    assert x["ד"] > x["ן"]  # dalet (first letter) right of final nun (last)
    assert "uniFE8E" in glyph_names(out.read_bytes())  # alef after meem: its final form


def test_a_batch_of_many_rows_shapes_in_every_worker(tmp_path):
    rows = tmp_path / "day.csv"
    names = ["Ann Lee", ARABIC, "Bo", "Cy", "Di", "Ed", "Flo", "Gus", ARABIC]
    rows.write_text("patient\n" + "\n".join(names) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = sheet("aftercare", "--batch", str(rows), "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    for n in (2, 9):  # the second row (made in this process) and the last (in a worker)
        (path,) = out.glob(f"{n:03d}-*.pdf")
        assert "uniFEE3" in glyph_names(path.read_bytes()), path


def test_latin_sheets_are_not_shaped(tmp_path, monkeypatch):
    """Shaping is turned on only for lines that need it: a Latin sheet never calls it."""
    from fpdf import FPDF

    def refuse(self, *a, **k):
        if a and a[0] or k.get("use_shaping_engine"):
            raise AssertionError("shaping turned on for Latin text")

    monkeypatch.setattr(FPDF, "set_text_shaping", refuse)
    out = tmp_path / "s.pdf"
    assert sheet("aftercare", "--patient", "Zoë Nguyễn", "-o", str(out)).exit_code == 0


def test_without_uharfbuzz_an_arabic_name_is_refused_with_the_fix(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_harfbuzz(name, *args, **kwargs):
        if name == "uharfbuzz":
            raise ImportError("no uharfbuzz here")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "uharfbuzz", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_harfbuzz)
    out = tmp_path / "s.pdf"
    result = sheet("aftercare", "--patient", ARABIC, "-o", str(out))
    assert result.exit_code == 3, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1
    assert "pip install uharfbuzz" in err and "U+0627" not in err
    assert ARABIC not in err and "محمد" not in err  # code points only, never the name
    assert not out.exists()
    # a Latin sheet does not need it
    assert sheet("aftercare", "--patient", "Ann", "-o", str(tmp_path / "b.pdf")).exit_code == 0


@pytest.mark.parametrize(
    "mark",
    ["\u202e", "\u202d", "\u2067", "\u200f", "\u200e", "\u061c", "\u200b", "\ufeff", "\u2060"],
)
@pytest.mark.parametrize("fmt", ["pdf", "txt", "html", "md"])
def test_hostile_N27_invisible_marks_are_removed_from_names(tmp_path, mark, fmt):
    out = tmp_path / f"s.{fmt}"
    name = f"Ann{mark} Lee{mark}"
    result = sheet("aftercare", "--patient", name, "--clinician", f"{mark}Dr Bo", "-o", str(out))
    assert result.exit_code == 0, result.output
    if fmt == "pdf":
        text = "".join(p.extract_text() for p in PdfReader(out).pages)
    else:
        text = out.read_text(encoding="utf-8")
    assert mark not in text and f"\\u{ord(mark):04x}" not in text
    assert "Ann Lee" in text and "Dr Bo" in text


def test_joiners_are_kept_where_the_script_uses_them(tmp_path):
    from dryneedle_cli.handouts.handout import clean

    persian = "می\u200cخواهم"  # ZWNJ keeps the two parts of the word apart
    assert clean(persian) == persian
    assert clean("Ann\u200d Lee\u200c") == "Ann Lee"


def test_a_script_no_font_covers_is_still_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("dryneedle_cli.render.fonts._system_font", lambda chars: None)
    result = sheet("aftercare", "--patient", "नमस्ते", "-o", str(tmp_path / "s.pdf"))
    assert result.exit_code == 4
    assert "U+0928" in result.stderr and "--font" in result.stderr and "Devanagari" in result.stderr
    assert "नमस्ते" not in result.stderr
