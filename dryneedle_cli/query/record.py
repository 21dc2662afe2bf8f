"""The chart note (``dryneedle note``): what the patient was given, for the clinical record.

One line of at most 300 characters to paste into the record: the titles of what was given,
each with its content hash (``fingerprint``), the areas, the language, the teach-back result,
the content version, the date and the clinician. Never the patient's name: there is no way to
give one. ``fhir_bundle`` gives the same as FHIR R4 resources (plain dicts: the ``fhir.resources``
package only checks them in the tests).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable

from dryneedle_cli.errors import NotFound, NotTranslated, UsageError
from dryneedle_cli.languages import name as lang_name
from dryneedle_cli.model import tr
from dryneedle_cli.query import fingerprint
from dryneedle_cli.query.search import normalize
from dryneedle_cli.safe import short
from dryneedle_cli.views import Given, Note

MAX_LINE = 300  # characters of the paste-ready line
MAX_GIVEN = 8  # --gave values in one note
MAX_WORD = 200  # characters of one --gave value
TEACHBACK = {"done": "done", "partly": "partly", "not-done": "not done"}
# The forms a clinic hands over, by the word typed after --gave (normalised, without spaces).
# screening and consent are content kinds of their own; a build without them says so.
FORMS = {
    "aftercare": "aftercare",
    "prepare": "prepare",
    "preparation": "prepare",
    "screening": "screening",
    "consent": "consent",
}
_LANG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*")


def check_date(value: str | None, today: dt.date) -> str:
    """--date as a real calendar date (YYYY-MM-DD); ``today`` when not given."""
    from dryneedle_cli.dates import check_date as parse

    return parse(value) or today.isoformat()


def check_lang(value: str) -> str:
    if len(value or "") > 35 or not _LANG.fullmatch(value or ""):
        raise UsageError("--lang: give a language code such as en, es or fr")
    return value.replace("_", "-")


def given(q, word: str, areas: list[str]) -> tuple[Given, dict]:
    """What ``word`` names (a form, or a page as ``explain`` finds it), as given in the
    query's language: the record's entry and the patient-facing fields that were hashed."""
    from dryneedle_cli.content.kinds import BY_NAME

    if len(word) > MAX_WORD:
        raise UsageError(f"--gave: a value is longer than {MAX_WORD} characters")
    form = FORMS.get(normalize(word).replace(" ", ""))
    if form is not None:
        kind = BY_NAME.get(form)
        if kind is None:
            raise UsageError(
                f"--gave {short(word)}: this version of dryneedle has no {form} form; give "
                "aftercare, prepare, or a topic or condition"
            )
        # Query.form_fields and form_hash: the very code the form or sheet prints
        fields = q.form_fields(form, areas)
        item = getattr(q.kb, kind.kb)
        title = tr(getattr(item, "title", form), "en")
        entry = Given(
            kind=form, id=getattr(item, "id", form), title=title, language=fields["lang"],
            hash=q.form_hash(form, areas),
        )  # fmt: skip
        return _approval(q, entry), fields
    if not normalize(word):
        raise UsageError(
            f"--gave '{short(word)}': name what was given, for example --gave aftercare"
        )
    try:
        kind, ident = q.find(word)
    except NotFound as e:
        hint = f" Did you mean: {'; '.join(e.suggestions)}?" if e.suggestions else ""
        raise UsageError(
            f"--gave {short(word)}: {e}; give aftercare, prepare, screening, consent, or a topic "
            f"or condition ('dryneedle explain' lists them).{hint}"
        ) from None
    if kind not in ("topic", "condition"):
        raise UsageError(
            f"--gave {short(word)}: that is a glossary term, not a page; give the topic or "
            "condition"
        )
    try:  # as ``explain`` shows it: never a page not translated into this language
        page = q.page_of(kind, ident)
    except NotTranslated as e:
        raise NotTranslated(f"--gave {word}: {e}") from None
    title = page.title
    fields = fingerprint.page_fields(page, page.lang)
    return _approval(q, _entry(kind, ident, title, page.lang, fields)), fields


def _fields(q, entry: Given, areas: list[str]) -> dict:
    """The patient-facing fields of ``entry`` (found already) as ``q`` prints them."""
    if entry.kind in FORMS.values():
        return q.form_fields(entry.kind, areas)
    page = q.page_of(entry.kind, entry.id)
    return fingerprint.page_fields(page, page.lang)


def _entry(kind, ident, title, lang, fields) -> Given:
    return Given(
        kind=kind, id=ident, title=title, language=lang, hash=fingerprint.content_hash(fields)
    )


def _approval(q, entry: Given) -> Given:
    """``entry`` with the approval of its page in the language it was given in (``status``):
    draft, approved or changed, and who approved which words when."""
    import msgspec

    from dryneedle_cli.status import policy_of, status

    st = status(q.speaking(entry.language), entry.kind, entry.id, policy_of(q))
    return msgspec.structs.replace(
        entry, approval=st.state, approved_by=st.by, approved_on=st.on, approved_hash=st.hash
    )


def note(
    q,
    gave: list[str],
    area_words: list[str],
    *,
    date: str,
    clinician: str | None,
    teachback: str | None,
    version: str,
    english=None,
) -> Note:
    """The note for what was given. ``english``: the same query in English, when ``q`` is in
    another language: an item whose text is the same in both was not translated, and the note
    would be wrong to say it was given in that language."""
    if not gave:
        raise UsageError("say what was given: --gave aftercare (repeatable)")
    if len(gave) > MAX_GIVEN:
        raise UsageError(f"give at most {MAX_GIVEN} --gave values in one note")
    areas = q.areas(area_words)
    items: list[Given] = []
    for word in gave:
        entry, fields = given(q, word, areas)
        if entry.language != q.lang:  # shown in English instead: not given in this language
            raise NotTranslated(
                f"--gave {word}: '{entry.title}' is not in {lang_name(q.lang)} in this "
                f"content (it is shown in {lang_name(entry.language)}), so it cannot have been "
                f"given in it; give the language it was given in (--lang {entry.language})"
            )
        if english is not None:  # the same item in English (found in q's language, by id)
            en_fields = _fields(english, entry, areas)
            if {**fields, "lang": "en"} == en_fields:
                raise UsageError(
                    f"--lang {q.lang}: '{entry.title}' is not available in '{q.lang}' in this "
                    "version of dryneedle, so it cannot have been given in it; give the "
                    "language it was given in (--lang en)"
                )
        if all((entry.kind, entry.id) != (g.kind, g.id) for g in items):
            items.append(entry)
    # the line is written in English: the areas by their English names, never a Spanish
    # phrase inside it (the titles are those of what was given)
    names = tuple(tr((english or q).kb.regions[a].name, "en") for a in areas)
    line = note_line(items, names, q.lang, teachback, version, date, clinician)
    if len(line) > MAX_LINE:
        raise UsageError(
            f"the note would be {len(line)} characters, more than {MAX_LINE}; give fewer "
            "--gave values, or write a note for each"
        )
    return Note(
        line=line,
        date=date,
        language=q.lang,
        clinician=clinician or None,
        teachback=teachback,
        content_version=version,
        areas=tuple(areas),
        area_names=names,
        given=tuple(items),
    )


def note_line(items, area_names, lang, teachback, version, date, clinician) -> str:
    """'Dry needling education given: After dry needling (#3f2a9c1b7d4e, draft). Areas: Neck.
    …': each item with its hash and its approval (draft, approved or changed)."""
    parts = [
        "Dry needling education given: "
        + "; ".join(f"{g.title} (#{g.hash}, {g.approval})" for g in items),
    ]
    if area_names:
        parts.append("Areas: " + ", ".join(area_names))
    parts.append(f"Language: {lang}")
    if teachback:
        parts.append(f"Teach-back: {TEACHBACK[teachback]}")
    parts.append(f"Content: dryneedle {version}")
    parts.append(f"Date: {date}")
    if clinician:
        parts.append(f"Clinician: {clinician}")
    return ". ".join(parts) + "."


