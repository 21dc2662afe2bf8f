"""Routes of the pages: the front desk, a consult page, a search, their JSON (the CLI's
``--json`` documents), the style sheet, the health check and the OpenAPI document."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from dryneedle_cli.errors import NotFound
from dryneedle_cli.render import web
from dryneedle_cli.serve.app import describe, ident, openapi_document, param

_HTML = "text/html; charset=utf-8"
_LANG = ("lang", "query", "Language code (en, es, fr ...); default: the clinic profile's, else en")
_ERRORS = {
    "400": {"description": "Bad parameter (JSON or HTML reason)"},
    "404": {"description": "No such page"},
    "403": {"description": "Not approved at this clinic (require_approval)"},
}
_JSON_DOC = {"application/json": {"schema": {"type": "object"}}}


def _service(request: Request):
    return request.app.state.service


def cli_json(doc: dict, stream: bool = False) -> bytes:
    """A document as the CLI writes it on a UTF-8 stdout (``render.json.render``): indented
    with a newline, or in a stream one compact line."""
    if stream:
        return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


@describe("The front desk: find a page, pick the language, make a sheet", params=[_LANG],
          responses={"200": {"description": "HTML page"}, **_ERRORS})  # fmt: skip
async def desk(request: Request) -> Response:
    s = _service(request)
    lang = s.lang(param(request, "lang"))
    from dryneedle_cli.dates import today

    code = lang.code
    return HTMLResponse(web.desk(s.frames[code], s.indexes[code], today()), media_type=_HTML)


@describe(
    "A consult page as accessible HTML, with its approval status line",
    params=[("id", "path", "Page id (a topic, condition or glossary term)"), _LANG],
    responses={"200": {"description": "HTML page"}, **_ERRORS},
)
async def page(request: Request) -> Response:
    s = _service(request)
    lang = s.lang(param(request, "lang"))
    view = s.page(lang, ident(request.path_params["id"]))
    return HTMLResponse(web.page(view, s.frames[view.lang]), media_type=_HTML)


@describe(
    "The JSON of a page: the same bytes as `dryneedle explain ID --json`",
    params=[("id", "path", "Page id"), _LANG],
    responses={"200": {"description": "docs/json.md, explain", "content": _JSON_DOC}, **_ERRORS},
)
async def api_page(request: Request) -> Response:
    s = _service(request)
    lang = s.lang(param(request, "lang"))
    from dryneedle_cli.render.json import document

    view = s.page(lang, ident(request.path_params["id"]))
    return Response(cli_json(document(view)), media_type="application/json")


def _words(request: Request) -> str:
    words = (param(request, "q") or "").strip()
    if not words:
        raise NotFound("give the words to look for: ?q=neck")
    return words


@describe(
    "Search: the pages some words name (explain's matcher), as HTML links",
    params=[("q", "query", "A name, lay word or ICD-10 code", None, True), _LANG],
    responses={"200": {"description": "HTML page"}, **_ERRORS},
)
async def search(request: Request) -> Response:
    s = _service(request)
    lang = s.lang(param(request, "lang"))
    words = _words(request)
    hits, close = s.search(lang, words)
    return HTMLResponse(web.results(s.frames[lang.code], words, hits, close), media_type=_HTML)


@describe(
    "Search as JSON: the record `echo WORDS | dryneedle explain - --json` writes",
    params=[("q", "query", "A name, lay word or ICD-10 code", None, True), _LANG],
    responses={
        "200": {
            "description": "a page with found: true, or found: false and suggestions",
            "content": _JSON_DOC,
        },  # fmt: skip
        **_ERRORS,
    },
)
async def api_search(request: Request) -> Response:
    s = _service(request)
    lang = s.lang(param(request, "lang"))
    words = _words(request)
    return Response(cli_json(s.record(lang, words), stream=True), media_type="application/json")


@describe("The style sheet of every page", responses={"200": {"description": "text/css"}})
async def stylesheet(request: Request) -> Response:  # noqa: ARG001
    return Response(_CSS, media_type="text/css", headers={"cache-control": "max-age=3600"})


_CSS = web.css()


@describe("Health check for a load balancer", responses={"200": {"description": "ok"}})
async def healthz(request: Request) -> Response:  # noqa: ARG001
    return JSONResponse({"status": "ok"})


@describe("This document: every route, OpenAPI 3.1",
          responses={"200": {"description": "OpenAPI", "content": _JSON_DOC}})  # fmt: skip
async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document(request.app))


routes = [
    Route("/", desk, methods=["GET"], name="desk"),
    Route("/pages/{id}", page, methods=["GET"], name="page"),
    Route("/search", search, methods=["GET"], name="search"),
    Route("/api/pages/{id}", api_page, methods=["GET"], name="api_page"),
    Route("/api/search", api_search, methods=["GET"], name="api_search"),
    Route("/static/desk.css", stylesheet, methods=["GET"], name="stylesheet"),
    Route("/healthz", healthz, methods=["GET"], name="healthz"),
    Route("/openapi.json", openapi, methods=["GET"], name="openapi"),
]
