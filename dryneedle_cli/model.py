"""The knowledge model: plain, immutable, typed data. No I/O, no printing.

Text a patient reads is a ``Text``: either a plain string (English) or a mapping from a language
code to a string, such as ``{en: ..., es: ...}``. ``tr`` picks a language with English as the
fallback.
"""

import datetime as _dt
import zlib
from collections.abc import Mapping
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
    # Shown when any chosen area is marked ``near_lungs`` in regions.yaml.
    near_lungs: bool = False
    # Keys of the references that say this item rules dry needling out (clinician view only).
    rules_out: Refs = ()


class Block(_Base, frozen=True, kw_only=True):
    """A paragraph and/or a list, with the references that support them."""

    text: Text | None = None
    items: tuple[str | Item, ...] = ()
    refs: Refs = ()


class Section(Block, frozen=True, kw_only=True):
    heading: Text
    style: Literal["normal", "warning", "steps", "checklist"] = "normal"
    areas: tuple[str, ...] = ()
    near_lungs: bool = False


class KeyPoint(_Base, frozen=True, kw_only=True):
    """One thing to take away from a page (teach-back): one short sentence that repeats a
    statement the page already makes, with that statement's reference keys."""

    text: Text
    refs: Refs
    areas: tuple[str, ...] = ()
    near_lungs: bool = False  # shown when a chosen area is marked near_lungs in regions.yaml


class Question(_Base, frozen=True, kw_only=True):
    """A teach-back question: open, in the clinician's voice, asking the patient to say a key
    point back in their own words ("In your own words, what will you watch for?"). Never a
    closed question ("Do you understand?"): ``validate`` refuses those."""

    text: Text
    areas: tuple[str, ...] = ()
    near_lungs: bool = False


class Step(_Base, frozen=True, kw_only=True):
    """A numbered step for filling in a form that is true only for some printouts (issue 23,
    PEMAT-P item 22): ``when`` is ``no_areas`` (printed without the areas to be treated),
    ``areas`` (with them), ``one_copy`` or ``two_copies`` (``--copies 2``)."""

    text: Text
    when: Literal["areas", "no_areas", "one_copy", "two_copies"]


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
    key_points: tuple[KeyPoint, ...] = ()
    teachback: tuple[Question, ...] = ()


class Condition(_Document, frozen=True, kw_only=True):
    name: Text
    clinical_name: Text
    aliases: tuple[str, ...] = ()
    icd10: tuple[str, ...] = ()  # WHO ICD-10 codes
    icd10_cm: tuple[str, ...] = ()  # US ICD-10-CM codes, where they differ or are checked
    icd10_note: Text | None = None
    region: str
    summary: Text
    description: Block
    how_it_may_help: Block
    risks: Block  # what to expect: common mild effects, beside the benefits
    evidence: Evidence
    related: tuple[str, ...] = ()
    key_points: tuple[KeyPoint, ...] = ()
    teachback: tuple[Question, ...] = ()


class Sheet(_Document, frozen=True, kw_only=True):
    """The preparation or the aftercare sheet."""

    title: Text
    summary: Text
    sections: tuple[Section, ...]
    key_points: tuple[KeyPoint, ...] = ()
    teachback: tuple[Question, ...] = ()


class Region(_Base, frozen=True, kw_only=True):
    id: str
    name: Text
    aliases: tuple[str, ...] = ()
    # Names this area shares with another area ("back"): typing one asks which area is meant.
    shared_aliases: tuple[str, ...] = ()
    # A needle here can reach a lung: the aftercare sheet shows the lung warning for it.
    near_lungs: bool = False
    # Names no place ("Several areas"): the lung warning names the places near the lungs
    # instead of this area, as when no area is given.
    any_area: bool = False


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
    note: str | None = None  # for clinicians only: how far it was checked; never on patient pages


class References(_Document, frozen=True, kw_only=True):
    items: tuple[Reference, ...]


class ReferenceLabel(_Base, frozen=True, kw_only=True):
    """A reference in a translation of ``references.yaml``: its key and the short label a
    patient page shows ("Consejos habituales de las clínicas"); the citation stays in its own
    language and comes from the English file."""

    key: str
    short: str


class ReferenceLabels(_Document, frozen=True, kw_only=True):
    """A translation of ``references.yaml``: the short labels only."""

    items: tuple[ReferenceLabel, ...]


