"""The Starlette app: its routes, the guard around every request (limits, security headers, no
5xx for anything a request can cause), the error answers and the OpenAPI document.

``create_app(service)`` builds it. Routes come from the route modules in ``ROUTE_MODULES``
(each has ``routes: list[starlette.routing.Route]``): adding the EHR routes is one name in that
tuple. A route reads the process's ``Service`` as ``request.app.state.service``; a
``DryneedleError`` it raises becomes a 4xx with a short reason (JSON under ``JSON_PREFIXES``,
else an HTML page in the request's language).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import re

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response

from dryneedle_cli.errors import DryneedleError, NotFound, UsageError
from dryneedle_cli.safe import short

# route modules of dryneedle_cli.serve, in order; a module not present is skipped (the EHR
# routes are a separate piece of work: "infobutton" and "cds" are wired in when they exist)
ROUTE_MODULES = ("pages", "sheets", "infobutton", "cds")

# Limits (docs/service.md "Limits"): past them a request is refused before any work.
MAX_PATH = 1024  # bytes of the path
MAX_QUERY_STRING = 4096  # bytes of the query string
MAX_PARAM = 1000  # characters of any one parameter value (the CLI's longest query)
MAX_BODY = 32 * 1024  # bytes of a request body
# a CDS Hooks request carries the patient's prefetched Conditions: a realistic one with 40 or
# more is over 32 KiB; its route reads at most its own limit (serve/cds.py MAX_BODY, 1 MB)
BODY_LIMITS = (("/cds-services/", 1_000_000),)
BODY_IDLE = 20.0  # seconds a client may pause while sending a body; then 408 (no slow hold)
MAX_REPEAT = 20  # values of a repeatable parameter (area, note)

JSON_PREFIXES = ("/api/", "/cds-services", "/infobutton", "/openapi.json", "/healthz")
_log = logging.getLogger("dryneedle.serve")


class Guard:
    """Around the app: refuses an over-long path, query string or declared body (414, 413);
    adds the security headers to every answer (Content-Security-Policy with no inline script
    or style, nosniff, no referrer; ``Cache-Control: no-store`` on an answer to a POST, which
    carries a patient's details); and turns any failure into a 500 without echoing anything
    (one line to the log naming only the kind of failure, never the request)."""

    def __init__(self, app, frame_ancestors: str = "'none'"):
        self.app = app
        self.csp = (
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            f"base-uri 'none'; frame-ancestors {frame_ancestors}"
        ).encode()
        self.deny_frames = frame_ancestors == "'none'"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        if len(path) > MAX_PATH or len(scope.get("query_string", b"")) > MAX_QUERY_STRING:
            await self._refuse(scope, send, 414, "the address is too long")
            return
        length = _content_length(scope)
        limit = body_limit(scope["path"])
        if length is None or length > limit:
            reason = (
                f"the request body is over {limit // 1024} KiB"
                if length
                else "the Content-Length header is not a number"
            )
            await self._refuse(scope, send, 413 if length else 400, reason)
            return
        no_store = scope["method"] == "POST"
        started = False

        async def timed_receive():
            try:
                return await asyncio.wait_for(receive(), BODY_IDLE)
            except asyncio.TimeoutError:
                raise HTTPException(408, "the request body came too slowly") from None

        async def guarded_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                own = {k.lower() for k, _ in headers}  # a route's own policy (a sheet's) stays
                headers += [(k, v) for k, v in self._headers(no_store) if k not in own]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, timed_receive, guarded_send)
        except ClientDisconnect:  # the client hung up mid-body: no one to answer, no bug
            return
        except Exception as e:  # noqa: BLE001 - a bug: never the request in the log or answer
            _log.error("internal error: %s", type(e).__name__)
            if not started:
                await self._refuse(scope, send, 500, "internal error")

    def _headers(self, no_store: bool) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-security-policy", self.csp),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]
        if self.deny_frames:  # for browsers older than frame-ancestors
            headers.append((b"x-frame-options", b"DENY"))
        if no_store:
            headers.append((b"cache-control", b"no-store"))
        return headers

    async def _refuse(self, scope, send, status: int, reason: str) -> None:
        body = safe_json({"error": reason, "status": status})
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    *self._headers(True),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def body_limit(path: str) -> int:
    """The most bytes a request body to ``path`` may have."""
    for prefix, limit in BODY_LIMITS:
        if path.startswith(prefix):
            return limit
    return MAX_BODY


def _content_length(scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            return int(value) if value.isdigit() and len(value) < 12 else None
    return 0


# --------------------------------------------------------------------------- errors

STATUS = {NotFound: 404, UsageError: 400}


def status_of(e: DryneedleError) -> int:
    from dryneedle_cli.status import NotApproved

    if isinstance(e, NotApproved):
        return 403
    for cls, status in STATUS.items():
        if isinstance(e, cls):
            return status
    return 422  # invalid content or configuration, a font or logo that cannot be used


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


def error_response(request: Request, status: int, reason: str, suggestions=()) -> Response:
    """A short reason: JSON for the API, an HTML page (escaped) for a person."""
    reason = short(reason, 300)
    if wants_json(request):
        doc = {"error": reason, "status": status}
        if suggestions:
            doc["suggestions"] = [short(s, 120) for s in suggestions]
        return Response(safe_json(doc), status_code=status, media_type="application/json")
    from dryneedle_cli.render import web

    service = request.app.state.service
    lang = request.query_params.get("lang") or ""
    code = lang if lang in service.frames else service.default_lang
    page = web.error(service.frames[code], status, reason)
    return HTMLResponse(page, status_code=status)


def safe_json(doc) -> bytes:
    """JSON with <, > and & as \\u escapes: a reason that quotes markup never reads as markup,
    whatever a client makes of the answer."""
    text = json.dumps(doc, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode()


async def _dryneedle_error(request: Request, e: DryneedleError) -> Response:
    return error_response(request, status_of(e), str(e), getattr(e, "suggestions", ()))


async def _bug(request: Request, e: Exception) -> Response:  # noqa: ARG001
    """A failure that is a bug: the documented JSON 500, nothing of the request (the Guard
    logs its kind)."""
    doc = {"error": "internal error", "status": 500}
    return Response(safe_json(doc), status_code=500, media_type="application/json")


async def _http_error(request: Request, e: HTTPException) -> Response:
    reasons = {404: "no such page or route", 405: "that method is not allowed here"}
    reason = reasons.get(e.status_code, e.detail if isinstance(e.detail, str) else "refused")
    response = error_response(request, e.status_code, reason)
    if e.headers:
        response.headers.update(e.headers)
    return response


# --------------------------------------------------------------------------- parameters


def param(request: Request, name: str, default: str | None = None) -> str | None:
    """One query parameter, at most ``MAX_PARAM`` characters and given at most once."""
    values = request.query_params.getlist(name)
    if not values:
        return default
    if len(values) > 1:
        raise UsageError(f"give '{name}' once")
    return check(name, values[0])


def check(name: str, value: str) -> str:
    if len(value) > MAX_PARAM:
        raise UsageError(f"'{name}' is longer than {MAX_PARAM} characters")
    if "\x00" in value:
        raise UsageError(f"'{name}' holds a NUL character")
    return value


IDENT = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")


def ident(value: str) -> str:
    """A page id from a path: lowercase letters, digits and hyphens; anything else (a path
    trick such as '..', a slash, markup) is no page."""
    if not IDENT.fullmatch(value):
        raise NotFound("no page has that id")
    return value


# --------------------------------------------------------------------------- OpenAPI


def describe(summary: str, *, params=(), body=None, responses=None, tags=()):
    """Give a route's endpoint its OpenAPI operation (``openapi_document`` reads it)."""

    def mark(endpoint):
        op = {"summary": summary, "parameters": [_param(*p) for p in params]}
        if tags:
            op["tags"] = list(tags)
        if body is not None:
            op["requestBody"] = body
        op["responses"] = responses or {"200": {"description": "OK"}}
        endpoint.openapi = op
        return endpoint

    return mark


def _param(name: str, where: str = "query", description: str = "", schema=None, required=False):
    out = {"name": name, "in": where, "schema": schema or {"type": "string"}}
    if description:
        out["description"] = description
    if required or where == "path":
        out["required"] = True
    return out


def openapi_document(app: Starlette) -> dict:
    """OpenAPI 3.1 of every route of ``app`` (a route without a description gets its
    endpoint's first docstring line and its path parameters)."""
    from dryneedle_cli import __version__

    paths: dict[str, dict] = {}
    for route in app.routes:
        path = getattr(route, "path", None)
        methods = getattr(route, "methods", None)
        if path is None or not methods:
            continue
        endpoint = route.endpoint
        for method in sorted(m for m in methods if m != "HEAD"):
            op = getattr(endpoint, "openapi", None)
            if isinstance(op, dict) and method.lower() in op:  # one per method
                op = op[method.lower()]
            if op is None:
                doc = (endpoint.__doc__ or route.name or path).strip().splitlines()[0]
                op = {"summary": doc, "responses": {"200": {"description": "OK"}}}
            op = dict(op)
            names = re.findall(r"\{(\w+)(?::\w+)?\}", path)
            given = {p["name"] for p in op.get("parameters", ()) if p.get("in") == "path"}
            extra = [_param(n, "path") for n in names if n not in given]
            op["parameters"] = [*op.get("parameters", ()), *extra]
            op["operationId"] = f"{method.lower()}_{route.name}"
            paths.setdefault(re.sub(r"\{(\w+):\w+\}", r"{\1}", path), {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "dryneedle",
            "version": __version__,
            "description": "A patient guide to trigger-point dry needling, served by "
            "`dryneedle serve` (docs/service.md).",
        },
        "paths": paths,
    }


# --------------------------------------------------------------------------- the app


def routes() -> list:
    """Every route of the service, from ``ROUTE_MODULES`` (a module not present is skipped)."""
    found = []
    for name in ROUTE_MODULES:
        try:
            module = importlib.import_module(f"dryneedle_cli.serve.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"dryneedle_cli.serve.{name}":
                raise
            continue
        found.extend(module.routes)
    return found


def create_app(service, frame_ancestors: str = "'none'"):
    """The ASGI app of one process: the routes over ``service`` (a ``state.Service``, loaded
    once), inside the ``Guard``."""
    app = Starlette(
        routes=routes(),
        exception_handlers={
            DryneedleError: _dryneedle_error,
            HTTPException: _http_error,
            Exception: _bug,  # Starlette's ServerErrorMiddleware answers with it
        },
    )
    app.state.service = service
    app.state.session = service.session  # the EHR routes' (infobutton, cds) way in
    guarded = Guard(app, frame_ancestors)
    guarded.state = app.state  # tests and tools reach the service through the outer app too
    guarded.routes = app.routes
    return guarded
