"""The subsets of DejaVu Sans a PDF embeds (render/fonts.py, tools/subset_fonts.py).

A sheet is drawn from the smallest subset that has every one of its characters, else from the
full font. These tests check that the content never needs the full font, that a character
outside the subsets does get it, and that the subsets are what the tool makes.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import handout, printed
from dryneedle_cli.render import fonts, pdf

ROOT = Path(__file__).resolve().parent.parent


def content_characters() -> set[str]:
    """Every printable character of every content file, every language (as the tool reads)."""
    chars: set[str] = set()
    for path in sorted((ROOT / "data").rglob("*.yaml")):
        chars |= {c for c in path.read_text(encoding="utf-8") if c.isprintable()}
    assert len(chars) > 90  # the files were found
    return chars


def test_subset_covers_all_content():
    """The basic subset (embedded whole) has every character of data/ in en, es and fr, and
    every character the PDF code draws itself: a character added to the content without
    running tools/subset_fonts.py fails here."""
    have = fonts.cmap(fonts.BASIC)
    missing = sorted(c for c in content_characters() | set(fonts.DRAWN) if ord(c) not in have)
    assert not missing, (
        f"not in the font subsets: {' '.join(f'U+{ord(c):04X}' for c in missing)}; "
        "run python tools/subset_fonts.py"
    )
    assert fonts.cmap(fonts.BASIC) <= fonts.cmap(fonts.LATIN)  # the Latin one is the wider


@pytest.mark.parametrize("pair", [fonts.BASIC, fonts.LATIN], ids=["basic", "latin"])
def test_regular_and_bold_subsets_have_the_same_characters(pair):
    """``fonts.cmap`` reads only the regular font of a pair: the bold one must match it."""
    regular, bold = (set(TTFont(p, lazy=True).getBestCmap()) for p in pair)
    assert regular == bold


@pytest.mark.parametrize("pair", [fonts.BASIC, fonts.LATIN], ids=["basic", "latin"])
def test_subsets_have_the_full_fonts_glyphs_and_widths(pair):
    """Same advance width and outline for every character, so the layout and look are the
    same whichever font a sheet gets."""
    for full_path, sub_path in zip(fonts.FULL, pair, strict=True):
        full, sub = TTFont(full_path, lazy=True), TTFont(sub_path, lazy=True)
        full_map, sub_map = full.getBestCmap(), sub.getBestCmap()
        assert set(sub_map) <= set(full_map)
        full_glyf, sub_glyf = full["glyf"], sub["glyf"]
        for code, name in sub_map.items():
            full_name = full_map[code]
            assert sub["hmtx"][name][0] == full["hmtx"][full_name][0], f"U+{code:04X}"
            a, b = full_glyf[full_name], sub_glyf[name]
            a.expand(full_glyf)
            b.expand(sub_glyf)
            assert a.numberOfContours == b.numberOfContours, f"U+{code:04X}"
            if a.numberOfContours > 0:
                assert list(a.coordinates) == list(b.coordinates), f"U+{code:04X}"


@pytest.fixture(scope="module")
def q():
    return query(Settings(), handout.values_for(None), quiet=True)


def embedded(data: bytes) -> set[str]:
    """The names of the fonts a PDF embeds, without fpdf2's subset prefix."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


@pytest.mark.parametrize(
    ("patient", "family"),
    [
        ("Zoë Ødegård", "DejaVuSansBasic"),  # Latin-1: the basic subset, embedded whole
        ("Łukasz Nguyễn", "DejaVuSansLatin"),  # beyond Latin-1: the Latin subset
        ("Ελένη Παπαδοπούλου", "DejaVuSans"),  # Greek: neither subset, the full font
    ],
    ids=["latin-1", "latin-extended", "greek"],
)
def test_the_font_follows_the_characters(q, patient, family):
    h = printed.make(q, "aftercare", ["neck"], clinic=None, patient=patient)
    data = pdf.render(h)
    assert embedded(data) == {f"{family}Book", f"{family}Bold"}
    words = "".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "".join(patient.split()) in words  # the name is drawn and extractable


