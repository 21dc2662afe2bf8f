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


def _section(s, marks) -> list[str]:
    """One section; ``marks(s)`` gives its sources' marks ("[1] [3]"), '' if it has none."""
    quote = "> " if s.style in ("warning", "note", "keypoints") else ""
    heading = _escape(s.heading)
    bold = f"**{heading}**"
    head = {"warning": f"**⚠ {heading}**", "note": bold, "keypoints": bold}.get(
        s.style, f"## {heading}"
    )
    lines = [head, ""]
    if s.text:
        lines += [*_escape(s.text).split("\n"), ""]
    for n, item in enumerate(s.items, 1):
        marker = {"steps": f"{n}. ", "checklist": "- [ ] "}.get(s.style, "- ")
        lines.append(marker + _escape(item).replace("\n", " "))
    if s.items:
        lines.append("")
    if marks(s):
        lines += [f"*{_escape(marks(s))}*", ""]
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
    for s in h.first_sections:
        out += _section(s, h.marks_of)
    out += outline(h, "areas")
    for s in h.other_sections:
        out += _section(s, h.marks_of)
    out += sources(h.sources, labels["sources"])
    out += ["---", "", f"**{_escape(h.emergency)}**  ", _escape(h.questions) + "  "]
    out += [_escape(h.notice), ""]
    return "\n".join(out)


# ------------------------------------------------------------------ the forms
# A form as Markdown (for a patient portal or e-mail): every text escaped as in the sheets'
# Markdown; boxes as ☐, lines to write on as underscores in code spans; copies separated by a
# rule.

BLANK = "`________________________`"


def _form_sources(h, s) -> str:
    """A body section's sources as marks ([1] [3]), '' for a part that carries none
    (``views.FORM_UNMARKED``); the numbered list ends the copy."""
    marks = h.marks_of(s)
    return f"*{_escape(marks)}*" if marks else ""


def _form_section(h, s) -> list[str]:
    heading = _escape(s.heading)
    quote = "> " if s.style == "warning" else ""
    lines = [f"**⚠ {heading}**" if s.style == "warning" else f"## {heading}", ""]
    if s.text:
        lines += [_escape(s.text), ""]
    for item in s.items:
        text = _escape(item).replace("\n", " ")
        if s.style == "checklist":
            lines.append(f"- ☐ {text}")
        elif s.style in ("lines", "signature"):
            lines.append(f"- {text}: {BLANK}")
        else:
            lines.append(f"- {text}")
    if s.items:
        lines.append("")
    marks = _form_sources(h, s)
    if marks:
        lines += [marks, ""]
    return [f"{quote}{line}".rstrip() for line in lines[:-1]] + [""]


def _form_copy(h, copy: str) -> list[str]:
    p, w = h.page, h.words
    out = []
    if h.clinic:
        out.append(f"**{_escape(h.clinic.name)}**  ")
        out.extend(f"{_escape(x)}  " for x in h.clinic.contact)
        out.append("")
    title = p.title + (f" · {copy}" if copy else "")
    out += [f"# {_escape(title)}", "", _escape(p.summary), ""]
    if h.key_points:
        out += [f"> **{_escape(h.key_points_heading)}**", ">"]
        out += [f"> - {_escape(x)}" for x in h.key_points] + [""]
    if h.steps:
        out += [f"## {_escape(h.steps_heading)}", ""]
        out += [f"{n}. {_escape(x)}" for n, x in enumerate(h.steps, 1)] + [""]
    out += [f"**{_escape(k)}:** {_escape(v) if v else BLANK}  " for k, v in h.fields]
    out.append("")
    out += outline(h, "areas_planned")
    if p.kind == "screening":
        boxes = " ".join(
            f"☐ {_escape(w[k])}" for k in ("answer_yes", "answer_no", "answer_not_sure")
        )
        n = 0
        for s in p.sections:
            out += [f"## {_escape(s.heading)}", ""]
            for item in s.items:
                n += 1
                out.append(f"{n}\\. {_escape(item)}  \n   {boxes}")
            out.append("")
        out += [f"**{_escape(w['form_anything_else'])}**", "", BLANK, "", BLANK, ""]
        for who in ("form_signature", "form_checked_by"):
            out.append(f"{_escape(w[who])}: {BLANK} {_escape(w['form_date'])}: {BLANK}  ")
        out.append("")
    else:
        for s in p.sections:
            out += _form_section(h, s)
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
