"""A handout as plain text, for e-mail, a patient portal or ``lp``: the PDF's parts in the
PDF's order, wrapped at 78 columns; each section's sources as marks ([1]) and one short
numbered list of their names at the end, as on the PDF."""

from __future__ import annotations

import textwrap

from dryneedle_cli.render.plain import _BULLET, _underline
from dryneedle_cli.render.scripts import NBSP, keep_numbers_together
from dryneedle_cli.views import FormHandout, Handout

WIDTH = 78


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    """Wrapped at ``WIDTH``; a number such as a phone number is never split."""
    lines = textwrap.wrap(
        keep_numbers_together(text),
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=True,
    ) or [first.rstrip()]
    return [line.replace(NBSP, " ") for line in lines]


# ------------------------------------------------------------------ the parts, by style
# Every section of a sheet or a form is drawn by ``section``: its heading (underlined with "!"
# for a warning, "-" otherwise), its text, then its items by the drawer of its style in
# ``DRAWERS`` (a bulleted, numbered or [ ] list by default), then its source marks. What differs
# between the two documents is only the ``_Pen``: a sheet's lines are wrapped at ``WIDTH``, a
# form's kept whole.

BLANK = "_" * 24
BOXES = "[ ] {yes}   [ ] {no}   [ ] {not_sure}"


def _whole(text: str, first: str = "", rest: str = "") -> list[str]:  # noqa: ARG001
    """A form's line: kept whole (a form is printed as it is written)."""
    return [first + text]


class _Pen:
    """What one document draws its sections with: ``wrap(text, first, rest)`` (``_wrap`` on a
    sheet, ``_whole`` on a form), its marks and words, and the number of the last question
    drawn (questions are numbered on across the parts of a form)."""

    def __init__(self, h, wrap):
        self.h, self.wrap, self.asked = h, wrap, 0


def _items(s, pen: _Pen) -> list[str]:
    """A list: numbered steps, [ ] boxes for a checklist, "- " for anything else."""
    lines = []
    for n, item in enumerate(s.items, 1):
        prefix = f"{n}. " if s.style == "steps" else _BULLET.get(s.style, "- ")
        lines += pen.wrap(item, prefix, " " * len(prefix))
    return lines


def _blanks(s, pen: _Pen) -> list[str]:
    """Lines to write on and signature rows: each item with a line after it."""
    return [line for item in s.items for line in pen.wrap(f"{item}: {BLANK}")]


def _questions(s, pen: _Pen) -> list[str]:
    """Numbered questions, each with its Yes / No / Not sure boxes on the line below."""
    w = pen.h.words
    boxes = BOXES.format(yes=w["answer_yes"], no=w["answer_no"], not_sure=w["answer_not_sure"])
    lines = []
    for item in s.items:
        pen.asked += 1
        prefix = f"{pen.asked}. "
        lines += [*pen.wrap(item, prefix, " " * len(prefix)), f"   {boxes}"]
    return lines


DRAWERS = {"questions": _questions, "lines": _blanks, "signature": _blanks}


def section(s, pen: _Pen) -> list[str]:
    """One section of a sheet or a form, drawn by its style."""
    lines = _underline(s.heading, "!" if s.style == "warning" else "-")
    if s.text:
        for para in s.text.split("\n"):
            lines += pen.wrap(para)
    lines += DRAWERS.get(s.style, _items)(s, pen)
    marks = pen.h.marks_of(s)  # a body section's marks only (``views.UNMARKED``)
    if marks:
        lines += pen.wrap(marks)
    return lines


def sources(listed, label: str) -> list[str]:
    """The numbered list of sources at the end, numbered as the marks ([1]) are."""
    if not listed:
        return []
    out = ["", *_underline(label, "-")]
    for n, name in listed:
        out += _wrap(name, f"[{n}] ", " " * (len(str(n)) + 3))
    return out


def document(h: Handout) -> str:
    p, labels = h.page, h.labels
    out: list[str] = []
    if h.clinic:
        out.append(h.clinic.name)
        for x in h.clinic.contact:  # an address keeps its own lines
            out += x.split("\n")
        out.append("")
    if h.details:
        out += [f"{k}: {v}" for k, v in h.details] + [""]
    out += _underline(p.title, "=")
    if p.summary:
        out += _wrap(p.summary)
    pen = _Pen(h, _wrap)
    for s in h.first_sections:
        out += ["", *section(s, pen)]
    if h.areas:
        out += ["", *_wrap(f"{labels['areas']}: {h.area_names}")]
        if h.outline_caption:
            out += _wrap(h.outline_caption)
    for s in h.other_sections:
        out += ["", *section(s, pen)]
    out += sources(h.sources, labels["sources"])
    out += ["", *_wrap(h.emergency), *_wrap(h.questions), *_wrap(h.notice)]
    return "\n".join(line.rstrip() for line in out) + "\n"


# ------------------------------------------------------------------ the forms
# A form as plain text: the clinic's lines, the form with [ ] boxes and lines to write on,
# then the footer; copies are separated by a form feed (a new page on a printer).


def _form_copy(h, copy: str) -> list[str]:
    p, w = h.page, h.words
    out = [h.clinic.name, *h.clinic.contact, ""] if h.clinic else []
    out += _underline(p.title + (f" · {copy}" if copy else ""), "=")
    out.append(p.summary)
    pen = _Pen(h, _whole)  # the questions numbered from 1 in each copy
    for s in h.top_sections:  # the key points box, then how to fill in the form
        out += ["", *section(s, pen)]
    out.append("")
    out.append("   ".join(f"{label}: {value or BLANK}" for label, value in h.fields))
    if h.areas:
        out += ["", f"{h.labels['areas_planned']}: {h.area_names}"]
        if h.outline_caption:
            out.append(h.outline_caption)
    for s in p.sections:
        out += ["", *section(s, pen)]
    if p.kind == "screening":  # what else to tell, then the rows to sign
        out += ["", w["form_anything_else"], BLANK * 3, BLANK * 3, ""]
        out.append(f"{w['form_signature']}: {BLANK}   {w['form_date']}: {BLANK[:12]}")
        out.append(f"{w['form_checked_by']}: {BLANK}   {w['form_date']}: {BLANK[:12]}")
    if h.sources:
        out += ["", *_underline(h.labels["sources"], "-")]
        out += [f"[{n}] {name}" for n, name in h.sources]
    out += ["", h.emergency, h.questions, h.notice_for(copy)]
    return out


def form_document(h) -> str:
    return "\f\n".join("\n".join(_form_copy(h, copy)) + "\n" for copy in h.copies)


def render(h: Handout | FormHandout, font=None) -> bytes:
    """The file's bytes, a sheet's or a form's; ``font`` is for the PDF only."""
    made = form_document(h) if isinstance(h, FormHandout) else document(h)
    return made.encode("utf-8")
