"""The lists: the conditions by body region and the references, over a Query already in the
list's language (``Query.conditions`` and ``Query.evidence`` choose what is in them)."""

from __future__ import annotations

from dryneedle_cli.model import Condition, tr
from dryneedle_cli.views import ConditionList, ConditionRow, ReferenceList


def _row(query, c: Condition) -> ConditionRow:
    return ConditionRow(
        id=c.id,
        name=query.t(c.name),
        clinical_name=query.t(c.clinical_name),
        region=c.region,
        region_name=tr(query.kb.regions[c.region].name, query.lang),
        icd10=c.icd10,
        icd10_cm=c.icd10_cm,
        evidence=c.evidence.strength,
        aliases=c.aliases,
    )


def condition_list(query, ids: list[str], words: str | None) -> ConditionList:
    """The conditions with these ids, by body region."""
    chosen = [query.kb.conditions[i] for i in ids]
    groups = []
    for rid, region in query.kb.regions.items():
        rows = tuple(_row(query, c) for c in sorted(chosen, key=lambda c: c.id) if c.region == rid)
        if rows:
            groups.append((rid, tr(region.name, query.lang), rows))
    return ConditionList(
        "conditions",
        query.labels["conditions"],
        words or None,
        tuple(groups),
        query.labels,
        lang=query.lang,
    )


def reference_list(query, keys, words: str | None, subject: str | None) -> ReferenceList:
    """These references, with their full citations (in their original language)."""
    return ReferenceList(
        "evidence",
        query.labels["references_title"],
        query.labels["references_summary"],
        words or None,
        subject,
        query._refs(keys),
        query.labels,
        lang=query.lang,
    )
