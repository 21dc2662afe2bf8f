"""Spanish and French, loaded like a layer per language (dryneedle_cli/content/i18n.py).

What these guard: the built-in translations load complete (every page, label and area) and
mirror their English; a translation that does not mirror is an error naming its file and
field; a stale one is never used; a clinic's own i18n/ adds or corrects one; the choice of
language (--lang > DRYNEEDLE_LANG > profile > locale > English) and its strict rule; no page is
ever a mix of languages; lay names find every condition in each language; labels, dates, the
warning box, JSON and HTML follow the language; the cache keeps one file per language.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli import languages
from dryneedle_cli.cli import app
from dryneedle_cli.content import i18n, kinds
from dryneedle_cli.content.build import Layer, build
from dryneedle_cli.errors import NotFound, NotTranslated
from dryneedle_cli.query.pages import Query

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
LANGS = ("es", "fr")
runner = CliRunner()
# Words only English prose uses (as in test_translations.py), checked on whole rendered pages.
ENGLISH = {"the", "your", "with", "and", "you", "of", "this", "what", "may", "after", "before"}


def run(args, **env):
    return runner.invoke(app, args, env={"COLUMNS": "100", **env})


@pytest.fixture(scope="module")
def built():
    result = build([Layer("built-in", DATA, True)], strict=True, langs=LANGS)
    assert result.errors == [], result.errors[:3]
    return result


def _build(*layers, langs=LANGS, strict=False):
    return build([Layer("built-in", layers[0], True), *layers[1:]], strict=strict, langs=langs)


def _clinic(tmp_path) -> Path:
    folder = tmp_path / "riverside"
    (folder / "conditions").mkdir(parents=True)
    return folder


DESK = """\
id: desk-neck
reviewed_on: 2026-11-01
reviewed_by: Riverside Physiotherapy
references: [apta-2012]
name: Desk neck
clinical_name: Postural neck pain
aliases: [desk neck, computer neck]
icd10: [M54.2]
region: neck
summary: This page tells you about neck pain from desk work.
description: {refs: [apta-2012], text: Long hours at a desk can make your neck sore.}
how_it_may_help: {refs: [apta-2012], text: The needle aims at tight spots.}
risks: {refs: [apta-2012], text: Mild soreness is common.}
evidence: {strength: limited, refs: [apta-2012], text: There is little research.}
related: [neck-pain]
"""
DESK_ES = """\
id: desk-neck
translation:
  lang: es
  translator: Ana Pérez (Riverside)
  reviser: null
  date: 2026-11-20
  source_hash: "{hash}"
reviewed_on: 2026-11-01
reviewed_by: Riverside Physiotherapy
references: [apta-2012]
name: Cuello de escritorio
clinical_name: Dolor de cuello postural
aliases: [cuello de oficina]
icd10: [M54.2]
region: neck
summary: Esta página habla del dolor de cuello por trabajar en un escritorio.
description: {refs: [apta-2012], text: Muchas horas en un escritorio pueden causar dolor.}
how_it_may_help: {refs: [apta-2012], text: La aguja se dirige a los puntos tensos.}
risks: {refs: [apta-2012], text: Es común sentir un poco de dolor.}
evidence: {strength: limited, refs: [apta-2012], text: Hay pocos estudios.}
related: [neck-pain]
"""


def _desk(folder: Path, translated: bool = False, related: str = "neck-pain") -> str:
    from dryneedle_cli.content.build import source_hash
    from dryneedle_cli.content.yamlfile import parse

    (folder / "conditions" / "desk-neck.yaml").write_text(DESK.replace("neck-pain]", related + "]"))
    digest = source_hash(parse(folder / "conditions" / "desk-neck.yaml"))
    if translated:
        target = folder / "i18n" / "es" / "conditions" / "desk-neck.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(DESK_ES.replace("{hash}", digest).replace("neck-pain]", related + "]"))
    return digest


# --------------------------------------------------------------------------- loading


@pytest.mark.parametrize("lang", LANGS)
def test_every_built_in_page_label_and_area_is_translated(built, lang):
    """Completeness: nothing of the built-in files is left untranslated in either language."""
    kb = built.translated[lang]
    assert kb.lang == lang
    assert dict(kb.untranslated) == {}


@pytest.mark.parametrize("lang", LANGS)
def test_every_patient_facing_field_has_its_translation(built, lang):
    """Field by field, every text a patient reads has a non-empty translation in its place, and
    every other value is the English one; the list of what is missing is empty."""
    english, kb = built.kb, built.translated[lang]
    missing = []
    for kind in kinds.KINDS:
        if not kind.translated or kind.merge is kinds.Merge.LABELS:
            continue
        en_items, tr_items = getattr(english, kind.kb), getattr(kb, kind.kb)
        if kind.one:
            en_items, tr_items = {"": en_items}, {"": tr_items}
        for ident in en_items:
            # a source's label may be the same in every language ("Kietrys et al. 2013")
            if tr_items[ident] == en_items[ident] and kind.name != "reference":
                missing.append(f"{kind.name}:{ident}: the English itself")
            for at, problem in i18n.mirror(
                i18n._data(en_items[ident]), i18n._data(tr_items[ident]), kind
            ):
                missing.append(f"{kind.name}:{ident}{at[1:]}: {problem}")
    for group in ("labels", "defaults"):
        en, tr = getattr(english.labels, group), getattr(kb.labels, group)
        for label, text in en.items():
            if re.search(r"[^\W\d_]", text) and not (tr.get(label) or "").strip():
                missing.append(f"labels.{group}.{label}")
    assert not missing, missing


def test_completeness_lists_each_missing_field(tmp_path):
    """A translation with fields taken out: one error naming every missing field (file, line)."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    f = data / "i18n" / "es" / "conditions" / "tmd.yaml"
    text = f.read_text()
    text = re.sub(r"(?m)^summary:.*\n", "", text)
    text = re.sub(r"(?m)^clinical_name:.*\n", "", text)
    f.write_text(text)
    result = _build(data, langs=("es",), strict=True)
    found = [e for e in result.errors if e.file == str(f)]
    fields = sorted({p.field for e in found for p in (e, *e.also)})
    assert fields == ["clinical_name", "summary"], [str(e) for e in found]
    assert "es" not in result.translated  # a broken built-in translation stops the language


