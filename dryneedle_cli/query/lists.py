"""The lists: the conditions by body region and the references (``conditions`` and ``evidence``
choose what is in them and ask ``Query.speaker`` once for the list's language; the builders
``condition_list`` and ``reference_list`` work over the Query it gives), the references of a page
(``refs``) and where each part of an item came from (``origin``)."""

from __future__ import annotations

from dryneedle_cli.content.index import normalize
from dryneedle_cli.errors import NotFound
from dryneedle_cli.model import Condition, tr
from dryneedle_cli.safe import short
from dryneedle_cli.views import ConditionList, ConditionRow, ReferenceList, RefView


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


def conditions(query, words: str | None) -> ConditionList:
    chosen = list(query.kb.conditions.values())
    key = normalize(words or "")
    if key:
        found = {i for _, i in query.matches(words, ("condition",), exact=False).targets}
        chosen = [c for c in chosen if c.id in found]
        if not chosen:
            conds = {k: v for k, v in query.index.items() if v[0] == "condition"}
            raise NotFound(
                f"no condition matches '{short(words)}'",
                query.suggest(key, conds, query._display),
            )
    # Conditions not in this language are left out of its list (with a note); only when
    # none is left, or the labels are not translated, is the whole list not in it.
    missing = query.kb.untranslated
    ready = [
        c for c in chosen
        if f"condition:{c.id}" not in missing and f"region:{c.region}" not in missing
    ]  # fmt: skip
    if ready and len(ready) < len(chosen) and "labels:labels" not in missing:
        from dryneedle_cli.languages import name

        left = [query._display(("condition", c.id)) for c in chosen if c not in ready]
        if query._notify is not None:
            query._notify(
                f"not in {name(query.lang)} yet, so not listed: {'; '.join(left)} "
                "(dryneedle validate says why)"
            )
        chosen = ready
    needs = [f"condition:{c.id}" for c in chosen] + [f"region:{c.region}" for c in chosen]
    speaker = query.speaker("the list of conditions", needs)
    return condition_list(speaker, [c.id for c in chosen], words)


def origin(query, words: str) -> tuple[str, list[str]]:
    """(id, where each part came from) for a topic, condition, term, area or reference."""
    try:
        key = query.find(words)[1]
    except NotFound:
        keys = [
            k for k in query.kb.provenance if k.split(":")[-1] == normalize(words).replace(" ", "-")
        ]
        if not keys:
            raise
        key = keys[0]
    return key.split(":")[-1], list(query.kb.provenance.get(key, []))


def refs(query, keys) -> tuple[RefView, ...]:
    out, seen = [], set()
    for key in keys:
        if key in seen:
            continue
        seen.add(key)
        r = query.kb.references[key]
        out.append(
            RefView(
                r.key,
                r.short,
                r.citation,
                r.doi,
                r.url,
                r.status,
                tr(r.supports, query.lang),
                r.note,
            )
        )
    return tuple(out)


def evidence(query, words: str | None) -> ReferenceList:
    subject = None
    if words and normalize(words):
        from dryneedle_cli.content.walk import ref_keys

        kind, subject = query.find(words)
        keys = ref_keys(query._doc(kind, subject))
    else:
        keys = sorted(query.kb.references)
    return reference_list(query.speaker("the list of references", []), keys, words, subject)
