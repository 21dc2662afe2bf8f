"""Teach-back: a page's key points and open questions, found by the same matcher as ``explain``.

``dryneedle teachback`` with no words is the overview (labels.yaml's ``overview_topic``);
``aftercare`` or ``prepare`` is that sheet, whose points and questions may depend on the areas
chosen with ``--area`` (``areas``, or ``near_lungs`` for the areas regions.yaml marks as near
the lungs); any other words name a topic or condition as ``explain`` finds it.
"""

from __future__ import annotations

from dryneedle_cli.content.kinds import BY_NAME
from dryneedle_cli.errors import NotFound, UsageError
from dryneedle_cli.model import tr
from dryneedle_cli.query.search import normalize
from dryneedle_cli.safe import short
from dryneedle_cli.views import Point, SectionView, TeachBack

# What to type for a sheet (``teachback aftercare``), after ``normalize`` without spaces.
SHEET_WORDS = {"aftercare": "aftercare", "prepare": "prepare", "preparation": "prepare"}


def sheet_named(words: str | None) -> str | None:
    """'aftercare' or 'prepare' when ``words`` name that sheet, else None."""
    return SHEET_WORDS.get(normalize(words or "").replace(" ", ""))


def page_of(q, words: str | None, area_words: list[str]):
    """(kind, item, region ids or None) of the page ``words`` name. None for the areas of a
    topic or condition: their key points do not depend on areas."""
    which = sheet_named(words)
    if which is not None:
        return which, getattr(q.kb, BY_NAME[which].kb), q.areas(area_words)
    if area_words:
        raise UsageError(
            "--area goes with 'aftercare' or 'prepare' (teachback aftercare --area neck); "
            "the key points of other pages are the same for every area"
        )
    if not words:
        return "overview", q.kb.topics[q.kb.labels.overview_topic], None
    if not normalize(words):
        raise NotFound(f"nothing found for '{short(words)}'")
    kind, ident = q.find(words)
    if kind == "topic":
        return kind, q.kb.topics[ident], None
    if kind == "condition":
        return kind, q.kb.conditions[ident], None
    term = q.kb.glossary[ident]
    raise NotFound(
        f"'{tr(term.term, q.lang)}' is a glossary term; key points are on topics, conditions "
        "and the aftercare and prepare sheets ('dryneedle teachback aftercare')"
    )


def points_and_questions(q, doc, areas) -> tuple[tuple[Point, ...], tuple[str, ...]]:
    """The key points and questions of ``doc`` that apply to ``areas`` (None: all), in this
    language with placeholders filled ({emergency_number} ...)."""
    local = {} if areas is None else q.lung_values(areas)
    points = tuple(
        Point(q.t(p.text, local), tuple(p.refs)) for p in doc.key_points if q._shows(p, areas)
    )
    questions = tuple(q.t(x.text, local) for x in doc.teachback if q._shows(x, areas))
    return points, questions


def view(q, words: str | None, area_words: list[str] | None = None) -> TeachBack:
    """The teach-back screen of the page ``words`` name, in the language ``Query.speaker``
    resolves for it (strict: NotTranslated; else the whole screen, maybe in English)."""
    kind, doc, areas = page_of(q, words, list(area_words or ()))
    needs = [f"{'topic' if kind == 'overview' else kind}:{doc.id}"]
    needs += [f"region:{a}" for a in areas or ()]
    q = q.speaker(f"the teach-back of '{doc.id}'", needs)
    return _view(q, kind, _same_doc(q, kind, doc), areas)


def _same_doc(q, kind: str, doc):
    """``doc`` (found in another Query's knowledge base) as ``q``'s knowledge base has it."""
    if kind in ("topic", "overview"):
        return q.kb.topics[doc.id]
    if kind == "condition":
        return q.kb.conditions[doc.id]
    return getattr(q.kb, BY_NAME[kind].kb)


def _view(q, kind: str, doc, areas) -> TeachBack:
    title = q.t(doc.name if kind == "condition" else doc.title)
    points, questions = points_and_questions(q, doc, areas)
    if not points and not questions:
        raise NotFound(
            f"'{title}' has no key points or teach-back questions yet; add 'key_points' and "
            f"'teachback' to its file ({q.kb.sources.get(doc.id, doc.id)})"
        )
    return TeachBack(
        kind=kind,
        id=doc.id,
        title=title,
        opener=q.label("teachback_opener"),
        key_points=points,
        questions=questions,
        references=q._refs(k for p in points for k in p.refs),
        labels=q.labels,
        areas=tuple(areas or ()),
        lang=q.lang,
    )


def box(q, which: str, areas: list[str]) -> SectionView | None:
    """The key points of a sheet as one section for a printed sheet (style ``keypoints``);
    None when it has none."""
    doc = getattr(q.kb, BY_NAME[which].kb)
    points, _ = points_and_questions(q, doc, areas)
    if not points:
        return None
    refs = tuple(dict.fromkeys(k for p in points for k in p.refs))
    return SectionView(
        q.label("key_points"), items=tuple(p.text for p in points), refs=refs, style="keypoints"
    )