class Labels(_Document, frozen=True, kw_only=True):
    """Words the program itself shows (headings of fixed parts, field names)."""

    # A clinic's labels.yaml may set only what it changes ("defaults: {emergency_number: '000'}");
    # the built-in one sets the overview topic and every label the program asks for.
    overview_topic: str = ""
    labels: dict[str, Text] = {}
    defaults: dict[str, Text] = {}


class Translation(_Base, frozen=True, kw_only=True):
    """A translation file's ``translation`` block: its review trail (ISO 17100: a translator,
    then a second person who revises), and the hashes of the English it was made from: one per
    part (``content.stamp``), or, as stamped before, one for the whole file."""

    lang: str
    translator: str
    reviser: str | None  # required, null until a second person has revised it
    date: _dt.date
    source_hash: str | dict[str, str]


# ---------------------------------------------------------------- screening and consent
# The two forms of issue 13. Clinician-only text (``why``, ``discuss``, ``as_written``) is plain
# English (``str``); what a patient reads is ``Text``.

ScreenClass = Literal[
    "contraindication", "site-or-mode-only", "relative-contraindication", "precaution", "ask-only"
]
# The order a question's classes are listed in. Each source keeps its own class; no class of a
# question is ever shown as the question's verdict (the maintainers' checked-source list).
SCREEN_CLASSES: tuple[str, ...] = (
    "contraindication",
    "site-or-mode-only",
    "relative-contraindication",
    "precaution",
    "ask-only",
)


class SourceClass(_Base, frozen=True, kw_only=True):
    """How one source classes one screening item (clinician view only)."""

    source: str  # a reference key
    class_: ScreenClass = msgspec.field(name="class")
    as_written: str | None = None  # the source's own qualifier, where the class alone misleads


class ScreenQuestion(_Base, frozen=True, kw_only=True):
    id: str
    group: str  # a ``ScreenGroup`` id: the heading it is asked under
    question: Text  # the patient's yes / no question
    why: str  # for the clinician: why it is asked
    classes: tuple[SourceClass, ...]
    discuss: str  # for the clinician: what to talk through on "yes" or "not sure"
    refs: Refs
    areas: tuple[str, ...] = ()  # asked only for these areas (none: always)
    near_lungs: bool = False  # asked only for areas regions.yaml marks near the lungs


class ScreenGroup(_Base, frozen=True, kw_only=True):
    id: str
    heading: Text


def reply_key(text: str) -> str:
    """A typed reply as the screening compares it: case, spaces and Unicode form ignored
    ("  Pas SÛR " typed with a combining accent is the reply "pas sûr")."""
    import unicodedata

    return unicodedata.normalize("NFC", " ".join(text.casefold().split()))


# Words every language reads as an answer (an answers file's ``yes``, JSON's ``true``): a
# translation's reply words may not give any of them another meaning.
FIXED_REPLIES = {"yes": "yes", "no": "no", "not-sure": "not-sure", "true": "yes", "false": "no"}


def reply_fold(text: str) -> str:
    """A reply as a patient may mean it: ``reply_key`` in compatibility form (fullwidth letters
    as plain ones), without accents and punctuation ("Sí!"
    and "si" are one reply). Two answers' reply words may not fold alike. A reply that is only
    punctuation ("?") stays as it is."""
    import unicodedata

    key = reply_key(text)
    bare = "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))
    bare = " ".join("".join(c if c.isalnum() else " " for c in bare).split())
    return bare or key


def reply_clash(yes, no, not_sure) -> tuple[str, str] | None:
    """(field, word) of the first reply word that also means another answer (compared by
    ``reply_fold``, with the ``FIXED_REPLIES``), or that is empty; None when they are apart."""
    seen = {reply_fold(k): v for k, v in FIXED_REPLIES.items()}
    for field, answer, words in (
        ("replies_yes", "yes", yes),
        ("replies_no", "no", no),
        ("replies_not_sure", "not-sure", not_sure),
    ):
        for word in words:
            key = reply_fold(word)
            if not reply_key(word) or seen.setdefault(key, answer) != answer:
                return field, word
    return None


