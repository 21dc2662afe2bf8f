"""Issue 21: one renderer per format draws a section by its style, the same on a sheet and on a
form. A sheet given the form-only styles (the screening's ``questions``, the consent form's
``lines`` and ``signature``) draws them as the form does: numbered questions with Yes / No /
Not sure boxes (numbered on across parts), a line to write on after each item, a row to sign.

In-process: the text formats for every language, one PDF (its structure tree)."""

from __future__ import annotations

import io

import msgspec
import pytest

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import handout, printed
from dryneedle_cli.render import document

LANGS = ("en", "es", "fr")


def _parts(lang: str):
    """A sheet with the screening's question parts and the consent form's lines and signature
    parts added, and the two forms they came from."""
    q = query(Settings(), handout.values_for(None), quiet=True, lang=lang)
    screening = printed.make(q, "screening", ["neck"], clinic=None)
    consent = printed.make(q, "consent", ["neck"], clinic=None)
    sheet = printed.make(q, "aftercare", ["neck"], clinic=None)
    asked = tuple(s for s in screening.page.sections if s.style == "questions")
    filled = tuple(s for s in consent.page.sections if s.style in ("lines", "signature"))
    assert len(asked) >= 2 and {s.style for s in filled} == {"lines", "signature"}
    page = msgspec.structs.replace(sheet.page, sections=(*sheet.page.sections, *asked, *filled))
    sheet = msgspec.structs.replace(sheet, page=page, words=screening.words)
    return sheet, screening, consent, asked, filled


@pytest.mark.parametrize("lang", LANGS)
def test_a_sheet_draws_form_parts_as_the_form_does_in_text(lang):
    sheet, screening, consent, asked, filled = _parts(lang)
    out = document(sheet, "txt").decode()
    form = document(screening, "txt").decode()
    w = screening.words
    boxes = f"[ ] {w['answer_yes']}   [ ] {w['answer_no']}   [ ] {w['answer_not_sure']}"
    count = sum(len(s.items) for s in asked)
    assert out.count(f"   {boxes}\n") == form.count(f"   {boxes}\n") == count
    last = asked[-1].items[-1]
    assert f"{count}. {last[:20]}" in out and f"{count}. {last[:20]}" in form  # numbered on
    for s in filled:
        for item in s.items:
            assert f"{item}: {'_' * 24}" in " ".join(out.split("\n")), item


@pytest.mark.parametrize("lang", LANGS)
def test_a_sheet_draws_form_parts_as_the_form_does_in_markdown_and_html(lang):
    sheet, screening, consent, asked, filled = _parts(lang)
    count = sum(len(s.items) for s in asked)
    md, form_md = document(sheet, "md").decode(), document(screening, "md").decode()
    w = screening.words
    assert md.count(f"   ☐ {w['answer_yes']}") == form_md.count(f"   ☐ {w['answer_yes']}") == count
    assert f"\n{count}\\. " in md and f"\n{count}\\. " in form_md
    assert md.count("`________________________`") == sum(len(s.items) for s in filled)
    page, form = document(sheet, "html").decode(), document(consent, "html").decode()
    screen = document(screening, "html").decode()
    assert page.count('<table class="questions">') == len(asked)
    assert page.count('<td class="n">') == screen.count('<td class="n">') == count
    for marker in ('<div class="line"></div>', '<div class="sign">'):
        assert marker in page and marker in form
    # a part of questions is no <section> (the print styles keep a section whole)
    assert f"<section><h2>{asked[0].heading}" not in page


def test_a_sheet_draws_form_parts_as_the_form_does_in_the_pdf():
    """The questions are a table (a row per question, its header the question), as on the
    screening form; the lines and signature parts are drawn under their headings."""
    pikepdf = pytest.importorskip("pikepdf")
    sheet, screening, _consent, asked, filled = _parts("en")

    def kinds(data: bytes) -> list[str]:
        found: list[str] = []

        def walk(e):
            if isinstance(e, pikepdf.Array):
                for kid in e:
                    walk(kid)
            elif isinstance(e, pikepdf.Dictionary) and "/S" in e:
                found.append(str(e.S))
                walk(e.get("/K"))

        with pikepdf.open(io.BytesIO(data)) as doc:
            walk(doc.Root.StructTreeRoot.K)
        return found

    count = sum(len(s.items) for s in asked)
    drawn, form = kinds(document(sheet, "pdf")), kinds(document(screening, "pdf"))
    assert drawn.count("/Table") == form.count("/Table") == len(asked)
    assert drawn.count("/TH") == form.count("/TH") == count
    q = query(Settings(), handout.values_for(None), quiet=True, lang="en")
    plain = kinds(document(printed.make(q, "aftercare", ["neck"], clinic=None), "pdf"))
    assert "/Table" not in plain
    assert drawn.count("/H2") >= plain.count("/H2") + len(asked) + len(filled)


def test_the_dispatch_is_by_style_in_each_format():
    """One table per format: the form-only styles have their drawer there, any other style
    (warning, note, steps, checklist ...) the default list."""
    from dryneedle_cli.render import html, markdown, pdf, text

    for module in (text, markdown, html):
        assert {"questions", "lines", "signature"} <= set(module.DRAWERS), module.__name__
    assert {"questions", "lines", "signature"} <= set(pdf._Parts.DRAWERS)
