"""JSON: one document per command, a stable contract with a ``schema_version``: each view is
made into its wire struct (``dryneedle_cli.wire``, from which the schemas are generated) and
encoded. See docs/json.md.
"""

from __future__ import annotations

import json
import sys

import msgspec
from msgspec import UNSET

from dryneedle_cli import wire
from dryneedle_cli.render import Renderer
from dryneedle_cli.views import (
    Approval,
    ConditionList,
    Fhir,
    Missing,
    Note,
    Page,
    Paths,
    ReferenceList,
    RefView,
    ScreenItem,
    ScreenQuestions,
    ScreenResult,
    TeachBack,
    ValidateReport,
)

V = wire.SCHEMA_VERSION
# page kinds whose JSON names the areas (and the areas near a lung): the sheets
_SHEETS = ("prepare", "aftercare")


def _ref(r: RefView, note: bool = False) -> wire.Reference:
    return wire.Reference(
        key=r.key,
        short=r.short,
        citation=r.citation,
        doi=r.doi,
        url=r.url,
        status=r.status,
        supports=r.supports,
        # clinician-only review note: in the evidence list, never on a page
        note=r.note if note else UNSET,
    )


def page(p: Page) -> wire.PageDoc:
    c = p.condition
    sheet = p.kind in _SHEETS
    a = p.approval or Approval("draft")  # a page not stamped (``status.stamp``) is a draft
    return wire.PageDoc(
        schema_version=V,
        command=p.command,
        lang=p.lang,
        kind=p.kind,
        id=p.id,
        title=p.title,
        summary=p.summary,
        facts=[wire.Fact(label=label, value=value) for label, value in p.facts],
        name=c.name if c else UNSET,
        clinical_name=c.clinical_name if c else UNSET,
        aliases=list(c.aliases) if c else UNSET,
        icd10=list(c.icd10) if c else UNSET,
        icd10_cm=list(c.icd10_cm) if c else UNSET,
        region=c.region if c else UNSET,
        evidence_strength=p.evidence_strength if c else UNSET,
        related=list(p.related_ids) if p.related_ids is not None else UNSET,
        areas=list(p.areas) if sheet else UNSET,
        areas_near_lungs=list(p.areas_near_lungs) if sheet else UNSET,
        rules_out=[wire.RuleOut(item=i, refs=list(r)) for i, r in p.rules_out] or UNSET,
        reviewed_on=p.reviewed.on if p.reviewed else UNSET,
        reviewed_by=p.reviewed.by if p.reviewed else UNSET,
        status=a.state,
        approved_by=a.by,
        approved_on=a.on,
        status_line=p.status,
        sections=[
            wire.Section(
                heading=s.heading,
                style=s.style,
                text=s.text,
                items=list(s.items),
                refs=list(s.refs),
            )  # fmt: skip
            for s in p.sections
        ],
        references=[_ref(r) for r in p.references],
    )


def conditions(v: ConditionList) -> wire.ConditionsDoc:
    return wire.ConditionsDoc(
        schema_version=V,
        command=v.command,
        lang=v.lang,
        query=v.query,
        count=len(v.rows),
        conditions=[
            wire.ConditionRow(
                id=r.id,
                name=r.name,
                clinical_name=r.clinical_name,
                region=r.region,
                region_name=r.region_name,
                icd10=list(r.icd10),
                icd10_cm=list(r.icd10_cm),
                evidence_strength=r.evidence,
                aliases=list(r.aliases),
            )
            for r in v.rows
        ],
    )


def references(v: ReferenceList) -> wire.EvidenceDoc:
    return wire.EvidenceDoc(
        schema_version=V,
        command=v.command,
        lang=v.lang,
        query=v.query,
        subject=v.subject,
        count=len(v.references),
        references=[_ref(r, note=True) for r in v.references],
    )


def missing(v: Missing) -> wire.MissingDoc:
    return wire.MissingDoc(
        schema_version=V,
        command=v.command,
        query=v.query,
        found=False,
        error=v.message,
        suggestions=list(v.suggestions),
    )


def validate_report(v: ValidateReport) -> wire.ValidateDoc:
    def item(e) -> wire.Problem:
        return wire.Problem(file=e.file, line=e.line, column=e.column, field=e.field,
                            message=e.message)  # fmt: skip

    return wire.ValidateDoc(
        schema_version=V,
        command=v.command,
        ok=v.ok,
        checked=list(v.checked),
        errors=[item(e) for e in v.errors],
        warnings=[item(w) for w in v.warnings],
        notes=list(v.notes),
    )


def paths(v: Paths) -> wire.PathsDoc:
    if v.id is None:
        layers = [wire.Layer(layer=r.layer, folder=r.folder, present=r.present) for r in v.layers]
        return wire.PathsDoc(schema_version=V, command=v.command, layers=layers)
    return wire.PathsDoc(schema_version=V, command=v.command, id=v.id, parts=list(v.parts))


