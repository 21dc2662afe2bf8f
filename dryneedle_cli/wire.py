"""The JSON contract: one msgspec Struct per ``--json`` document and per object in it.

``render.json`` builds these from the views and encodes them (``msgspec.to_builtins``: fields in
the order written here; a field left ``UNSET`` is not printed). ``tools/schemas.py`` writes
``dryneedle_cli/schemas/*.schema.json`` from the same structs (``msgspec.json.schema``) and the
field table of docs/json.md from them and ``DESCRIPTIONS``; ``--check`` fails when either is
stale or a field has no description. Change a field here, run ``python tools/schemas.py``.

``schema_version`` changes only when a field is removed or changes meaning; new fields may be
added without a change. See docs/json.md.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

SCHEMA_VERSION = 1

# ------------------------------------------------------------------------------ value types

Version = Literal[1]
Lang = Annotated[str, Meta(pattern="^[a-z]{2,3}$")]
Slug = Annotated[str, Meta(pattern="^[a-z0-9]+(-[a-z0-9]+)*$")]
IsoDate = Annotated[str, Meta(pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Hash = Annotated[str, Meta(pattern="^[0-9a-f]{12}$")]
Text = Annotated[str, Meta(min_length=1)]
Count = Annotated[int, Meta(ge=0)]
Strength = Literal["moderate", "low", "very-low", "limited", "conflicting"]
ApprovalState = Literal["draft", "approved", "changed"]
Answer = Literal["yes", "no", "not-sure"]
Icd10 = Annotated[str, Meta(pattern=r"^[A-Z][0-9]{2}(\.[0-9]{1,2})?$")]
Icd10Cm = Annotated[str, Meta(pattern=r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")]
ScreenClass = Literal[
    "contraindication", "site-or-mode-only", "relative-contraindication", "precaution", "ask-only"
]


class Wire(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Every field is printed (null or [] included) unless it is ``UNSET``; nothing else is."""


# ------------------------------------------------------------------------------ parts


class Reference(Wire, kw_only=True):
    """A source as the clinician sees it (``--refs``, ``evidence``, every document's
    ``references``)."""

    key: Slug
    short: str
    citation: Text
    doi: str | None
    url: str | None
    status: Literal["verified", "partly-verified", "opinion"]
    supports: str
    note: str | None | UnsetType = UNSET  # evidence only: clinician-only review note


class Fact(Wire, kw_only=True):
    label: str
    value: str


class Section(Wire, kw_only=True):
    heading: str
    style: Literal["normal", "warning", "steps", "checklist", "evidence"]
    text: str
    items: list[str]
    refs: list[str]


class RuleOut(Wire, kw_only=True):
    item: str
    refs: list[str]


class ConditionRow(Wire, kw_only=True):
    id: Slug
    name: str
    clinical_name: str
    region: str
    region_name: str
    icd10: list[str]
    icd10_cm: list[str]
    evidence_strength: Strength
    aliases: list[str]


class Problem(Wire, kw_only=True):
    file: Text
    line: Annotated[int, Meta(ge=1)] | None
    column: Annotated[int, Meta(ge=1)] | None
    field: str | None
    message: Text


class Layer(Wire, kw_only=True):
    layer: Text
    folder: Text
    present: bool


class KeyPoint(Wire, kw_only=True):
    text: Text
    refs: list[Text]


class Question(Wire, kw_only=True):
    text: Text


class Given(Wire, kw_only=True):
    kind: Literal["aftercare", "prepare", "screening", "consent", "topic", "condition"]
    id: Text
    title: Text
    language: Annotated[str, Meta(min_length=2)]
    hash: Hash
    approval: ApprovalState
    approved_by: str | None
    approved_on: IsoDate | None
    approved_hash: Hash | None


class ScreenSourceClass(Wire, kw_only=True):
    source: str
    short: str
    class_: ScreenClass = msgspec.field(name="class")
    as_written: str


class ScreenItem(Wire, kw_only=True):
    """A screening question (clinician view)."""

    id: Slug
    group: str
    group_heading: str
    question: Text
    classes: Annotated[list[ScreenSourceClass], Meta(min_length=1)]
    why: str
    discuss: str
    areas: list[str]
    near_lungs: bool
    refs: list[str]
    answer: Answer | UnsetType = UNSET  # in a result


# an item that needs attention: answered yes or not sure
Flagged = Annotated[
    ScreenItem,
    Meta(extra_json_schema={
        "required": ["answer"], "properties": {"answer": {"enum": ["yes", "not-sure"]}}
    }),
]  # fmt: skip


class Attention(Wire, kw_only=True):
    group: str
    heading: str
    items: Annotated[list[Flagged], Meta(min_length=1)]


class Unanswered(Wire, kw_only=True):
    id: str
    question: str


