"""View models: exactly what one output shows, in one language, ready for any renderer."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

# Every view names the renderer method that shows it (``RENDER``): see ``dryneedle_cli.render``.


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
    style: str = "normal"  # normal | warning | steps | checklist (sheet files) | evidence


# ---------------------------------------------------------------------------- source marks
# Issue 23 (PEMAT-P item 2): a source mark ([1]) belongs on the body of what a patient reads
# only, on screen (the consult page, a sheet's page, the teach-back screen, the web page) and on
# paper: never in a warning box, the key points, a clinician's note, numbered steps or the
# screening form's questions; on a form never on what the patient fills in (tick boxes, lines
# to write on, signatures). The sources listed (on paper the numbered list at the end; on screen
# the references after the page) are exactly those the page marks, numbered in order of first
# mark. ``Marks`` is the one rule; every view a patient reads takes it (``Page``, ``TeachBack``,
# ``Printed``). The JSON keeps every section's ``refs``: data for scripts, not marks.
UNMARKED = frozenset({"warning", "keypoints", "note", "steps", "questions"})
FORM_UNMARKED = UNMARKED | {"checklist", "lines", "signature"}


class Marks:
    """The source marks of a view: which sections carry them, each source's number, the marks
    of a section and the sources listed. A view gives its sections and references in the order
    they are shown (``marked_page``: the view itself, or a printed document's page)."""

    __slots__ = ()
    UNMARKED: ClassVar[frozenset] = UNMARKED

    @property
    def marked_page(self):
        """What holds the ``sections`` (in the order shown) and the ``references``."""
        return self

    def marked(self, s) -> bool:
        """Whether section ``s`` carries source marks: a body section (``UNMARKED``; a form's
        ``FORM_UNMARKED``: never the screening questions or a part to fill in)."""
        return s.style not in self.UNMARKED

    @property
    def numbers(self) -> dict[str, int]:
        """Each marked source's number, in the order the view shows its body sections."""
        page = self.marked_page
        body = [s for s in page.sections if self.marked(s)]
        return numbering((), body, page.references)

    def marks(self, keys) -> str:
        return marks(self.numbers, keys)

    def marks_of(self, s) -> str:
        """Section ``s``'s marks ("[1] [3]"), '' for a section that carries none."""
        return marks(self.numbers, s.refs) if self.marked(s) else ""

    @property
    def sources(self) -> list[tuple[int, str]]:
        """(number, short name) of every marked source, in number order."""
        return source_list(self.numbers, self.marked_page.references)

    @property
    def marked_references(self) -> tuple[RefView, ...]:
        """The references of the marked sources, in number order (the screen's list)."""
        numbers = self.numbers
        found = [r for r in self.marked_page.references if r.key in numbers]
        return tuple(sorted(found, key=lambda r: numbers[r.key]))


def numbering(first_keys, sections, references) -> dict[str, int]:
    """Source key -> its number (1, 2 ...), in the order the sources are first cited:
    ``first_keys`` (a form's summary), then each section's ``refs``. Only sources the page
    knows (``references``) are numbered."""
    known = {r.key for r in references}
    keys = [*first_keys, *(k for s in sections for k in s.refs)]
    order = [k for k in dict.fromkeys(keys) if k in known]
    return {k: n for n, k in enumerate(order, 1)}


def marks(numbers: dict[str, int], keys) -> str:
    """The marks that stand for ``keys`` in the text: "[1] [3]" (each source once)."""
    return " ".join(f"[{n}]" for n in sorted({numbers[k] for k in keys if k in numbers}))


def source_list(numbers: dict[str, int], references) -> list[tuple[int, str]]:
    """(number, short name) of every numbered source, in number order: the list at the end."""
    shorts = {r.key: r.short for r in references}
    return sorted((n, shorts[k]) for k, n in numbers.items())


class Page(msgspec.Struct, Marks, frozen=True, kw_only=True):
    """One page a patient reads: an explanation, the preparation or the aftercare sheet. Its
    source marks on screen follow ``Marks`` (never in a warning box or numbered steps)."""

    RENDER: ClassVar[str] = "page"

    command: str
    kind: str  # overview | topic | condition | glossary | prepare | aftercare
    id: str
    title: str
    summary: str
    sections: tuple[SectionView, ...]
    references: tuple[RefView, ...]
    labels: dict[str, str]
    facts: tuple[tuple[str, str], ...] = ()  # (label, value) lines shown under the title
    areas: tuple[str, ...] = ()  # sheets and forms: the chosen region ids
    areas_near_lungs: tuple[str, ...] = ()  # sheets: those of them near a lung
    evidence_strength: str | None = None  # conditions: "moderate" ... "conflicting"
    rules_out: tuple[tuple[str, tuple[str, ...]], ...] = ()  # sheets: (line, reference keys)
    related: tuple[str, ...] = ()  # names of the "See also" pages, without ids (patient view)
    related_ids: tuple[str, ...] | None = None  # topics, conditions: the ids of those pages
    condition: ConditionFacts | None = None  # conditions: names and codes
    summary_refs: tuple[str, ...] = ()  # forms: the sources of the summary
    questions: tuple[str, ...] | None = None  # the screening form: the ids of the questions asked
    extra_sections: int | None = None  # the consent form: how many sections the clinic added
    reviewed: Reviewed | None = None  # the content's own review (its file's reviewed_on/by)
    lang: str = "en"  # the language of every word on it (a page is never a mix)
    # what the page is, in its language: a draft awaiting review, or approved by whom and when
    # (``status.stamp``); the same words end every screen, sheet and form of it
    status: str = ""
    approval: Approval | None = None  # the state behind ``status`` (``status.stamp``)


class ConditionFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What a condition page adds, for other tools: its names and codes."""

    name: str
    clinical_name: str
    aliases: tuple[str, ...]
    icd10: tuple[str, ...]
    icd10_cm: tuple[str, ...]
    region: str  # the region id


class Reviewed(msgspec.Struct, frozen=True):
    """A content file's own review: when (ISO date) and by whom."""

    on: str
    by: str


class Approval(msgspec.Struct, frozen=True):
    """A page's approval in its language at this clinic (``status.Status``)."""

    state: str  # draft | approved | changed
    by: str | None = None  # who approved it, when approved
    on: str | None = None  # when (ISO date), when approved


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
    RENDER: ClassVar[str] = "conditions"

    command: str
    title: str
    query: str | None
    groups: tuple[tuple[str, str, tuple[ConditionRow, ...]], ...]  # (region id, name, rows)
    labels: dict[str, str]
    lang: str = "en"

    @property
    def rows(self) -> tuple[ConditionRow, ...]:
        return tuple(r for _, _, rows in self.groups for r in rows)


class ReferenceList(msgspec.Struct, frozen=True):
    RENDER: ClassVar[str] = "references"

    command: str
    title: str
    summary: str
    query: str | None
    subject: str | None  # id of the topic or condition whose references these are
    references: tuple[RefView, ...]
    labels: dict[str, str]
    lang: str = "en"  # of the title and labels; references stay in their original language


class Missing(msgspec.Struct, frozen=True):
    """A query (one line of ``explain -``) that found nothing."""

    RENDER: ClassVar[str] = "missing"

    command: str
    query: str
    message: str
    suggestions: tuple[str, ...] = ()


class Problem(msgspec.Struct, frozen=True):
    """One error or warning in a knowledge file."""

    file: str
    line: int | None
    column: int | None
    field: str | None
    message: str

    def where(self) -> str:
        """file, file:line or file:line:column."""
        if self.line and self.column:
            return f"{self.file}:{self.line}:{self.column}"
        return f"{self.file}:{self.line}" if self.line else self.file


class ValidateReport(msgspec.Struct, frozen=True, kw_only=True):
    """What ``validate`` found: the clinician's view of every problem."""

    RENDER: ClassVar[str] = "validate_report"

    command: str = "validate"
    ok: bool
    checked: tuple[str, ...]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    notes: tuple[str, ...] = ()

    @classmethod
    def of(cls, report) -> ValidateReport:
        """The view of a ``validate.Report`` (its errors are ``ContentError``s)."""

        def problems(items) -> tuple[Problem, ...]:
            return tuple(Problem(e.file, e.line, e.column, e.field, e.detail) for e in items)

        return cls(
            ok=report.ok,
            checked=tuple(str(c) for c in report.checked),
            errors=problems(report.errors),
            warnings=problems(report.warnings),
            notes=tuple(report.notes),
        )


class Layer(msgspec.Struct, frozen=True):
    layer: str
    folder: str
    present: bool


class Paths(msgspec.Struct, frozen=True, kw_only=True):
    """``paths``: the content layers (highest first), or where each part of one item came from."""

    RENDER: ClassVar[str] = "paths"

    command: str = "paths"
    layers: tuple[Layer, ...] = ()
    id: str | None = None  # with an item: its id and the origin of each part
    parts: tuple[str, ...] = ()


class Point(msgspec.Struct, frozen=True):
    """A key point as shown: its text and the reference keys of the statement it repeats."""

    text: str
    refs: tuple[str, ...] = ()


class TeachBack(msgspec.Struct, Marks, frozen=True, kw_only=True):
    """``teachback``: a page's key points and open questions, on one screen. Key points carry
    no source marks (``Marks``), so the screen marks and lists none."""

    RENDER: ClassVar[str] = "teachback"

    command: str = "teachback"
    kind: str  # overview | topic | condition | prepare | aftercare
    id: str
    title: str  # the page's title
    opener: str  # the clinician's opening words (labels.yaml)
    key_points: tuple[Point, ...]
    questions: tuple[str, ...]
    references: tuple[RefView, ...]
    labels: dict[str, str]
    areas: tuple[str, ...] = ()  # sheets: the chosen region ids
    lang: str = "en"  # the language of every text on the screen
    status: str = ""  # draft or approved, in its language (``status.stamp``)

    @property
    def summary(self) -> str:
        return self.opener

    @property
    def sections(self) -> tuple[SectionView, ...]:
        """The key points and the questions as two sections (for the reading gate and the
        source marks: ``keypoints`` carry none)."""
        refs = tuple(dict.fromkeys(k for p in self.key_points for k in p.refs))
        return (
            SectionView(
                self.labels["key_points"],
                items=tuple(p.text for p in self.key_points),
                refs=refs,
                style="keypoints",
            ),
            SectionView(self.labels["teachback_questions"], items=self.questions),
        )


class Given(msgspec.Struct, frozen=True, kw_only=True):
    """One thing given to the patient, as the chart note records it."""

    kind: str  # aftercare | prepare | screening | consent | overview | topic | condition
    id: str
    title: str
    language: str
    hash: str  # fingerprint.content_hash of its patient-facing fields
    # the page's approval when it was given (``status``): draft, approved or changed; who
    # approved it, when, and the hash of the words approved
    approval: str = "draft"
    approved_by: str | None = None
    approved_on: str | None = None
    approved_hash: str | None = None


class Note(msgspec.Struct, frozen=True, kw_only=True):
    """``note``: one paste-ready line for the clinical record, and what it is made of."""

    RENDER: ClassVar[str] = "note"

    command: str = "note"
    line: str
    date: str
    language: str
    clinician: str | None
    teachback: str | None  # done | partly | not-done, or None when not given
    content_version: str
    areas: tuple[str, ...]
    area_names: tuple[str, ...]
    given: tuple[Given, ...]


class Fhir(msgspec.Struct, frozen=True):
    """``note --fhir``: a FHIR R4 resource (a Bundle) as plain JSON-ready data."""

    RENDER: ClassVar[str] = "fhir"

    resource: dict


# ---------------------------------------------------------------- screening (issue 13)


class ScreenClassView(msgspec.Struct, frozen=True, kw_only=True):
    """How one source classes one question (clinician view)."""

    source: str  # reference key
    short: str  # the reference's short name
    cls: str  # contraindication | relative-contraindication | precaution | ask-only
    label: str  # the class in a word or two ("rules out")
    as_written: str = ""  # the source's own qualifier


class ScreenItem(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    group: str
    group_heading: str
    question: str  # as the patient reads it
    why: str  # clinician
    discuss: str  # clinician
    classes: tuple[ScreenClassView, ...]  # each source's own class; never one verdict
    refs: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    near_lungs: bool = False
    answer: str | None = None  # yes | no | not-sure, in a result
    answer_label: str = ""


class ScreenQuestions(msgspec.Struct, frozen=True, kw_only=True):
    """``screen --questions``: the questions asked for the chosen areas, for the clinician."""

    RENDER: ClassVar[str] = "screen_questions"

    command: str = "screen"
    title: str
    summary: str
    areas: tuple[str, ...]
    items: tuple[ScreenItem, ...]
    references: tuple[RefView, ...]
    words: dict[str, str]
    # the language of the questions, words and headings (the clinician's why, discuss and each
    # source's own words stay in English, like the citations)
    lang: str = "en"


class ScreenGroupView(msgspec.Struct, frozen=True, kw_only=True):
    group: str  # the form's group id ("medicines"), never a class
    heading: str
    items: tuple[ScreenItem, ...]


class ScreenResult(msgspec.Struct, frozen=True, kw_only=True):
    """``screen``'s result: what needs the clinician's attention, never a verdict."""

    RENDER: ClassVar[str] = "screen_result"

    command: str = "screen"
    title: str
    summary: str  # "" when nothing is flagged
    areas: tuple[str, ...]
    answers: tuple[tuple[str, str], ...]  # (id, answer) as given, in question order
    groups: tuple[ScreenGroupView, ...]  # the form's groups, in its order
    unanswered: tuple[ScreenItem, ...]
    message: str  # the neutral line when nothing is flagged and nothing is left, else ""
    closing: str
    references: tuple[RefView, ...]
    words: dict[str, str]
    # the language of the questions, words and headings (the clinician's why, discuss and each
    # source's own words stay in English, like the citations)
    lang: str = "en"


# ---------------------------------------------------------------------------- printed documents
# What the document renderers (render/pdf, html, markdown, text) draw. Here, below them, so that
# no renderer imports handouts/; handouts/printed.make builds them (a sheet or a form).


FIRST_STYLES = ("warning", "keypoints", "note")  # the sections every format puts first


class Printed(msgspec.Struct, Marks, frozen=True, kw_only=True):
    """What every printed document has, a sheet (``Handout``) or a form (``FormHandout``): the
    page and its sections (drawn by their style), the clinic, the areas, the paper and type
    size, the words of the footer, and the source marks and list (``Marks`` over its page;
    ``UNMARKED``: the styles that carry no marks)."""

    page: Page
    clinic: Any  # the clinic profile (handouts.clinic.Clinic), or None
    patient: str = ""  # a form: the name in its running header ('' : a line to write on)
    areas: tuple[tuple[str, str], ...] = ()  # (region id, name)
    paper: str = "letter"
    large_print: bool = False
    labels: dict[str, str] = {}
    questions: str = ""  # the footer line
    emergency: str = ""  # the emergency line
    logo_alt: str = ""  # the logo's alternative text in a tagged PDF (labels.yaml "logo")
    notice: str = ""  # content version (a form: its code), review status, "supports ..."
    # the document's own words: a form's answers (a ``questions`` part's boxes), lines, copies
    words: dict[str, str] = {}

    @property
    def marked_page(self) -> Page:
        return self.page

    @property
    def outline_caption(self) -> str:
        """What to do with the body outline (``body_outline_caption_<kind>``: before the visit,
        check the areas before signing ...)."""
        return outline_caption(self.labels, self.page.kind)


class Handout(Printed, frozen=True, kw_only=True):
    clinician: str = ""
    date: str = ""
    next_visit: str = ""

    @property
    def details(self) -> list[tuple[str, str]]:
        """(label, value) for the patient block, only those given."""
        pairs = [
            ("patient", self.patient),
            ("date", self.date),
            ("clinician", self.clinician),
            ("next_visit", self.next_visit),
        ]
        return [(self.labels[k], v) for k, v in pairs if v]

    @property
    def area_names(self) -> str:
        return ", ".join(name for _, name in self.areas) or self.labels["no_areas"]

    @property
    def first_sections(self) -> tuple:
        """The warning signs, the key points box, then the clinician's notes: at the top of
        every format, in that order."""
        order = {"warning": 0, "keypoints": 1, "note": 2}
        top = [s for s in self.page.sections if s.style in order]
        return tuple(sorted(top, key=lambda s: order[s.style]))

    @property
    def other_sections(self) -> tuple:
        """Everything else, after the areas treated, in the page's order."""
        return tuple(s for s in self.page.sections if s.style not in FIRST_STYLES)


def outline_caption(labels: dict[str, str], kind: str) -> str:
    """What to do with the body outline: labels ``body_outline_caption_<kind>`` if there is one
    (e.g. ``_prepare``: before the visit), else ``body_outline_caption``; '' if neither."""
    return labels.get(f"body_outline_caption_{kind}") or labels.get("body_outline_caption", "")


def key_points_heading(labels: dict[str, str]) -> str:
    """The key points box's heading: labels ``key_points_heading``, else ``key_points``."""
    return labels.get("key_points_heading") or labels.get("key_points", "")


class FormHandout(Printed, frozen=True, kw_only=True):
    UNMARKED: ClassVar[frozenset] = FORM_UNMARKED
    # (label, value) to fill in at the top; an empty value is a line to write on
    fields: tuple[tuple[str, str], ...] = ()
    copies: tuple[str, ...] = ("",)  # one label per copy ("" for a single unlabelled copy)
    form_hash: str = ""
    key_points: tuple[str, ...] = ()  # the form's key points (its file's `key_points`), boxed
    steps: tuple[str, ...] = ()  # how to fill in the form (its file's `steps`), numbered

    @property
    def steps_heading(self) -> str:
        return self.labels.get("form_steps_heading", "") if self.steps else ""

    @property
    def top_sections(self) -> tuple[SectionView, ...]:
        """The key points box, then how to fill in the form: drawn by their style
        (``keypoints``, ``steps``) before the fields, in every format; () without them."""
        out = []
        if self.key_points:
            out.append(
                SectionView(self.key_points_heading, items=self.key_points, style="keypoints")
            )
        if self.steps:
            out.append(SectionView(self.steps_heading, items=self.steps, style="steps"))
        return tuple(out)

    @property
    def key_points_heading(self) -> str:
        return key_points_heading(self.labels)

    def header(self, copy: str = "") -> str:
        """The running header's words before the page number: name (or a line to write it
        on), the form's title and the copy's name."""
        name = self.patient or "_" * 22
        parts = [f"{self.labels.get('form_name_line', '')}: {name}", self.page.title]
        return "  ·  ".join([*parts, copy] if copy else parts)

    @property
    def details(self) -> list[tuple[str, str]]:
        """The fields that are filled in (the sheet renderers' patient block)."""
        return [(k, v) for k, v in self.fields if v]

    @property
    def area_names(self) -> str:
        return ", ".join(name for _, name in self.areas)

    def notice_for(self, copy: str) -> str:
        """The footer's small print on the pages of one copy: the copy's name first."""
        return f"{copy} · {self.notice}" if copy else self.notice
