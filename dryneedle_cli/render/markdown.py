"""A handout as Markdown, for e-mail or a patient portal."""

from __future__ import annotations

import re

from dryneedle_cli.views import FormHandout, Handout

_SPECIAL = re.compile(r"([\\`*_\[\]()<>#|!&~{}])")
_BULLET = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_NUMBER = re.compile(r"^(\s*\d+)(\.)", re.MULTILINE)


def _escape(text: str) -> str:
    """Keep any text (content, clinic profile, patient) from turning into Markdown or HTML.

    Every character with a meaning in Markdown or inline HTML is backslash-escaped, and so is
    anything that would start a list, quote or heading at the start of a line; a line break
    inside a field is kept as a Markdown line break.
    """
    text = _SPECIAL.sub(r"\\\1", text)
    text = _NUMBER.sub(r"\1\\\2", _BULLET.sub(r"\1\\\2", text))
    return text.replace("\n", "  \n")


# ------------------------------------------------------------------ the parts, by style
# Every section of a sheet or a form is drawn by ``section``: its heading (a level-2 heading; a
# warning, a note and the key points in bold, quoted), its text, then its items by the drawer
# of its style in ``DRAWERS`` (a list by default), then its source marks. What differs between
# the two documents is only the ``_Pen``: a checklist's box is a task list item ("[ ]") on a
# sheet, a box to tick with a pen ("☐") on a form.

BLANK = "`________________________`"
QUOTED = ("warning", "note", "keypoints")


class _Pen:
    """What one document draws its sections with: its checklist box (``"[ ]"`` on a sheet,
    ``"☐"`` on a form), its marks and words, and the number of the last question drawn
    (questions are numbered on across the parts of a form)."""

    def __init__(self, h, box: str):
        self.h, self.box, self.asked = h, box, 0


def _inline(text: str) -> str:
    """An item on one line (a line break in it becomes a space)."""
    return _escape(text).replace("\n", " ")


def _items(s, pen: _Pen) -> list[str]:
    """A list: numbered steps, boxes for a checklist, "- " for anything else."""
    lines = []
    for n, item in enumerate(s.items, 1):
        marker = {"steps": f"{n}. ", "checklist": f"- {pen.box} "}.get(s.style, "- ")
        lines.append(marker + _inline(item))
    return lines


def _blanks(s, pen: _Pen) -> list[str]:  # noqa: ARG001
    """Lines to write on and signature rows: each item with a line after it."""
    return [f"- {_inline(item)}: {BLANK}" for item in s.items]


def _questions(s, pen: _Pen) -> list[str]:
    """Numbered questions, each with its Yes / No / Not sure boxes on the line below."""
    w = pen.h.words
    boxes = " ".join(f"☐ {_escape(w[k])}" for k in ("answer_yes", "answer_no", "answer_not_sure"))
    lines = []
    for item in s.items:
        pen.asked += 1
        lines.append(f"{pen.asked}\\. {_escape(item)}  \n   {boxes}")
    return lines


DRAWERS = {"questions": _questions, "lines": _blanks, "signature": _blanks}


def section(s, pen: _Pen) -> list[str]:
    """One section of a sheet or a form, drawn by its style."""
    quote = "> " if s.style in QUOTED else ""
    heading = _escape(s.heading)
    bold = f"**{heading}**"
    head = {"warning": f"**⚠ {heading}**", "note": bold, "keypoints": bold}.get(
        s.style, f"## {heading}"
    )
    lines = [head, ""]
    if s.text:
        lines += [*_escape(s.text).split("\n"), ""]
    lines += DRAWERS.get(s.style, _items)(s, pen)
    if s.items:
        lines.append("")
    marks = pen.h.marks_of(s)  # a body section's marks only (``views.UNMARKED``)
    if marks:
        lines += [f"*{_escape(marks)}*", ""]
    return [f"{quote}{line}".rstrip() for line in lines[:-1]] + [""]


