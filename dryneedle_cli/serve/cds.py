"""CDS Hooks: ``GET /cds-services`` (discovery) and ``POST /cds-services/dryneedle-patient-view``
(the ``patient-view`` hook). The work is in ``dryneedle_cli.integrate.cds``.

A malformed request is a 400 with a JSON reason, missing prefetched Conditions a 412 (this
service never calls the record system back); never a 5xx for anything a client sends. Nothing
about the patient is logged or kept. ``app.state.session`` is the service's Session.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from dryneedle_cli.integrate import cds

MAX_BODY = 1_000_000  # bytes of a hook request
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _error(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=status, headers=HEADERS)


async def discovery(request: Request) -> JSONResponse:
    """CDS Hooks discovery: the patient-view service and its prefetch"""
    return JSONResponse(cds.discovery(), headers=HEADERS)


async def _body(request: Request) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        return None
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            return None
    return bytes(data)


async def patient_view(request: Request) -> JSONResponse:
    """CDS Hooks patient-view: cards linking the pages and sheets for the patient's codes"""
    raw = await _body(request)
    if raw is None:
        return _error(413, f"the request is larger than {MAX_BODY} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return _error(400, "the request is not JSON")
    try:
        prefetch = cds.check(body)
        session = request.app.state.session
        profile = getattr(session, "profile", None)
        label = getattr(profile, "name", None) or "dryneedle"
        answer = cds.cards(prefetch, session.query, str(request.base_url), label=label)
    except cds.HookError as e:
        return _error(e.status, str(e))
    return JSONResponse(answer, headers=HEADERS)


# read by the service's OpenAPI document (serve/app.py openapi_document)
patient_view.openapi = {
    "summary": "CDS Hooks patient-view: cards linking the pages and sheets for the patient's codes",
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
        "description": "A CDS Hooks request with prefetch.patient and prefetch.conditions",
    },
    "responses": {
        "200": {"description": "{cards: [...]}"},
        "400": {"description": "A malformed hook request: a JSON reason"},
        "412": {"description": "The Conditions were not prefetched"},
    },
}

routes = [
    Route("/cds-services", discovery, methods=["GET"], name="cds_discovery"),
    Route(
        f"/cds-services/{cds.SERVICE_ID}", patient_view, methods=["POST"], name="cds_patient_view"
    ),
]
