"""Every figure on the consent form is one the side-effects page gives: one source of numbers,
not a copy. The figures (how often a side effect happens, how many visits a survey counted)
are defined once, in labels.yaml ``defaults`` (``fig_*``), and used by placeholder on both
pages in every language. These tests check, in en, es and fr:

- the form's files hold no typed figure (only ``{fig_*}`` placeholders);
- every figure the printed form shows is one the side-effects page shows;
- each figure says what its survey found (``SOURCE``, pinned from the papers).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dryneedle_cli.content.build import build
from dryneedle_cli.content.layers import Layer
from dryneedle_cli.query.pages import Query

DATA = Path(__file__).resolve().parent.parent / "data"
LANGS = ("en", "es", "fr")
NB = "\u00a0"

# What each survey found, as each language writes it (content review 3: Brady 2014 19.18%,
# bruising 7.55%, bleeding 4.65%, pain during 3.01%; Boyce 2020 36.7%, bruising 7.7%,
# bleeding 16%, pain during 5.9%, 20 major events in 20,494 treatments; MacPherson 2005 24.4%).
SOURCE = {
    "fig_mild": ("1 in 5 to 1 in 3", "1 de cada 5 a 1 de cada 3", "1 sur 5 à 1 sur 3"),
    "fig_bruise": ("1 in 13", "1 de cada 13", "1 sur 13"),
    "fig_bleeding": ("1 in 20 to 1 in 6", "1 de cada 20 a 1 de cada 6", "1 sur 20 à 1 sur 6"),
    "fig_pain_during": (
        "1 in 33 to 1 in 17",
        "1 de cada 33 a 1 de cada 17",
        "1 sur 33 à 1 sur 17",
    ),
    "fig_tired": ("1 in 4", "1 de cada 4", "1 sur 4"),
    "fig_serious": ("1 in 1,000", "1 de cada 1000", f"1 sur 1{NB}000"),
    "fig_serious_visits": ("20,000", f"20{NB}000", f"20{NB}000"),
    "fig_none_visits": ("7,600", "7600", f"7{NB}600"),
}
# A frequency ("1 in 13", "1 de cada 20 a 1 de cada 6", "1 sur 33 à 1 sur 17") or a count of
# visits ("20,000", "7 600"), as the patient reads it.
FREQ = {
    "en": r"1 in [\d,]+(?: to 1 in [\d,]+)?",
    "es": r"1 de cada [\d ]*\d(?: a 1 de cada [\d ]*\d)?",
    "fr": rf"1 sur [\d{NB}]*\d(?: à 1 sur [\d{NB}]*\d)?",
}
COUNT = rf"\b\d{{1,3}}(?:[,{NB} ]\d{{3}})+\b|\b\d{{4,}}\b"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.fixture(scope="module")
def queries():
    result = build([Layer("built-in", DATA, True)], strict=True, langs=LANGS[1:])
    assert result.errors == [], result.errors[:3]
    kbs = {"en": result.kb, **result.translated}
    return {lang: Query(kbs[lang], lang) for lang in LANGS}


def _file(lang: str, name: str) -> Path:
    return DATA / name if lang == "en" else DATA / "i18n" / lang / name


def _texts(node):
    """Every string in a parsed YAML file (its patient text), placeholders removed."""
    if isinstance(node, str):
        yield PLACEHOLDER.sub(" ", node)
    elif isinstance(node, dict):
        for k, v in node.items():
            if k not in ("translation", "reviewed_on", "reviewed_by", "refs", "references"):
                yield from _texts(v)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v)


def _figures(text: str, lang: str) -> list[str]:
    text = " ".join(text.split(" "))  # keep no-break spaces: they are part of a figure
    found = re.findall(FREQ[lang], text)
    rest = re.sub(FREQ[lang], " ", text)
    return [*found, *re.findall(COUNT, rest)]


def _page_text(page) -> str:
    parts = [page.title, page.summary, *(t for s in page.sections for t in [s.text, *s.items])]
    return " ".join(" ".join(parts).split(" "))


@pytest.mark.parametrize("lang", LANGS)
def test_the_consent_form_types_no_figure_of_its_own(lang):
    doc = yaml.safe_load(_file(lang, "consent.yaml").read_text(encoding="utf-8"))
    typed = [f for t in _texts(doc) for f in _figures(t, lang)]
    assert typed == [], (
        f"{lang} consent.yaml types {typed}: use the {{fig_...}} placeholder the "
        "side-effects page uses (labels.yaml defaults)"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_on_the_form_is_on_the_side_effects_page(queries, lang):
    q = queries[lang]
    form = q.form_page_for("consent", None)
    source = q.page_of("topic", "side-effects")
    assert form.lang == lang and source.lang == lang
    on_form = _figures(_page_text(form), lang)
    on_page = set(_figures(_page_text(source), lang))
    assert len(on_form) >= 6, on_form  # the form gives the figures, not only words
    missing = [f for f in on_form if f not in on_page]
    assert missing == [], f"{lang}: on the consent form but not on the side-effects page"


@pytest.mark.parametrize("lang", LANGS)
def test_the_form_and_the_page_use_the_same_named_figures(lang):
    def used(name: str) -> set[str]:
        return set(re.findall(r"\{(fig_[a-z_]+)\}", _file(lang, name).read_text("utf-8")))

    on_form = used("consent.yaml")
    assert on_form and on_form <= used("topics/side-effects.yaml"), on_form


@pytest.mark.parametrize(("lang", "n"), [(lang, n) for n, lang in enumerate(LANGS)])
def test_each_figure_says_what_its_survey_found(queries, lang, n):
    values = queries[lang].values
    for name, by_lang in SOURCE.items():
        assert values[name] == by_lang[n], (lang, name)
    assert {k for k in values if k.startswith("fig_")} == set(SOURCE)
