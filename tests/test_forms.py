"""The printed forms: sheet screening and sheet consent, the form code, the copies, and a
clinic's own consent wording. The layout of every page is checked in test_layout.py."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.cli.context import Settings, query
from dryneedle_cli.handouts import handout, printed
from dryneedle_cli.handouts.clinic import Clinic
from dryneedle_cli.render import pdf as form_pdf

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
CLINIC = Clinic(name="Riverside Physiotherapy", phone="555 010 2030", emergency_number="000")


def run(args, **env):
    return runner.invoke(app, args, env={"COLUMNS": "100", **env})


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def code_of(text: str) -> list[str]:
    return re.findall(r"Form ([0-9a-f]{12})\b", text)


@pytest.mark.parametrize("fmt", ["pdf", "html", "md", "txt"])
@pytest.mark.parametrize("which", ["screening", "consent"])
def test_every_form_in_every_format(which, fmt):
    result = run(["sheet", which, "--format", fmt, "-o", "-", "--area", "neck"])
    assert result.exit_code == 0, result.output
    text = pdf_pages(result.stdout_bytes) if fmt == "pdf" else [result.stdout]
    whole = " ".join(text)
    assert code_of(whole), "the form code is printed"
    assert "Content version" in whole
    if which == "screening":
        assert "Not sure" in whole and "Do you take a blood thinner" in whole
    else:
        assert "Signs of a collapsed lung" in whole and "Interpreter" in whole


def test_screening_form_has_boxes_name_date_signature():
    result = run(["sheet", "screening", "-f", "pdf", "-o", "-", "--patient", "Zoë Nguyễn"])
    pages = pdf_pages(result.stdout_bytes)
    page = " ".join(pages)  # 11 pt type: the form takes the pages it needs (issue 23)
    # every question's box (the steps and key points name the box in quotes)
    assert page.count("Not sure") - page.count('"Not sure"') == 28
    assert all("Zoë Nguyễn" in p for p in pages)  # the name on every page
    for word in ("Your name", "Date", "Your signature", "Name of your therapist"):
        assert word in page, word
    rects = pdfplumber_rects(result.stdout_bytes)
    assert rects >= 28 * 3, "a box for each answer"


def pdfplumber_rects(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as doc:
        return sum(len(p.rects) for p in doc.pages)


def test_screening_form_leaves_out_the_slim_question_away_from_the_lungs():
    foot = run(["sheet", "screening", "-f", "txt", "-o", "-", "--area", "foot"]).stdout
    neck = run(["sheet", "screening", "-f", "txt", "-o", "-", "--area", "neck"]).stdout
    assert "Are you very slim?" not in foot and "Are you very slim?" in neck


def test_two_copies_in_one_file_share_one_code(q):
    result = run(["sheet", "consent", "--copies", "2", "-f", "pdf", "-o", "-", "--area", "neck"])
    assert result.exit_code == 0, result.output
    pages = pdf_pages(result.stdout_bytes)
    assert 2 <= len(pages) <= 2 * form_pdf.PAGES["consent"][0], "the pages of two copies"
    half = len(pages) // 2
    clinic, patient = " ".join(pages[:half]), " ".join(pages[half:])
    assert "Clinic copy" in clinic and "Patient copy" not in clinic
    assert "Patient copy" in patient and "Clinic copy" not in patient
    assert "Clinic copy" in pages[0] and "Patient copy" in pages[half], "each copy on new pages"
    codes = set(code_of(clinic)) | set(code_of(patient))
    assert codes == {q.form_hash("consent")}
    for fmt in ("txt", "md", "html"):
        text = run(["sheet", "consent", "--copies", "2", "-f", fmt, "-o", "-"]).stdout
        assert text.count("Clinic copy") >= 1 and text.count("Patient copy") >= 1
        assert set(code_of(text)) == {q.form_hash("consent")}


def test_one_copy_is_within_its_pages_at_normal_size():
    for paper in ("letter", "a4"):
        data = run(["sheet", "consent", "-f", "pdf", "-o", "-", "--paper", paper]).stdout_bytes
        assert 1 <= len(pdf_pages(data)) <= form_pdf.PAGES["consent"][0], paper


def test_the_form_code_is_one_function_of_the_content(q, tmp_path):
    """Query.form_hash: the same for any patient, date, clinician, area and copy; changed by
    what the patient reads (a clinic's added wording, its emergency number in the text);
    different per form."""
    codes = {q.form_hash(k) for k in ("screening", "consent", "prepare", "aftercare")}
    assert len(codes) == 4 and all(re.fullmatch(r"[0-9a-f]{12}", c) for c in codes)
    a = printed.make(q, "consent", ["neck"], clinic=None, patient="A", date="2026-01-01")
    b = printed.make(q, "consent", [], clinic=None, patient="B", clinician="C", copies=2)
    assert a.form_hash == b.form_hash == q.form_hash("consent")
    assert q.form_hash("screening", ["foot"]) == q.form_hash("screening")  # the whole form
    # the consent form says "Call {emergency_number}": the clinic's number is part of its text
    with_clinic = query(Settings(), handout.values_for(CLINIC), quiet=True)
    c = printed.make(with_clinic, "consent", [], clinic=CLINIC, patient="B", copies=2)
    assert c.form_hash == with_clinic.form_hash("consent") != q.form_hash("consent")
    assert with_clinic.form_hash("screening") == q.form_hash("screening")  # no number in it
    clinic = _jurisdiction(tmp_path)
    patched = query(Settings([str(clinic)]), quiet=True)
    assert patched.form_hash("consent") != q.form_hash("consent")
    assert patched.form_hash("screening") == q.form_hash("screening")
    with pytest.raises(Exception, match="no form called"):
        q.form_hash("labels")


def _jurisdiction(tmp_path) -> Path:
    """The content guide's example: a clinic adds its state's wording to the consent form."""
    clinic = tmp_path / "riverside"
    clinic.mkdir()
    (clinic / "consent.patch.yaml").write_text(
        "id: consent\n"
        "add:\n"
        "  references: [riverside-state-rule]\n"
        "  extra_sections:\n"
        "    - heading: What our state asks of us\n"
        "      refs: [riverside-state-rule]\n"
        "      text: >-\n"
        "        We keep a signed copy of this form in your record and give you a copy to take\n"
        "        home.\n"
    )
    (clinic / "references.yaml").write_text(
        "id: references\nreviewed_on: 2026-11-01\nreviewed_by: Riverside Physiotherapy\n"
        "items:\n"
        "  - key: riverside-state-rule\n"
        "    short: State dry needling rule\n"
        "    citation: >-\n"
        "      State Physical Therapy Board. Rule on dry needling: written informed consent.\n"
        "      State rules, 2024.\n"
        "    status: verified\n"
        "    supports: A signed consent form is kept in the record; the patient gets a copy.\n"
    )
    return clinic


def test_a_clinic_adds_its_jurisdictions_wording(tmp_path):
    clinic = _jurisdiction(tmp_path)
    check = run(["validate", str(clinic)])
    assert check.exit_code == 0, check.output
    text = run(["--content-dir", str(clinic), "sheet", "consent", "-f", "txt", "-o", "-"]).stdout
    assert "What our state asks of us" in text and "] State dry needling rule" in text
    # after the information, before the patient's consent
    plan, consent = text.index("\nYour plan"), text.index("\nYour consent\n")
    assert plan < text.index("What our state") < consent
    data = run(["--content-dir", str(clinic), "sheet", "consent", "-f", "pdf", "-o", "-"])
    assert "What our state asks of us" in " ".join(pdf_pages(data.stdout_bytes))


def test_a_clinic_consent_form_without_a_clinician_signature_is_left_out(tmp_path):
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    text = (ROOT / "data" / "consent.yaml").read_text()
    broken = re.sub(r"  - id: clinician\n(    .*\n)+", "", text)
    assert broken != text
    (clinic / "consent.yaml").write_text(broken)
    result = run(["--content-dir", str(clinic), "sheet", "consent", "-f", "txt", "-o", "-"])
    assert result.exit_code == 0
    assert "signature block with id 'clinician'" in result.stderr  # warned, skipped
    assert "I told you about dry needling" in result.stdout  # the built-in form is used
    assert run(["validate", str(clinic)]).exit_code == 3


def test_a_clinic_can_add_a_question(tmp_path):
    clinic = tmp_path / "clinic"
    clinic.mkdir()
    (clinic / "screening.patch.yaml").write_text(
        "id: screening\nadd:\n  questions:\n"
        "    - id: hearing-aid\n      group: heart\n"
        "      question: Do you wear a hearing aid?\n"
        "      why: A clinic's own question.\n      discuss: Where it is.\n"
        "      classes: [{source: kearns-2019, class: ask-only}]\n"
        "      refs: [kearns-2019]\n"
    )
    doc = json.loads(run(["--content-dir", str(clinic), "screen", "--questions", "--json"]).stdout)
    assert doc["questions"][-1]["id"] == "hearing-aid"
    (clinic / "screening.patch.yaml").write_text(
        (clinic / "screening.patch.yaml").read_text().replace("source: kearns-2019", "source: x")
    )
    assert run(["validate", str(clinic)]).exit_code == 3


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["sheet", "screening", "--copies", "2"], "--copies 2 is for the consent form"),
        (["sheet", "consent", "--note", "rest"], "--note is for the aftercare"),
        (["sheet", "consent", "--next-visit", "Tue"], "--next-visit is for the aftercare"),
        (["sheet", "consent", "--copies", "3"], "--copies"),
    ],
)
def test_what_a_form_does_not_use_is_bad_usage(args, words, tmp_path):
    result = run([*args, "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and words in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_form_never_claims_to_meet_a_law():
    for which in ("screening", "consent"):
        text = run(["sheet", which, "-f", "txt", "-o", "-", "--copies", "1"]).stdout.lower()
        for claim in ("complies", "compliant", "meets the requirements", "legally", "law"):
            assert not re.search(rf"\b{claim}\b", text), (which, claim)


def test_names_are_escaped_on_forms():
    name = "Zoë [bold]x[/] <b>y</b> \x1b[31mred"
    for fmt in ("txt", "md", "html"):
        out = run(["sheet", "consent", "-f", fmt, "-o", "-", "--patient", name]).stdout
        assert "\x1b" not in out
        if fmt == "html":
            assert "<b>y</b>" not in out and "&lt;b&gt;y&lt;/b&gt;" in out
        if fmt == "md":
            assert "<b>" not in out
