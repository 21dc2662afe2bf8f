"""CDS Hooks (issue 24): discovery names one ``patient-view`` service with its prefetch; the
hook reads the Conditions and the patient's language from ``prefetch`` and answers cards that
follow the spec (summary under 140 characters, indicator, source.label, absolute links);
a malformed request is a 400 with a JSON reason, never a 5xx."""

from __future__ import annotations

import copy
import json
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from ehr_support import client_for, make_session  # noqa: E402

from dryneedle_cli.integrate import cds  # noqa: E402
from dryneedle_cli.serve.cds import routes  # noqa: E402

HOOK_URL = f"/cds-services/{cds.SERVICE_ID}"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"


def condition(code, system=ICD10CM, clinical="active", verification="confirmed"):
    return {
        "resourceType": "Condition",
        "id": f"c-{code}",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": clinical,
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": verification,
                }
            ]
        },
        "code": {
            "coding": [
                {"system": "http://snomed.info/sct", "code": "81680005", "display": "Neck pain"},
                {"system": system, "code": code, "display": "Cervicalgia"},
            ],
            "text": "Neck pain",
        },
        "subject": {"reference": "Patient/example"},
    }


def request_body(*conditions, lang="es", preferred=True) -> dict:
    """A realistic patient-view request, as an EHR sends it (one Patient, a searchset)."""
    patient = {
        "resourceType": "Patient",
        "id": "example",
        "name": [{"family": "Secret", "given": ["Patient"]}],
        "communication": [
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}},
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": lang}],
                    "text": "Spanish",
                },
                "preferred": preferred,
            },
        ],
    }
    return {
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "fhirServer": "https://ehr.example.org/fhir",
        "hook": "patient-view",
        "context": {"userId": "Practitioner/1", "patientId": "example"},
        "prefetch": {
            "patient": patient,
            "conditions": {
                "resourceType": "Bundle",
                "type": "searchset",
                "total": len(conditions),
                "entry": [
                    {"fullUrl": f"https://ehr.example.org/fhir/Condition/{c['id']}", "resource": c}
                    for c in conditions
                ],
            },
        },
    }


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return client_for(routes, make_session(tmp_path_factory.mktemp("ehr-session")))


def test_discovery_names_the_patient_view_service_and_its_prefetch(client):
    r = client.get("/cds-services")
    assert r.status_code == 200
    (service,) = r.json()["services"]
    assert service["hook"] == "patient-view"
    assert service["id"] == cds.SERVICE_ID
    assert service["description"] and service["title"]
    assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    assert service["prefetch"]["conditions"].startswith("Condition?patient={{context.patientId}}")
    # the service's URL is {discovery}/{id}
    assert client.post(f"/cds-services/{service['id']}", json=request_body()).status_code == 200


def check_card(card):
    assert isinstance(card["summary"], str) and 0 < len(card["summary"]) < 140
    assert card["indicator"] in ("info", "warning", "critical")
    assert card["source"]["label"]
    assert card["links"]
    for link in card["links"]:
        assert link["type"] == "absolute"
        assert link["label"]
        assert urlsplit(link["url"]).scheme in ("http", "https")


def test_cards_link_the_pages_and_sheets_in_the_patients_language(client):
    body = request_body(condition("M54.2"), condition("M77.1"), lang="es")
    r = client.post(HOOK_URL, json=body)
    assert r.status_code == 200
    cards = r.json()["cards"]
    assert len(cards) == 2
    for card in cards:
        check_card(card)
        for link in card["links"]:
            assert parse_qs(urlsplit(link["url"]).query)["lang"] == ["es"]
    urls = [link["url"] for link in cards[0]["links"]]
    assert urls[0] == "http://testserver/pages/neck-pain?lang=es"
    assert "http://testserver/sheets/aftercare?area=neck&lang=es&format=pdf" in urls
    assert "Dolor de cuello" in cards[0]["summary"]
    # nothing about the patient in the answer
    assert "Secret" not in r.text and "example" not in r.text


def test_the_preferred_language_wins_and_regions_are_read(client):
    r = client.post(HOOK_URL, json=request_body(condition("M54.2"), lang="fr-CA"))
    (card,) = r.json()["cards"]
    assert card["links"][0]["url"].endswith("lang=fr")
    body = request_body(condition("M54.2"), lang="fr", preferred=False)
    body["prefetch"]["patient"]["communication"][0]["preferred"] = True
    (card,) = client.post(HOOK_URL, json=body).json()["cards"]
    assert card["links"][0]["url"].endswith("lang=en")


def test_no_language_or_one_without_text_is_english(client):
    body = request_body(condition("M54.2"))
    del body["prefetch"]["patient"]
    (card,) = client.post(HOOK_URL, json=body).json()["cards"]
    assert card["links"][0]["url"].endswith("lang=en")
    (card,) = client.post(HOOK_URL, json=request_body(condition("M54.2"), lang="de")).json()[
        "cards"
    ]
    assert card["links"][0]["url"].endswith("lang=en")


