"""The session layer (``dryneedle_cli/session.py``), in-process with a fake Environment: the
query per language, the profile's errors as exceptions, sheets as bytes equal to what
``dryneedle sheet`` writes, notes returned and never printed, no file written."""

from __future__ import annotations

import ast
import io
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dryneedle_cli.errors import ContentError, ExitCode, UsageError
from dryneedle_cli.session import Environment, Session, SheetRequest

DATE = "2026-03-04"
PROFILE = (
    'name: "Riverside Physio"\n'
    'phone: "555 010 2030"\n'
    'emergency_number: "112"\n'
    "clinicians: [Dr A. Smith]\n"
)


@pytest.fixture
def env(tmp_path) -> Environment:
    """A fake Environment: the test's variables (a copy: the session never reads
    os.environ itself), its own config folder, in-memory streams, no terminal."""
    return Environment.fake(environ=dict(os.environ), config_dir=tmp_path / "config", cwd=tmp_path)


@pytest.fixture
def profile(tmp_path) -> Path:
    path = tmp_path / "clinic" / "clinic.yaml"
    path.parent.mkdir()
    path.write_text(PROFILE, encoding="utf-8")
    return path


def _quiet(env: Environment, capfd) -> None:
    """Nothing on the fake streams, nothing on the process's own."""
    assert env.stdout.getvalue() == "" and env.stderr.getvalue() == ""
    out, err = capfd.readouterr()
    assert out == "" and err == ""


# ------------------------------------------------------------------ the Environment


def test_a_fake_environment_has_memory_streams_no_terminal_and_its_own_folders(tmp_path):
    fake = Environment.fake(
        environ={"XDG_CONFIG_HOME": str(tmp_path / "x"), "DRYNEEDLE_CACHE_DIR": ""},
        stdin="neck\n",
        stdout_isatty=True,
    )
    assert isinstance(fake.stdout, io.StringIO) and fake.stdin.read() == "neck\n"
    assert fake.stdout_isatty and not fake.stderr_isatty and not fake.stdin_isatty
    if os.sys.platform.startswith("linux"):
        assert fake.config_dir == tmp_path / "x" / "dryneedle"
    assert fake.cache_dir is None  # an empty DRYNEEDLE_CACHE_DIR switches the cache off
    assert Environment.fake(config_dir=tmp_path).config_dir == tmp_path
    with pytest.raises(TypeError):
        Environment.fake(no_such_folder=tmp_path)


def test_the_session_layer_imports_nothing_of_the_face():
    """session.py imports no Typer, no Rich, nothing under cli/ (at the top or inside)."""
    import dryneedle_cli.session as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    bad = [n for n in names if n.split(".")[0] in ("typer", "rich") or ".cli" in f".{n}"]
    assert not bad
    reads = [  # os.environ and sys.std*: read in Environment.from_process only
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute)
        and isinstance(n.value, ast.Name)
        and (n.value.id, n.attr)
        in {("os", "environ"), ("sys", "stdin"), ("sys", "stdout"), ("sys", "stderr")}
    ]
    assert sorted(reads) == ["environ", "stderr", "stderr", "stdin", "stdin", "stdout", "stdout"]


# ------------------------------------------------------------------ query and language


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_the_query_for_each_language(env, lang, capfd):
    s = Session(env)
    q = s.query(lang)
    assert q.lang == lang and q.kb.lang == lang
    assert s.knowledge(lang) is s.knowledge(lang)  # loaded once per Session
    assert s.query(lang) is not q  # a Query keeps per-page state: one per request
    assert not q.strict  # a bare code: pages not translated come in English
    assert s.query(s.language(lang)).strict  # --lang: strict
    _quiet(env, capfd)


