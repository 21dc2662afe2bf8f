"""A handout as plain text: the clinic and patient lines, then the plain page."""

from __future__ import annotations

from dryneedle_cli.handouts.handout import Handout
from dryneedle_cli.render import plain


def document(h: Handout) -> str:
    head = []
    if h.clinic:
        head += [
            h.clinic.name,
            *h.clinic.contact,
        ]
    head += [f"{k}: {v}" for k, v in h.details]
    page = plain.page(h.page, clinician=False)
    foot = ["", h.emergency, h.questions, h.notice]
    return (
        "\n".join([*head, "", page.rstrip("\n"), *foot]) + "\n"
        if head
        else "\n".join([page.rstrip("\n"), *foot]) + "\n"
    )


def render(h: Handout, font=None) -> bytes:
    """The file's bytes; ``font`` is for the PDF only."""
    return document(h).encode("utf-8")
