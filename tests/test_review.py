"""Clinical sign-off (issue 19): every output says truthfully what it is, `dryneedle review`
records who approved which words in which language, and require_approval refuses the rest."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "dryneedle_cli" / "schemas"
BY = "Dr Ana Ruiz, PT"
LANGS = ("en", "es", "fr")
DRAFT = {
    "en": "Draft awaiting clinical review.",
    "es": "Borrador pendiente de revisión clínica.",
    "fr": "Brouillon en attente de relecture clinique.",
}
# A claim of a review, in any of the languages: never printed unless it happened.
CLAIM = re.compile(r"\b(reviewed|revisad[oa]s?|révisée?s?)\b", re.IGNORECASE)


def run(*args, **env):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "100", **env})


@pytest.fixture
def clinic(tmp_path) -> Path:
    folder = tmp_path / "clinic"
    folder.mkdir()
    return folder


@pytest.fixture
def strict(tmp_path) -> Path:
    """A clinic profile with require_approval."""
    path = tmp_path / "profile.yaml"
    path.write_text('name: "Riverside Physiotherapy"\nphone: "555 0100"\nrequire_approval: true\n')
    return path


def review(clinic: Path, *args, **env):
    return run("--content-dir", clinic, "review", *args, **env)


def listed(clinic: Path, *args, **env) -> dict[tuple[str, str, str], dict]:
    result = review(clinic, "list", "--json", *args, **env)
    assert result.exit_code == 0, result.output
    return {(p["lang"], p["kind"], p["id"]): p for p in json.loads(result.stdout)["pages"]}


def state(clinic: Path, lang: str, kind: str, ident: str, **env) -> str:
    return listed(clinic, "--lang", lang, **env)[(lang, kind, ident)]["status"]


# --------------------------------------------------------------------------- status changes


def test_draft_approved_changed_by_a_patch_approved_again_revoked(clinic):
    assert state(clinic, "en", "condition", "neck-pain") == "draft"
    result = review(clinic, "approve", "neck-pain", "--by", BY)
    assert result.exit_code == 0, result.output
    page = listed(clinic, "--lang", "en")[("en", "condition", "neck-pain")]
    assert page["status"] == "approved" and page["approved_by"] == BY
    assert page["hash"] == page["current_hash"]
    # the record is a plain file in the clinic's folder, with the words approved beside it
    text = (clinic / "approvals.yaml").read_text()
    assert "id: neck-pain" in text and f'by: "{BY}"' in text and page["hash"] in text
    words = (clinic / "approvals" / "en" / "condition.neck-pain.txt").read_text()
    assert "summary: This page tells you how dry needling may help neck pain." in words
    # a clinic's patch changes the words: changed, and show says what changed
    (clinic / "conditions").mkdir()
    (clinic / "conditions" / "neck-pain.patch.yaml").write_text(
        "id: neck-pain\nset:\n  summary: "
        "This page tells you how dry needling may help a sore neck.\n"
    )
    assert state(clinic, "en", "condition", "neck-pain") == "changed"
    shown = review(clinic, "show", "neck-pain")
    assert shown.exit_code == 0, shown.output
    assert "-summary: This page tells you how dry needling may help neck pain." in shown.stdout
    assert "+summary: This page tells you how dry needling may help a sore neck." in shown.stdout
    assert "changed since Dr Ana Ruiz, PT approved it" in shown.stdout
    assert review(clinic, "approve", "neck-pain", "--by", "Sam Okafor, PT").exit_code == 0
    again = listed(clinic, "--lang", "en")[("en", "condition", "neck-pain")]
    assert again["status"] == "approved" and again["approved_by"] == "Sam Okafor, PT"
    assert again["hash"] != page["hash"]
    result = review(clinic, "revoke", "neck-pain")
    assert result.exit_code == 0, result.output
    assert state(clinic, "en", "condition", "neck-pain") == "draft"
    assert not (clinic / "approvals" / "en" / "condition.neck-pain.txt").exists()
    assert review(clinic, "revoke", "neck-pain").exit_code == 1  # nothing left to revoke


def test_an_upgrade_of_the_built_in_words_makes_it_changed(clinic, data_copy):
    env = {"DRYNEEDLE_DATA_DIR": str(data_copy)}
    assert review(clinic, "approve", "aftercare", "--by", BY, **env).exit_code == 0
    assert state(clinic, "en", "aftercare", "aftercare", **env) == "approved"
    f = data_copy / "sheets" / "aftercare.yaml"
    text = f.read_text()
    assert "summary:" in text
    f.write_text(text.replace("summary: ", "summary: Read this at home. ", 1))
    assert state(clinic, "en", "aftercare", "aftercare", **env) == "changed"


def test_the_clinics_emergency_number_is_part_of_the_words(clinic, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text('name: "Riverside Physiotherapy"\nphone: "555 0100"\n')
    assert review(clinic, "approve", "aftercare", "--by", BY, "--clinic", profile).exit_code == 0
    assert listed(clinic, "--clinic", profile)[("en", "aftercare", "aftercare")]["status"] == (
        "approved"
    )
    profile.write_text(
        'name: "Riverside Physiotherapy"\nphone: "555 0100"\nemergency_number: "000"\n'
    )
    assert listed(clinic, "--clinic", profile)[("en", "aftercare", "aftercare")]["status"] == (
        "changed"
    )


def test_a_new_translation_makes_that_language_changed_only(clinic):
    assert review(clinic, "approve", "neck-pain", "--by", BY, "--lang", "es").exit_code == 0
    assert review(clinic, "approve", "neck-pain", "--by", BY).exit_code == 0
    assert state(clinic, "es", "condition", "neck-pain") == "approved"
    # the clinic corrects the Spanish page (a copy of the translation with one sentence changed)
    src = ROOT / "data" / "i18n" / "es" / "conditions" / "neck-pain.yaml"
    dest = clinic / "i18n" / "es" / "conditions" / "neck-pain.yaml"
    dest.parent.mkdir(parents=True)
    text = src.read_text()
    old = (
        "summary: Esta página le explica cómo la punción seca puede ayudar con el dolor de cuello."
    )
    assert old in text
    dest.write_text(text.replace(old, old.replace("Esta página", "Esta hoja")))
    assert state(clinic, "es", "condition", "neck-pain") == "changed"
    assert state(clinic, "en", "condition", "neck-pain") == "approved"


def test_an_approval_covers_one_language(clinic):
    assert review(clinic, "approve", "consent", "--by", BY, "--lang", "fr").exit_code == 0
    pages = listed(clinic)
    assert pages[("fr", "consent", "consent")]["status"] == "approved"
    assert pages[("en", "consent", "consent")]["status"] == "draft"
    assert pages[("es", "consent", "consent")]["status"] == "draft"


def test_a_form_approval_is_its_printed_form_code(clinic):
    """The hash approved for a form is the code printed on it (Query.form_hash)."""
    result = review(clinic, "approve", "screening", "--by", BY)
    assert result.exit_code == 0, result.output
    code = listed(clinic)[("en", "screening", "screening")]["hash"]
    sheet = run("--content-dir", clinic, "sheet", "screening", "-f", "txt", "-o", "-")
    assert sheet.exit_code == 0, sheet.output
    assert f"Form {code}" in sheet.stdout and "Approved for use by Dr Ana Ruiz, PT" in sheet.stdout


# --------------------------------------------------------------------------- every output says it


def _outputs(tmp_path: Path, lang: str, clinic: Path | None = None):
    """(name, text) of every patient-facing output of a page in ``lang``."""
    import pdfplumber

    base = ["--content-dir", clinic] if clinic else []
    out = []
    for args in (["explain", "neck"], ["prepare", "--area", "neck"], ["aftercare"],
                 ["teachback", "aftercare"]):  # fmt: skip
        for fmt in (["--plain"], ["--json"], ["--color", "always"]):
            result = run(*base, *args, *fmt, "--lang", lang)
            assert result.exit_code == 0, (args, fmt, result.output)
            out.append((f"{' '.join(args)} {fmt[0]}", result.stdout))
    for which in ("aftercare", "prepare", "screening", "consent"):
        for fmt in ("txt", "md", "html", "pdf"):
            path = tmp_path / f"{which}-{lang}.{fmt}"
            result = run(*base, "sheet", which, "-f", fmt, "-o", path, "--force", "--lang", lang)
            assert result.exit_code == 0, (which, fmt, result.output)
            if fmt == "pdf":
                with pdfplumber.open(io.BytesIO(path.read_bytes())) as doc:
                    text = " ".join(" ".join((p.extract_text() or "").split()) for p in doc.pages)
            else:
                text = path.read_text(encoding="utf-8")
                if fmt == "md":
                    text = text.replace("\\", "")
            out.append((f"sheet {which} {fmt}", text))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_no_output_claims_a_review_and_each_says_it_is_a_draft(tmp_path, kb, lang):
    """Break it on purpose: put back "Reviewed {date}" in handout.notice, or a status label
    saying "Reviewed": this fails. A source's own citation may say it was reviewed ("medically
    reviewed 11 March 2019"): that is the source speaking, and is left out of the search."""
    citations = [r.citation for r in kb.references.values()]
    for name, text in _outputs(tmp_path, lang):
        for citation in citations:
            text = text.replace(citation, "")
        claim = CLAIM.search(text)
        assert claim is None, f"{name} ({lang}) claims a review: {claim.group(0)!r}"
        assert DRAFT[lang] in " ".join(text.split()), f"{name} ({lang}) does not say it is a draft"


