"""The chart note: one paste-ready line, its JSON, its FHIR R4 resources, the content hash."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.query import fingerprint, record
from dryneedle_cli.views import Given, Note

runner = CliRunner()
EXE = str(Path(sys.executable).parent / "dryneedle")
SCHEMAS = Path(__file__).resolve().parent.parent / "dryneedle_cli" / "schemas"
HASH = re.compile(r"#([0-9a-f]{12})\b")
BASE = ["note", "--clinician", "Sam Okafor, PT", "--date", "2026-11-23"]


def invoke(*args, **env):
    return runner.invoke(app, list(args), env={"COLUMNS": "100", **env})


def note_json(*args, **env) -> dict:
    result = invoke(*BASE, *args, "--json", **env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# ------------------------------------------------------------------ the line


def test_one_line_with_titles_hashes_language_teachback_date_and_clinician():
    result = invoke(
        *BASE, "--gave", "aftercare", "--gave", "stiff neck", "--area", "neck",
        "--teachback", "done",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    line = result.stdout
    assert line.endswith("\n") and line.count("\n") == 1 and len(line) - 1 <= 300
    assert line.startswith("Dry needling education given: After dry needling (#")
    assert "; Neck pain (#" in line and "Areas: Neck." in line
    assert "Language: en." in line and "Teach-back: done." in line
    assert "Content: dryneedle 0.1.0." in line and "Date: 2026-11-23." in line
    assert line.rstrip().endswith("Clinician: Sam Okafor, PT.")
    assert len(HASH.findall(line)) == 2
    assert "neck-pain" not in line and "aftercare (" not in line  # titles, not ids


@pytest.mark.parametrize(("value", "shown"), [("partly", "partly"), ("not-done", "not done")])
def test_teachback_results(value, shown):
    line = invoke(*BASE, "--gave", "prepare", "--teachback", value).stdout
    assert f"Teach-back: {shown}." in line


def test_without_teachback_the_line_says_nothing_about_it():
    assert "Teach-back" not in invoke(*BASE, "--gave", "prepare").stdout


def test_the_profiles_default_clinician(tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text(
        'name: "Harbour Physio"\nphone: "02 9999 0000"\nemergency_number: "000"\n'
        'default_clinician: "Ana Ruiz, PT"\nclinicians: ["Ana Ruiz, PT"]\n'
    )
    result = invoke("note", "--gave", "aftercare", f"--clinic={profile}")
    assert result.exit_code == 0, result.output
    assert "Clinician: Ana Ruiz, PT." in result.stdout
    other = invoke("note", "--gave", "aftercare", f"--clinic={profile}", "--clinician", "Bo Li")
    assert "Clinician: Bo Li." in other.stdout and "not in the clinicians" in other.stderr


def test_no_clinician_is_warned_about():
    result = invoke("note", "--gave", "aftercare")
    assert result.exit_code == 0 and "Clinician" not in result.stdout
    assert "no clinician in the note" in result.stderr


def test_there_is_no_way_to_give_the_patients_name():
    result = invoke(*BASE, "--gave", "aftercare", "--patient", "Zoë Nguyễn")
    assert result.exit_code == 2 and "No such option: --patient" in result.stderr
    assert "Zoë" not in result.stdout + result.stderr


# ------------------------------------------------------------------ what --gave accepts


@pytest.mark.parametrize(
    ("word", "hint"),
    [("nekc", "Did you mean"), ("leaflet", "give aftercare, prepare, screening, consent"),
     ("!!!", "name what was given")],
)  # fmt: skip
def test_unknown_gave_is_bad_usage_with_the_fix(word, hint):
    result = invoke(*BASE, "--gave", word)
    assert result.exit_code == 2, result.output
    assert hint in result.stderr and result.stderr.count("\n") == 1 and not result.stdout


def test_a_glossary_term_is_not_something_given(kb):
    term = next(t for t in kb.glossary.values() if t.see is None)
    result = invoke(*BASE, "--gave", term.id)
    assert result.exit_code == 2 and "glossary term" in result.stderr


def test_a_form_this_build_lacks_is_bad_usage():
    from dryneedle_cli.content.kinds import BY_NAME

    if "consent" in BY_NAME:
        pytest.skip("this build has the consent form")
    result = invoke(*BASE, "--gave", "consent")
    assert result.exit_code == 2 and "has no consent form" in result.stderr


def test_gave_is_required_and_bounded():
    assert invoke(*BASE).exit_code == 2
    words = ["neck", "whiplash", "tmd", "sciatica", "knee pain", "hip pain", "tennis elbow",
             "golfers elbow", "calf"]  # fmt: skip
    many = [x for c in words for x in ("--gave", c)]
    result = invoke(*BASE, *many)
    assert result.exit_code == 2 and "at most 8" in result.stderr


def test_a_line_over_300_characters_is_refused():
    words = ["myofascial pain", "forearm", "carpal tunnel", "golfers elbow", "tension headache",
             "hamstring", "buttock pain"]  # fmt: skip
    gave = [x for c in words for x in ("--gave", c)]
    result = invoke("note", "--clinician", "C" * 140, *gave)
    assert result.exit_code == 2 and "more than 300" in result.stderr and not result.stdout


def test_repeated_items_are_listed_once():
    doc = note_json("--gave", "aftercare", "--gave", "aftercare", "--gave", "neck", "--gave",
                    "stiff neck")  # fmt: skip
    assert [g["id"] for g in doc["given"]] == ["aftercare", "neck-pain"]


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--date", "2026-02-30"], "--date: not a real date"),
     (["--date", "tomorrow"], "--date: not a real date"),
     (["--lang", "english!"], "--lang: give a language code"),
     (["--clinician", "Sam\x1b[31m"], "control character"),
     (["--clinician", "x" * 151], "longer than 150"),
     (["--json", "--fhir"], "choose one of --json and --fhir"),
     (["--area", "back"], "could mean"),
     (["--gave", "x" * 100_000], "longer than 200 characters"),
     (["--lang", "en-" + "abcdefgh-" * 10], "--lang: give a language code")],
)  # fmt: skip
def test_bad_options_are_bad_usage(args, message):
    result = invoke("note", "--gave", "aftercare", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "\x1b" not in result.stderr


def test_a_language_is_recorded_only_when_the_content_exists_in_it():
    """--lang es is accepted only if this build really shows the sheet in Spanish; never the
    English content recorded as Spanish."""
    from dryneedle_cli.cli.context import Settings, query

    def title(lang):
        return query(Settings(), quiet=True, lang=lang).sheet("aftercare", []).title

    result = invoke(*BASE, "--gave", "aftercare", "--lang", "es", "--json")
    if title("es") != title("en"):  # translations are wired in: recorded as Spanish
        assert result.exit_code == 0 and json.loads(result.stdout)["language"] == "es"
    else:
        assert result.exit_code == 2, result.output
        assert "not available in 'es'" in result.stderr and not result.stdout


# ------------------------------------------------------------------ the hash


def test_content_hash_is_sha256_of_canonical_json_first_12_hex():
    fields = {"title": "Café", "b": [1, 2], "a": None}
    canonical = '{"a":null,"b":[1,2],"title":"Café"}'
    assert fingerprint.canonical_json(fields) == canonical
    expected = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
    assert fingerprint.content_hash(fields) == expected
    # the same text however it is composed (NFC), whatever the key order
    assert fingerprint.content_hash({"a": None, "b": [1, 2], "title": "Cafe\u0301"}) == expected


def test_same_content_same_hash_and_any_change_another():
    def hashes(*args, **env):
        return [g["hash"] for g in note_json(*args, **env)["given"]]

    neck = hashes("--gave", "aftercare", "--area", "neck")
    assert neck == hashes("--gave", "aftercare", "--area", "neck", "--date", "2027-01-01")
    assert neck == hashes("--gave", "aftercare", "--area", "cervical")  # same area, other word
    assert neck != hashes("--gave", "aftercare", "--area", "knee")  # other area notes
    assert neck != hashes("--gave", "aftercare")
    # elbow and forearm give the same sheet text: same content, same hash
    assert hashes("--gave", "aftercare", "--area", "elbow") == hashes(
        "--gave", "aftercare", "--area", "forearm"
    )
    # the overview by its id is the same page as the topic
    assert hashes("--gave", "what is dry needling") == hashes("--gave", "dn")


def test_the_hash_changes_with_the_clinics_emergency_number(tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text('name: "Harbour Physio"\nphone: "02 9999 0000"\nemergency_number: "000"\n')
    plain = note_json("--gave", "aftercare")["given"][0]["hash"]
    clinic = note_json("--gave", "aftercare", f"--clinic={profile}")["given"][0]["hash"]
    assert plain != clinic


def test_the_hash_is_of_the_sheet_as_printed(q):
    """The note hashes what the sheet prints (with the prepare sheet's key points box), not
    the page on screen."""
    from dryneedle_cli.handouts.handout import printed_page

    doc = note_json("--gave", "prepare", "--area", "neck")
    printed = fingerprint.page_hash(printed_page(q, "prepare", ["neck"]), "en")
    screen = fingerprint.page_hash(q.sheet("prepare", ["neck"]), "en")
    assert doc["given"][0]["hash"] == printed != screen


def test_the_hash_leaves_out_ids_and_references(q):
    page = q.explain("neck")
    fields = fingerprint.page_fields(page, "en")
    blob = json.dumps(fields)
    assert "neck-pain" not in blob and "apta-2012" not in blob and "M54.2" not in blob


# ------------------------------------------------------------------ JSON and FHIR


def test_json_matches_its_schema():
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMAS / "note.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    doc = note_json("--gave", "aftercare", "--gave", "neck", "--area", "neck", "--teachback",
                    "partly")  # fmt: skip
    errors = list(Draft202012Validator(schema).iter_errors(doc))
    assert not errors, errors[0].message
    assert doc["given"][0] == {
        "kind": "aftercare", "id": "aftercare", "title": "After dry needling",
        "language": "en", "hash": doc["given"][0]["hash"], "approval": "draft",
        "approved_by": None, "approved_on": None, "approved_hash": None,
    }  # fmt: skip
    assert doc["teachback"] == "partly" and doc["hash_algorithm"] == "sha256-12"
    bad = {**doc, "given": [{**doc["given"][0], "hash": "XYZ"}]}
    assert list(Draft202012Validator(schema).iter_errors(bad))


def _bundle_class():
    pytest.importorskip("fhir.resources", minversion="8")
    # fhir.resources 8.x ships R5 (default), R4B and STU3, no R4 (4.0.1) module. R4B is
    # "strictly backward compatible with R4" outside the medication-definition and evidence
    # resources; Bundle, DocumentReference and Consent did not change.
    from fhir.resources.R4B.bundle import Bundle

    return Bundle


def test_fhir_is_a_valid_r4_bundle_of_document_references():
    Bundle = _bundle_class()
    result = invoke(*BASE, "--gave", "aftercare", "--gave", "neck", "--area", "neck",
                    "--teachback", "done", "--fhir")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection" and len(bundle.entry) == 4
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds == ["DocumentReference", "Communication"] * 2
    docs = [e["resource"] for e in data["entry"][::2]]
    line = invoke(*BASE, "--gave", "aftercare", "--gave", "neck", "--area", "neck").stdout
    for doc, h in zip(docs, HASH.findall(line), strict=True):
        assert doc["resourceType"] == "DocumentReference" and doc["status"] == "current"
        assert doc["docStatus"] in ("preliminary", "final", "amended", "entered-in-error")
        assert doc["identifier"][0]["value"] == h
        assert doc["content"][0]["attachment"]["language"] == "en"
        assert doc["context"]["period"]["start"] == "2026-11-23"
        assert doc["author"] == [{"display": "Sam Okafor, PT"}]
        assert "subject" not in doc
    assert docs[0]["content"][0]["attachment"]["title"] == "After dry needling"
    assert "teach-back: done" in docs[0]["description"]


def test_fhir_attaches_each_document_given_and_records_its_giving():
    """Each thing given: its PDF attached whole (content type, language, size, FHIR's SHA-1
    hash of the data), and a Communication (completed, category instruction) whose payload
    points at that DocumentReference; validated as R4 resources by fhir.resources."""
    import base64

    Bundle = _bundle_class()
    from fhir.resources.R4B.communication import Communication
    from fhir.resources.R4B.documentreference import DocumentReference

    result = invoke(*BASE, "--gave", "aftercare", "--gave", "neck", "--gave", "consent",
                    "--area", "neck", "--lang", "es", "--fhir")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    Bundle.model_validate(data)
    entries = data["entry"]
    kinds = [e["resource"]["resourceType"] for e in entries]
    assert kinds == ["DocumentReference", "Communication"] * 3 + ["Consent"]
    for ref, comm in zip(entries[0:6:2], entries[1:6:2], strict=True):
        doc, message = ref["resource"], comm["resource"]
        DocumentReference.model_validate(doc)
        Communication.model_validate(message)
        attachment = doc["content"][0]["attachment"]
        raw = base64.b64decode(attachment["data"], validate=True)
        assert raw.startswith(b"%PDF-")
        assert attachment["contentType"] == "application/pdf"
        assert attachment["language"] == "es"
        assert attachment["size"] == len(raw)
        assert attachment["hash"] == base64.b64encode(hashlib.sha1(raw).digest()).decode()
        assert message["status"] == "completed"
        assert message["category"][0]["coding"][0] == {
            "system": "http://terminology.hl7.org/CodeSystem/communication-category",
            "code": "instruction", "display": "Instruction",
        }  # fmt: skip
        assert message["payload"] == [
            {"contentReference": {"reference": ref["fullUrl"], "display": attachment["title"]}}
        ]
        assert message["sent"] == "2026-11-23"
        assert message["sender"] == {"display": "Sam Okafor, PT"}
    # the PDF is the one the CLI prints, in the language given: Spanish words in it
    from io import BytesIO

    from pypdf import PdfReader

    first = base64.b64decode(entries[0]["resource"]["content"][0]["attachment"]["data"])
    text = PdfReader(BytesIO(first)).pages[0].extract_text()
    assert "Sam Okafor, PT" in text and "Después" in text


def test_fhir_consent_when_the_consent_form_was_given():
    Bundle = _bundle_class()
    n = Note(
        line="x", date="2026-11-23", language="en", clinician="Sam", teachback="done",
        content_version="0.1.0", areas=("neck",), area_names=("Neck",),
        given=(Given(kind="aftercare", id="aftercare", title="After dry needling",
                     language="en", hash="0123456789ab"),
               Given(kind="consent", id="consent", title="Information and consent",
                     language="en", hash="ba9876543210")),
    )  # fmt: skip
    data = record.fhir_bundle(n, created="2026-11-23T10:00:00Z")
    Bundle.model_validate(data)
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds == ["DocumentReference", "Communication"] * 2 + ["Consent"]
    consent = data["entry"][4]["resource"]
    assert consent["status"] == "active"
    assert consent["scope"]["coding"][0]["code"] == "treatment"
    assert consent["category"][0]["coding"][0] == {
        "system": "http://loinc.org", "code": "59284-0", "display": "Consent Document"
    }  # fmt: skip
    assert consent["sourceReference"]["reference"] == data["entry"][2]["fullUrl"]
    assert consent["policyRule"] and consent["patient"] == {
        "display": "Patient: replace with the reference in your record system"
    }
    assert data["entry"][2]["resource"]["type"]["text"] == "Consent form"
    assert "data" not in data["entry"][0]["resource"]["content"][0]["attachment"]  # none given
    without = record.fhir_bundle(
        Note(**{**{f: getattr(n, f) for f in n.__struct_fields__}, "given": n.given[:1]})
    )
    assert [e["resource"]["resourceType"] for e in without["entry"]] == [
        "DocumentReference",
        "Communication",
    ]


def test_the_fhir_validator_bites():
    """The check above can fail: an unknown element, a date that is not an instant (R4
    DocumentReference.date) or a missing status is refused. fhir.resources checks elements,
    types and required elements, not code value sets: the tests above check the codes."""
    Bundle = _bundle_class()
    n = Note(line="x", date="2026-11-23", language="en", clinician=None, teachback=None,
             content_version="0.1.0", areas=(), area_names=(),
             given=(Given(kind="prepare", id="prepare", title="T", language="en",
                          hash="0123456789ab"),))  # fmt: skip
    good = record.fhir_bundle(n)
    Bundle.model_validate(good)
    for bad in ({"colour": "blue"}, {"date": "2026-11-23"}, {"status": None}):
        data = json.loads(json.dumps(good))
        data["entry"][0]["resource"].update(bad)
        if bad.get("status", "") is None:
            del data["entry"][0]["resource"]["status"]
        with pytest.raises(Exception):  # noqa: B017 - pydantic's ValidationError
            Bundle.model_validate(data)


def test_fhir_is_kept_out_of_the_start_up_path():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from dryneedle_cli.cli import app\n"
        "r = CliRunner().invoke(app, ['note', '--gave', 'aftercare', '--clinician', 'x', "
        "'--fhir'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'fhir', 'pydantic', 'rich'}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "COLUMNS": "100"})  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


# ------------------------------------------------------------------ the installed command


def test_installed_note_pipes_one_line_and_exits_2_on_bad_usage():
    env = {**os.environ, "COLUMNS": "100"}
    run = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{EXE}' note --gave aftercare --clinician X | cat"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0 and run.stdout.count("\n") == 1 and not run.stderr
    bad = subprocess.run([EXE, "note", "--gave", "nekc"], capture_output=True, text=True,
                         env=env, timeout=60)  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and not bad.stdout


def test_the_note_speaks_the_language_the_sheets_print_in(tmp_path):
    """With no --lang, the note takes the language the sheets of the same run print in (the
    profile's language here), so its hash is the one on the printed sheet."""
    profile = tmp_path / "clinic.yaml"
    profile.write_text(
        'name: T\naddress: x\nphone: "1"\nemergency_number: "000"\nlanguage: es\n',
        encoding="utf-8",
    )
    args = ["note", "--gave", "aftercare", "--clinic", str(profile), "--clinician", "A", "--json"]
    env = {"DRYNEEDLE_LANG": "", "LANG": "C", "LC_ALL": "", "LANGUAGE": ""}
    by_profile = CliRunner().invoke(app, args, env=env)
    assert by_profile.exit_code == 0, by_profile.output
    explicit = CliRunner().invoke(app, [*args, "--lang", "es"], env=env)
    doc, want = json.loads(by_profile.stdout), json.loads(explicit.stdout)
    assert doc["language"] == "es" and doc["given"] == want["given"]


@pytest.mark.parametrize(("lang", "word"), [("es", "cuello"), ("fr", "cou")])
def test_a_page_given_by_its_word_in_the_patients_language(lang, word):
    """`--gave cuello --lang es` names the page `explain cuello --lang es` shows: the English
    comparison (was it really translated?) follows the page found, not the word."""
    by_word = note_json("--gave", word, "--lang", lang)
    by_english = note_json("--gave", "neck", "--lang", lang)
    assert by_word["given"] == by_english["given"]
    assert by_word["given"][0]["language"] == lang
