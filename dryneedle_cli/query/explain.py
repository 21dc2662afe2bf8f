"""The pages ``explain`` shows, one builder per family, registered by kind (``BUILDERS``):
a topic (or the overview), a condition (with its area notes from the sheets) and a glossary
term. Each is ``(query, item) -> Page`` over a Query already in the page's language
(``Query.speaker`` resolved it); nothing here chooses a language or keeps state."""

from __future__ import annotations

from dryneedle_cli.model import Condition, Item, Term, Topic
from dryneedle_cli.query.parts import area_bound
from dryneedle_cli.views import ConditionFacts, Page, Reviewed, SectionView


def _related(query, ids) -> tuple[tuple[str, str], ...]:
    names = [
        query._display(("topic" if i in query.kb.topics else "condition", i))
        for i in query._shown(ids)
    ]
    return ((query.labels["related"], "; ".join(names)),) if names else ()


def _related_names(query, ids) -> tuple[str, ...]:
    """The names of related pages as a patient reads them: no ids."""
    return tuple(
        query.t(query.kb.topics[i].title if i in query.kb.topics else query.kb.conditions[i].name)
        for i in query._shown(ids)
    )


def topic_page(query, topic: Topic, kind: str = "topic") -> Page:
    return query._page(
        "explain",
        kind,
        topic.id,
        query.t(topic.title),
        query.t(topic.summary),
        [query._section(s) for s in topic.sections],
        facts=_related(query, topic.related),
        related=_related_names(query, topic.related),
        related_ids=tuple(topic.related),
        reviewed=Reviewed(topic.reviewed_on.isoformat(), topic.reviewed_by),
    )


def area_notes(query, region: str) -> list[SectionView]:
    """The preparation and aftercare lines that apply to one body region only (the parts
    with ``areas`` or ``near_lungs`` that ``applies`` to it)."""
    local = query.lung_values([region])
    out = []
    for label, sheet in (
        ("area_notes_prepare", query.kb.prepare),
        ("area_notes_aftercare", query.kb.aftercare),
    ):
        lines, refs = [], []
        for s in sheet.sections:
            if area_bound(s) and query.applies(s, [region]):
                lines.extend(query._item(i, local) for i in s.items)
                refs.extend(s.refs)
                continue
            for i in s.items:
                if isinstance(i, Item) and area_bound(i) and query.applies(i, [region]):
                    lines.append(query._item(i, local))
                    refs.extend(i.refs or s.refs)
        if lines:
            out.append(
                SectionView(
                    query.labels[label], items=tuple(lines), refs=tuple(dict.fromkeys(refs))
                )
            )
    return out


def condition_page(query, c: Condition) -> Page:
    strength = query.labels[f"strength_{c.evidence.strength}"]
    region = query.kb.regions[c.region]
    facts = [
        (query.labels["clinical_name"], query.t(c.clinical_name)),
        (query.labels["icd10"], ", ".join(c.icd10) or query.t(c.icd10_note)),
        *([(query.labels["icd10_cm"], ", ".join(c.icd10_cm))] if c.icd10_cm else []),
        (query.labels["region"], query.t(region.name)),
        (query.labels["evidence_strength"], strength),
    ]
    sections = [
        query._block(query.labels["description"], c.description),
        query._block(query.labels["how_it_may_help"], c.how_it_may_help),
        query._block(query.labels["risks"], c.risks),
        SectionView(
            query.labels["evidence"],
            text=query.t(c.evidence.text),
            refs=c.evidence.refs,
            style="evidence",
        ),
        *area_notes(query, c.region),
    ]
    return query._page(
        "explain",
        "condition",
        c.id,
        query.t(c.name),
        query.t(c.summary),
        sections,
        facts=[*facts, *_related(query, c.related)],
        condition=ConditionFacts(
            name=query.t(c.name),
            clinical_name=query.t(c.clinical_name),
            aliases=tuple(c.aliases),
            icd10=tuple(c.icd10),
            icd10_cm=tuple(c.icd10_cm),
            region=c.region,
        ),
        evidence_strength=c.evidence.strength,
        related=_related_names(query, c.related),
        related_ids=tuple(c.related),
        reviewed=Reviewed(c.reviewed_on.isoformat(), c.reviewed_by),
    )


def term_page(query, term: Term) -> Page:
    title = query.t(term.term)
    return query._page(
        "explain",
        "glossary",
        term.id,
        title,
        "",
        [SectionView(title, text=query.t(term.definition), refs=term.refs)],
    )


# kind (as ``Search.find`` gives it) -> (the knowledge base's table, the page builder)
BUILDERS = {
    "topic": ("topics", topic_page),
    "condition": ("conditions", condition_page),
    "term": ("glossary", term_page),
}
