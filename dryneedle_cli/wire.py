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


class Wire(msgspec.Struct, kw_only=True):
    """Every field is printed (null or [] included) unless it is ``UNSET``; nothing else is.

    The schemas stay open (no ``additionalProperties: false``): docs/json.md promises that new
    fields may appear in any release and asks readers to ignore the ones they do not know, so
    a consumer holding an older schema must still accept newer output. That the output has no
    field its struct lacks is checked by ``tools/schemas.py --check`` instead (a round trip)."""


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


# ------------------------------------------------------------------------------ the schema files
WARNING = {"properties": {"style": {"const": "warning"}}}  # a section of urgent signs
# file name (``<name>.schema.json``) -> (the struct, its title, what JSON Schema says that a
# struct cannot: conditions between fields)
SCHEMAS: dict[str, tuple[type[Wire], str, dict]] = {
    "conditions": (ConditionsDoc, "dryneedle conditions", {}),
    "evidence": (EvidenceDoc, "dryneedle evidence", {}),
    "missing": (
        MissingDoc,
        "dryneedle not-found record (a line of explain - / conditions - / evidence -)",
        {},
    ),
    "note": (NoteDoc, "dryneedle note --json: the chart note and what it is made of", {}),
    "page": (
        PageDoc,
        "dryneedle page (explain, prepare, aftercare)",
        {
            "allOf": [
                {
                    "if": {"properties": {"kind": {"const": "condition"}}},
                    "then": {
                        "required": [
                            "name",
                            "clinical_name",
                            "aliases",
                            "icd10",
                            "region",
                            "evidence_strength",
                        ]
                    },
                },
                {
                    "if": {"properties": {"kind": {"const": "aftercare"}}},
                    "then": {
                        "required": ["areas"],
                        "properties": {"sections": {"contains": WARNING}},
                    },
                },
            ]
        },
    ),  # fmt: skip
    "paths": (
        PathsDoc,
        "dryneedle paths --json: the layers, or where each part of one item came from",
        {
            "oneOf": [
                {"required": ["layers"], "not": {"required": ["id"]}},
                {"required": ["id", "parts"], "not": {"required": ["layers"]}},
            ]
        },
    ),
    "reference": (Reference, "dryneedle reference", {}),
    "review": (
        ReviewDoc,
        "dryneedle review list --json: every page in every language and its approval",
        {},
    ),
    "screen-item": (ScreenItem, "dryneedle screening question (clinician view)", {}),
    "screen-questions": (ScreenQuestionsDoc, "dryneedle screen --questions", {}),
    "screen-result": (ScreenResultDoc, "dryneedle screen (the result)", {}),
    "teachback": (
        TeachbackDoc,
        "dryneedle teachback --json: one page's key points and teach-back questions",
        {},
    ),
    "translations": (
        TranslationsDoc,
        "dryneedle translations --json: each translation file in use, and what is not translated",
        {},
    ),
    "validate": (ValidateDoc, "dryneedle validate --json", {}),
}

