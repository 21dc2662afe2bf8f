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


def _section(s, marks) -> list[str]:
    lines = _underline(s.heading, "!" if s.style == "warning" else "-")
    if s.text:
        for para in s.text.split("\n"):
            lines += _wrap(para)
    for n, item in enumerate(s.items, 1):
        prefix = f"{n}. " if s.style == "steps" else _BULLET.get(s.style, "- ")
        lines += _wrap(item, prefix, " " * len(prefix))
    if marks(s):  # a body section's marks only (``views.UNMARKED``)
        lines += _wrap(marks(s))
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
    for s in h.first_sections:
        out += ["", *_section(s, h.marks_of)]
    if h.areas:
        out += ["", *_wrap(f"{labels['areas']}: {h.area_names}")]
        if h.outline_caption:
            out += _wrap(h.outline_caption)
    for s in h.other_sections:
        out += ["", *_section(s, h.marks_of)]
    out += sources(h.sources, labels["sources"])
    out += ["", *_wrap(h.emergency), *_wrap(h.questions), *_wrap(h.notice)]
    return "\n".join(line.rstrip() for line in out) + "\n"


# ------------------------------------------------------------------ the forms
# A form as plain text: the clinic's lines, the form with [ ] boxes and lines to write on,
# then the footer; copies are separated by a form feed (a new page on a printer).

BLANK = "_" * 24
BOXES = "[ ] {yes}   [ ] {no}   [ ] {not_sure}"


def _form_section(h, s) -> list[str]:
    lines = ["", *_underline(s.heading, "!" if s.style == "warning" else "-")]
    if s.text:
        lines.append(s.text)
    for item in s.items:
        if s.style == "checklist":
            lines.append(f"[ ] {item}")
        elif s.style in ("lines", "signature"):
            lines.append(f"{item}: {BLANK}")
        else:
            lines.append(f"- {item}")
    marks = h.marks_of(s)  # a body section's marks only (``views.FORM_UNMARKED``)
    if marks:
        lines.append(marks)
    return lines


def _form_copy(h, copy: str) -> list[str]:
    p, w = h.page, h.words
    out = [h.clinic.name, *h.clinic.contact, ""] if h.clinic else []
    out += _underline(p.title + (f" · {copy}" if copy else ""), "=")
    out.append(p.summary)
    if h.key_points:
        out += ["", *_underline(h.key_points_heading, "-"), *(f"- {x}" for x in h.key_points)]
    if h.steps:
        out += ["", *_underline(h.steps_heading, "-")]
        out += [f"{n}. {x}" for n, x in enumerate(h.steps, 1)]
    out.append("")
    out.append("   ".join(f"{label}: {value or BLANK}" for label, value in h.fields))
    if h.areas:
        out += ["", f"{h.labels['areas_planned']}: {h.area_names}"]
        if h.outline_caption:
            out.append(h.outline_caption)
    if p.kind == "screening":
        boxes = BOXES.format(yes=w["answer_yes"], no=w["answer_no"], not_sure=w["answer_not_sure"])
        n = 0
        for s in p.sections:
            out += ["", *_underline(s.heading, "-")]
            for item in s.items:
                n += 1
                out += [f"{n}. {item}", f"   {boxes}"]
        out += ["", w["form_anything_else"], BLANK * 3, BLANK * 3, ""]
        out.append(f"{w['form_signature']}: {BLANK}   {w['form_date']}: {BLANK[:12]}")
        out.append(f"{w['form_checked_by']}: {BLANK}   {w['form_date']}: {BLANK[:12]}")
    else:
        for s in p.sections:
            out += _form_section(h, s)
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
