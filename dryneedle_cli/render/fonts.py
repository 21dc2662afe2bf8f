"""The fonts a PDF sheet or form embeds: the smallest subset of DejaVu Sans that has every
character of the document, the full font otherwise.

DejaVu Sans has about 6,000 glyphs. fpdf2 reads a font's character map and widths for every
document and, when the document is written, cuts the font down to the glyphs used with
fontTools; both cost time in proportion to the font's size. ``tools/subset_fonts.py`` makes
two subsets of each of DejaVu Sans and DejaVu Sans Bold, with the same glyphs, widths and
outlines, so a sheet drawn from a subset looks and breaks its lines exactly as one drawn from
the full font:

- ``DejaVuSans-Basic.ttf`` (about 240 glyphs: ASCII, Latin-1, the punctuation and symbols the
  sheets draw and every character under ``data/``), embedded whole: no fontTools work per
  document. Most sheets in English, Spanish and French need nothing else.
- ``DejaVuSans-Latin.ttf`` (about 1,200 glyphs: all Latin scripts, so a Polish, Czech,
  Turkish or Vietnamese name), cut down per document by fpdf2 as the full font was.

A document with any other character (a patient's name in Greek, Cyrillic or Arabic, text that
needs a fallback font) is drawn from the full fonts, as before.

Loading and choosing live here too: ``add_font`` parses each font file once per process and
gives each document its own copy (one shared copy of a basic subset); ``choose_fallback``
picks the font for characters DejaVu Sans lacks (``--font``, else a system font found by
fontconfig) or refuses the document; ``check_font`` refuses a ``--font`` that is no font.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from dryneedle_cli import deferred
from dryneedle_cli.errors import OutputError
from dryneedle_cli.render import fpdf_fast

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FULL = (FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf")
LATIN = (FONTS / "DejaVuSans-Latin.ttf", FONTS / "DejaVuSans-Bold-Latin.ttf")
BASIC = (FONTS / "DejaVuSans-Basic.ttf", FONTS / "DejaVuSans-Bold-Basic.ttf")
BASIC_FAMILY = "DejaVu Sans Basic"  # embedded whole: no per-document subsetting
# drawn by the PDF code itself, not taken from the handout: list markers, separators, digits
DRAWN = "•☐·–—… 0123456789.:/()"
# line breaks: fpdf2 breaks the line there and draws no glyph
_BREAKS = frozenset("\n\r")
_PARSED: dict[tuple[str, str], tuple] = {}  # (path, style) -> (parsed font, bytes, lean?)
_WHOLE: dict[tuple[str, str], object] = {}  # (path, style) -> a basic subset's TTFont
# fpdf2 drops these tables when it embeds a font; a batch copy need not carry them.
_LAYOUT_TABLES = ("GDEF", "GPOS", "GSUB")


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
def cmap(pair: tuple[Path, Path]) -> frozenset[int]:
    """The characters both fonts of a (regular, bold) subset pair have: the regular one's,
    since the tool asks both for the same characters (``tests/test_fonts.py`` checks that
    they have the same)."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(pair[0], lazy=True).getBestCmap())


def covered(text: str, pair: tuple[Path, Path] | None = None) -> bool:
    """Whether both fonts of ``pair`` (of either subset, unless told) have every character
    of ``text``."""
    chars = set(text) - _BREAKS
    return any(
        all(ord(c) in have for c in chars)
        for have in (cmap(p) for p in ((pair,) if pair else (BASIC, LATIN)))
    )


def body(h, extra_font: Path | None = None) -> tuple[Path, Path]:
    """The (regular, bold) font files for handout ``h``: the smallest subset that has every
    character of it when no fallback font is needed, else the full DejaVu Sans."""
    if extra_font is None:
        text = DRAWN + "".join(strings(h))
        for pair in (BASIC, LATIN):
            if covered(text, pair):
                _embed_basic_whole()
                return pair
    return FULL


