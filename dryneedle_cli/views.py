"""View models: exactly what one output shows, in one language, ready for any renderer."""

from __future__ import annotations

import msgspec


class RefView(msgspec.Struct, frozen=True):
    key: str
    short: str
    citation: str
    doi: str | None
    url: str | None
    status: str
    supports: str
    note: str | None = None  # clinician-only review note (evidence views), never on patient pages


class SectionView(msgspec.Struct, frozen=True):
    heading: str
    text: str = ""
    items: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    style: str = "normal"  # normal | warning | steps | checklist | evidence | facts


class Page(msgspec.Struct, frozen=True, kw_only=True):
    """One page a patient reads: an explanation, the preparation or the aftercare sheet."""

    command: str
    kind: str  # overview | topic | condition | glossary | prepare | aftercare
    id: str
    title: str
    summary: str
    sections: tuple[SectionView, ...]
    references: tuple[RefView, ...]
    labels: dict[str, str]
    facts: tuple[tuple[str, str], ...] = ()  # (label, value) lines shown under the title
    data: dict = {}  # extra machine-readable fields for JSON
    # Typed fields the query layer fills (issue 11); ``data`` still carries the same values for
    # the JSON renderer until the renderers read these instead.
    areas: tuple[str, ...] = ()  # sheets: the chosen region ids
    areas_near_lungs: tuple[str, ...] = ()  # sheets: those of them near a lung
    evidence_strength: str | None = None  # conditions: "moderate" ... "conflicting"
    rules_out: tuple[tuple[str, tuple[str, ...]], ...] = ()  # sheets: (line, reference keys)


class ConditionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    clinical_name: str
    region: str
    region_name: str
    icd10: tuple[str, ...]
    evidence: str
    icd10_cm: tuple[str, ...] = ()
    aliases: tuple[str, ...]


class ConditionList(msgspec.Struct, frozen=True):
    command: str
    title: str
    query: str | None
    groups: tuple[tuple[str, str, tuple[ConditionRow, ...]], ...]  # (region id, name, rows)
    labels: dict[str, str]

    @property
    def rows(self) -> tuple[ConditionRow, ...]:
        return tuple(r for _, _, rows in self.groups for r in rows)


class ReferenceList(msgspec.Struct, frozen=True):
    command: str
    title: str
    summary: str
    query: str | None
    subject: str | None  # id of the topic or condition whose references these are
    references: tuple[RefView, ...]
    labels: dict[str, str]


class Missing(msgspec.Struct, frozen=True):
    """A query (one line of ``explain -``) that found nothing."""

    command: str
    query: str
    message: str
    suggestions: tuple[str, ...] = ()
