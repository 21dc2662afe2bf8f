"""The screening questions and the consent form in the patient's language (issues 13 and 14).

What these guard: ``screen --lang``, ``sheet screening|consent`` (and ``--batch``) in the chosen
language with every word around the form (labels, dates, footer) in it too; an explicit
language without the form is exit 1 with the fix, never an English form under Spanish labels;
a language from the locale or the clinic profile falls back to the whole form in English with a
note; typed answers take the language's reply words; JSON carries ``lang``; the code printed on
a form is the hash the chart note writes for it (one definition: ``Query.form_hash``); the
reading-ease table measures the forms; tools/sheet_pictures.py keeps the forms' pictures.

The built-in Spanish and French forms are written by translators: these tests make their own
small translation in a clinic folder (``i18n/es/screening.yaml``), and a clinic patch with no
translation for a form that is certainly not translated.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import re
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.cli.commands import screening as screen_cmd
from dryneedle_cli.content.build import source_hash
from dryneedle_cli.content.kinds import FORM_TEXT, FORM_WORDS
from dryneedle_cli.content.yamlfile import parse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
runner = CliRunner()

SCREEN_WORDS_ES = {
    "answer_yes": "Sí",
    "answer_no": "No",
    "answer_not_sure": "No estoy seguro",
    "reply_hint": "Escriba s para sí, n para no, o ? si no está seguro.",
    "reply_again": "Por favor, escriba s, n o ?.",
    "replies_yes": ["s", "sí", "si"],
    "replies_no": ["n", "no"],
    "replies_not_sure": ["?", "no sé", "no estoy seguro"],
    "result_title": "Respuestas de la evaluación",
    "result_summary": "Su profesional debe revisar estas respuestas.",
    "contraindication": "Algunas fuentes dicen que esto descarta la punción seca",
    "relative_contraindication": "Algunas fuentes la llaman contraindicación relativa",
    "precaution": "Algunas fuentes piden cuidado",
    "ask_only": "Las fuentes la mencionan sin clase",
    "short_contraindication": "la descarta",
    "short_site_or_mode_only": "solo algunos sitios",
    "short_relative_contraindication": "relativa",
    "short_precaution": "cuidado",
    "short_ask_only": "mencionada",
    "answer": "Respuesta",
    "discuss": "Para hablar",
    "not_answered": "Sin respuesta",
    "nothing_flagged": "Ninguna respuesta de esta lista necesita seguimiento.",
    "closing": "Usted y su profesional deciden juntos.",
    "form_name": "Su nombre",
    "form_date": "Fecha",
    "form_signature": "Su firma",
    "form_anything_else": "¿Hay algo más que su profesional deba saber?",
    "form_checked_by": "Profesional",
    "form_code": "Formulario",
}
CONSENT_WORDS_ES = {
    "clinic_copy": "Copia de la clínica",
    "patient_copy": "Copia del paciente",
    "form_code": "Formulario",
}
TITLES_ES = {
    "screening": "Preguntas antes de la punción seca",
    "consent": "Punción seca: información y consentimiento",
}
# What only the English forms print: none of it may be on a Spanish form.
ENGLISH_ONLY = [
    "Questions before dry needling", "Your name", "Not sure", "Clinic copy", "In an emergency",
    "Sources", "Draft awaiting", "Content version", "November", "Screening answers",
    "To talk about",
    "information and consent", "Your signature",
]  # fmt: skip


def run(args, input=None, **env):
    return runner.invoke(app, args, input=input, env={"COLUMNS": "100", **env})


def _spanish(value, n: list[int]):
    """A stand-in translation of one English text: its own words, its placeholders kept."""
    n[0] += 1
    kept = " ".join(f"Llame al {{{p}}}." for p in re.findall(r"\{([a-z_]+)\}", value))
    return f"Frase {n[0]} en español." + (f" {kept}" if kept else "")


def _translate(value, n, words, title, key=None):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in FORM_WORDS:
                out[k] = words
            elif k == "title" and key is None:
                out[k] = title
            elif k in FORM_TEXT:
                out[k] = _text(v, n, words, title)
            else:
                out[k] = _translate(v, n, words, title, k)
        return out
    if isinstance(value, list):
        return [_translate(v, n, words, title, key) for v in value]
    return value


def _text(value, n, words, title):
    if isinstance(value, str):
        return _spanish(value, n)
    if isinstance(value, list):
        return [_text(v, n, words, title) for v in value]
    if isinstance(value, dict):
        return _translate(value, n, words, title, "item")
    return value


def translate_form(folder: Path, form: str, lang: str = "es", source: Path = DATA) -> Path:
    """``folder/i18n/<lang>/<form>.yaml``: a complete stand-in translation of the built-in
    form, with its translation block and the English file's source_hash."""
    english = source / f"{form}.yaml"
    data = yaml.safe_load(english.read_text(encoding="utf-8"))
    words = SCREEN_WORDS_ES if form == "screening" else CONSENT_WORDS_ES
    doc = _translate(data, [0], words, TITLES_ES[form])
    block = {
        "lang": lang, "translator": "Test translator", "reviser": None,
        "date": dt.date(2026, 11, 24), "source_hash": source_hash(parse(english)),
    }  # fmt: skip
    target = folder / "i18n" / lang / f"{form}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"translation": block, **doc}, allow_unicode=True, sort_keys=False)
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def spanish(tmp_path_factory) -> Path:
    """A clinic folder holding a Spanish translation of both built-in forms."""
    folder = tmp_path_factory.mktemp("forms-es") / "riverside"
    for form in ("screening", "consent"):
        translate_form(folder, form)
    return folder


