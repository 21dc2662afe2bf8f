"""A handout as PDF (fpdf2), with an embedded Unicode font so any name prints as typed.

Imported only when a PDF is made. The bundled font is DejaVu Sans (licence in
``dryneedle_cli/fonts``). Characters it lacks are drawn from ``--font`` or from a system font
found by fontconfig; if no font has them, the sheet is refused with a clear message rather
than printed with empty boxes (``render/fonts.py`` chooses and loads the fonts). Text in a
right-to-left or complex script (an Arabic or Hebrew name, a note in Hindi) is shaped with
HarfBuzz (fpdf2's text shaping, through uharfbuzz): each such line only, so the layout of every
other line is unchanged. Normal sheets print their body at 11 pt in two columns and take the
pages they need (issue 23: two clean pages beat one page a patient cannot read); large print
(one column, 18 pt unless 17 or 16 pt saves a page) takes two to four pages. A section is never
split across pages (so a heading is never left alone at the foot of a page, and a warning box
is always whole; a part of questions breaks between two questions) and the footer, with "page
N of M", is reserved at the bottom of each. Every section is drawn by its style (``_Parts``),
the same on a sheet and a form. Sources are numbered marks ([1]) under the body sections
(never in a warning box, the key points or numbered steps: ``views.UNMARKED``) and one short
numbered list in 9 pt right after the body, never a line of names inside the patient text and
never a page of its own (``keep_sources_company``).
"""

from __future__ import annotations

import contextlib
import re
import warnings
from pathlib import Path

# first: it imports fpdf2 without the optional packages a sheet never uses
from dryneedle_cli.render import fonts  # isort: skip
from fpdf import FPDF
from fpdf.drawing_primitives import convert_to_device_color
from fpdf.enums import MethodReturnValue

from dryneedle_cli.errors import ContentError, DryneedleError, ExitCode, OutputError
from dryneedle_cli.render import body, fpdf_fast, tagged
from dryneedle_cli.render.fonts import check_font  # noqa: F401 - for the CLI's and batch's checks
from dryneedle_cli.render.scripts import NBSP, keep_numbers_together, needs_shaping
from dryneedle_cli.views import FormHandout, Handout

PAPER = {"letter": "Letter", "a4": "A4"}
NAVY, RED, GREY, BLACK = (31, 78, 121), (176, 0, 32), (85, 85, 85), (17, 17, 17)
MARGIN, GAP = 12.0, 7.0
LARGE_SIZES = (18.0, 17.0, 16.0)  # large print: the largest of these at the fewest pages
NORMAL_SIZE = 11.0  # the body type of a normal sheet or form (issue 23: at least 11 pt)
# the most pages a sheet takes at normal size and in large print, measured over every sheet,
# language, paper, profile and area set of tests/test_layout.py (3: the longest clinic profile
# with two notes, or Spanish with every area; 2 for most sheets)
MAX_PAGES = (3, 7)
MARK_SCALE = 0.78  # a section's source marks ([1] [2]), small and grey
SOURCES_SCALE = 0.85  # the numbered list of sources at the end, in large print
# Issue 23: on a normal sheet or form the list is 9 pt on the body's leading (14 pt at 11 pt),
# right after the body; large print keeps its own sizes (SOURCES_SCALE of the large size)
SOURCES_SIZE = 9.0


_HEIGHTS: dict[tuple, float] = {}
_LINES: dict[tuple, list[str]] = {}
# characters the quick line breaker leaves to fpdf2: other breaking spaces, tab, soft hyphen,
# form feed, carriage return
_ODD_CHARS = re.compile("[\u200b\u2000-\u200a\u205f\u3000\t\u00ad\f\r]")


