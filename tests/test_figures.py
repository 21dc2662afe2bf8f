"""Every figure on the consent form is one the side-effects page gives: one source of numbers,
not a copy. The figures (how often a side effect happens, how many visits a survey counted)
are defined once, in labels.yaml ``defaults`` (``fig_*``), and used by placeholder on every
page that gives them, in every language. These tests check, in en, es and fr:

- the form's files hold no typed figure (only ``{fig_*}`` placeholders), and no patient file
  (page, sheet, form, glossary) types a frequency ("1 in 13");
- every figure the printed form shows is one the side-effects page shows;
- each figure says what its survey found (``SOURCE``, pinned from the papers), rounded from the
  papers' percentages (``PAPERS``), with the same numbers in every language;
- every common side effect is counted out of the same number (100) on every page a patient
  sees (every topic, condition and glossary page, the sheets for any areas, the forms and the
  teach-back screens), so a reader compares them without working anything out (PEMAT-P item
  6); only a rare event is "1 in 1,000"; and no placeholder is left unfilled on any of them.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from dryneedle_cli.checks.readability import patient_pages, teachback_pages
from dryneedle_cli.content.build import build
from dryneedle_cli.content.layers import Layer
from dryneedle_cli.query.pages import Query

DATA = Path(__file__).resolve().parent.parent / "data"
LANGS = ("en", "es", "fr")
NB = "\u00a0"

# What each paper found, in % of treatments (content review 3 and clinical-sources.md 2.1-2.3):
# Brady 2014 first, then Boyce 2020; tiredness is MacPherson 2005, % of patients; the heel
# trial's own figure is Cotchett 2014 (clinical-sources.md 2.3 and 5), % of real-needling visits.
PAPERS = {
    "fig_mild": (19.18, 36.7),  # any mild side effect
    "fig_bruise": (7.55, 7.7),
    "fig_bleeding": (4.65, 16),
    "fig_pain_during": (3.01, 5.9),
    "fig_tired": (24.4,),  # tired or drowsy after acupuncture
    "fig_heel_mild": (32,),  # minor short-lived side effects, real needling (70 visits)
}
# What each survey found, as each language writes it: the common side effects out of 100 (the
# papers' percentages rounded to a whole number; a range is Brady's figure to Boyce's), the
# rare serious one (Boyce 2020: 20 major events in 20,494 treatments) out of 1,000, and the
# survey sizes rounded down. French puts the noun inside the figure ("8 séances sur 100").
# The frequencies are written with no-break spaces, so none is split over two lines.
SOURCE = {
    name: tuple(v.replace(" ", NB) for v in by_lang)
    for name, by_lang in {
        "fig_mild": ("19 to 37 in 100", "19 a 37 de cada 100", "19 à 37 séances sur 100"),
        "fig_bruise": ("8 in 100", "8 de cada 100", "8 séances sur 100"),
        "fig_bleeding": ("5 to 16 in 100", "5 a 16 de cada 100", "5 à 16 séances sur 100"),
        "fig_pain_during": ("3 to 6 in 100", "3 a 6 de cada 100", "3 à 6 séances sur 100"),
        "fig_tired": ("24 in 100", "24 de cada 100", "24 personnes sur 100"),
        "fig_serious": ("1 in 1,000", "1 de cada 1000", "1 séance sur 1 000"),
        "fig_heel_mild": ("32 in 100", "32 de cada 100", "32 séances sur 100"),
    }.items()
}  # each space a no-break space: a figure is never split over two lines
SOURCE |= {
    "fig_serious_visits": ("20,000", f"20{NB}000", f"20{NB}000"),
    "fig_none_visits": ("7,600", "7600", f"7{NB}600"),
}
# A frequency ("8 in 100", "19 to 37 in 100", "1 in 1,000"; "5 a 16 de cada 100"; "24 personnes
# sur 100", "1 séance sur 1 000"), as the patient reads it, in groups: the number, the top of a
# range, the denominator. An old form ("1 in 20 to 1 in 6") is read as two frequencies.
SP = f"[ {NB}]"  # a space or a no-break space
FREQ = {
    "en": rf"\b(\d+)(?:{SP}to{SP}(\d+))?{SP}in{SP}([\d,]*\d)\b",
    "es": rf"\b(\d+)(?:{SP}a{SP}(\d+))?{SP}de{SP}cada{SP}([\d{NB}]*\d)\b",
    "fr": rf"\b(\d+)(?:{SP}à{SP}(\d+))?{SP}(?:(?:séances?|personnes?){SP})?sur{SP}([\d{NB}]*\d)\b",
}
COUNT = rf"\b\d{{1,3}}(?:[,{NB} ]\d{{3}})+\b|\b\d{{4,}}\b"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
COMMON = 100  # the one denominator of every common side effect


@pytest.fixture(scope="module")
def queries():
    result = build([Layer("built-in", DATA, True)], strict=True, langs=LANGS[1:])
    assert result.errors == [], result.errors[:3]
    kbs = {"en": result.kb, **result.translated}
    return {lang: Query(kbs[lang], lang) for lang in LANGS}


def _file(lang: str, name: str) -> Path:
    return DATA / name if lang == "en" else DATA / "i18n" / lang / name


def _patient_files(lang: str) -> list[Path]:
    """Every file a patient reads text from: the topics, the conditions, the glossary, the
    sheets and the forms (not labels.yaml, where the figures are defined, nor the sources)."""
    root = DATA if lang == "en" else DATA / "i18n" / lang
    files = [*root.glob("topics/*.yaml"), *root.glob("conditions/*.yaml")]
    files += [*root.glob("sheets/*.yaml"), root / "glossary.yaml"]
    files += [root / "consent.yaml", root / "screening.yaml"]
    return sorted(files)


# Not patient text: the review trail, the sources, and the clinician's English notes on a
# screening question (``why``, ``discuss``, ``as_written``: English in every language, so a
# placeholder, filled in the page's language, cannot be used there).
NOT_PATIENT_TEXT = ("translation", "reviewed_on", "reviewed_by", "refs", "references")
NOT_PATIENT_TEXT += ("why", "discuss", "as_written")


def _texts(node):
    """Every string in a parsed YAML file (its patient text), placeholders removed."""
    if isinstance(node, str):
        yield PLACEHOLDER.sub(" ", node)
    elif isinstance(node, dict):
        for k, v in node.items():
            if k not in NOT_PATIENT_TEXT:
                yield from _texts(v)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v)


def _figures(text: str, lang: str) -> list[str]:
    text = " ".join(text.split(" "))  # keep no-break spaces: they are part of a figure
    found = [m.group(0) for m in re.finditer(FREQ[lang], text)]
    rest = re.sub(FREQ[lang], " ", text)
    return [*found, *re.findall(COUNT, rest)]


def _frequencies(text: str, lang: str) -> list[tuple[str, tuple[int, ...], int]]:
    """Each frequency in the text: (as written, its numbers, its denominator)."""
    text = " ".join(text.split(" "))
    return [
        (m.group(0), tuple(int(n) for n in m.groups()[:2] if n), int(re.sub(r"\D", "", m[3])))
        for m in re.finditer(FREQ[lang], text)
    ]


def _round(percent: float) -> int:
    return int(Decimal(str(percent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
def test_no_patient_file_types_a_frequency(lang):
    """A frequency on any page, sheet or form is a ``{fig_*}`` placeholder, defined once in
    labels.yaml with its source: never a typed "1 in 13" that the next change of a figure
    misses."""
    files = _patient_files(lang)
    assert len(files) >= 40 and all(f.is_file() for f in files), files
    typed = {
        str(f.relative_to(DATA)): found
        for f in files
        for found in [
            [
                m
                for t in _texts(yaml.safe_load(f.read_text("utf-8")))
                for m, _, _ in _frequencies(t, lang)
            ]  # fmt: skip
        ]
        if found
    }
    assert typed == {}, f"{lang}: typed frequencies (use a {{fig_...}} placeholder): {typed}"


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


def test_the_pins_are_the_papers_rounded():
    """Each "in 100" figure is the papers' percentages rounded to a whole number (a range from
    Brady's to Boyce's; one number when both round alike; a trial's own figure from its own
    percentage), the same numbers in every language."""
    for name, percents in PAPERS.items():
        numbers = tuple(dict.fromkeys(_round(p) for p in percents))
        for lang, pinned in zip(LANGS, SOURCE[name], strict=True):
            found = _frequencies(pinned, lang)
            assert [(n, d) for _, n, d in found] == [(numbers, COMMON)], (name, lang, pinned)
    (_, serious, per), *more = _frequencies(SOURCE["fig_serious"][0], "en")
    assert not more and serious == (1,) and per == 1000 and round(20_494 / 20, -3) == per


def _every_page(q) -> list[tuple[str, str]]:
    """(name, text as the patient reads it) of every page a patient sees in ``q``'s language:
    the overview, every topic, condition and glossary page, the sheets with no area and with
    every area, the screening and consent forms, and every teach-back screen."""
    return [
        (name, " ".join(f"{page.title} {_page_text(page)}".split(" ")))
        for name, page in [*patient_pages(q), *teachback_pages(q)]
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_common_side_effect_is_counted_out_of_100(queries, lang):
    """One denominator for the common side effects, so a patient compares them without working
    anything out: on every page a patient sees (every condition and topic, the sheets, the
    forms, the teach-back screens), every frequency is "N in 100", except a rare event, which
    is "1 in 1,000" or rarer. No "1 in 13" beside "8 in 100". And every placeholder is filled,
    on every kind of page: a ``{fig_*}`` reads as its figure wherever it is written."""
    q = queries[lang]
    pages = _every_page(q)
    kinds = {name.split(" ")[0] for name, _ in pages}
    assert {"explain", "teachback", "aftercare", "prepare", "sheet"} <= kinds, kinds
    assert len(pages) >= 90, len(pages)  # every page: none left out as not translated
    left, wrong, counted = [], [], 0
    for name, text in pages:
        if PLACEHOLDER.search(text):
            left.append((name, PLACEHOLDER.findall(text)))
        found = _frequencies(text, lang)
        common = [(t, per) for t, numbers, per in found if numbers != (1,) or per < 1000]
        counted += len(common)
        wrong += [(name, t) for t, per in common if per != COMMON]
    assert left == [], f"{lang}: placeholders not filled: {left}"
    assert wrong == [], f"{lang}: common side effects not out of {COMMON}: {wrong}"
    assert counted >= 30, counted  # the condition pages give their figures, in 100s


@pytest.mark.parametrize("lang", LANGS)
def test_the_form_and_the_side_effects_page_give_the_figures(queries, lang):
    """The consent form and the side-effects page give the figures themselves, not only words,
    each out of 100."""
    q = queries[lang]
    pages = {
        "consent form": q.form_page_for("consent", None),
        "side-effects page": q.page_of("topic", "side-effects"),
    }
    for where, page in pages.items():
        assert page.lang == lang, (where, page.lang)
        found = _frequencies(_page_text(page), lang)
        common = [per for _, numbers, per in found if numbers != (1,) or per < 1000]
        assert len(common) >= 5 and set(common) == {COMMON}, (lang, where, found)
