"""HL7 Infobutton (issue 24): ``GET /infobutton`` answers a knowledge request by ICD-10 code in
MedlinePlus Connect's shapes (Atom XML, its JSON mirror), in en, es and fr; unknown codes give
an empty feed, bad parameters a 400 that never repeats what was sent."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from ehr_support import client_for, make_session  # noqa: E402

from dryneedle_cli.integrate import infobutton as ib  # noqa: E402
from dryneedle_cli.serve.infobutton import routes  # noqa: E402

CM, WHO = ib.ICD10_CM, ib.ICD10_WHO
A = "{http://www.w3.org/2005/Atom}"
BASE = "http://testserver/"


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    return make_session(tmp_path_factory.mktemp("ehr-session"))


@pytest.fixture(scope="module")
def client(session):
    return client_for(routes, session)


def ask(client, code=None, cs=CM, lang=None, fmt=None, recipient=None, **extra):
    params = {}
    if code is not None:
        params["mainSearchCriteria.v.c"] = code
    if cs is not None and code is not None:
        params["mainSearchCriteria.v.cs"] = cs
    if lang is not None:
        params["informationRecipient.languageCode.c"] = lang
    if fmt is not None:
        params["knowledgeResponseType"] = fmt
    if recipient is not None:
        params["informationRecipient"] = recipient
    params.update(extra)
    return client.get("/infobutton", params=params)


def ids(doc) -> list[str]:
    return [urlsplit(e["link"][0]["href"]).path.rsplit("/", 1)[1] for e in doc["feed"]["entry"]]


# ---------------------------------------------------------------- matching (pure)


@pytest.mark.parametrize(
    "code, system, expected",
    [
        ("M54.2", CM, ["neck-pain"]),  # exact
        ("m542", CM, ["neck-pain"]),  # case and dot as the CLI's code search
        ("M54.6", CM, ["upper-back-pain"]),
        ("M77", CM, ["golfers-elbow", "plantar-heel-pain", "tennis-elbow"]),  # a prefix
        ("M17.11", CM, ["knee-osteoarthritis"]),  # a subcode names the category's page
        ("K07.6", WHO, ["tmd"]),  # WHO ICD-10
        ("M26.6", CM, ["tmd"]),  # the US code where it differs
        ("M26.6", WHO, []),  # ... which is not a WHO code of this page
        ("K07.6", CM, []),  # ... nor the WHO code a CM one
        ("Z99.9", CM, []),
        ("M", CM, []),  # not a code or prefix the CLI reads
    ],
)
def test_codes_match_as_the_cli_code_search(session, code, system, expected):
    assert ib.matches(session.query("en"), code, system) == expected


def test_an_exact_code_comes_first_then_its_category_then_the_codes_below(session):
    from types import SimpleNamespace as NS

    def cond(ident, *codes):
        return NS(id=ident, icd10=codes, icd10_cm=())

    kb = NS(conditions={c.id: c for c in [
        cond("a-below", "M54.21"), cond("b-category", "M54"), cond("c-exact", "M54.2"),
        cond("d-other", "M55.2"),
    ]})  # fmt: skip
    assert ib.matches(NS(kb=kb), "M54.2", WHO) == ["c-exact", "b-category", "a-below"]


def test_the_us_codes_replace_the_who_codes_where_they_differ(session):
    q = session.query("en")
    assert ib.matches(q, "M54.5", WHO) == ["low-back-pain"]  # exact WHO code
    assert ib.matches(q, "M54.50", CM) == ["low-back-pain"]
    assert ib.matches(q, "M54.50", WHO) == ["low-back-pain"]  # below the WHO category


# ---------------------------------------------------------------- the route


@pytest.mark.parametrize("cs", [CM, WHO])
def test_a_code_gives_an_atom_feed_by_default(client, cs):
    r = ask(client, "M54.2", cs=cs)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(r.content)  # well-formed
    assert root.tag == f"{A}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    entries = root.findall(f"{A}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find(f"{A}title").text == "Neck pain"
    links = entry.findall(f"{A}link")
    assert links[0].get("rel") == "alternate"
    assert links[0].get("href") == f"{BASE}pages/neck-pain?lang=en"
    sheets = [link.get("href") for link in links if link.get("rel") == "related"]
    assert f"{BASE}sheets/aftercare?area=neck&lang=en&format=pdf" in sheets
    assert f"{BASE}sheets/prepare?area=neck&lang=en&format=pdf" in sheets
    for name in ("id", "updated", "summary"):
        assert entry.find(f"{A}{name}") is not None
    terms = {c.get("scheme"): c.get("term") for c in root.findall(f"{A}category")}
    assert terms["mainSearchCriteria.v.c"] == "M54.2"
    assert terms["mainSearchCriteria.v.cs"] == ib.SYSTEMS[cs]
    assert terms["informationRecipient"] == "PAT"


def test_json_is_medlineplus_connects_shape(client):
    r = ask(client, "M54.2", fmt="application/json")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    feed = r.json()["feed"]
    for key in ("base", "lang", "xsi", "title", "updated", "id", "author", "subtitle"):
        assert key in feed
    assert feed["title"]["type"] == "text" and feed["title"]["_value"]
    assert feed["author"]["name"]["_value"]
    assert {"scheme": "mainSearchCriteria.v.c", "term": "M54.2"} in feed["category"]
    assert {"scheme": "mainSearchCriteria.v.cs", "term": "ICD10CM"} in feed["category"]
    (entry,) = feed["entry"]
    assert entry["title"] == {"_value": "Neck pain", "type": "text"}
    assert entry["link"][0]["rel"] == "alternate"
    assert entry["summary"]["type"] == "html" and entry["summary"]["_value"].startswith("<p>")
    assert entry["updated"]["_value"] == feed["updated"]["_value"]


def test_the_same_document_in_both_shapes(session):
    req = ib.parse([("mainSearchCriteria.v.c", "M54"), ("mainSearchCriteria.v.cs", CM)])
    doc = ib.feed(session.query("en"), req, BASE, updated="2026-12-07T00:00:00Z")
    root = ET.fromstring(ib.atom(doc))
    titles = [e.find(f"{A}title").text for e in root.findall(f"{A}entry")]
    assert titles == [e["title"]["_value"] for e in doc["feed"]["entry"]]
    assert len(titles) == 4  # neck, sciatica, low back, upper back


@pytest.mark.parametrize("code", ["Z99.9", "A00", "M99.99"])
def test_an_unknown_code_is_an_empty_feed(client, code):
    for fmt in ("text/xml", "application/json"):
        r = ask(client, code, fmt=fmt)
        assert r.status_code == 200
    assert r.json()["feed"]["entry"] == []
    root = ET.fromstring(ask(client, code).content)
    assert root.findall(f"{A}entry") == []


def test_a_code_system_not_read_is_an_empty_feed(client):
    r = ask(client, "279039007", cs="2.16.840.1.113883.6.96", fmt="application/json")
    assert r.status_code == 200 and r.json()["feed"]["entry"] == []


def test_the_display_name_is_searched_only_without_an_icd10_code(client):
    # a SNOMED CT code dryneedle does not read, with its display name: found by the name
    r = ask(
        client,
        "81680005",
        cs="2.16.840.1.113883.6.96",
        fmt="application/json",
        **{"mainSearchCriteria.v.dn": "Neck pain"},
    )
    assert ids(r.json()) == ["neck-pain"]
    # an ICD-10 code with no page: the code decides, the name is not a way round it
    r = ask(client, "Z99.9", fmt="application/json", **{"mainSearchCriteria.v.dn": "Neck pain"})
    assert r.json()["feed"]["entry"] == []


@pytest.mark.parametrize(
    "asked, lang, title",
    [
        ("es", "es", "Dolor de cuello"),
        ("es-MX", "es", "Dolor de cuello"),
        ("fr", "fr", "Douleur au cou"),
        ("fr_CA", "fr", "Douleur au cou"),
        ("EN", "en", "Neck pain"),
        ("de", "en", "Neck pain"),  # no German text: English, and the feed says so
    ],
)
def test_the_language_of_the_answer(client, session, asked, lang, title):
    expected = session.query(lang).page_of("condition", "neck-pain").title
    assert expected == title or lang != "en"
    r = ask(client, "M54.2", lang=asked, fmt="application/json")
    feed = r.json()["feed"]
    assert feed["lang"] == lang
    (entry,) = feed["entry"]
    assert entry["title"]["_value"] == expected
    for link in entry["link"]:
        assert parse_qs(urlsplit(link["href"]).query)["lang"] == [lang]
    root = ET.fromstring(ask(client, "M54.2", lang=asked).content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang


def test_a_provider_gets_the_clinicians_view_too(client):
    r = ask(client, "M54.2", recipient="PROV", fmt="application/json")
    (entry,) = r.json()["feed"]["entry"]
    assert any(link["href"] == f"{BASE}api/pages/neck-pain?lang=en" for link in entry["link"])
    assert {"scheme": "informationRecipient", "term": "PROV"} in r.json()["feed"]["category"]


SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "params",
    [
        {"mainSearchCriteria.v.c": SCRIPT, "mainSearchCriteria.v.cs": CM},
        {"mainSearchCriteria.v.c": "M54.2", "mainSearchCriteria.v.cs": SCRIPT},
        {"mainSearchCriteria.v.c": "M54.2", "mainSearchCriteria.v.cs": CM,
         "mainSearchCriteria.v.dn": SCRIPT},
        {"mainSearchCriteria.v.c": "M54.2", "mainSearchCriteria.v.cs": CM,
         "informationRecipient": SCRIPT},
        {"mainSearchCriteria.v.c": "M54.2", "mainSearchCriteria.v.cs": CM,
         "informationRecipient.languageCode.c": SCRIPT},
        {"mainSearchCriteria.v.c": "M54.2", "mainSearchCriteria.v.cs": CM,
         "knowledgeResponseType": SCRIPT},
        {"mainSearchCriteria.v.c": "M54.2", "mainSearchCriteria.v.cs": CM,
         "knowledgeResponseType": "application/javascript"},
        {"mainSearchCriteria.v.c": "M54.2"},  # no code system
        {"mainSearchCriteria.v.cs": CM},  # no code
        {},
        {"mainSearchCriteria.v.c": "M54.2" * 50, "mainSearchCriteria.v.cs": CM},
        {"mainSearchCriteria.v.c": "M54.2\x00", "mainSearchCriteria.v.cs": CM},
        {"mainSearchCriteria.v.c": "M54.2", "mainSearchCriteria.v.cs": CM,
         "mainSearchCriteria.v.dn": "Neck \u202epain"},
        {"mainSearchCriteria.v.c": "M54.2", "mainSearchCriteria.v.cs": "6.90"},
        {"mainSearchCriteria.v.c": "../../etc/passwd", "mainSearchCriteria.v.cs": CM},
    ],
)  # fmt: skip
def test_bad_parameters_are_a_400_that_repeats_nothing(client, params):
    r = client.get("/infobutton", params=params)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/json")
    reason = r.json()["error"]
    assert reason and len(reason) < 200
    assert "<" not in r.text and "script" not in r.text and "passwd" not in r.text


def test_a_parameter_given_twice_is_a_400(client):
    r = client.get(
        "/infobutton?mainSearchCriteria.v.c=M54.2&mainSearchCriteria.v.c=M17"
        f"&mainSearchCriteria.v.cs={CM}"
    )
    assert r.status_code == 400 and "twice" in r.json()["error"]


def test_an_overlong_query_string_is_refused(client):
    r = client.get("/infobutton?mainSearchCriteria.v.c=M54.2&x=" + "a" * 5000)
    assert r.status_code == 414


def test_other_infobutton_parameters_are_accepted(client):
    r = ask(
        client,
        "M54.2",
        fmt="application/json",
        **{"taskContext.c.c": "PROBLISTREV", "age.v.v": "45", "age.v.u": "a"},
    )
    assert r.status_code == 200 and ids(r.json()) == ["neck-pain"]