@contextlib.contextmanager
def _quiet_fpdf():
    """fpdf2 logs what it skips in an SVG (a <title>, a filter) on stderr: not the user's
    concern once the logo has passed ``clinic.check_logo``."""
    import logging

    loggers = [logging.getLogger(n) for n in ("fpdf.svg", "fpdf.image_parsing")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


_DEVICE: dict[tuple, object] = {}  # an RGB colour -> fpdf2's device colour for it


class ShapingUnavailable(DryneedleError):
    """Right-to-left or complex-script text, and no shaping engine to print it (exit 3)."""

    exit_code = ExitCode.BAD_CONTENT


def require_shaping(h: Handout) -> bool:
    """True when the sheet holds text that needs shaping; refused (exit 3, with the fix) when
    uharfbuzz cannot be imported, rather than printing the letters reversed and unjoined."""
    text = fonts.texts(h)
    if not needs_shaping(text):
        return False
    try:
        import uharfbuzz  # noqa: F401 - fpdf2's shaping engine
    except ImportError:
        shown = " ".join(
            f"U+{ord(c):04X}" for c in sorted({c for c in text if needs_shaping(c)})[:3]
        )
        raise ShapingUnavailable(
            f"the sheet holds right-to-left or complex-script text ({shown}) and the shaping "
            "package uharfbuzz is missing, so it would print reversed and unjoined; install "
            "it with: pip install uharfbuzz (or use --format html)"
        ) from None
    return True


class TooLong(Exception):
    """A try at one type size has gone past the pages it may take: the next size is tried."""


class _Engine(FPDF):
    """The drawing engine of every printed PDF, sheet or form: fonts, tagging (PDF/UA, through
    ``render/tagged.py``), wrapped text blocks, sections drawn by their style, columns, the body
    outline, the footer and the room left on a page; its ``parts`` (``_Parts``) draw each
    section by its style, the same on a sheet and a form. What is drawn where is the
    ``layout``'s (``_Sheet`` or ``_Form``, below): it holds the engine, and the engine calls its
    ``on_page`` on each new page."""

    max_pages: int | None = None  # set for a try whose result is kept only if this short
    top = MARGIN  # where the content of a page starts (below a form's running header)
    footer_page = True  # "Page N of M" in the footer (a form has it in its running header)
    sources_alone = 0  # pages that hold nothing but sources (issue 23: there should be none)
    carry = 0  # how many of the last body sections start a new page with the list of sources
    carried = None  # the first of them (``keep_with_sources``)
    layout = None  # the sheet or form drawn with this engine

    def add_page(self, *args, **kwargs):
        if self.max_pages is not None and self.page >= self.max_pages:
            raise TooLong  # the rest of this try would be drawn for nothing
        super().add_page(*args, **kwargs)
        if self.layout is not None:
            self.layout.on_page()

    def __init__(self, h: Handout, size: float, extra_font: Path | None):
        super().__init__(unit="mm", format=PAPER[h.paper])
        self.hand, self.size = h, size
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        regular, bold = fonts.body(h, extra_font)  # a subset of DejaVu Sans when it has them all
        fonts.add_font(self, "body", "", regular)
        fonts.add_font(self, "body", "B", bold)
        if extra_font is not None:
            try:
                fonts.add_font(self, "extra", "", extra_font)
                fonts.add_font(self, "extra", "B", extra_font)
            except Exception:  # noqa: BLE001 - a font file fpdf2 cannot use
                raise OutputError(f"--font {extra_font}: this font cannot be embedded") from None
            self.set_fallback_fonts(["extra"])
        self.shaping = False  # fpdf2's text shaping, on only for lines that need it
        self.set_title(h.page.title)  # never the patient's name
        self.set_author(h.clinic.name if h.clinic else "dryneedle")
        self.set_creator("dryneedle")
        self.set_lang(h.page.lang)  # the document's language, for screen readers
        self.line_h = size * 0.45
        self.notice = h.notice  # the footer's last line (a form's names its copy)
        self.parts = _Parts(self)  # every section drawn by its style, sheet or form
        # tagged PDF/UA-1: what is drawn is marked as content of a structure element or as
        # an artifact (render/tagged.py)
        self.tags = tagged.Tagger(self, h.page.lang)
        tagged.finish(self, h.page.title, h.page.lang, h.clinic.name if h.clinic else "dryneedle")

    # rules, box borders and the outline's shapes are artifacts unless drawn inside content
    def line(self, *args, **kwargs):
        with self.tags.artifact():
            return super().line(*args, **kwargs)

    def rect(self, *args, **kwargs):
        with self.tags.artifact():
            return super().rect(*args, **kwargs)

    def circle(self, *args, **kwargs):
        with self.tags.artifact():
            return super().circle(*args, **kwargs)

    def ellipse(self, *args, **kwargs):
        with self.tags.artifact():
            return super().ellipse(*args, **kwargs)

    def tag(self, kind: str, text: str = "", measure: bool = False, **kwargs):
        """``self.tags.content`` when drawing, nothing when only measuring."""
        if measure:
            return contextlib.nullcontext()
        return self.tags.content(kind, text, **kwargs)

    def tag_group(self, kind: str, measure: bool = False, **kwargs):
        if measure:
            return contextlib.nullcontext()
        return self.tags.group(kind, **kwargs)

    # ----------------------------------------------------------------- pieces

    def shape(self, text: str) -> None:
        """Text shaping on for a line in a right-to-left or complex script, off otherwise."""
        want = needs_shaping(text)
        if want != self.shaping:
            self.set_text_shaping(want)
            self.shaping = want

    def font(self, scale=1.0, bold=False, color=BLACK):
        """The body font at ``scale`` of the size, bold or not, in ``color``. fpdf2 is asked
        only for what changes: a sheet sets its font and colour before every block of text,
        and most of the time they are the ones already set."""
        style = "B" if bold else ""
        size = self.size * scale
        font = self.current_font
        if not (
            self.font_size_pt == size
            and self.font_style == style
            and self.font_family == "body"
            and font is not None
            and font.fontkey == "body" + style
            and not self.underline
            and not self.strikethrough
        ):
            self.set_font("body", style, size)
        device = _DEVICE.get(color)
        if device is None:
            device = _DEVICE[color] = convert_to_device_color(*color)
        if self.text_color != device:
            self.text_color = device

    def text_block(
        self, x, w, text, scale=1.0, bold=False, color=BLACK, measure=False, tag="P", lead=None
    ):
        """Draw (or measure) left-aligned wrapped text at x, from the current y; its height.
        Drawn, it is one structure element ``tag`` (P, H1, H2, LBody ...). ``lead``: the
        line height as a share of the body's (the type's ``scale`` when not given).

        Line breaks are worked out once per text, width and size and reused, since most of a
        sheet's text is the same on every sheet of a batch.
        """
        self.font(scale, bold, color)
        self.shape(text)
        text = keep_numbers_together(text)
        key = (text, round(w, 3), self.size * scale, bold)
        lines = _LINES.get(key)
        if lines is None:
            lines = self.break_lines(w, text)
            if lines is None:  # text the quick breaker leaves to fpdf2 (shaping, fallback fonts)
                self.set_x(x)
                lines = self.multi_cell(
                    w, 1, text, dry_run=True, output=MethodReturnValue.LINES, align="L"
                )
            _LINES[key] = lines
        line_h = self.line_h * (scale if lead is None else lead)
        if not measure:
            with self.tags.content(tag, text):
                for line in lines:
                    self.set_x(x)
                    fpdf_fast.line(self, w, line_h, line)
        return line_h * len(lines)

    def break_lines(self, w: float, text: str) -> list[str] | None:
        """The lines of ``text`` in width ``w``, as fpdf2 breaks them (``quick_lines``)."""
        return quick_lines(self, w, text)

    def measure(self, s, w: float) -> float:
        """A section's height, remembered across the sheets of a batch (same text, same size,
        same source marks)."""
        key = (s, round(w, 3), self.size, self.hand.marks_of(s))
        if key not in _HEIGHTS:
            _HEIGHTS[key] = self.section(s, 0, 0, w, measure=True)
        return _HEIGHTS[key]

    def section(self, s, x, y, w, measure=False) -> float:
        """Draw (or only measure) one section at (x, y) in width w, by its style
        (``_Parts``); return its height."""
        with self.tag_group("Sect", measure):
            return self.parts.draw(s, x, y, w, measure)

    def flow(self, s, y: float, w: float) -> float:
        """One section down the one column from ``y``, on a new page when it does not fit
        (a section is never split, and one kept with the list of sources starts a page:
        ``page_break``), except a part whose rows may run on (``FLOWING``: questions); the y
        below it."""
        if s.style in FLOWING:
            return self.parts.flow(s, y, w)
        y = self.room(self.page_break(y, s), self.measure(s, w))
        return y + self.section(s, MARGIN, y, w)

    # ----------------------------------------------------------------- page

    def footer_height(self) -> float:
        """The space the footer keeps at the bottom of every page (measured, so it may wrap),
        with the line "Page N of M"."""
        width = self.w - 2 * MARGIN
        return (
            2.0
            + sum(
                self.text_block(MARGIN, width, t, scale, bold, measure=True)
                for t, scale, bold, _ in self.footer_parts()
            )
            + (self.line_h * 0.85 if self.footer_page else 0.0)
        )

    def page_label(self) -> str:
        """ "Page N of M" for this page (M is fpdf2's alias, filled in when the file is written)."""
        label = self.hand.labels.get("page_of", "{page} / {pages}")
        return label.replace("{page}", str(self.page)).replace("{pages}", "{nb}")

    def footer_parts(self):
        h = self.hand
        return [
            (t, scale, bold, color)
            for t, scale, bold, color in (
                (h.emergency, 1.0, True, RED),
                (h.questions, 1.0, True, BLACK),
                (self.notice, 0.78, False, GREY),
            )
            if t
        ]

    def room(self, y: float, need: float) -> float:
        """``y`` if ``need`` fits above the footer, else the top of a new page."""
        if y + need <= self.bottom or y <= self.top + 0.01:
            return y
        self.footer_lines()
        self.add_page()
        return self.top

    def sources_block(self, y: float, width: float) -> float:
        """The numbered list of sources, right after the body (``_sources_list``)."""
        return _sources_list(self, y, width)

    def outline_block(self, y: float, width: float, caption: str, alt: str, notes=()) -> float:
        """The body outline, "Front" and "Back" under its two views, and beside it the areas
        and the caption that says what to do (and a note box when given); the y below."""
        h = self.hand
        fig_w = 60 if h.large_print else 44
        fig_h = fig_w * 200 / 210
        cap_x, cap_w = MARGIN + fig_w + 5, width - fig_w - 5
        title = f"{caption}: {h.area_names}"
        what = h.outline_caption
        cap_h = 2 + self.text_block(cap_x, cap_w, title, 1.1, True, measure=True)
        if what:
            cap_h += self.text_block(cap_x, cap_w, what, measure=True) + 1.5
        label_h = self.line_h * 0.85 + 1
        notes_h = sum(self.measure(s, cap_w) for s in notes)
        need = max(fig_h + label_h, cap_h + notes_h)
        y = self.room(y, need)
        with self.figure(MARGIN, y, fig_w, fig_h, f"{alt} {h.area_names}"):
            shaded = frozenset(a for a, _ in h.areas)
            fpdf_fast.replayed(
                self,
                ("outline", MARGIN, y, fig_w / 210, shaded),
                lambda: draw_outline(self, MARGIN, y, fig_w / 210, shaded),
            )
        # "Front" under the left view, "Back" under the right one (each view is 100 of 210)
        view_w = fig_w * 100 / 210
        for n, side in enumerate((h.labels["front"], h.labels["back"])):
            self.font(0.85, False, GREY)
            self.shape(side)
            self.set_xy(MARGIN + n * fig_w * 110 / 210, y + fig_h + 0.5)
            with self.tags.content("P", side):
                fpdf_fast.cell(self, view_w, self.line_h * 0.85, side, "C")
        self.set_y(y + 2)
        cap_y = y + 2 + self.text_block(cap_x, cap_w, title, 1.1, True)
        if what:
            self.set_y(cap_y)
            cap_y += self.text_block(cap_x, cap_w, what) + 1.5
        note_y = y + cap_h
        for s in notes:
            note_y += self.section(s, cap_x, note_y, cap_w)
        return y + need + 2

    def keep_with_sources(self, body) -> None:
        """Issue 23: the list of sources never has a page to itself. ``render`` tries again
        with ``carry`` set when it had: the last ``carry`` sections of ``body`` (the sections in
        the order drawn) then start a new page, and the list follows them."""
        self.carried = body[-self.carry] if 0 < self.carry <= len(body) else None

    def page_break(self, y: float, s) -> float:
        """The top of a new page before the carried section ``s`` (``keep_with_sources``),
        else ``y``."""
        if s is not self.carried or y <= self.top + 0.01:
            return y
        self.footer_lines()
        self.add_page()
        return self.top

    def two_columns(self, sections, top: float, col_w: float) -> float:
        """Sections in two columns, a section never split, the columns as even as the order
        allows; what does not fit goes on to a new page, in balanced columns again (a handout
        is then made smaller). The y below the lower column."""
        k = next((i for i, s in enumerate(sections) if s is self.carried), None)
        if k:  # the sections before the carried one, then the rest from a new page
            return self.two_columns(sections[k:], self.two_columns(sections[:k], top, col_w), col_w)
        if k == 0:
            top = self.page_break(top, sections[0])
        heights = [self.measure(s, col_w) for s in sections]
        total = sum(heights)
        # the first column takes sections until it holds at least half
        split, acc = len(sections), 0.0
        for i, hgt in enumerate(heights):
            if acc + hgt / 2 > total / 2 and i > 0:
                split = i
                break
            acc += hgt
        col_h = (sum(heights[:split]), sum(heights[split:]))
        if top + max(col_h) <= self.bottom:  # balanced columns fit
            for col, group in enumerate((sections[:split], sections[split:])):
                y = top
                for s in group:
                    y += self.section(s, MARGIN + col * (col_w + GAP), y, col_w)
            return top + max(col_h)
        col, y, low = 0, top, top  # else fill the first column, then the second, then a page
        for i, (s, need) in enumerate(zip(sections, heights, strict=True)):
            # a section that does not fit goes to the next column, or to a new page; only at
            # the top of a page is it drawn whatever its height
            while y + need > self.bottom and not (y <= self.top + 0.01):
                col, y = col + 1, top
                if col == 2:  # the rest starts a new page
                    self.footer_lines()
                    self.add_page()
                    return self.two_columns(sections[i:], self.top, col_w)
                if y + need <= self.bottom:
                    break
            y += self.section(s, MARGIN + col * (col_w + GAP), y, col_w)
            low = max(low, y)
        return low

    def footer_lines(self):
        """The footer. Each of its lines is content the first time it is drawn (it holds the
        emergency line: a screen reader must read it), and a pagination artifact where a later
        page repeats it (read once, not on every page)."""
        read = self.__dict__.setdefault("_footers_read", set())
        width = self.w - 2 * MARGIN
        y = self.h - MARGIN - self.footer_height() + 1.0
        self.set_draw_color(*GREY)
        self.set_line_width(0.3)
        self.line(MARGIN, y - 1, self.w - MARGIN, y - 1)
        self.set_y(y)
        with self.tags.at_root():
            for text, scale, bold, color in self.footer_parts():
                if text in read and self.footer_repeats(text):
                    with self.tags.artifact("Pagination", "Footer"):
                        y += self.text_block(MARGIN, width, text, scale, bold, color)
                else:
                    read.add(text)
                    y += self.text_block(MARGIN, width, text, scale, bold, color)
                self.set_y(y)
            if not self.footer_page:
                return
            with self.tags.artifact("Pagination", "Footer"):  # "Page N of M"
                self.font(0.85, False, GREY)
                self.shape("")
                self.set_xy(MARGIN, y)
                self.cell(width, self.line_h * 0.85, self.page_label(), align="R")

    def footer_repeats(self, text: str) -> bool:
        """Whether a footer line read once may be an artifact where it comes again."""
        return True

    def figure(self, x: float, y: float, w: float, h: float, alt: str):
        """A Figure element with its alternative text and its box (in points, from the
        bottom of the page) around what is drawn inside."""
        k, top = self.k, self.h - y
        box = f"[{x * k:.2f} {(top - h) * k:.2f} {(x + w) * k:.2f} {top * k:.2f}]"
        return self.tags.content("Figure", alt=alt, attrs=f"<</O /Layout /BBox {box}>>")

    def logo_tag(self):
        """The clinic's logo: a Figure named by labels.yaml ("Logo of {clinic}")."""
        return self.figure(self.w - MARGIN - 40, MARGIN, 40, 14, self.hand.logo_alt)


# ------------------------------------------------------------------ the parts, by style
# Every section of a sheet or a form is drawn by ``_Parts.draw``: the drawer of its style in
# ``_Parts.DRAWERS`` (a list under its heading by default: bullets, numbered steps, a
# checklist's boxes; boxed for a warning, a note and the key points), the same on both
# documents. Lines to write on, signature rows and questions with their answer boxes are styles
# like any other: a sheet with such a part draws it as a form does.

FLOWING = ("questions",)  # parts whose rows may run on to the next page (``_Engine.flow``)
WRITE = 7.0  # mm of room to write on a line


class _Parts:
    """The drawers of the sections of one PDF (held by its engine ``pdf``): ``draw`` picks a
    section's by its style. ``asked`` is the number of the last question drawn (questions are
    numbered on across the parts of a form; a layout sets it back to 0 for each copy)."""

    DRAWERS = {"lines": "lines", "signature": "signature", "questions": "questions"}

    def __init__(self, pdf):
        self.pdf = pdf
        self.asked = 0

    def draw(self, s, x, y, w, measure=False) -> float:
        """Draw (or measure) section ``s`` at (x, y) in width w by its style; its height."""
        return getattr(self, self.DRAWERS.get(s.style, "items"))(s, x, y, w, measure)

    def items(self, s, x, y, w, measure=False) -> float:
        """A list (bullets, numbered steps, a checklist's boxes) under its heading and text,
        boxed for a warning, a note and the key points; its source marks under it."""
        pdf = self.pdf
        warning = s.style == "warning"
        listed = s.style == "sources"  # the numbered list of sources at the end
        item_scale = SOURCES_SCALE if listed else 1.0
        boxed = warning or s.style in ("note", "keypoints")
        pad = 2.5 if boxed else 0.0
        inner_x, inner_w = x + pad, w - 2 * pad
        pdf.set_y(y + pad)
        height = pad
        color = RED if warning else NAVY
        height += pdf.text_block(inner_x, inner_w, s.heading, 1.12, True, color, measure, "H2")
        if not measure:
            pdf.set_y(y + height)
        if s.text:
            height += pdf.text_block(inner_x, inner_w, s.text, 1.0, warning, BLACK, measure)
            if not measure:
                pdf.set_y(y + height)
        with pdf.tag_group("L", measure):
            for n, item in enumerate(s.items, 1):
                marker = {"steps": f"{n}.", "checklist": "☐", "sources": f"[{n}]"}.get(s.style, "•")
                indent = pdf.size * (0.95 if listed else 0.55)
                with pdf.tag_group("LI", measure):
                    if not measure:
                        pdf.font(item_scale, warning)
                        pdf.shape(marker)
                        pdf.set_xy(inner_x, y + height)
                        with pdf.tag("Lbl", marker):
                            fpdf_fast.cell(pdf, indent, pdf.line_h * item_scale, marker)
                    height += pdf.text_block(
                        inner_x + indent, inner_w - indent, item, item_scale, warning, BLACK,
                        measure, "LBody",
                    )  # fmt: skip
                if not measure:
                    pdf.set_y(y + height)
        marks = pdf.hand.marks_of(s)
        if marks:  # a body section's sources as numbers; the list is at the end
            if not measure:
                pdf.set_y(y + height)
            height += pdf.text_block(inner_x, inner_w, marks, MARK_SCALE, False, GREY, measure)
        height += pad
        if boxed and not measure:
            pdf.set_draw_color(*(RED if warning else NAVY))
            pdf.set_line_width(0.8)
            pdf.rect(x, y, w, height)
        return height + pdf.line_h * 0.6

    def rule(self, x0: float, x1: float, y: float) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.3)
        pdf.line(x0, y, x1, y)

    def box(self, x: float, y: float, side: float) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*BLACK)
        pdf.set_line_width(0.3)
        pdf.rect(x, y, side, side)

    def write_lines(self, x: float, y: float, w: float, n: int, measure: bool) -> float:
        """``n`` empty lines to write on; their height."""
        for i in range(n):
            if not measure:
                self.rule(x, x + w, y + WRITE * (i + 1) - 1)
        return WRITE * n

    def cells(self, x: float, y: float, w: float, labels, measure: bool) -> float:
        """One row to sign: a line per label (Name, Signature, Date) with the label under it;
        the row's height."""
        pdf = self.pdf
        # the last line (the date) is short; the others share the rest
        weights = [1.0] * len(labels)
        if len(labels) >= 2:
            weights[-1] = 0.55
        unit = (w - 4 * (len(labels) - 1)) / sum(weights)
        # the tallest label under its own line ("How you are related" wraps in large print)
        label_h = max(
            pdf.text_block(x, unit * weight, lbl, 0.78, measure=True)
            for lbl, weight in zip(labels, weights, strict=True)
        )
        if not measure:
            cx = x
            for lbl, weight in zip(labels, weights, strict=True):
                cw = unit * weight
                self.rule(cx, cx + cw, y + WRITE)
                pdf.set_y(y + WRITE + 0.5)
                pdf.text_block(cx, cw, lbl, 0.78, False, GREY)
                cx += cw + 4
        return WRITE + 0.5 + label_h

    # ----------------------------------------------------------------- sections

    def head(self, s, x, y, w, measure, scale: float, gap: float) -> float:
        """A form part's heading (an H2) and its text, ``gap`` after the text; their height."""
        pdf = self.pdf
        height = pdf.text_block(x, w, s.heading, scale, True, NAVY, measure=True)
        if not measure:
            pdf.set_y(y)
            pdf.text_block(x, w, s.heading, scale, True, NAVY, tag="H2")
        if s.text:
            if not measure:
                pdf.set_y(y + height)
            height += pdf.text_block(x, w, s.text, 1.0, False, BLACK, measure) + gap
        return height

    def lines(self, s, x, y, w, measure) -> float:
        """Each item with a line to write on under it."""
        pdf = self.pdf
        height = self.head(s, x, y, w, measure, 1.12, 1)
        for item in s.items:
            if not measure:
                pdf.set_y(y + height)
            height += pdf.text_block(x, w, item, 1.0, False, BLACK, measure)
            height += self.write_lines(x, y + height - 2, w, 1, measure)
        marks = pdf.hand.marks_of(s)
        if marks:
            if not measure:
                pdf.set_y(y + height)
            height += pdf.text_block(x, w, marks, MARK_SCALE, False, GREY, measure)
        return height + pdf.line_h * 0.6

    def signature(self, s, x, y, w, measure) -> float:
        """One row to sign: a line per item (Name, Signature, Date) with the item under it."""
        height = self.head(s, x, y, w, measure, 1.0, 0)
        height += self.cells(x, y + height, w, s.items, measure)
        return height + self.pdf.line_h * 0.5

    def question(self, n: int, text: str, x: float, y: float, w: float, measure=False) -> float:
        """One question: its number and words, then a box and a word for each answer, on
        the same line when they fit, else on the next."""
        pdf = self.pdf
        h = pdf.hand
        answers = [h.words["answer_yes"], h.words["answer_no"], h.words["answer_not_sure"]]
        side = pdf.line_h * 0.7
        pdf.font(1.0)
        gap = max(3.5, pdf.size * 0.4)  # room between one answer's word and the next box
        widths = [side + 1.2 + pdf.get_string_width(a) + gap for a in answers]
        boxes_w = sum(widths)
        num_w = pdf.size * 0.75
        text_w = w - num_w - boxes_w - 2
        beside = text_w >= w * 0.45
        if not beside:
            text_w = w - num_w
        text_h = pdf.text_block(x + num_w, text_w, text, 1.0, measure=True)
        height = text_h if beside else text_h + pdf.line_h
        if measure:
            return height + pdf.line_h * 0.35
        pdf.font(1.0, True)
        pdf.set_xy(x, y)
        # a row of the screening table: the question is the row's header, each answer a cell
        row = pdf.tags.group("TR")
        row.__enter__()
        with pdf.tags.content("TH", text, attrs="<</O /Table /Scope /Row>>"):
            fpdf_fast.cell(pdf, num_w, pdf.line_h, f"{n}.")
            pdf.set_y(y)
            pdf.text_block(x + num_w, text_w, text, 1.0)
        bx = x + w - boxes_w if beside else x + num_w
        by = y if beside else y + text_h
        if beside:  # a faint line from the words to the boxes, to read across
            pdf.set_draw_color(215, 215, 215)
            pdf.set_line_width(0.15)
            pdf.line(x + num_w, y + height + 0.6, x + w, y + height + 0.6)
        for answer, aw in zip(answers, widths, strict=True):
            with pdf.tags.content("TD"):
                self.box(bx, by + (pdf.line_h - side) / 2, side)
                pdf.font(1.0)
                pdf.set_xy(bx + side + 1.2, by)
                fpdf_fast.cell(pdf, aw - side - 1.2, pdf.line_h, answer)
            bx += aw
        row.__exit__(None, None, None)
        return height + pdf.line_h * 0.35

    def questions(self, s, x, y, w, measure=False) -> float:
        """Numbered questions under their heading, a row of a table each, in one block (in a
        column of a sheet); a form's run on across pages (``flow``)."""
        pdf = self.pdf
        height = pdf.text_block(x, w, s.heading, 1.12, True, NAVY, measure=True)
        if not measure:
            pdf.set_y(y)
            pdf.text_block(x, w, s.heading, 1.12, True, NAVY, tag="H2")
        height += 0.5
        n = self.asked
        with pdf.tag_group("Table", measure):
            for item in s.items:
                n += 1
                height += self.question(n, item, x, y + height, w, measure)
        if not measure:
            self.asked = n
        return height + pdf.line_h * 0.4  # no marks under the questions (``views.UNMARKED``)

    def flow(self, s, y: float, width: float) -> float:
        """A part of questions down the one column from ``y``, a page break between two
        questions where one does not fit (the heading never alone at the foot of a page); the
        y below it."""
        pdf = self.pdf
        head = pdf.text_block(MARGIN, width, s.heading, 1.12, True, NAVY, measure=True)
        first = self.question(self.asked + 1, s.items[0], MARGIN, 0, width, measure=True)
        y = pdf.room(y, head + 0.6 + first)
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width, s.heading, 1.12, True, NAVY, tag="H2") + 0.5
        with pdf.tags.group("Table"):
            for item in s.items:
                self.asked += 1
                n = self.asked
                y = pdf.room(y, self.question(n, item, MARGIN, 0, width, measure=True))
                y += self.question(n, item, MARGIN, y, width)
        return y + pdf.line_h * 0.4  # no marks under the questions (``views.UNMARKED``)


