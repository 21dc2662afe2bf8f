"""A form as Markdown (for a patient portal or e-mail): every text escaped as in the sheets'
Markdown; boxes as ☐, lines to write on as underscores in code spans; copies separated by a
rule."""

from __future__ import annotations

from dryneedle_cli.render.markdown import _escape, outline, sources

BLANK = "`________________________`"


def _sources(h, s) -> str:
    """A body section's sources as marks ([1] [3]), '' for a part that carries none
    (``views.FORM_UNMARKED``); the numbered list ends the copy."""
    marks = h.marks_of(s)
    return f"*{_escape(marks)}*" if marks else ""


def _section(h, s) -> list[str]:
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
    if _sources(h, s):
        lines += [_sources(h, s), ""]
    return [f"{quote}{line}".rstrip() for line in lines[:-1]] + [""]


def _copy(h, copy: str) -> list[str]:
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
            out += _section(h, s)
    out += sources(h.sources, h.labels["sources"])
    out += ["---", "", f"**{_escape(h.emergency)}**  ", _escape(h.questions) + "  "]
    out += [_escape(h.notice_for(copy)), ""]
    return out


def document(h) -> str:
    return "\n---\n\n".join("\n".join(_copy(h, copy)) for copy in h.copies)


def render(h, font=None) -> bytes:
    """The file's bytes; ``font`` is for the PDF only."""
    return document(h).encode("utf-8")