def teachback(v: TeachBack) -> wire.TeachbackDoc:
    return wire.TeachbackDoc(
        schema_version=V,
        command=v.command,
        lang=v.lang,
        kind=v.kind,
        id=v.id,
        title=v.title,
        opener=v.opener,
        areas=list(v.areas),
        key_points=[wire.KeyPoint(text=p.text, refs=list(p.refs)) for p in v.key_points],
        questions=[wire.Question(text=q) for q in v.questions],
        references=[_ref(r) for r in v.references],
        status_line=v.status,
    )


def note(v: Note) -> wire.NoteDoc:
    from dryneedle_cli.query.fingerprint import ALGORITHM

    return wire.NoteDoc(
        schema_version=V,
        command=v.command,
        line=v.line,
        date=v.date,
        language=v.language,
        clinician=v.clinician,
        teachback=v.teachback,
        content_version=v.content_version,
        hash_algorithm=ALGORITHM,
        areas=list(v.areas),
        area_names=list(v.area_names),
        given=[
            wire.Given(
                kind=g.kind,
                id=g.id,
                title=g.title,
                language=g.language,
                hash=g.hash,
                approval=g.approval,
                approved_by=g.approved_by,
                approved_on=g.approved_on,
                approved_hash=g.approved_hash,
            )  # fmt: skip
            for g in v.given
        ],
    )


def fhir(v: Fhir) -> dict:
    """A FHIR resource as it is: FHIR JSON has no schema_version of ours (and no wire struct:
    its shape is FHIR's, made by ``integrate.fhir``)."""
    return v.resource


def _screen_item(i: ScreenItem) -> wire.ScreenItem:
    return wire.ScreenItem(
        id=i.id,
        group=i.group,
        group_heading=i.group_heading,
        question=i.question,
        classes=[
            wire.ScreenSourceClass(
                source=c.source, short=c.short, class_=c.cls, as_written=c.as_written
            )
            for c in i.classes
        ],
        why=i.why,
        discuss=i.discuss,
        areas=list(i.areas),
        near_lungs=i.near_lungs,
        refs=list(i.refs),
        answer=i.answer if i.answer is not None else UNSET,
    )


def screen_questions(v: ScreenQuestions) -> wire.ScreenQuestionsDoc:
    return wire.ScreenQuestionsDoc(
        schema_version=V,
        command=v.command,
        lang=v.lang,
        kind="questions",
        title=v.title,
        summary=v.summary,
        areas=list(v.areas),
        count=len(v.items),
        questions=[_screen_item(i) for i in v.items],
        references=[_ref(r) for r in v.references],
    )


def screen_result(v: ScreenResult) -> wire.ScreenResultDoc:
    return wire.ScreenResultDoc(
        schema_version=V,
        command=v.command,
        lang=v.lang,
        kind="result",
        title=v.title,
        summary=v.summary,
        areas=list(v.areas),
        answers=dict(v.answers),
        attention=[
            wire.Attention(
                group=g.group, heading=g.heading, items=[_screen_item(i) for i in g.items]
            )
            for g in v.groups
        ],
        unanswered=[wire.Unanswered(id=i.id, question=i.question) for i in v.unanswered],
        message=v.message or None,
        closing=v.closing,
        references=[_ref(r) for r in v.references],
    )


_DOCUMENTS = {
    "page": page,
    "conditions": conditions,
    "references": references,
    "missing": missing,
    "validate_report": validate_report,
    "paths": paths,
    "teachback": teachback,
    "note": note,
    "fhir": fhir,
    "screen_questions": screen_questions,
    "screen_result": screen_result,
}


def wire_of(view, query: str | None = None):
    """The wire struct of any view (``dryneedle_cli.wire``); in a stream, with the ``query``
    it answers and ``found``. (``note --fhir`` gives FHIR's own dict.)"""
    doc = _DOCUMENTS[view.RENDER](view)
    if query is not None and isinstance(doc, wire.Wire):
        found = getattr(doc, "found", UNSET)
        doc = msgspec.structs.replace(doc, query=query, found=True if found is UNSET else found)
    return doc


def document(view, query: str | None = None) -> dict:
    """The JSON document of any view, as JSON-ready data."""
    doc = wire_of(view, query)
    return wire.encode(doc) if isinstance(doc, wire.Wire) else doc


def render(view, stream: bool = False, query: str | None = None) -> str:
    """One indented document, or in a stream one compact line (JSON Lines) that also carries
    the ``query`` it answers and ``found``."""
    doc = document(view, query if stream else None)
    ascii_only = not _utf8(sys.stdout)  # JSON stays exact on an ASCII-only stdout: \u escapes
    if not stream:
        return json.dumps(doc, ensure_ascii=ascii_only, indent=2) + "\n"
    return json.dumps(doc, ensure_ascii=ascii_only, separators=(",", ":")) + "\n"


def _utf8(stream) -> bool:
    encoding = (getattr(stream, "encoding", "") or "utf-8").lower().replace("-", "")
    return encoding in ("utf8", "utf_8")


class JsonRenderer(Renderer):
    """JSON on ``out``: exact, so nothing is escaped first (JSON escapes control characters)."""

    escape = False
    records_misses = True

    def _write(self, view, stream=False, query=None, **_) -> None:
        self.out.write(render(view, stream, query))

    page = conditions = references = missing = validate_report = paths = _write
    teachback = note = fhir = _write
    screen_questions = screen_result = _write
