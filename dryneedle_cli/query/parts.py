"""What the page builders share: the one area rule (``applies_to``), which parts are bound to
areas, the warning sections' order, and an area's name inside a sentence."""

from __future__ import annotations

import re

from dryneedle_cli.views import SectionView

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def not_warning(section: SectionView) -> bool:
    return section.style != "warning"


def area_bound(part) -> bool:
    return bool(part.areas or part.near_lungs)


def applies_to(regions, part, chosen) -> bool:
    """Whether a part with ``areas`` and/or ``near_lungs`` applies to the chosen region ids.

    - A part with neither applies everywhere.
    - ``areas``: it applies when one of them is chosen.
    - ``near_lungs``: it applies when ANY chosen area (in any position) is one regions.yaml
      marks ``near_lungs``, and also when no area is given (``None`` or empty): nobody has
      said the needles were away from the lungs, so the lung parts are shown.
    This is the only place that decides it (sheets, area notes, teach-back, screening)."""
    if not part.areas and not part.near_lungs:
        return True
    if part.areas and chosen and any(a in chosen for a in part.areas):
        return True
    if part.near_lungs:
        return not chosen or any(regions[a].near_lungs for a in chosen)
    return False


def in_sentence(name: str) -> str:
    """A body area's name as it reads inside a sentence: 'Neck' -> 'neck', 'Pecho y costillas'
    -> 'pecho y costillas' (area names are headings in regions.yaml, never proper nouns)."""
    return name[:1].lower() + name[1:]


def local_date(query, value: str) -> str:
    """A YYYY-MM-DD date as this language writes it (labels ``date_format``, ``months``,
    ``day_one``: '23 November 2026', '23 de noviembre de 2026', '1er décembre 2026');
    anything else as given."""
    from dryneedle_cli.dates import parse

    try:
        iso = (value or "").strip()
        date = parse(iso)
    except ValueError:
        return value
    months = [n.strip() for n in query.labels.get("months", "").split(",")]
    fmt = query.labels.get("date_format")
    if not fmt or len(months) != 12:
        return value
    parts = {
        "day": query.labels.get("day_one", "1") if date.day == 1 else str(date.day),
        "month": months[date.month - 1],
        "year": iso[:4],
        "iso": iso,
    }
    return _PLACEHOLDER.sub(lambda x: parts.get(x.group(1), x.group(0)), fmt)


def cited(query, *docs) -> list[str]:
    """``reference:key`` for the sources these documents cite, when any source's label
    is not translated into this language (a page shows its sources by their labels)."""
    missing = query.kb.untranslated
    if not any(k.startswith("reference:") for k in missing):
        return []
    from dryneedle_cli.content.walk import walk

    keys = set()
    for doc in docs:
        for _, _, field, value, _ in walk(doc):
            if field in ("refs", "rules_out", "source") and isinstance(value, str):
                keys.add(value)
    return [f"reference:{k}" for k in sorted(keys)]