def test_language_flag_then_environment_then_profile_then_locale(env, profile, capfd):
    profile.write_text(PROFILE + "language: es\n", encoding="utf-8")
    env.environ.update({"LANG": "fr_FR.UTF-8"})
    s = Session(env, clinic_file=profile)
    assert tuple(s.language()) == ("es", ())  # the profile before the locale
    assert s.language().source == "the clinic profile" and not s.language().strict
    assert s.language("fr").code == "fr" and s.language("fr").strict
    env.environ["DRYNEEDLE_LANG"] = "en"
    assert s.language().code == "en" and s.language().strict
    assert s.language("es").code == "es"  # the flag before DRYNEEDLE_LANG
    with pytest.raises(UsageError) as e:
        s.language("xx")
    assert e.value.exit_code == ExitCode.USAGE
    _quiet(env, capfd)


def test_a_profile_language_without_text_is_a_note_not_a_print(env, profile, capfd):
    profile.write_text(PROFILE + "language: de\n", encoding="utf-8")
    code, notes = Session(env, clinic_file=profile).language()
    assert code == "en"
    assert len(notes) == 1 and notes[0].startswith("note: the clinic profile's language 'de'")
    _quiet(env, capfd)


# ------------------------------------------------------------------ the profile


def test_the_profile_comes_from_the_environment_given(env, profile, capfd):
    """DRYNEEDLE_CLINIC and the config folder are the Environment's, not the process's."""
    assert Session(env).profile.clinic is None
    env.environ["DRYNEEDLE_CLINIC"] = str(profile)
    assert "DRYNEEDLE_CLINIC" not in os.environ
    p = Session(env).profile
    assert (p.path, p.source, p.name) == (profile, "env", "Riverside Physio")
    assert p.values["clinic_phone"] == "555 010 2030"
    del env.environ["DRYNEEDLE_CLINIC"]
    env.config_dir.mkdir()
    (env.config_dir / "clinic.yaml").write_text(PROFILE, encoding="utf-8")
    assert Session(env).profile.source == "config"
    _quiet(env, capfd)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (None, "clinic profile not found"),
        ('name: "A"\nphone: "1"\npaper: legal\n', "'paper' must be letter or a4"),
        ('name: "A"\nphone: "1"\nnot_a_field: 1\n', "not_a_field"),
        ("name: [unclosed\n", ""),
    ],
)
def test_a_bad_profile_is_an_exception_with_its_exit_code(env, tmp_path, text, words, capfd):
    path = tmp_path / "bad.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    s = Session(env, clinic_file=path)
    with pytest.raises(ContentError) as e:
        s.profile  # noqa: B018
    assert e.value.exit_code == ExitCode.BAD_CONTENT == 3
    assert "bad.yaml" in str(e.value) and words in str(e.value)
    with pytest.raises(ContentError):
        s.sheet(SheetRequest("aftercare", format="txt"))
    _quiet(env, capfd)


def test_a_template_profile_is_noted_for_the_screen_and_refused_for_a_sheet(env, capfd):
    template = env.config_dir / "clinic.yaml"
    template.parent.mkdir()
    template.write_text(env.clinic_template.read_text(encoding="utf-8"), encoding="utf-8")
    s = Session(env)
    p = s.profile
    assert p.placeholders and "clinic" not in p.values
    assert len(p.notes) == 1 and p.notes[0].startswith(f"warning: {template} still holds")
    with pytest.raises(ContentError, match="still the template's example text"):
        s.sheet(SheetRequest("aftercare", format="html"))
    _quiet(env, capfd)


# ------------------------------------------------------------------ sheets


def _same_pdf(data: bytes) -> bytes:
    """A PDF without its creation time and the file identifier made from it."""
    data = re.sub(rb"/CreationDate \(D:[0-9Z+'-]+\)", b"/CreationDate ()", data)
    return re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"/ID []", data)