def test_an_approved_page_says_who_approved_it_in_every_output(tmp_path, clinic):
    for page in ("neck-pain", "prepare", "aftercare", "screening", "consent"):
        assert review(clinic, "approve", page, "--by", BY, "--date", "2026-12-02").exit_code == 0
    for name, text in _outputs(tmp_path, "en", clinic):
        if name.startswith("explain") and "json" in name:
            assert (
                json.loads(text)["status"] == "approved" and json.loads(text)["approved_by"] == BY
            )
        flat = " ".join(text.split())
        assert "Approved for use by Dr Ana Ruiz, PT, 2 December 2026" in flat or (
            "json" in name and "2026-12-02" in flat
        ), name
        assert DRAFT["en"] not in flat, name


def test_the_approval_names_the_clinic_of_the_profile(clinic, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text('name: "Riverside Physiotherapy"\nphone: "555 0100"\n')
    args = ("approve", "aftercare", "--by", BY, "--date", "2026-12-02", "--clinic", profile)
    assert review(clinic, *args).exit_code == 0
    result = run("--content-dir", clinic, "aftercare", "--plain", "--clinic", profile)
    assert "Approved for use at Riverside Physiotherapy by Dr Ana Ruiz, PT, 2 December 2026." in (
        result.stdout
    )


def test_a_translation_says_whether_a_reviser_checked_it(clinic):
    result = run("explain", "neck", "--plain", "--lang", "es")
    assert "Traducción sin verificar." in result.stdout
    src = ROOT / "data" / "i18n" / "es" / "conditions" / "neck-pain.yaml"
    dest = clinic / "i18n" / "es" / "conditions" / "neck-pain.yaml"
    dest.parent.mkdir(parents=True)
    dest.write_text(src.read_text().replace("reviser: null", 'reviser: "Marta Gil"', 1))
    result = run("--content-dir", clinic, "explain", "neck", "--plain", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert "Traducción verificada por Marta Gil." in result.stdout
    assert "Traducción sin verificar." not in result.stdout


# --------------------------------------------------------------------------- require_approval

PATIENT = [
    ("explain", "neck"),
    ("explain", "what is dry needling"),
    ("explain",),
    ("prepare", "--area", "neck"),
    ("aftercare", "--area", "neck"),
    ("teachback", "neck"),
    ("teachback", "aftercare"),
    ("sheet", "aftercare", "-f", "txt", "-o", "-"),
    ("sheet", "prepare", "-f", "md", "-o", "-"),
    ("sheet", "screening", "-f", "html", "-o", "-"),
    ("sheet", "consent", "-f", "txt", "-o", "-"),
]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("args", PATIENT, ids=" ".join)
def test_require_approval_refuses_every_patient_facing_output(clinic, strict, args, lang):
    """Break it on purpose: drop the require check in status.stamp; this fails."""
    result = run("--content-dir", clinic, *args, "--clinic", strict, "--lang", lang)
    assert result.exit_code == 3, result.output
    lines = [x for x in result.stderr.splitlines() if x.startswith("dryneedle:")]
    assert len(lines) == 1 and "review approve" in lines[0] and "require" in lines[0]
    assert (f"--lang {lang}" in lines[0]) == (lang != "en")
    assert "Approved" not in result.stdout and "Draft" not in result.stdout


def test_require_approval_refuses_the_questions_asked_on_screen(clinic, strict, monkeypatch):
    """The patient reads the screening questions on the consult screen: refused unless the
    screening form is approved; the clinician's list (--questions) is not."""
    monkeypatch.setattr("dryneedle_cli.cli.commands.screening._terminal", lambda *env: True)
    result = run("--content-dir", clinic, "screen", "--clinic", strict, input="n\n" * 40)
    assert result.exit_code == 3 and "review approve screening" in result.stderr
    questions = run("--content-dir", clinic, "screen", "--questions", "--clinic", strict)
    assert questions.exit_code == 0, questions.output
    assert review(clinic, "approve", "screening", "--by", BY, "--clinic", strict).exit_code == 0
    result = run("--content-dir", clinic, "screen", "--clinic", strict, input="n\n" * 40)
    assert "review approve" not in result.stderr


def test_require_approval_shows_what_is_approved(clinic, strict):
    for page in ("neck-pain", "aftercare", "consent"):
        assert review(clinic, "approve", page, "--by", BY, "--clinic", strict).exit_code == 0
    for args in (("explain", "neck"), ("aftercare",), ("teachback", "neck"),
                 ("sheet", "consent", "-f", "txt", "-o", "-")):  # fmt: skip
        result = run("--content-dir", clinic, *args, "--clinic", strict)
        assert result.exit_code == 0, (args, result.output)
        assert "Approved for use at Riverside Physiotherapy by Dr Ana Ruiz, PT" in " ".join(
            result.stdout.split()
        )
    # approved in English is not approved in Spanish
    result = run("--content-dir", clinic, "explain", "neck", "--clinic", strict, "--lang", "es")
    assert result.exit_code == 3 and "--lang es" in result.stderr


def test_a_changed_page_is_refused_until_approved_again(clinic, strict):
    assert review(clinic, "approve", "neck-pain", "--by", BY).exit_code == 0
    (clinic / "conditions").mkdir()
    (clinic / "conditions" / "neck-pain.patch.yaml").write_text(
        "id: neck-pain\nset:\n  summary: A new summary for neck pain.\n"
    )
    result = run("--content-dir", clinic, "explain", "neck", "--clinic", strict)
    assert result.exit_code == 3 and "changed since Dr Ana Ruiz, PT approved it" in result.stderr


def test_batch_rows_are_refused(clinic, strict, tmp_path):
    csv = tmp_path / "day.csv"
    csv.write_text("patient,areas\nZoë Nguyễn,neck\nSam Lee,foot\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ("sheet", "aftercare", "--batch", csv, "--out-dir", out, "-f", "txt", "--clinic", strict)
    result = run("--content-dir", clinic, *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.count("review approve aftercare") == 2
    assert "Zoë" not in result.stderr and not list(out.iterdir())
    assert review(clinic, "approve", "aftercare", "--by", BY).exit_code == 0
    result = run("--content-dir", clinic, *args)
    assert result.exit_code == 0, result.output
    assert len(list(out.iterdir())) == 2


@pytest.mark.parametrize(
    "args",
    [
        ("evidence", "neck"),
        ("validate",),
        ("review", "list"),
        ("review", "show", "neck-pain"),
        ("conditions",),
    ],  # fmt: skip
    ids=" ".join,
)
def test_clinician_views_still_work_under_require_approval(clinic, strict, args):
    result = run("--content-dir", clinic, *args, DRYNEEDLE_CLINIC=str(strict))
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- the chart note


def test_the_note_and_fhir_record_the_approval_of_what_was_given(clinic):
    base = ("--content-dir", clinic, "note", "--clinician", "Sam Okafor, PT", "--date",
            "2026-12-03", "--gave", "aftercare", "--gave", "neck", "--area", "neck")  # fmt: skip
    line = run(*base).stdout
    assert "After dry needling (#" in line and ", draft); Neck pain (#" in line
    assert review(clinic, "approve", "aftercare", "--by", BY, "--date", "2026-12-02").exit_code == 0
    doc = json.loads(run(*base, "--json").stdout)
    after, neck = doc["given"]
    assert after["approval"] == "approved" and after["approved_by"] == BY
    assert after["approved_on"] == "2026-12-02"
    assert after["approved_hash"] == listed(clinic)[("en", "aftercare", "aftercare")]["hash"]
    assert neck["approval"] == "draft" and neck["approved_by"] is None
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMAS / "note.schema.json").read_text())
    assert not list(Draft202012Validator(schema).iter_errors(doc))
    assert ", approved); Neck pain (#" in run(*base).stdout
    bundle = json.loads(run(*base, "--fhir").stdout)
    refs = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] != "Communication"
    ]
    assert (
        refs[0]["docStatus"] == "final"
        and "approved for use by Dr Ana Ruiz" in (refs[0]["description"])
    )
    assert refs[1]["docStatus"] == "preliminary" and "draft" in refs[1]["description"]


