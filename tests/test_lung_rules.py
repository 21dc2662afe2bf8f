"""The lung warning follows the body, not the wording: table tests over every word for an area
near the lungs (every name and alias in regions.yaml and its es/fr translations, and every
name of a condition treated there), in every position among several areas, in en, es and fr,
on the aftercare page (screen text, JSON, the printed text sheet, the key points and the
teach-back) and on the condition pages. Also: words that fit two places ask; no area given
still warns; areas away from the lungs carry no lung part; a clinic file that lists its
warning sections last still prints them first.

In-process queries and renderers (no subprocess): the whole table runs in seconds.
The words come from the data; ``REQUIRED`` pins the words the safety review asked for, so
removing an alias fails here too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from dryneedle_cli.content.build import build, source_hash
from dryneedle_cli.content.layers import Layer
from dryneedle_cli.errors import UsageError
from dryneedle_cli.handouts import printed as maker
from dryneedle_cli.model import Item, tr
from dryneedle_cli.query import teachback
from dryneedle_cli.query.pages import Query, in_sentence
from dryneedle_cli.query.search import ambiguous_regions, normalize
from dryneedle_cli.render import json as json_render
from dryneedle_cli.render import plain, text

DATA = Path(__file__).resolve().parent.parent / "data"
LANGS = ("en", "es", "fr")
AWAY = ("elbow", "knee")  # areas away from the lungs, put around the word under test

# Words a patient or clinician types for a place near the lungs, which must resolve to an area
# that carries the lung warning (content review 3, U1/U2; the list).
REQUIRED = {
    "en": [
        "upper back",
        "mid back",
        "middle back",
        "between the shoulder blades",
        "around the shoulder blades",
        "shoulder blade",
        "scapula",
        "rhomboid",
        "rhomboids",
        "trapezius",
        "traps",
        "infraspinatus",
        "supraspinatus",
        "serratus",
        "lats",
        "pecs",
        "scalenes",
        "levator scapulae",
        "side of the chest",
        "collarbone",
        "armpit",
        "chest wall",
        "ribs",
        "rib cage",
        "base of the neck",
        "neck",
        "shoulder",
        "chest",
        "low back",
        "lower back",
        "lumbar",
        "quadratus lumborum",
        "tension headache",
        "headache",
        "whiplash",
        "sciatica",
        "low back pain",
        "several areas",
    ],
    "es": [
        "espalda alta",
        "espalda media",
        "entre los omóplatos",
        "omóplato",
        "escápula",
        "romboides",
        "trapecio",
        "infraespinoso",
        "supraespinoso",
        "serrato",
        "dorsal ancho",
        "pectorales",
        "escalenos",
        "elevador de la escápula",
        "costado del pecho",
        "clavícula",
        "axila",
        "pared torácica",
        "costillas",
        "base del cuello",
        "cuello",
        "hombro",
        "pecho",
        "espalda baja",
        "lumbar",
        "cuadrado lumbar",
        "varias zonas",
    ],
    "fr": [
        "haut du dos",
        "milieu du dos",
        "entre les omoplates",
        "omoplate",
        "scapula",
        "rhomboïde",
        "trapèze",
        "infra-épineux",
        "sus-épineux",
        "dentelé",
        "grand dorsal",
        "pectoraux",
        "scalènes",
        "angulaire de l'omoplate",
        "côté de la poitrine",
        "clavicule",
        "aisselle",
        "paroi thoracique",
        "côtes",
        "base du cou",
        "cou",
        "épaule",
        "poitrine",
        "bas du dos",
        "lombaire",
        "carré des lombes",
        "plusieurs régions",
    ],
}
# Words that fit two places: they ask (exit 2 with the choices), never guess.
AMBIGUOUS = {
    "en": ["back", "side", "flank", "spine"],
    "es": ["espalda", "lado", "costado", "flanco", "columna"],
    "fr": ["dos", "côté", "flanc", "colonne"],
}


@pytest.fixture(scope="module")
def built():
    result = build([Layer("built-in", DATA, True)], strict=True, langs=LANGS[1:])
    assert result.errors == [], result.errors[:3]
    return result


@pytest.fixture(scope="module", autouse=True)
def _region_names_once_a_base():
    """``search.region_index`` and ``ambiguous_regions`` depend on the knowledge base alone, and
    every ``areas``/``sheet`` call works both out again (a few ms): the tables below make
    thousands of calls over the same three bases, so each is worked out once a base here."""
    from dryneedle_cli.query import search

    def once(fn):
        seen: dict[int, tuple] = {}

        def cached(kb):
            if id(kb) not in seen:
                seen[id(kb)] = (kb, fn(kb))  # the base kept alive: its id is not reused
            return seen[id(kb)][1]

        return cached

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search, "region_index", once(search.region_index))
        mp.setattr(search, "ambiguous_regions", once(search.ambiguous_regions))
        yield


@pytest.fixture(scope="module")
def queries(built):
    kbs = {"en": built.kb, **built.translated}
    return {lang: Query(kbs[lang], lang) for lang in LANGS}


def _flat(s: str) -> str:
    return " ".join(s.split())


def _lung_words(q) -> list[str]:
    """Every word of an area near the lungs, and every name of a condition treated in one,
    that is not shared with another place (those ask)."""
    kb = q.kb
    shared = ambiguous_regions(kb)
    words = []
    for r in kb.regions.values():
        if r.near_lungs:
            words += [r.id, tr(r.name, q.lang), *r.aliases]
    for c in kb.conditions.values():
        if kb.regions[c.region].near_lungs:
            words += [tr(c.name, q.lang), *c.aliases]
    return [w for w in dict.fromkeys(words) if normalize(w) not in shared]


def _lung_item(q) -> Item:
    items = [
        i for s in q.kb.aftercare.sections for i in s.items if isinstance(i, Item) and i.near_lungs
    ]
    assert len(items) == 1, "aftercare.yaml: one item with near_lungs: true"
    return items[0]


def _expected_line(q, areas: list[str]) -> str:
    """The lung line as it must read for these areas: the names of those near a lung, or every
    place near the lungs (labels ``lung_places``) when none is named (no area, 'Several')."""
    named = [
        in_sentence(tr(q.kb.regions[a].name, q.lang))
        for a in areas
        if q.kb.regions[a].near_lungs and not q.kb.regions[a].any_area
    ]
    places = ", ".join(named) if named else q.values["lung_places"]
    return _flat(q._item(_lung_item(q), {"lung_areas": places}))


def _lung_point_and_question(q) -> tuple[str, str]:
    doc = q.kb.aftercare
    point = next(p for p in doc.key_points if p.near_lungs)
    question = next(x for x in doc.teachback if x.near_lungs)
    return _flat(q.t(point.text)), _flat(q.t(question.text))


def _lungs_heading(q) -> str:
    return next(_flat(q.t(s.heading)) for s in q.kb.aftercare.sections if s.near_lungs)


def _cases(q):
    for word in _lung_words(q):
        for pos in range(3):
            words = list(AWAY)
            words.insert(pos, word)
            yield word, pos, words


# ------------------------------------------------------------------ the words


@pytest.mark.parametrize("lang", LANGS)
def test_every_required_word_names_an_area_near_the_lungs(queries, lang):
    q = queries[lang]
    for word in REQUIRED[lang]:
        areas = q.areas([word])
        assert any(q.kb.regions[a].near_lungs for a in areas), (lang, word, areas)


@pytest.mark.parametrize("lang", LANGS)
def test_words_that_fit_two_places_ask(queries, lang):
    q = queries[lang]
    for word in AMBIGUOUS[lang]:
        for pos in range(3):
            words = list(AWAY)
            words.insert(pos, word)
            with pytest.raises(UsageError, match="could mean"):
                q.areas(words)


@pytest.mark.parametrize("lang", LANGS)
def test_side_names_the_chest_among_its_choices(queries, lang):
    q = queries[lang]
    word = {"en": "side", "es": "lado", "fr": "côté"}[lang]
    with pytest.raises(UsageError) as info:
        q.areas([word])
    assert tr(q.kb.regions["chest"].name, lang) in str(info.value)


# ------------------------------------------------------------------ aftercare, every word


@pytest.mark.parametrize("lang", LANGS)
def test_every_lung_word_in_every_position_gets_the_lung_warning(queries, lang):
    """Page, screen text, JSON, printed text sheet, key points and teach-back."""
    q = queries[lang]
    point, question = _lung_point_and_question(q)
    heading = _lungs_heading(q)
    n = 0
    for word, pos, words in _cases(q):
        where = (lang, word, pos)
        areas = q.areas(words)
        assert any(q.kb.regions[a].near_lungs for a in areas), where
        page = q.sheet("aftercare", words)
        assert page.lang == lang, where
        line = _expected_line(q, areas)
        screen = _flat(plain.page(page, clinician=False))
        assert line in screen and heading in screen, where
        doc = json.loads(json_render.render(page))
        near = [a for a in areas if q.kb.regions[a].near_lungs]  # in any position
        assert list(page.areas_near_lungs) == near and doc["areas_near_lungs"] == near, where
        flat_json = _flat(" ".join(t for s in doc["sections"] for t in [s["text"], *s["items"]]))
        assert line in flat_json, where
        printed = _flat(text.document(maker.make(q, "aftercare", areas, clinic=None)))
        assert line in printed and heading in printed, where
        points, questions = teachback.points_and_questions(q, q.kb.aftercare, areas)
        assert point in [_flat(p.text) for p in points], where
        assert question in [_flat(x) for x in questions], where
        n += 1
    assert n >= 3 * len(REQUIRED[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_no_area_still_says_what_to_watch_for_and_how_long(queries, lang):
    q = queries[lang]
    page = q.sheet("aftercare", [])
    screen = _flat(plain.page(page, clinician=False))
    assert _expected_line(q, []) in screen
    assert _lungs_heading(q) in screen
    assert _flat(q.values["lung_places"]) in screen
    point, question = _lung_point_and_question(q)
    points, questions = teachback.points_and_questions(q, q.kb.aftercare, [])
    assert point in [_flat(p.text) for p in points]
    assert question in [_flat(x) for x in questions]


@pytest.mark.parametrize("lang", LANGS)
def test_several_areas_names_the_places_not_the_patients_areas(queries, lang):
    q = queries[lang]
    for words in (["several"], ["several", "knee"], ["knee", "several"]):
        screen = _flat(plain.page(q.sheet("aftercare", words), clinician=False))
        assert _expected_line(q, []) in screen, words
        several = tr(q.kb.regions["several"].name, lang)
        assert f"({several})" not in screen, words


@pytest.mark.parametrize("lang", LANGS)
def test_areas_away_from_the_lungs_carry_no_lung_part(queries, lang):
    q = queries[lang]
    point, question = _lung_point_and_question(q)
    for r in q.kb.regions.values():
        if r.near_lungs:
            continue
        page = q.sheet("aftercare", [r.id])
        screen = _flat(plain.page(page, clinician=False))
        assert _lungs_heading(q) not in screen, r.id
        assert not page.areas_near_lungs, r.id
        points, questions = teachback.points_and_questions(q, q.kb.aftercare, [r.id])
        assert point not in [_flat(p.text) for p in points], r.id
        assert question not in [_flat(x) for x in questions], r.id


# ------------------------------------------------------------------ condition pages


@pytest.mark.parametrize("lang", LANGS)
def test_every_condition_near_the_lungs_carries_the_lung_risk(queries, lang):
    q = queries[lang]
    places = _flat(q.values["lung_places"])
    for c in q.kb.conditions.values():
        page = q.condition_page(c)
        assert page.lang == lang
        risks = next(s for s in page.sections if s.heading == q.labels["risks"])
        risk_text = _flat(" ".join([risks.text, *risks.items]))
        notes = [s for s in page.sections if s.heading == q.labels["area_notes_aftercare"]]
        note_text = _flat(" ".join(i for s in notes for i in s.items))
        line = _expected_line(q, [c.region])
        if q.kb.regions[c.region].near_lungs:
            assert places in risk_text, (lang, c.id)  # the same lung item on every page
            assert line in note_text, (lang, c.id)
            assert (
                any(places in _flat(q.t(p.text)) for p in c.key_points) or len(c.key_points) >= 3
            ), (lang, c.id)
        else:
            assert line not in note_text, (lang, c.id)


def test_a_page_that_needles_neck_or_shoulder_muscles_is_near_the_lungs(kb):
    """A condition whose page says the needle goes into the neck, shoulder, back or chest
    muscles is in an area near the lungs (tension-type headache was not)."""
    pattern = re.compile(r"\b(neck|shoulders?|upper back|chest|ribs?)\b.{0,40}\bmuscles?", re.I)
    for c in kb.conditions.values():
        said = " ".join(
            tr(b.text) for b in (c.how_it_may_help, c.description) if b.text is not None
        )
        if pattern.search(said):
            assert kb.regions[c.region].near_lungs, c.id


# ------------------------------------------------------------------ warning sections first


def _reorder_warnings_last(doc: dict) -> dict:
    sections = doc["sections"]
    doc["sections"] = [s for s in sections if s.get("style") != "warning"] + [
        s for s in sections if s.get("style") == "warning"
    ]
    return doc


@pytest.fixture(scope="module")
def clinic_last(tmp_path_factory):
    """A clinic content folder whose aftercare (and its es/fr translations) lists the warning
    sections last."""
    folder = tmp_path_factory.mktemp("clinic") / "riverside"
    english = _reorder_warnings_last(yaml.safe_load((DATA / "sheets/aftercare.yaml").read_text()))
    english["reviewed_by"] = "Riverside Physiotherapy"
    (folder / "sheets").mkdir(parents=True)
    (folder / "sheets/aftercare.yaml").write_text(yaml.safe_dump(english, allow_unicode=True))
    for lang in LANGS[1:]:
        path = DATA / "i18n" / lang / "sheets/aftercare.yaml"
        doc = _reorder_warnings_last(yaml.safe_load(path.read_text(encoding="utf-8")))
        doc["translation"]["source_hash"] = source_hash(english)
        out = folder / "i18n" / lang / "sheets/aftercare.yaml"
        out.parent.mkdir(parents=True)
        out.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = build(
        [Layer("built-in", DATA, True), Layer("riverside", folder)], strict=True, langs=LANGS[1:]
    )
    assert result.errors == [], result.errors[:3]
    kbs = {"en": result.kb, **result.translated}
    return {lang: Query(kbs[lang], lang) for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("areas", [[], ["neck"], ["elbow", "upper-back"], ["knee"]])
def test_warning_sections_print_first_when_the_clinic_file_lists_them_last(
    clinic_last, lang, areas
):
    q = clinic_last[lang]
    doc = q.kb.aftercare
    assert doc.sections[-1].style == "warning" and doc.reviewed_by.startswith("Riverside")
    tiers = [_flat(q.t(s.heading)) for s in doc.sections if s.style == "warning"]
    page = q.sheet("aftercare", areas)
    assert page.lang == lang
    assert [_flat(s.heading) for s in page.sections[: len(tiers)]] == tiers, (lang, areas)
    screen = _flat(plain.page(page, clinician=False))
    printed = _flat(text.document(maker.make(q, "aftercare", areas, clinic=None)))
    others = [_flat(q.t(s.heading)) for s in doc.sections if s.style != "warning"]
    shown = [h for h in others if h in screen]
    for out in (screen, printed):
        assert out.index(tiers[-1]) < min(out.index(h) for h in shown), (lang, areas)


# ------------------------------------------------------------------ one rule


@pytest.mark.parametrize("lang", LANGS)
def test_sheets_area_notes_and_screening_follow_one_rule(queries, lang):
    """For every area: the area-bound lines a sheet shows are the lines a condition page's area
    notes show, and the screening questions asked follow the same rule."""
    from dryneedle_cli.query.pages import applies_to

    q = queries[lang]
    for rid, region in q.kb.regions.items():
        local = q.lung_values([rid])
        on_sheets = {
            q._item(i, local)
            for sheet in (q.kb.prepare, q.kb.aftercare)
            for s in sheet.sections
            for i in s.items
            if (s.areas or s.near_lungs or isinstance(i, Item) and (i.areas or i.near_lungs))
            and q._shows(s, [rid])
            and q._shows(i, [rid])
        }
        in_notes = {i for s in q.area_notes(rid) for i in s.items}
        assert in_notes == on_sheets, (lang, rid)
        for question in q.kb.screening.questions:
            asked = q.asks(question, [rid])
            assert asked == applies_to(q.kb.regions, question, [rid]), (lang, rid, question.id)
            if question.near_lungs:
                assert asked == region.near_lungs, (lang, rid, question.id)


@pytest.mark.parametrize("lang", LANGS)
def test_area_names_read_in_lower_case_inside_the_lung_line(queries, lang):
    """Translation review M8: '(Cuello, Pecho y costillas)' mid-sentence; area names are
    headings in regions.yaml and start lower-case inside a sentence, in every language."""
    q = queries[lang]
    page = q.sheet("aftercare", ["neck", "chest"])
    text = _flat(" ".join(i for s in page.sections for i in (s.text, *s.items)))
    for rid in ("neck", "chest"):
        name = tr(q.kb.regions[rid].name, lang)
        assert in_sentence(name) in text, (lang, name)
        assert f"({name}" not in text and f", {name}" not in text, (lang, name)
