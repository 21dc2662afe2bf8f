"""One maker for every printed document: a sheet (aftercare, prepare) or a form (screening,
consent), by name, as the ``views.Printed`` view that the one renderer of each format draws.

What only one kind takes is refused for the other, never silently dropped: ``--note`` and
``--next-visit`` are the sheets', ``--copies 2`` the consent form's.
"""

from __future__ import annotations

from dryneedle_cli.errors import UsageError
from dryneedle_cli.handouts.clinic import Clinic
from dryneedle_cli.handouts.handout import clean
from dryneedle_cli.views import FormHandout, Handout, Printed


def make(
    q,
    which: str,
    areas,
    *,
    clinic: Clinic | None,
    patient=None,
    clinician=None,
    date=None,
    paper="letter",
    large_print=False,
    next_visit=None,
    notes=(),
    copies: int = 1,
) -> Printed:
    """The view of ``which`` from a ``Query`` made with ``handout.values_for(clinic)``: its page
    (stamped with its review status, refused under require_approval unless approved), every word
    around it in the page's own language, the details cleaned, the footer; then what a sheet
    (its notes, the phone line) or a form (fields, copies, form code) adds."""
    from dryneedle_cli.handouts import forms, handout
    from dryneedle_cli.query.forms import FORMS, printed_page
    from dryneedle_cli.status import stamp

    forms.check_copies(which, copies)
    form = which in FORMS
    for flag, given in (("--note", notes), ("--next-visit", next_visit)):
        if form and given:
            raise UsageError(
                f"{flag} is for the aftercare and prepare sheets, not the {which} form"
            )
    areas = list(areas)
    page = stamp(q, q.form_page(which, areas) if form else printed_page(q, which, areas))
    # the Query of the page's language: every word around it (labels, dates, footer) is in
    # the language the page is shown in, English when it fell back to English
    q = q.speaking(page.lang)
    if not form:
        page = handout.with_notes(q, page, notes)
        if which == "aftercare":
            page = handout.with_phone_line(q, page, clinic)
    names = tuple((a, q.region_name(a)) for a in page.areas)
    patient = clean(patient, "patient's name")
    clinician = clean(clinician, "clinician's name")
    date = q.date(clean(date, "date"))
    shared = {"page": page, "clinic": clinic, "patient": patient, "areas": names,
              "paper": paper, "large_print": large_print, **handout.footer(q, clinic)}  # fmt: skip
    if form:
        made = forms.form_parts(
            q, which, page, names, patient=patient, clinician=clinician, date=date, copies=copies
        )
        return FormHandout(labels=dict(page.labels), **shared, **made)
    next_visit = clean(next_visit, "next visit")
    return Handout(labels=page.labels, clinician=clinician, date=date, next_visit=next_visit,
                   notice=handout.notice(q, page), **shared)  # fmt: skip
