"""JSON: one document per command, a stable contract with a ``schema_version``.

``schema_version`` changes only when a field is removed or changes meaning; new fields may be
added without a change. See docs/json.md.
"""

from __future__ import annotations

import json
import sys

from dryneedle_cli.render import Renderer
from dryneedle_cli.views import (
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

SCHEMA_VERSION = 1


def _ref(r: RefView, note: bool = False) -> dict:
    out = {
        "key": r.key,
        "short": r.short,
        "citation": r.citation,
        "doi": r.doi,
        "url": r.url,
        "status": r.status,
        "supports": r.supports,
    }
    if note:  # clinician-only review note: in the evidence list, never on a page
        out["note"] = r.note
    return out


def page(p: Page) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "command": p.command,
        "lang": p.lang,
        "kind": p.kind,
        "id": p.id,
        "title": p.title,
        "summary": p.summary,
        "facts": [{"label": label, "value": value} for label, value in p.facts],
        **p.data,
        "sections": [
            {
                "heading": s.heading,
                "style": s.style,
                "text": s.text,
                "items": list(s.items),
                "refs": list(s.refs),
            }
            for s in p.sections
        ],
        "references": [_ref(r) for r in p.references],
    }


def conditions(v: ConditionList) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "command": v.command,
        "lang": v.lang,
        "query": v.query,
        "count": len(v.rows),
        "conditions": [
            {
                "id": r.id,
                "name": r.name,
                "clinical_name": r.clinical_name,
                "region": r.region,
                "region_name": r.region_name,
                "icd10": list(r.icd10),
                "icd10_cm": list(r.icd10_cm),
                "evidence_strength": r.evidence,
                "aliases": list(r.aliases),
            }
            for r in v.rows
        ],
    }


def references(v: ReferenceList) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "command": v.command,
        "lang": v.lang,
        "query": v.query,
        "subject": v.subject,
        "count": len(v.references),
        "references": [_ref(r, note=True) for r in v.references],
    }


def missing(v: Missing) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "command": v.command,
        "query": v.query,
        "found": False,
        "error": v.message,
        "suggestions": list(v.suggestions),
    }


def validate_report(v: ValidateReport) -> dict:
    def item(e) -> dict:
        return {"file": e.file, "line": e.line, "column": e.column, "field": e.field,
                "message": e.message}  # fmt: skip

    return {
        "schema_version": SCHEMA_VERSION,
        "command": v.command,
        "ok": v.ok,
        "checked": list(v.checked),
        "errors": [item(e) for e in v.errors],
        "warnings": [item(w) for w in v.warnings],
        "notes": list(v.notes),
    }


def paths(v: Paths) -> dict:
    if v.id is None:
        doc = {"layers": [{"layer": r.layer, "folder": r.folder, "present": r.present}
                          for r in v.layers]}  # fmt: skip
    else:
        doc = {"id": v.id, "parts": list(v.parts)}
    return {"schema_version": SCHEMA_VERSION, "command": v.command, **doc}


def teachback(v: TeachBack) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "command": v.command,
        "lang": v.lang,
        "kind": v.kind,
        "id": v.id,
        "title": v.title,
        "opener": v.opener,
        "areas": list(v.areas),
        "key_points": [{"text": p.text, "refs": list(p.refs)} for p in v.key_points],
        "questions": [{"text": q} for q in v.questions],
        "references": [_ref(r) for r in v.references],
        "status_line": v.status,
    }


def note(v: Note) -> dict:
    from dryneedle_cli.query.fingerprint import ALGORITHM

    return {
        "schema_version": SCHEMA_VERSION,
        "command": v.command,
        "line": v.line,
        "date": v.date,
        "language": v.language,
        "clinician": v.clinician,
        "teachback": v.teachback,
        "content_version": v.content_version,
        "hash_algorithm": ALGORITHM,
        "areas": list(v.areas),
        "area_names": list(v.area_names),
        "given": [
            {
                "kind": g.kind,
                "id": g.id,
                "title": g.title,
                "language": g.language,
                "hash": g.hash,
                "approval": g.approval,
                "approved_by": g.approved_by,
                "approved_on": g.approved_on,
                "approved_hash": g.approved_hash,
            }  # fmt: skip
            for g in v.given
        ],
    }


def fhir(v: Fhir) -> dict:
    """A FHIR resource as it is: FHIR JSON has no schema_version of ours."""
    return v.resource


def _screen_item(i: ScreenItem) -> dict:
    out = {
        "id": i.id,
        "group": i.group,
        "group_heading": i.group_heading,
        "question": i.question,
        "classes": [
            {"source": c.source, "short": c.short, "class": c.cls, "as_written": c.as_written}
            for c in i.classes
        ],
        "why": i.why,
        "discuss": i.discuss,
        "areas": list(i.areas),
        "near_lungs": i.near_lungs,
        "refs": list(i.refs),
    }
    if i.answer is not None:
        out["answer"] = i.answer
    return out


def screen_questions(v: ScreenQuestions) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "command": v.command,
        "lang": v.lang,
        "kind": "questions",
        "title": v.title,
        "summary": v.summary,
        "areas": list(v.areas),
        "count": len(v.items),
        "questions": [_screen_item(i) for i in v.items],
        "references": [_ref(r) for r in v.references],
    }


def screen_result(v: ScreenResult) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "command": v.command,
        "lang": v.lang,
        "kind": "result",
        "title": v.title,
        "summary": v.summary,
        "areas": list(v.areas),
        "answers": dict(v.answers),
        "attention": [
            {"group": g.group, "heading": g.heading, "items": [_screen_item(i) for i in g.items]}
            for g in v.groups
        ],
        "unanswered": [{"id": i.id, "question": i.question} for i in v.unanswered],
        "message": v.message or None,
        "closing": v.closing,
        "references": [_ref(r) for r in v.references],
    }


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


def document(view) -> dict:
    """The JSON document of any view."""
    return _DOCUMENTS[view.RENDER](view)


def render(view, stream: bool = False, query: str | None = None) -> str:
    """One indented document, or in a stream one compact line (JSON Lines) that also carries
    the ``query`` it answers and ``found``."""
    doc = document(view)
    ascii_only = not _utf8(sys.stdout)  # JSON stays exact on an ASCII-only stdout: \u escapes
    if not stream:
        return json.dumps(doc, ensure_ascii=ascii_only, indent=2) + "\n"
    if query is not None:
        doc = {**doc, "query": query, "found": doc.get("found", True)}
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
