"""The parts issue 23 adds to every printed sheet and form, in every format and language: the
sources as marks and one numbered list at the end (never a "Sources:" line in the patient text),
the key points box and the numbered steps for filling in a form (from the form's file), the
caption under the body outline, and the clinic's word for the person who treats.

In-process and cheap: text formats for the whole matrix, one PDF per case that needs one.
"""

from __future__ import annotations

import io
import re

import msgspec
import pytest

from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.errors import ContentError
from dryneedle_cli.handouts import forms, handout, printed
from dryneedle_cli.handouts.clinic import Clinic
from dryneedle_cli.render import document, html, markdown, text

LANGS = ("en", "es", "fr")
SHEETS = ("aftercare", "prepare")
FORMS = ("screening", "consent")
_Q: dict = {}


def q_for(lang: str, clinic: Clinic | None = None):
    key = (lang, clinic)
    if key not in _Q:
        _Q[key] = query(Settings(), handout.values_for(clinic), quiet=True, lang=lang)
    return _Q[key]


def make(which: str, lang: str, areas=("neck", "upper-back")):
    q = q_for(lang)
    if which in FORMS:
        return printed.make(q, which, list(areas), clinic=None, patient="Zoë Ruiz")
    return printed.make(q, which, list(areas), clinic=None, patient="Zoë Ruiz")


def render(h, fmt: str) -> str:
    if isinstance(h, forms.FormHandout):
        return document(h, fmt).decode("utf-8")
    module = {"txt": text, "md": markdown, "html": html}[fmt]
    return module.render(h).decode("utf-8")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("which", SHEETS + FORMS)
def test_no_sources_line_and_the_list_matches_the_marks(which, lang):
    """No "Sources:" (in the page's language) anywhere in the text of any sheet or form; the
    numbered list at the end holds exactly the numbers the marks in the text use, 1 to N."""
    h = make(which, lang)
    label = h.labels["sources"]
    for fmt in ("txt", "md", "html"):
        out = render(h, fmt)
        assert f"{label}:" not in out, (fmt, which, lang)
    out = render(h, "txt")
    if which == "screening":  # no marks on its questions (tests/test_source_marks.py): no list
        assert not h.sources and f"\n{label}\n" not in out and not re.search(r"\[\d+\]", out)
        return
    head = out.rindex(f"\n{label}\n")  # the list's heading, the last part before the footer
    body, listed = out[:head], out[head:]
    marked = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    numbered = [int(n) for n in re.findall(r"^\[(\d+)\] ", listed, re.MULTILINE)]
    assert marked and sorted(marked) == numbered == list(range(1, len(h.sources) + 1))
    # no warning box holds a source's name: only its marks
    names = [name for _, name in h.sources]
    for s in h.page.sections:
        if s.style == "warning":
            box = "\n".join([s.heading, s.text, *s.items])
            assert not any(n in box for n in names)


@pytest.mark.parametrize("lang", LANGS)
def test_html_sources_list_is_an_ordered_list_at_the_end(lang):
    out = render(make("aftercare", lang), "html")
    main = out[: out.index("</main>")]
    assert "<section" not in main[main.index('<section class="sources">') + 1 :]  # last
    assert re.search(r"<ol><li>\[1\] ", main)


KEY_POINTS = ("Most side effects are mild.", "You can say no or stop at any time.")
STEPS = ("Read both pages.", "Ask your questions.", "Tick each box that is true.")


def with_parts(which: str, lang: str):
    """A form as it prints once its file has ``key_points`` and ``steps`` (a fixture: the
    built-in forms' words are being written)."""
    h = make(which, lang, ["neck"])
    return msgspec.structs.replace(h, key_points=KEY_POINTS, steps=STEPS)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("which", FORMS)
def test_form_key_points_and_steps_in_every_text_format(which, lang):
    h = with_parts(which, lang)
    heading, steps = h.key_points_heading, h.labels["form_steps_heading"]
    assert heading and steps
    txt = render(h, "txt")
    assert f"{heading}\n" in txt and f"{steps}\n" in txt
    assert "1. Read both pages.\n2. Ask your questions." in txt
    assert txt.index(heading) < txt.index(steps) < txt.index(h.page.sections[0].heading)
    md = render(h, "md")
    assert "> - Most side effects are mild." in md and "3. Tick each box that is true." in md
    page = render(h, "html")
    assert '<section class="keypoints">' in page and '<ol class="steps">' in page
    # without them: no empty box or heading
    plain = msgspec.structs.replace(make(which, lang, ["neck"]), key_points=(), steps=())
    assert steps not in render(plain, "txt") and 'class="keypoints"' not in render(plain, "html")


