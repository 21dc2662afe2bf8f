"""What a printed form adds to its page, for the one maker ``printed.make``: the screening
questions (``sheet screening``) and the information and consent form (``sheet consent``), as a
view every document format can draw.

A ``FormHandout`` is a ``views.Printed``, as a sheet's ``Handout`` is (``page``, ``clinic``,
``paper``, ``large_print``, ``labels``, ``emergency``, ``questions``, ``notice``), drawn by the
same renderer module per format (``render.document``), plus what a form adds: the fields to fill
in, the copies (``--copies 2``: a clinic copy and a patient copy in one file) and the form code
(``Query.form_hash``, the same hash ``dryneedle note`` writes for the form), printed on every
page of every copy so that the record copy matches the one the patient took home. The form and
every word around it are in one language (``Query.form_query``). Nothing about the patient is
stored or logged.
"""

from __future__ import annotations

from dryneedle_cli.errors import UsageError
from dryneedle_cli.views import FormHandout  # noqa: F401 - re-exported for old imports

MAX_COPIES = 2  # consent: a clinic copy and a patient copy in one file


def check_copies(which: str, copies: int) -> None:
    """--copies: 1, or 2 for the consent form only (checked once before a batch, and again
    by the maker)."""
    if copies not in range(1, MAX_COPIES + 1):
        raise UsageError(f"--copies must be 1 or {MAX_COPIES}")
    if copies > 1 and which != "consent":
        raise UsageError("--copies 2 is for the consent form (a clinic copy and a patient copy)")


def form_parts(q, which: str, page, names, *, patient: str, clinician: str, date: str, copies: int):
    """What a form adds to its page (``which``: screening or consent, ``page`` stamped, ``q``
    in its language, the details cleaned): the fields to fill in, its words, the copies, the
    form code, the key points and steps, the notice; ``FormHandout``'s own fields."""
    labels = page.labels
    if which == "screening":
        words = q.screen_words()
        fields = ((words["form_name"], patient), (words["form_date"], date))
        copy_labels: tuple[str, ...] = ("",)
    else:
        words = q.consent_words()
        fields = (
            (labels["patient"], patient),
            (labels["date"], date),
            (labels["clinician"], clinician),
            (labels["areas_planned"], ", ".join(n for _, n in names)),
        )
        copy_labels = (words["clinic_copy"], words["patient_copy"]) if copies == 2 else ("",)
    doc = q.kb.screening if which == "screening" else q.kb.consent
    code = q.form_hash(which)  # the chart note's hash of this form (dryneedle note)
    return {
        "fields": fields,
        "words": words,
        "copies": copy_labels,
        "form_hash": code,
        "notice": _notice(q, page, words["form_code"], code),
        "key_points": _listed(q, doc, "key_points", names),
        "steps": _listed(q, doc, "steps", names, copies),
    }


def _listed(q, doc, field: str, names, copies: int = 1) -> tuple[str, ...]:
    """A form file's list ``field`` (``key_points``: points with ``text``; ``steps``: texts,
    or a ``Step`` true only for some printouts), in the form's language with placeholders
    filled; () when the file has none."""
    out = []
    areas = [a for a, _ in names]
    # a step's ``when``: true of this printout? (the areas printed on it, the copies)
    now = {"areas": bool(names), "no_areas": not names, "one_copy": copies == 1}
    now["two_copies"] = copies > 1
    for item in getattr(doc, field, None) or ():
        when = getattr(item, "when", None)
        if q._shows(item, areas) and (when is None or now[when]):  # for some areas only
            out.append(q.t(getattr(item, "text", item)))
    return tuple(x for x in out if x)


def _notice(q, page, form_word: str, code: str) -> str:
    """Content version, form code, review status and that the form supports the clinician's
    advice (words from labels.yaml and the form's file)."""
    from dryneedle_cli import __version__

    parts = [f"{q.label('content_version')} {__version__}", f"{form_word} {code}"]
    if page.status:  # a draft awaiting review, or approved by whom and when (status.stamp)
        parts.append(page.status)
    parts.append(q.label("supports"))
    return " · ".join(parts)
