"""The consult screen a patient reads (issue 12, new-user trial item 7): no ids or codes on a
terminal, sources as [1] marks with the full list behind --refs, a reading width of at most 88
columns, and a pager for long pages only on a terminal."""

from __future__ import annotations

import io
import json
import re
import shlex
import sys

import pytest
from rich.console import Console
from typer.testing import CliRunner

from dryneedle_cli.cli import app
from dryneedle_cli.cli.options import Color
from dryneedle_cli.cli.output import choose_format, choose_pager
from dryneedle_cli.render import plain, terminal
from dryneedle_cli.render.terminal import READ_WIDTH, TerminalRenderer, page_through

runner = CliRunner()


def _screen(q, words, width, refs=False, which=None) -> str:
    fmt = choose_format(False, False, Color.auto, {}, isatty=True)
    assert fmt == "terminal"
    out = io.StringIO()
    view = q.sheet(which, ["neck"]) if which else q.explain(words)
    terminal.page(view, Console(file=out, width=width, color_system=None), refs=refs)
    return out.getvalue()


@pytest.mark.parametrize("width", [80, 120])
def test_patient_view_has_no_ids_codes_or_citations(q, width):
    text = _screen(q, "neck", width)
    assert "M54.2" not in text and "ICD-10" not in text
    assert "(upper-back-pain)" not in text and "(whiplash)" not in text
    assert "Whiplash; Upper back and shoulder tension" in " ".join(text.split())
    assert "[1]" in text and "Kietrys" not in text and "doi:" not in text
    # says how to see the sources, without asking the patient to type a flag
    assert "Ask your therapist if you want to see the list." in " ".join(text.split())
    assert "--refs" not in text


@pytest.mark.parametrize("width", [80, 120, 200])
def test_reading_width_is_at_most_88_columns(q, width):
    lines = _screen(q, "neck", width).splitlines()
    widest = max(len(line.rstrip()) for line in lines)
    assert widest <= min(width, READ_WIDTH)
    assert widest > 70  # and it does use the width it has


def test_refs_lists_the_sources_under_their_marks(q):
    text = _screen(q, "neck", 80, refs=True)
    assert "[1] Kietrys et al. 2013." in text and "doi:10.2519/jospt.2013.4668" in text
    assert "--refs" not in text


def test_sheets_too_hide_citations_on_screen(q):
    text = _screen(q, None, 80, which="aftercare")
    assert "[1]" in text and "doi:" not in text


def test_plain_and_json_keep_ids_codes_and_full_references():
    out = runner.invoke(app, ["explain", "neck", "--plain"]).stdout
    assert "M54.2" in out and "(upper-back-pain)" in out and "doi:10.2519/jospt.2013.4668" in out
    doc = json.loads(runner.invoke(app, ["explain", "neck", "--json"]).stdout)
    assert doc["icd10"] == ["M54.2"] and doc["id"] == "neck-pain"
    assert any("jospt.2013.4668" in (r.get("doi") or "") for r in doc["references"])


def test_refs_and_no_pager_are_options_of_the_screen_commands():
    for command in (["explain", "neck"], ["prepare"], ["aftercare"]):
        result = runner.invoke(app, [*command, "--refs", "--no-pager", "--color", "always"])
        assert result.exit_code == 0, result.output
        assert "Kietrys" in result.stdout or "References" in result.stdout


@pytest.mark.parametrize(
    ("fmt", "no_pager", "env", "tty", "expected"),
    [
        ("terminal", False, {}, True, "less -R"),
        ("terminal", False, {"PAGER": "more"}, True, "more"),
        ("terminal", False, {"PAGER": ""}, True, "less -R"),
        ("terminal", True, {}, True, None),  # --no-pager
        ("terminal", False, {}, False, None),  # FORCE_COLOR into a pipe: never paged
        ("plain", False, {}, True, None),
        ("json", False, {}, True, None),
    ],
)
def test_choose_pager(fmt, no_pager, env, tty, expected):
    assert choose_pager(fmt, no_pager, env, tty) == expected


def _renderer(pager: str, out) -> TerminalRenderer:
    r = TerminalRenderer(out, force_terminal=True, pager=pager)
    r.console.height = 10
    return r


def test_long_page_goes_through_the_pager(q, tmp_path):
    got = tmp_path / "paged.txt"
    script = f"import sys; open({str(got)!r}, 'w').write(sys.stdin.read())"
    out = io.StringIO()
    _renderer(f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}", out).show(
        q.explain("neck")
    )
    assert out.getvalue() == ""
    assert "Neck pain" in got.read_text(encoding="utf-8")


def test_missing_pager_falls_back_to_printing(q):
    out = io.StringIO()
    _renderer("no-such-pager-dryneedle", out).show(q.explain("neck"))
    assert "Neck pain" in re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())
    assert page_through("no-such-pager-dryneedle", "x") is False
    assert page_through("", "x") is False


def test_short_page_is_not_paged(q, tmp_path):
    got = tmp_path / "paged.txt"
    script = f"import sys; open({str(got)!r}, 'w').write(sys.stdin.read())"
    out = io.StringIO()
    pager = f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}"
    r = TerminalRenderer(out, force_terminal=True, pager=pager)
    r.console.height = 500
    r.show(q.explain("LTR"))
    assert "twitch" in out.getvalue() and not got.exists()


def test_plain_text_of_a_page_is_unchanged_by_the_patient_view(q):
    assert "[apta-2012]" in plain.render(q.explain("neck"))
