"""Routes of the sheets and forms: ``POST /sheets/{kind}`` answers the bytes ``dryneedle sheet
KIND ...`` writes for the same request; ``GET /sheets/{kind}`` an anonymous sheet for a link.

Patient details (patient, clinician, date, next_visit, note) travel only in a POST body: in an
address they would be written to every proxy's log, so a GET with them is refused.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from dryneedle_cli.errors import NotFound, UsageError
from dryneedle_cli.render import DOCUMENTS
from dryneedle_cli.safe import short
from dryneedle_cli.serve.app import MAX_BODY, MAX_REPEAT, check, describe

KINDS = ("aftercare", "prepare", "screening", "consent")
PRIVATE = ("patient", "clinician", "date", "next_visit", "note")  # never in an address
REPEATED = ("area", "note")
SINGLE = ("patient", "clinician", "date", "next_visit", "lang", "format", "paper",
          "large_print", "copies")  # fmt: skip
FIELDS = (*SINGLE, *REPEATED)
_TRUE = {"true": True, "on": True, "1": True, "yes": True, "false": False, "off": False,
         "0": False, "no": False, "": False}  # fmt: skip
# a sheet document carries its own inline style and drawing (the same bytes as the CLI's):
# its policy allows inline style and data: images, and nothing else (no script, sandboxed)
SHEET_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; base-uri 'none'; sandbox; frame-ancestors 'none'"
)


def _kind(request: Request) -> str:
    kind = request.path_params["kind"]
    if kind not in KINDS:
        raise NotFound(f"no sheet '{short(kind)}'; there are {', '.join(KINDS)}")
    return kind


def _fields(pairs) -> dict:
    """The request's fields as ``Service.sheet`` takes them; unknown, repeated or over-long
    ones refused."""
    out: dict = {}
    for name, value in pairs:
        if name not in FIELDS:
            raise UsageError(f"unknown field '{short(name)}'; the fields are {', '.join(FIELDS)}")
        if not isinstance(value, str):
            raise UsageError(f"'{name}' must be text")
        value = check(name, value)
        if name in REPEATED:
            out.setdefault(name, [])
            if len(out[name]) >= MAX_REPEAT:
                raise UsageError(f"at most {MAX_REPEAT} values of '{name}'")
            if value.strip():
                out[name].append(value)
        elif name in out:
            raise UsageError(f"give '{name}' once")
        else:
            out[name] = value
    if "large_print" in out:
        flag = _TRUE.get(out["large_print"].strip().lower())
        if flag is None:
            raise UsageError("'large_print' is true or false")
        out["large_print"] = flag
    if "copies" in out:
        if out["copies"].strip() not in ("", "1", "2"):
            raise UsageError("'copies' is 1 or 2")
        out["copies"] = int(out["copies"].strip() or 1)
    for name in ("patient", "clinician", "date", "next_visit", "lang", "format", "paper"):
        if name in out and not out[name].strip():
            del out[name]  # an empty box of the form: not given
    return out


class _Fields(list):
    """A JSON object's (name, value) pairs in order, a name given twice kept twice (so it is
    refused as a form's repeated field is, not silently the last one)."""


def _json_pairs(doc) -> list[tuple[str, str]]:
    if not isinstance(doc, _Fields):
        raise UsageError("the JSON body must be an object of fields")
    pairs = []
    for name, value in doc:
        values = value if isinstance(value, list) and name in REPEATED else [value]
        for v in values:
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, int) and name == "copies":
                v = str(v)
            elif v is None:
                continue
            pairs.append((name, v))
    return pairs


async def _body(request: Request) -> bytes:
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            raise UsageError(f"the request body is over {MAX_BODY // 1024} KiB")
    return data


def _answer(sheet) -> Response:
    disposition = f'inline; filename="{sheet.filename}"'
    headers = {"content-disposition": disposition, "cache-control": "no-store"}
    if sheet.fmt == "html":
        headers["content-security-policy"] = SHEET_CSP
    return Response(sheet.data, media_type=sheet.media_type, headers=headers)


_TEXT = {"type": "string", "maxLength": 1000}
_MANY = {"oneOf": [_TEXT, {"type": "array", "items": _TEXT, "maxItems": MAX_REPEAT}]}
_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "patient": _TEXT, "clinician": _TEXT, "date": {**_TEXT, "description": "YYYY-MM-DD"},
        "next_visit": _TEXT, "area": _MANY, "note": _MANY, "lang": _TEXT,
        "format": {"enum": list(DOCUMENTS)}, "paper": {"enum": ["letter", "a4"]},
        "large_print": {"type": ["boolean", "string"]}, "copies": {"enum": [1, 2, "1", "2"]},
    },
}  # fmt: skip
_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": _SCHEMA},
        "application/json": {"schema": _SCHEMA},
    },
}
_SHEET_RESPONSES = {
    "200": {"description": "The sheet's bytes (PDF, HTML, Markdown or text), as the CLI writes"},
    "400": {"description": "A bad field (JSON or HTML reason)"},
    "403": {"description": "Not approved at this clinic (require_approval)"},
    "404": {"description": "No such sheet"},
    "413": {"description": "Body too large"},
}
_KIND = ("kind", "path", "aftercare, prepare, screening or consent")


@describe("Make a sheet or form with a patient's details (the bytes of `dryneedle sheet`)",
          params=[_KIND], body=_BODY, responses=_SHEET_RESPONSES)  # fmt: skip
async def post_sheet(request: Request) -> Response:
    kind = _kind(request)
    raw = await _body(request)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json":
        try:
            doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_Fields)
        except (UnicodeDecodeError, ValueError, RecursionError):  # nesting too deep
            raise UsageError("the body is not valid JSON") from None
        pairs = _json_pairs(doc)
    elif media in ("application/x-www-form-urlencoded", ""):
        try:
            text = raw.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=200)
        except (UnicodeDecodeError, ValueError):
            raise UsageError("the body is not a form (UTF-8, url-encoded)") from None
    else:
        raise UsageError("send the fields as a form (url-encoded) or as JSON")
    if request.url.query:
        private = [n for n, _ in request.query_params.multi_items() if n in PRIVATE]
        if private:
            raise UsageError(_PRIVATE_REASON)
    service = request.app.state.service
    return _answer(service.sheet(kind, _fields(pairs)))


_PRIVATE_REASON = (
    "patient details go in a POST body, never in the address (addresses are kept in logs)"
)
_GET_PARAMS = [
    _KIND,
    ("area", "query", "A body area or condition (repeatable)"),
    ("lang", "query", "Language code"),
    ("format", "query", "pdf, html, md or txt"),
    ("paper", "query", "letter or a4"),
    ("large_print", "query", "true or false"),
]


@describe("An anonymous sheet or form, for a link (no patient details)",
          params=_GET_PARAMS, responses=_SHEET_RESPONSES)  # fmt: skip
async def get_sheet(request: Request) -> Response:
    kind = _kind(request)
    pairs = request.query_params.multi_items()
    if any(name in PRIVATE for name, _ in pairs):
        raise UsageError(_PRIVATE_REASON)
    service = request.app.state.service
    return _answer(service.sheet(kind, _fields(pairs)))


routes = [
    Route("/sheets/{kind}", get_sheet, methods=["GET"], name="get_sheet"),
    Route("/sheets/{kind}", post_sheet, methods=["POST"], name="post_sheet"),
]
