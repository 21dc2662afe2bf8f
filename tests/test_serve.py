"""``dryneedle serve`` in-process (Starlette's TestClient) and ``dryneedle export site``.

One service is built for the module (the content loaded once, as a process does) with a
clinic profile whose name holds markup; every route, the same JSON and the same sheet bytes as
the CLI, a table of bad requests (each a 4xx, none echoing markup that runs), the security
headers, the OpenAPI document, the static site's folder rules.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app as cli_app

pytestmark = pytest.mark.filterwarnings("ignore:Using .httpx. with .starlette.testclient")
runner = CliRunner()

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
NAME = "Zoë <b>Nguyễn</b>"


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clinic")
    (folder / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20">'
        '<rect width="40" height="20" fill="#1f4e79"/></svg>'
    )
    profile = folder / "clinic.yaml"
    profile.write_text(
        'name: "Riverside Physio & <Sports>"\n'
        'phone: "555 010 2030"\n'
        'emergency_number: "112"\n'
        'logo: "logo.svg"\n'
        "paper: a4\n"
        "clinicians: [Dr A. Smith]\n"
    )
    return profile


@pytest.fixture(scope="module")
def client(clinic, _session_env, tmp_path_factory):
    """The app over one Service, built once under the same isolated environment as the
    tests (the autouse fixture is per test; this is made before it)."""
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
        service = Service([], str(clinic))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield TestClient(create_app(service), raise_server_exceptions=False)


def cli(*args: str, input: str | None = None):
    result = runner.invoke(cli_app, list(args), input=input, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result


# ------------------------------------------------------------------ every route


ROUTES = [
    ("/", "text/html"),
    ("/?lang=es", "text/html"),
    ("/pages/neck-pain", "text/html"),
    ("/pages/what-is-dry-needling?lang=fr", "text/html"),
    ("/search?q=elbow", "text/html"),
    ("/api/pages/neck-pain", "application/json"),
    ("/api/search?q=neck", "application/json"),
    ("/static/desk.css", "text/css"),
    ("/healthz", "application/json"),
    ("/openapi.json", "application/json"),
    ("/sheets/aftercare?area=neck&format=html", "text/html"),
    ("/sheets/screening?lang=es", "application/pdf"),
]


@pytest.mark.parametrize(("url", "media"), ROUTES)
def test_every_route_answers(client, url, media):
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith(media)


def test_page_in_the_clinics_voice_with_its_status_and_no_codes(client):
    html = client.get("/pages/neck-pain").text
    assert "Riverside Physio &amp; &lt;Sports&gt;" in html  # the clinic's name, escaped
    assert "<Sports>" not in html
    assert "In an emergency, call 112." in html
    assert '<p class="status">Draft awaiting clinical review.</p>' in html
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    assert "M54" not in article and "neck-pain" not in article  # no codes or ids shown
    es = client.get("/pages/neck-pain?lang=es").text
    assert '<html lang="es">' in es and "Borrador" in es


def test_search_links_to_pages_that_answer(client):
    html = client.get("/search?q=elbow").text
    links = re.findall(r'href="(/pages/[^"]+)"', html)
    assert len(links) >= 2  # tennis and golfer's elbow
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200
    close = client.get("/search?q=neek").text  # a typo: close matches, as links
    assert "/pages/neck" in close


def test_the_desk_has_every_sheet_and_needs_no_script(client):
    html = client.get("/").text
    for kind in ("aftercare", "prepare", "screening", "consent"):
        assert f'formaction="/sheets/{kind}"' in html
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert 'method="post"' in html and 'name="patient"' in html


# ------------------------------------------------------------------ the CLI's JSON


@pytest.mark.parametrize(
    ("ident", "lang"), [("neck-pain", "en"), ("what-is-dry-needling", "es"), ("tennis-elbow", "fr")]
)
def test_api_page_is_the_cli_json_byte_for_byte(client, clinic, ident, lang):
    expected = cli("explain", ident, "--json", "--lang", lang, "--clinic", str(clinic))
    r = client.get(f"/api/pages/{ident}?lang={lang}")
    assert r.content == expected.stdout_bytes


@pytest.mark.parametrize("words", ["neck", "back", "M77.1", "qwzx"])
def test_api_search_is_the_cli_stream_record(client, clinic, words):
    expected = cli(
        "explain", "-", "--json", "--lang", "en", "--clinic", str(clinic), input=words + "\n"
    ) if words == "neck" else runner.invoke(
        cli_app, ["explain", "-", "--json", "--lang", "en", "--clinic", str(clinic)],
        input=words + "\n",
    )  # fmt: skip
    r = client.get("/api/search", params={"q": words, "lang": "en"})
    assert r.status_code == 200
    assert r.content == expected.stdout_bytes


# ------------------------------------------------------------------ the same sheet bytes


@pytest.fixture
def frozen_clock(monkeypatch):
    """A PDF carries the time it was made: both makers read the same clock here."""
    import fpdf.fpdf

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone.utc)

    monkeypatch.setattr(fpdf.fpdf, "datetime", Frozen)


SHEETS = [
    # kind, fields, format, sent as
    ("aftercare", {"patient": NAME, "area": ["neck", "low back"], "clinician": "Dr A. Smith",
                   "date": "2026-12-01", "next_visit": "Tuesday 3 pm",
                   "note": ["Walk daily", "Ice <10 min>"], "lang": "es"}, "pdf", "form"),
    ("prepare", {"patient": NAME, "area": ["shoulder"], "date": "2026-12-01", "lang": "fr",
                 "large_print": True, "paper": "letter"}, "html", "json"),
    ("consent", {"patient": NAME, "date": "2026-12-01", "lang": "en"}, "pdf", "json"),
    ("screening", {"patient": NAME, "area": ["neck"], "date": "2026-12-01"}, "html", "form"),
]  # fmt: skip


def _cli_args(kind: str, fields: dict, fmt: str) -> list[str]:
    args = ["sheet", kind, "--format", fmt]
    for name, value in fields.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif isinstance(value, list):
            for v in value:
                args += [flag, v]
        else:
            args += [flag, value]
    return args


@pytest.mark.parametrize(("kind", "fields", "fmt", "sent"), SHEETS)
def test_post_sheet_is_the_cli_file_byte_for_byte(
    client, clinic, tmp_path, frozen_clock, kind, fields, fmt, sent
):
    out = tmp_path / f"sheet.{fmt}"
    cli(*_cli_args(kind, fields, fmt), "--clinic", str(clinic), "-o", str(out))
    body = {**fields, "format": fmt}
    if sent == "json":
        r = client.post(f"/sheets/{kind}", json=body)
    else:
        r = client.post(f"/sheets/{kind}", data=body)
    assert r.status_code == 200, r.text[:300]
    assert r.content == out.read_bytes()
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["content-disposition"] == f'inline; filename="{kind}-2026-12-01.{fmt}"'
    assert "zoe" not in r.headers["content-disposition"].lower()  # no name in a header


def test_get_sheet_is_anonymous_and_refuses_patient_details(client):
    r = client.get("/sheets/aftercare?area=neck&format=txt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    for field in ("patient", "clinician", "date", "next_visit", "note"):
        r = client.get(f"/sheets/aftercare?{field}=Zo%C3%AB")
        assert r.status_code == 400
        assert "POST" in r.text and "Zoë" not in r.text
    r = client.post("/sheets/aftercare?patient=Zoe", data={"area": "neck"})
    assert r.status_code == 400


# ------------------------------------------------------------------ bad input

SCRIPT = "<script>alert(1)</script>"
LONG = "x" * 5000
FORM = "application/x-www-form-urlencoded"
BAD = [
    ("GET", "/nowhere", None),
    ("GET", "/pages/..%2f..%2fetc%2fpasswd", None),
    ("GET", "/pages/%2e%2e", None),
    ("GET", "/pages/" + SCRIPT, None),
    ("GET", "/pages/no-such-page", None),
    ("GET", "/api/pages/" + SCRIPT, None),
    ("GET", "/pages/neck-pain?lang=" + SCRIPT, None),
    ("GET", "/api/pages/neck-pain?lang=xx", None),
    ("GET", "/?lang=" + SCRIPT, None),
    ("GET", "/search?q=" + "a" * 1001, None),
    ("GET", "/search?q=", None),
    ("GET", "/search?q=neck&q=back", None),
    ("GET", "/api/search?q=neck&lang=" + SCRIPT, None),
    ("GET", "/search?q=" + LONG, None),
    ("GET", "/" + "a" * 2000, None),
    ("GET", "/search?q=a%00b", None),
    ("GET", "/sheets/" + SCRIPT, None),
    ("GET", "/sheets/aftercare?format=" + SCRIPT, None),
    ("GET", "/sheets/aftercare?paper=" + SCRIPT, None),
    ("GET", "/sheets/aftercare?format=md&large_print=true", None),
    ("GET", "/sheets/aftercare?area=" + SCRIPT, None),
    ("GET", "/sheets/aftercare?large_print=" + SCRIPT, None),
    ("GET", "/sheets/aftercare?" + SCRIPT + "=1", None),
    ("POST", "/sheets/aftercare", ("application/json", b"{not json")),
    ("POST", "/sheets/aftercare", ("application/json", b"[1, 2]")),
    ("POST", "/sheets/aftercare", ("application/json", b'{"patient": {"a": 1}}')),
    ("POST", "/sheets/aftercare", ("application/json", b'{"' + SCRIPT.encode() + b'": 1}')),
    ("POST", "/sheets/aftercare", (FORM, b"date=" + SCRIPT.encode())),
    ("POST", "/sheets/aftercare", (FORM, b"lang=" + SCRIPT.encode())),
    ("POST", "/sheets/aftercare", (FORM, b"\xff\xfe")),
    ("POST", "/sheets/aftercare", (FORM, b"patient=" + b"x" * 40000)),
    ("POST", "/sheets/aftercare", ("multipart/form-data; boundary=x", b"--x--")),
    ("POST", "/sheets/aftercare", ("text/plain", SCRIPT.encode())),
    ("POST", "/sheets/consent", (FORM, b"note=hi")),
    ("POST", "/sheets/aftercare", (FORM, b"copies=9")),
    ("POST", "/pages/neck-pain", None),
    ("DELETE", "/sheets/aftercare", None),
]  # fmt: skip


@pytest.mark.parametrize(("method", "url", "body"), BAD, ids=range(len(BAD)))
def test_bad_requests_are_a_short_4xx_that_never_echo_markup(client, method, url, body):
    headers, content = {}, None
    if body is not None:
        headers["content-type"], content = body
    r = client.request(method, url, content=content, headers=headers)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
    assert "<script" not in r.text
    assert len(r.content) < 4000
    api = url.startswith("/api/") or r.headers["content-type"].startswith("application/json")
    if api:
        assert "error" in r.json()
    else:
        assert r.headers["content-type"].startswith("text/html")
        assert r.headers["content-security-policy"] == CSP


def test_a_body_over_the_limit_is_refused_before_it_is_read(client):
    r = client.post(
        "/sheets/aftercare",
        content=b"x" * 40000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413


def test_a_failure_is_a_500_that_says_and_logs_nothing_of_the_request(client, caplog):
    service = client.app.state.service
    original = service.sheet

    def broken(kind, fields):
        raise RuntimeError(f"bug with {fields.get('patient')}")

    service.sheet = broken
    try:
        with caplog.at_level("DEBUG"):
            r = client.post("/sheets/aftercare", data={"patient": "Zoë Secret"})
    finally:
        service.sheet = original
    assert r.status_code == 500
    assert "Zoë" not in r.text and "Secret" not in r.text
    assert "Secret" not in caplog.text and "RuntimeError" in caplog.text


# ------------------------------------------------------------------ headers


HTML_URLS = ["/", "/pages/neck-pain?lang=es", "/search?q=neck", "/nowhere", "/pages/x?lang=zz"]


@pytest.mark.parametrize("url", HTML_URLS)
def test_security_headers_on_every_html_answer(client, url):
    r = client.get(url)
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in r.text and " style=" not in r.text


def test_an_html_sheet_keeps_its_own_style_and_no_script(client):
    r = client.post("/sheets/aftercare", data={"patient": NAME, "format": "html"})
    csp = r.headers["content-security-policy"]
    assert "script" not in csp and "sandbox" in csp and "style-src 'unsafe-inline'" in csp
    assert r.headers["cache-control"] == "no-store"
    assert "Zoë &lt;b&gt;" in r.text


def test_frame_ancestors_as_configured(client):
    from dryneedle_cli.serve.app import create_app

    app = create_app(client.app.state.service, "https://ehr.example.org")
    from starlette.testclient import TestClient

    r = TestClient(app).get("/healthz")
    assert r.headers["content-security-policy"].endswith("frame-ancestors https://ehr.example.org")
    assert "x-frame-options" not in r.headers


# ------------------------------------------------------------------ OpenAPI


def test_openapi_describes_every_route(client):
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.") and doc["info"]["title"] and doc["info"]["version"]
    seen = set()
    for route in client.app.routes:
        for method in route.methods - {"HEAD"}:
            path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
            assert method.lower() in doc["paths"][path], (method, path)
            seen.add((path, method.lower()))
    ids = set()
    for path, item in doc["paths"].items():
        assert path.startswith("/")
        for method, op in item.items():
            assert method in {"get", "post", "put", "delete", "patch", "head", "options"}
            assert (path, method) in seen
            assert op["summary"] and op["operationId"] not in ids
            ids.add(op["operationId"])
            assert op["responses"] and all(re.fullmatch(r"[1-5]\d\d", k) for k in op["responses"])
            assert all(r["description"] for r in op["responses"].values())
            in_path = set(re.findall(r"\{(\w+)\}", path))
            for p in op.get("parameters", ()):
                assert p["in"] in {"query", "path", "header", "cookie"} and "schema" in p
                if p["in"] == "path":
                    assert p["required"] is True and p["name"] in in_path
            assert in_path == {p["name"] for p in op.get("parameters", ()) if p["in"] == "path"}


# ------------------------------------------------------------------ the command


def test_serve_without_the_extra_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = runner.invoke(cli_app, ["serve"])
    assert result.exit_code == 3
    assert 'pip install "dryneedle[serve]"' in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_each_request_has_its_own_query_over_one_knowledge_base(client):
    service = client.app.state.service
    first, second = service.query("en"), service.query("en")
    assert first is not second and first.kb is second.kb  # loaded once, state per request
    assert client.app.state.session is service.session  # the EHR routes' Session


# ------------------------------------------------------------------ export site


def test_export_site_writes_every_language_inside_the_folder(tmp_path):
    dest = tmp_path / "site"
    result = runner.invoke(cli_app, ["export", "site", str(dest)])
    assert result.exit_code == 0, result.output
    for lang in ("en", "es", "fr"):
        index = (dest / lang / "index.html").read_text()
        links = re.findall(r'href="([a-z0-9-]+\.html)"', index)
        assert len(links) > 20
        assert all((dest / lang / link).is_file() for link in links)
        page = (dest / lang / "neck-pain.html").read_text()
        assert f'<html lang="{lang}">' in page and 'href="../desk.css"' in page
        assert "<script" not in page and "/sheets/" not in page
    assert (dest / "desk.css").is_file() and (dest / "index.html").is_file()
    # again over its own earlier export: replaced
    (dest / "en" / "neck-pain.html").write_text("old")
    assert runner.invoke(cli_app, ["export", "site", str(dest)]).exit_code == 0
    assert (dest / "en" / "neck-pain.html").read_text() != "old"
    assert {p.parent for p in tmp_path.rglob("*")} <= {tmp_path, dest, *dest.iterdir()}


def test_export_site_refuses_a_folder_of_other_files_and_links(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "mine.txt").write_text("keep")
    result = runner.invoke(cli_app, ["export", "site", str(other)])
    assert result.exit_code == 4 and "not empty" in result.output
    assert sorted(p.name for p in other.iterdir()) == ["mine.txt"]
    # an earlier export whose language folder became a link out of it
    dest = tmp_path / "site"
    assert runner.invoke(cli_app, ["export", "site", str(dest)]).exit_code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    import shutil

    shutil.rmtree(dest / "fr")
    (dest / "fr").symlink_to(outside)
    result = runner.invoke(cli_app, ["export", "site", str(dest)])
    assert result.exit_code == 4 and "link" in result.output
    assert list(outside.iterdir()) == []
    marker = json.loads((dest / ".dryneedle-site").read_text())
    assert "en/neck-pain.html" in marker["files"]


@pytest.mark.parametrize("url", ["/search?q=", "/api/search?q="])
def test_markup_in_a_search_is_shown_as_text(client, url):
    r = client.get(url + "%3Cscript%3Ealert(1)%3C/script%3E%22%3E%3Cimg%20src=x%3E")
    assert r.status_code == 200
    if url.startswith("/api/"):  # the CLI's record, as JSON (nosniff): text, never a page
        assert r.headers["content-type"] == "application/json"
        assert r.json()["query"].startswith("<script>") and r.json()["found"] is False
    else:
        assert "<script" not in r.text and "<img" not in r.text
        assert "&lt;script&gt;alert(1)" in r.text
