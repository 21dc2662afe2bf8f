"""The knowledge model: plain, immutable, typed data. No I/O, no printing.

Text a patient reads is a ``Text``: either a plain string (English) or a mapping from a language
code to a string, such as ``{en: ..., es: ...}``. ``tr`` picks a language with English as the
fallback.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal

import msgspec

Text = str | dict[str, str]
Refs = tuple[str, ...]


def tr(text: Text | None, lang: str = "en") -> str:
    """The text in ``lang``, falling back to English."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text["en"]


class _Base(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


class Item(_Base, frozen=True, kw_only=True):
    """One line of a list: a statement or an action."""

    text: Text
    refs: Refs = ()
    areas: tuple[str, ...] = ()


class Block(_Base, frozen=True, kw_only=True):
    """A paragraph and/or a list, with the references that support them."""

    text: Text | None = None
    items: tuple[str | Item, ...] = ()
    refs: Refs = ()


class Section(Block, frozen=True, kw_only=True):
    heading: Text
    style: Literal["normal", "warning", "steps", "checklist"] = "normal"
    areas: tuple[str, ...] = ()


class Evidence(_Base, frozen=True, kw_only=True):
    strength: Literal["moderate", "low", "very-low", "limited", "conflicting"]
    text: Text
    refs: Refs


class _Document(_Base, frozen=True, kw_only=True):
    id: str
    reviewed_on: _dt.date
    reviewed_by: str
    references: Refs = ()


class Topic(_Document, frozen=True, kw_only=True):
    title: Text
    aliases: tuple[str, ...] = ()
    summary: Text
    sections: tuple[Section, ...]
    related: tuple[str, ...] = ()


class Condition(_Document, frozen=True, kw_only=True):
    name: Text
    clinical_name: Text
    aliases: tuple[str, ...] = ()
    icd10: tuple[str, ...] = ()
    icd10_note: Text | None = None
    region: str
    summary: Text
    description: Block
    how_it_may_help: Block
    evidence: Evidence
    related: tuple[str, ...] = ()


class Sheet(_Document, frozen=True, kw_only=True):
    """The preparation or the aftercare sheet."""

    title: Text
    summary: Text
    sections: tuple[Section, ...]


class Region(_Base, frozen=True, kw_only=True):
    id: str
    name: Text
    aliases: tuple[str, ...] = ()


class Regions(_Document, frozen=True, kw_only=True):
    regions: tuple[Region, ...]


class Term(_Base, frozen=True, kw_only=True):
    id: str
    term: Text
    aliases: tuple[str, ...] = ()
    definition: Text
    refs: Refs
    see: str | None = None


class Glossary(_Document, frozen=True, kw_only=True):
    terms: tuple[Term, ...]


class Reference(_Base, frozen=True, kw_only=True):
    key: str
    short: str
    citation: str
    doi: str | None = None
    url: str | None = None
    status: Literal["verified", "partly-verified", "opinion"]
    supports: Text


class References(_Document, frozen=True, kw_only=True):
    items: tuple[Reference, ...]


class Labels(_Document, frozen=True, kw_only=True):
    """Words the program itself shows (headings of fixed parts, field names)."""

    overview_topic: str
    labels: dict[str, Text]
    defaults: dict[str, Text] = {}


class KnowledgeBase(_Base, frozen=True, kw_only=True):
    topics: dict[str, Topic]
    conditions: dict[str, Condition]
    prepare: Sheet
    aftercare: Sheet
    regions: dict[str, Region]
    glossary: dict[str, Term]
    references: dict[str, Reference]
    labels: Labels
    sources: dict[str, str]  # item id -> file it came from (for messages)
