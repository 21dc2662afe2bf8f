"""HL7 Infobutton (URL-based implementation guide): a knowledge request as flat dotted
parameters in, the matching pages as a feed out, in MedlinePlus Connect's two shapes (an Atom
feed, ``text/xml``, the default; or its JSON mirror, ``application/json``, where an element's
text is ``_value``).

Pure: ``parse`` checks the parameters (a ``BadRequest`` with a short reason that never repeats
what was sent), ``matches`` finds the pages a code names, ``feed`` builds the document as the
JSON shape and ``atom`` writes that same document as Atom XML. ``base`` is the service's
absolute URL ending in ``/``; every link in the feed is made from it and the service's routes
(``/pages/{id}``, ``/sheets/{kind}``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from dryneedle_cli import languages
from dryneedle_cli.query.search import code_key

ICD10_CM = "2.16.840.1.113883.6.90"
ICD10_WHO = "2.16.840.1.113883.6.3"
# the code system's name in the feed's category, as MedlinePlus Connect writes it ("ICD10CM")
SYSTEMS = {ICD10_CM: "ICD10CM", ICD10_WHO: "ICD10"}
SYSTEM_LABELS = {ICD10_CM: "ICD-10-CM", ICD10_WHO: "ICD-10"}
RECIPIENTS = ("PAT", "PROV")
RESPONSE_TYPES = {"text/xml": "xml", "application/json": "json"}
LANGUAGES = ("en", "es", "fr")
ATOM = "http://www.w3.org/2005/Atom"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

MAX_VALUE = 200  # characters of one parameter
MAX_PARAMS = 40  # parameters in one request
_OID = re.compile(r"[0-2](\.(0|[1-9][0-9]*)){1,30}")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,15}")
_ICD = re.compile(r"[a-z]\d\d[0-9a-z]*")  # as query.search reads an ICD-10 code or prefix
_LANG = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,3}")
# what a plain display name never holds: markup, entities, control and direction marks
_UNSAFE = re.compile(r"[<>&\"\\`\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")
# the parameters read here; every other Infobutton parameter (taskContext, performer, age,
# subTopic ...) is accepted and not used
READ = (
    "mainSearchCriteria.v.c",
    "mainSearchCriteria.v.cs",
    "mainSearchCriteria.v.dn",
    "informationRecipient",
    "informationRecipient.languageCode.c",
    "knowledgeResponseType",
)


class BadRequest(ValueError):
    """A request the service cannot answer; the message is short and never holds what was
    sent (only the name of the parameter, which is one of ``READ``)."""


@dataclass(frozen=True)
class Request:
    code: str | None  # mainSearchCriteria.v.c, as sent (checked: letters, digits, '.', '-')
    system: str | None  # mainSearchCriteria.v.cs, an OID
    display: str | None  # mainSearchCriteria.v.dn, plain words
    recipient: str  # PAT | PROV
    lang: str  # en | es | fr: the language of the answer
    asked_lang: str | None  # the language asked for, when it is not one dryneedle has
    response: str  # xml | json


def parse(items: Iterable[tuple[str, str]]) -> Request:
    """The request in ``items`` (the query string's pairs, in order), checked."""
    seen: dict[str, str] = {}
    for n, (key, value) in enumerate(items):
        if n >= MAX_PARAMS:
            raise BadRequest(f"too many parameters (at most {MAX_PARAMS})")
        if len(key) > 100 or len(value) > MAX_VALUE:
            raise BadRequest(f"a parameter is longer than {MAX_VALUE} characters")
        if key in READ:
            if key in seen:
                raise BadRequest(f"{key} is given twice; give it once")
            if _UNSAFE.search(value):
                raise BadRequest(f"{key} has characters it cannot have (markup or control)")
            seen[key] = value.strip()
    code = seen.get("mainSearchCriteria.v.c") or None
    system = seen.get("mainSearchCriteria.v.cs") or None
    display = " ".join((seen.get("mainSearchCriteria.v.dn") or "").split()) or None
    if code is not None and not _CODE.fullmatch(code):
        raise BadRequest("mainSearchCriteria.v.c is not a code (letters, digits, '.', '-')")
    if system is not None and not _OID.fullmatch(system):
        raise BadRequest("mainSearchCriteria.v.cs is not an OID such as 2.16.840.1.113883.6.90")
    if code is not None and system is None:
        raise BadRequest(
            "mainSearchCriteria.v.cs is missing: give the code system's OID "
            f"({ICD10_CM} for ICD-10-CM, {ICD10_WHO} for ICD-10)"
        )
    if code is None and display is None:
        raise BadRequest("give mainSearchCriteria.v.c and mainSearchCriteria.v.cs (a code)")
    recipient = (seen.get("informationRecipient") or "PAT").upper()
    if recipient not in RECIPIENTS:
        raise BadRequest("informationRecipient: give PAT or PROV")
    response = RESPONSE_TYPES.get((seen.get("knowledgeResponseType") or "text/xml").lower())
    if response is None:
        raise BadRequest("knowledgeResponseType: give text/xml or application/json")
    lang, asked = "en", None
    given = seen.get("informationRecipient.languageCode.c")
    if given:
        if not _LANG.fullmatch(given):
            raise BadRequest("informationRecipient.languageCode.c: give a code such as en, es")
        base = languages.base(given)
        if base in LANGUAGES:
            lang = base
        else:  # a language dryneedle has no text in: English, and the feed's lang says so
            asked = base
    return Request(code, system, display, recipient, lang, asked, response)


def is_code(text: str) -> bool:
    """A code as a record system sends it: letters, digits, '.' and '-', at most 16."""
    return bool(_CODE.fullmatch(text))


def _codes(c, system: str) -> tuple[str, ...]:
    """A condition's codes in one code system, as ``code_key`` writes them. A condition lists
    its WHO ICD-10 codes in ``icd10`` and, where the US edition differs, its ICD-10-CM codes in
    ``icd10_cm``; without ``icd10_cm`` the ICD-10-CM codes are the same as the WHO ones."""
    codes = (c.icd10_cm or c.icd10) if system == ICD10_CM else c.icd10
    return tuple(code_key(x) for x in codes)


def matches(q, code: str, system: str) -> list[str]:
    """The ids of the conditions ``code`` names in ``system`` (an OID of ``SYSTEMS``), best
    first. As the CLI's code search: a code or prefix names every condition whose code starts
    with it (M54 names neck pain, M54.2, and upper back pain, M54.6). And, because a record
    system codes a problem to its most specific code, a condition coded by a category names
    the codes below it (M17.11 names knee osteoarthritis, coded M17). An exact code first,
    then a condition coded by the category, then those below the code asked for."""
    key = code_key(code)
    if system not in SYSTEMS or not is_code(code) or not _ICD.fullmatch(key):
        return []
    ranked: list[tuple[int, str]] = []
    for c in q.kb.conditions.values():
        codes = _codes(c, system)
        if key in codes:
            rank = 0
        elif any(key.startswith(x) for x in codes):
            rank = 1
        elif any(x.startswith(key) for x in codes):
            rank = 2
        else:
            continue
        ranked.append((rank, c.id))
    return [i for _, i in sorted(ranked)]


def text_matches(q, words: str) -> list[tuple[str, str]]:
    """The pages a display name names (``mainSearchCriteria.v.dn``), as ``explain`` finds them:
    a whole name, an alias or the words of a name; never a match on body text alone."""
    found = q.matches(words, kinds=("topic", "condition"))
    if found.how not in ("exact", "code", "words"):
        return []
    return list(found.targets)


def pages(q, req: Request) -> list[tuple[str, str]]:
    """(kind, id) of the pages that answer ``req``. The code decides when it is an ICD-10 code:
    a code dryneedle has no page for is an empty feed, never a guess from its display name.
    The display name is searched only when no code was sent, or the code is in a system
    dryneedle does not read (SNOMED CT, for example)."""
    if req.code is not None and req.system in SYSTEMS:
        return [("condition", i) for i in matches(q, req.code, req.system)]
    if req.display:
        return text_matches(q, req.display)
    return []


def url(base: str, path: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{base}{path.lstrip('/')}" + (f"?{query}" if query else "")


def sheet_links(q, base: str, region: str | None, lang: str) -> list[dict]:
    """Links to the aftercare and preparation sheets (PDF) for a body region, in ``lang``."""
    area = region if region and region != "several" else None
    out = []
    for kind in ("aftercare", "prepare"):
        item = getattr(q.kb, kind)
        out.append(
            {
                "kind": kind,
                "title": q.t(item.title),
                "href": url(base, f"sheets/{kind}", area=area, lang=lang, format="pdf"),
            }
        )
    return out


def entry_of(q, base: str, kind: str, ident: str, lang: str, recipient: str, updated: str):
    """One feed entry: the page (alternate, HTML) and its sheets (related, PDF); None when the
    page is not in ``lang`` (never another language's page inside this feed)."""
    from dryneedle_cli.errors import NotTranslated

    try:
        page = q.page_of(kind, ident)
    except NotTranslated:
        return None
    if page.lang != lang:
        return None
    href = url(base, f"pages/{ident}", lang=lang)
    links = [{"href": href, "rel": "alternate", "type": "text/html", "hreflang": lang}]
    region = q.kb.conditions[ident].region if kind == "condition" else None
    for s in sheet_links(q, base, region, lang):
        links.append(
            {
                "href": s["href"],
                "rel": "related",
                "type": "application/pdf",
                "hreflang": lang,
                "title": s["title"],
            }
        )
    if recipient == "PROV":  # the clinician's view: the page as data, with codes and sources
        links.append(
            {
                "href": url(base, f"api/pages/{ident}", lang=lang),
                "rel": "describedby",
                "type": "application/json",
            }
        )
    summary = f"<p>{escape(page.summary)}</p>" if page.summary else ""
    return {
        "title": {"_value": page.title, "type": "text"},
        "link": links,
        "id": {"_value": href},
        "summary": {"type": "html", "_value": summary},
        "updated": {"_value": updated},
    }


def now() -> str:
    return (
        dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


def feed(q, req: Request, base: str, *, author: str = "dryneedle", updated: str | None = None):
    """The feed answering ``req`` as MedlinePlus Connect's JSON shape: ``{"feed": {...}}``.
    ``q``: a Query in ``req.lang``."""
    updated = updated or now()
    entries = []
    for kind, ident in pages(q, req):
        e = entry_of(q, base, kind, ident, req.lang, req.recipient, updated)
        if e is not None:
            entries.append(e)
    what = (
        f"{SYSTEM_LABELS.get(req.system, 'code')} {req.code}"
        if req.code is not None
        else req.display or ""
    )
    category = []
    if req.code is not None:
        category += [
            {"scheme": "mainSearchCriteria.v.c", "term": req.code},
            {"scheme": "mainSearchCriteria.v.cs", "term": SYSTEMS.get(req.system, req.system)},
        ]
    if req.display:
        category.append({"scheme": "mainSearchCriteria.v.dn", "term": req.display})
    category += [
        {"scheme": "informationRecipient", "term": req.recipient},
        {"scheme": "informationRecipient.languageCode.c", "term": req.lang},
    ]
    return {
        "feed": {
            "base": base,
            "lang": req.lang,
            "xsi": XSI,
            "title": {"type": "text", "_value": "dryneedle"},
            "updated": {"_value": updated},
            "id": {"_value": url(base, "infobutton")},
            "author": {"name": {"_value": author}, "uri": {"_value": base}},
            "subtitle": {"type": "text", "_value": f"dryneedle results for {what}"},
            "category": category,
            "entry": entries,
        }
    }


def atom(doc: dict) -> bytes:
    """The feed ``doc`` (``feed``'s shape) as an Atom document (UTF-8, with its declaration)."""
    import xml.etree.ElementTree as ET

    f = doc["feed"]
    ET.register_namespace("", ATOM)
    root = ET.Element(
        f"{{{ATOM}}}feed",
        {"{http://www.w3.org/XML/1998/namespace}base": f["base"],
         "{http://www.w3.org/XML/1998/namespace}lang": f["lang"]},
    )  # fmt: skip

    def text(parent, name: str, value: dict):
        el = ET.SubElement(parent, f"{{{ATOM}}}{name}")
        if "type" in value:
            el.set("type", value["type"])
        el.text = value["_value"]
        return el

    text(root, "title", f["title"])
    text(root, "updated", f["updated"])
    text(root, "id", f["id"])
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    text(author, "name", f["author"]["name"])
    text(author, "uri", f["author"]["uri"])
    text(root, "subtitle", f["subtitle"])
    for c in f["category"]:
        ET.SubElement(root, f"{{{ATOM}}}category", {"scheme": c["scheme"], "term": c["term"]})
    for e in f["entry"]:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        text(entry, "title", e["title"])
        for link in e["link"]:
            ET.SubElement(entry, f"{{{ATOM}}}link", {k: v for k, v in link.items()})
        text(entry, "id", e["id"])
        text(entry, "updated", e["updated"])
        text(entry, "summary", e["summary"])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
