"""Hostile requests to ``dryneedle serve`` (in-process, Starlette's TestClient): what a red
team found, as a table. Every request gets a short 4xx (or its 200), never a 5xx, never a
traceback, never its own markup back as live HTML; the security headers are on every HTML
answer; a realistic CDS Hooks request with many Conditions is answered; a bug's 500 is the
documented JSON and says nothing of the request.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

sys.path.insert(0, str(Path(__file__).parent))
from test_cds_hooks import HOOK_URL, condition, request_body  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Using .httpx. with .starlette.testclient")

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
SCRIPT = '"><script>alert(1)</script>'
PATIENT = "Zoë Secretname"


@pytest.fixture(scope="module")
def client(_session_env, tmp_path_factory):
    from starlette.testclient import TestClient

    from dryneedle_cli.serve.app import create_app
    from dryneedle_cli.serve.state import Service

    with pytest.MonkeyPatch.context() as mp:
        for name, value in _session_env.items():
            mp.setenv(name, value)
        mp.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("cfg")))
        mp.setenv("XDG_CONFIG_DIRS", str(tmp_path_factory.mktemp("site-cfg")))
        for name in ("DRYNEEDLE_CONTENT_DIR", "DRYNEEDLE_CLINIC", "DRYNEEDLE_LANG"):
            mp.delenv(name, raising=False)
        mp.setenv("LANG", "C.UTF-8")
        service = Service([], None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield TestClient(create_app(service), raise_server_exceptions=False)


def _deep(n: int) -> bytes:
    return b"[" * n + b"]" * n


def _cds(*conds, **changes) -> bytes:
    body = request_body(*conds)
    body["prefetch"].update(changes)
    return json.dumps(body).encode()


def _odd_system(system) -> dict:
    c = condition("M54.2")
    c["code"]["coding"].append({"system": system, "code": "M54.2"})
    return c


# (method, url, content type, body, statuses allowed)
HOSTILE = [
    # deeply nested JSON: Python's parser recurses
    ("POST", "/sheets/aftercare", JSON, _deep(15000), {400}),
    ("POST", "/sheets/aftercare", JSON, b'{"area": ' + b"[" * 15000, {400}),
    ("POST", HOOK_URL, JSON, _deep(15000), {400}),
    # a field given twice in a JSON body, as in a form
    ("POST", "/sheets/aftercare", JSON, b'{"patient": "a", "patient": "b"}', {400}),
    ("POST", "/sheets/aftercare", JSON, b'{"copies": NaN}', {400}),
    ("POST", "/sheets/aftercare", JSON, b'{"copies": ' + b"9" * 5000 + b"}", {400}),
    ("POST", "/sheets/aftercare", FORM, b"&".join([b"a=1"] * 5000), {400}),
    ("POST", "/sheets/aftercare", FORM, b"large_print=maybe", {400}),
    ("POST", "/sheets/aftercare", FORM, b"patient=%ED%A0%80&format=txt", {200}),
    ("POST", "/sheets/aftercare", FORM, b"date=99999-01-01", {400}),
    ("POST", "/sheets/aftercare", FORM, b"format=pdf%22%0d%0aX-Evil:%201", {400}),
    ("POST", "/sheets/aftercare", FORM, b"&".join([b"area=neck"] * 21), {400}),
    ("GET", "/sheets/..%2f..%2fetc%2fpasswd", None, None, {404}),
    ("GET", "/sheets/..\\..\\etc", None, None, {404}),
    ("GET", "/pages/%2e%2e", None, None, {404}),
    ("GET", "/pages/neck-pain%00", None, None, {404}),
    ("GET", "/pages/neck-pain?lang=es&lang=fr", None, None, {400}),
    ("GET", "/search?q=%ff%fe%", None, None, {200}),
    ("GET", "/search?q=%E2%80%AE" + SCRIPT, None, None, {200}),
    ("GET", "/infobutton?mainSearchCriteria.v.dn=%3C!%5BCDATA%5B]]%3E", None, None, {400}),
    ("PUT", "/pages/neck-pain", None, None, {405}),
    # CDS Hooks: wrong types where a string or object is expected
    ("POST", HOOK_URL, JSON, _cds(_odd_system([])), {200}),
    ("POST", HOOK_URL, JSON, _cds(_odd_system({"a": 1})), {200}),
    ("POST", HOOK_URL, JSON, _cds(conditions=[]), {400}),
    ("POST", HOOK_URL, JSON, _cds(conditions="Condition?patient=1"), {400}),
    ("POST", HOOK_URL, JSON, _cds(condition("M54.2"), patient={"communication": "es"}), {200}),
    ("POST", HOOK_URL, FORM, b"hook=patient-view", {400}),
]


@pytest.mark.parametrize(("method", "url", "ctype", "body", "allowed"), HOSTILE,
                         ids=range(len(HOSTILE)))  # fmt: skip
def test_hostile_requests_get_a_short_answer_never_a_5xx(client, method, url, ctype, body, allowed):
    headers = {"content-type": ctype} if ctype else {}
    r = client.request(method, url, content=body, headers=headers)
    assert r.status_code in allowed, (r.status_code, r.text[:200])
    assert "Traceback" not in r.text and "<script" not in r.text
    if r.status_code >= 400:
        assert len(r.content) < 4000
    if r.headers.get("content-type", "").startswith("text/html"):
        assert "unsafe-inline" not in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"


def test_a_realistic_cds_request_with_sixty_conditions_is_answered(client):
    codes = ["M54.2", "M79.1", "M75.1", "M54.5", "M25.5", "M62.8"] * 10
    body = _cds(*(condition(code) for code in codes))
    assert len(body) > 32 * 1024  # over the sheets' limit, well under the hook's
    r = client.post(HOOK_URL, content=body, headers={"content-type": JSON})
    assert r.status_code == 200, r.text[:200]
    assert r.json()["cards"]
    # the other routes keep their 32 KiB; the hook its 1 MB
    r = client.post("/sheets/aftercare", content=b"x" * 40000, headers={"content-type": FORM})
    assert r.status_code == 413
    r = client.post(HOOK_URL, content=b" " * 1_100_000, headers={"content-type": JSON})
    assert r.status_code == 413


def test_a_bug_is_the_documented_json_500_with_the_headers(client, caplog):
    service = client.app.state.service
    original = service.sheet

    def broken(kind, fields):
        raise RuntimeError(f"bug with {fields.get('patient')}")

    service.sheet = broken
    try:
        with caplog.at_level("DEBUG"):
            r = client.post("/sheets/aftercare", data={"patient": PATIENT})
    finally:
        service.sheet = original
    assert r.status_code == 500
    assert r.json() == {"error": "internal error", "status": 500}
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "Secretname" not in r.text and "Secretname" not in caplog.text


HTML_ROUTES = ["/", "/pages/neck-pain?lang=fr", "/search?q=" + SCRIPT, "/nope",
               "/pages/x?lang=zz", "/sheets/nope"]  # fmt: skip


@pytest.mark.parametrize("url", HTML_ROUTES)
def test_no_inline_script_or_style_in_any_page(client, url):
    r = client.get(url)
    assert r.headers["content-type"].startswith("text/html")
    assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", r.text, re.I)
    assert "unsafe-inline" not in r.headers["content-security-policy"]


def test_patient_details_never_in_a_generated_address_or_a_cachable_answer(client):
    r = client.post(
        "/sheets/aftercare",
        data={"patient": PATIENT, "note": "Secretnote", "format": "html", "date": "2026-12-01"},
    )
    assert r.status_code == 200
    assert "Secretname" not in r.headers["content-disposition"]
    assert r.headers["cache-control"] == "no-store"
    assert re.fullmatch(r'inline; filename="[a-z0-9.-]+"', r.headers["content-disposition"])


# ------------------------------------------------------------------ stopping the process

STOPS = [([], 0), (["SIGINT"], 130), (["SIGTERM"], 143), (["SIGHUP"], 129),
         (["SIGTERM", "SIGINT"], 143)]  # fmt: skip


@pytest.mark.parametrize(("signals", "code"), STOPS)
def test_a_signal_stops_serve_with_the_documented_code(signals, code):
    import signal

    from dryneedle_cli.cli.commands.serve import exit_code_of

    assert exit_code_of([getattr(signal, name) for name in signals]) == code


def test_serve_stops_cleanly_on_a_hang_up_and_puts_the_handlers_back():
    """uvicorn alone handles SIGINT and SIGTERM only: SIGHUP (the terminal closed) killed the
    process mid-request, and a stop re-raised the signal (SIGINT ended as exit 0)."""
    import signal

    import uvicorn

    from dryneedle_cli.cli.commands.serve import server_class

    server = server_class(uvicorn)(uvicorn.Config(lambda *a: None))
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    with server.capture_signals():
        for sig in before:
            assert signal.getsignal(sig) == server.handle_exit
        server.handle_exit(signal.SIGHUP, None)
    assert server.should_exit and server.stopped_by == [signal.SIGHUP]
    assert {sig: signal.getsignal(sig) for sig in before} == before  # nothing raised again


def test_a_client_that_goes_away_mid_body_is_not_logged_as_a_bug(client, caplog):
    """A client that hangs up while sending its body (a closed tab, a slow client given up)
    is not a failure of the service: no 'internal error' line for each one."""
    import asyncio

    app = client.app
    messages = [{"type": "http.request", "body": b"patient=Zo", "more_body": True},
                {"type": "http.disconnect"}]  # fmt: skip

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        pass

    scope = {"type": "http", "method": "POST", "path": "/sheets/aftercare",
             "raw_path": b"/sheets/aftercare", "query_string": b"", "root_path": "",
             "scheme": "http", "server": ("127.0.0.1", 8000), "http_version": "1.1",
             "headers": [(b"content-type", FORM.encode()),
                         (b"content-length", b"900")]}  # fmt: skip
    with caplog.at_level("DEBUG", logger="dryneedle.serve"):
        asyncio.run(app(scope, receive, send))
    assert "internal error" not in caplog.text


def test_a_body_that_stops_coming_is_a_408_not_a_connection_held_forever(client, monkeypatch):
    import asyncio

    from dryneedle_cli.serve import app as app_module

    monkeypatch.setattr(app_module, "BODY_IDLE", 0.05)
    sent = []

    async def receive():
        await asyncio.sleep(3600)  # a client that sent its headers and then nothing

    async def send(message):
        sent.append(message)

    for path in ("/sheets/aftercare", HOOK_URL):
        sent.clear()
        scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(),
                 "query_string": b"", "root_path": "", "scheme": "http",
                 "server": ("127.0.0.1", 8000), "http_version": "1.1",
                 "headers": [(b"content-type", JSON.encode()),
                             (b"content-length", b"900")]}  # fmt: skip
        asyncio.run(asyncio.wait_for(client.app(scope, receive, send), 5))
        assert sent[0]["status"] == 408, sent[:1]
