"""A short, stable fingerprint of what a patient was given, so the copy in the record can be
matched to the one the patient took home.

    content_hash(fields) = the first 12 hex digits of SHA-256 over the canonical JSON of
    ``fields``: keys sorted, no spaces (separators ',' and ':'), UTF-8 without \\u escapes,
    every string in Unicode NFC.

``fields`` are the patient-facing fields of one page or form in the language and for the areas
it was given: for a page (``page_fields``) its language, title, opening sentence and each
section's heading, style, text and list items, with the clinic's values (emergency number,
clinic name) filled in, exactly as printed. Not included: ids, reference keys and citations,
review dates, the patient's details, the date or the clinician's own --note lines. So the same
content gives the same hash on any machine and in any release; a changed word, a different
language or a different set of area notes gives another. A form (the screening questions, the
consent form) is hashed the same way over ``form_text``: every field its kind declares as text
or words, the fields a translation translates. ``Query.form_hash`` is the one entry point: the
code printed on a form and the hash in the chart note are both made by it.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

import msgspec

HASH_LENGTH = 12  # hex digits: 48 bits, enough to tell versions of a handout apart
ALGORITHM = "sha256-12"  # how the JSON output names it


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nfc(v) for v in value]
    return value


def canonical_json(fields: Any) -> str:
    """The canonical JSON text of ``fields`` (structs, mappings, lists, strings, numbers)."""
    data = _nfc(msgspec.to_builtins(fields))
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(fields: Any) -> str:
    """The first 12 hex digits of the SHA-256 of ``canonical_json(fields)``."""
    digest = hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()
    return digest[:HASH_LENGTH]


def page_fields(page, lang: str) -> dict:
    """The patient-facing fields of a page view (``views.Page``) in language ``lang``."""
    return {
        "lang": lang,
        "title": page.title,
        "summary": page.summary,
        "sections": [
            {"heading": s.heading, "style": s.style, "text": s.text, "items": list(s.items)}
            for s in page.sections
        ],
    }


def page_hash(page, lang: str) -> str:
    """``content_hash`` of a page view as given in ``lang``."""
    return content_hash(page_fields(page, lang))


def _is_text(value: Any) -> bool:
    """A text given per language (``{en: ..., es: ...}``)."""
    if not isinstance(value, dict) or "en" not in value:
        return False
    return all(isinstance(v, str) for v in value.values())


def form_text(doc: Any, kind, fill) -> Any:
    """The patient-facing text of a form ``doc`` (a model struct) of ``kind``
    (``content.kinds.Kind``): every field named in ``kind.text`` (at any depth: a section's
    ``heading``, an item's ``text``) and in ``kind.words`` (wholly), each text passed through
    ``fill`` (``Query.t``: the query's language, placeholders filled); everything else
    (ids, reference keys, review dates, clinician notes, classes) left out."""
    text, words = kind.text, kind.words

    def keep(value: Any, mode: str | None) -> Any:
        # mode: None (look for text fields), "text" (this value is text), "all" (words)
        if isinstance(value, str):
            return fill(value) if mode else None
        if isinstance(value, (list, tuple)):
            out = [keep(v, mode) for v in value]
            return [v for v in out if v not in (None, [], {})]
        if isinstance(value, dict):
            if mode and _is_text(value):
                return fill(value)
            if mode == "all":
                return {k: keep(v, "all") for k, v in value.items()}
            out = {}
            for k, v in value.items():
                got = keep(v, "all" if k in words else "text" if k in text else None)
                if got not in (None, [], {}):
                    out[k] = got
            return out
        return None

    return keep(msgspec.to_builtins(doc), None)
