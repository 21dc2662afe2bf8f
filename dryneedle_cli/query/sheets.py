"""The preparation and aftercare sheets as pages: ``sheet_page(query, which, areas)`` over a
Query already in the page's language. The parts shown are those that apply to the chosen areas
(``parts.applies_to``, the one area rule), the lung line names the areas near a lung, and the
warning signs come first whatever order the file gives."""

from __future__ import annotations

import msgspec

from dryneedle_cli.content.kinds import BY_NAME
from dryneedle_cli.model import Item, Sheet, tr
from dryneedle_cli.query.parts import not_warning
from dryneedle_cli.views import Page, Reviewed


def sheet_page(query, which: str, areas: list[str]) -> Page:
    kind = BY_NAME[which]
    sheet: Sheet = getattr(query.kb, kind.kb)
    lung = query.near_lungs(areas)
    names = [tr(query.kb.regions[a].name, query.lang) for a in areas]
    local = query.lung_values(areas)
    sections = [query._section(s, areas, local) for s in sheet.sections if query._shows(s, areas)]
    # Warning signs come first in every format, whatever order the file gives.
    sections = sorted((s for s in sections if s.text or s.items), key=not_warning)
    rules_out = [
        (query._item(i), tuple(i.rules_out))
        for s in sheet.sections
        if query._shows(s, areas)
        for i in s.items
        if isinstance(i, Item) and i.rules_out and query._shows(i, areas)
    ]
    labels = {**query.labels, **{k: query.labels[v] for k, v in kind.label_swaps}}
    facts = ((labels["areas"], ", ".join(names)),) if names else ()
    page = query._page(
        which,
        which,
        sheet.id,
        query.t(sheet.title),
        query.t(sheet.summary),
        sections,
        facts=facts,
        areas=tuple(areas),
        areas_near_lungs=tuple(lung),
        rules_out=tuple(rules_out),
        reviewed=Reviewed(sheet.reviewed_on.isoformat(), sheet.reviewed_by),
    )
    return msgspec.structs.replace(page, labels=labels)
