"""A language never shows another page (issue 19), and lookups in the patient's language.

What these guard, in every translated language (es, fr):
- a translation is stale only in the parts whose English changed (``content/stamp.py``): a
  clinic's added alias, related page or code keeps the page translated; a changed text takes
  that page out of the language, naming the part and the fix;
- a query for a page that is out of a language says so (``NotTranslated``, exit 1), never lands
  on another page: explain, conditions and --area (hostile TR4, TR5; trial point 1);
- ``note --lang L`` refuses what was not wholly in L (NT7); its English line names the areas in
  English (trial point 16);
- ``validate`` says per language which pages a clinic's changes take out of it (trial point 4);
- lay phrasings in Spanish and French find the page a patient means, by filler words kept in
  the labels (translation review §6);
- source labels on a page are in its language (M2); the es/fr conditions table shows no ids (M7);
- one hash function: tools/restamp.py and the tests use the package's.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.content.build import Layer, build
from dryneedle_cli.errors import Ambiguous, NotTranslated
from dryneedle_cli.query.pages import Query

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
LANGS = ("es", "fr")
runner = CliRunner()
# The Spanish and French names of the neck page a patient types
NECK = {"es": ("dolor de cuello", "cuello"), "fr": ("douleur au cou", "mal au cou")}


def run(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "100"})


def _build(*layers, strict=False):
    return build([Layer("built-in", DATA, True), *layers], strict=strict, langs=LANGS)


def _patch(tmp_path, body: str, ident: str = "neck-pain") -> Path:
    folder = tmp_path / "clinic"
    (folder / "conditions").mkdir(parents=True, exist_ok=True)
    (folder / "conditions" / f"{ident}.patch.yaml").write_text(f"id: {ident}\n{body}")
    return folder


SUMMARY = "set:\n  summary: This page is Riverside's guide to neck pain.\n"


# --------------------------------------------------------------------------- stale per part


@pytest.mark.parametrize(
    "body",
    ["add:\n  aliases: [crook neck]\n", "add:\n  related: [sciatica]\n"],
    ids=["alias", "related"],
)
def test_a_clinic_change_with_no_text_keeps_the_translation(tmp_path, body):
    """An added alias or related page costs no translation (trial point 1: an added English
    alias sent 'dolor de cuello' to the whiplash page)."""
    result = _build(Layer("clinic", _patch(tmp_path, body)))
    for lang in LANGS:
        kb = result.translated[lang]
        assert "condition:neck-pain" not in kb.untranslated, kb.untranslated
        page = Query(kb).explain(NECK[lang][0])
        assert page.id == "neck-pain" and page.lang == lang
        assert "crook neck" not in kb.conditions["neck-pain"].aliases  # not a word of lang
    related = result.translated["es"].conditions["neck-pain"].related
    assert related == result.kb.conditions["neck-pain"].related  # the English's ids


def test_a_clinic_copy_with_a_changed_code_keeps_the_translation_and_shows_the_code(tmp_path):
    """A clinic's copy of a page that changes only a code: the built-in translation still
    translates its text, and the page shows the clinic's code."""
    clinic = tmp_path / "clinic"
    (clinic / "conditions").mkdir(parents=True)
    text = (DATA / "conditions" / "tennis-elbow.yaml").read_text()
    assert "icd10: [M77.1]" in text
    mine = text.replace("icd10: [M77.1]", "icd10: [M77.1, M77.9]")
    (clinic / "conditions" / "tennis-elbow.yaml").write_text(mine)
    result = _build(Layer("clinic", clinic))
    for lang in LANGS:
        kb = result.translated[lang]
        assert "condition:tennis-elbow" not in kb.untranslated
        page = Query(kb).explain("tennis-elbow")
        assert page.lang == lang and page.condition.icd10 == ("M77.1", "M77.9")


@pytest.mark.parametrize("lang", LANGS)
def test_a_changed_text_takes_the_page_out_naming_the_part_and_the_fix(tmp_path, lang):
    clinic = _patch(tmp_path, SUMMARY)
    kb = _build(Layer("clinic", clinic)).translated[lang]
    reason = kb.untranslated["condition:neck-pain"]
    assert "'summary'" in reason and "neck-pain.patch.yaml" in reason
    assert str(clinic / "i18n" / lang / "conditions" / "neck-pain.patch.yaml") in reason
    # its translation of the patch puts it back
    from dryneedle_cli.content.build import source_hash
    from dryneedle_cli.content.yamlfile import parse

    digest = source_hash(parse(clinic / "conditions" / "neck-pain.patch.yaml"))
    target = clinic / "i18n" / lang / "conditions" / "neck-pain.patch.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(
        f"id: neck-pain\ntranslation: {{lang: {lang}, translator: A, reviser: null, "
        f'date: 2026-12-01, source_hash: "{digest}"}}\nset:\n  summary: Riverside 1.\n'
    )
    kb = _build(Layer("clinic", clinic)).translated[lang]
    page = Query(kb).explain(NECK[lang][0])
    assert page.id == "neck-pain" and page.summary == "Riverside 1."