def masthead(pdf: _Engine, y: float, width: float) -> float:
    """The clinic's name, contact lines and logo at ``y`` (sheets and forms alike); the y
    below them (``y`` without a clinic profile)."""
    h = pdf.hand
    if not h.clinic:
        return y
    logo = h.clinic.logo_path()
    if logo is not None:
        try:
            with warnings.catch_warnings(), _quiet_fpdf(), pdf.logo_tag():
                warnings.simplefilter("ignore")  # e.g. an SVG without a viewBox
                pdf.image(str(logo), x=pdf.w - MARGIN - 40, y=y, h=14, keep_aspect_ratio=True, w=40)
        except Exception as e:  # noqa: BLE001 - the profile was checked; still no crash
            raise ContentError(
                str(logo), "the logo cannot be drawn; use another PNG or SVG", field="logo"
            ) from e
    pdf.set_y(y)
    y += pdf.text_block(MARGIN, width - 45, h.clinic.name, 1.5, True, NAVY)
    contact = "\n".join(h.clinic.contact)
    if contact:
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width - 45, contact, 0.85)
    y = max(y, MARGIN + 15) + 1
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    return y + 2


class _Sheet:
    """The layout of a handout (aftercare, prepare) drawn with the engine ``pdf``: the clinic,
    the patient's details, the title, the warning signs first, the body outline, the rest in
    columns (one in large print), the list of sources last."""

    def __init__(self, pdf: _Engine):
        self.pdf = pdf
        pdf.layout = self

    def on_page(self) -> None:
        """Nothing more on a sheet's page: its footer has the page number."""

    def build(self) -> None:
        pdf = self.pdf
        h, p = pdf.hand, pdf.hand.page
        pdf.add_page()
        width = pdf.w - 2 * MARGIN
        pdf.bottom = pdf.h - MARGIN - pdf.footer_height() - 1.5
        y = masthead(pdf, MARGIN, width)
        if h.details:
            y = self.details(y, width)
        title_h = pdf.text_block(MARGIN, width, p.title, 1.45, True, measure=True)
        y = pdf.room(y, title_h)
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width, p.title, 1.45, True, tag="H1")
        y = pdf.room(y, pdf.text_block(MARGIN, width, p.summary, measure=True))
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width, p.summary) + 1.5
        notes = [s for s in p.sections if s.style == "note"]
        beside = bool(h.areas) and not h.large_print  # the notes' box beside the outline
        first = [s for s in h.first_sections if s.style != "note"]
        for s in first + ([] if beside else notes):
            y = pdf.flow(s, y, width)
        if h.areas:  # the body outline with the list of areas and what to do beside it
            y = pdf.outline_block(
                y, width, h.labels["areas"], h.labels["outline"], notes if beside else ()
            )
        # everything else in columns, a section never split; the sources' list last
        ncols = 1 if h.large_print else 2
        col_w = (width - GAP * (ncols - 1)) / ncols
        rest = list(h.other_sections)
        pdf.keep_with_sources(rest)
        if ncols == 2:
            y = pdf.two_columns(rest, y, col_w)
        else:
            for s in rest:
                y = pdf.flow(s, y, col_w)
        pdf.sources_block(y, width)  # the numbered list of sources, last
        pdf.footer_lines()

    def details(self, y: float, width: float) -> float:
        """The patient block: "Label: value" pairs on a line, a pair never split across lines
        unless it is longer than a line."""
        pdf = self.pdf
        h = pdf.hand
        lh = pdf.line_h * 1.1
        pdf.set_xy(MARGIN, y)
        for label, value in h.details:
            pdf.font(1.0, True)
            pdf.shape(label)
            w = pdf.get_string_width(f"{label}: ")
            pdf.font(1.0)
            pdf.shape(value)
            w += pdf.get_string_width(value)
            if pdf.get_x() > MARGIN + 0.01 and pdf.get_x() + w > pdf.w - MARGIN:
                pdf.set_xy(MARGIN, pdf.get_y() + lh)
            with pdf.tags.group("P"):
                pdf.font(1.0, True)
                pdf.shape(label)
                with pdf.tags.content("Span"):
                    fpdf_fast.run(pdf, lh, f"{label}: ")
                pdf.font(1.0)
                pdf.shape(value)
                with pdf.tags.content("Span", value):
                    fpdf_fast.run(pdf, lh, value)
                    pdf.shape("")  # the gap after a right-to-left value stays after it
                    fpdf_fast.run(pdf, lh, "     ")
        return pdf.get_y() + pdf.line_h * 1.6