@pytest.mark.parametrize("which", FORMS)
def test_form_key_points_box_and_steps_are_tagged_lists_in_the_pdf(which):
    """The key points box is a boxed section whose heading is followed by a list; the steps
    are a list whose labels are 1. 2. 3., both near the top (page 1)."""
    pikepdf = pytest.importorskip("pikepdf")
    import pdfplumber

    from dryneedle_cli.render import pdf as form_pdf

    h = with_parts(which, "en")
    data = form_pdf.render(h)
    doc = pikepdf.open(io.BytesIO(data))
    kinds: list[tuple[str, str]] = []

    def walk(e):
        if isinstance(e, pikepdf.Array):
            for kid in e:
                walk(kid)
        elif isinstance(e, pikepdf.Dictionary) and "/S" in e:
            kinds.append((str(e.S), ""))
            walk(e.get("/K"))

    walk(doc.Root.StructTreeRoot.K)
    seq = [k for k, _ in kinds]
    lbl = [i for i, k in enumerate(seq) if k == "/Lbl"]
    assert seq.count("/L") >= 2 and len(lbl) >= len(KEY_POINTS) + len(STEPS)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        first = " ".join((pdf.pages[0].extract_text() or "").split())
        rects = pdf.pages[0].rects
    assert h.key_points_heading in first and KEY_POINTS[1] in first
    assert h.labels["form_steps_heading"] in first and "1. Read both pages." in first
    assert first.index(KEY_POINTS[0]) < first.index(STEPS[0])
    assert any(r["width"] > 100 and r["height"] > 10 for r in rects), "the box"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("which", SHEETS + FORMS)
def test_outline_caption_says_what_to_do(which, lang):
    """With areas chosen, the outline's caption (labels body_outline_caption, _prepare for a
    visit to come, _consent and _screening: what to do with the areas on that form, each its
    own) follows the areas in every text
    format; the HTML outline carries its alternative text; without areas there is neither."""
    h = make(which, lang, ["neck"])
    caption = h.outline_caption
    assert caption and len(caption.split()) >= 5
    key = "body_outline_caption" + {"aftercare": ""}.get(which, f"_{which}")
    assert caption == h.labels[key]
    others = {
        "aftercare": "",
        "prepare": "_prepare",
        "consent": "_consent",
        "screening": "_screening",
    }
    assert [k for k in others if h.labels[f"body_outline_caption{others[k]}"] == caption] == [which]
    for fmt in ("txt", "md", "html"):
        out = render(h, fmt)
        assert " ".join(caption.split()[:4]) in out, fmt
    page = render(h, "html")
    alt = h.labels["outline" if which == "aftercare" else "outline_planned"]
    assert f'aria-label="{html.escape(alt)}' in page
    none = make(which, lang, [])
    assert caption not in render(none, "txt") and "<svg" not in render(none, "html")


# ------------------------------------------------------------------------------ the word


@pytest.mark.parametrize("lang", LANGS)
def test_clinician_word_has_a_plain_default_in_every_language(lang):
    q = q_for(lang)
    word, start = q.t("{clinician_word}"), q.t("{clinician_word_start}")
    assert word and "{" not in word and word.lower() != "clinician"
    assert start[0].isupper() and start.lower() == word.lower()


WORDS = {"en": "your physio", "es": "su fisioterapeuta", "fr": "votre kiné"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_profile_word_replaces_the_default(lang):
    """A clinic's word speaks on pages in the profile's language; a page in another language
    keeps that language's own default (one language per page)."""
    word = WORDS[lang]
    clinic = Clinic(name="Harbour Physio", phone="555 0100", clinician_word=word, language=lang)
    q = q_for(lang, clinic)
    start = word[:1].upper() + word[1:]
    assert q.t("{clinician_word}. {clinician_word_start}.") == f"{word}. {start}."
    for other in LANGS:
        if other != lang:
            q = q_for(other, clinic)
            assert q.t("{clinician_word}") == q_for(other).t("{clinician_word}") != word


@pytest.mark.parametrize(
    "word", ["<b>doctor</b>", "your {clinic}", "[bold]physio[/bold]", "dr *x*", "a\\b"]
)
def test_a_word_with_markup_is_refused(word):
    with pytest.raises(ContentError) as e:
        handout.values_for(Clinic(name="Harbour Physio", phone="555", clinician_word=word))
    assert e.value.field == "clinician_word"


def test_the_word_is_one_clean_line():
    clinic = Clinic(name="H", phone="5", clinician_word="  your\u200b   physiotherapist ")
    assert handout.values_for(clinic)["clinician_word"] == "your physiotherapist"