# --------------------------------------------------------------------------- never another page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("n", [0, 1], ids=["name", "alias"])
def test_a_query_for_a_page_out_of_the_language_never_lands_on_another(tmp_path, lang, n):
    """TR4 ('dolor de cuello' showed whiplash, exit 0) and TR5 ('cuello' listed two other
    pages): the page meant is named as not translated, with the fix."""
    kb = _build(Layer("clinic", _patch(tmp_path, SUMMARY))).translated[lang]
    with pytest.raises(NotTranslated, match=r"Neck pain \(neck-pain\) is not translated"):
        Query(kb).explain(NECK[lang][n])


def test_tr4_on_the_command_line(tmp_path):
    clinic = _patch(tmp_path, SUMMARY)
    result = run("--content-dir", str(clinic), "explain", "dolor de cuello", "--lang", "es")
    assert result.exit_code == 1 and result.stdout == ""
    assert "not translated" in result.stderr and "Latigazo" not in result.stderr
    assert "i18n/es/conditions/neck-pain.patch.yaml" in result.stderr


def test_conditions_names_the_page_out_of_the_language(tmp_path):
    clinic = _patch(tmp_path, SUMMARY)
    result = run("--content-dir", str(clinic), "conditions", "dolor de cuello", "--lang", "es")
    assert "Neck pain" in result.stderr and "not in Spanish" in result.stderr


def test_an_area_named_by_a_page_out_of_the_language_is_that_page_s_area(tmp_path):
    """--area 'dolor de espalda' (an alias of the low back page, taken out of Spanish by a
    clinic change) is the low back, never the upper back of a page whose name holds the same
    words."""
    body = "set:\n  summary: Riverside's guide to low back pain.\n"
    clinic = _patch(tmp_path, body, "low-back-pain")
    kb = _build(Layer("clinic", clinic)).translated["es"]
    assert "condition:low-back-pain" in kb.untranslated
    assert Query(kb).areas(["dolor de espalda"]) == ["low-back"]


# --------------------------------------------------------------------------- the chart note


@pytest.mark.parametrize("lang", LANGS)
def test_note_refuses_a_page_not_given_in_its_language(tmp_path, lang):
    """NT7: the note said 'Language: es' over English text."""
    clinic = _patch(tmp_path, SUMMARY)
    result = run(
        "--content-dir", str(clinic), "note", "--gave", "neck", "--lang", lang,
        "--clinician", "S",
    )  # fmt: skip
    assert result.exit_code == 1 and result.stdout == ""
    err = result.stderr.strip()
    assert "\n" not in err and "not translated" in err and "--lang en" in err
    ok = run("note", "--gave", "neck", "--lang", lang, "--clinician", "S")  # built-in: given
    assert ok.exit_code == 0 and f"Language: {lang}." in ok.stdout


