"""A form as plain text: the clinic's lines, the form with [ ] boxes and lines to write on,
then the footer; copies are separated by a form feed (a new page on a printer)."""

from __future__ import annotations

BLANK = "_" * 24
BOXES = "[ ] {yes}   [ ] {no}   [ ] {not_sure}"


def _underline(text: str, char: str) -> list[str]:
    return [text, char * len(text)]


def _sources(h, s) -> str:
    """A body section's sources as marks ([1] [3]), '' for a part that carries none
    (``views.FORM_UNMARKED``); the numbered list ends the copy."""
    return h.marks_of(s)


def _section(h, s) -> list[str]:
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
    if _sources(h, s):
        lines.append(_sources(h, s))
    return lines


def _copy(h, copy: str) -> list[str]:
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
            out += _section(h, s)
    if h.sources:
        out += ["", *_underline(h.labels["sources"], "-")]
        out += [f"[{n}] {name}" for n, name in h.sources]
    out += ["", h.emergency, h.questions, h.notice_for(copy)]
    return out


def document(h) -> str:
    return "\f\n".join("\n".join(_copy(h, copy)) + "\n" for copy in h.copies)


def render(h, font=None) -> bytes:
    """The file's bytes; ``font`` is for the PDF only."""
    return document(h).encode("utf-8")