def quick_lines(pdf: FPDF, w: float, text: str) -> list[str] | None:
    """The lines fpdf2's ``multi_cell(w, text, align="L")`` would make, each character
    measured once.

    fpdf2 re-measures a line from its start for every character it adds, then, in a dry
    run, lays every line out once more. This follows its word-wrap rules exactly (the
    same widths, the same float sums, the same tolerance; a no-break space prints as a
    space) for the plain case: one embedded font with every character, no shaping, no
    character spacing, no soft hyphen, no other kind of space. Anything else returns None
    and goes to fpdf2. ``tests/test_layout.py::test_quick_line_breaks_match_fpdf2`` checks
    every text of every sheet against fpdf2.
    """
    font = pdf.current_font
    if (
        not text
        or text.endswith("\n")
        or pdf.text_shaping
        or pdf.char_spacing
        or pdf.font_stretching != 100
        or getattr(font, "cw", None) is None
        or not isinstance(font.cw, dict)
        or _ODD_CHARS.search(text)
    ):
        return None
    cw = font.cw
    if any(ord(c) not in cw or not cw[ord(c)] for c in set(text) - {"\n"}):
        return None
    size, k = pdf.font_size_pt, pdf.k
    max_w = w
    for margin in (pdf.c_margin, pdf.c_margin):
        max_w -= float(margin)
    space_w = cw[32]
    lines: list[str] = []
    chars: list[str] = []
    units = 0  # the line's width in font units (a no-break space counted as a space)
    hint = None  # (len(chars), units) at the last space
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            lines.append("".join(chars))
            chars, units, hint = [], 0, None
            i += 1
            continue
        cu = cw[ord(c)]
        # fpdf2: sum(widths) * size * 0.001 / k, for the line and for the character
        if (units * size * 0.001 / k + cu * size * 0.001 / k) - max_w > 1e-9:
            if not chars:
                return None  # not one character fits: fpdf2 says so
            if c == " ":
                lines.append("".join(chars))
                chars, units, hint = [], 0, None
                i += 1
                continue
            if hint is not None:
                cut, _ = hint
                i -= len(chars) - cut  # back to the space, which is dropped
                lines.append("".join(chars[:cut]))
                chars, units, hint = [], 0, None
                i += 1
                continue
            lines.append("".join(chars))  # one word longer than the line
            chars, units, hint = [], 0, None
            continue
        if c == " ":
            hint = (len(chars), units)
        elif c == NBSP:
            c, cu = " ", space_w
        chars.append(c)
        units += cu
        i += 1
    if units:
        lines.append("".join(chars))
    return lines or None