@pytest.mark.parametrize(
    ("which", "fmt", "args"),
    [
        ("aftercare", "pdf", ["--area", "neck", "--note", "Ice tonight"]),
        ("prepare", "html", ["--area", "knee", "--patient", "Zoë <b>N</b>"]),
        ("consent", "html", ["--copies", "2", "--lang", "es"]),
        ("screening", "txt", ["--area", "upper-back", "--clinician", "Dr A. Smith"]),
    ],
)
def test_sheet_bytes_are_what_the_command_writes(env, profile, tmp_path, which, fmt, args):
    """The same request through the CLI (in-process) and through the Session: same bytes."""
    from dryneedle_cli.cli import app

    out = tmp_path / f"cli.{fmt}"
    result = CliRunner().invoke(
        app,
        ["sheet", which, "-f", fmt, "--date", DATE, "--clinic", str(profile), "-o", str(out)]
        + args,
    )
    assert result.exit_code == 0, result.output
    flags = dict(zip(args[::2], args[1::2], strict=True))
    request = SheetRequest(
        which,
        areas=tuple(v for k, v in zip(args[::2], args[1::2], strict=True) if k == "--area"),
        patient=flags.get("--patient"),
        clinician=flags.get("--clinician"),
        date=DATE,
        notes=tuple(v for k, v in zip(args[::2], args[1::2], strict=True) if k == "--note"),
        format=fmt,
        copies=int(flags.get("--copies", 1)),
        lang=flags.get("--lang"),
    )
    sheet = Session(env, clinic_file=profile).sheet(request)
    written = out.read_bytes()
    if fmt == "pdf":
        assert sheet.data.startswith(b"%PDF")
        written, made = _same_pdf(written), _same_pdf(sheet.data)
    else:
        made = sheet.data
    assert made == written
    assert sheet.fmt == fmt and sheet.filename.endswith(f".{fmt}") and DATE in sheet.filename
    assert sheet.media_type.startswith(
        {"pdf": "application/pdf", "html": "text/html"}.get(fmt, "text/")
    )


