"""--open and --print: the written sheet goes to the system's viewer or default printer; a
missing or failing one exits 4 with the file kept; never with -o -."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.cli import app

runner = CliRunner()
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fake commands are shell scripts")


def fake(folder: Path, name: str, status: int = 0, reply: str = "") -> Path:
    """A command that records its arguments (one per line) in ``name``.args, then exits."""
    folder.mkdir(exist_ok=True)
    log = folder / f"{name}.args"
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do printf "%s\\n" "$a" >> "{log}"; done\n'
        + (f"echo '{reply}'\n" if reply and status == 0 else "")
        + (f"echo '{name}: {reply}' >&2\n" if reply and status else "")
        + f"exit {status}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


def sheet(tmp_path, *args, path: str):
    return runner.invoke(app, ["sheet", *args], env={"PATH": path})


@pytest.fixture
def bin_dir(tmp_path) -> Path:
    return tmp_path / "bin"


def test_print_sends_the_file_to_lp(tmp_path, bin_dir):
    log = fake(bin_dir, "lp", reply="request id is office-42 (1 file(s))")
    out = tmp_path / "s.pdf"
    result = sheet(tmp_path, "aftercare", "--print", "-o", str(out), path=str(bin_dir))
    assert result.exit_code == 0, result.output
    assert log.read_text().splitlines() == [str(out)]
    assert f"Sent {out} to the printer (request id is office-42 (1 file(s)))" in result.stderr


def test_print_falls_back_to_lpr(tmp_path, bin_dir):
    log = fake(bin_dir, "lpr")
    out = tmp_path / "s.txt"
    result = sheet(tmp_path, "aftercare", "--print", "-o", str(out), path=str(bin_dir))
    assert result.exit_code == 0, result.output
    assert log.read_text().splitlines() == [str(out)]


def test_no_printer_command_exit_4_file_kept(tmp_path):
    (tmp_path / "empty").mkdir()
    out = tmp_path / "s.pdf"
    result = sheet(tmp_path, "aftercare", "--print", "-o", str(out), path=str(tmp_path / "empty"))
    assert result.exit_code == 4
    assert "no printer command (lp or lpr)" in result.stderr and "written" in result.stderr
    assert out.read_bytes().startswith(b"%PDF-")


def test_printer_that_refuses_exit_4_with_its_reason(tmp_path, bin_dir):
    fake(bin_dir, "lp", status=1, reply="Error - No default destination.")
    out = tmp_path / "s.pdf"
    result = sheet(tmp_path, "aftercare", "--print", "-o", str(out), path=str(bin_dir))
    assert result.exit_code == 4
    err = result.stderr.strip()
    assert len(err.splitlines()) == 2  # "Wrote ..." then the one-line problem
    assert "No default destination" in err and "lpoptions -d" in err
    assert out.exists()


def test_open_runs_the_viewer(tmp_path, bin_dir):
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    log = fake(bin_dir, opener)
    out = tmp_path / "s.html"
    result = sheet(tmp_path, "prepare", "--open", "-o", str(out), path=str(bin_dir))
    assert result.exit_code == 0, result.output
    assert log.read_text().splitlines() == [str(out)]


def test_open_without_a_viewer_exit_4_file_kept(tmp_path):
    (tmp_path / "empty").mkdir()
    out = tmp_path / "s.pdf"
    result = sheet(tmp_path, "aftercare", "--open", "-o", str(out), path=str(tmp_path / "empty"))
    assert result.exit_code == 4 and "no viewer command" in result.stderr
    assert out.exists()


def test_viewer_that_fails_exit_4(tmp_path, bin_dir):
    fake(bin_dir, "open" if sys.platform == "darwin" else "xdg-open", status=3, reply="no app")
    out = tmp_path / "s.pdf"
    result = sheet(tmp_path, "aftercare", "--open", "-o", str(out), path=str(bin_dir))
    assert result.exit_code == 4 and "could not open" in result.stderr and "no app" in result.stderr
    assert out.exists()


@pytest.mark.parametrize("flag", ["--open", "--print"])
def test_never_with_stdout(tmp_path, bin_dir, flag):
    log = fake(bin_dir, "lp")
    fake(bin_dir, "xdg-open")
    result = sheet(tmp_path, "aftercare", flag, "-f", "txt", "-o", "-", path=str(bin_dir))
    assert result.exit_code == 2 and "needs a file" in result.stderr
    assert result.stdout == "" and not log.exists()


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_print_refuses_formats_that_print_as_source(tmp_path, bin_dir, fmt):
    log = fake(bin_dir, "lp")
    out = tmp_path / f"s.{fmt}"
    result = sheet(tmp_path, "aftercare", "--print", "-o", str(out), path=str(bin_dir))
    assert result.exit_code == 2 and "--open" in result.stderr
    assert not out.exists() and not log.exists()


def test_batch_prints_the_pdf_and_text_sheets_without_naming_patients(tmp_path, bin_dir):
    log = fake(bin_dir, "lp")
    rows = tmp_path / "day.csv"
    rows.write_text("patient,format\nAnn Lee,pdf\nBo Chen,txt\nCy Do,html\n")
    out = tmp_path / "out"
    result = sheet(
        tmp_path, "aftercare", "--batch", str(rows), "--out-dir", str(out), "--print",
        path=str(bin_dir),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    printed = [Path(p).name for p in log.read_text().splitlines()]
    assert printed == ["001-ann-lee-aftercare.pdf", "002-bo-chen-aftercare.txt"]
    assert "Sent 2 sheets to the printer" in result.stderr
    assert "1 HTML or Markdown sheet not printed" in result.stderr
    for leak in ("ann", "bo-chen", "cy-do"):
        assert leak not in result.stderr.lower()


def test_batch_printer_failure_never_names_a_patient(tmp_path, bin_dir):
    rows = tmp_path / "day.csv"
    rows.write_text("patient,format\nAnn Lee,txt\nBo Chen,txt\n")
    out = tmp_path / "out"
    # the printer's reply names the file it could not take
    fake(bin_dir, "lp", status=1, reply=f"unable to access {out}/001-ann-lee-aftercare.txt")
    result = sheet(
        tmp_path, "aftercare", "--batch", str(rows), "--out-dir", str(out), "--print",
        path=str(bin_dir),
    )  # fmt: skip
    assert result.exit_code == 4
    assert "unable to access a sheet" in result.stderr and "ann" not in result.stderr.lower()
    assert len(os.listdir(out)) == 2


def test_batch_refuses_open(tmp_path):
    rows = tmp_path / "day.csv"
    rows.write_text("patient\nAnn\n")
    result = runner.invoke(app, ["sheet", "aftercare", "--batch", str(rows), "--open"])
    assert result.exit_code == 2 and "--out-dir" in result.stderr
