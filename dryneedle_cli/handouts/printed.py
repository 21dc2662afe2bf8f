"""One maker for every printed document: a sheet (aftercare, prepare) or a form (screening,
consent), by name, as the ``views.Printed`` view that the one renderer of each format draws.

What only one kind takes is refused for the other, never silently dropped: ``--note`` and
``--next-visit`` are the sheets', ``--copies 2`` the consent form's.
"""

from __future__ import annotations

from dryneedle_cli.errors import UsageError
from dryneedle_cli.handouts.clinic import Clinic
from dryneedle_cli.views import Printed


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
    """The view of ``which`` from a ``Query`` made with ``handout.values_for(clinic)``."""
    from dryneedle_cli.handouts import forms
    from dryneedle_cli.query.forms import FORMS

    forms.check_copies(which, copies)
    shared = {"clinic": clinic, "patient": patient, "clinician": clinician, "date": date,
              "paper": paper, "large_print": large_print}  # fmt: skip
    if which in FORMS:
        for flag, given in (("--note", notes), ("--next-visit", next_visit)):
            if given:
                raise UsageError(
                    f"{flag} is for the aftercare and prepare sheets, not the {which} form"
                )
        return forms.make(q, which, list(areas), copies=copies, **shared)
    from dryneedle_cli.handouts import handout

    return handout.make(q, which, list(areas), next_visit=next_visit, notes=notes, **shared)
