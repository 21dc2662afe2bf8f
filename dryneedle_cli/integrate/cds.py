"""CDS Hooks: the discovery document and the ``patient-view`` service's cards.

The record system (the CDS client) sends the patient's Conditions and the Patient in
``prefetch``; the cards link to the dryneedle pages their ICD-10 codes name and to the sheets,
in the patient's language (``Patient.communication``). Nothing is fetched (no outbound call
ever), nothing about the patient is logged or kept. ``HookError`` carries the HTTP status and a
short reason that never repeats what was sent.
"""

from __future__ import annotations

import uuid

from dryneedle_cli import languages
from dryneedle_cli.integrate import infobutton as ib

SERVICE_ID = "dryneedle-patient-view"
HOOK = "patient-view"
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
}
# FHIR's code system URIs for ICD-10 (and the OIDs as urn:oid) -> the Infobutton OIDs
FHIR_SYSTEMS = {
    "http://hl7.org/fhir/sid/icd-10-cm": ib.ICD10_CM,
    f"urn:oid:{ib.ICD10_CM}": ib.ICD10_CM,
    "http://hl7.org/fhir/sid/icd-10": ib.ICD10_WHO,
    f"urn:oid:{ib.ICD10_WHO}": ib.ICD10_WHO,
}
INACTIVE = {"inactive", "resolved", "remission"}  # Condition.clinicalStatus not shown
NOT_TRUE = {"refuted", "entered-in-error"}  # Condition.verificationStatus not shown
MAX_ENTRIES = 1000  # Conditions read from one prefetch
MAX_CODINGS = 20  # codings read from one Condition
MAX_CARDS = 10
MAX_SUMMARY = 139  # the spec: "less than 140 characters"


class HookError(ValueError):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


def discovery() -> dict:
    return {
        "services": [
            {
                "hook": HOOK,
                "id": SERVICE_ID,
                "title": "dryneedle patient education",
                "description": (
                    "Links to dryneedle's patient pages and printable sheets on dry needling for "
                    "the patient's ICD-10 coded conditions, in the patient's language "
                    "(English, Spanish or French)."
                ),
                "prefetch": dict(PREFETCH),
            }
        ]
    }


