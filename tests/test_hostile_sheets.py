"""Hostile input on the sheet path (hostile-input report, items left unclear): SVG logos that
script, link or explode; CSVs whose quote is left open or whose column is named twice; an
argument thousands of characters long echoed in a message."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app

runner = CliRunner()
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
SVG += 'viewBox="0 0 40 20">'


def profile_with_logo(tmp_path: Path, svg: str) -> Path:
    (tmp_path / "logo.svg").write_text(svg, encoding="utf-8")
    profile = tmp_path / "clinic.yaml"
    profile.write_text('name: Test Physio\nphone: "555 0100"\nlogo: logo.svg\n')
    return profile


def use_bomb(levels: int = 6) -> str:
    parts = [SVG, '<defs><rect id="l0" width="1" height="1"/>']
    for i in range(1, levels + 1):
        parts.append(f'<g id="l{i}">' + f'<use xlink:href="#l{i - 1}"/>' * 10 + "</g>")
    return "".join(parts) + f'</defs><use xlink:href="#l{levels}"/></svg>'


HOSTILE_SVGS = {
    "script": SVG + "<script>alert(1)</script><rect width='4' height='4'/></svg>",
    "onload": SVG.replace("viewBox", 'onload="alert(1)" viewBox') + "</svg>",
    "onclick": SVG + '<rect width="4" height="4" onclick="alert(1)"/></svg>',
    "foreign": SVG + "<foreignObject><body>hi</body></foreignObject></svg>",
    "link": SVG + '<a href="#x"><rect width="4" height="4"/></a></svg>',
    "animate": SVG + '<rect width="4" height="4"><set attributeName="fill" to="red"/></rect></svg>',
    "data-svg": SVG + '<image href="data:image/svg+xml;base64,PHN2Zy8+"/></svg>',
    "data-html": SVG + '<image href="data:text/html,&lt;script&gt;"/></svg>',
    "javascript": SVG + '<image href="javascript:alert(1)"/></svg>',
    "use-bomb": use_bomb(),
    "use-loop": SVG + '<g id="a"><use xlink:href="#a"/></g></svg>',
    "use-cycle": SVG + '<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>',
    "too-many": SVG + "<rect/>" * 20_001 + "</svg>",
    "deep": SVG + "<g>" * 6000 + "</g>" * 6000 + "</svg>",
    "huge-file": SVG + "<!--" + "x" * (600 * 1024) + "--></svg>",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_SVGS))
@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_hostile_N22_svg_logo_that_is_more_than_a_drawing_is_refused(tmp_path, case, fmt):
    profile = profile_with_logo(tmp_path, HOSTILE_SVGS[case])
    out = tmp_path / f"s.{fmt}"
    result = runner.invoke(app, ["sheet", "aftercare", "--clinic", str(profile), "-o", str(out)])
    assert result.exit_code == 3, (case, result.output)
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "(field 'logo')" in err and "clinic.yaml:3" in err
    assert not out.exists()


def test_svg_logo_with_reused_shapes_and_a_png_inside_is_fine(tmp_path):
    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
        "rkJggg=="
    )
    svg = (
        SVG + '<defs><circle id="dot" r="2"/></defs>'
        + "".join(f'<use href="#dot" x="{i * 4}" y="4"/>' for i in range(10))
        + f'<image width="4" height="4" href="data:image/png;base64,{png}"/><title>Logo</title>'
        + "</svg>"
    )  # fmt: skip
    profile = profile_with_logo(tmp_path, svg)
    for fmt in ("html", "pdf"):
        out = tmp_path / f"s.{fmt}"
        result = runner.invoke(
            app, ["sheet", "aftercare", "--clinic", str(profile), "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert result.stderr.strip() == f"Wrote {out}"  # nothing from fpdf2's SVG reader


def test_clinic_check_names_the_svg_problem(tmp_path):
    profile = profile_with_logo(tmp_path, HOSTILE_SVGS["script"])
    result = runner.invoke(app, ["clinic", "check", "--clinic", str(profile)])
    assert result.exit_code == 3 and "<script>" in result.output + result.stderr


def batch(tmp_path: Path, data: str):
    rows = tmp_path / "day.csv"
    rows.write_text(data, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["sheet", "aftercare", "-f", "txt", "--batch", str(rows), "--out-dir", str(out)]
    )
    made = sorted(p.name for p in out.iterdir()) if out.exists() else []
    return result, made


@pytest.mark.parametrize(
    ("data", "where"),
    [
        # the quote after "Ann" is never closed: the rest of the file is one cell
        ('patient,areas\nZed,neck\n"Ann Lee,neck\nBo Chen,knee\nCy Do,neck\n', "day.csv:3"),
        # closed three lines later, after swallowing two rows
        ('patient,areas\n"Ann Lee,neck\nBo Chen,knee\n"Cy Do",neck\nDi,neck\n', "day.csv:2"),
    ],
)
def test_hostile_N23_a_quote_left_open_refuses_the_file(tmp_path, data, where):
    result, made = batch(tmp_path, data)
    assert result.exit_code == 3, result.output
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1
    assert f"{where}: a cell runs from line" in err and "quote" in err
    assert made == []  # no sheet for a merged row, nor for any other
    for leak in ("Ann", "Bo Chen", "Cy Do"):
        assert leak not in err


@pytest.mark.parametrize(
    "header", ["patient,areas,patient", "patient,areas,Patient ", "patient,areas,areas"]
)
def test_hostile_N24_a_column_named_twice_refuses_the_file(tmp_path, header):
    result, made = batch(tmp_path, f"{header}\nAnn,neck,Bo\n")
    assert result.exit_code == 3, result.output
    twice = header.split(",")[-1].strip().lower()
    assert f"day.csv:1: the column '{twice}' is named twice" in result.stderr
    assert made == []


def test_hostile_N29_a_long_area_is_cut_in_the_message(tmp_path):
    area = "x" * 5000
    result = runner.invoke(app, ["sheet", "aftercare", "--area", area, "-f", "txt", "-o", "-"])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert "x" * 59 + "…" in first and len(first) < 120


def test_hostile_N29_a_long_area_on_screen_too():
    result = runner.invoke(app, ["aftercare", "--area", "neck pain " + "y" * 3000, "--plain"])
    assert result.exit_code == 1
    assert max(len(line) for line in result.stderr.splitlines()) < 200


def test_a_date_column_dates_each_row(tmp_path):
    result, made = batch(tmp_path, "patient,date\nAnn Lee,2026-12-01\nBo Chen,01/12/2026\n")
    assert result.exit_code == 1
    assert "day.csv:3: date: not a real date; write it as YYYY-MM-DD" in result.stderr
    assert made == ["001-ann-lee-aftercare.txt"]
    text = (tmp_path / "out" / made[0]).read_text(encoding="utf-8")
    assert "Date: 1 December 2026" in text


def test_an_unknown_column_refuses_the_file_once_with_did_you_mean(tmp_path):
    result, made = batch(tmp_path, "patient,clinican,phone\nAnn,Dr Bo,555\nCy,Dr Bo,556\n")
    assert result.exit_code == 3
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "day.csv:1: unknown column 'clinican'" in err
    assert "did you mean 'clinician'?" in err and made == []


def test_a_note_column_adds_the_rows_own_note(tmp_path):
    rows = tmp_path / "day.csv"
    rows.write_text("patient,note\nAnn,Ice the knee tonight\nBo,\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["sheet", "aftercare", "-f", "txt", "--batch", str(rows), "--out-dir", str(out)]
    result = runner.invoke(app, [*args, "--note", "Drink water"])
    assert result.exit_code == 0, result.output
    ann, bo = (p.read_text(encoding="utf-8") for p in sorted(out.iterdir()))
    assert "- Drink water\n- Ice the knee tonight" in ann
    assert "Drink water" in bo and "Ice the knee" not in bo


@pytest.mark.parametrize("which", ["aftercare", "consent"])
def test_a_pdf_is_never_written_to_a_terminal(which, monkeypatch):
    """`-o -` with a PDF while stdout is a terminal: exit 2 with the fix, nothing written,
    for a handout and for a form alike (N26)."""
    from dryneedle_cli.session import Environment

    real = Environment.from_process

    def on_a_terminal():  # the run's Environment says stdout is a terminal
        env = real()
        env.stdout_isatty = True
        return env

    monkeypatch.setattr(Environment, "from_process", staticmethod(on_a_terminal))
    result = runner.invoke(app, ["sheet", which, "-f", "pdf", "-o", "-"])
    assert result.exit_code == 2
    assert "a PDF cannot be shown on a terminal" in result.stderr
    assert result.stdout == ""
