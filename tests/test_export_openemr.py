"""``dryneedle export openemr DIR`` (issue 24): OpenEMR's local education files,
``icd10_<code>_<lang>.pdf`` in lower case with the dot kept, for every code and language; never
over a file without --force, never outside DIR, one line per problem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.integrate import openemr as oe

runner = CliRunner()
DATA = Path(__file__).resolve().parent.parent / "data"


def invoke(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "100"})


def expected_names(kb, langs=("en", "es", "fr")) -> set[str]:
    """Every code of every condition, as the content writes it, in OpenEMR's naming."""
    codes = {x for c in kb.conditions.values() for x in (*c.icd10, *c.icd10_cm)}
    return {f"icd10_{code.lower()}_{lang}.pdf" for code in codes for lang in langs}


@pytest.fixture
def stub_pdf(monkeypatch):
    """The PDF renderer replaced by one that writes the page's title and language: the names,
    the refusals and the folder are checked without drawing 84 PDFs (one real one below)."""
    from dryneedle_cli import render

    def document(h, fmt, font=None):
        assert fmt == "pdf"
        return f"%PDF-stub {h.page.lang} {h.page.title}".encode()

    monkeypatch.setattr(render, "document", document)


def test_file_names_follow_openemr(kb):
    names = {p.name for p in oe.plan(kb, ("en", "es", "fr"))}
    assert names == expected_names(kb)
    assert "icd10_m54.2_en.pdf" in names and "icd10_m54.50_es.pdf" in names  # dot kept
    assert "icd10_k07.6_fr.pdf" in names and "icd10_m26.6_fr.pdf" in names  # WHO and CM
    assert all(n == n.lower() for n in names)
    shared = {p.code: p.ids for p in oe.plan(kb, ("en",))}["M79.1"]
    assert set(shared) == {"calf-tightness", "buttock-pain", "myofascial-pain-syndrome",
                           "upper-back-pain"}  # fmt: skip


@pytest.mark.parametrize("code", ["../x", "m54/2", ".m54", "", "m54 2", "m54\x00"])
def test_a_code_that_is_not_a_plain_name_is_refused(code):
    with pytest.raises(ValueError):
        oe.file_name(code, "en")


def test_every_code_and_language_is_written(tmp_path, stub_pdf, kb):
    folder = tmp_path / "education"
    result = invoke("export", "openemr", str(folder))
    assert result.exit_code == 0, result.output
    assert {p.name for p in folder.iterdir()} == expected_names(kb)
    assert (folder / "icd10_m54.2_es.pdf").read_bytes() == b"%PDF-stub es Dolor de cuello"
    assert (folder / "icd10_m54.2_fr.pdf").read_bytes().startswith(b"%PDF-stub fr ")
    # a code naming several conditions: each page in turn, in one file
    shared = (folder / "icd10_m79.1_en.pdf").read_bytes().decode()
    assert "Myofascial pain" in shared and "Buttock pain" in shared
    assert f"Wrote {len(expected_names(kb))} files" in result.stderr


def test_only_the_languages_asked(tmp_path, stub_pdf, kb):
    result = invoke("export", "openemr", str(tmp_path), "--lang", "es")
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == expected_names(kb, ("es",))
    result = invoke("export", "openemr", str(tmp_path / "x"), "--lang", "de")
    assert result.exit_code == 2 and "de" in result.stderr
    assert not (tmp_path / "x").exists()


def test_nothing_is_replaced_without_force(tmp_path, stub_pdf, kb):
    assert invoke("export", "openemr", str(tmp_path), "--lang", "en").exit_code == 0
    mine = tmp_path / "icd10_m54.2_en.pdf"
    mine.write_bytes(b"the clinic's own file")
    result = invoke("export", "openemr", str(tmp_path), "--lang", "en", "--lang", "es")
    assert result.exit_code == 4
    lines = [x for x in result.stderr.splitlines() if "already exists" in x]
    assert len(lines) == len(expected_names(kb, ("en",)))  # one line per file
    assert mine.read_bytes() == b"the clinic's own file"
    assert not list(tmp_path.glob("*_es.pdf"))  # nothing written while any file is there
    result = invoke("export", "openemr", str(tmp_path), "--lang", "en", "--force")
    assert result.exit_code == 0, result.output
    assert mine.read_bytes() == b"%PDF-stub en Neck pain"


