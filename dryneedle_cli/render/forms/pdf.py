"""A form as PDF: the sheet's fonts, header and footer (``render.pdf``), with what a form
adds: Yes / No / Not sure boxes beside each question, lines to write on, signature rows, and
one or two labelled copies in one file.

Normal size is 11 pt (issue 23), and a form takes the pages it needs (``PAGES``: the most it
may take per copy); large print (18 pt, else 16 pt, one column) too. Every page carries a
running header (the patient's name, or a line to write it on, the form's title, the copy's name
and "page N of M" of that copy) and the footer: the emergency line, the clinic line, and the
copy's name, content version and form code. Near the top: the key points box and the numbered
steps for filling in the form, when the form's file has them; at the end of each copy, the
numbered list of the sources its marks ([1]) stand for (marks on the information sections only,
never on the questions or the parts to fill in: ``views.FORM_UNMARKED``).
"""

from __future__ import annotations

from dryneedle_cli.render import pdf as sheet
from dryneedle_cli.render.pdf import BLACK, GAP, GREY, MARGIN, NAVY, NORMAL_SIZE
from dryneedle_cli.views import SectionView

# the most pages a copy may take at normal size, and in large print (measured: see
# tests/test_layout.py; 18 pt is kept only within the large print limit, else 16 pt)
PAGES = {"screening": (3, 8), "consent": (4, 10)}
WRITE = 7.0  # mm of room to write on a line