def test_regenerating_the_subsets_is_reproducible(monkeypatch):
    """``tools/subset_fonts.py --check`` makes the subsets again and finds the shipped ones
    the same (character map, glyph order, widths, outlines, names)."""
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    import subset_fonts

    try:
        assert subset_fonts.main(["--check"]) == 0
    finally:
        sys.modules.pop("subset_fonts", None)


@pytest.mark.e2e
def test_sheets_from_the_subsets_pass_both_validators(tmp_path):
    """A form drawn from the basic subset (a Latin-1 name) and a sheet from the Latin subset (a
    Polish name) are still tagged PDF/UA-1: 0 findings from pdfua, 0 errors from outloud. The
    tagging does not depend on the font (every kind is validated with the full font in
    tests/test_accessible_pdf.py); what differs here is how the font is embedded, so one
    document of each kind of embedding: the whole basic subset, and the Latin one cut down."""
    accessible = pytest.importorskip("test_accessible_pdf")
    if not (accessible.PDFUA and accessible.OUTLOUD):
        pytest.skip("pdfua and outloud are not installed (pip install -e '.[test]')")
    files = []
    for which, patient, family in (
        ("consent", "Zoë Ødegård", "basic"),
        ("aftercare", "Łukasz Wróbel", "latin"),
    ):
        data = accessible.make_pdf(which, "fr", "a4", False, patient=patient)
        assert {f"DejaVuSans{family.title()}Book"} <= embedded(data), which
        f = tmp_path / f"{which}-{family}.pdf"
        f.write_bytes(data)
        files.append(f)
    assert accessible.validate(files) == []


def test_sheets_of_a_batch_share_the_basic_subset(q):
    """The basic subset is parsed once for every sheet of a process (render/fonts.py
    ``add_font``); fpdf2 closes a document's font once it is written, and the next sheet
    still embeds the whole subset, byte for byte the same."""
    import re

    def made(patient: str) -> bytes:
        data = pdf.render(printed.make(q, "aftercare", ["neck"], clinic=None, patient=patient))
        data = re.sub(rb"/CreationDate \(D:[0-9Z+'-]+\)", b"", data)
        return re.sub(rb"/ID \[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>\]", b"", data)

    first, _, again = made("Zoë Ødegård"), made("Ana Ruiz"), made("Zoë Ødegård")
    assert fonts._WHOLE  # the shared copies were used
    assert again == first
    assert embedded(again) == {"DejaVuSansBasicBook", "DejaVuSansBasicBold"}
    reader = pypdf.PdfReader(io.BytesIO(again))
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        stream = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        data = stream.get_object()["/FontFile2"].get_object().get_data()
        assert TTFont(io.BytesIO(data))["name"].getDebugName(1) == fonts.BASIC_FAMILY


def test_a_full_font_sheet_is_the_same_first_and_after(q, monkeypatch):
    """The first sheet of a process that needs the full font (a Greek name) parses it with
    fpdf2; the next ones reuse it without the layout tables fpdf2 drops (``_without_layout
    tables``). fontTools' subsetter drops 'kern' beside 'GPOS', so it goes too: the same file
    either way (before, the second sheet embedded a 'kern' table the first had not)."""
    import re

    monkeypatch.setattr(fonts, "_PARSED", {})
    monkeypatch.setattr(fonts, "_WHOLE", {})

    def made() -> bytes:
        data = pdf.render(printed.make(q, "aftercare", ["neck"], clinic=None, patient="Ζωή"))
        data = re.sub(rb"/CreationDate \(D:[0-9Z+'-]+\)", b"", data)
        return re.sub(rb"/ID \[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>\]", b"", data)

    first = made()
    assert made() == first
    assert embedded(first) == {"DejaVuSansBook", "DejaVuSansBold"}  # the full fonts


