"""Source marks ([1]) on the printed sheets and forms (issue 23, PEMAT-P item 2).

A mark belongs on a body section only: never in a warning box, the key points box, a
clinician's note, numbered steps, the screening form's questions, or the parts of a form a
patient fills in (tick boxes, lines to write on, signatures). The numbered "Sources" list at the
end holds exactly the sources the page marks, numbered 1 to N in order of first mark, and it
never has a page of its own: it follows the body on the body's last page.

One table over every sheet and form x language x (normal, large print), in every format that
shows marks (PDF, HTML, Markdown, text). The styles are written out here, not taken from
``views``, so a change there has to be made on purpose in both places.
"""

from __future__ import annotations

import html as html_lib
import io
import re

import pytest

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import forms, handout, printed
from dryneedle_cli.render import document, html, markdown, pdf, text
from dryneedle_cli.render import pdf as form_pdf

LANGS = ("en", "es", "fr")
WHICH = ("aftercare", "prepare", "consent", "screening")
SIZES = {"normal": False, "large": True}
AREA_SETS = {
    "neck+upper-back": ["neck", "upper-back"],
    "all": ["head-jaw", "neck", "upper-back", "chest", "shoulder", "elbow", "forearm-wrist",
            "low-back", "hip-buttock", "thigh", "knee", "lower-leg", "foot"],
}  # fmt: skip
# never marked, on a sheet and on a form; and on a form also what the patient fills in
NO_MARKS = {"warning", "keypoints", "note", "steps", "questions"}
NO_MARKS_FORM = NO_MARKS | {"checklist", "lines", "signature"}
MARK = re.compile(r"\[(\d+)\]")
_Q: dict = {}
_MADE: dict = {}


def make(which: str, lang: str, large: bool, areas: str = "neck+upper-back"):
    key = (which, lang, large, areas)
    if key not in _MADE:
        if lang not in _Q:
            _Q[lang] = query(Settings(), handout.values_for(None), quiet=True, lang=lang)
        q, chosen = _Q[lang], list(AREA_SETS[areas])
        if which in ("consent", "screening"):
            h = printed.make(q, which, chosen, clinic=None, large_print=large, date="2026-11-23")
        else:
            h = printed.make(q, which, chosen, clinic=None, large_print=large, date="2026-11-23")
        _MADE[key] = h
    return _MADE[key]


def is_form(h) -> bool:
    return isinstance(h, forms.FormHandout)


def flat(s: str) -> str:
    return " ".join(s.replace("\u00ad", "").split())


def out_text(h, fmt: str) -> str:
    """The handout in ``fmt`` as flat plain text in drawing order (tags and Markdown escapes
    taken off), for finding where a mark stands."""
    if is_form(h):
        raw = document(h, fmt)
    else:
        raw = {"txt": text, "md": markdown, "html": html}[fmt].render(h) if fmt != "pdf" else None
        raw = pdf.render(h) if fmt == "pdf" else raw
    if fmt == "pdf":
        from pypdf import PdfReader

        return flat(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(raw)).pages))
    s = raw.decode("utf-8")
    if fmt == "html":
        s = html_lib.unescape(re.sub(r"<[^>]+>", " ", s))
    if fmt == "md":
        s = re.sub(r"\\(.)", r"\1", s).replace("*", " ")
    return flat(s)


def unmarked_parts(h) -> list[tuple[str, str]]:
    """(heading, its last text) of every part that must carry no mark."""
    parts = []
    never = NO_MARKS_FORM if is_form(h) else NO_MARKS
    for s in h.page.sections:
        if s.style in never:
            parts.append((s.heading, (s.items or (s.text,))[-1]))
    if is_form(h):
        if h.key_points:
            parts.append((h.key_points_heading, h.key_points[-1]))
        if h.steps:
            parts.append((h.steps_heading, h.steps[-1]))
    return [(flat(a), flat(b)) for a, b in parts if b]


def marks_after(out: str, heading: str, last: str) -> str | None:
    """The marks that stand right after the part ``heading`` ... ``last`` in ``out``, or None."""
    at = out.index(heading)
    end = out.index(last, at) + len(last)
    found = re.match(r"\s*((?:\[\d+\]\s*)+)", out[end : end + 80])
    return found.group(1) if found else None