def test_a_translation_that_does_not_mirror_its_english_names_file_and_field(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    f = data / "i18n" / "fr" / "conditions" / "neck-pain.yaml"
    f.write_text(f.read_text().replace("refs: [kietrys-2013, mejuto-2014]", "refs: [apta-2012]"))
    result = _build(data, langs=("fr",), strict=True)
    err = next(e for e in result.errors if e.file == str(f))
    assert err.field == "description.refs" and err.line is not None
    assert "does not match the English: has 1 entry where the English has 2" in err.detail
    monkeypatch.setenv("DRYNEEDLE_DATA_DIR", str(data))
    result = run(["explain", "neck", "--lang", "fr"])  # a run in French stops: exit 3
    assert result.exit_code == 3 and "(field 'description.refs')" in result.stderr
    assert run(["explain", "neck"]).exit_code == 0  # English never reads the translations


@pytest.mark.parametrize(
    "old,new,problem",
    [
        ("Dolor de cuello\n", "Neck pain {clinic}\n", "placeholders"),
        ("icd10: [M54.2]", "icd10: [M54.3]", "M54.3"),
        ("strength: low", "strength: moderate", "'moderate'"),
    ],
)
def test_mirror_problems(tmp_path, old, new, problem):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    f = data / "i18n" / "es" / "conditions" / "neck-pain.yaml"
    assert old in f.read_text()
    f.write_text(f.read_text().replace(old, new, 1))
    result = _build(data, langs=("es",), strict=True)
    assert any(e.file == str(f) and problem in e.detail for e in result.errors), result.errors


def test_a_stale_translation_is_never_used_and_validate_says_so(data_copy):
    """Stale part by part: a changed summary takes the page out of each language, naming the
    part (a changed code alone does not: see test_lang_rules.py)."""
    english = data_copy / "conditions" / "tennis-elbow.yaml"
    text = english.read_text()
    english.write_text(re.sub(r"(?m)^summary: .*$", "summary: A new summary.", text, count=1))
    result = _build(data_copy, strict=True)
    for lang in LANGS:
        reason = result.translated[lang].untranslated["condition:tennis-elbow"]
        assert "stale in 'summary'" in reason and "update it and its source_hash" in reason
        with pytest.raises(NotTranslated, match="stale"):
            Query(result.translated[lang]).explain("tennis elbow")
    stale = [w for w in result.warnings if "stale" in w.detail]
    assert {Path(w.file).parts[-3] for w in stale} == set(LANGS)
    assert all(w.field == "translation.source_hash" for w in stale)


# --------------------------------------------------------------------------- a clinic


def test_a_clinic_adds_a_translation_of_its_own_page(tmp_path):
    clinic = _clinic(tmp_path)
    _desk(clinic)
    laptop = DESK.replace("desk-neck", "laptop-neck").replace("Desk neck", "Laptop neck")
    laptop = laptop.replace("desk neck, computer neck", "laptop neck")
    (clinic / "conditions" / "laptop-neck.yaml").write_text(laptop)  # never translated
    result = _build(DATA, Layer("riverside", clinic))
    es = result.translated["es"]
    assert "no translation of" in es.untranslated["condition:desk-neck"]
    assert (
        str(clinic / "i18n" / "es" / "conditions" / "desk-neck.yaml")
        in (es.untranslated["condition:desk-neck"])
    )
    _desk(clinic, translated=True, related="neck-pain, laptop-neck")
    es = _build(DATA, Layer("riverside", clinic)).translated["es"]
    assert "condition:desk-neck" not in es.untranslated
    q = Query(es)
    page = q.explain("cuello de oficina")
    assert page.title == "Cuello de escritorio" and page.lang == "es"
    assert q.explain("desk neck").id == "desk-neck"  # English names find it too
    # "See also" names only what exists in Spanish: not the untranslated laptop-neck
    assert page.related == ("Dolor de cuello",)
    assert [v for k, v in page.facts if k == "Vea también"] == ["Dolor de cuello (neck-pain)"]


def test_a_clinic_corrects_a_built_in_translation(tmp_path):
    clinic = _clinic(tmp_path)
    mine = clinic / "i18n" / "es" / "conditions" / "neck-pain.yaml"
    mine.parent.mkdir(parents=True)
    text = (DATA / "i18n" / "es" / "conditions" / "neck-pain.yaml").read_text()
    mine.write_text(text.replace("name: Dolor de cuello", "name: Dolor en el cuello"))
    es = _build(DATA, Layer("riverside", clinic)).translated["es"]
    assert Query(es).explain("neck").title == "Dolor en el cuello"
    assert any(str(mine) in line for line in es.provenance["neck-pain"])
    # broken (a code changed): left out with a warning; the built-in translation is used again
    mine.write_text(text.replace("region: neck", "region: elbow"))
    result = _build(DATA, Layer("riverside", clinic))
    assert Query(result.translated["es"]).explain("neck").title == "Dolor de cuello"
    assert any(w.file == str(mine) and w.field == "region" for w in result.skipped)
    # stale (made from other English): not used, and validate says so
    mine.write_text(re.sub(r"source_hash:\n(    .*\n)+", "source_hash: 0123abcd\n", text))
    result = _build(DATA, Layer("riverside", clinic), strict=True)
    assert Query(result.translated["es"]).explain("neck").title == "Dolor de cuello"
    assert any(w.file == str(mine) and "stale" in w.detail for w in result.warnings)


def test_a_clinic_glossary_and_its_translation(tmp_path):
    """A clinic's glossary.yaml adds a term; its translation translates that file, and is not
    taken for a stale translation of the built-in glossary (the same name)."""
    from dryneedle_cli.content.build import source_hash
    from dryneedle_cli.content.yamlfile import parse

    clinic = _clinic(tmp_path)
    head = "id: glossary\nreviewed_on: 2026-11-01\nreviewed_by: R\nreferences: [apta-2012]\n"
    (clinic / "glossary.yaml").write_text(
        head + "terms:\n  - {id: cupping, term: Cupping, definition: Cups on the skin., "
        "refs: [apta-2012]}\n"
    )
    digest = source_hash(parse(clinic / "glossary.yaml"))
    mine = clinic / "i18n" / "es" / "glossary.yaml"
    mine.parent.mkdir(parents=True)
    block = "translation: {lang: es, translator: A, reviser: null, date: 2026-11-01, "
    mine.write_text(
        head + block + f'source_hash: "{digest}"}}\nterms:\n  - {{id: cupping, term: Ventosas, '
        "definition: Copas sobre la piel., refs: [apta-2012]}\n"
    )
    result = _build(DATA, Layer("riverside", clinic), langs=("es",), strict=True)
    assert result.errors == [] and not [w for w in result.warnings if "stale" in w.detail]
    es = result.translated["es"]
    assert dict(es.untranslated) == {}
    assert Query(es).explain("ventosas").title == "Ventosas"
    assert Query(es).explain("pneumothorax").lang == "es"  # built-in terms still translated
    mine.write_text(mine.read_text().replace("id: cupping, term", "id: cuping, term"))
    result = _build(DATA, Layer("riverside", clinic), langs=("es",), strict=True)
    assert any("glossary term 'cuping' is not in the English file" in e.detail
               for e in result.errors)  # fmt: skip


def test_a_clinic_patch_needs_its_translation(tmp_path):
    clinic = _clinic(tmp_path)
    (clinic / "conditions" / "neck-pain.patch.yaml").write_text(
        "id: neck-pain\nset:\n  summary: This page is Riverside's guide to neck pain.\n"
    )
    es = _build(DATA, Layer("riverside", clinic)).translated["es"]
    assert "neck-pain.patch.yaml" in es.untranslated["condition:neck-pain"]
    from dryneedle_cli.content.build import source_hash
    from dryneedle_cli.content.yamlfile import parse

    digest = source_hash(parse(clinic / "conditions" / "neck-pain.patch.yaml"))
    patch = clinic / "i18n" / "es" / "conditions" / "neck-pain.patch.yaml"
    patch.parent.mkdir(parents=True)
    patch.write_text(
        "id: neck-pain\ntranslation: {lang: es, translator: Ana, reviser: Luis, date: 2026-11-20, "
        f'source_hash: "{digest}"}}\nset:\n  summary: Esta página es la guía de Riverside.\n'
    )
    es = _build(DATA, Layer("riverside", clinic)).translated["es"]
    page = Query(es).explain("dolor de cuello")
    assert page.summary == "Esta página es la guía de Riverside."
    assert page.title == "Dolor de cuello"


def test_clinic_labels_need_a_translation_unless_they_have_no_words(tmp_path):
    clinic = _clinic(tmp_path)
    labels = clinic / "labels.yaml"
    head = "id: labels\nreviewed_on: 2026-11-01\nreviewed_by: Riverside\n"
    labels.write_text(head + 'defaults: {emergency_number: "000"}\n')
    es = _build(DATA, Layer("riverside", clinic)).translated["es"]
    assert dict(es.untranslated) == {}
    warning = Query(es).sheet("aftercare", []).sections[0]
    assert warning.style == "warning" and "Llame al 000 de inmediato" in warning.text
    labels.write_text(head + "labels: {sources: Evidence}\n")
    es = _build(DATA, Layer("riverside", clinic)).translated["es"]
    assert "labels.sources" in es.untranslated["labels:labels"]
    with pytest.raises(NotTranslated, match="labels.sources"):
        Query(es).explain("neck")


def test_a_new_kind_is_translated_the_same_way(monkeypatch, tmp_path):
    """A kind that lists its text fields gets translations with no other change."""
    from dryneedle_cli.model import Condition

    extra = kinds.Kind("case-study", Condition, kinds.Merge.REPLACE, "case_studies",
                       folder="case-studies", ids="documents", checks=("document",),
                       pages=True, text=kinds.PAGE_TEXT, words=kinds.SEARCH_WORDS)  # fmt: skip
    monkeypatch.setattr(kinds, "KINDS", (*kinds.KINDS, extra))
    monkeypatch.setattr(kinds, "BY_NAME", {k.name: k for k in kinds.KINDS})
    clinic = tmp_path / "clinic"
    (clinic / "case-studies").mkdir(parents=True)
    english = clinic / "case-studies" / "desk-neck.yaml"
    english.write_text(DESK.replace("related: [neck-pain]\n", ""))
    from dryneedle_cli.content.build import source_hash
    from dryneedle_cli.content.yamlfile import parse

    target = clinic / "i18n" / "es" / "case-studies" / "desk-neck.yaml"
    target.parent.mkdir(parents=True)
    digest = source_hash(parse(english))
    target.write_text(DESK_ES.replace("{hash}", digest).replace("related: [neck-pain]\n", ""))
    result = _build(DATA, Layer("clinic", clinic), langs=("es",), strict=True)
    assert result.errors == []
    es = result.translated["es"]
    assert es.case_studies["desk-neck"].name == "Cuello de escritorio"
    assert "case-study:desk-neck" not in es.untranslated
    target.write_text(target.read_text().replace("icd10: [M54.2]", "icd10: [M54.9]"))
    result = _build(DATA, Layer("clinic", clinic), langs=("es",), strict=True)
    assert any(e.file == str(target) and e.field == "icd10[0]" for e in result.errors)


# --------------------------------------------------------------------------- choosing


@pytest.mark.parametrize(
    "environ,expected",
    [
        ({"LANG": "es_MX.UTF-8"}, ["es"]),
        ({"LC_ALL": "fr_CA.UTF-8", "LANG": "es_MX.UTF-8"}, ["fr"]),
        ({"LC_MESSAGES": "fr_FR@euro", "LANG": "es_MX.UTF-8"}, ["fr"]),
        ({"LANG": "C"}, []),
        ({"LANG": "POSIX", "LANGUAGE": "es"}, []),  # gettext ignores LANGUAGE under C
        ({"LANG": "C.UTF-8"}, []),
        ({}, []),
        ({"LANG": "de_DE.UTF-8", "LANGUAGE": "pt_BR:fr:en"}, ["pt", "fr", "en", "de"]),
    ],
)
def test_the_locale(environ, expected):
    assert languages.from_locale(environ) == expected


def _choose(flag=None, profile=None, **environ):
    return languages.choose(flag, profile, environ, lambda: ["en", "es", "fr"])


def test_the_order_of_choice():
    assert _choose("es", "fr", DRYNEEDLE_LANG="fr", LANG="fr_FR") == ("es", True, "--lang")
    assert _choose(None, "fr", DRYNEEDLE_LANG="es") == ("es", True, "DRYNEEDLE_LANG")
    assert _choose(None, "fr-CA", LANG="es_MX.UTF-8") == ("fr", False, "the clinic profile")
    assert _choose(None, "de", LANG="es_MX.UTF-8") == ("es", False, "the locale")
    assert _choose(LANG="pt_BR.UTF-8") == languages.ENGLISH
    assert _choose("EN") == ("en", True, "--lang")
    assert _choose(None, None, DRYNEEDLE_LANG="  ") == languages.ENGLISH  # empty: unset
    for bad in ("de", "xx-YY", "español", ""):
        with pytest.raises(ValueError, match="choose one of en, es, fr"):
            _choose(bad)
    with pytest.raises(ValueError, match="DRYNEEDLE_LANG"):
        _choose(DRYNEEDLE_LANG="de")


def test_english_needs_no_list_of_languages():
    """The usual run (nothing asks for another language) does not look for i18n folders."""

    def nobody():
        raise AssertionError("listed the languages")

    assert languages.choose(None, None, {"LANG": "en_US.UTF-8"}, nobody).code == "en"
    assert languages.choose("en", "en", {}, nobody).code == "en"


CONTENT = [
    ["explain", "neck"],
    ["explain"],
    ["prepare", "--area", "cuello"],
    ["aftercare", "--area", "neck"],
    ["conditions", "codo"],
    ["evidence", "neck"],
    ["paths", "neck"],
]


@pytest.mark.parametrize("args", CONTENT, ids=lambda a: " ".join(a))
def test_lang_on_every_content_command(args):
    result = run([*args, "--lang", "es", *([] if args[0] == "paths" else ["--json"])])
    assert result.exit_code == 0, result.output
    if args[0] == "paths":
        assert "translated (es) by built-in" in result.stdout
        return
    doc = json.loads(result.stdout)
    assert doc["lang"] == "es"
    bad = run([*args, "--lang", "de"])
    assert bad.exit_code == 2 and bad.stdout == ""
    assert "--lang 'de': no text in that language; choose one of en, es, fr" in bad.stderr


def test_sheet_and_batch_take_lang(tmp_path):
    out = tmp_path / "a.html"
    result = run(["sheet", "aftercare", "--area", "neck", "-o", str(out), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert '<html lang="fr">' in html and "Urgence\u00a0: appelez tout de suite" in html
    csv = tmp_path / "day.csv"
    csv.write_text("patient,areas,format\nAnn Lee,neck,txt\nBo Li,cuello,txt\n")
    result = run(["sheet", "aftercare", "--batch", str(csv), "--out-dir", str(tmp_path / "d"),
                  "--lang", "es"])  # fmt: skip
    assert result.exit_code == 0, result.output
    texts = [p.read_text() for p in sorted((tmp_path / "d").iterdir())]
    assert len(texts) == 2 and all("Busque ayuda urgente ahora" in t for t in texts)


def test_profile_language_and_its_note(tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text("name: Riverside\nphone: 555 0100\nlanguage: fr-CA\n")
    result = run(["explain", "neck", "--clinic", str(profile)])
    assert result.exit_code == 0 and result.stdout.startswith("Douleur au cou\n")
    assert run(["explain", "neck", "--clinic", str(profile), "--lang", "en"]).stdout.startswith(
        "Neck pain"
    )
    profile.write_text("name: Riverside\nphone: 555 0100\nlanguage: de\n")
    result = run(["explain", "neck", "--clinic", str(profile)])
    assert result.exit_code == 0 and result.stdout.startswith("Neck pain\n")
    assert "the clinic profile's language 'de' has no text here" in result.stderr


def test_clinic_check_names_a_language_that_does_not_ship(tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text("name: Riverside\nphone: 555 0100\nlanguage: de\n")
    result = run(["clinic", "check", "--clinic", str(profile)])
    assert result.exit_code == 3
    assert "language 'de' has no text here; use one of en, es, fr" in result.stderr
    profile.write_text("name: Riverside\nphone: 555 0100\nlanguage: es-MX\n")
    assert run(["clinic", "check", "--clinic", str(profile)]).exit_code == 0


def test_strict_languages_never_show_english_instead(tmp_path):
    clinic = _clinic(tmp_path)
    _desk(clinic)
    for env in ({}, {"DRYNEEDLE_LANG": "es"}):
        args = ["--content-dir", str(clinic), "explain", "desk", "neck"]
        result = run(args + ([] if env else ["--lang", "es"]), **env)
        assert result.exit_code == 1 and result.stdout == ""
        assert "Desk neck (desk-neck) is not translated into Spanish (es)" in result.stderr
        assert "i18n/es/conditions/desk-neck.yaml" in result.stderr  # the fix
        assert "--lang en" in result.stderr


def test_a_language_from_the_locale_falls_back_to_english_whole(tmp_path):
    clinic = _clinic(tmp_path)
    _desk(clinic)
    args = ["--content-dir", str(clinic), "explain", "desk", "neck"]
    result = run(args, LANG="es_MX.UTF-8")
    assert result.exit_code == 0
    assert result.stdout.startswith("Desk neck\n=========\n")
    assert "Sources:" in result.stdout and "Fuentes" not in result.stdout  # labels too
    assert "Before your visit, for this area" in result.stdout  # area notes from English sheets
    notes = [line for line in result.stderr.splitlines() if "note:" in line]
    assert len(notes) == 1 and "not in Spanish (es) yet" in notes[0]
    assert "shown in English" in notes[0]
    spanish = run(["--content-dir", str(clinic), "explain", "neck"], LANG="es_MX.UTF-8")
    assert spanish.stdout.startswith("Dolor de cuello") and spanish.stderr == ""
    # an untranslated page is left out of "See also" rather than named in English
    assert "Desk" not in spanish.stdout


def test_a_sheet_falls_back_whole_with_its_labels_and_date(tmp_path):
    """A clinic's own aftercare sheet with no translation, with a Spanish locale: the sheet is
    all English, its footer, emergency line, labels and date too (the handout speaks the
    page's language)."""
    clinic = tmp_path / "riverside"
    (clinic / "sheets").mkdir(parents=True)
    text = (DATA / "sheets" / "aftercare.yaml").read_text()
    (clinic / "sheets" / "aftercare.yaml").write_text(text.replace("Get help now", "Get help"))
    args = ["--content-dir", str(clinic), "sheet", "aftercare", "-f", "txt", "-o", "-",
            "--date", "2026-11-23", "--area", "cuello"]  # fmt: skip
    result = run(args, LANG="es_MX.UTF-8")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Get help" in out and "In an emergency, call" in out and "23 November 2026" in out
    assert "Areas treated: Neck" in out
    assert not {"Fuentes", "Llame", "noviembre", "Cuello", "emergencia"} & set(
        re.findall(r"\w+", out)
    )
    assert "not in Spanish (es) yet" in result.stderr
    assert run(args, DRYNEEDLE_LANG="es").exit_code == 1


def test_the_list_leaves_out_what_is_not_translated(tmp_path):
    clinic = _clinic(tmp_path)
    _desk(clinic)
    result = run(["--content-dir", str(clinic), "conditions", "--lang", "es"])
    assert result.exit_code == 0 and "desk-neck" not in result.stdout
    assert "neck-pain\tDolor de cuello" in result.stdout
    assert "not listed: Desk neck (desk-neck)" in result.stderr
    result = run(["--content-dir", str(clinic), "conditions", "desk", "--lang", "es"])
    assert result.exit_code == 1 and "is not translated into Spanish" in result.stderr


# --------------------------------------------------------------------------- never mixed


def _prose(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)}


@pytest.mark.parametrize("lang", LANGS)
def test_no_english_on_any_page(built, lang):
    """Every page a patient may see, as plain text without its citations, in each language:
    none of the words only English uses."""
    from dryneedle_cli.checks.readability import patient_pages
    from dryneedle_cli.render import plain

    q = Query(built.translated[lang])
    leaks = {}
    for name, page in patient_pages(q):
        text = plain.page(page, clinician=False)
        text = text.split(f"\n{page.labels['references']}\n")[0]  # citations stay as published
        lines = [ln for ln in text.splitlines() if not ln.startswith(page.labels["sources"])]
        lines = [re.sub(r"\([a-z0-9-]+\)", "", ln) for ln in lines]  # ids, for the clinician
        found = _prose("\n".join(lines)) & ENGLISH
        if found:
            leaks[name] = sorted(found)
    assert not leaks, leaks


def test_the_english_check_can_fail(built):
    from dryneedle_cli.render import plain

    page = Query(built.kb).explain("neck")
    assert _prose(plain.page(page)) & ENGLISH


@pytest.mark.parametrize("lang", LANGS)
def test_rendered_pages_pass_the_reading_gates(built, lang):
    """The language's own formulas on each page as a patient reads it (never the English
    grade); tools/reading_ease.py --table prints the same numbers."""
    from dryneedle_cli.checks.readability import page_text, patient_pages
    from dryneedle_cli.content.reading_ease import failures

    q = Query(built.translated[lang])
    low = {name: failures(page_text(page), lang) for name, page in patient_pages(q)}
    assert {k: v for k, v in low.items() if v} == {}


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize("lang", LANGS)
def test_each_condition_is_found_by_two_lay_names(built, lang):
    """Every condition, in each language, from at least two of its own names (its name and
    aliases in that language, not its id or clinical name), each found exactly."""
    q = Query(built.translated[lang])
    english = {n.casefold() for c in built.kb.conditions.values() for n in (c.name, *c.aliases)}
    short = {}
    for cid, c in q.kb.conditions.items():
        names = [n for n in (c.name, *c.aliases) if n.casefold() not in english]
        found = [n for n in names if q.matches(n).targets == (("condition", cid),)]
        if len(found) < 2:
            short[cid] = found
    assert len(q.kb.conditions) == 22 and not short, short


@pytest.mark.parametrize(
    "lang,words,expected",
    [
        ("es", "dolor de cuello", "neck-pain"),
        ("es", "DOLOR DE CUELLO", "neck-pain"),
        ("es", "codo de tenista", "tennis-elbow"),
        ("es", "codo de TENISTA!", "tennis-elbow"),
        ("es", "tortícolis", "neck-pain"),
        ("es", "torticolis", "neck-pain"),
        ("es", "mandibula", "tmd"),
        ("es", "neck", "neck-pain"),  # English names and ids find the page in every language
        ("es", "stiff neck", "neck-pain"),
        ("fr", "outer elbow pain", "tennis-elbow"),
        ("es", "M77.1", "tennis-elbow"),
        ("fr", "douleur au cou", "neck-pain"),
        ("fr", "mal de dos", "low-back-pain"),
        ("fr", "épaule", "shoulder-pain"),
        ("fr", "epaule", "shoulder-pain"),
        ("fr", "douleur a l'epaule", "shoulder-pain"),
        ("fr", "noeuds musculaires", "trigger-points"),
        ("fr", "tennis elbow", "tennis-elbow"),
    ],
)
def test_lay_names_accents_and_case(built, lang, words, expected):
    page = Query(built.translated[lang]).explain(words)
    assert page.id == expected and page.lang == lang


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("No sé.", "not-sure"),
        ("no se", "not-sure"),
        ("Quizás", "not-sure"),
        ("tal vez", "not-sure"),
        ("No estoy segura.", "not-sure"),
        ("Sí.", "yes"),
        ("si", "yes"),
        ("No.", "no"),
    ],
)
def test_spanish_typed_replies_with_a_full_stop_or_a_maybe(built, typed, expected):
    """What a Spanish patient types at the screening prompt: a final full stop or "quizás"
    (maybe) is an answer, never re-asked; a maybe is "not sure", never a yes or a no."""
    from dryneedle_cli.model import reply_key

    assert Query(built.translated["es"]).replies().get(reply_key(typed)) == expected


def test_a_shared_name_lists_the_pages_as_in_english():
    result = run(["explain", "dos", "--lang", "fr"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "'dos' fits" in result.stderr
    assert "Douleur au bas du dos (low-back-pain)" in result.stderr
    assert "Tension dans le haut du dos et les épaules (upper-back-pain)" in result.stderr
    result = run(["aftercare", "--area", "espalda", "--lang", "es"])
    assert result.exit_code == 2 and "could mean" in result.stderr
    result = run(["aftercare", "--area", "back", "--lang", "es"])  # English words too
    assert result.exit_code == 2 and "could mean" in result.stderr
    result = run(["aftercare", "--area", "rib cage", "--lang", "es", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["areas"] == ["chest"]


def test_search_in_one_language_does_not_leak_into_another(built):
    with pytest.raises(NotFound):  # NotFound
        Query(built.kb).explain("douleur au cou")
    with pytest.raises(NotFound):
        Query(built.translated["es"]).find("douleur au cou")


# --------------------------------------------------------------------------- around the words


@pytest.mark.parametrize(
    "lang,expected",
    [
        ("en", ("23 November 2026", "1 December 2026")),
        ("es", ("23 de noviembre de 2026", "1 de diciembre de 2026")),
        ("fr", ("23 novembre 2026", "1er décembre 2026")),
    ],
)
def test_dates_in_the_language(built, lang, expected):
    q = Query(built.kb if lang == "en" else built.translated[lang])
    assert (q.date("2026-11-23"), q.date("2026-12-01")) == expected
    assert q.date("Tuesday") == "Tuesday" and q.date("2026-13-01") == "2026-13-01"


@pytest.mark.parametrize("lang", LANGS)
def test_labels_warning_box_and_areas_follow_the_language(built, lang):
    q = Query(built.translated[lang])
    page = q.sheet("aftercare", ["neck"])
    assert page.lang == lang and page.labels == q.labels
    assert page.labels["sources"] == {"es": "Fuentes", "fr": "Sources"}[lang]
    warning = page.sections[0]
    assert warning.style == "warning"
    assert ("número de emergencias de su país" if lang == "es" else "numéro d'urgence") in (
        warning.text
    )
    assert page.facts[0][1] == {"es": "Cuello", "fr": "Cou"}[lang]


def test_json_and_html_carry_the_language():
    for args in (["explain", "neck"], ["conditions"], ["evidence"], ["aftercare"]):
        assert json.loads(run([*args, "--json"]).stdout)["lang"] == "en"
        assert json.loads(run([*args, "--json", "--lang", "fr"]).stdout)["lang"] == "fr"
    result = run(["sheet", "prepare", "-f", "html", "-o", "-", "--lang", "es"])
    assert result.stdout.startswith('<!DOCTYPE html>\n<html lang="es">')


def test_pdf_declares_its_language(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "s.pdf"
    assert run(["sheet", "aftercare", "-o", str(out), "--lang", "es"]).exit_code == 0
    assert PdfReader(out).trailer["/Root"]["/Lang"] == "es"


def test_error_messages_stay_english():
    result = run(["explain", "nekc", "--lang", "es"])
    assert result.exit_code == 1 and "nothing found for 'nekc'" in result.stderr


# --------------------------------------------------------------------------- validate, listing


def test_validate_lists_what_is_not_translated_per_language(tmp_path):
    clinic = _clinic(tmp_path)
    _desk(clinic, translated=True)
    result = run(["--content-dir", str(clinic), "validate", str(clinic), "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    untranslated = [w["message"] for w in doc["warnings"] if "not translated into" in w["message"]]
    assert len(untranslated) == 1 and untranslated[0].startswith("not translated into French")
    assert "i18n/fr/conditions/desk-neck.yaml" in untranslated[0]
    assert "source_hash" in untranslated[0]


def test_translations_lists_the_review_trail(tmp_path):
    result = run(["translations", "--json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    files = doc["translations"]
    shipped = sorted((DATA / "i18n" / "es").rglob("*.yaml"))
    assert len(shipped) >= 44  # 42 pages, labels and areas, and the two forms
    assert len(files) == 2 * len(shipped) and doc["untranslated"] == []
    assert all(f["status"] == "draft, awaiting review" and f["reviser"] is None for f in files)
    n = len(shipped)
    assert f"es: {n} translation files, 0 reviewed, {n} draft, awaiting review" in result.stderr
    clinic = _clinic(tmp_path)
    _desk(clinic, translated=True)
    result = run(["--content-dir", str(clinic), "translations", "--lang", "fr"])
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("fr\tuntranslated\tcondition:desk-neck\tno translation of")
    assert all(line.startswith("fr\t") for line in lines)


def test_the_review_status_is_never_on_a_patient_page():
    sheet = ["sheet", "aftercare", "-f", "txt", "-o", "-"]
    for args in (["explain", "neck"], ["aftercare"], sheet):
        out = run([*args, "--lang", "es"]).stdout
        assert "AI-assisted" not in out and "awaiting review" not in out and "translat" not in out


# --------------------------------------------------------------------------- the cache


def test_one_cache_file_per_language_and_english_never_reads_translations(tmp_path, monkeypatch):
    from dryneedle_cli.content import cache

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    monkeypatch.setenv("DRYNEEDLE_DATA_DIR", str(data))
    folder = tmp_path / "cache"
    assert cache.load(None, folder, "es").lang == "es"
    assert cache.load(None, folder).lang == "en"
    assert len(list(folder.glob("kb-*-es.msgpack"))) == 1
    assert len(list(folder.glob("kb-*.msgpack"))) == 2
    f = data / "i18n" / "es" / "topics" / "visit.yaml"
    f.write_text(re.sub(r"(?m)^title: ", "title: Mi ", f.read_text(), count=1))
    assert cache.load(None, folder, "es").topics["visit"].title.startswith("Mi ")
    # English is not rebuilt for a change in a translation: its fingerprint does not list them
    assert cache.fingerprint(cache.layers(None)) == cache.fingerprint(cache.layers(None))
    before = cache.fingerprint(cache.layers(None))
    f.write_text(f.read_text() + "\n")
    assert cache.fingerprint(cache.layers(None)) == before
    assert cache.fingerprint(cache.layers(None), "es") != before


def test_an_english_run_imports_no_translation_code():
    """Even a cold English build (no cache) never imports the translation code."""
    code = (
        "import sys\n"
        "from dryneedle_cli.content import cache\n"
        "kb = cache.load(None, None)\n"
        "print('dryneedle_cli.content.i18n' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


# The French emergency sentence reads "Appelez le 15 / le 112 / le 911" with a clinic's number
# and "Appelez le numéro d'urgence de votre pays (…)" with none (translation review 3, M1, FR-F1).
FR_EMERGENCY_PAGES = [
    ["aftercare", "--area", "neck"],
    ["explain", "warning-signs"],
    ["explain", "low-back-pain"],
    ["explain", "sciatica"],
]


@pytest.mark.parametrize("number", ["15", "112", "144", "911", None])
@pytest.mark.parametrize("page", FR_EMERGENCY_PAGES, ids=lambda p: p[-1])
def test_the_french_emergency_sentence_reads_with_any_number(page, number, tmp_path):
    env = {"COLUMNS": "1000", "XDG_CONFIG_HOME": str(tmp_path)}
    args = [*page, "--lang", "fr", "--plain"]
    if number:
        profile = tmp_path / "clinic.yaml"
        profile.write_text(f'name: "Clinique"\nphone: "01 23"\nemergency_number: "{number}"\n')
        args.append(f"--clinic={profile}")
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    said = number or "numéro d'urgence de votre pays (15 ou 112 en France"
    assert f"Appelez le {said}" in text
    bare = re.findall(r"[Aa]ppelez (?:\d|numéro|le (?:le|la|l')\b)\S*", text)
    assert bare == [], bare