class _Subsetter:
    """fontTools' Subsetter, except for a basic subset, which is embedded as it is: it is
    already small, so cutting it down again per document costs more than it saves."""

    def __init__(self, real, options=None):
        self.real, self.options, self.glyphs = real, options, ()

    def populate(self, glyphs=(), **kwargs):
        self.glyphs, self.kwargs = glyphs, kwargs

    def subset(self, font) -> None:
        if _is_basic(font):
            font.save = functools.partial(_save_whole, font)
            return
        options = self.options.made() if isinstance(self.options, _Options) else self.options
        inner = self.real.Subsetter(options)
        inner.populate(glyphs=self.glyphs, **self.kwargs)
        inner.subset(font)


class _Added(list):
    """Tables fpdf2 adds to the subsetter's ``drop_tables`` (``+=``) before the real list is
    made."""


class _Options:
    """fontTools' subsetter ``Options``, made (and ``fontTools.subset`` imported) only when a
    font is really cut down; until then it records what fpdf2 sets on it."""

    def __init__(self, module, args, kwargs):
        object.__setattr__(self, "_lazy", (module, args, kwargs, {"drop_tables": _Added()}))
        object.__setattr__(self, "_made", None)

    def made(self):
        if self._made is None:
            module, args, kwargs, settings = self._lazy
            made = module.Options(*args, **kwargs)
            for name, value in settings.items():
                if isinstance(value, _Added):
                    value = [*getattr(made, name), *value]
                setattr(made, name, value)
            object.__setattr__(self, "_made", made)
        return self._made

    def __getattr__(self, name):
        settings = self._lazy[3]
        if self._made is None and name in settings:
            return settings[name]
        return getattr(self.made(), name)

    def __setattr__(self, name, value):
        if self._made is None:
            if isinstance(self._lazy[3].get(name), _Added) and not isinstance(value, _Added):
                value = _Added(value)  # ``drop_tables += [...]`` gives back an _Added
            self._lazy[3][name] = value
        else:
            setattr(self._made, name, value)


def _is_basic(font) -> bool:
    try:
        return font["name"].getDebugName(1) == BASIC_FAMILY
    except Exception:  # noqa: BLE001 - any font fontTools cannot read: the normal path
        return False


def _save_whole(font, file, *args, **kwargs) -> None:
    """The font's file as it was read (fpdf2 embeds what ``save`` writes)."""
    source = font.reader.file
    source.seek(0)
    file.write(source.read())