@pytest.fixture(scope="module")
def patched(tmp_path_factory) -> Path:
    """A clinic folder whose own additions to both forms have no translation: the forms are
    not in Spanish whatever the built-in files hold."""
    folder = tmp_path_factory.mktemp("forms-patched") / "riverside"
    folder.mkdir()
    (folder / "screening.patch.yaml").write_text(
        "id: screening\n"
        "add:\n"
        "  questions:\n"
        "    - id: tattoo-today\n"
        "      group: today\n"
        "      question: Did you get a tattoo this week?\n"
        "      why: Fresh skin damage near the area.\n"
        "      discuss: Where the tattoo is.\n"
        "      classes: [{source: clinic-advice, class: ask-only}]\n"
        "      refs: [clinic-advice]\n",
        encoding="utf-8",
    )
    (folder / "consent.patch.yaml").write_text(
        "id: consent\n"
        "add:\n"
        "  extra_sections:\n"
        "    - heading: What our clinic asks of you\n"
        "      refs: [clinic-advice]\n"
        "      text: Please arrive ten minutes early.\n",
        encoding="utf-8",
    )
    return folder


def answers(tmp_path, mapping) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text("".join(f"{k}: {v}\n" for k, v in mapping.items()))
    return str(path)


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages
    )


def _validate(doc: dict, name: str) -> None:
    from test_scripting import _validator

    errors = list(_validator(name).iter_errors(doc))
    assert not errors, errors[0].message


# --------------------------------------------------------------------------- screen --lang


def test_screen_in_spanish_questions_words_headings_and_json_lang(spanish, tmp_path):
    file = answers(tmp_path, {"blood-thinners": "sí", "pregnancy": "no sé", "diabetes": "no"})
    base = ["--content-dir", str(spanish), "screen", "--lang", "es", "--answers", file]
    doc = json.loads(run([*base, "--json"]).stdout)
    assert doc["lang"] == "es" and doc["title"] == "Respuestas de la evaluación"
    assert doc["answers"]["blood-thinners"] == "yes" and doc["answers"]["pregnancy"] == "not-sure"
    headings = {g["heading"] for g in doc["attention"]}  # the form's own groups, translated
    assert headings and all(h.startswith("Frase ") for h in headings)
    assert all(i["question"].startswith("Frase ") for g in doc["attention"] for i in g["items"])
    _validate(doc, "screen-result.schema.json")
    plain = run([*base, "--plain"])
    assert plain.exit_code == 0, plain.output
    assert "Respuestas de la evaluación" in plain.stdout and "Respuesta: Sí" in plain.stdout
    assert "Para hablar:" in plain.stdout
    for english in ("Screening answers", "Answer:", "To talk about", "Not answered"):
        assert english not in plain.stdout
    listed = json.loads(run(["--content-dir", str(spanish), "screen", "--questions", "--json",
                             "--lang", "es"]).stdout)  # fmt: skip
    assert listed["lang"] == "es" and listed["title"] == TITLES_ES["screening"]
    _validate(listed, "screen-questions.schema.json")
    english = json.loads(run(["screen", "--questions", "--json"]).stdout)
    assert english["lang"] == "en"
    _validate(english, "screen-questions.schema.json")


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(screen_cmd, "_terminal", lambda *env: True)


