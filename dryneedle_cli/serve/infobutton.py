"""``GET /infobutton``: the HL7 Infobutton knowledge request (URL-based), answered as
MedlinePlus Connect answers it (an Atom feed, or its JSON shape). The work is in
``dryneedle_cli.integrate.infobutton``; this face only reads the request and writes the answer.

Nothing about the request is logged or kept. ``app.state.session`` is the service's Session.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dryneedle_cli.integrate import infobutton as ib

MAX_QUERY = 4096  # bytes of the query string


def base_url(request: Request) -> str:
    """The service's absolute URL, ending in '/' (the request's scheme, host and root path)."""
    return str(request.base_url)


def _author(session) -> str:
    profile = getattr(session, "profile", None)
    return getattr(profile, "name", None) or "dryneedle"


async def infobutton(request: Request) -> Response:
    if len(request.scope.get("query_string", b"")) > MAX_QUERY:
        return JSONResponse({"error": "the query string is too long"}, status_code=414)
    try:
        req = ib.parse(request.query_params.multi_items())
    except ib.BadRequest as e:
        return JSONResponse({"error": str(e)}, status_code=400)
    session = request.app.state.session
    q = session.query(req.lang)
    doc = ib.feed(q, req, base_url(request), author=_author(session))
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    if req.response == "json":
        return JSONResponse(doc, headers=headers)
    # text/xml, as asked (knowledgeResponseType): the body is an Atom feed
    return Response(ib.atom(doc), media_type="text/xml", headers=headers)


routes = [Route("/infobutton", infobutton, methods=["GET"])]