def draw_outline(pdf: FPDF, x0: float, y0: float, scale: float, shaded: set[str]) -> None:
    """Draw the body outline (the same shapes as the HTML's SVG) at (x0, y0)."""
    pdf.set_line_width(0.2)
    for tag, g, state, *_ in body.shapes(shaded):
        fill, stroke = body.COLOURS[state]
        pdf.set_fill_color(*fill)
        pdf.set_draw_color(*stroke)
        if tag == "circle":
            r = g["r"] * scale
            pdf.circle(x0 + g["cx"] * scale, y0 + g["cy"] * scale, r, style="DF")
        elif tag == "ellipse":
            pdf.ellipse(
                x0 + (g["cx"] - g["rx"]) * scale,
                y0 + (g["cy"] - g["ry"]) * scale,
                2 * g["rx"] * scale,
                2 * g["ry"] * scale,
                style="DF",
            )
        else:
            pdf.rect(
                x0 + g["x"] * scale,
                y0 + g["y"] * scale,
                g["width"] * scale,
                g["height"] * scale,
                style="DF",
                round_corners=g.get("rx", 0) > 0,
                corner_radius=g.get("rx", 0) * scale,
            )


def _sources_fits(self) -> list[tuple[int, float]]:
    """The list of sources' (columns, line height as a share of the body's) to try, in turn,
    for a list that fits whole in the room left: two columns on the body's leading, then
    three, then three at a tighter leading. Large print: two columns."""
    if self.hand.large_print:
        return [(2, SOURCES_SCALE)]
    return [(2, 1.0), (3, 1.0), (3, SOURCES_SIZE / self.size * 1.15)]