class _SubsetModule:
    """Stands in for ``fontTools.subset`` inside fpdf2's output module (which may itself hold
    a deferred stand-in: ``deferred.py``)."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def Options(self, *args, **kwargs):  # noqa: N802 - fontTools' name
        return _Options(self.real, args, kwargs)

    def Subsetter(self, options=None):  # noqa: N802 - fontTools' name
        return _Subsetter(self.real, options)


def _embed_basic_whole() -> None:
    """Route fpdf2's subsetting through ``_Subsetter`` (once per process); if fpdf2's output
    module ever changes, nothing is patched and the basic subsets are subset like any font."""
    from fpdf import output

    real = getattr(output, "ftsubset", None)
    if real is None or isinstance(real, _SubsetModule):
        return
    if not isinstance(real, deferred.Deferred) and not hasattr(real, "Subsetter"):
        return
    output.ftsubset = _SubsetModule(real)
    fpdf_fast.install_fonts(_is_basic, lambda: isinstance(output.ftsubset, _SubsetModule))


class _Names:
    """A basic subset's ``name`` table, read without fontTools' ``_n_a_m_e`` module, whose
    import brings fontTools' OpenType layout tables (about 50 ms; fpdf2 reads one name, the
    full name, when it adds a font). ``getDebugName`` and ``getBestFullName`` follow
    fontTools' own rules for the records they read (Unicode and Windows Unicode names in
    UTF-16, Mac Roman English ones); a record of any other kind, and anything else asked of the
    table, goes to fontTools' real table, read then."""

    def __init__(self, font):
        self._font, self._real, self._records = font, None, None

    def _table(self):
        if self._real is None:
            from fontTools.ttLib import getTableClass

            table = getTableClass("name")("name")
            table.decompile(self._font.reader["name"], self._font)
            self._real = table
        return self._real

    def __getattr__(self, name):
        return getattr(self._table(), name)

    def _read(self) -> list[tuple[int, int, int, str]] | None:
        """(platform, language, name id, text) of every record, or None for a record this
        reader leaves to fontTools."""
        import struct

        data = self._font.reader["name"]
        _, count, start = struct.unpack(">HHH", data[:6])
        records = []
        for i in range(count):
            platform, encoding, lang, name_id, length, offset = struct.unpack(
                ">HHHHHH", data[6 + 12 * i : 18 + 12 * i]
            )
            raw = data[start + offset : start + offset + length]
            if len(raw) != length:
                return None
            if platform == 0 or (platform == 3 and encoding in (1, 10)):
                if length % 2:
                    return None  # fontTools repairs odd UTF-16: leave it to it
                text = raw.decode("utf_16_be")
            elif platform == 1 and encoding == 0 and lang == 0:
                text = raw.decode("mac_roman")
            else:
                return None
            records.append((platform, lang, name_id, text))
        return records

    def getDebugName(self, name_id: int):  # noqa: N802 - fontTools' name
        if self._records is None:
            self._records = self._read() or False
        if not self._records:
            return self._table().getDebugName(name_id)
        english = mac_english = some = None
        for platform, lang, nid, text in self._records:
            if nid != name_id:
                continue
            some = text
            if (platform, lang) == (3, 0x409):
                english = text
                break
            if (platform, lang) == (1, 0) and mac_english is None:
                mac_english = text
        return english or mac_english or some or None

    def getBestFullName(self):  # noqa: N802 - fontTools' name
        for ids in ((21, 22), (16, 17), (1, 2), (4,), (6,)):
            if len(ids) == 2:
                family, sub = self.getDebugName(ids[0]), self.getDebugName(ids[1])
                if family is None or sub is None:
                    continue
                return family if sub.lower() == "regular" else f"{family} {sub}"
            name = self.getDebugName(ids[0])
            if name is not None:
                return name
        return None


def light_names(font) -> None:
    """Give a basic subset's TTFont the light ``name`` table above (before anything reads it)."""
    from fontTools.ttLib import Tag

    if "name" in font and Tag("name") not in font.tables:
        font.tables[Tag("name")] = _Names(font)


class _TTLib:
    """``fontTools.ttLib`` for fpdf2's fonts module while it adds a basic subset: each TTFont
    it opens gets the light ``name`` table."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def TTFont(self, *args, **kwargs):  # noqa: N802 - fontTools' name
        font = self.real.TTFont(*args, **kwargs)
        light_names(font)
        return font


@contextlib.contextmanager
def light_name_tables():
    """While fpdf2 adds a font from a basic subset: its name table read without fontTools'
    layout tables. If fpdf2's fonts module ever differs, nothing is changed."""
    from fpdf import fonts as fpdf_fonts

    real = getattr(fpdf_fonts, "ttLib", None)
    if real is None or isinstance(real, _TTLib) or not hasattr(real, "TTFont"):
        yield
        return
    fpdf_fonts.ttLib = _TTLib(real)
    try:
        yield
    finally:
        fpdf_fonts.ttLib = real


# Imported by fpdf2 or fontTools when they are installed, never used by a sheet: numpy (speeds
# up PNG transparency; a logo is small), cryptography and endesive (signing PDFs), lxml
# (fontTools' XML, which falls back to the standard library's), and uharfbuzz (text shaping,
# loaded below when a line needs it). Only uharfbuzz is a dependency of dryneedle, but a
# development environment has numpy, cryptography and lxml (the test tools need them), and
# importing them all cost a sheet about a third of fpdf2's own import.
_NOT_NEEDED = ("numpy", "cryptography", "endesive", "lxml", "uharfbuzz")


