"""A handout as Markdown, for e-mail or a patient portal."""

from __future__ import annotations

import re

from dryneedle_cli.views import Handout

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


def _section(s, shorts: dict[str, str], sources_label: str) -> list[str]:
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
    if s.refs:
        names = "; ".join(_escape(shorts[k]) for k in s.refs)
        lines += [f"*{_escape(sources_label)}: {names}*", ""]
    return [f"{quote}{line}".rstrip() for line in lines[:-1]] + [""]


def _lines(text: str) -> list[str]:
    """A field that may hold line breaks (an address) as lines, each ending in a hard break."""
    return [f"{line}  " for line in _escape(text).split("  \n")]


def document(h: Handout) -> str:
    """The same parts in the same order as the PDF: clinic, patient, title, the warning signs
    and the clinician's notes, the areas treated, the rest, the footer. Each line of the
    clinic's address and of the patient block ends in a hard line break (two spaces); no
    reference list (a patient's sheet carries no provenance), only each section's sources."""
    p, labels = h.page, h.labels
    shorts = {r.key: r.short for r in p.references}
    out = []
    if h.clinic:
        out.append(f"**{_escape(h.clinic.name)}**  ")
        for x in h.clinic.contact:
            out.extend(_lines(x))
        out.append("")
    out.extend(f"**{_escape(k)}:** {_escape(v)}  " for k, v in h.details)
    out += ["", f"# {_escape(p.title)}", "", _escape(p.summary), ""]
    for s in h.first_sections:
        out += _section(s, shorts, labels["sources"])
    if h.areas:
        out += [f"**{_escape(labels['areas'])}:** {_escape(h.area_names)}", ""]
    for s in h.other_sections:
        out += _section(s, shorts, labels["sources"])
    out += ["---", "", f"**{_escape(h.emergency)}**  ", _escape(h.questions) + "  "]
    out += [_escape(h.notice), ""]
    return "\n".join(out)


def render(h: Handout, font=None) -> bytes:
    """The file's bytes; ``font`` is for the PDF only."""
    return document(h).encode("utf-8")