def test_note_names_the_areas_of_its_english_line_in_english():
    """Trial point 16: 'Areas: Parte baja de la espalda' inside the English line."""
    result = run("note", "--gave", "aftercare", "--area", "espalda baja", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert "Areas: Lower back." in result.stdout and "Parte baja" not in result.stdout


# --------------------------------------------------------------------------- validate


def test_validate_says_per_language_which_pages_a_clinic_takes_out(tmp_path):
    """Trial point 4: one English word changed in a copy of sheets/prepare.yaml made the es and
    fr prepare sheets refused while validate said nothing. A warning (exit 0): the sheet
    still works in English, and in that language it is refused with the fix."""
    clinic = tmp_path / "clinic"
    (clinic / "sheets").mkdir(parents=True)
    text = (DATA / "sheets" / "prepare.yaml").read_text()
    assert "Wear a top with no sleeves" in text
    (clinic / "sheets" / "prepare.yaml").write_text(
        text.replace("Wear a top with no sleeves", "Wear a singlet")
    )
    result = run("validate", str(clinic))
    assert result.exit_code == 0
    for lang, name in (("es", "Spanish"), ("fr", "French")):
        line = f"{name} ({lang}): 1 page not shown in {name}"
        assert any(line in x and "the prepare sheet" in x for x in result.stdout.splitlines())
        assert f"not translated into {name} ({lang}): 'sections'" in result.stdout
    # the fix it names: a copy of the translation with that part translated and stamped
    from dryneedle_cli.content.stamp import stamp_file

    for lang in LANGS:
        mine = clinic / "i18n" / lang / "sheets" / "prepare.yaml"
        mine.parent.mkdir(parents=True)
        parts = stamp_file(clinic / "sheets" / "prepare.yaml")[0]
        built_in = (DATA / "i18n" / lang / "sheets" / "prepare.yaml").read_text()
        mine.write_text(re.sub(r'(?m)^    sections: "\w+"', f'    sections: "{parts["sections"]}"',
                               built_in))  # fmt: skip
    result = run("validate", str(clinic))
    assert result.exit_code == 0 and "not shown in" not in result.stdout
    kb = _build(Layer("clinic", clinic)).translated["es"]
    assert Query(kb).sheet("prepare", ["neck"]).lang == "es"


# --------------------------------------------------------------------------- lookups

# Translation review §6: the phrasings that failed, and the page a patient means (one page, or
# a list that holds it).
LAY = [
    ("es", "me duele el cuello", "neck-pain", True),
    ("es", "me duele la espalda", "low-back-pain", False),
    ("es", "me duele la rodilla", "knee-pain", False),
    ("es", "dolor en la nalga", "buttock-pain", True),
    ("es", "tendinitis del codo", "tennis-elbow", False),
    ("es", "es segura la puncion seca", "safety", True),
    ("fr", "j'ai mal au cou", "neck-pain", True),
    ("fr", "mal aux reins", "low-back-pain", True),
    ("fr", "j'ai mal à la fesse", "buttock-pain", True),
    ("fr", "mal à la fesse", "buttock-pain", True),
    ("fr", "tendinite du coude", "tennis-elbow", False),
    ("en", "my neck hurts", "neck-pain", True),
]


@pytest.fixture(scope="module")
def kbs():
    result = _build()
    return {"en": result.kb, **result.translated}


@pytest.mark.parametrize("lang,words,page,alone", LAY, ids=[w for _, w, _, _ in LAY])
def test_lay_phrasings_find_the_page_meant(kbs, lang, words, page, alone):
    q = Query(kbs[lang])
    if alone:
        assert q.find(words)[1] == page
    else:
        with pytest.raises(Ambiguous) as e:
            q.find(words)
        assert any(f"({page})" in s for s in e.value.suggestions)


def test_the_filler_words_are_data(kbs, monkeypatch):
    """The words dropped live in each language's labels (search_filler_words), not in Python."""
    source = (ROOT / "dryneedle_cli" / "query" / "search.py").read_text()
    code = re.sub(r'"""[\s\S]*?"""|#.*', "", source)  # without docstrings and comments
    assert "duele" not in code and "j'ai" not in code
    kb = kbs["es"]
    monkeypatch.setitem(kb.labels.labels, "search_filler_words", "")
    assert Query(kb).matches("me duele el cuello").how == "none"


# --------------------------------------------------------------------------- sources, ids


@pytest.mark.parametrize("lang", LANGS)
def test_source_labels_are_in_the_page_s_language(kbs, lang):
    """M2: 'Fuentes: Common clinic advice, eMedicineHealth (collapsed lung)' on Spanish pages."""
    from dryneedle_cli.checks.readability import patient_pages

    kb = kbs[lang]
    assert not [k for k in kb.untranslated if k.startswith("reference:")]
    used = {r["item"] for r in kb.trail if r["status"] == "in use"}
    english = {k: r.short for k, r in kbs["en"].references.items()}
    seen = 0
    for _, page in patient_pages(Query(kb)):
        for r in page.references:
            assert f"reference:{r.key}" in used  # from the translation file
            seen += 1
            if r.key in ("clinic-advice", "emedicinehealth-pneumothorax"):
                assert r.short != english[r.key]
    assert seen


def test_a_page_citing_a_source_whose_label_is_not_translated_is_not_shown(tmp_path):
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    text = (DATA / "references.yaml").read_text()
    (clinic / "references.yaml").write_text(
        text.replace("short: Common clinic advice", "short: Riverside advice")
    )
    result = _build(Layer("clinic", clinic))
    for lang in LANGS:
        kb = result.translated[lang]
        assert "reference:clinic-advice" in kb.untranslated
        with pytest.raises(NotTranslated):
            Query(kb).sheet("aftercare", ["neck"])
    assert "Riverside advice" in str(Query(result.kb).sheet("aftercare", ["neck"]).references)


@pytest.mark.parametrize("lang", LANGS)
def test_the_conditions_table_in_another_language_shows_no_ids(lang):
    """M7: '(tension-type-headache)', '(tmd)' under Spanish names."""
    env = {"COLUMNS": "120", "FORCE_COLOR": "1"}
    result = runner.invoke(app, ["conditions", "--lang", lang], env=env)
    assert result.exit_code == 0
    assert "(neck-pain)" not in result.stdout and "(tmd)" not in result.stdout
    english = runner.invoke(app, ["conditions"], env=env)
    assert "(neck-pain)" in english.stdout


# --------------------------------------------------------------------------- one hash function


def test_one_hash_function():
    """restamp, the builder and the tests use content/stamp.py; no copy of the hash."""
    for path in (ROOT / "tools" / "restamp.py", ROOT / "tests" / "test_translations.py",
                 ROOT / "dryneedle_cli" / "content" / "build.py"):  # fmt: skip
        text = path.read_text()
        assert "hashlib" not in text and "sha256" not in text, path
        assert "def source_hash" not in text or "stamp_file(english)" in text, path


def test_restamp_migrates_only_a_translation_that_is_up_to_date(tmp_path, monkeypatch):
    from dryneedle_cli.content.stamp import stamp_file

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import restamp
    finally:
        sys.path.pop(0)
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    monkeypatch.setattr(restamp, "DATA", data)
    monkeypatch.setattr(restamp, "I18N", data / "i18n")
    f = data / "i18n" / "es" / "topics" / "visit.yaml"
    parts, whole = stamp_file(data / "topics" / "visit.yaml")
    old = re.sub(r"source_hash:\n(    .*\n)+", f"source_hash: {whole}\n", f.read_text())
    f.write_text(old)
    assert restamp.restamp(f, migrate=True) == ("migrated", True)
    import yaml

    assert yaml.safe_load(f.read_text())["translation"]["source_hash"] == parts
    stale = old.replace(whole, "0123456789abcdef")
    f.write_text(stale)
    done, ok = restamp.restamp(f, migrate=True)
    assert not ok and "stale" in done and f.read_text() == stale
    assert json.dumps(parts)  # plain data


@pytest.mark.parametrize("lang", LANGS)
def test_a_broken_translation_of_a_clinic_patch_never_sends_a_query_elsewhere(tmp_path, lang):
    """Hostile input: a clinic's translated patch whose values have the wrong type. Its search
    words are left out with a warning (the page stays translated); a text that cannot be used
    takes the page out, and a query for it still names it."""
    from dryneedle_cli.content.build import source_hash
    from dryneedle_cli.content.yamlfile import parse

    clinic = _patch(tmp_path, "add:\n  aliases: [crook neck]\n")
    target = clinic / "i18n" / lang / "conditions" / "neck-pain.patch.yaml"
    target.parent.mkdir(parents=True)
    head = (f"id: neck-pain\ntranslation: {{lang: {lang}, translator: A, reviser: null, "
            "date: 2026-12-01, source_hash: {x: y}}\n")  # fmt: skip
    target.write_text(head + "set:\n  aliases: 5\n")
    result = _build(Layer("clinic", clinic))
    assert any(w.file == str(target) and w.field == "set.aliases" for w in result.skipped)
    assert Query(result.translated[lang]).explain(NECK[lang][0]).lang == lang
    (clinic / "conditions" / "neck-pain.patch.yaml").write_text("id: neck-pain\n" + SUMMARY)
    digest = source_hash(parse(clinic / "conditions" / "neck-pain.patch.yaml"))
    target.write_text(head.replace("{x: y}", f'"{digest}"') + "set:\n  summary: [5]\n")
    kb = _build(Layer("clinic", clinic)).translated[lang]
    with pytest.raises(NotTranslated, match=r"\(neck-pain\)"):
        Query(kb).explain(NECK[lang][0])


def test_restamp_keeps_the_source_labels_in_step_with_the_english(tmp_path, monkeypatch):
    """A removed source's label is dropped; a source with no label yet is named (exit 1)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import restamp
    finally:
        sys.path.pop(0)
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    monkeypatch.setattr(restamp, "DATA", data)
    monkeypatch.setattr(restamp, "I18N", data / "i18n")
    english = data / "references.yaml"
    text = english.read_text()
    text = re.sub(r"(?m)^  - key: apta-2012\n(    .*\n)+", "", text)  # removed
    english.write_text(text.replace("key: kietrys-2013", "key: kietrys-2013b"))  # new key
    f = data / "i18n" / "es" / "references.yaml"
    done, ok = restamp.restamp(f, migrate=True)
    assert not ok and "kietrys-2013b (Kietrys et al. 2013)" in done
    kept = f.read_text()
    assert "key: apta-2012" not in kept and "key: kietrys-2013\n" not in kept  # both gone
    assert "key: dunning-2014\n" in kept
