"""Write the Latin subsets of the bundled DejaVu Sans fonts that PDF sheets use when they can.

    python tools/subset_fonts.py          # write dryneedle_cli/fonts/DejaVuSans*-Latin.ttf
    python tools/subset_fonts.py --check  # exit 1 if the shipped subsets differ from a fresh one

DejaVu Sans has about 6,000 glyphs; a sheet in English, Spanish or French uses fewer than 200.
fpdf2 reads the character map and widths of the font it is given for every document and cuts
it down to the glyphs used when the document is written, so a smaller font makes every sheet
cheaper (``dryneedle_cli/render/fonts.py`` chooses; the full font stays the fallback for any
text the subset lacks: a name in Greek, Cyrillic, Arabic...).

What the subset holds: the Latin scripts (Basic Latin, Latin-1, Latin Extended-A, -B and
Additional, so a Vietnamese or Polish name still prints from it), combining accents, general
punctuation, currency signs, a few symbols the sheets draw (the list markers ``•`` and ``☐``,
arrows, ``≤ ≥ −``), and every character of every file under ``data/`` (all languages). A
character added to the content that is not in the subset fails
``tests/test_fonts.py::test_subset_covers_all_content`` until this tool is run again.

The glyphs, widths and outlines are DejaVu Sans' own; the layout tables (GSUB, GPOS, GDEF,
kern), which fpdf2 drops when it embeds a font anyway, are left out. The Bitstream Vera licence
(``dryneedle_cli/fonts/LICENSE-DejaVu.txt``) allows modified versions under a name without
"Bitstream" or "Vera": the subsets are named "DejaVu Sans Latin", and keep every copyright and
licence record of the original's name table.

``--check`` makes the subsets again in memory and compares what the layout depends on (the
character map, the glyph order, each glyph's advance width and outline) with the shipped files,
so the check does not depend on fontTools writing the same bytes from one version to the next.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "dryneedle_cli" / "fonts"
DATA = ROOT / "data"
# (full font, subset file, style, family, ranges): the basic subsets first, then the Latin ones
LATIN_RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x02B0, 0x02FF),  # spacing modifier letters (ʻokina, ˈ)
    (0x0300, 0x036F),  # combining diacritical marks
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # general punctuation (– — ‘ ’ “ ” • … ‰)
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x214F),  # letterlike symbols (№ ™ ℃)
    (0x2190, 0x2199),  # arrows
    (0x2212, 0x2212),  # minus
    (0x2248, 0x2248),  # almost equal
    (0x2260, 0x2265),  # not equal, less or equal, greater or equal
    (0x25A0, 0x25A1),  # square, white square
    (0x25CB, 0x25CB),  # white circle
    (0x25CF, 0x25CF),  # black circle
    (0x2610, 0x2612),  # ballot boxes (☐ ☑ ☒)
    (0x2713, 0x2717),  # check and cross marks
    (0xFFFD, 0xFFFD),  # replacement character
]
BASIC_RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0152, 0x0153),  # Œ œ
    (0x2010, 0x2027),  # dashes, quotation marks, bullet, ellipsis
    (0x2030, 0x2030),  # per mille
    (0x20AC, 0x20AC),  # euro
    (0x2122, 0x2122),  # trade mark
    (0x2212, 0x2212),  # minus
    (0x2264, 0x2265),  # less or equal, greater or equal
    (0x2610, 0x2610),  # ballot box
]
BASIC, LATIN = "DejaVu Sans Basic", "DejaVu Sans Latin"
PAIRS = [
    ("DejaVuSans.ttf", "DejaVuSans-Basic.ttf", "Book", BASIC, BASIC_RANGES),
    ("DejaVuSans-Bold.ttf", "DejaVuSans-Bold-Basic.ttf", "Bold", BASIC, BASIC_RANGES),
    ("DejaVuSans.ttf", "DejaVuSans-Latin.ttf", "Book", LATIN, LATIN_RANGES),
    ("DejaVuSans-Bold.ttf", "DejaVuSans-Bold-Latin.ttf", "Bold", LATIN, LATIN_RANGES),
]
# drawn by the PDF code itself, not from data/ (list markers, separators)
DRAWN = "•☐·–—…"


def data_characters() -> set[int]:
    """Every character of every file under data/ (content, labels, translations)."""
    chars: set[str] = set()
    for path in sorted(DATA.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            chars |= set(path.read_text(encoding="utf-8"))
    return {ord(c) for c in chars if c.isprintable()}


def wanted(ranges) -> set[int]:
    codes = {c for lo, hi in ranges for c in range(lo, hi + 1)}
    return codes | data_characters() | {ord(c) for c in DRAWN}


def make(full: Path, style: str, family: str, codes: set[int]) -> bytes:
    """The subset of ``full`` for ``codes`` (those the font has), as TrueType bytes."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(full, recalcTimestamp=False, recalcBBoxes=False)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "hdmx", "MATH"]
    options.name_IDs = ["*"]  # keep the copyright, licence and trademark records
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.hinting = True
    options.glyph_names = False  # as fpdf2 embeds them
    options.prune_unicode_ranges = False
    options.recalc_timestamp = False
    options.recalc_bounds = False
    options.recalc_max_context = False
    have = set(font.getBestCmap())
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(codes & have))
    sub.subset(font)
    _rename(font, style, family)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _rename(font, style: str, family: str) -> None:
    """Name the subset "DejaVu Sans Basic" or "DejaVu Sans Latin" (the licence asks a modified
    font for a new name)."""
    bold = style == "Bold"
    full = f"{family} Bold" if bold else family
    postscript = family.replace(" ", "") + ("-Bold" if bold else "")
    unique = f"{full}: made by dryneedle tools/subset_fonts.py"
    names = {1: family, 3: unique, 4: full, 6: postscript, 16: family, 17: style}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.removeNames(nameID=record.nameID)
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
        table.setName(text, name_id, 1, 0, 0)


def fingerprint(data: bytes) -> str:
    """What the layout and the look depend on: character map, glyph order, advance widths and
    outlines (not the file's bytes, which may differ between fontTools versions)."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    digest = hashlib.sha256()
    digest.update(repr(sorted(font.getBestCmap().items())).encode())
    order = font.getGlyphOrder()
    digest.update(repr(order).encode())
    digest.update(repr([font["hmtx"][g] for g in order]).encode())
    glyf = font["glyf"]
    for name in order:
        glyph = glyf[name]
        digest.update(glyph.compile(glyf) if glyph.numberOfContours else b"-")
    digest.update(repr(sorted((n.nameID, n.toUnicode()) for n in font["name"].names)).encode())
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for full, target, style, family, ranges in PAIRS:
        data = make(FONTS / full, style, family, wanted(ranges))
        path = FONTS / target
        if check:
            if not path.is_file() or fingerprint(path.read_bytes()) != fingerprint(data):
                stale.append(target)
            continue
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    if stale:
        print(
            f"{', '.join(stale)}: not what tools/subset_fonts.py makes now; run "
            "python tools/subset_fonts.py and commit the fonts",
            file=sys.stderr,
        )
        return 1
    if check:
        print("the font subsets are up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
