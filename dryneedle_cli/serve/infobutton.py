"""``GET /infobutton``: the HL7 Infobutton knowledge request (URL-based), answered as
MedlinePlus Connect answers it (an Atom feed, or its JSON shape). The work is in
``dryneedle_cli.integrate.infobutton``; this face only reads the request and writes the answer.

Nothing about the request is logged or kept. ``app.state.session`` is the service's Session.
"""

from __future__ import annotations

from functools import lru_cache

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dryneedle_cli.integrate import infobutton as ib

MAX_QUERY = 4096  # bytes of the query string
# The content is read-only for the life of the process, so one answer per request, base URL and
# clinic is kept (a bounded memory: a flood of odd Host headers only pushes old answers out).
# The feed's <updated> is when this process loaded the content, not the moment of the request.
MAX_ANSWERS = 1024
LOADED = ib.now()


def base_url(request: Request) -> str:
    """The service's absolute URL, ending in '/' (the request's scheme, host and root path)."""
    return str(request.base_url)


def _author(session) -> str:
    profile = getattr(session, "profile", None)
    return getattr(profile, "name", None) or "dryneedle"


async def infobutton(request: Request) -> Response:
    """HL7 Infobutton knowledge request (URL-based): the pages and sheets for a code"""
    if len(request.scope.get("query_string", b"")) > MAX_QUERY:
        return JSONResponse({"error": "the query string is too long"}, status_code=414)
    try:
        req = ib.parse(request.query_params.multi_items())
    except ib.BadRequest as e:
        return JSONResponse({"error": str(e)}, status_code=400)
    media, body = _answer(request.app.state.session, req, base_url(request))
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type=media, headers=headers)


@lru_cache(maxsize=MAX_ANSWERS)
def _answer(session, req: ib.Request, base: str) -> tuple[str, bytes]:
    """(media type, body) of the answer: MedlinePlus Connect's JSON, or (text/xml, as asked by
    knowledgeResponseType) an Atom feed."""
    doc = ib.feed(session.query(req.lang), req, base, author=_author(session), updated=LOADED)
    if req.response == "json":
        return "application/json", JSONResponse(doc).body
    return "text/xml", ib.atom(doc)


def _param(name: str, description: str, required: bool = False) -> dict:
    out = {"name": name, "in": "query", "schema": {"type": "string"}, "description": description}
    if required:
        out["required"] = True
    return out


# read by the service's OpenAPI document (serve/app.py openapi_document)
infobutton.openapi = {
    "summary": "HL7 Infobutton knowledge request (URL-based): the pages and sheets for a code",
    "parameters": [
        _param("mainSearchCriteria.v.c", "The code (ICD-10-CM or ICD-10), e.g. M54.2"),
        _param(
            "mainSearchCriteria.v.cs",
            f"The code system's OID: {ib.ICD10_CM} (ICD-10-CM) or {ib.ICD10_WHO} (ICD-10)",
        ),
        _param("mainSearchCriteria.v.dn", "The display name, searched when no ICD-10 code"),
        _param("informationRecipient", "PAT (default) or PROV"),
        _param("informationRecipient.languageCode.c", "en (default), es or fr; es-MX too"),
        _param("knowledgeResponseType", "text/xml (Atom, default) or application/json"),
    ],
    "responses": {
        "200": {"description": "An Atom feed, or MedlinePlus Connect's JSON shape"},
        "400": {"description": "A parameter that cannot be used: a JSON reason"},
    },
}

routes = [Route("/infobutton", infobutton, methods=["GET"], name="infobutton")]