def test_who_codes_inactive_and_refuted_conditions(client):
    who = condition("K07.6", system="http://hl7.org/fhir/sid/icd-10")
    resolved = condition("M54.2", clinical="resolved")
    refuted = condition("M77.1", verification="refuted")
    cards = client.post(HOOK_URL, json=request_body(who, resolved, refuted)).json()["cards"]
    assert [c["links"][0]["url"].split("?")[0].rsplit("/", 1)[1] for c in cards] == ["tmd"]


def test_no_matching_code_is_no_card(client):
    r = client.post(HOOK_URL, json=request_body(condition("Z99.9")))
    assert r.status_code == 200 and r.json() == {"cards": []}
    r = client.post(HOOK_URL, json=request_body())
    assert r.status_code == 200 and r.json() == {"cards": []}


def test_one_card_per_page_however_many_codes_name_it(client):
    r = client.post(HOOK_URL, json=request_body(condition("M54.2"), condition("M54.2")))
    assert len(r.json()["cards"]) == 1


def _without(path):
    body = request_body(condition("M54.2"))
    *parents, last = path
    node = body
    for p in parents:
        node = node[p]
    del node[last]
    return body


def _with(path, value):
    body = request_body(condition("M54.2"))
    *parents, last = path
    node = body
    for p in parents:
        node = node[p]
    node[last] = value
    return body


@pytest.mark.parametrize(
    "body",
    [
        [],
        "patient-view",
        None,
        _with(("hook",), "order-sign"),
        _without(("hook",)),
        _without(("hookInstance",)),
        _with(("hookInstance",), 5),
        _without(("context",)),
        _with(("context",), "x"),
        _without(("context", "patientId")),
        _with(("prefetch",), []),
        _with(("prefetch", "conditions", "entry"), "not a list"),
        _with(("prefetch", "patient"), "Patient/1"),
    ],
)
def test_a_malformed_hook_request_is_a_400_with_a_json_reason(client, body):
    r = client.post(HOOK_URL, json=body)
    assert r.status_code == 400
    assert r.json()["error"]


def test_missing_prefetch_is_412_the_service_never_calls_back(client):
    for body in (_without(("prefetch",)), _with(("prefetch", "conditions"), None)):
        r = client.post(HOOK_URL, json=body)
        assert r.status_code == 412 and "prefetch" in r.json()["error"]


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b'{"hook": "patient-view"' * 3],
)
def test_bodies_that_are_not_json_are_a_400(client, raw):
    r = client.post(HOOK_URL, content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]


def test_an_oversized_body_is_refused(client):
    r = client.post(HOOK_URL, content=b" " * 1_000_001)
    assert r.status_code == 413


def test_hostile_values_inside_the_resources_are_ignored_or_inert(client):
    body = request_body(condition("M54.2<script>alert(1)</script>"), condition("M54.2"))
    body["prefetch"]["conditions"]["entry"].append({"resource": "x"})
    body["prefetch"]["conditions"]["entry"].append("x")
    body["prefetch"]["conditions"]["entry"].append({"resource": {"resourceType": "Condition",
                                                                 "code": "x"}})  # fmt: skip
    body["prefetch"]["patient"]["communication"] = [{"language": "es"}, 5]
    r = client.post(HOOK_URL, json=body)
    assert r.status_code == 200
    assert "<script" not in r.text
    (card,) = r.json()["cards"]
    assert "M54.2" in card["detail"]


def test_the_answer_is_the_same_whatever_is_logged(client, caplog):
    body = request_body(condition("M54.2"))
    with caplog.at_level("DEBUG"):
        client.post(HOOK_URL, json=copy.deepcopy(body))
    text = json.dumps([r.getMessage() for r in caplog.records])
    assert "Secret" not in text and "M54.2" not in text


def test_a_long_title_is_cut_under_140_characters():
    long = "Dolor " * 60
    cut = cds._short(f"Dry needling patient education (Spanish): {long}")
    assert len(cut) < 140 and cut.endswith("\u2026")
    assert cds._short("short") == "short"


def test_mounted_in_the_services_app():
    """``dryneedle serve``'s app mounts these routes (serve/app.py ROUTE_MODULES) and its
    guard answers around them: the hook and the Infobutton through the real app."""
    import warnings

    from dryneedle_cli.serve.app import create_app
    from dryneedle_cli.serve.state import Service

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        client = TestClient(create_app(Service([], None)), raise_server_exceptions=False)
    assert client.get("/cds-services").json()["services"][0]["id"] == cds.SERVICE_ID
    r = client.post(HOOK_URL, json=request_body(condition("M54.2"), lang="fr"))
    assert r.status_code == 200 and r.json()["cards"][0]["links"][0]["url"].endswith("lang=fr")
    r = client.get(
        "/infobutton",
        params={
            "mainSearchCriteria.v.c": "M54.2",
            "mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90",
        },
    )
    assert r.status_code == 200 and b"neck-pain" in r.content
    assert r.headers["x-content-type-options"] == "nosniff"
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/infobutton", "/cds-services", HOOK_URL} <= set(paths)