def reply_map(yes, no, not_sure) -> dict[str, str]:
    """What a person may type (``reply_key``) -> yes, no or not-sure: the ``FIXED_REPLIES`` and
    the given reply words. A word that also means another answer (``reply_fold``) is left out,
    so it is asked again or refused, never read as one of its answers (the checks refuse such
    a file; this holds even if one got through)."""
    fixed = {reply_fold(k): v for k, v in FIXED_REPLIES.items()}
    answers: dict[str, set[str]] = {}
    typed: dict[str, str] = dict(FIXED_REPLIES)
    for answer, words in (("yes", yes), ("no", no), ("not-sure", not_sure)):
        for word in words:
            fold = reply_fold(word)
            if fold in fixed:  # "yes", "Not sure!": always its fixed answer
                typed.setdefault(reply_key(word), fixed[fold])
                continue
            answers.setdefault(fold, set()).add(answer)
            typed.setdefault(reply_key(word), answer)
    return {
        k: v
        for k, v in typed.items()
        if k and (reply_fold(k) in fixed or answers[reply_fold(k)] == {v})
    }


class ScreenWords(_Base, frozen=True, kw_only=True):
    """Words the screening screen and form show (in the file, so a translation has them)."""

    answer_yes: Text
    answer_no: Text
    answer_not_sure: Text
    reply_hint: Text
    reply_again: Text
    replies_yes: tuple[str, ...]  # what a patient may type for each answer
    replies_no: tuple[str, ...]
    replies_not_sure: tuple[str, ...]
    result_title: Text
    result_summary: Text
    # Headings per class: no longer shown (the result is grouped by the form's own groups,
    # never under a class); kept so translations stay valid.
    contraindication: Text | None = None
    relative_contraindication: Text | None = None
    precaution: Text | None = None
    ask_only: Text | None = None
    short_contraindication: Text  # one or two words per class, beside a source's name
    short_site_or_mode_only: Text
    short_relative_contraindication: Text
    short_precaution: Text
    short_ask_only: Text
    answer: Text
    discuss: Text
    not_answered: Text
    nothing_flagged: Text
    closing: Text
    form_name: Text
    form_date: Text
    form_signature: Text
    form_anything_else: Text
    form_checked_by: Text
    form_code: Text


class Screening(_Document, frozen=True, kw_only=True):
    title: Text
    summary: Text
    refs: Refs  # the summary's
    groups: tuple[ScreenGroup, ...]
    words: ScreenWords
    questions: tuple[ScreenQuestion, ...]
    # Issue 23: the few things to take away (a key-points box) and the numbered steps for
    # filling the form in (read, ask, tick, sign, hand back).
    key_points: tuple[KeyPoint, ...] = ()
    steps: tuple[str | Step, ...] = ()  # a Step: only on the printouts it is true for


class FormSection(Block, frozen=True, kw_only=True):
    """A section of a form: ``lines`` items are labels with a line to write on."""

    heading: Text
    style: Literal["normal", "warning", "checklist", "lines"] = "normal"


class SignatureBlock(Block, frozen=True, kw_only=True):
    """Who signs: a heading, an optional statement (``text``) and the lines to fill in."""

    id: str
    heading: Text
    lines: tuple[Text, ...]
    optional: bool = False


class ConsentWords(_Base, frozen=True, kw_only=True):
    clinic_copy: Text
    patient_copy: Text
    form_code: Text


class Consent(_Document, frozen=True, kw_only=True):
    title: Text
    summary: Text
    sections: tuple[FormSection, ...]
    # A clinic's own sections (its jurisdiction's wording), after the information and before
    # the patient's consent: a consent.patch.yaml adds them with ``add: {extra_sections: [...]}``.
    extra_sections: tuple[FormSection, ...] = ()
    agreement: FormSection
    signatures: tuple[SignatureBlock, ...]
    words: ConsentWords
    # Issue 23: the key-points box and the numbered "how to fill in this form" steps.
    key_points: tuple[KeyPoint, ...] = ()
    steps: tuple[str | Step, ...] = ()  # a Step: only on the printouts it is true for


