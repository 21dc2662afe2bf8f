"""Finding topics, conditions and terms; choosing what a page shows."""

from __future__ import annotations

import pytest

from dryneedle_cli.errors import NotFound


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("neck", ("condition", "neck-pain")),
        ("Neck Pain", ("condition", "neck-pain")),
        ("neck-pain", ("condition", "neck-pain")),
        ("  STIFF   neck!! ", ("condition", "neck-pain")),
        ("tennis elbow", ("condition", "tennis-elbow")),
        ("M77.1", ("condition", "tennis-elbow")),
        ("m77.1", ("condition", "tennis-elbow")),
        ("m771", ("condition", "tennis-elbow")),
        ("golfer's elbow", ("condition", "golfers-elbow")),
        ("golfers elbow", ("condition", "golfers-elbow")),
        ("acupuncture", ("topic", "acupuncture")),
        ("trigger points", ("topic", "trigger-points")),
        ("side effects", ("topic", "side-effects")),
        ("safety", ("topic", "safety")),
        ("wet needling", ("topic", "wet-needling")),
        ("twitch response", ("topic", "twitch-response")),
        ("LTR", ("topic", "twitch-response")),
        ("pneumothorax", ("term", "pneumothorax")),
        ("collapsed lung", ("term", "pneumothorax")),
        ("IMS", ("topic", "ims")),
        ("intramuscular stimulation", ("topic", "ims")),
    ],
)
def test_find(q, words, expected):
    assert q.find(words) == expected


def test_typo_suggests_close_matches(q):
    with pytest.raises(NotFound) as info:
        q.find("nekc")
    assert 1 <= len(info.value.suggestions) <= 3
    assert "neck-pain" in info.value.suggestions[0]


def test_nonsense_is_not_found_and_not_guessed(q):
    with pytest.raises(NotFound) as info:
        q.find("zzzz qqqq")
    assert info.value.suggestions == ()


def test_shared_icd_code_asks_which_one(q):
    with pytest.raises(NotFound) as info:
        q.find("M79.1")
    assert "fits 4 pages" in str(info.value)
    assert any("myofascial-pain-syndrome" in s for s in info.value.suggestions)


def test_explain_without_words_is_the_overview(q, kb):
    page = q.explain(None)
    assert page.kind == "overview" and page.id == kb.labels.overview_topic


def test_condition_page_has_facts_evidence_and_area_notes(q):
    page = q.explain("neck")
    assert page.kind == "condition"
    facts = dict(page.facts)
    assert facts["ICD-10 (WHO)"] == "M54.2" and facts["Strength of evidence"] == "Low"
    styles = [s.style for s in page.sections]
    assert "evidence" in styles
    notes = [s for s in page.sections if s.heading == "After your visit, for this area"]
    assert notes and "near a lung (neck)" in notes[0].items[0]
    keys = {r.key for r in page.references}
    assert {k for s in page.sections for k in s.refs} == keys


def test_areas_by_region_name_alias_or_condition(q):
    assert q.areas(["neck", "Low Back", "tennis elbow", "heel"]) == [
        "neck",
        "low-back",
        "elbow",
        "foot",
    ]
    assert q.areas(["neck", "stiff neck"]) == ["neck"]


def test_unknown_area_suggests(q):
    with pytest.raises(NotFound) as info:
        q.areas(["shouldr"])
    assert any("shoulder" in s for s in info.value.suggestions)


def test_area_notes_only_for_chosen_areas(q):
    plain = q.sheet("aftercare", [])
    neck = q.sheet("aftercare", ["neck"])
    foot = q.sheet("aftercare", ["foot"])
    text = lambda p: " ".join(i for s in p.sections for i in s.items)  # noqa: E731
    # no area given: the lung line names every place near the lungs (nobody said where)
    assert "Needles near a lung (the neck, shoulders, back, chest or ribs)" in text(plain)
    assert "Needles near a lung (neck)" in text(neck)
    assert "Needles near a lung" not in text(foot)
    assert "foot may be sore" in text(foot)
    assert dict(neck.facts)["Areas treated"] == "Neck"


