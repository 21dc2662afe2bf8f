"""Reading grades (Flesch-Kincaid, textstat 0.7.8) of the pages a patient sees.

What is measured: the page's opening sentence, each section heading, paragraph and list item,
as the patient reads them; and each teach-back screen (the opener, the key points and the
questions) as a page of its own. Not measured: facts (clinical names, ICD-10 codes) and citations,
which are for the clinician. textstat is a test and ``validate`` extra, imported only here.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

from dryneedle_cli.errors import NotFound

PAGE_LIMIT = 6.0
SECTION_LIMIT = 8.0


def available() -> bool:
    try:
        import textstat  # noqa: F401
    except ImportError:
        return False
    return True


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".?!:" else f"{text}."


def section_text(section) -> str:
    parts = [section.heading, section.text, *section.items]
    return " ".join(_sentence(p) for p in parts if p)


def page_text(page) -> str:
    parts = [_sentence(page.summary)] if page.summary else []
    parts.extend(section_text(s) for s in page.sections)
    return " ".join(parts)


def grade(text: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


def patient_pages(q, ids=None, untranslated: list[str] | None = None):
    """(name, page) for every page a patient may see; only ``ids`` when given.

    ``untranslated``: a list to which the names of the pages not translated into the query's
    language are added (they are left out); without it such a page is ``NotTranslated``."""

    def one(name, make, *args):
        if untranslated is None:
            return [(name, make(*args))]
        from dryneedle_cli.errors import NotTranslated

        try:
            return [(name, make(*args))]
        except NotTranslated:
            untranslated.append(name)
            return []

    if ids is None:
        yield from one("explain (overview)", q.explain, None)
    for tid in q.kb.topics:
        if ids is None or tid in ids:
            yield from one(f"explain {tid}", q.page_of, "topic", tid)
    for cid in q.kb.conditions:
        if ids is None or cid in ids:
            yield from one(f"explain {cid}", q.page_of, "condition", cid)
    for term in q.kb.glossary.values():
        if term.see is None and (ids is None or term.id in ids):
            yield from one(f"explain {term.id}", q.page_of, "term", term.id)
    for which in ("prepare", "aftercare"):
        if ids is None or which in ids:
            yield from one(which, q.sheet, which, [])
            yield from one(f"{which} (all areas)", q.sheet, which, list(q.kb.regions))
    for form in ("screening", "consent"):  # the forms: what the patient reads on them
        if ids is None or form in ids:
            yield from one(f"sheet {form}", q.form_page, form)


def teachback_pages(q, ids=None):
    """(name, view) for every teach-back screen (``dryneedle teachback``): the opener, the key
    points and the questions of each page that has them; the sheets also with every area, so
    that points for some areas only are measured too."""
    from dryneedle_cli.query import teachback

    def one(name, words, areas=()):
        try:
            return [(name, teachback.view(q, words, list(areas)))]
        except NotFound:  # a page with no key points or questions: nothing to read
            return []

    if ids is None:
        yield from one("teachback (overview)", None)
    for tid in q.kb.topics:
        if ids is None or tid in ids:
            yield from one(f"teachback {tid}", tid)
    for cid in q.kb.conditions:
        if ids is None or cid in ids:
            yield from one(f"teachback {cid}", cid)
    for which in ("prepare", "aftercare"):
        if ids is None or which in ids:
            yield from one(f"teachback {which}", which)
            yield from one(f"teachback {which} (all areas)", which, q.kb.regions)


class Row(NamedTuple):
    grade: float  # the page's
    name: str  # what to type for the page: "explain neck-pain", "prepare (all areas)"
    section_grade: float  # the hardest section's
    heading: str  # the hardest section's
    id: str  # the page's item id ("prepare"): ``kb.sources`` gives its file


def table(q, ids=None) -> list[Row]:
    """One row per patient page, hardest first."""
    rows = []
    for name, page in itertools.chain(patient_pages(q, ids), teachback_pages(q, ids)):
        worst = max(((grade(section_text(s)), s.heading) for s in page.sections), default=(0, ""))
        rows.append(Row(grade(page_text(page)), name, worst[0], worst[1], page.id))
    return sorted(rows, reverse=True)