class ReviewRow(Wire, kw_only=True):
    id: Slug
    kind: Literal["topic", "condition", "glossary", "prepare", "aftercare", "screening", "consent"]
    lang: Lang
    title: Text
    status: ApprovalState
    approved_by: str | None
    approved_on: IsoDate | None
    hash: Hash | None
    current_hash: Hash


class TranslationFile(Wire, kw_only=True):
    lang: Lang
    file: Text
    layer: Text
    translator: Text
    reviser: str | None
    date: IsoDate
    status: Literal["reviewed", "draft, awaiting review"]


class Untranslated(Wire, kw_only=True):
    lang: Lang
    item: Text
    reason: Text


# ------------------------------------------------------------------------------ documents
# In a stream (``explain -`` ...), each line also carries ``query`` and ``found``.


class PageDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["explain", "prepare", "aftercare"]
    lang: Lang
    kind: Literal["overview", "topic", "condition", "glossary", "prepare", "aftercare"]
    id: str
    title: Text
    summary: str
    facts: list[Fact]
    name: str | UnsetType = UNSET
    clinical_name: str | UnsetType = UNSET
    aliases: list[str] | UnsetType = UNSET
    icd10: list[Icd10] | UnsetType = UNSET
    icd10_cm: list[Icd10Cm] | UnsetType = UNSET
    region: str | UnsetType = UNSET
    evidence_strength: Strength | UnsetType = UNSET
    related: list[str] | UnsetType = UNSET
    areas: list[str] | UnsetType = UNSET
    areas_near_lungs: list[str] | UnsetType = UNSET
    rules_out: list[RuleOut] | UnsetType = UNSET
    reviewed_on: Annotated[str, Meta(extra_json_schema={"format": "date"})] | UnsetType = UNSET
    reviewed_by: str | UnsetType = UNSET
    status: ApprovalState
    approved_by: str | None
    approved_on: IsoDate | None
    status_line: Text
    sections: list[Section]
    references: list[Reference]
    query: str | UnsetType = UNSET
    found: Literal[True] | UnsetType = UNSET


class ConditionsDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["conditions"]
    lang: Lang
    query: str | None
    count: Count
    conditions: list[ConditionRow]
    found: Literal[True] | UnsetType = UNSET


class EvidenceDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["evidence"]
    lang: Lang
    query: str | None
    subject: str | None
    count: Count
    references: list[Reference]
    found: Literal[True] | UnsetType = UNSET


class MissingDoc(Wire, kw_only=True):
    schema_version: Version
    command: str
    query: str
    found: Literal[False]
    error: str
    suggestions: Annotated[list[str], Meta(max_length=10)]


class ValidateDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["validate"]
    ok: bool
    checked: list[str]
    errors: list[Problem]
    warnings: list[Problem]
    notes: list[str]


class PathsDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["paths"]
    layers: Annotated[list[Layer], Meta(min_length=1)] | UnsetType = UNSET
    id: Text | UnsetType = UNSET
    parts: Annotated[list[Text], Meta(min_length=1)] | UnsetType = UNSET


class TeachbackDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["teachback"]
    lang: Lang
    kind: Literal["overview", "topic", "condition", "prepare", "aftercare"]
    id: Text
    title: Text
    opener: Text
    areas: list[Text]
    key_points: list[KeyPoint]
    questions: list[Question]
    references: list[Reference]
    status_line: str


class NoteDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["note"]
    line: Annotated[str, Meta(min_length=1, max_length=300)]
    date: IsoDate
    language: Annotated[str, Meta(min_length=2)]
    clinician: str | None
    teachback: Literal["done", "partly", "not-done"] | None
    content_version: Text
    hash_algorithm: Literal["sha256-12"]
    areas: list[Text]
    area_names: list[Text]
    given: Annotated[list[Given], Meta(min_length=1)]


class ScreenQuestionsDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["screen"]
    lang: Lang
    kind: Literal["questions"]
    title: str
    summary: str
    areas: list[str]
    count: Count
    questions: list[ScreenItem]
    references: list[Reference]


class ScreenResultDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["screen"]
    lang: Lang
    kind: Literal["result"]
    title: str
    summary: str
    areas: list[str]
    answers: dict[str, Answer]
    attention: list[Attention]
    unanswered: list[Unanswered]
    message: str | None
    closing: str
    references: list[Reference]


class ReviewDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["review"]
    pages: list[ReviewRow]


class TranslationsDoc(Wire, kw_only=True):
    schema_version: Version
    command: Literal["translations"]
    translations: list[TranslationFile]
    untranslated: list[Untranslated]


def encode(doc: Wire) -> dict:
    """The document as JSON-ready data, fields in order, ``UNSET`` ones left out."""
    return msgspec.to_builtins(doc)