# What each field means, once: by field name, or ``Struct.field`` where one name means
# different things in different objects. Every field of every struct above has one
# (``tools/schemas.py --check``); the schemas and docs/json.md's field table take them from here.
DESCRIPTIONS: dict[str, str] = {
    "schema_version": "1; changes only when a field is removed, renamed or changes meaning",
    "command": "the subcommand that printed the document",
    "lang": "the language of the text (en, es, fr ...); references keep their own",
    "query": "the words asked (null: none); in a stream, the line this record answers",
    "found": "in a stream: whether the query found something",
    "count": "how many items the list holds",
    "references": "every reference the document cites",
    "summary": "the opening sentence",
    "title": "the title, in the document's language",
    "id": "the stable id",
    "kind": "what kind of page or document it is",
    "areas": "the body area ids chosen with --area ([] for none)",
    "questions": "the questions",
    "status_line": "the status as the page or screen says it, in its language",
    "approved_by": "who approved it; null unless status is approved",
    "approved_on": "when it was approved (YYYY-MM-DD); null unless status is approved",
    # a reference
    "key": "the reference key the sections cite",
    "short": "the source's short name",
    "citation": "the full citation",
    "doi": "the DOI, or null",
    "url": "the web address, or null",
    "Reference.status": "verified, partly-verified or opinion (advice from practice, not tested)",
    "supports": "what the source says that the text relies on",
    "note": "evidence --notes: the clinician-only review note (null without it); never on pages",
    # pages
    "PageDoc.kind": "overview, topic, condition, glossary, prepare or aftercare",
    "PageDoc.id": "the stable id of the topic, condition, term or sheet",
    "facts": "the short lines under the title, as shown",
    "label": "the fact's label",
    "value": "the fact's value",
    "sections": "the sections, in reading order",
    "heading": "the heading",
    "style": "normal, warning (urgent signs), steps, checklist or evidence",
    "Section.text": "a paragraph, empty when none",
    "Section.items": "list items, [] when none",
    "Section.refs": "the reference keys supporting this section",
    "name": "the everyday name",
    "clinical_name": "the clinical name",
    "aliases": "other words a patient may use",
    "icd10": "WHO ICD-10 codes",
    "icd10_cm": "US ICD-10-CM codes where they differ or were checked ([] when none)",
    "region": "the body region id",
    "region_name": "the body region's name",
    "evidence_strength": "moderate, low, very-low, limited or conflicting",
    "PageDoc.name": "condition: the everyday name",
    "PageDoc.clinical_name": "condition: the clinical name",
    "PageDoc.aliases": "condition: other words a patient may use",
    "PageDoc.icd10": "condition: WHO ICD-10 codes",
    "PageDoc.icd10_cm": "condition: US ICD-10-CM codes where they differ or were checked",
    "PageDoc.region": "condition: the body region id",
    "PageDoc.evidence_strength": "condition: moderate, low, very-low, limited or conflicting",
    "related": "topic, condition: the ids of the related pages",
    "PageDoc.areas": "sheets: the area ids chosen with --area",
    "areas_near_lungs": "sheets: those of the areas near a lung",
    "rules_out": "prepare: the items a named source says rule dry needling out (clinician note)",
    "item": "the item's text",
    "RuleOut.refs": "the reference keys that say it rules dry needling out",
    "reviewed_on": "when the source file was reviewed (not on glossary pages)",
    "reviewed_by": "who reviewed the source file (not on glossary pages)",
    "PageDoc.status": "draft, approved or changed: whether a clinician of the clinic approved "
    "these exact words in this language",
    # lists
    "conditions": "the conditions, by body region, then id",
    "subject": "the id of the topic or condition whose references these are, or null",
    "error": "the one-line message",
    "suggestions": "close matches, maybe none",
    # validate
    "ok": "false exactly when there is an error (exit 3)",
    "checked": "the layer folders looked at",
    "errors": "the errors",
    "warnings": "the warnings",
    "notes": "what was not checked, and why",
    "file": "the file",
    "Problem.line": "the line, or null",
    "column": "the column, or null",
    "field": "the field, or null",
    "Problem.message": "what is wrong and how to fix it",
    # paths
    "layers": "without words: the content layers, highest first",
    "layer": "the layer's name",
    "folder": "the layer's folder",
    "present": "whether the folder exists",
    "PathsDoc.id": "with words: the item's id",
    "parts": "with words: which layer each part of the item came from, one line each",
    # teachback
    "TeachbackDoc.kind": "overview, topic, condition, prepare or aftercare",
    "TeachbackDoc.id": "the page's id",
    "TeachbackDoc.title": "the page's title",
    "opener": "the clinician's opening words (teachback_opener in labels.yaml)",
    "key_points": "the 2 or 3 key points for these areas, placeholders filled",
    "KeyPoint.text": "the key point",
    "KeyPoint.refs": "the reference keys of the statement it repeats",
    "TeachbackDoc.questions": "the open teach-back questions for these areas",
    "Question.text": "the question",
    # note
    "NoteDoc.line": "the paste-ready line, at most 300 characters, never the patient's name",
    "NoteDoc.date": "the date given, YYYY-MM-DD",
    "language": "the language the items were given in",
    "clinician": "--clinician, else the profile's default_clinician",
    "teachback": "done, partly, not-done, or null when not given",
    "content_version": "the dryneedle version whose content was given",
    "hash_algorithm": "sha256-12: how hash is made (docs/json.md)",
    "NoteDoc.areas": "the area ids",
    "area_names": "the areas' English names, as in the line",
    "given": "each item given, once, in the order given",
    "Given.kind": "aftercare, prepare, screening, consent, topic or condition",
    "Given.title": "the English title the line shows",
    "hash": "the content hash of its patient-facing words (sha256-12)",
    "approval": "the page's approval in this language when it was given",
    "approved_hash": "the hash of the words approved (the review hash); null unless approved",
    # screening
    "ScreenQuestionsDoc.kind": "questions",
    "ScreenResultDoc.kind": "result",
    "ScreenQuestionsDoc.areas": "the --area ids ([] for all)",
    "ScreenQuestionsDoc.questions": "the questions asked for these areas, in order",
    "group": "the form's group id (medicines, needles ...)",
    "group_heading": "the group's heading",
    "question": "the question as the patient reads it",
    "classes": "each source's own class of the question; never one verdict",
    "source": "the reference key",
    "class": "contraindication, site-or-mode-only, relative-contraindication, precaution or "
    "ask-only",
    "as_written": "the source's own qualifier, or empty",
    "why": "for the clinician: why it is asked",
    "discuss": "for the clinician: what to discuss",
    "ScreenItem.areas": "the region ids it is asked for (none: always)",
    "near_lungs": "asked when an area is near a lung",
    "ScreenItem.refs": "the reference keys",
    "answer": "in a result: yes, no or not-sure",
    "answers": "every answered id and its answer",
    "attention": "the yes and not-sure answers, under the form's groups, in its order",
    "Attention.items": "the questions, each with its answer",
    "unanswered": "the questions asked for these areas with no answer",
    "ScreenResultDoc.message": "the neutral line when nothing is flagged or unanswered, else null",
    "closing": "the closing line, always there",
    # review
    "pages": "every page in every language",
    "ReviewRow.status": "draft: never approved in this language; approved: its words have the "
    "approved hash; changed: approved once, different now",
    "ReviewRow.hash": "the hash of the words approved (null: never approved)",
    "current_hash": "the hash of the words now",
    # translations
    "translations": "each translation file in use",
    "untranslated": "each item with no usable translation",
    "TranslationFile.status": "reviewed, or 'draft, awaiting review' until a second person "
    "revised it",
    "translator": "who translated it",
    "reviser": "who revised it, or null",
    "TranslationFile.date": "the translation's date, YYYY-MM-DD",
    "Untranslated.item": "the item, as kind:id",
    "reason": "why, and how to fix it",
}


def description(struct: type[Wire], field: str) -> str | None:
    """What ``field`` (its JSON name) of ``struct`` means (``DESCRIPTIONS``), or None."""
    return DESCRIPTIONS.get(f"{struct.__name__}.{field}", DESCRIPTIONS.get(field))