def _object(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise HookError(400, f"{name} must be a JSON object")
    return value


def check(body) -> dict:
    """The hook request's prefetch, once the request is checked (a ``HookError`` else)."""
    body = _object(body, "the request")
    if body.get("hook") != HOOK:
        raise HookError(400, f"hook must be '{HOOK}'")
    if not isinstance(body.get("hookInstance"), str) or not body["hookInstance"]:
        raise HookError(400, "hookInstance must be a string")
    context = _object(body.get("context"), "context")
    if not isinstance(context.get("patientId"), str) or not context["patientId"]:
        raise HookError(400, "context.patientId must be a string")
    prefetch = body.get("prefetch")
    if prefetch is None:
        prefetch = {}
    prefetch = _object(prefetch, "prefetch")
    if prefetch.get("conditions") is not None:  # sent, but not a Bundle or Condition: 400
        _object(prefetch["conditions"], "prefetch.conditions")
    if not isinstance(prefetch.get("conditions"), dict):
        # the spec: a service that cannot get the data it needs answers 412; this one never
        # calls the record system's FHIR server, so the data must come in prefetch
        raise HookError(
            412,
            "prefetch.conditions is missing: send the Conditions as prefetched "
            f"({PREFETCH['conditions']})",
        )
    for key in ("patient", "conditions"):
        if prefetch.get(key) is not None:
            _object(prefetch[key], f"prefetch.{key}")
    return prefetch


def _codes(concept) -> list[str]:
    if not isinstance(concept, dict):
        return []
    codings = concept.get("coding")
    if not isinstance(codings, list):
        return []
    return [
        c["code"] for c in codings[:MAX_CODINGS]
        if isinstance(c, dict) and isinstance(c.get("code"), str)
    ]  # fmt: skip


def coded(conditions: dict) -> list[tuple[str, str]]:
    """(OID, code) of each ICD-10 coding of the Conditions in a prefetched Bundle (or one
    Condition), in their order; conditions inactive, resolved, refuted or entered in error
    are left out."""
    if conditions.get("resourceType") == "Condition":
        resources = [conditions]
    else:
        entries = conditions.get("entry") or []
        if not isinstance(entries, list):
            raise HookError(400, "prefetch.conditions.entry must be a list")
        resources = [e.get("resource") for e in entries[:MAX_ENTRIES] if isinstance(e, dict)]
    out: list[tuple[str, str]] = []
    for r in resources:
        if not isinstance(r, dict) or r.get("resourceType") != "Condition":
            continue
        if set(_codes(r.get("clinicalStatus"))) & INACTIVE:
            continue
        if set(_codes(r.get("verificationStatus"))) & NOT_TRUE:
            continue
        codings = (r.get("code") or {}).get("coding") if isinstance(r.get("code"), dict) else []
        for c in (codings if isinstance(codings, list) else [])[:MAX_CODINGS]:
            if not isinstance(c, dict):
                continue
            system = c.get("system")
            system, code = (
                FHIR_SYSTEMS.get(system if isinstance(system, str) else ""),
                c.get("code"),
            )
            if system and isinstance(code, str) and ib.is_code(code.strip()):
                out.append((system, code.strip()))
    return out


def language(patient) -> str:
    """The patient's language for the cards: the preferred ``Patient.communication``, else
    the first; en, es or fr; English when none is given or none of these."""
    if not isinstance(patient, dict):
        return "en"
    comms = patient.get("communication")
    if not isinstance(comms, list):
        return "en"
    comms = [c for c in comms[:20] if isinstance(c, dict)]
    comms.sort(key=lambda c: c.get("preferred") is not True)
    for c in comms:
        for code in _codes(c.get("language")):
            base = languages.base(code) if len(code) <= 35 else None
            if base in ib.LANGUAGES:
                return base
    return "en"


def _short(text: str, limit: int = MAX_SUMMARY) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def cards(prefetch: dict, query_for, base: str, *, label: str = "dryneedle") -> dict:
    """The hook's answer: a card for each page the patient's ICD-10 codes name (at most
    ``MAX_CARDS``), each linking to the page and its sheets; ``{"cards": []}`` when none.
    ``query_for(lang)``: a Query in that language."""
    lang = language(prefetch.get("patient"))
    found: list[str] = []
    codes_of: dict[str, list[str]] = {}
    q = None
    for system, code in coded(prefetch["conditions"]):
        q = q or query_for(lang)
        for ident in ib.matches(q, code, system):
            if ident not in found:
                found.append(ident)
            codes_of.setdefault(ident, [])
            if code not in codes_of[ident]:
                codes_of[ident].append(code)
    out = []
    for ident in found:
        if len(out) == MAX_CARDS:
            break
        try:
            page = q.page_of("condition", ident)
        except Exception as e:  # NotTranslated: no card rather than another language's page
            from dryneedle_cli.errors import NotTranslated

            if isinstance(e, NotTranslated):
                continue
            raise
        if page.lang != lang:
            continue
        region = q.kb.conditions[ident].region
        links = [
            {
                "label": _short(f"Patient page: {page.title}", 80),
                "url": ib.url(base, f"pages/{ident}", lang=lang),
                "type": "absolute",
            }
        ]
        for s in ib.sheet_links(q, base, region, lang):
            links.append(
                {"label": _short(f"Sheet (PDF): {s['title']}", 80), "url": s["href"],
                 "type": "absolute"}
            )  # fmt: skip
        name = languages.NAMES.get(lang, lang)
        out.append(
            {
                "uuid": str(uuid.uuid4()),
                "summary": _short(f"Dry needling patient education ({name}): {page.title}"),
                "indicator": "info",
                "detail": (
                    f"For ICD-10 {', '.join(codes_of[ident])}: the patient page and the "
                    f"aftercare and preparation sheets, in {name}."
                ),
                "source": {"label": _short(label, 80), "url": base},
                "links": links,
            }
        )
    return {"cards": out}