def body_and_list(h, out: str) -> tuple[str, str]:
    """``out`` cut before the numbered list's heading (the list and what follows it)."""
    label = flat(h.labels["sources"])
    if not h.sources:
        return out, ""
    head = out.rindex(label)
    return out[:head], out[head:]


CASES = [
    pytest.param(which, lang, size, id=f"{which}-{lang}-{size}")
    for which in WHICH
    for lang in LANGS
    for size in SIZES
]


@pytest.mark.parametrize("which,lang,size", CASES)
def test_no_mark_in_a_box_the_key_points_steps_or_questions(which, lang, size):
    h = make(which, lang, SIZES[size])
    parts = unmarked_parts(h)
    assert parts, "every sheet and form has a part that carries no mark"
    for fmt in ("txt", "md", "html", "pdf"):
        out = out_text(h, fmt)
        for heading, last in parts:
            assert marks_after(out, heading, last) is None, (fmt, heading)


@pytest.mark.parametrize("which,lang,size", CASES)
def test_body_sections_keep_their_marks(which, lang, size):
    """The marks are not simply gone: each body section with sources shows its own."""
    h = make(which, lang, SIZES[size])
    never = NO_MARKS_FORM if is_form(h) else NO_MARKS
    body = [s for s in h.page.sections if s.style not in never and s.refs]
    if which == "screening":  # every part of it is a question group or a part to fill in
        assert not body and not h.sources
        return
    assert body
    out = out_text(h, "txt")
    for s in body:
        want = " ".join(f"[{h.numbers[k]}]" for k in dict.fromkeys(s.refs) if k in h.numbers)
        shown = marks_after(out, flat(s.heading), flat((s.items or (s.text,))[-1]))
        assert shown is not None and set(shown.split()) == set(want.split()), s.heading


@pytest.mark.parametrize("which,lang,size", CASES)
def test_the_list_is_exactly_the_marked_sources_in_order(which, lang, size):
    """Every listed source is marked in the body, every mark resolves to a listed source, and
    the list is numbered 1 to N in order of first mark, in every format."""
    h = make(which, lang, SIZES[size])
    n = len(h.sources)
    assert [k for k, _ in h.sources] == list(range(1, n + 1))
    for fmt in ("txt", "md", "html", "pdf"):
        body, listed = body_and_list(h, out_text(h, fmt))
        marked = [int(m) for m in MARK.findall(body)]
        first = list(dict.fromkeys(marked))
        assert first == list(range(1, n + 1)), (fmt, first)  # 1, 2, 3 ... as first marked
        if n:
            numbers = [int(m) for m in re.findall(r"(?:^|\s)\[?(\d+)[\].]\s", listed)][:n]
            assert numbers == list(range(1, n + 1)), (fmt, numbers)
            names = [flat(name) for _, name in h.sources]
            assert all(name in listed for name in names), fmt


def _pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [flat(p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages]


def _alone(h, pages: list[str]) -> list[int]:
    """The pages that hold the list of sources and, above it, no body text."""
    label = flat(h.labels["sources"])
    head = [flat(h.header("")), flat(h.labels["page_of"])] if is_form(h) else []
    head_words = set(" ".join(head).split())
    found = []
    for i, page in enumerate(pages):
        names = [flat(name) for _, name in h.sources]
        if label not in page and not any(name in page for name in names):
            continue
        before = page[: page.index(label)] if label in page else ""
        rest = [w for w in before.split() if w not in head_words and not w.isdigit()]
        if len(rest) < 3:
            found.append(i + 1)
    return found


@pytest.mark.parametrize("areas", list(AREA_SETS))
@pytest.mark.parametrize("which,lang,size", CASES)
def test_no_page_holds_only_sources(which, lang, size, areas):
    h = make(which, lang, SIZES[size], areas)
    if not h.sources:
        return
    data = form_pdf.render(h) if is_form(h) else pdf.render(h)
    pages = _pages(data)
    label = flat(h.labels["sources"])
    assert label in pages[-1], "the list is on the last page"
    assert _alone(h, pages) == [], f"{len(pages)} pages"
