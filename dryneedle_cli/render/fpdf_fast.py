"""Five of fpdf2's costs per document made smaller, writing the same bytes.

1. **Writing a PDF object.** fpdf2 turns each object into a dictionary with
   ``{key: getattr(self, key) for key in dir(self)}``, then drops what starts with ``_``, what is
   callable and what is None, and camel-cases each key. A sheet has about 240 objects (the
   structure tree of a tagged PDF is most of them), and each ``dir()`` lists some 60 names,
   methods and dunders included. Here each class's names (minus those that could only be
   dropped: a name starting with ``_``, ``id``, ``ref``, a plain function of the class not
   shadowed on the object) and their PDF keys are worked out once, in the same sorted order,
   and the values read and converted as fpdf2's ``build_obj_dict`` does; an object without a
   stream is then written in one pass. An object whose class defines its own ``__dir__``, or
   that has a stream, goes to fpdf2's code as before.
2. **Compressing the embedded font.** A basic subset of DejaVu Sans is embedded whole, so every
   sheet compresses the same two 50 KB files. A compressed result of 32 KB or more is kept
   (the last 8), keyed by the bytes and the level: zlib gives the same output for the same
   input and level.
3. **Drawing a line of text.** ``cell`` and ``write`` are fpdf2's general drawing of text:
   borders, fill, links, underlines, fallback fonts, shaping, page totals, line breaking, and
   the text's width measured even when it is left-aligned. A sheet draws about 140 one-line
   cells and runs of plain text in one font, none of which needs any of that. ``cell`` (left
   or centred; ``line`` is a left-aligned cell that moves to the next line) and ``run``
   (text that fits on the rest of the line) write what fpdf2 writes for them (the same
   operators, numbers and glyph codes, the font's subset map used the same way, the position
   left as fpdf2 leaves it) and hand anything else to fpdf2.
4. **Drawing the body outline.** Its 40-odd shapes are drawn with rounded corners and arcs,
   each worked out in Python, and a batch draws the same outline, at the same place, on
   sheet after sheet. ``replayed`` writes again the operators a drawing wrote the last time
   it was drawn with the same key, on the same page size, from the same line width and
   colours, and leaves the same line width and colours; a drawing that changed anything else
   (another part of the graphics state, the page) is never kept.

5. **Writing the fonts.** For each font, fpdf2 builds the 128 KB map from character codes to
   glyphs as a list of 131,072 one-character strings and joins them: about 3 ms a font, a
   tenth of a batch sheet. For a document whose fonts are all basic subsets (embedded whole),
   ``_fast_add_fonts`` writes the same objects in the same order with the map made as bytes;
   any other document goes to fpdf2.

``install()`` (1 and 2) is called once fpdf2 is imported, ``install_fonts()`` (5) once a basic
subset is first embedded (both by ``render/fonts.py``); ``tests/test_fonts.py`` checks that
sheets, large print and forms are byte for byte the same without any of the five (``ENABLED``,
``LINES``, ``REPLAY``, ``FONTS``).
"""

from __future__ import annotations

import functools
import threading
import types
import zlib
from collections import OrderedDict

ENABLED = True  # False: fpdf2's own code (tests compare the bytes)
LINES = True  # False: every line drawn by fpdf2's ``cell`` (tests compare the bytes)
REPLAY = True  # False: every drawing drawn again (tests compare the bytes)
FONTS = True  # False: every font written by fpdf2's own code (tests compare the bytes)
_STATE = ("line_width", "draw_color", "fill_color")  # what a kept drawing may change
_DRAWN: OrderedDict[tuple, tuple[bytes, tuple]] = OrderedDict()
_DRAWN_LOCK = threading.Lock()
_KEEP_DRAWN = 32
_ALIGNED = ("L", "C")  # right-aligned: the page number, whose total fpdf2 fills in
_NOT_RUN = frozenset("\n\r\f\u00ad")  # characters ``write`` breaks lines at or hyphenates
_BIG = 32 * 1024
_KEEP = 8