def test_fpdf_fast_writes_the_same_bytes(q, monkeypatch):
    """render/fpdf_fast.py: fpdf2's object writing, font writing and font compression made
    cheaper, the same file: a sheet (basic subset), a Polish name (Latin subset, cut down: left
    to fpdf2), large print, a consent form, each drawn twice (the font's compressed copy
    reused)."""
    import re
    import zlib

    from fpdf import output, syntax

    from dryneedle_cli.handouts import printed
    from dryneedle_cli.render import fpdf_fast
    from dryneedle_cli.render import pdf as form_pdf

    def made() -> list[bytes]:
        docs = [
            pdf.render(printed.make(q, "aftercare", ["neck"], clinic=None, patient="Zoë")),
            pdf.render(printed.make(q, "aftercare", ["heel"], clinic=None, patient="Zoë")),
            pdf.render(printed.make(q, "prepare", ["neck"], clinic=None, patient="Łukasz")),
            pdf.render(
                printed.make(q, "aftercare", ["hip"], clinic=None, patient="A", large_print=True)
            ),
            form_pdf.render(printed.make(q, "consent", ["neck"], clinic=None, patient="Ana")),
        ]
        docs = [re.sub(rb"/CreationDate \(D:[0-9Z+'-]+\)", b"", d) for d in docs]
        return [re.sub(rb"/ID \[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>\]", b"", d) for d in docs]

    fast = syntax.PDFObject._build_obj_dict
    assert getattr(fast, "_dryneedle", False) and syntax.zlib is not zlib  # installed
    written = getattr(output.OutputProducer._add_fonts, "written", 0)  # installed with a sheet
    with_fast = made()
    assert output.OutputProducer._add_fonts.written - written == 4  # all but the Polish name
    monkeypatch.setattr(fpdf_fast, "FONTS", False)
    monkeypatch.setattr(syntax.PDFObject, "_build_obj_dict", fast.__wrapped__)
    assert getattr(syntax.PDFObject.serialize, "_dryneedle", False)
    monkeypatch.setattr(syntax.PDFObject, "serialize", syntax.PDFObject.serialize.__wrapped__)
    monkeypatch.setattr(syntax, "zlib", zlib)
    assert made() == with_fast


def test_fpdf_fast_shortcuts_draw_what_fpdf2_draws(monkeypatch, tmp_path):
    """render/fpdf_fast.py ``cell``, ``run`` and ``replayed``: the lines and labels ``cell``
    draws itself are byte for byte what fpdf2's ``cell`` draws, and it does draw most of them
    (left-aligned and centred); the
    patient's details ``run`` draws, what fpdf2's ``write`` draws (a value that wraps goes to
    ``write``); a body outline
    written again from the last drawing with the same key is byte for byte the one drawn.
    Sheets and forms in en, es and fr, normal and large print (whose blocks cross page
    breaks), a Greek name (the full font), red warning text, bold headings, and the same areas
    on two sheets (the second outline replayed)."""
    import re
    from collections import OrderedDict

    from dryneedle_cli.render import fpdf_fast
    from dryneedle_cli.session import Environment, Session, SheetRequest

    session = Session(Environment.fake(config_dir=tmp_path, cache_dir=None))
    requests = [
        SheetRequest("aftercare", ("neck",), patient="Zoë", lang="en"),
        SheetRequest("aftercare", ("low back", "hip"), patient="Ζωή", lang="es"),
        SheetRequest("prepare", ("shoulder",), patient="Ana", lang="fr", large_print=True),
        SheetRequest("consent", ("neck",), patient="Ana", lang="fr"),
        SheetRequest("screening", ("heel",), patient="Łukasz", lang="es", paper="a4"),
        SheetRequest("aftercare", ("neck",), patient="Ana María Ruiz", lang="en"),
        SheetRequest(  # details that wrap: the long name and the next visit on new lines
            "aftercare",
            ("heel",),
            patient="Maximiliano Alejandro de la Santísima Trinidad Fernández-Ortega",
            clinician="Dr Wilhelmina Oyelaran-Castellanos",
            next_visit=(
                "Tuesday 14 January at 10:30 in the second-floor treatment room, with the "
                "same physiotherapist; please come ten minutes early and bring your shoes"
            ),
        ),
    ]
    drawn, runs, outlines = [], [], []
    fast, fast_run, outline = fpdf_fast.cell, fpdf_fast.run, pdf.draw_outline

    def counted(pdf_, w, h, text, align="L", *args):
        drawn.append((fpdf_fast._plain(pdf_, text, h), align))
        return fast(pdf_, w, h, text, align, *args)

    def run_counted(pdf_, h, text):
        runs.append(text)
        return fast_run(pdf_, h, text)

    writes = []  # the runs left to fpdf2's write (they wrap)
    real_write = pdf._Engine.write

    def write_counted(self, *args, **kwargs):
        writes.append(args)
        return real_write(self, *args, **kwargs)

    def outline_counted(*args):
        outlines.append(args[1:])
        return outline(*args)

    def made() -> list[bytes]:
        docs = [session.sheet(r).data for r in requests]
        docs = [re.sub(rb"/CreationDate \(D:[0-9Z+'-]+\)", b"", d) for d in docs]
        return [re.sub(rb"/ID \[<[0-9A-Fa-f]+><[0-9A-Fa-f]+>\]", b"", d) for d in docs]

    monkeypatch.setattr(fpdf_fast, "cell", counted)
    monkeypatch.setattr(fpdf_fast, "run", run_counted)
    monkeypatch.setattr(pdf._Engine, "write", write_counted)
    monkeypatch.setattr(fpdf_fast, "_DRAWN", OrderedDict())
    monkeypatch.setattr(pdf, "draw_outline", outline_counted)
    with_fast = made()
    plain = [align for fits, align in drawn if fits]
    assert len(plain) > 0.9 * len(drawn), (len(plain), len(drawn))
    assert "C" in plain  # "Front" and "Back" under the outline
    assert 0 < len(writes) < 0.2 * len(runs), (len(writes), len(runs))
    kept = len(outlines)  # outlines drawn, the others replayed
    monkeypatch.setattr(fpdf_fast, "LINES", False)
    monkeypatch.setattr(fpdf_fast, "REPLAY", False)
    without = made()
    assert len(outlines) - kept > kept  # every outline drawn this time: one was replayed
    for request, a, b in zip(requests, with_fast, without, strict=True):
        assert a == b, request


