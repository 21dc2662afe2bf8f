"""Which text needs a shaping engine to print correctly (no heavy imports: used on every sheet).

Right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, Adlam ...) must be reordered for
display and, for Arabic-type scripts, drawn with each letter's joined form; Indic and South-East
Asian scripts (Devanagari, Bengali, Tamil, Thai, Khmer, Myanmar ...) reorder and combine marks.
A PDF drawn without shaping prints such text reversed and unjoined, so ``render.pdf`` turns on
fpdf2's text shaping (HarfBuzz, through uharfbuzz) for exactly the lines that hold it.
"""

from __future__ import annotations

import re

_COMPLEX = re.compile(
    "["
    "\u0590-\u08ff"  # Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan, Mandaic, Arabic ext.
    "\u0900-\u0dff"  # Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil ... Sinhala
    "\u0e00-\u0fff"  # Thai, Lao, Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u18af"  # Khmer, Mongolian
    "\u1a00-\u1b7f"  # Buginese, Tai Tham, Balinese
    "\ua8e0-\ua8ff\ua980-\ua9df\uaa00-\uaa5f"  # Devanagari ext., Javanese, Cham
    "\ufb1d-\ufdff\ufe70-\ufefc"  # Hebrew and Arabic presentation forms
    "\U00010800-\U00010fff\U00011000-\U00011fff"  # historic right-to-left, Brahmi and others
    "\U0001e900-\U0001e95f"  # Adlam
    "]"
)


def needs_shaping(text: str) -> bool:
    """True when ``text`` holds a right-to-left or complex script."""
    return bool(_COMPLEX.search(text))


_NUMBER_GAP = re.compile(r"(?<=\d) (?=\d)")
NBSP = "\u00a0"


def keep_numbers_together(text: str) -> str:
    """A space between two digits made non-breaking, so a phone number such as '555 010 2030'
    or '02 9999 0000' is never split over two lines (a sheet's footer, a narrow column)."""
    return _NUMBER_GAP.sub(NBSP, text)