@functools.cache
def _class_names(cls: type) -> frozenset[str]:
    """The names ``dir()`` gives for an object of ``cls`` that fpdf2 may keep: not starting
    with ``_``, not a plain function, static or class method of the class."""
    names = set()
    for name in dir(cls):
        if name.startswith("_"):
            continue
        attr = next((k.__dict__[name] for k in cls.__mro__ if name in k.__dict__), None)
        if isinstance(attr, (types.FunctionType, staticmethod, classmethod)):
            continue
        names.add(name)
    return frozenset(names)


@functools.cache
def _keys(cls: type, own: tuple[str, ...], camel_case) -> tuple[tuple[str, str], ...]:
    """(attribute, PDF key) in the order fpdf2's ``build_obj_dict`` writes them: the names
    sorted, without those it always drops (``_...``, ``id``, ``ref``), each key camel-cased
    once."""
    names = _class_names(cls).union(k for k in own if not k.startswith("_"))
    names -= {"id", "ref"}
    return tuple((name, f"/{camel_case(name)}") for name in sorted(names))


def _fast_build_obj_dict(original, syntax):
    pdf_object = syntax.PDFObject
    camel_case = syntax.camel_case

    @functools.wraps(original)
    def _build_obj_dict(self, security_handler=None):
        """fpdf2's ``build_obj_dict`` over this object's names, step for step."""
        cls = type(self)
        if cls.__dir__ is not object.__dir__:
            return original(self, security_handler)
        own = getattr(self, "__dict__", None)
        obj_dict = {}
        obj_id = self.id
        for name, key in _keys(cls, tuple(own) if own else (), camel_case):
            value = getattr(self, name)
            if value is None or callable(value):
                continue
            if hasattr(value, "value"):  # an Enum
                value = value.value
            if isinstance(value, pdf_object):  # indirect object reference
                value = value.ref
            elif hasattr(value, "serialize"):  # PDFArray, PDFString, Name, Destination ...
                value = value.serialize(_security_handler=security_handler, _obj_id=obj_id)
            elif isinstance(value, bool):
                value = str(value).lower()
            obj_dict[key] = value
        return obj_dict

    _build_obj_dict._dryneedle = True
    return _build_obj_dict


def _fast_serialize(original, syntax):
    pdf_object = syntax.PDFObject
    no_stream = pdf_object.content_stream

    @functools.wraps(original)
    def serialize(self, obj_dict=None, _security_handler=None):
        """fpdf2's ``PDFObject.serialize`` for an object without a stream, its dictionary
        written in one pass; anything else (a stream, a given dictionary, encryption) as
        fpdf2 does it."""
        if obj_dict or _security_handler or type(self).content_stream is not no_stream:
            return original(self, obj_dict, _security_handler)
        pairs = self._build_obj_dict(None).items()
        body = "\n".join(
            f"{k} {str(v).lower() if isinstance(v, bool) else str(v)}" for k, v in pairs
        )
        return f"{self.id} 0 obj\n<<\n{body}\n>>\nendobj"

    serialize._dryneedle = True
    return serialize


def _bf_char(code: int, glyph) -> str:
    """One ``bfchar`` line of a font's ToUnicode map, as fpdf2 writes it (a code point past
    U+FFFF as its surrogate pair)."""
    units = "".join(
        f"{0xD800 | (u - 0x10000) >> 10:04X}{0xDC00 | (u & 0x3FF):04X}"
        if u > 0xFFFF
        else f"{u:04X}"
        for u in glyph.unicode
    )
    return f"<{code:04X}> <{units}>\n"


_TO_UNICODE = (
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n"
    ">> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    "{blocks}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
)