# ----------------------------------------------------------------------------- FHIR R4

CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
COMMUNICATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/communication-category"
LOINC = "http://loinc.org"


def _now() -> str:
    return (
        dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


def _approved(g: Given) -> str:
    if g.approval == "approved":
        return f"approved for use by {g.approved_by} on {g.approved_on} (hash {g.approved_hash})"
    if g.approval == "changed":
        return (
            f"changed since {g.approved_by} approved it on {g.approved_on}; awaiting review again"
        )
    return "draft awaiting clinical review"


def _attachment(g: Given, created: str, document) -> dict:
    """The Attachment of one thing given: its title and language, and the document itself
    when there is one (data, content type, size, SHA-1 hash: FHIR's ``attachment.hash``)."""
    out: dict = {"title": g.title, "language": g.language}
    if document is None:
        return out
    import base64
    import hashlib

    data, content_type = document
    out = {
        "contentType": content_type,
        "language": g.language,
        "data": base64.b64encode(data).decode("ascii"),
        "size": len(data),
        "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),
        "title": g.title,
        "creation": created,
    }
    return out


def _communication(n: Note, g: Given, document: str) -> dict:
    """The record that ``g`` was handed to the patient: a Communication, completed, of the
    category instruction, whose payload is the DocumentReference ``document`` (a fullUrl)."""
    out: dict = {
        "resourceType": "Communication",
        "status": "completed",
        "category": [
            {
                "coding": [
                    {
                        "system": COMMUNICATION_CATEGORY,
                        "code": "instruction",
                        "display": "Instruction",
                    }
                ],
                "text": "Patient instruction",
            }
        ],  # fmt: skip
        "sent": n.date,
        "payload": [{"contentReference": {"reference": document, "display": g.title}}],
    }
    if n.clinician:
        out["sender"] = {"display": n.clinician}
    return out


def fhir_bundle(
    n: Note,
    created: str | None = None,
    new_id: Callable[[], str] | None = None,
    documents: dict | None = None,
) -> dict:
    """A FHIR R4 Bundle (type ``collection``): for each thing given, a DocumentReference and a
    Communication (status completed, category instruction) whose payload is that
    DocumentReference; and, when the consent form was given, a Consent (status active, scope
    treatment, category LOINC 59284-0) whose source is that form's DocumentReference.

    ``documents``: ``{(kind, id): (bytes, content type)}``, the document of each thing given
    (``integrate.documents.for_note``); each is attached in full (``attachment.data``, base64)
    with its content type, language, size and ``hash`` (FHIR's: the SHA-1 of the data, in
    base64). Without it, the attachment has only a title and a language.

    No subject or recipient: the record system files the bundle under its patient. The
    Consent's ``patient`` (which the standard expects when the scope is treatment) is a
    placeholder with only a display text, for the clinic's system to replace. dryneedle's own
    content hash (of the words, whatever the format) is an ``identifier`` with its method in
    ``identifier.type.text``.
    """
    created = created or _now()
    new_id = new_id or (lambda: f"urn:uuid:{uuid.uuid4()}")
    entries, consent_source = [], None
    teachback = f"; teach-back: {TEACHBACK[n.teachback]}" if n.teachback else ""
    for g in n.given:
        full_url = new_id()
        resource = {
            "resourceType": "DocumentReference",
            "status": "current",
            # final only when a clinician of the clinic approved these words
            "docStatus": "final" if g.approval == "approved" else "preliminary",
            "identifier": [
                {
                    "type": {"text": "dryneedle content hash: first 12 hex digits of SHA-256"},
                    "value": g.hash,
                }
            ],
            "type": {"text": "Consent form" if g.kind == "consent" else "Patient handout"},
            "date": created,
            "description": (
                f"{g.title}, given to the patient (dryneedle {n.content_version}, content "
                f"hash {g.hash}, language {g.language}{teachback}; {_approved(g)})"
            ),
            "content": [
                {"attachment": _attachment(g, created, (documents or {}).get((g.kind, g.id)))}
            ],
            "context": {"period": {"start": n.date, "end": n.date}},
        }
        if n.clinician:
            resource["author"] = [{"display": n.clinician}]
        entries.append({"fullUrl": full_url, "resource": resource})
        entries.append({"fullUrl": new_id(), "resource": _communication(n, g, full_url)})
        if g.kind == "consent":
            consent_source = full_url
    if consent_source is not None:
        consent = {
            "resourceType": "Consent",
            "status": "active",
            "scope": {
                "coding": [{"system": CONSENT_SCOPE, "code": "treatment", "display": "Treatment"}]
            },
            "category": [
                {"coding": [{"system": LOINC, "code": "59284-0", "display": "Consent Document"}]}
            ],
            "patient": {"display": "Patient: replace with the reference in your record system"},
            "dateTime": n.date,
            "policyRule": {"text": "Informed consent to dry needling, on the clinic's form"},
            "sourceReference": {"reference": consent_source},
        }
        entries.append({"fullUrl": new_id(), "resource": consent})
    return {"resourceType": "Bundle", "type": "collection", "timestamp": created, "entry": entries}
