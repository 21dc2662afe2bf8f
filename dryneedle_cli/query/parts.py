"""What the page builders share: the one area rule (``applies_to``), which parts are bound to
areas, the warning sections' order, and an area's name inside a sentence."""

from __future__ import annotations

from dryneedle_cli.views import SectionView


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
