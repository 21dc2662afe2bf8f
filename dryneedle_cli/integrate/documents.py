"""The documents a record system keeps or serves: a patient page as a printable PDF (the
handout renderer, the same as every sheet), and each thing a chart note says was given, made
again as the PDF the CLI prints (``note --fhir`` attaches them).

Nothing here takes a patient's name: a document made for the record or for a folder of
education files has none (the note never holds one).
"""

from __future__ import annotations

PDF = "application/pdf"


def page_handout(q, kind: str, ident: str, *, clinic=None, paper: str = "letter"):
    """The page of a topic or condition as a handout (the sheets' layout: title, warning signs
    first, the clinic's footer); ``q`` made with ``handout.values_for(clinic)``. Its review
    status is stamped as on every sheet (refused under require_approval unless approved)."""
    from dryneedle_cli.handouts.handout import framed
    from dryneedle_cli.status import stamp

    page = stamp(q, q.page_of(kind, ident))
    return framed(q.speaking(page.lang), page, clinic, paper=paper)


def page_pdf(q, kind: str, ident: str, *, clinic=None, paper: str = "letter") -> bytes:
    from dryneedle_cli.render import document

    return document(page_handout(q, kind, ident, clinic=clinic, paper=paper), "pdf")


def given_pdf(q, kind: str, ident: str, areas, *, clinic, clinician, date, paper) -> bytes:
    """One thing given (a ``Given``'s kind and id) as the CLI prints it, without a patient's
    name: a sheet (aftercare, prepare) for the note's areas, a form (screening, consent), or a
    topic's or condition's page."""
    from dryneedle_cli.query.forms import FORMS
    from dryneedle_cli.render import document

    if kind in FORMS or kind in ("aftercare", "prepare"):
        from dryneedle_cli.handouts.printed import make

        h = make(q, kind, areas, clinic=clinic, clinician=clinician, date=date, paper=paper)
        return document(h, "pdf")
    return page_pdf(q, "topic" if kind == "overview" else kind, ident, clinic=clinic, paper=paper)


def for_note(q, note, *, clinic=None, paper: str | None = None) -> dict:
    """``{(kind, id): (bytes, content type)}`` for each thing ``note`` (a ``views.Note``) says
    was given, in the note's language; for ``record.fhir_bundle(documents=...)``."""
    if paper is None:
        from dryneedle_cli.handouts.clinic import locale_paper

        paper = clinic.paper_size() if clinic is not None else locale_paper()
    out = {}
    for g in note.given:
        data = given_pdf(q.speaking(g.language), g.kind, g.id, note.areas, clinic=clinic,
                         clinician=note.clinician, date=note.date, paper=paper)  # fmt: skip
        out[(g.kind, g.id)] = (data, PDF)
    return out
