"""Teach-back: key points and open questions on every page, `dryneedle teachback`, the closed
openers `validate` refuses, and the key points box on the preparation sheet."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.content import teachback as checks
from dryneedle_cli.query import teachback

runner = CliRunner()
EXE = str(Path(sys.executable).parent / "dryneedle")
SCHEMAS = Path(__file__).resolve().parent.parent / "dryneedle_cli" / "schemas"
AU = 'name: "Harbour Physio"\nphone: "02 9999 0000"\nemergency_number: "000"\n'


def invoke(*args, **env):
    return runner.invoke(app, list(args), env={"COLUMNS": "100", **env})


def _pages(kb):
    yield "overview", kb.topics[kb.labels.overview_topic]
    yield from ((f"topic {t}", d) for t, d in kb.topics.items())
    yield from ((f"condition {c}", d) for c, d in kb.conditions.items())
    yield "prepare", kb.prepare
    yield "aftercare", kb.aftercare


# ------------------------------------------------------------------ the content


def test_every_page_has_two_or_three_key_points_and_one_or_two_questions(kb):
    assert len(kb.topics) == 15 and len(kb.conditions) == 22
    bad = []
    for name, doc in _pages(kb):
        general = [p for p in doc.key_points if not p.areas and not p.near_lungs]
        # the printed sheets' key-points box holds 3 to 5 (issue 23, PEMAT-P item 11)
        most = 5 if name in ("prepare", "aftercare") else 3
        if not 2 <= len(general) <= most or len(doc.key_points) > most:
            bad.append(f"{name}: {len(doc.key_points)} key points")
        if not 1 <= len(doc.teachback) <= 2:
            bad.append(f"{name}: {len(doc.teachback)} questions")
    assert not bad, bad


def test_built_in_key_points_and_questions_have_no_problems(kb):
    """Every key point sourced, one short sentence, citing only what its page cites; every
    question open."""
    found = {name: list(checks.problems(doc)) for name, doc in _pages(kb)}
    assert not {k: v for k, v in found.items() if v}


def test_area_specific_points_use_the_near_lungs_flag(kb):
    lung = [p for p in kb.aftercare.key_points if p.near_lungs]
    assert lung and not any(p.areas for p in kb.aftercare.key_points)


@pytest.mark.parametrize(
    "question",
    [
        "Do you understand what to watch for?",
        "do you have any questions?",
        "DOES THAT MAKE SENSE?",
        "  Any questions?",
        "Is that clear?",
        "Got it?",
        "OK?",
        "¿Entiende lo que debe vigilar?",
        "Avez-vous compris?",
        "Des questions?",
    ],
)
def test_closed_openers_are_found(question):
    assert checks.closed_opener(question)


@pytest.mark.parametrize(
    "question",
    [
        "In your own words, what will you watch for in the next two days?",
        "What do you understand about the risks?",
        "How would you explain it to a friend?",
        "Con sus propias palabras, ¿qué vigilará?",
        "Quelles questions poserez-vous à votre clinicien?",
    ],
)
def test_open_questions_pass(question):
    assert checks.closed_opener(question) is None


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_validate_rejects_a_closed_opener_with_file_field_and_fix(data_copy):
    f = data_copy / "topics" / "side-effects.yaml"
    _edit(
        f,
        "  - text: What will you do if you feel sleepy after a visit?",
        "  - text: Do you understand what to do if you feel sleepy?",
    )
    result = invoke("validate", "--json", DRYNEEDLE_DATA_DIR=str(data_copy))
    assert result.exit_code == 3, result.output
    errors = json.loads(result.stdout)["errors"]
    assert len(errors) == 1
    e = errors[0]
    assert e["file"].endswith("side-effects.yaml") and e["line"]
    assert "teachback[1].text" in e["field"]
    assert "Do you understand" in e["message"] and "In your own words" in e["message"]


def test_validate_rejects_a_closed_opener_in_a_translation_mapping(data_copy):
    f = data_copy / "topics" / "side-effects.yaml"
    _edit(
        f,
        "  - text: What will you do if you feel sleepy after a visit?",
        "  - text: {en: What will you do if you feel sleepy?, es: ¿Entiende qué hacer?}",
    )
    result = invoke("validate", "--json", DRYNEEDLE_DATA_DIR=str(data_copy))
    assert result.exit_code == 3
    assert "teachback[1].text.es" in json.loads(result.stdout)["errors"][0]["field"]


def test_a_key_point_needs_a_reference(data_copy):
    f = data_copy / "topics" / "trigger-points.yaml"
    _edit(f, "refs: [dunning-2014]\nteachback:", "refs: []\nteachback:")
    result = invoke("validate", "--json", DRYNEEDLE_DATA_DIR=str(data_copy))
    assert result.exit_code == 3
    error = json.loads(result.stdout)["errors"][0]
    assert "key_points[2].refs" in error["field"] and "refs: [key]" in error["message"]


def test_a_key_point_citing_a_new_source_or_running_long_is_a_warning(data_copy):
    import shutil

    # the key-point rules alone: an edit of a built-in English file is also a mismatch of its
    # translations (an error of its own, tested in test_i18n), so this copy has none
    shutil.rmtree(data_copy / "i18n")
    f = data_copy / "topics" / "trigger-points.yaml"
    _edit(f, "refs: [dunning-2014]\nteachback:", "refs: [dunning-2014, brady-2014]\nteachback:")
    _edit(f, "references: [apta-2012,", "references: [brady-2014, apta-2012,")
    _edit(
        f,
        "  - text: Dry needling aims at these spots.",
        "  - text: Dry needling aims at these spots. It is used by many clinicians.",
    )
    result = invoke("validate", "--json", DRYNEEDLE_DATA_DIR=str(data_copy))
    assert result.exit_code == 0, result.output
    messages = [w["message"] for w in json.loads(result.stdout)["warnings"]]
    assert any("'brady-2014' is not used anywhere else on this page" in m for m in messages)
    assert any("one short sentence" in m for m in messages)


def test_the_reading_gate_measures_every_teachback_screen(q):
    from dryneedle_cli.checks.readability import PAGE_LIMIT, table

    rows = {r.name: r for r in table(q)}
    screens = [n for n in rows if n.startswith("teachback ")]
    assert len(screens) == 1 + 15 + 22 + 4  # overview, topics, conditions, sheets x 2
    assert "teachback aftercare (all areas)" in screens
    assert all(rows[n].grade <= PAGE_LIMIT for n in screens)


def test_the_reading_gate_sees_a_hard_key_point(data_copy):
    from dryneedle_cli.checks.readability import PAGE_LIMIT, table
    from dryneedle_cli.content.build import build_dir
    from dryneedle_cli.query.pages import Query

    f = data_copy / "topics" / "trigger-points.yaml"
    _edit(
        f,
        "  - text: Dry needling aims at these spots.",
        "  - text: Intramuscular stimulation necessitates comprehensive neuromusculoskeletal "
        "examination incorporating biopsychosocial considerations.",
    )
    rows = {r.name: r for r in table(Query(build_dir(data_copy)))}
    assert rows["teachback trigger-points"].grade > PAGE_LIMIT


# ------------------------------------------------------------------ the command


def test_teachback_shows_points_questions_and_the_opener():
    result = invoke("teachback", "neck", "--plain")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Neck pain\n=========\n")
    assert "I want to be sure I explained this clearly" in out
    assert "1. The needle aims at tight spots in your neck and shoulder muscles." in out
    assert "- In your own words, what may dry needling do for your neck?" in out
    # key points name no sources (issue 23: the rule of every patient view, ``views.Marks``);
    # their keys stay in --json, and the page's sources in `explain neck --refs`
    assert "Sources:" not in out and "[apta-2012]" not in out


def test_no_words_is_the_overview():
    result = invoke("teachback", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["kind"] == "overview" and doc["id"] == "what-is-dry-needling"
    assert len(doc["key_points"]) == 3


def test_the_same_matcher_as_explain():
    for words in (["stiff", "neck"], ["M54.2"], ["neck"]):
        assert json.loads(invoke("teachback", *words, "--json").stdout)["id"] == "neck-pain"


@pytest.mark.parametrize(
    ("areas", "lung"),
    [([], True), (["--area", "knee"], False), (["--area", "neck"], True),
     (["--area", "knee", "--area", "chest"], True)],
)  # fmt: skip
def test_aftercare_points_follow_the_areas(areas, lung):
    result = invoke("teachback", "aftercare", *areas, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    texts = " ".join(p["text"] for p in doc["key_points"])
    assert ("breathing and chest signs" in texts) is lung
    assert len(doc["questions"]) == (2 if lung else 1)
    assert "911" in texts and "{emergency_number}" not in texts


def test_the_clinics_emergency_number_fills_the_points(tmp_path):
    profile = tmp_path / "clinic.yaml"
    profile.write_text(AU)
    result = invoke("teachback", "warning", "signs", "--plain", f"--clinic={profile}")
    assert result.exit_code == 0, result.output
    assert "Call 000 right away" in result.stdout and "911" not in result.stdout


def test_area_with_a_topic_is_bad_usage():
    result = invoke("teachback", "neck", "--area", "neck")
    assert result.exit_code == 2
    assert "--area goes with 'aftercare' or 'prepare'" in result.stderr


def test_a_typo_is_not_found_with_suggestions():
    typo = invoke("teachback", "nekc")
    assert typo.exit_code == 1 and "Did you mean" in typo.stderr and "Neck pain" in typo.stderr


def test_a_glossary_term_without_a_page_says_so(q, kb):
    term = next(t for t in kb.glossary.values() if t.see is None)
    from dryneedle_cli.errors import NotFound

    with pytest.raises(NotFound, match="glossary term"):
        teachback.view(q, term.id)


def test_a_clinic_page_without_key_points_is_not_found_with_the_fix(tmp_path):
    topics = tmp_path / "clinic" / "topics"
    topics.mkdir(parents=True)
    (topics / "parking.yaml").write_text(
        "id: parking\nreviewed_on: 2026-11-23\nreviewed_by: front desk\n"
        "title: Parking\nsummary: Where to park.\nsections: []\n"
    )
    result = invoke("--content-dir", str(tmp_path / "clinic"), "teachback", "parking")
    assert result.exit_code == 1
    assert "has no key points" in result.stderr and "key_points" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["teachback"], ["teachback", "neck"], ["teachback", "aftercare", "--area", "neck"],
     ["teachback", "prepare"], ["teachback", "tennis", "elbow"]],
)  # fmt: skip
def test_json_matches_its_schema(args):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        resources += [(schema["$id"], Resource.from_contents(schema)),
                      (path.name, Resource.from_contents(schema))]  # fmt: skip
    schema = json.loads((SCHEMAS / "teachback.schema.json").read_text())
    validator = Draft202012Validator(schema, registry=Registry().with_resources(resources))
    result = invoke(*args, "--json")
    assert result.exit_code == 0
    errors = list(validator.iter_errors(json.loads(result.stdout)))
    assert not errors, errors[0].message


def test_terminal_is_the_patient_view_no_ids():
    result = invoke("teachback", "neck", "--color", "always", COLUMNS="80")
    assert result.exit_code == 0
    out = result.stdout
    assert "Key points" in out and "In your own words" in out
    for clinician_only in ("neck-pain", "apta-2012", "Sources:", "M54"):
        assert clinician_only not in out
    # no marks on key points (issue 23), so no hint about marks and no list, even with --refs
    assert "[1]" not in out and "Ask your therapist" not in out and "--refs" not in out
    with_refs = invoke("teachback", "neck", "--color", "always", "--refs").stdout
    assert "[1]" not in with_refs and "American Physical Therapy Association" not in with_refs


def test_hostile_key_point_text_is_shown_not_obeyed(tmp_path):
    topics = tmp_path / "clinic" / "topics"
    topics.mkdir(parents=True)
    (topics / "odd.yaml").write_text(
        "id: odd\nreviewed_on: 2026-11-23\nreviewed_by: x\nreferences: [apta-2012]\n"
        "title: Odd\nsummary: Odd page.\n"
        "sections:\n  - heading: A\n    refs: [apta-2012]\n    text: A.\n"
        'key_points:\n  - text: "[bold red]Loud[/] \\e[31mred\\e[0m \\e]0;title\\a"\n'
        "    refs: [apta-2012]\n"
        "teachback:\n  - text: In your own words, what is odd?\n"
    )
    for fmt in (["--color", "always"], ["--plain"], ["--json"]):
        result = invoke("--content-dir", str(tmp_path / "clinic"), "teachback", "odd", *fmt)
        assert result.exit_code == 0, result.output
        raw = result.stdout
        if fmt[0] == "--json":
            assert "\x1b" not in raw and "\\u001b[31m" in raw
        else:
            assert "\x1b]0;" not in raw and "\x1b[31mred" not in raw
            assert "[bold red]Loud[/]" in raw and "\\x1b[31m" in raw


def test_teachback_through_a_pipe_and_head_ends_quietly():
    assert Path(EXE).exists()
    env = {**os.environ, "COLUMNS": "100"}
    run = subprocess.run(
        ["bash", "-c", f"set -o pipefail; '{EXE}' teachback aftercare --area neck | head -1"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0 and run.stdout == "After dry needling\n" and not run.stderr
    bad = subprocess.run(
        [EXE, "teachback", "neck", "--area", "neck"], capture_output=True, text=True, env=env,
        timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and not bad.stdout


# ------------------------------------------------------------------ the sheets


def test_both_sheets_print_their_key_points(kb):
    prepare = invoke("sheet", "prepare", "--format", "txt", "-o", "-")
    assert prepare.exit_code == 0
    assert "Key points\n----------\n- Bring a list of all the medicines you take." in prepare.stdout
    aftercare = invoke("sheet", "aftercare", "--area", "neck", "--format", "txt", "-o", "-")
    assert aftercare.exit_code == 0 and "Key points\n----------\n- " in aftercare.stdout


def test_the_key_points_box_is_on_the_first_page_of_the_pdf(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "prepare.pdf"
    result = invoke("sheet", "prepare", "--area", "neck", "-o", str(out))
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Key points" in text and "You can say no or stop at any time." in text
    import pdfplumber

    with pdfplumber.open(str(out)) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
        pairs = zip(words, words[1:], strict=False)
        head = next(w for w, after in pairs if (w["text"], after["text"]) == ("Key", "points"))
        boxes = [
            r for r in page.rects
            if r["x0"] < head["x0"] and r["top"] < head["top"] and r["bottom"] > head["bottom"] + 20
        ]  # fmt: skip
        assert boxes, "the key points are not drawn in a box"


def test_html_and_markdown_box_the_key_points():
    html = invoke("sheet", "prepare", "--format", "html", "-o", "-").stdout
    assert '<section class="keypoints"><h2>Key points</h2>' in html
    md = invoke("sheet", "prepare", "--format", "md", "-o", "-").stdout
    assert "> **Key points**" in md


@pytest.mark.parametrize(
    ("lang", "heading", "opener"),
    [("es", "Puntos clave", "Quiero asegurarme"), ("fr", "Points clés", "Je veux m'assurer")],
)
def test_teachback_speaks_the_chosen_language(lang, heading, opener):
    result = invoke("teachback", "aftercare", "--area", "neck", "--lang", lang, "--plain")
    assert result.exit_code == 0, result.output
    assert heading in result.stdout and opener in result.stdout
    assert "Key points" not in result.stdout and "In your own words" not in result.stdout
    data = json.loads(invoke("teachback", "--lang", lang, "--json").stdout)
    assert data["lang"] == lang


def test_teachback_refuses_a_language_that_does_not_ship():
    result = invoke("teachback", "--lang", "de")
    assert result.exit_code == 2
    assert "en, es, fr" in result.stderr


def test_teachback_of_an_untranslated_page_is_never_mixed(tmp_path):
    topic = (Path(__file__).parent.parent / "data" / "topics" / "exercise.yaml").read_text()
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "my-exercise.yaml").write_text(
        topic.replace("id: exercise", "id: my-exercise", 1)
    )
    base = ("--content-dir", str(tmp_path), "teachback", "my-exercise", "--plain")
    strict = invoke(*base, "--lang", "es")
    assert strict.exit_code == 1
    assert "not translated into Spanish" in strict.stderr and strict.stdout == ""
    soft = runner.invoke(app, list(base), env={"COLUMNS": "100", "LANG": "es_MX.UTF-8"})
    assert soft.exit_code == 0
    assert "Key points" in soft.stdout and "Puntos clave" not in soft.stdout
    assert "shown in English" in soft.stderr