def test_typed_answers_take_the_languages_reply_words(spanish, terminal, kb):
    """On a terminal in Spanish: 's', 'sí', 'no sé' are answers; the English 'y' is not a
    Spanish reply, so the question is asked again, in Spanish."""
    ids = [q.id for q in kb.screening.questions]
    replies = ["y", "s", "Sí", "no sé", "N"] + ["n"] * (len(ids) - 3)
    args = ["--content-dir", str(spanish), "screen", "--lang", "es", "--json"]
    result = run(args, input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["lang"] == "es"
    assert [doc["answers"][i] for i in ids[:4]] == ["yes", "yes", "not-sure", "no"]
    err = result.stderr
    assert SCREEN_WORDS_ES["reply_again"] in err and "Please type" not in err
    assert SCREEN_WORDS_ES["reply_hint"] in err and "[s/n/?]" in err
    assert TITLES_ES["screening"] in err and "Questions before dry needling" not in err


# --------------------------------------------------------------------------- the strict rule


def _no_spanish_form_cases(tmp_path):
    out = tmp_path / "out.pdf"
    file = answers(tmp_path, {"diabetes": "no"})
    return [
        ["screen", "--answers", file, "--json"],
        ["screen", "--questions", "--plain"],
        ["sheet", "screening", "-o", str(out)],
        ["sheet", "consent", "--copies", "2", "-f", "txt", "-o", "-"],
        ["note", "--gave", "consent", "--clinician", "Sam"],
    ]


@pytest.mark.parametrize("how", ["--lang", "DRYNEEDLE_LANG"])
def test_a_strict_language_without_the_form_is_exit_1_with_the_fix(patched, tmp_path, how):
    """--lang es (or DRYNEEDLE_LANG=es) and a form with no Spanish: exit 1 naming the file to
    add, nothing on stdout, no file; never the English form under Spanish labels."""
    for args in _no_spanish_form_cases(tmp_path):
        flags = ["--lang", "es"] if how == "--lang" else []
        env = {"DRYNEEDLE_LANG": "es"} if how != "--lang" else {}
        result = run(["--content-dir", str(patched), *args, *flags], **env)
        assert result.exit_code == 1, (args, result.output)
        assert result.stdout == "", args
        err = result.stderr
        assert "is not translated into Spanish (es)" in err, (args, err)
        assert "i18n/es/" in err and "source_hash" in err and "--lang en" in err
        assert "Traceback" not in err
    assert not (tmp_path / "out.pdf").exists()


def test_an_area_with_no_spanish_name_keeps_the_form_out_of_spanish(spanish, tmp_path):
    """The Spanish forms, and an area of the clinic's own with no Spanish name: the form
    would name it in English, so --lang es is exit 1, and the locale shows it all in English."""
    clinic = tmp_path / "riverside"
    shutil.copytree(spanish, clinic)
    (clinic / "regions.yaml").write_text(
        "id: regions\nreviewed_on: 2026-11-01\nreviewed_by: Riverside\nregions:\n"
        "  - id: scalp\n    name: Scalp\n    aliases: [scalp]\n"
    )
    base = ["--content-dir", str(clinic), "sheet", "consent", "-f", "txt", "-o", "-"]
    strict = run([*base, "--lang", "es", "--area", "scalp"])
    assert strict.exit_code == 1 and "not translated into Spanish" in strict.stderr
    assert run([*base, "--lang", "es", "--area", "neck"]).exit_code == 0
    soft = run([*base, "--area", "scalp"], LANG="es_MX.UTF-8")
    assert soft.exit_code == 0 and "Areas to be treated: Scalp" in soft.stdout
    assert TITLES_ES["consent"] not in soft.stdout and "shown in English" in soft.stderr


# --------------------------------------------------------------------------- the soft rule


@pytest.mark.parametrize("source", ["locale", "profile"])
def test_a_soft_language_shows_the_whole_form_in_english_with_a_note(patched, tmp_path, source):
    """A language from the locale or the clinic profile, and no Spanish form: the whole form
    in English (labels, date, footer too) with one note on stderr."""
    env, clinic = {}, []
    if source == "locale":
        env = {"LANG": "es_MX.UTF-8"}
    else:
        profile = tmp_path / "clinic.yaml"
        profile.write_text('name: "Harbour Physio"\nphone: "555 0100"\nlanguage: es\n')
        clinic = ["--clinic", str(profile)]
    base = ["--content-dir", str(patched)]
    sheet = run([*base, "sheet", "consent", "-f", "txt", "-o", "-", "--date", "2026-11-23",
                 "--area", "cuello", *clinic], **env)  # fmt: skip
    assert sheet.exit_code == 0, sheet.output
    out = sheet.stdout
    assert "Dry needling: information and consent" in out and "What our clinic asks" in out
    assert "Date: 23 November 2026" in out and "Areas to be treated: Neck" in out
    assert "In an emergency, call" in out and "Draft awaiting clinical review." in out
    words = set(re.findall(r"\w+", out))
    assert not {"Fuentes", "Llame", "noviembre", "Cuello", "Fecha", "Formulario"} & words
    assert "the consent form is not in Spanish (es) yet" in sheet.stderr
    assert "shown in English" in sheet.stderr
    screen = run([*base, "screen", "--questions", "--json", *clinic], **env)
    assert screen.exit_code == 0, screen.output
    doc = json.loads(screen.stdout)
    assert doc["lang"] == "en" and doc["title"] == "Questions before dry needling"
    assert "the screening form is not in Spanish (es) yet" in screen.stderr
    html = run([*base, "sheet", "screening", "-f", "html", "-o", "-", *clinic], **env).stdout
    assert '<html lang="en">' in html


# --------------------------------------------------------------------------- the forms in Spanish


def test_both_forms_in_spanish_with_dates_labels_and_footer(spanish):
    base = ["--content-dir", str(spanish), "sheet", "--lang", "es", "--date", "2026-11-23",
            "--patient", "Zoë Nguyễn", "--area", "cuello", "-f", "txt", "-o", "-"]  # fmt: skip
    screening = run([base[0], base[1], base[2], "screening", *base[3:]])
    assert screening.exit_code == 0, screening.output
    out = screening.stdout
    assert TITLES_ES["screening"] in out and "Su nombre: Zoë Nguyễn" in out
    assert "Fecha: 23 de noviembre de 2026" in out
    assert "Borrador pendiente de revisión clínica." in out
    assert "[ ] Sí   [ ] No   [ ] No estoy seguro" in out
    assert "En una emergencia, llame a" in out and "Versión del contenido" in out
    assert "Formulario " in out
    consent = run([base[0], base[1], base[2], "consent", *base[3:], "--copies", "2"])
    assert consent.exit_code == 0, consent.output
    text = consent.stdout
    assert TITLES_ES["consent"] in text and "Copia de la clínica" in text
    assert "Copia del paciente" in text and "Zonas que se van a tratar: Cuello" in text
    assert "Fecha: 23 de noviembre de 2026" in text
    for english in ENGLISH_ONLY:
        assert english not in out and english not in text, english
    html = run([base[0], base[1], base[2], "consent", *base[3:-4], "-f", "html", "-o", "-"])
    assert '<html lang="es">' in html.stdout


def test_the_form_page_says_its_language(spanish):
    from dryneedle_cli.cli.context import Settings, query

    q = query(Settings([str(spanish)]), quiet=True, lang="es")
    for form in ("screening", "consent"):
        page = q.form_page(form, ["neck"])
        assert page.lang == "es" and page.title == TITLES_ES[form]


def test_a_batch_of_forms_follows_the_language(spanish, tmp_path):
    rows = tmp_path / "day.csv"
    with rows.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["patient", "areas", "date", "format"])
        w.writerow(["Ana Ruiz", "neck", "2026-11-23", "txt"])
        w.writerow(["Luis Gómez", "knee", "2026-11-24", "txt"])
    out = tmp_path / "out"
    result = run(["--content-dir", str(spanish), "sheet", "consent", "--lang", "es", "--batch",
                  str(rows), "--out-dir", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.txt"))
    assert len(files) == 2
    for f, day in zip(files, ("23", "24"), strict=True):
        text = f.read_text(encoding="utf-8")
        assert TITLES_ES["consent"] in text and f"Fecha: {day} de noviembre de 2026" in text
        assert "En una emergencia, llame a" in text
        assert not [e for e in ENGLISH_ONLY if e in text]


# --------------------------------------------------------------------------- one code


def _printed_code(data: bytes, word: str) -> str:
    codes = set(re.findall(rf"{word} ([0-9a-f]{{12}})\b", pdf_text(data)))
    assert len(codes) == 1, codes
    return codes.pop()


@pytest.mark.parametrize("form", ["screening", "consent"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_code_on_the_printed_form_is_the_hash_in_the_note(spanish, tmp_path, form, lang):
    """The form is printed (PDF), its code read back from the PDF's text, and compared with
    the chart note's hash for that form in that language: JSON and the pasted line."""
    profile = tmp_path / "clinic.yaml"
    profile.write_text('name: "Harbour Physio"\nphone: "02 9999 0000"\nemergency_number: "000"\n')
    base = ["--content-dir", str(spanish)]
    opts = ["--lang", lang, "--clinic", str(profile)]
    pdf = run([*base, "sheet", form, "-o", "-", "-f", "pdf", "--area", "neck", "--patient", "A",
               *opts, *(["--copies", "2"] if form == "consent" else [])])  # fmt: skip
    assert pdf.exit_code == 0, pdf.output
    code = _printed_code(pdf.stdout_bytes, "Formulario" if lang == "es" else "Form")
    note = run([*base, "note", "--gave", form, "--clinician", "Sam", "--json", *opts])
    assert note.exit_code == 0, note.output
    given = json.loads(note.stdout)["given"][0]
    assert given["hash"] == code and given["language"] == lang
    line = run([*base, "note", "--gave", form, "--clinician", "Sam", *opts]).stdout
    assert f"(#{code}, draft)" in line  # the approval state beside the code
    # another language or another emergency number is another text, so another code
    other = run([*base, "note", "--gave", form, "--clinician", "Sam", "--json", "--lang",
                 "fr" if lang == "es" else "es", "--clinic", str(profile)])  # fmt: skip
    if other.exit_code == 0:
        assert json.loads(other.stdout)["given"][0]["hash"] != code


def test_the_note_and_the_form_use_one_definition(spanish, monkeypatch):
    """record.given takes a form's hash from Query.form_hash: change it, and the note
    changes with the printed form."""
    from dryneedle_cli.cli.context import Settings, query
    from dryneedle_cli.handouts import printed
    from dryneedle_cli.query import record
    from dryneedle_cli.query.pages import Query

    q = query(Settings([str(spanish)]), quiet=True, lang="es")
    for form in ("screening", "consent", "aftercare", "prepare"):
        entry, fields = record.given(q, form, ["neck"])
        assert entry.hash == q.form_hash(form, ["neck"]) and fields["lang"] == "es"
    monkeypatch.setattr(Query, "form_hash", lambda self, kind, area_ids=(): "0123456789ab")
    assert record.given(q, "consent", [])[0].hash == "0123456789ab"
    assert printed.make(q, "consent", [], clinic=None).form_hash == "0123456789ab"


def test_the_form_code_is_the_text_the_patient_reads(spanish):
    """Form text only: a clinician-only field (discuss) does not change the code; a question's
    words or a reply word do."""
    import msgspec

    from dryneedle_cli.cli.context import Settings, query

    q = query(Settings(), quiet=True)
    s = q.kb.screening
    code = q.form_hash("screening")

    def with_screening(new):
        q.kb.screening = new
        try:
            return q.form_hash("screening")
        finally:
            q.kb.screening = s

    first = s.questions[0]
    quiet = msgspec.structs.replace(first, discuss="Something else for the clinician.")
    assert with_screening(msgspec.structs.replace(s, questions=(quiet, *s.questions[1:]))) == code
    loud = msgspec.structs.replace(first, question="Do you take aspirin every day?")
    assert with_screening(msgspec.structs.replace(s, questions=(loud, *s.questions[1:]))) != code
    words = msgspec.structs.replace(s.words, answer_not_sure="Unsure")
    assert with_screening(msgspec.structs.replace(s, words=words)) != code


# --------------------------------------------------------------------------- reading ease


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_reading_ease_table_measures_the_forms(tmp_path, monkeypatch, capsys):
    """tools/reading_ease.py --table: the forms' text is measured in the language; a form not
    yet translated is named on stderr, never measured in English."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for form in ("screening", "consent"):
        (data / "i18n" / "fr" / f"{form}.yaml").unlink(missing_ok=True)
    monkeypatch.setenv("DRYNEEDLE_DATA_DIR", str(data))
    tool = _tool("reading_ease")
    assert tool.main(["--table", "--lang", "fr"]) == 0
    got = capsys.readouterr()
    assert "sheet screening" not in got.out and "sheet consent" not in got.out
    assert "not measured, not translated into fr yet: sheet screening, sheet consent" in got.err
    for form in ("screening", "consent"):
        translate_form(data, form, "fr", source=data)
    assert tool.main(["--table", "--lang", "fr"]) == 0
    got = capsys.readouterr()
    assert "sheet screening" in got.out and "sheet consent" in got.out
    assert "not measured" not in got.err


# --------------------------------------------------------------------------- pictures


def test_the_sheet_pictures_tool_keeps_every_picture_the_readme_shows():
    """tools/sheet_pictures.py removes the PNGs it does not make: every picture in docs/sheets/
    and every one the README or a page of docs/ shows is in its table, the forms with the
    options the clinic guide gives."""
    tool = _tool("sheet_pictures")
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    readme = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    shown = set(re.findall(r"\]\((?:docs/)?sheets/([a-z0-9-]+)\.png\)", readme))
    present = {p.stem for p in (ROOT / "docs" / "sheets").glob("*.png")}
    assert {"consent-1", "consent-2", "screening"} <= shown
    assert shown | present <= set(tool.PICTURES)
    which, options, _, page = tool.PICTURES["consent-2"]
    assert (which, page) == ("consent", 2) and tool.PICTURES["consent-1"][3] == 1
    command = readme[readme.index("$ dryneedle sheet consent --area neck") :]
    command = re.split(r"\n\$|```", command[1:])[0]  # up to the next command or the block's end
    for opt in ("--copies 2", "--area neck", '--area "upper back"'):
        assert opt in command
    assert options == ["--area", "neck", "--area", "upper back", "--copies", "2"]
    assert tool.PICTURES["screening"][:2] == ("screening", ["--area", "neck"])


def test_a_reply_typed_with_a_combining_accent_is_the_same_reply():
    """ "pas sûr" with û as u + U+0302 (as some keyboards type it) is French for not sure."""
    from dryneedle_cli.model import reply_key

    decomposed = "Pas  SU\u0302R "
    assert reply_key(decomposed) == reply_key("pas sûr") == "pas sûr"
    result = CliRunner().invoke(
        app,
        ["screen", "--answers", "-", "--lang", "fr", "--json"],
        input=f'blood-thinners: "{decomposed}"\n',
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["answers"] == {"blood-thinners": "not-sure"}


FRENCH_REPLIES = [
    ("Oui", "yes"),
    ("o", "yes"),
    ("ouais", "yes"),
    ("Non", "no"),
    ("nan", "no"),
    ("Pas sûr", "not-sure"),
    ("pas sure", "not-sure"),
    ("pas sur", "not-sure"),
    ("nsp", "not-sure"),
    ("peut-être", "not-sure"),
    ("Je ne suis pas sûre", "not-sure"),
    ("je sais pas", "not-sure"),
    ("?", "not-sure"),
    ("Pas sûr.", "not-sure"),
    ("Je ne sais pas.", "not-sure"),
    ("Oui.", "yes"),
    ("Non.", "no"),
]


@pytest.mark.parametrize(("typed", "answer"), FRENCH_REPLIES)
def test_french_typed_replies_mean_one_answer(typed, answer):
    """What a French patient types (translation review 3, M4), a final full stop or a "maybe"
    included, means the answer it says: never re-asked, and a maybe is never a yes or a no."""
    result = runner.invoke(
        app,
        ["screen", "--answers", "-", "--lang", "fr", "--json"],
        input=f"blood-thinners: {json.dumps(typed)}\n",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["answers"] == {"blood-thinners": answer}


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_no_reply_word_means_two_answers_even_without_accents(lang):
    """A reply word never stands for two answers, also once accents and case are ignored
    (as a patient may type them), in every language's screening file."""
    import unicodedata

    path = DATA / "screening.yaml" if lang == "en" else DATA / "i18n" / lang / "screening.yaml"
    words = yaml.safe_load(path.read_text(encoding="utf-8"))["words"]
    seen: dict[str, str] = {}
    for answer in ("replies_yes", "replies_no", "replies_not_sure"):
        for reply in words[answer]:
            folded = unicodedata.normalize("NFKD", " ".join(str(reply).casefold().split()))
            folded = "".join(c for c in folded if not unicodedata.combining(c))
            assert seen.setdefault(folded, answer) == answer, (lang, reply, seen[folded])