def test_emergency_number_is_filled_in(q, kb):
    from dryneedle_cli.query.pages import Query

    default = q.sheet("aftercare", [])
    warning = next(s for s in default.sections if s.style == "warning")
    assert "911 in the US and Canada" in warning.text and "{" not in warning.text
    clinic = Query(kb, values={"emergency_number": "112"}).sheet("aftercare", [])
    assert "Call 112 right away" in next(s for s in clinic.sections if s.style == "warning").text


def test_conditions_all_grouped_by_region(q, kb):
    listing = q.conditions(None)
    assert len(listing.rows) == len(kb.conditions)
    order = [rid for rid, _, _ in listing.groups]
    assert order == [r for r in kb.regions if r in order]


@pytest.mark.parametrize(
    ("words", "ids"),
    [
        ("elbow", {"tennis-elbow", "golfers-elbow"}),
        (
            "M79.1",
            {"upper-back-pain", "buttock-pain", "calf-tightness", "myofascial-pain-syndrome"},
        ),
        ("M77", {"tennis-elbow", "golfers-elbow", "plantar-heel-pain"}),
        ("sore shoulder", {"shoulder-pain"}),
    ],
)
def test_conditions_filter(q, words, ids):
    assert {r.id for r in q.conditions(words).rows} == ids


def test_conditions_no_match(q):
    with pytest.raises(NotFound):
        q.conditions("spleen")


def test_evidence_for_a_condition_lists_its_references(q):
    refs = q.evidence("tennis elbow")
    assert refs.subject == "tennis-elbow"
    assert {r.key for r in refs.references} == {
        "sussex-tennis",
        "navarro-santana-2020-elbow",
        "ma-2024",
        "apta-2012",
        "brady-2014",
        "boyce-2020",
    }


def test_evidence_without_words_lists_all(q, kb):
    assert len(q.evidence(None).references) == len(kb.references)


def test_text_in_another_language_comes_from_its_translation_file(data_copy):
    """Each language's text comes from i18n/<lang>/; an inline {en: ..., es: ...} in an English
    file has no review trail and is not used (validate warns; see test_i18n.py)."""
    from dryneedle_cli.content.build import Layer, build
    from dryneedle_cli.query.pages import Query

    f = data_copy / "conditions" / "neck-pain.yaml"
    f.write_text(
        f.read_text().replace("name: Neck pain", "name: {en: Neck pain, es: Dolor del cuello}")
    )
    result = build([Layer("built-in", data_copy, True)], langs=("es", "fr"))
    english, es = result.kb, result.translated["es"]
    assert Query(english).explain("neck").title == "Neck pain"
    with pytest.raises(ValueError):
        Query(english, lang="es")  # a knowledge base is in one language
    # its English text is the same, so the translation file still gives it: never the inline
    # text (a translation is stale part by part: content/stamp.py)
    assert "condition:neck-pain" not in es.untranslated
    assert Query(es).explain("neck").title == "Dolor de cuello"
    # an English text that changed: that translation is stale, never the inline text
    f.write_text(f.read_text().replace("{en: Neck pain,", "{en: Sore neck,"))
    result = build([Layer("built-in", data_copy, True)], langs=("es", "fr"))
    assert "stale in 'name'" in result.translated["es"].untranslated["condition:neck-pain"]
    from dryneedle_cli.errors import NotTranslated

    with pytest.raises(NotTranslated, match="stale"):
        Query(result.translated["fr"]).explain("neck")
    assert Query(result.translated["fr"]).explain("coude du tennisman").id == "tennis-elbow"


def test_the_region_index_is_made_once_a_knowledge_base(kb, monkeypatch):
    """Each request has its own Query and Search; the region names are indexed once for a
    knowledge base (a batch asks for every row's areas), and a different knowledge base gets
    its own index."""
    import copy

    from dryneedle_cli.query import search
    from dryneedle_cli.query.pages import Query

    made = []
    real = search.region_index
    monkeypatch.setattr(search, "_REGIONS", {})
    monkeypatch.setattr(search, "region_index", lambda k: made.append(k) or real(k))
    assert Query(kb).search.areas(["neck"]) == Query(kb).search.areas(["neck"]) == ["neck"]
    assert made == [kb]
    other = copy.copy(kb)  # the same content, another knowledge base
    assert Query(other).search.areas(["low back"]) == ["low-back"]
    assert len(made) == 2 and made[1] is other