def sources(listed, label: str) -> list[str]:
    """The numbered list of sources at the end, numbered as the marks ([1]) are."""
    if not listed:
        return []
    return [f"## {_escape(label)}", "", *(f"{n}. {_escape(name)}" for n, name in listed), ""]


def outline(h, caption_label: str) -> list[str]:
    """The areas and what to do with them (the outline itself is drawn on paper only)."""
    if not h.areas:
        return []
    out = [f"**{_escape(h.labels[caption_label])}:** {_escape(h.area_names)}", ""]
    if h.outline_caption:
        out += [_escape(h.outline_caption), ""]
    return out


def _lines(text: str) -> list[str]:
    """A field that may hold line breaks (an address) as lines, each ending in a hard break."""
    return [f"{line}  " for line in _escape(text).split("  \n")]


def document(h: Handout) -> str:
    """The same parts in the same order as the PDF: clinic, patient, title, the warning signs
    and the clinician's notes, the areas treated, the rest, the footer. Each line of the
    clinic's address and of the patient block ends in a hard line break (two spaces); no
    ids or citations (a patient's sheet carries no provenance): each section's sources are
    marks ([1]), and one short numbered list of their names ends the sheet."""
    p, labels = h.page, h.labels
    out = []
    if h.clinic:
        out.append(f"**{_escape(h.clinic.name)}**  ")
        for x in h.clinic.contact:
            out.extend(_lines(x))
        out.append("")
    out.extend(f"**{_escape(k)}:** {_escape(v)}  " for k, v in h.details)
    out += ["", f"# {_escape(p.title)}", "", _escape(p.summary), ""]
    pen = _Pen(h, "[ ]")
    for s in h.first_sections:
        out += section(s, pen)
    out += outline(h, "areas")
    for s in h.other_sections:
        out += section(s, pen)
    out += sources(h.sources, labels["sources"])
    out += ["---", "", f"**{_escape(h.emergency)}**  ", _escape(h.questions) + "  "]
    out += [_escape(h.notice), ""]
    return "\n".join(out)


# ------------------------------------------------------------------ the forms
# A form as Markdown (for a patient portal or e-mail): every text escaped as in the sheets'
# Markdown; boxes as ☐, lines to write on as underscores in code spans; copies separated by a
# rule.


def _form_copy(h, copy: str) -> list[str]:
    p, w = h.page, h.words
    out = []
    if h.clinic:
        out.append(f"**{_escape(h.clinic.name)}**  ")
        out.extend(f"{_escape(x)}  " for x in h.clinic.contact)
        out.append("")
    title = p.title + (f" · {copy}" if copy else "")
    out += [f"# {_escape(title)}", "", _escape(p.summary), ""]
    pen = _Pen(h, "☐")  # the questions numbered from 1 in each copy
    for s in h.top_sections:  # the key points box, then how to fill in the form
        out += section(s, pen)
    out += [f"**{_escape(k)}:** {_escape(v) if v else BLANK}  " for k, v in h.fields]
    out.append("")
    out += outline(h, "areas_planned")
    for s in p.sections:
        out += section(s, pen)
    if p.kind == "screening":  # what else to tell, then the rows to sign
        out += [f"**{_escape(w['form_anything_else'])}**", "", BLANK, "", BLANK, ""]
        for who in ("form_signature", "form_checked_by"):
            out.append(f"{_escape(w[who])}: {BLANK} {_escape(w['form_date'])}: {BLANK}  ")
        out.append("")
    out += sources(h.sources, h.labels["sources"])
    out += ["---", "", f"**{_escape(h.emergency)}**  ", _escape(h.questions) + "  "]
    out += [_escape(h.notice_for(copy)), ""]
    return out


def form_document(h) -> str:
    return "\n---\n\n".join("\n".join(_form_copy(h, copy)) for copy in h.copies)


def render(h: Handout | FormHandout, font=None) -> bytes:
    """The file's bytes, a sheet's or a form's; ``font`` is for the PDF only."""
    made = form_document(h) if isinstance(h, FormHandout) else document(h)
    return made.encode("utf-8")