# --------------------------------------------------------------------------- JSON contracts


def test_review_list_matches_its_schema(clinic):
    from jsonschema import Draft202012Validator

    result = review(clinic, "approve", "neck-pain", "glossary:pneumothorax", "--by", BY)
    assert result.exit_code == 0, result.output
    schema = json.loads((SCHEMAS / "review.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    result = review(clinic, "list", "--json")
    doc = json.loads(result.stdout)
    errors = list(Draft202012Validator(schema).iter_errors(doc))
    assert not errors, errors[0].message
    kinds = {p["kind"] for p in doc["pages"]}
    assert kinds == {"topic", "condition", "glossary", "prepare", "aftercare", "screening",
                     "consent"}  # fmt: skip
    assert {p["lang"] for p in doc["pages"]} == set(LANGS)


def test_an_approved_page_matches_the_page_schema(clinic):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(schema)))
    schema = json.loads((SCHEMAS / "page.schema.json").read_text())
    validator = Draft202012Validator(schema, registry=Registry().with_resources(resources))
    assert review(clinic, "approve", "neck-pain", "--by", BY).exit_code == 0
    for words in ("neck", "shoulder"):
        doc = json.loads(run("--content-dir", clinic, "explain", words, "--json").stdout)
        assert doc["status"] == ("approved" if words == "neck" else "draft")
        assert not list(validator.iter_errors(doc))


