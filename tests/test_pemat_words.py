"""The words of the printed sheets and forms (issue 23, PEMAT-P), in every language.

A table over the four printed materials (aftercare, prepare, consent, screening) and en, es, fr:

- every one has 3 to 5 key points for any choice of areas (PEMAT-P item 11, a summary);
- each form has numbered steps for filling it in (item 22);
- the person who treats is ``{clinician_word}`` in patient text, never a typed word
  ("clinician", "your therapist", "su profesional de la salud", "votre thérapeute"), so a
  clinic's own word replaces it everywhere (item 3); and it never starts a sentence, where
  the lower-case word would read wrong;
- a clinic's word reaches the printed page, and no placeholder is left unfilled;
- the labels the rendering needs (the key-points heading, the outline captions, the steps
  heading, the phone line, the default word) exist in every language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dryneedle_cli.content import walk
from dryneedle_cli.content.build import build
from dryneedle_cli.content.layers import Layer
from dryneedle_cli.model import tr
from dryneedle_cli.query.pages import Query

DATA = Path(__file__).resolve().parent.parent / "data"
LANGS = ("en", "es", "fr")
MATERIALS = ("aftercare", "prepare", "consent", "screening")
FORMS = ("consent", "screening")
# The labels the printed sheets and forms show (issue 23) and the placeholder's default.
NEW_LABELS = (
    "key_points_heading",
    "body_outline_caption",
    "body_outline_caption_prepare",
    "body_outline_caption_consent",
    "body_outline_caption_screening",
    "form_steps_heading",
    "clinic_phone_line",
)
SHEET_LABELS = (*NEW_LABELS, "clinician", "supports", "notes", "refs_hint", "questions")
# A typed word for the person who treats: what ``{clinician_word}`` stands for, typed out.
TYPED = {
    "en": r"\bclinicians?\b|\byour therapist\b",
    "es": r"\bsu profesional de (?:la )?salud\b|\bclínicos?\b",
    "fr": r"\bvotre thérapeute\b|\bcliniciens?\b|\bpraticiens?\b",
}
PLACEHOLDER = "{clinician_word}"
SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[¿¡])\{clinician_word\}")


@pytest.fixture(scope="module")
def kbs():
    result = build([Layer("built-in", DATA, True)], strict=True, langs=LANGS[1:])
    assert result.errors == [], result.errors[:3]
    return {"en": result.kb, **result.translated}


def _area_choices(kb) -> list[list[str] | None]:
    """No area, and each area alone: every way a key point can show or not."""
    return [None, *([a] for a in kb.regions)]


def _patient_texts(kb, which: str):
    """(field path, text) of every text a patient reads in a sheet or form (``walk.texts``
    leaves out the clinician-only fields: why, discuss, as_written, ids, sources)."""
    return list(walk.texts(getattr(kb, which)))


@pytest.mark.parametrize("which", MATERIALS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_sheet_and_form_has_3_to_5_key_points(kbs, lang, which):
    kb = kbs[lang]
    q = Query(kb, lang)
    doc = getattr(kb, which)
    for areas in _area_choices(kb):
        shown = [p for p in doc.key_points if q.applies(p, areas)]
        assert 3 <= len(shown) <= 5, (lang, which, areas, len(shown))
        assert all(tr(p.text, lang).strip() for p in shown)


@pytest.mark.parametrize("which", FORMS)
@pytest.mark.parametrize("lang", LANGS)
def test_each_form_has_numbered_steps(kbs, lang, which):
    steps = [tr(getattr(s, "text", s), lang).strip() for s in getattr(kbs[lang], which).steps]
    assert 3 <= len(steps) <= 8, (lang, which, steps)
    assert all(steps), (lang, which)


@pytest.mark.parametrize("which", MATERIALS)
@pytest.mark.parametrize("lang", LANGS)
def test_no_typed_word_for_the_person_who_treats(kbs, lang, which):
    kb = kbs[lang]
    texts = _patient_texts(kb, which)
    texts += [(f"labels.{k}", kb.labels.labels[k]) for k in SHEET_LABELS]
    typed = [
        (at, text)
        for at, text in texts
        if re.search(TYPED[lang], tr(text, lang).replace(PLACEHOLDER, ""), re.IGNORECASE)
    ]
    assert typed == [], f"{lang} {which}: write {PLACEHOLDER} instead: {typed[:3]}"


@pytest.mark.parametrize("which", MATERIALS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_word_never_starts_a_sentence(kbs, lang, which):
    kb = kbs[lang]
    texts = _patient_texts(kb, which)
    texts += [(f"labels.{k}", kb.labels.labels[k]) for k in SHEET_LABELS]
    bad = [(at, t) for at, t in texts if SENTENCE_START.search(tr(t, lang).strip())]
    assert bad == [], f"{lang} {which}: {PLACEHOLDER} starts a sentence: {bad[:3]}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_labels_exist_in_every_language(kbs, lang):
    kb = kbs[lang]
    assert "labels:labels" not in kb.untranslated, kb.untranslated.get("labels:labels")
    for key in NEW_LABELS:
        assert tr(kb.labels.labels.get(key), lang).strip(), (lang, key)
    word = tr(kb.labels.defaults.get("clinician_word"), lang)
    assert word.strip() and word == word.lower(), (lang, word)  # read inside a sentence


def _page_words(page) -> str:
    parts = [page.title, page.summary]
    for s in page.sections:
        parts += [s.heading, s.text, *s.items]
    return " ".join(parts)


@pytest.mark.parametrize("lang", LANGS)
def test_a_clinics_word_reaches_every_page_and_no_placeholder_is_left(kbs, lang):
    word = {"en": "your physio", "es": "su kinesiólogo", "fr": "votre kiné"}[lang]
    q = Query(kbs[lang], lang, {"clinician_word": word})
    pages = [q.sheet(w, ["neck"]) for w in ("aftercare", "prepare")]
    pages += [q.form_page_for(w, ["neck"]) for w in FORMS]
    default = tr(kbs[lang].labels.defaults["clinician_word"], lang)
    for page in pages:
        text = _page_words(page)
        assert "{" not in text, (lang, page.title, text[text.index("{") :][:60])
        assert word in text, (lang, page.title)
        assert default not in text, (lang, page.title)
    assert word in q.labels["clinician"] and "{" not in q.labels["clinician"]