def _embed_whole(producer, font, output):
    """The objects fpdf2's ``_add_fonts`` adds for one TrueType font, in its order, for a basic
    subset (kept whole by ``render/fonts.py``'s subsetting); the font's composite object."""
    from fpdf.syntax import Name, PDFArray

    fontname = f"MPDFAA+{font.name}"
    subsetter = output.ftsubset.Subsetter(
        output.ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
    )
    subsetter.populate(glyphs=font.subset.get_all_glyph_names())
    subsetter.subset(font.ttfont)  # a basic subset: kept whole
    code_to_glyph = {
        char_id: font.ttfont.getGlyphID(glyph.glyph_name)
        for glyph, char_id in font.subset.items()
        if glyph is not None
    }
    stream = output.BytesIO()
    font.ttfont.save(stream)
    stream.seek(0)
    font_file = stream.read()
    composite = output.PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
    producer._add_pdf_obj(composite, "fonts")
    cid_font = output.PDFFont(
        subtype="CIDFontType2",
        base_font=fontname,
        d_w=font.desc.missing_width,
        w=output._tt_font_widths(font),
    )
    producer._add_pdf_obj(cid_font, "fonts")
    composite.descendant_fonts = PDFArray([cid_font])
    entries = [
        _bf_char(code, glyph)
        for glyph, code in font.subset.items()
        if glyph is not None and isinstance(glyph.unicode, tuple) and glyph.unicode
    ]
    blocks = output._build_cmap_blocks(entries, "bfchar")
    to_unicode = output.PDFContentStream(_TO_UNICODE.format(blocks=blocks).encode("latin-1"))
    producer._add_pdf_obj(to_unicode, "fonts")
    composite.to_unicode = to_unicode
    system_info = output.CIDSystemInfo()
    producer._add_pdf_obj(system_info, "fonts")
    cid_font.c_i_d_system_info = system_info
    descriptor = font.desc
    descriptor.font_name = Name(fontname)
    producer._add_pdf_obj(descriptor, "fonts")
    cid_font.font_descriptor = descriptor
    cid_to_gid = bytearray(256 * 256 * 2)
    for code, glyph_id in code_to_glyph.items():
        cid_to_gid[code * 2] = glyph_id >> 8
        cid_to_gid[code * 2 + 1] = glyph_id & 0xFF
    map_obj = output.PDFContentStream(contents=bytes(cid_to_gid), compress=True)
    producer._add_pdf_obj(map_obj, "fonts")
    cid_font.c_i_d_to_g_i_d_map = map_obj
    file_obj = output.PDFFontStream(contents=font_file)
    producer._add_pdf_obj(file_obj, "fonts")
    descriptor.font_file2 = file_obj
    font.subset.pick.cache_clear()
    font.subset.get_glyph.cache_clear()
    font.close()
    return composite


def _fast_add_fonts(original, output, is_basic, whole):
    """fpdf2's ``_add_fonts`` for a document whose fonts are all basic subsets (embedded whole):
    the same objects in the same order, with the CID-to-glyph map (128 KB a font) made as
    bytes, not as a list of 131,072 one-character strings joined; any other document (a font
    cut down, a core, colour or CFF font, a missing glyph, PDF/A-1) goes to fpdf2."""
    from fpdf.fonts import TTFFont

    def is_plain(font) -> bool:
        return (
            type(font) is TTFFont
            and not font.color_font
            and not font.is_cff
            and not font.missing_glyphs
            and is_basic(font.ttfont)
        )

    @functools.wraps(original)
    def _add_fonts(self, *args, **kwargs):
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        compliance = self.fpdf._compliance
        if (
            not (FONTS and fonts and whole() and all(is_plain(font) for font in fonts))
            or compliance
            and compliance.profile == "PDFA"
            and compliance.part == 1
        ):
            return original(self, *args, **kwargs)
        made = {font.i: _embed_whole(self, font, output) for font in fonts}
        _add_fonts.written += 1
        return made

    _add_fonts._dryneedle = True
    _add_fonts.written = 0  # documents whose fonts this wrote (tests check it is used)
    return _add_fonts


def install_fonts(is_basic, whole) -> None:
    """Put the font writing above in place, once (``render/fonts.py``, with its test for a
    basic subset and for its subsetting being the one that keeps a basic subset whole); if
    fpdf2's output module ever differs, nothing is changed."""
    if not ENABLED:
        return
    from fpdf import output

    producer = getattr(output, "OutputProducer", None)
    original = getattr(producer, "_add_fonts", None)
    needed = ("PDFFont", "CIDSystemInfo", "PDFFontStream", "PDFContentStream", "BytesIO")
    if (
        original is None
        or getattr(original, "_dryneedle", False)
        or not all(hasattr(output, name) for name in needed)
        or not callable(getattr(output, "_tt_font_widths", None))
        or not callable(getattr(output, "_build_cmap_blocks", None))
        or not hasattr(output, "ftsubset")
    ):
        return
    producer._add_fonts = _fast_add_fonts(original, output, is_basic, whole)