def _load_fpdf() -> None:
    """Import fpdf2 with the packages in ``_NOT_NEEDED`` hidden (those not imported already),
    as if they were not installed, which fpdf2 and fontTools allow. Once fpdf2 is imported the
    packages can be imported again by anyone."""
    if "fpdf" in sys.modules:
        return
    hidden = [name for name in _NOT_NEEDED if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment] - an import of it fails
    try:
        deferred.load("fpdf2", "fpdf")  # again without the stand-ins if it cannot take them
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    from fpdf import FPDF
    from fpdf import fonts as fpdf_fonts

    fpdf_fast.install()
    if getattr(fpdf_fonts, "hb", True) is None and "uharfbuzz" in hidden:
        shaping = FPDF.set_text_shaping

        @functools.wraps(shaping)
        def set_text_shaping(self, use_shaping_engine=True, *args, **kwargs):
            if use_shaping_engine:
                _load_harfbuzz()
            return shaping(self, use_shaping_engine, *args, **kwargs)

        FPDF.set_text_shaping = set_text_shaping


def _load_harfbuzz() -> None:
    """What fpdf2 sets up when it finds uharfbuzz at import (``fpdf/fonts.py``), done the
    first time a line needs shaping. Without uharfbuzz, fpdf2 says so itself."""
    from fpdf import fonts as fpdf_fonts

    if fpdf_fonts.hb is not None:
        return
    try:
        import uharfbuzz as hb
    except ImportError:
        return

    class HarfBuzzFont(hb.Font):  # fpdf2's own: a uharfbuzz.Font that can be deep-copied
        def __deepcopy__(self, memo):
            return self

    fpdf_fonts.HarfBuzzFont = HarfBuzzFont
    fpdf_fonts.hb = hb


_load_fpdf()


# ------------------------------------------------------------------ loading, per process
# ``add_font`` parses each font file once per process (a batch draws many sheets); the
# fallback for characters DejaVu Sans lacks is chosen per document (``choose_fallback``).


def _without_layout_tables(data: bytes) -> bytes:
    """The font without the tables fpdf2 drops when it embeds it; the same bytes when it has
    none of them (the basic and Latin subsets), read without parsing or writing any table."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    drop = [tag for tag in _LAYOUT_TABLES if tag in font]
    if not drop:
        return data
    if "GPOS" in drop and "kern" in font:  # fontTools' subsetter drops 'kern' beside 'GPOS'
        drop.append("kern")
    for tag in drop:
        del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _keep_open() -> None:
    """A shared font's ``close``: it is read from memory, and the next sheet reads it too."""


def add_font(pdf, family: str, style: str, path: Path) -> None:
    """``pdf.add_font``, parsing each font file once per process.

    fpdf2 parses a TrueType font (~25 ms for DejaVu Sans) for every document, and subsets it in
    place when the document is written. A batch of sheets reuses the parsed tables (widths,
    character map) and gives each document a fresh, lazily read copy of the font to subset;
    a basic subset, embedded whole and never changed, is one copy for every sheet, so its
    glyph order and glyph ids are worked out once.
    If fpdf2's internals ever differ, this falls back to a plain ``add_font``.
    """
    key = (str(path), style)
    fontkey = f"{family.lower()}{style}"
    if key in _PARSED:
        try:
            from fontTools.ttLib import TTFont
            from fpdf.fonts import SubsetMap

            proto, data, lean = _PARSED[key]
            if not lean:  # the second sheet of a batch: drop what fpdf2 would drop anyway
                data = _without_layout_tables(data)
                _PARSED[key] = (proto, data, True)
            font = copy.copy(proto)
            font.i = len(pdf.fonts) + 1
            if path in BASIC:  # embedded whole, never cut down: one copy serves all
                if key not in _WHOLE:
                    whole = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
                    whole.close = _keep_open  # fpdf2 closes a document's font once written
                    light_names(whole)
                    _WHOLE[key] = whole
                font.ttfont = _WHOLE[key]
            else:
                font.ttfont = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
            font._hbfont = None
            font.biggest_size_pt = 0
            font.missing_glyphs = []
            font.subset = SubsetMap(font)
            pdf.fonts[fontkey] = font
            return
        except (AttributeError, ImportError, TypeError):
            _PARSED.pop(key, None)
    if path in BASIC:
        with light_name_tables():
            pdf.add_font(family, style, path)
    else:
        pdf.add_font(family, style, path)
    _PARSED[key] = (copy.copy(pdf.fonts[fontkey]), path.read_bytes(), False)