def _sources_list(self, y: float, width: float) -> float:
    """The numbered list of sources of the sheet or form ``self``, right after the body: its
    heading, then the list in balanced columns (``_sources_fits``: two, or three when that
    fits it in the room left on the page; in large print two, the names are short), else
    flowing from column to column and on to the next page (the heading always with a first
    source). Its type is 9 pt on a normal sheet (SOURCES_SCALE of the large size in large
    print). A page that would hold nothing but sources is counted in ``self.sources_alone``
    (``render`` then keeps body sections with the list: ``keep_sources_company``)."""
    listed = self.hand.sources
    if not listed:
        return y
    indent = self.size * 0.95
    scale = SOURCES_SCALE if self.hand.large_print else SOURCES_SIZE / self.size
    label = self.hand.labels["sources"]
    head = self.text_block(MARGIN, width, label, 1.12, True, measure=True)
    for ncols, lead in _sources_fits(self):
        col_w = (width - GAP * (ncols - 1)) / ncols
        heights = [
            self.text_block(0, col_w - indent, name, scale, measure=True, lead=lead)
            for _, name in listed
        ]
        per_col = -(-len(listed) // ncols)
        cols = [heights[i : i + per_col] for i in range(0, len(listed), per_col)]
        need = head + max(sum(c) for c in cols) + self.line_h * 0.6
        balanced = y + 1 + need <= self.bottom
        if balanced:
            break
    else:  # none fits whole: two columns on the first try's leading, flowing on
        ncols, lead = _sources_fits(self)[0]
        col_w = (width - GAP * (ncols - 1)) / ncols
        heights = [
            self.text_block(0, col_w - indent, name, scale, measure=True, lead=lead)
            for _, name in listed
        ]
    page = self.page
    y = self.room(y + 1, need if balanced else head + heights[0])
    if self.page != page:  # a new page, and the list is all it holds
        self.sources_alone += 1
    with self.tags.group("Sect"):
        self.set_y(y)
        top = y + self.text_block(MARGIN, width, label, 1.12, True, NAVY, tag="H2")
        col, iy = 0, top
        with self.tags.group("L"):
            for i, (n, name) in enumerate(listed):
                if balanced:
                    col = i // per_col
                    iy = top + sum(heights[col * per_col : i])
                elif iy + heights[i] > self.bottom:  # on to the next column, or page
                    col, iy = col + 1, top
                    if col == ncols:
                        self.footer_lines()
                        self.add_page()
                        self.sources_alone += 1  # the rest of the list, alone
                        col, iy = 0, self.top
                        top = self.top
                x = MARGIN + col * (col_w + GAP)
                marker = f"[{n}]"
                with self.tags.group("LI"):
                    self.font(scale)
                    self.shape(marker)
                    self.set_xy(x, iy)
                    with self.tags.content("Lbl", marker):
                        fpdf_fast.cell(self, indent, self.line_h * lead, marker)
                    self.set_y(iy)
                    self.text_block(x + indent, col_w - indent, name, scale, tag="LBody", lead=lead)
                if not balanced:
                    iy += heights[i]
    return y + need if balanced else iy + self.line_h * 0.6


def keep_sources_company(make, best=None):
    """A built PDF whose list of sources has no page to itself (issue 23): ``make(carry)``
    builds one (``_Engine.keep_with_sources``); tried with 0 (or ``best``, already built so),
    then 1 to 3 body sections kept with the list, the first without such a page kept (else the
    one with fewest)."""
    best = make(0) if best is None else best
    for carry in range(1, 4):
        if not best.sources_alone:
            break
        try:
            again = make(carry)
        except TooLong:  # a try with a page limit went past it: keep the one made
            continue
        if again.sources_alone < best.sources_alone:
            best = again
    return best


def _built(h: Handout, size: float, extra, max_pages=None, carry=0) -> _Engine:
    pdf = _Engine(h, size, extra)
    pdf.max_pages, pdf.carry = max_pages, carry
    _Sheet(pdf).build()
    return pdf


def render_sheet(h: Handout, font: Path | None = None) -> bytes:
    extra = fonts.choose_fallback(h, font)
    require_shaping(h)
    if h.large_print:
        # 18 pt, unless 17 or 16 pt (still large print) saves a sheet of paper: sections are
        # never split, so a slightly smaller size often fits a whole section more per page
        best = None
        for size in LARGE_SIZES:
            # kept only if it saves a page
            most = None if best is None else best.pages_count - 1
            try:
                pdf = _built(h, size, extra, most)
            except TooLong:
                continue
            if best is None or pdf.pages_count < best.pages_count:
                best = pdf
            if best.pages_count == 1:
                break
        # the list of sources kept company at the size chosen only (the section moved goes to
        # the page the list had to itself; tests/test_layout.py checks the page limits)
        size = best.size
        best = keep_sources_company(lambda c: _built(h, size, extra, None, c), best)
        return bytes(best.output())
    # one size: the sheet takes the pages it needs
    pdf = keep_sources_company(lambda c: _built(h, NORMAL_SIZE, extra, None, c))
    return bytes(pdf.output())


# ------------------------------------------------------------------ the forms
# A form as PDF: the sheet's fonts, header and footer (``render.pdf``), with what a form
# adds: Yes / No / Not sure boxes beside each question, lines to write on, signature rows, and
# one or two labelled copies in one file.
#
# Normal size is 11 pt (issue 23), and a form takes the pages it needs (``PAGES``: the most it
# may take per copy); large print (18 pt, else 16 pt, one column) too. Every page carries a
# running header (the patient's name, or a line to write it on, the form's title, the copy's name
# and "page N of M" of that copy) and the footer: the emergency line, the clinic line, and the
# copy's name, content version and form code. Near the top: the key points box and the numbered
# steps for filling in the form, when the form's file has them; at the end of each copy, the
# numbered list of the sources its marks ([1]) stand for (marks on the information sections only,
# never on the questions or the parts to fill in: ``views.FORM_UNMARKED``).

# the most pages a copy may take at normal size, and in large print (measured: see
# tests/test_layout.py; 18 pt is kept only within the large print limit, else 16 pt)
PAGES = {"screening": (3, 8), "consent": (4, 10)}


class _Form:
    """The layout of a form (every copy of one form in one PDF) drawn with the engine ``pdf``
    (``render.pdf._Engine``): the running header on each page, then per copy the clinic, the
    title, the key points and steps, the fields, the questions or the consent's sections, the
    list of sources and the footer with the copy's name."""

    def __init__(self, pdf, totals=None):
        self.pdf = pdf
        pdf.layout = self
        pdf.footer_page = False  # the running header has the page number
        self.copy = ""
        self.first_page = 1  # the copy's first page
        self.totals = totals  # pages of each copy, when known (a second pass for two copies)
        self.counted: list[int] = []
        self.header_h = 0.0  # measured on the first page (fpdf2 measures on a page)

    # ----------------------------------------------------------------- header (per page)

    def on_page(self) -> None:
        if not self.header_h:
            self.measure_header()
        self.running_header()

    def measure_header(self) -> None:
        """The running header: as many lines as the longest copy's needs (a long name wraps)."""
        pdf = self.pdf
        h = pdf.hand
        pdf.font(0.85)
        self.num_w = pdf.get_string_width(self.page_label().replace("{nb}", "99")) + 4
        head_w = pdf.w - 2 * MARGIN - self.num_w
        self.header_h = max(
            pdf.text_block(MARGIN, head_w, h.header(c), 0.85, measure=True) for c in h.copies
        )
        pdf.top = MARGIN + self.header_h + 2.5

    def page_label(self) -> str:
        """ "Page N of M" of this copy."""
        pdf = self.pdf
        label = pdf.hand.labels.get("page_of", "{page} / {pages}")
        n = pdf.page - self.first_page + 1
        # one copy: fpdf2 fills in the number of pages ({nb}); two: each copy's, measured
        total = "{nb}" if self.totals is None else str(self.totals[len(self.counted)])
        return label.replace("{page}", str(n)).replace("{pages}", total)

    def running_header(self) -> None:
        """Name, title, copy and "page N of M" at the top of every page: a pagination
        artifact (the name and the title are read in the form itself)."""
        pdf = self.pdf
        width = pdf.w - 2 * MARGIN
        number = self.page_label()
        with pdf.tags.artifact("Pagination", "Header"):
            pdf.font(0.85, False, GREY)
            pdf.shape("")
            pdf.set_xy(MARGIN, MARGIN)
            fpdf_fast.cell(pdf, width, pdf.line_h * 0.85, number, "R")
            pdf.set_y(MARGIN)
            pdf.text_block(
                MARGIN, width - self.num_w, pdf.hand.header(self.copy), 0.85, False, GREY
            )
        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, MARGIN + self.header_h + 1, pdf.w - MARGIN, MARGIN + self.header_h + 1)

    # ----------------------------------------------------------------- pieces

    def fields(self, y: float, width: float) -> float:
        """'Label: value' pairs across the line, a pair never split unless it is longer than
        a line (then its value wraps beside the label); an empty value is a line to write
        on."""
        pdf = self.pdf
        lh = pdf.line_h * 1.5
        right = pdf.w - MARGIN
        x, row_h = MARGIN, lh
        blank = min(55.0, width / 2 - 5)
        for label, value in pdf.hand.fields:
            pdf.font(1.0, True)
            lw = pdf.get_string_width(f"{label}: ")
            pdf.font(1.0)
            vw = pdf.get_string_width(value) + 1 if value else blank
            if x > MARGIN + 0.01 and x + lw + vw > right:
                x, y, row_h = MARGIN, y + row_h, lh
            if x <= MARGIN + 0.01:  # a new row: it goes to a new page if it does not fit
                need = lh
                if value and lw + vw > width:
                    need += pdf.text_block(x + lw, width - lw, value, measure=True)
                y = pdf.room(y, need)
            pdf.font(1.0, True)
            pdf.set_xy(x, y)
            with pdf.tags.group("P"):
                with pdf.tags.content("Span"):
                    fpdf_fast.cell(pdf, lw, lh, f"{label}: ")
                if not value:
                    pdf.parts.rule(x + lw, x + lw + vw, y + lh * 0.8)
                elif x + lw + vw <= right:
                    pdf.font(1.0)
                    pdf.set_xy(x + lw, y)
                    with pdf.tags.content("Span", value):
                        fpdf_fast.cell(pdf, vw, lh, value)
                else:  # longer than the line: it wraps beside its label, and the row grows
                    vw = right - x - lw
                    pdf.set_y(y + (lh - pdf.line_h) / 2)
                    value_h = pdf.text_block(x + lw, vw, value, tag="Span")
                    row_h = max(row_h, value_h + (lh - pdf.line_h))
            x += lw + vw + 6
        return y + row_h + pdf.line_h * 0.6

    # ----------------------------------------------------------------- the form

    def build(self):
        pdf = self.pdf
        h = pdf.hand
        for label in h.copies:
            self.copy = label
            pdf.notice = h.notice_for(label)  # the footer names the copy
            self.first_page = pdf.page + 1
            pdf.add_page()
            pdf.bottom = pdf.h - MARGIN - pdf.footer_height() - 1.5
            self.one_copy()
            pdf.footer_lines()
            self.counted.append(pdf.page - self.first_page + 1)

    def one_copy(self) -> None:
        pdf = self.pdf
        h, p = pdf.hand, pdf.hand.page
        width = pdf.w - 2 * MARGIN
        y = masthead(pdf, pdf.top, width)
        title = p.title + (f"  ·  {self.copy}" if self.copy else "")
        y = pdf.room(y, pdf.text_block(MARGIN, width, title, 1.45, True, measure=True))
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width, title, 1.45, True, tag="H1")
        y = pdf.room(y, pdf.text_block(MARGIN, width, p.summary, measure=True))
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width, p.summary) + 1.5
        pdf.parts.asked = 0  # the questions numbered from 1 in each copy
        for s in h.top_sections:  # the key points box, then how to fill in the form
            y = pdf.flow(s, y, width)
        y = self.fields(y, width)
        if h.areas:  # the body outline with the planned areas and what to do
            y = pdf.outline_block(y, width, h.labels["areas_planned"], h.labels["outline_planned"])
        y = self.screening(y, width) if p.kind == "screening" else self.consent(y, width)
        pdf.sources_block(y, width)

    def screening(self, y: float, width: float) -> float:
        """The questions (each part runs on across pages), what else to tell, and the rows
        to sign."""
        pdf = self.pdf
        h = pdf.hand
        for s in h.page.sections:
            y = pdf.flow(s, y, width)
        words = h.words
        other = pdf.text_block(MARGIN, width, words["form_anything_else"], 1.0, True, measure=True)
        y = pdf.room(y, other + 2 * WRITE)
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width, words["form_anything_else"], 1.0, True)
        y += pdf.parts.write_lines(MARGIN, y, width, 2, False) + 1
        for labels in (
            (words["form_signature"], words["form_date"]),
            (words["form_checked_by"], words["form_date"]),
        ):
            need = pdf.parts.cells(MARGIN, y, width, labels, measure=True)
            y = pdf.room(y, need)
            y += pdf.parts.cells(MARGIN, y, width, labels, measure=False) + 1
        return y

    def consent(self, y: float, width: float) -> float:
        pdf = self.pdf
        sections = pdf.hand.page.sections
        info = [s for s in sections if s.style != "signature"][:-1]
        agreement = [s for s in sections if s.style != "signature"][-1]
        signatures = [s for s in sections if s.style == "signature"]
        pdf.keep_with_sources([*info, agreement, *signatures])
        if pdf.hand.large_print:
            for s in info:
                y = pdf.flow(s, y, width)
        else:
            y = pdf.two_columns(info, y, (width - GAP) / 2)
        for s in [agreement, *signatures]:
            y = pdf.flow(s, y, width)
        return y


