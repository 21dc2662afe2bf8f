"""A document format's capabilities are declared once, in its ``render.DOCUMENTS`` entry, and
every check reads them there: a table test over every format, and a flipped capability that
the CLI, the session and the service follow."""

from __future__ import annotations

import importlib

import pytest
from typer.testing import CliRunner

from dryneedle_cli import render
from dryneedle_cli.cli import app
from dryneedle_cli.render import DOCUMENTS, EXTENSIONS
from dryneedle_cli.session import Environment, Session, SheetRequest

runner = CliRunner()
FORMATS = list(DOCUMENTS)


def sheet(tmp_path, *args):
    tmp_path.mkdir(parents=True, exist_ok=True)
    return runner.invoke(
        app, ["sheet", "aftercare", "--area", "neck", "-o", str(tmp_path / "x"), *args]
    )


def test_every_entry_has_one_module_for_sheets_and_forms():
    for fmt, doc in DOCUMENTS.items():
        assert callable(importlib.import_module(f"dryneedle_cli.render.{doc.module}").render), fmt
        assert all(EXTENSIONS[ext] == fmt for ext in doc.extensions)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_session_gives_the_entry_s_media_type_and_extension(tmp_path, fmt):
    env = Environment.fake(config_dir=tmp_path / "c", cache_dir=None)
    made = Session(env).sheet(SheetRequest("aftercare", areas=("neck",), format=fmt))
    assert made.media_type == DOCUMENTS[fmt].media_type
    assert made.filename.endswith(DOCUMENTS[fmt].extensions[0])
    assert isinstance(made.data, bytes) and made.data


@pytest.mark.parametrize("fmt", FORMATS)
def test_paper_and_large_print_follow_the_entry(tmp_path, fmt):
    for flag in (["--paper", "a4"], ["--large-print"]):
        done = sheet(tmp_path / fmt / flag[0].strip("-"), "-f", fmt, *flag)
        if DOCUMENTS[fmt].paper:
            assert done.exit_code == 0, done.output
        else:
            assert done.exit_code == 2, done.output
            assert f"a {DOCUMENTS[fmt].name} file has no paper" in done.output


@pytest.mark.parametrize("fmt", [f for f in FORMATS if not DOCUMENTS[f].printable])
def test_print_is_refused_for_a_format_the_entry_says_does_not_print(tmp_path, fmt):
    done = sheet(tmp_path, "-f", fmt, "--print")
    assert done.exit_code == 2, done.output
    assert DOCUMENTS[fmt].name in done.output


@pytest.mark.parametrize("fmt", FORMATS)
def test_font_follows_the_entry(tmp_path, fmt):
    done = sheet(tmp_path, "-f", fmt, "--font", str(tmp_path / "none.ttf"))
    if DOCUMENTS[fmt].font:
        assert done.exit_code == 4, done.output  # the font is read, and it is missing
    else:
        assert done.exit_code == 2, done.output
        assert "--font is for" in done.output


def test_a_flipped_capability_is_followed_everywhere(tmp_path, monkeypatch):
    """Markdown given paper in its entry: the CLI takes --paper for it, the service's check
    too; no second list anywhere still refuses it."""
    monkeypatch.setitem(DOCUMENTS, "md", DOCUMENTS["md"]._replace(paper=True))
    assert "md" in render.formats_that("paper")
    done = sheet(tmp_path, "-f", "md", "--paper", "a4")
    assert done.exit_code == 0, done.output
    monkeypatch.setitem(DOCUMENTS, "pdf", DOCUMENTS["pdf"]._replace(paper=False))
    done = sheet(tmp_path / "p", "-f", "pdf", "--paper", "a4")
    assert done.exit_code == 2 and "a PDF file has no paper" in done.output


@pytest.mark.parametrize(
    ("which", "flag", "refused"),
    [
        ("aftercare", ["--copies", "2"], "--copies 2 is for the consent form"),
        ("prepare", ["--copies", "2"], "--copies 2 is for the consent form"),
        ("screening", ["--copies", "2"], "--copies 2 is for the consent form"),
        ("screening", ["--note", "Heat tonight"], "--note is for the aftercare and prepare"),
        ("consent", ["--next-visit", "Tue 10:00"], "--next-visit is for the aftercare and"),
    ],
)
def test_one_maker_refuses_what_only_the_other_kind_takes(tmp_path, which, flag, refused):
    """Never silently dropped: a sheet given --copies 2 (it used to be ignored), a form given
    a sheet's option."""
    done = runner.invoke(
        app, ["sheet", which, "--area", "neck", "-f", "txt", "-o", str(tmp_path / "x"), *flag]
    )
    assert done.exit_code == 2, done.output
    assert refused in done.output
    assert not (tmp_path / "x").exists()


def test_a_batch_of_sheets_with_copies_2_stops_before_any_row(tmp_path):
    rows = tmp_path / "day.csv"
    rows.write_text("patient,areas\nA,neck\nB,neck\n")
    done = runner.invoke(
        app,
        ["sheet", "aftercare", "--batch", str(rows), "--out-dir", str(tmp_path / "out"),
         "-f", "txt", "--copies", "2"],
    )  # fmt: skip
    assert done.exit_code == 2, done.output
    assert done.output.count("--copies 2 is for the consent form") == 1
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