def texts(h) -> str:
    """Every text a sheet or form draws, in one string (the characters its fonts need)."""
    p = h.page
    parts = [p.title, p.summary, h.emergency, h.questions, h.notice, h.area_names]
    parts += [v for _, v in h.details]
    parts += [h.labels[k] for k in ("areas", "front", "back", "sources")]
    parts += [h.labels.get("page_of", ""), h.outline_caption]
    parts += [getattr(h, "steps_heading", ""), h.labels.get("form_name_line", "")]
    parts += [*getattr(h, "key_points", ()), *getattr(h, "steps", ())]
    if h.clinic:
        parts += [h.clinic.name, *h.clinic.contact]
    for s in p.sections:
        parts += [s.heading, s.text, *s.items]
    parts += [r.short for r in p.references]
    return "".join(parts)


@functools.lru_cache(maxsize=8)
def _file_cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True, fontNumber=0)
    return frozenset(font.getBestCmap() or {})


def _system_font(chars: set[str]) -> Path | None:
    """A system font (fontconfig) that has every one of ``chars``, if there is one."""
    if not shutil.which("fc-list"):
        return None
    charset = " ".join(f"{ord(c):x}" for c in sorted(chars))
    try:
        found = subprocess.run(
            ["fc-list", f":charset={charset}", "file"], capture_output=True, text=True, timeout=10
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    for line in sorted(found):
        path = Path(line.split(":")[0].strip())
        if path.suffix.lower() in (".ttf", ".otf"):
            return path
    return None


def font_cmap(path: Path) -> frozenset[int]:
    """The characters a font file has; a file that is not a font is an OutputError (exit 4)."""
    try:
        return _file_cmap(path)
    except Exception:  # noqa: BLE001 - fontTools raises many kinds for a bad file
        raise OutputError(f"--font {path}: not a TrueType or OpenType font") from None


def check_font(path: Path) -> None:
    """Refuse a --font that is missing or not a font, before any sheet is made."""
    if path.suffix.lower() not in (".ttf", ".otf"):
        raise OutputError(f"--font {path}: use a .ttf or .otf font file")
    if not path.is_file():
        raise OutputError(f"--font {path}: file not found")
    font_cmap(path)


def choose_fallback(h, font: Path | None) -> Path | None:
    """The extra font needed for characters DejaVu Sans lacks, or None if none are missing."""
    needed = {c for c in set(texts(h)) if not c.isspace()}  # each character looked at once
    if covered("".join(needed)):  # a subset of DejaVu Sans has them all, so has it
        return None
    missing = {c for c in needed if ord(c) not in _file_cmap(FULL[0])}
    if not missing:
        return None
    candidates = [font] if font is not None else []
    system = _system_font(missing)
    if system is not None and font is None:
        candidates.append(system)
    for path in candidates:
        check_font(path)
        left = {c for c in missing if ord(c) not in font_cmap(path)}
        if not left:
            return path
        missing = left if font is not None else missing
    # code points only: the characters may be a patient's name
    shown = " ".join(f"U+{ord(c):04X}" for c in sorted(missing)[:5])
    raise OutputError(
        f"no font has the characters {shown}; pass --font with a .ttf that has them "
        "(for example Noto Sans CJK for Chinese, Noto Sans Devanagari for Hindi), "
        "or use --format html"
    )