class KnowledgeBase:
    """The whole merged knowledge base, as the query layer sees it, in one language.

    One attribute per kind of knowledge file (``content.kinds.Kind.kb``), given as keywords:
    ``topics`` and ``conditions`` are mappings from id; from the cache they decode each item
    only when it is first used, so a clinic folder of a thousand conditions costs little.
    ``index`` maps every search name to (kind, id) and ``codes`` every ICD-10 code to ids; both
    are worked out when the files are read, not on every run.

    ``lang`` is the language of its text (``content.i18n`` makes one per language from the
    English and the translations); ``untranslated`` maps ``kind:id`` (``condition:neck-pain``,
    ``labels:labels``, ``region:neck``) to why that item has no usable translation (it then
    holds the English, which the query layer never shows in this language). ``trail`` lists
    the translations behind it and what is not translated (``content.i18n.Translator``), one
    record each, for the clinician (``dryneedle translations``).
    """

    topics: Mapping[str, Topic]
    conditions: Mapping[str, Condition]
    prepare: Sheet
    aftercare: Sheet
    regions: dict[str, Region]
    glossary: dict[str, Term]
    references: dict[str, Reference]
    labels: Labels
    screening: Screening
    consent: Consent

    def __init__(
        self,
        *,
        sources,
        index,
        codes,
        warnings=(),
        provenance=None,
        lang="en",
        untranslated=None,
        trail=None,
        **content,
    ):
        for name, value in content.items():  # one per kind: topics=..., prepare=...
            setattr(self, name, value)
        self.sources: dict[str, str] = sources  # item id -> the file it came from
        self.index: dict[str, tuple[str, str]] = index
        self.codes: dict[str, list[str]] = codes
        self.warnings: tuple[str, ...] = tuple(warnings)  # one line each, for stderr
        # id (``reference:key`` for an item of a shared file) -> "how by layer: file" lines
        self.provenance: dict[str, list[str]] = provenance or {}
        self.lang: str = lang
        self.untranslated: Mapping[str, str] = untranslated or {}
        self.trail: list[dict] = trail if trail is not None else []


class Lazy(Mapping):
    """A read-only mapping whose values are msgpack bytes decoded (once) on first use."""

    def __init__(self, raw: dict[str, bytes], kind: type):
        self._raw, self._kind, self._done = raw, kind, {}

    def __getitem__(self, key):
        if key not in self._done:
            self._done[key] = msgspec.msgpack.decode(self._raw[key], type=self._kind)
        return self._done[key]

    def __iter__(self):
        return iter(self._raw)

    def __len__(self):
        return len(self._raw)

    def __contains__(self, key):
        return key in self._raw


class Later(Mapping):
    """A read-only mapping kept as one msgpack blob, fetched and decoded on first use (what
    most runs never look at: where each item came from)."""

    def __init__(self, fetch, kind: type):
        self._fetch, self._kind, self._done = fetch, kind, None

    def _all(self) -> dict:
        if self._done is None:
            self._done = msgspec.msgpack.decode(self._fetch(), type=self._kind)
        return self._done

    def __getitem__(self, key):
        return self._all()[key]

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self._all())


class Sharded(Mapping):
    """A read-only mapping kept as ``count`` msgpack blobs, split by a checksum of the key:
    looking up one key fetches and decodes one blob (``fetch(i)``), so a clinic's 10,000
    conditions cost one search little. Listing every key decodes them all."""

    SHARDS = 64

    def __init__(self, fetch, count: int, value: type = msgspec.Raw):
        self._fetch, self._count, self._type, self._done = fetch, count, dict[str, value], {}

    @classmethod
    def shard(cls, key: str, count: int = SHARDS) -> int:
        return zlib.crc32(key.encode("utf-8", "surrogatepass")) % count

    @classmethod
    def split(cls, mapping: Mapping) -> list[dict]:
        parts: list[dict] = [{} for _ in range(cls.SHARDS)]
        for k, v in mapping.items():
            parts[cls.shard(k)][k] = v
        return parts

    def _part(self, i: int) -> dict:
        if i not in self._done:
            self._done[i] = msgspec.msgpack.decode(self._fetch(i), type=self._type)
        return self._done[i]

    def __getitem__(self, key):
        if not isinstance(key, str):
            raise KeyError(key)
        return self._part(self.shard(key, self._count))[key]

    def __contains__(self, key):
        return isinstance(key, str) and key in self._part(self.shard(key, self._count))

    def __iter__(self):
        for i in range(self._count):
            yield from self._part(i)

    def __len__(self):
        return sum(len(self._part(i)) for i in range(self._count))
