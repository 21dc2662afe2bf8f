"""A handout as plain text, for e-mail, a patient portal or ``lp``: the PDF's parts in the
PDF's order, wrapped at 78 columns; each section's sources as marks ([1]) and one short
numbered list of their names at the end, as on the PDF."""

from __future__ import annotations

import textwrap

from dryneedle_cli.render.plain import _BULLET, _underline
from dryneedle_cli.render.scripts import NBSP, keep_numbers_together
from dryneedle_cli.views import Handout

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


def render(h: Handout, font=None) -> bytes:
    """The file's bytes; ``font`` is for the PDF only."""
    return document(h).encode("utf-8")
