"""The aftercare sheet prints the clinic's phone under "Call your clinic if" (PEMAT-P item 22):
the profile's phone when there is a profile, else the label ``clinic_phone_line`` with a line
to write the number on. In en, es and fr, in the text and the PDF (read back), with and
without a profile. In-process: one text and one PDF per case.
"""

from __future__ import annotations

import io
from html import unescape

import pytest

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import handout, printed
from dryneedle_cli.handouts.clinic import Clinic
from dryneedle_cli.render import html, markdown, pdf, text

# The heading of the last warning tier, as each language's aftercare.yaml writes it.
HEADING = {
    "en": "Call your clinic if",
    "es": "Llame a su clínica si",
    "fr": "Appelez votre clinique si",
}
PHONE = "555 010 2030"
CLINIC = Clinic(name="Harbour Physio", phone=PHONE)


def _flat(s: str) -> str:
    return " ".join(s.split())


@pytest.fixture(
    scope="module",
    params=[
        ("en", None),
        ("es", None),
        ("fr", None),
        ("en", CLINIC),
        ("es", CLINIC),
        ("fr", CLINIC),
    ],
    ids=lambda p: f"{p[0]}-{'phone' if p[1] else 'none'}",
)
def sheet(request):
    lang, clinic = request.param
    q = query(Settings(), handout.values_for(clinic), quiet=True, lang=lang)
    h = printed.make(q, "aftercare", ["neck"], clinic=clinic)
    label = h.labels["clinic_phone_line"]
    line = f"{label} {PHONE if clinic else handout.PHONE_BLANK}"
    return lang, clinic, h, label, line


def test_the_phone_line_is_the_last_item_under_call_your_clinic(sheet):
    lang, clinic, h, label, line = sheet
    section = next(s for s in h.page.sections if s.heading == HEADING[lang])
    assert section.style == "warning" and section.items[-1] == line
    assert sum(label in i for s in h.page.sections for i in s.items) == 1


def test_every_text_format_prints_it_under_the_heading(sheet):
    lang, clinic, h, label, line = sheet
    out = _flat(text.render(h).decode("utf-8"))
    start = out.index(HEADING[lang])
    assert _flat(line) in out[start : start + 600], (lang, bool(clinic))
    md = _flat(markdown.render(h).decode("utf-8").replace("\\", ""))
    page = _flat(unescape(html.render(h).decode("utf-8")))
    for out in (md, page):
        start = out.index(HEADING[lang])
        assert _flat(line) in out[start : start + 900], (lang, bool(clinic))


def test_the_pdf_prints_it_under_the_heading(sheet):
    pdfplumber = pytest.importorskip("pdfplumber")
    lang, clinic, h, label, line = sheet
    with pdfplumber.open(io.BytesIO(pdf.render(h))) as doc:
        out = _flat(" ".join(p.extract_text() or "" for p in doc.pages))
    start = out.index(HEADING[lang])
    after = out[start : start + 600]
    assert _flat(label) in after, (lang, bool(clinic))
    if clinic:
        assert PHONE in after
    else:
        assert "____" in after[after.index(_flat(label)) :]