def _built_form(h, size, extra, max_pages=None, carry=0, totals=None) -> _Engine:
    pdf = _Engine(h, size, extra)
    pdf.max_pages, pdf.carry = max_pages, carry
    _Form(pdf, totals=totals).build()
    return pdf


def render_form(h: FormHandout, font=None) -> bytes:
    extra = fonts.choose_fallback(h, font)
    normal, large = PAGES[h.page.kind]
    sizes = (18.0, 16.0) if h.large_print else (NORMAL_SIZE,)
    limit = (large if h.large_print else normal) * len(h.copies)
    for size in sizes:
        most = limit if size != sizes[-1] else None  # within the limit, else the next size
        try:  # the list of sources never on a page of its own (``keep_sources_company``)
            pdf = keep_sources_company(lambda c, s=size, m=most: _built_form(h, s, extra, m, c))
        except TooLong:
            continue
        break
    if len(h.copies) > 1:  # "page N of M" of each copy: drawn again, each copy's M known
        pdf = _built_form(h, pdf.size, extra, None, pdf.carry, totals=pdf.layout.counted)
    return bytes(pdf.output())


def render(h: Handout | FormHandout, font: Path | None = None) -> bytes:
    """The PDF of a sheet (``render_sheet``) or a form (``render_form``)."""
    return render_form(h, font) if isinstance(h, FormHandout) else render_sheet(h, font)


def footer_texts(h: Handout) -> list[str]:
    """The footer's lines, as drawn at the bottom of every page (then "Page N of M")."""
    return [h.emergency, h.questions, h.notice]