def test_never_writes_outside_the_folder(tmp_path, stub_pdf):
    folder, outside = tmp_path / "education", tmp_path / "outside.pdf"
    folder.mkdir()
    outside.write_bytes(b"keep")
    os.symlink(outside, folder / "icd10_m54.2_en.pdf")
    result = invoke("export", "openemr", str(folder), "--lang", "en", "--force")
    assert result.exit_code == 1
    assert outside.read_bytes() == b"keep"
    (line,) = [x for x in result.stderr.splitlines() if "icd10_m54.2_en.pdf" in x]
    assert "not written" in line
    assert (folder / "icd10_m54.6_en.pdf").exists()  # the others are written
    assert {p.parent for p in tmp_path.rglob("*.pdf")} <= {folder, tmp_path}


def test_a_file_where_the_folder_should_be(tmp_path, stub_pdf):
    target = tmp_path / "education"
    target.write_text("x")
    result = invoke("export", "openemr", str(target))
    assert result.exit_code == 4 and "not a folder" in result.stderr
    assert target.read_text() == "x"


def test_a_page_that_cannot_be_given_is_one_line_the_rest_written(tmp_path, monkeypatch):
    from dryneedle_cli.errors import NotTranslated
    from dryneedle_cli.integrate import documents

    real = documents.page_handout

    def page_handout(q, kind, ident, **kw):
        if ident == "neck-pain" and q.lang == "fr":
            raise NotTranslated("Neck pain is not translated into French (fr)")
        return real(q, kind, ident, **kw)

    monkeypatch.setattr(documents, "page_handout", page_handout)
    from dryneedle_cli.content.build import Layer, build
    from dryneedle_cli.query.pages import Query

    built = build([Layer("built-in", DATA, True)], langs=("fr",))
    queries = {"en": Query(built.kb), "fr": Query(built.translated["fr"])}
    result = oe.export(queries.__getitem__, tmp_path, ["fr"], only=["M54.2", "M54.6", "Z99"],
                       render=lambda h: b"%PDF-stub")  # fmt: skip
    assert [p.name for p in result.written] == ["icd10_m54.6_fr.pdf"]
    assert result.problems == [
        "Z99: no page has this ICD-10 code; nothing written",
        "icd10_m54.2_fr.pdf: not written: Neck pain is not translated into French (fr)",
    ]


def test_the_files_are_the_sheets_pdf(tmp_path, kb):
    """One file through the real renderer: a PDF of the condition's page, in its language."""
    from io import BytesIO

    from pypdf import PdfReader

    from dryneedle_cli.content.build import Layer, build
    from dryneedle_cli.query.pages import Query

    built = build([Layer("built-in", DATA, True)], langs=("es",))
    queries = {"en": Query(built.kb), "es": Query(built.translated["es"])}
    result = oe.export(queries.__getitem__, tmp_path, ["es"], only=["m54.2"])
    assert result.problems == [] and [p.name for p in result.written] == ["icd10_m54.2_es.pdf"]
    data = result.written[0].read_bytes()
    assert data.startswith(b"%PDF-")
    text = PdfReader(BytesIO(data)).pages[0].extract_text()
    assert "Dolor de cuello" in text


def test_a_code_naming_several_conditions_holds_each_page_in_turn(q):
    ids = ("buttock-pain", "calf-tightness")
    h = oe.handout_for(q, ids)
    pages = [q.page_of("condition", i) for i in ids]
    headings = [s.heading for s in h.page.sections]
    for p in pages:
        assert p.title in headings  # each page's title, then its sections
        for s in p.sections:
            assert s.heading in headings
    assert h.page.lang == "en" and h.page.status
