"""The fonts a PDF sheet or form embeds: the Latin subset of DejaVu Sans when it has every
character of the document, the full font otherwise.

DejaVu Sans has about 6,000 glyphs. fpdf2 reads a font's character map and widths for every
document and, when the document is written, cuts the font down to the glyphs used with
fontTools; both cost time in proportion to the font's size. ``tools/subset_fonts.py`` makes
``DejaVuSans-Latin.ttf`` and ``DejaVuSans-Bold-Latin.ttf`` (about 1,200 glyphs: the Latin
scripts, punctuation, the symbols the sheets draw and every character under ``data/``), with
the same glyphs, widths and outlines, so a sheet drawn from the subset looks and breaks its
lines exactly as one drawn from the full font. A document with any other character (a
patient's name in Greek, Cyrillic, Arabic, a fallback font for Chinese) is drawn from the
full fonts, as before.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FULL = (FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf")
LATIN = (FONTS / "DejaVuSans-Latin.ttf", FONTS / "DejaVuSans-Bold-Latin.ttf")
# drawn by the PDF code itself, not taken from the handout: list markers, separators, digits
DRAWN = "•☐·–—… 0123456789.:/()"
# line breaks: fpdf2 breaks the line there and draws no glyph
_BREAKS = frozenset("\n\r")


def strings(value) -> Iterator[str]:
    """Every string in a handout (a msgspec Struct of Structs, tuples, lists and dicts), so a
    field added to the handout later is covered without a list to keep up to date."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    else:  # a msgspec Struct or a dataclass
        names = getattr(value, "__struct_fields__", None) or getattr(
            value, "__dataclass_fields__", ()
        )
        for name in names:
            yield from strings(getattr(value, name, None))


@functools.cache
def latin_cmap() -> frozenset[int]:
    """The characters both Latin subsets have."""
    from fontTools.ttLib import TTFont

    regular, bold = (frozenset(TTFont(p, lazy=True).getBestCmap()) for p in LATIN)
    return regular & bold


def covered(text: str) -> bool:
    """Whether the Latin subsets have every character of ``text``."""
    have = latin_cmap()
    return all(ord(c) in have or c in _BREAKS for c in set(text))


def body(h, extra_font: Path | None = None) -> tuple[Path, Path]:
    """The (regular, bold) font files for handout ``h``: the Latin subsets when they have
    every character of it and no fallback font is needed, else the full DejaVu Sans."""
    if extra_font is None and covered(DRAWN + "".join(strings(h))):
        return LATIN
    return FULL