def test_notes_are_returned_never_printed_and_no_file_is_written(
    env, profile, tmp_path, capfd, monkeypatch
):
    """A logo a text sheet cannot draw and a clinician not in the profile's list: two notes in
    Sheet.notes, nothing on any stream; and no file anywhere (the cwd, the fake cwd)."""
    profile.write_text(PROFILE + 'logo: "missing.png"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    s = Session(env, clinic_file=profile)
    sheet = s.sheet(SheetRequest("aftercare", areas=("neck",), clinician="Dr Who", format="txt"))
    assert sheet.notes == (
        f"warning: {profile}: logo file not found: {profile.parent / 'missing.png'}; "
        "no logo is printed",
        f"warning: 'Dr Who' is not in the clinicians of {profile}",
    )
    assert "\nAfter dry needling\n" in sheet.data.decode("utf-8")
    assert sorted(p for p in tmp_path.rglob("*")) == before
    _quiet(env, capfd)
    with pytest.raises(ContentError, match="field 'logo'|logo file not found"):
        s.sheet(SheetRequest("aftercare", format="pdf"))  # a PDF draws the logo: refused


def test_sheet_refusals_keep_their_exit_codes(env, capfd):
    s = Session(env)
    for request, code in (
        (SheetRequest("aftercare", format="docx"), ExitCode.USAGE),
        (SheetRequest("aftercare", date="2026-02-30"), ExitCode.USAGE),
        (SheetRequest("consent", format="txt", notes=("x",)), ExitCode.USAGE),
        (SheetRequest("aftercare", format="txt", lang="xx"), ExitCode.USAGE),
        (SheetRequest("aftercare", format="txt", areas=("nowhere",)), ExitCode.NOT_FOUND),
    ):
        with pytest.raises(Exception) as e:
            s.sheet(request)
        assert getattr(e.value, "exit_code", None) == code, (request, e.value)
    _quiet(env, capfd)


# ------------------------------------------------------------------ one date parser


def test_one_date_parser_for_sheet_batch_note_and_review():
    import datetime as dt

    from dryneedle_cli import batch, dates
    from dryneedle_cli.query import record

    assert batch.check_date is dates.check_date
    for bad in ("2026-02-30", "26-1-1", "2026-1-01", "tomorrow", " "):
        with pytest.raises(UsageError) as a:
            dates.check_date(bad)
        with pytest.raises(UsageError) as b:
            record.check_date(bad, dt.date(2026, 1, 1))
        assert str(a.value) == str(b.value)
    assert dates.check_date(" 2026-02-28 ") == record.check_date("2026-02-28", dt.date.today())
    assert record.check_date(None, dt.date(2026, 1, 1)) == "2026-01-01"
    with pytest.raises(UsageError, match="^date: not a real date"):
        dates.check_date("x", "date")  # a batch row's column is named as such


@pytest.mark.parametrize(
    ("which", "locale", "paper", "copies"),
    [
        ("aftercare", "en_AU.UTF-8", "a4", 1),  # no paper in the profile: the locale's
        ("aftercare", "en_US.UTF-8", "letter", 1),
        ("consent", "en_AU.UTF-8", "a4", 2),
        ("screening", "C.UTF-8", "letter", 1),
    ],
)
def test_sheet_is_the_document_pipeline_with_the_defaults_filled(
    env, profile, which, locale, paper, copies
):
    """The Session's bytes against the document pipeline called directly (handouts.handout /
    handouts.forms and render): the paper from the locale, today's date, the profile's
    clinic, the copies asked for."""
    from dryneedle_cli.dates import today
    from dryneedle_cli.handouts import printed
    from dryneedle_cli.render import document

    env.environ["LANG"] = locale
    s = Session(env, clinic_file=profile)
    sheet = s.sheet(SheetRequest(which, areas=("neck",), format="html", copies=copies))
    q = s.query("en")
    common = dict(clinic=s.profile.clinic, date=today(), paper=paper, patient=None)
    if which == "aftercare":
        made = printed.make(q, which, ["neck"], clinician=None, **common)
        expected = document(made, "html")
    else:
        made = printed.make(q, which, ["neck"], clinician=None, copies=copies, **common)
        expected = document(made, "html")
    assert sheet.data == expected


def test_a_batch_tells_each_note_once(tmp_path, profile):
    """Every row is made by the same Session and returns its notes; the batch shows a note
    once (the profile's before the rows), not once per row."""
    from dryneedle_cli.cli import app

    profile.write_text(PROFILE + 'logo: "missing.png"\n', encoding="utf-8")
    rows = tmp_path / "day.csv"
    rows.write_text("patient,areas,clinician\nAnn,neck,Dr B\nBo,knee,Dr B\nCy,neck,\n")
    result = CliRunner().invoke(
        app,
        ["sheet", "aftercare", "-f", "txt", "--clinic", str(profile), "--batch", str(rows)]
        + ["--out-dir", str(tmp_path / "out")],
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.count("no logo is printed") == 1
    assert result.stderr.count("'Dr B' is not in the clinicians") == 1
    assert len(list((tmp_path / "out").iterdir())) == 3


def test_the_command_tells_the_checks_notes_even_when_the_sheet_then_fails(tmp_path, profile):
    """`sheet` tells the notes of Session.check_sheet before making the sheet: a warning is
    not lost when the sheet then fails (an unknown area, exit 1), and shown once when not."""
    from dryneedle_cli.cli import app

    profile.write_text(PROFILE + 'logo: "missing.png"\n', encoding="utf-8")
    base = ["sheet", "aftercare", "-f", "txt", "--clinic", str(profile), "-o"]
    failed = CliRunner().invoke(app, [*base, str(tmp_path / "a.txt"), "--area", "nowhere"])
    assert failed.exit_code == 1 and "no body area called 'nowhere'" in failed.stderr
    assert failed.stderr.count("no logo is printed") == 1
    made = CliRunner().invoke(app, [*base, str(tmp_path / "b.txt"), "--area", "neck"])
    assert made.exit_code == 0 and made.stderr.count("no logo is printed") == 1