class _Zlib:
    """``zlib`` for fpdf2's syntax module, with large compressed results kept."""

    def __init__(self):
        self.kept: OrderedDict[tuple[bytes, int], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(zlib, name)

    def compress(self, data, /, level=-1, **kwargs):
        if len(data) < _BIG or kwargs:
            return zlib.compress(data, level, **kwargs)
        key = (bytes(data), level)
        with self.lock:  # the service draws sheets in threads
            out = self.kept.get(key)
            if out is not None:
                self.kept.move_to_end(key)
                return out
        out = zlib.compress(data, level)
        with self.lock:
            self.kept[key] = out
            while len(self.kept) > _KEEP:
                self.kept.popitem(last=False)
        return out


def install() -> None:
    """Put the object writing and the compression in place, once; if fpdf2's syntax module
    ever differs, nothing is changed."""
    if not ENABLED:
        return
    from fpdf import syntax

    obj = getattr(syntax, "PDFObject", None)
    original = getattr(obj, "_build_obj_dict", None)
    if (
        original is not None
        and not getattr(original, "_dryneedle", False)
        and callable(getattr(syntax, "build_obj_dict", None))
    ):
        obj._build_obj_dict = _fast_build_obj_dict(original, syntax)
    original = getattr(obj, "serialize", None)
    if original is not None and not getattr(original, "_dryneedle", False):
        obj.serialize = _fast_serialize(original, syntax)
    if getattr(syntax, "zlib", None) is zlib:
        syntax.zlib = _Zlib()


def _plain(pdf, text: str, h: float) -> bool:
    """Text ``cell`` and ``run`` may draw themselves: in the current TrueType font alone, no
    shaping, no page-total alias in it, no underline, strike-through, raised or outlined text,
    no character spacing or stretching, on a page, and no page break due."""
    from fpdf.enums import CharVPos, TextMode

    font = pdf.current_font
    alias = pdf.str_alias_nb_pages
    return bool(
        LINES
        and text
        and pdf.page
        and not pdf.text_shaping
        and not pdf._fallback_font_ids
        and not (alias and alias in text)
        and getattr(font, "subset", None) is not None
        and not getattr(font, "color_font", True)
        and not pdf.underline
        and not pdf.strikethrough
        and pdf.char_vpos is CharVPos.LINE
        and pdf.text_mode is TextMode.FILL
        and not pdf.char_spacing
        and pdf.font_stretching == 100
        and not pdf._record_text_quad_points
        and not pdf.will_page_break(h)
    )


@functools.lru_cache(maxsize=64)
def _color_op(color) -> str:
    """The operator that sets ``color`` as fpdf2 writes it for text (a colour is a tuple: the
    same colour, the same words)."""
    return color.serialize().lower()


def _text(pdf, start: float, h: float, text: str) -> None:
    """What fpdf2's ``_render_styled_text_line`` writes for one fragment of ``text`` in the
    current font and colour whose first character is at ``start``: the operators and glyph
    codes."""
    k, font = pdf.k, pdf.current_font
    y = (pdf.h - pdf.y - 0.5 * h - 0.3 * pdf.font_size) * k
    parts = [f"BT {start * k:.2f} {y:.2f} Td"]
    color = pdf.text_color
    changed = color != pdf.fill_color  # drawn with the text colour, then put back
    if changed:
        parts.append(_color_op(color))
    if not pdf.current_font_is_set_on_page:
        pdf._out(pdf._set_font_for_page(font, pdf.font_size_pt))
    pick = font.subset.pick
    codes = [pick(ord(c)) for c in text]
    parts.append(f"({font.escape_text(''.join(chr(c) for c in codes if c))}) Tj")
    parts.append("ET")
    drawn = " ".join(parts)
    pdf._out(f"q {drawn} Q" if changed else drawn)
    pdf._lasth = h


def run(pdf, h: float, text: str) -> None:
    """``pdf.write(h, text)`` for text that fits, whole, on the rest of the current line:
    drawn where fpdf2's ``write`` draws it, and the position left after its last character
    (the same sum fpdf2 makes); anything else (``_plain``'s cases, a line break, a soft
    hyphen, text that would wrap) goes to ``write``."""
    fits = _plain(pdf, text, h) and not any(c in _NOT_RUN for c in text)
    if fits:
        width = pdf.current_font.get_text_width(text, pdf.font_size_pt, None)[1] / pdf.k
        room = pdf.w - pdf.x - pdf.r_margin - 2 * pdf.c_margin
        fits = width <= room - 0.01  # near enough to the edge is left to fpdf2 too
    if not fits:
        pdf.write(h, text)
        return
    start = pdf.x + pdf.c_margin
    _text(pdf, start, h, text)
    pdf.x = start + width - pdf.c_margin


def cell(
    pdf, w: float, h: float, text: str, align: str = "L", new_x: str = "RIGHT", new_y: str = "TOP"
) -> None:
    """``pdf.cell(w, h, text, align=align, new_x=new_x, new_y=new_y)`` for a one-line cell with
    no border, fill or link: the text placed (left or centre) as fpdf2 places it, then
    the position ``new_x`` (RIGHT or LMARGIN) and ``new_y`` (TOP or NEXT) says. The same bytes
    as fpdf2's ``cell`` (``_render_styled_text_line`` with one fragment in the current font and
    colour); any other cell goes to ``cell``."""
    if not (
        _plain(pdf, text, h)
        and w > 0
        and align in _ALIGNED
        and new_x in ("RIGHT", "LMARGIN")
        and new_y in ("TOP", "NEXT")
    ):
        from fpdf.enums import XPos, YPos

        pdf.cell(w, h, text, align=align, new_x=XPos[new_x], new_y=YPos[new_y])
        return
    if align == "L":
        dx = pdf.c_margin
    else:  # centred on the text's width, as fpdf2 sums it for one fragment
        width = pdf.current_font.get_text_width(text, pdf.font_size_pt, None)[1] / pdf.k
        dx = (w - width) / 2
    _text(pdf, pdf.x + dx, h, text)
    if new_x == "RIGHT":
        pdf.x += w
    else:
        pdf.x = pdf.l_margin
    if new_y == "NEXT":
        pdf.y += h


def line(pdf, w: float, h: float, text: str) -> None:
    """``pdf.cell(w, h, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)``: one left-aligned line,
    then the next line's start (``cell``)."""
    cell(pdf, w, h, text, "L", "LMARGIN", "NEXT")


def replayed(pdf, key: tuple, draw) -> None:
    """``draw()`` on the current page, or the operators it wrote the last time with the same
    ``key`` (everything that decides what it draws), page size and starting line width and
    colours; kept only when it changed nothing but those (``_STATE``) and the page's content."""
    if not REPLAY:
        draw()
        return
    before = tuple(getattr(pdf, name) for name in _STATE)
    full = (key, pdf.w, pdf.h, pdf.k, before)
    page = pdf.page
    with _DRAWN_LOCK:
        kept = _DRAWN.get(full)
        if kept is not None:
            _DRAWN.move_to_end(full)
    if kept is not None:
        data, after = kept
        pdf.pages[page].contents.extend(data)
        for name, value in zip(_STATE, after, strict=True):
            setattr(pdf, name, value)
        return
    state = pdf._get_current_graphics_state().as_kwargs()
    contents = pdf.pages[page].contents
    start = len(contents)
    draw()
    if pdf.page != page or not isinstance(contents, bytearray):
        return
    now = pdf._get_current_graphics_state().as_kwargs()
    if any(now[name] != value for name, value in state.items() if name not in _STATE):
        return
    with _DRAWN_LOCK:
        _DRAWN[full] = (bytes(contents[start:]), tuple(getattr(pdf, name) for name in _STATE))
        while len(_DRAWN) > _KEEP_DRAWN:
            _DRAWN.popitem(last=False)