class _Form:
    """The layout of a form (every copy of one form in one PDF) drawn with the engine ``pdf``
    (``render.pdf._Engine``): the running header on each page, then per copy the clinic, the
    title, the key points and steps, the fields, the questions or the consent's sections, the
    list of sources and the footer with the copy's name."""

    def __init__(self, pdf, totals=None):
        self.pdf = pdf
        pdf.layout = self
        pdf.footer_page = False  # the running header has the page number
        pdf.styles = {"lines": self.lines_section, "signature": self.signature}
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
            pdf.cell(width, pdf.line_h * 0.85, number, align="R")
            pdf.set_y(MARGIN)
            pdf.text_block(
                MARGIN, width - self.num_w, pdf.hand.header(self.copy), 0.85, False, GREY
            )
        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, MARGIN + self.header_h + 1, pdf.w - MARGIN, MARGIN + self.header_h + 1)

    # ----------------------------------------------------------------- pieces

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
                    pdf.cell(lw, lh, f"{label}: ")
                if not value:
                    self.rule(x + lw, x + lw + vw, y + lh * 0.8)
                elif x + lw + vw <= right:
                    pdf.font(1.0)
                    pdf.set_xy(x + lw, y)
                    with pdf.tags.content("Span", value):
                        pdf.cell(vw, lh, value)
                else:  # longer than the line: it wraps beside its label, and the row grows
                    vw = right - x - lw
                    pdf.set_y(y + (lh - pdf.line_h) / 2)
                    value_h = pdf.text_block(x + lw, vw, value, tag="Span")
                    row_h = max(row_h, value_h + (lh - pdf.line_h))
            x += lw + vw + 6
        return y + row_h + pdf.line_h * 0.6

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

    def lines_section(self, s, x, y, w, measure) -> float:
        pdf = self.pdf
        height = pdf.text_block(x, w, s.heading, 1.12, True, NAVY, measure=True)
        if not measure:
            pdf.set_y(y)
            pdf.text_block(x, w, s.heading, 1.12, True, NAVY, tag="H2")
        if s.text:
            if not measure:
                pdf.set_y(y + height)
            height += pdf.text_block(x, w, s.text, 1.0, False, BLACK, measure) + 1
        for item in s.items:
            if not measure:
                pdf.set_y(y + height)
            height += pdf.text_block(x, w, item, 1.0, False, BLACK, measure)
            height += self.write_lines(x, y + height - 2, w, 1, measure)
        marks = pdf.hand.marks_of(s)
        if marks:
            if not measure:
                pdf.set_y(y + height)
            height += pdf.text_block(x, w, marks, sheet.MARK_SCALE, False, GREY, measure)
        return height + pdf.line_h * 0.6

    def signature(self, s, x, y, w, measure) -> float:
        pdf = self.pdf
        height = pdf.text_block(x, w, s.heading, 1.0, True, NAVY, measure=True)
        if not measure:
            pdf.set_y(y)
            pdf.text_block(x, w, s.heading, 1.0, True, NAVY, tag="H2")
        if s.text:
            if not measure:
                pdf.set_y(y + height)
            height += pdf.text_block(x, w, s.text, 1.0, False, BLACK, measure)
        height += self.cells(x, y + height, w, s.items, measure)
        return height + pdf.line_h * 0.5

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
            pdf.cell(num_w, pdf.line_h, f"{n}.")
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
                pdf.cell(aw - side - 1.2, pdf.line_h, answer)
            bx += aw
        row.__exit__(None, None, None)
        return height + pdf.line_h * 0.35

    # ----------------------------------------------------------------- the form

    def build(self):
        pdf = self.pdf
        h = pdf.hand
        for copy in h.copies:
            self.copy = copy
            pdf.notice = h.notice_for(copy)  # the footer names the copy
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
        y = sheet.masthead(pdf, pdf.top, width)
        title = p.title + (f"  ·  {self.copy}" if self.copy else "")
        y = pdf.room(y, pdf.text_block(MARGIN, width, title, 1.45, True, measure=True))
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width, title, 1.45, True, tag="H1")
        y = pdf.room(y, pdf.text_block(MARGIN, width, p.summary, measure=True))
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width, p.summary) + 1.5
        for s in self.top_sections():  # the key points box, then how to fill in the form
            y = pdf.room(y, pdf.measure(s, width))
            y += pdf.section(s, MARGIN, y, width)
        y = self.fields(y, width)
        if h.areas:  # the body outline with the planned areas and what to do
            y = pdf.outline_block(y, width, h.labels["areas_planned"], h.labels["outline_planned"])
        y = self.screening(y, width) if p.kind == "screening" else self.consent(y, width)
        pdf.sources_block(y, width)

    def top_sections(self) -> list:
        pdf = self.pdf
        h = pdf.hand
        out = []
        if h.key_points:
            out.append(SectionView(h.key_points_heading, items=h.key_points, style="keypoints"))
        if h.steps:
            out.append(SectionView(h.steps_heading, items=h.steps, style="steps"))
        return out

    def screening(self, y: float, width: float) -> float:
        pdf = self.pdf
        h = pdf.hand
        n = 0
        for s in h.page.sections:
            head = pdf.text_block(MARGIN, width, s.heading, 1.12, True, NAVY, measure=True)
            first = self.question(n + 1, s.items[0], MARGIN, 0, width, measure=True)
            y = pdf.room(y, head + 0.6 + first)  # a heading never alone at the foot of a page
            pdf.set_y(y)
            y += pdf.text_block(MARGIN, width, s.heading, 1.12, True, NAVY, tag="H2") + 0.5
            with pdf.tags.group("Table"):
                for item in s.items:
                    n += 1
                    y = pdf.room(y, self.question(n, item, MARGIN, 0, width, measure=True))
                    y += self.question(n, item, MARGIN, y, width)
            y += pdf.line_h * 0.4  # no marks under the questions (``views.UNMARKED``)
        words = h.words
        other = pdf.text_block(MARGIN, width, words["form_anything_else"], 1.0, True, measure=True)
        y = pdf.room(y, other + 2 * WRITE)
        pdf.set_y(y)
        y += pdf.text_block(MARGIN, width, words["form_anything_else"], 1.0, True)
        y += self.write_lines(MARGIN, y, width, 2, False) + 1
        for labels in (
            (words["form_signature"], words["form_date"]),
            (words["form_checked_by"], words["form_date"]),
        ):
            need = self.cells(MARGIN, y, width, labels, measure=True)
            y = pdf.room(y, need)
            y += self.cells(MARGIN, y, width, labels, measure=False) + 1
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
                y = pdf.room(pdf.page_break(y, s), pdf.measure(s, width))
                y += pdf.section(s, MARGIN, y, width)
        else:
            y = pdf.two_columns(info, y, (width - GAP) / 2)
        for s in [agreement, *signatures]:
            y = pdf.room(pdf.page_break(y, s), pdf.measure(s, width))
            y += pdf.section(s, MARGIN, y, width)
        return y


def _built(h, size, extra, max_pages=None, carry=0, totals=None) -> sheet._Engine:
    pdf = sheet._Engine(h, size, extra)
    pdf.max_pages, pdf.carry = max_pages, carry
    _Form(pdf, totals=totals).build()
    return pdf


def render(h, font=None) -> bytes:
    extra = sheet.choose_fallback(h, font)
    normal, large = PAGES[h.page.kind]
    sizes = (18.0, 16.0) if h.large_print else (NORMAL_SIZE,)
    limit = (large if h.large_print else normal) * len(h.copies)
    for size in sizes:
        most = limit if size != sizes[-1] else None  # within the limit, else the next size
        try:  # the list of sources never on a page of its own (``keep_sources_company``)
            pdf = sheet.keep_sources_company(lambda c, s=size, m=most: _built(h, s, extra, m, c))
        except sheet.TooLong:
            continue
        break
    if len(h.copies) > 1:  # "page N of M" of each copy: drawn again, each copy's M known
        pdf = _built(h, pdf.size, extra, None, pdf.carry, totals=pdf.layout.counted)
    return bytes(pdf.output())
