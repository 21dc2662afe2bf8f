"""JSON: one document per command, a stable contract with a ``schema_version``.

``schema_version`` changes only when a field is removed or changes meaning; new fields may be
added without a change. See docs/json.md.
"""

from __future__ import annotations

import json

from dryneedle_cli.views import ConditionList, Page, ReferenceList, RefView

SCHEMA_VERSION = 1


def _ref(r: RefView) -> dict:
    return {
        "key": r.key,
        "short": r.short,
        "citation": r.citation,
        "doi": r.doi,
        "url": r.url,
        "status": r.status,
        "supports": r.supports,
    }


def page(p: Page) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "command": p.command,
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
        "query": v.query,
        "subject": v.subject,
        "count": len(v.references),
        "references": [_ref(r) for r in v.references],
    }


def render(view) -> str:
    if isinstance(view, Page):
        doc = page(view)
    elif isinstance(view, ConditionList):
        doc = conditions(view)
    elif isinstance(view, ReferenceList):
        doc = references(view)
    else:
        raise TypeError(f"no JSON renderer for {type(view).__name__}")
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def write(view, out) -> None:
    out.write(render(view))