# --------------------------------------------------------------------------- hostile input


def test_without_a_clinic_folder_one_line_with_the_fix():
    result = run("review", "approve", "neck-pain", "--by", BY)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--content-dir" in result.stderr
    assert "DRYNEEDLE_CONTENT_DIR" in result.stderr


def test_the_approval_goes_to_the_first_clinic_folder_never_the_package(clinic, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    result = run("--content-dir", clinic, "--content-dir", other, "review", "approve", "neck-pain",
                 "--by", BY, DRYNEEDLE_CONTENT_DIR=str(tmp_path / "env"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (clinic / "approvals.yaml").exists() and not list(other.iterdir())
    assert not (ROOT / "data" / "approvals.yaml").exists()
    env_folder = tmp_path / "env"
    env_folder.mkdir()
    result = run(
        "review", "approve", "neck-pain", "--by", BY, DRYNEEDLE_CONTENT_DIR=str(env_folder)
    )
    assert result.exit_code == 0 and (env_folder / "approvals.yaml").exists()


def test_the_built_in_folder_is_never_a_clinic_folder():
    for folder in (ROOT / "data", ROOT / "dryneedle_cli"):
        result = run("--content-dir", folder, "review", "approve", "neck-pain", "--by", BY)
        assert result.exit_code == 2 and "built-in folder" in result.stderr
    assert not (ROOT / "data" / "approvals.yaml").exists()
    assert not (ROOT / "dryneedle_cli" / "approvals.yaml").exists()


@pytest.mark.parametrize(
    "by",
    [
        "Dr Ana\x1b[31m Ruiz, PT",
        "Dr Ana\u202eRuiz, PT",
        "Ana Ruiz\nPT, PT",
        "Ana Ruiz",
        ", PT",
        "x" * 200 + ", PT",
    ],  # fmt: skip
)
def test_a_bad_approver_is_refused(clinic, by):
    result = review(clinic, "approve", "neck-pain", "--by", by)
    assert result.exit_code == 2, result.output
    assert not (clinic / "approvals.yaml").exists()
    assert "\x1b" not in result.stderr


def test_a_name_with_markup_is_text_everywhere(clinic, tmp_path):
    name = "[bold]Dr <b>Ana</b> {clinic} Ruiz[/], PT & co"
    assert review(clinic, "approve", "aftercare", "--by", name).exit_code == 0
    listing = listed(clinic)[("en", "aftercare", "aftercare")]
    assert listing["approved_by"] == name and listing["status"] == "approved"
    html = run("--content-dir", clinic, "sheet", "aftercare", "-f", "html", "-o", "-").stdout
    assert "Dr &lt;b&gt;Ana&lt;/b&gt; {clinic} Ruiz[/], PT &amp; co" in html
    screen = run("--content-dir", clinic, "aftercare", "--color", "always").stdout
    assert "[bold]Dr <b>Ana</b> {clinic} Ruiz[/], PT & co" in screen


def test_an_unknown_id_suggests_close_ones(clinic):
    result = review(clinic, "approve", "nek-pain", "--by", BY)
    assert result.exit_code == 1
    assert "no page has the id 'nek-pain'" in result.stderr and "neck-pain" in result.stderr
    assert not (clinic / "approvals.yaml").exists()
    # one unknown id among good ones: nothing is approved
    result = review(clinic, "approve", "neck-pain", "nope-nope", "--by", BY)
    assert result.exit_code == 1 and not (clinic / "approvals.yaml").exists()


def test_a_page_not_translated_cannot_be_approved_in_that_language(clinic):
    (clinic / "conditions").mkdir()
    text = (ROOT / "data" / "conditions" / "neck-pain.yaml").read_text()
    (clinic / "conditions" / "desk-neck.yaml").write_text(
        text.replace("id: neck-pain", "id: desk-neck", 1)
    )
    result = review(clinic, "approve", "desk-neck", "--by", BY, "--lang", "es")
    assert result.exit_code == 1 and "not translated into Spanish" in result.stderr


@pytest.mark.parametrize(
    "damage",
    [
        "approvals: [\n",  # YAML syntax
        "approvals:\n  - id: neck-pain\n    kind: condition\n    lang: en\n    by: x, y\n"
        "    date: 2026-12-02\n    hash: nothex\n",  # a bad hash
        "approvals:\n  - id: neck-pain\n    colour: blue\n",  # an unknown field
    ],
)
def test_a_damaged_approvals_file_is_one_error_naming_file_and_line(clinic, strict, damage):
    path = clinic / "approvals.yaml"
    path.write_text(damage)
    for args in (("review", "list"), ("review", "approve", "neck-pain", "--by", BY),
                 ("explain", "neck", "--clinic", strict)):  # fmt: skip
        result = run("--content-dir", clinic, *args)
        assert result.exit_code == 3, (args, result.output)
        first = result.stderr.splitlines()[0]
        assert re.search(re.escape(str(path)) + r":\d+", first), first
    assert path.read_text() == damage  # never rewritten over
    # without require_approval a consult still works: every page is a draft, with a note
    result = run("--content-dir", clinic, "explain", "neck", "--plain")
    assert result.exit_code == 0 and DRAFT["en"] in result.stdout
    assert str(path) in result.stderr


def test_approvals_are_not_stray_files_for_validate(clinic):
    assert review(clinic, "approve", "neck-pain", "--by", BY).exit_code == 0
    result = run("--content-dir", clinic, "validate")
    assert result.exit_code == 0, result.output
    assert "approvals" not in result.output


# --------------------------------------------------------------------------- start-up


def test_explain_does_not_load_the_review_module_without_approvals(clinic):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from dryneedle_cli.cli import app\n"
        "r = CliRunner().invoke(app, sys.argv[1:])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('dryneedle_cli.approvals' in sys.modules)\n"
    )
    plain = subprocess.run(
        [sys.executable, "-c", code, "--content-dir", str(clinic), "explain", "neck", "--plain"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert plain.stdout.strip().endswith("False"), plain.stdout
    assert review(clinic, "approve", "neck-pain", "--by", BY).exit_code == 0
    loaded = subprocess.run(
        [sys.executable, "-c", code, "--content-dir", str(clinic), "explain", "neck", "--plain"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert loaded.stdout.strip().endswith("True")  # the check above can fail


def test_the_clinic_template_and_check_know_require_approval(tmp_path):
    template = (ROOT / "data" / "clinic-template.yaml").read_text()
    assert "require_approval: false" in template
    profile = tmp_path / "p.yaml"
    profile.write_text('name: "Riverside"\nphone: "555 0100"\nrequire_approval: true\n')
    assert "require_approval: true" in run("clinic", "show", "--clinic", profile).stdout
    result = run("clinic", "check", "--clinic", profile)
    assert result.exit_code == 3 and "require_approval" in result.stderr
    assert "--content-dir" in result.stderr
    folder = tmp_path / "c"
    folder.mkdir()
    result = run("--content-dir", folder, "clinic", "check", "--clinic", profile)
    assert result.exit_code == 0, result.output
    assert "0 of" in result.stderr and "approved" in result.stderr
    shutil.rmtree(folder)


def test_the_file_as_written_and_as_any_yaml_read_the_same(clinic):
    """The file as `review approve` writes it is read without the YAML parser; any other valid
    YAML (a clinic's hand-formatted copy) is read by the parser, to the same records."""
    from dryneedle_cli import approvals

    assert review(clinic, "approve", "neck-pain", "consent", "--by", BY).exit_code == 0
    path = clinic / "approvals.yaml"
    fast = approvals._quick(path.read_text())
    assert fast is not None and fast == approvals._read(path)
    page = listed(clinic)[("en", "condition", "neck-pain")]
    path.write_text(
        "approvals:\n- {id: neck-pain, kind: condition, lang: en, by: 'Dr Ana Ruiz, PT',\n"
        f"   date: 2026-12-02, hash: '{page['hash']}'}}\n"
    )
    assert approvals._quick(path.read_text()) is None
    again = listed(clinic)[("en", "condition", "neck-pain")]
    assert again["status"] == "approved" and again["approved_on"] == "2026-12-02"
    assert listed(clinic)[("en", "consent", "consent")]["status"] == "draft"


ALL_AREAS = ("head-jaw", "neck", "upper-back", "chest", "shoulder", "elbow", "forearm-wrist",
             "low-back", "hip-buttock", "thigh", "knee", "lower-leg", "foot")  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_an_approved_sheet_still_fits_its_pages(clinic, tmp_path, lang):
    """The approval line (with the clinic's name, and a translation's reviser) is longer than
    the draft line: the fullest aftercare sheet on Letter still fits its pages (two at most)."""
    import pdfplumber

    profile = tmp_path / "p.yaml"
    profile.write_text(
        'name: "Riverside Physiotherapy"\nphone: "+61 (0)2 5550 1020 ext. 4417"\n'
        'emergency_number: "000"\naddress: "Suite 14, Level 3, Riverside Medical & Allied '
        "Health Centre, 1207-1211 Great Western Highway, North Springfield Heights NSW 2777, "
        'Australia"\nwebsite: "www.riverside-sports-physiotherapy-and-rehabilitation.example"\n'
    )
    if lang != "en":
        src = ROOT / "data" / "i18n" / lang / "sheets" / "aftercare.yaml"
        dest = clinic / "i18n" / lang / "sheets" / "aftercare.yaml"
        dest.parent.mkdir(parents=True)
        dest.write_text(src.read_text().replace("reviser: null", 'reviser: "Marta Gil"', 1))
    args = ("approve", "aftercare", "--by", BY, "--lang", lang, "--clinic", profile)
    assert review(clinic, *args).exit_code == 0
    areas = [x for a in ALL_AREAS for x in ("--area", a)]
    out = tmp_path / "a.pdf"
    result = run(
        "--content-dir", clinic, "sheet", "aftercare", "--lang", lang, "--clinic", profile,
        "--paper", "letter", "-o", out, "--patient", "Anh-Thư Nguyễn-Wójcik", "--clinician",
        "Dr Maria-Fernanda Castellanos-Villarreal", "--next-visit", "Tuesday 1 December 2026",
        "--note", "Put a cold pack on the left side of your neck for 10 minutes, twice this "
        "evening, and again tomorrow morning if it is still sore.",
        "--note", "Skip tomorrow's swim; light walking is fine. Ring us on Friday.",
        *areas,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with pdfplumber.open(str(out)) as doc:
        from dryneedle_cli.render import pdf

        assert len(doc.pages) <= pdf.MAX_PAGES[False]  # the approval line adds no page
        text = " ".join(" ".join((p.extract_text() or "").split()) for p in doc.pages)
    assert "Riverside Physiotherapy" in text and "Dr Ana Ruiz, PT" in text