@pytest.mark.parametrize(
    "path", [*fonts.BASIC, *fonts.LATIN, *fonts.FULL], ids=lambda p: p.name.removesuffix(".ttf")
)
def test_the_light_name_table_reads_what_fonttools_reads(path):
    """A basic subset's name table is read without fontTools' (render/fonts.py ``_Names``):
    the same full name (what fpdf2 embeds as the font's name) and the same name for every
    name id, here for every font shipped."""
    real = TTFont(path, lazy=True)["name"]
    light = TTFont(path, lazy=True)
    fonts.light_names(light)
    names = light["name"]
    assert isinstance(names, fonts._Names)
    assert names.getBestFullName() == real.getBestFullName()
    for name_id in range(0, 26):
        assert names.getDebugName(name_id) == real.getDebugName(name_id), name_id
    # anything else asked of it is fontTools' own table's
    assert len(names.names) == len(real.names)


def test_the_light_name_table_follows_fonttools_rules():
    """Names that differ by platform and language: the Windows English one first, then the
    Mac English one, then any; a record it does not read (here a Windows name of odd length)
    sends the table to fontTools."""
    font = TTFont(fonts.BASIC[0])
    table = font["name"]
    for name_id in (1, 2, 4, 16, 17, 21, 22):
        table.removeNames(nameID=name_id)
    table.setName("Famille", 1, 3, 1, 0x40C)
    table.setName("Mac Family", 1, 1, 0, 0)
    table.setName("MacSub", 2, 1, 0, 0)
    table.setName("WinSub", 2, 3, 1, 0x409)
    table.setName("Nom", 4, 3, 1, 0x40C)
    data = io.BytesIO()
    font.save(data)

    def both():
        raw = data.getvalue()
        real = TTFont(io.BytesIO(raw), lazy=True)["name"]
        light = TTFont(io.BytesIO(raw), lazy=True)
        fonts.light_names(light)
        return real, light["name"]

    real, light = both()
    assert light.getBestFullName() == real.getBestFullName() == "Mac Family WinSub"
    assert [light.getDebugName(i) for i in (1, 2, 4)] == ["Mac Family", "WinSub", "Nom"]
    assert light._real is None  # read without fontTools' table
    windows = next(n for n in table.names if n.platformID == 3 and n.nameID == 4)
    windows.string = b"\x00N\x00o\x00m\x00"  # odd UTF-16: fontTools repairs it
    data = io.BytesIO()
    font.save(data)
    real, light = both()
    assert light.getBestFullName() == real.getBestFullName()
    assert light._real is not None
