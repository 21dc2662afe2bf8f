"""dryneedle prepare, dryneedle aftercare (on screen), dryneedle sheet (a file, or a batch)."""

from pathlib import Path
from typing import Annotated

import typer

from dryneedle_cli.cli.context import say, settings, tell
from dryneedle_cli.cli.options import (
    AreaOpt,
    ClinicianOpt,
    ClinicOpt,
    Color,
    ColorOpt,
    Format,
    JsonOpt,
    LangOpt,
    NoPagerOpt,
    PaperOpt,
    PlainOpt,
    RefsOpt,
    Which,
)
from dryneedle_cli.cli.output import show
from dryneedle_cli.errors import ExitCode, UsageError


def _on_screen(which: str):
    """The on-screen command for the sheet ``which`` (prepare, aftercare): one definition."""

    def command(
        ctx: typer.Context,
        areas: AreaOpt = None,
        json_: JsonOpt = False,
        plain: PlainOpt = False,
        color: ColorOpt = Color.auto,
        clinic: ClinicOpt = None,
        refs: RefsOpt = False,
        no_pager: NoPagerOpt = False,
        lang: LangOpt = None,
    ) -> ExitCode:
        view_of = lambda q, _: q.sheet(which, areas or [])  # noqa: E731
        return show(
            settings(ctx),
            which,
            view_of,
            json_,
            plain,
            color,
            refs=refs,
            no_pager=no_pager,
            clinic=clinic,
            lang=lang,
        )

    command.__name__ = command.__qualname__ = which
    return command


prepare = _on_screen("prepare")
prepare.__doc__ = "How to prepare for a visit, and what to tell your clinician first."
aftercare = _on_screen("aftercare")
aftercare.__doc__ = (
    "What is normal after dry needling, what helps, and warning signs that need urgent care."
)


# --- the options of `dryneedle sheet` (one alias each, so that the command reads as its steps)
_Which = Annotated[Which, typer.Argument(help="aftercare, prepare, screening or consent")]
_Patient = Annotated[str | None, typer.Option(help="The patient's name.")]
_Date = Annotated[str | None, typer.Option(help="Date on the sheet [default: today].")]
_NextVisit = Annotated[str | None, typer.Option(help="When the next visit is.")]
_Note = Annotated[
    list[str] | None,
    typer.Option(help="Your own instruction for the patient, in its own box (repeatable)."),
]
_Fmt = Annotated[Format | None, typer.Option("--format", "-f", help="[default: from -o, else pdf]")]
_Output = Annotated[
    str | None, typer.Option("--output", "-o", help="File to write, or - for stdout.")
]
_Force = Annotated[bool, typer.Option(help="Replace an existing file.")]
_LargePrint = Annotated[bool, typer.Option(help="16 to 18 pt, one column (PDF, HTML).")]
_Font = Annotated[Path | None, typer.Option(help="A .ttf for scripts the built-in font lacks.")]
_Batch = Annotated[
    Path | None,
    typer.Option(
        help="CSV of patient, areas, clinician, next_visit, date, note, format: a sheet a row."
    ),
]
_OutDir = Annotated[Path | None, typer.Option(help="Folder for --batch sheets.")]
_Open = Annotated[
    bool,
    typer.Option("--open", help="Open the written sheet in the system's viewer (xdg-open)."),
]
_Print = Annotated[
    bool,
    typer.Option("--print", help="Send the written sheet to the default printer (lp, else lpr)."),
]
_Copies = Annotated[
    int,
    typer.Option(
        min=1, max=2, help="consent: 2 prints a clinic copy and a patient copy in one file."
    ),
]


def sheet(
    ctx: typer.Context,
    which: _Which,
    areas: AreaOpt = None,
    patient: _Patient = None,
    clinician: ClinicianOpt = None,
    date: _Date = None,
    next_visit: _NextVisit = None,
    note: _Note = None,
    clinic: ClinicOpt = None,
    fmt: _Fmt = None,
    output: _Output = None,
    force: _Force = False,
    paper: PaperOpt = None,
    large_print: _LargePrint = False,
    font: _Font = None,
    batch: _Batch = None,
    out_dir: _OutDir = None,
    open_: _Open = False,
    print_: _Print = False,
    lang: LangOpt = None,
    copies: _Copies = 1,
) -> ExitCode:
    """Write a printable sheet or form (PDF, HTML, Markdown or text).

    aftercare and prepare are handouts; screening is the screening questions with Yes / No /
    Not sure boxes; consent is the information and consent form, with the content version and
    a form code that every copy shares. The clinic's name, phone, logo and emergency number come
    from its profile (see 'dryneedle clinic init'). Nothing about the patient is stored or
    logged.

    Every format has the same parts in the same order, warning signs first. --paper and
    --large-print shape PDF and HTML sheets; a Markdown or text file has no paper or type
    size, so they are refused there. --font is for PDF sheets. --print takes PDF and text
    sheets; a viewer or printer that fails exits 4 and the file stays written.
    """
    from dryneedle_cli.dates import check_date
    from dryneedle_cli.handouts import jobs
    from dryneedle_cli.session import SheetRequest

    # parse: the format and the options it refuses, before any work
    fmt_name = jobs.resolve_format(fmt and fmt.value, output if batch is None else None)
    _check_options(
        fmt_name,
        batch=batch is not None,
        output=output,
        paper=paper is not None,
        large_print=large_print,
        font=font,
        open_=open_,
        print_=print_,
    )
    s = settings(ctx)
    session = s.session(clinic)
    request = SheetRequest(
        which=which.value,
        areas=tuple(areas or ()),
        patient=patient,
        clinician=clinician,
        date=check_date(date),
        next_visit=next_visit,
        notes=tuple(note or ()),
        format=fmt_name,
        paper=paper.value if paper else None,
        large_print=large_print,
        font=font,
        copies=copies,
        lang=lang,
    )
    # checked first, its notes told at once: as before, a warning shows even when the sheet
    # then fails (an unknown area); a batch checks once for every row
    checked, told = session.check_sheet(request)
    tell(told)
    if batch is not None:
        sized = paper is not None or large_print
        return _batch(session, s.env, checked, told, batch, out_dir, output, force, sized, print_)
    return _one(session, checked, told, s.env, output, force, open_, print_)


def _one(session, checked, told, env, output, force, open_, print_) -> ExitCode:
    """One sheet: made by the session, written where -o says, then opened or printed."""
    from dryneedle_cli.handouts import jobs
    from dryneedle_cli.render import DOCUMENTS

    doc = DOCUMENTS[checked.format]
    if output == "-" and doc.binary and env.stdout_isatty:
        raise UsageError(
            f"a {doc.name} cannot be shown on a terminal; pipe it (-o - | lp) or give -o FILE"
        )
    made = session.sheet(checked)
    tell(note for note in made.notes if note not in told)
    path = jobs.write(made, output, force, env.cwd)
    if path is not None:
        say(f"Wrote {path}")
        _deliver([path], open_, print_)
    return ExitCode.OK


def _check_options(fmt, *, batch, output, paper, large_print, font, open_, print_) -> None:
    """Refuse options this sheet would not use (never silently ignored), before any work;
    check --font once, whatever the sheet's text (a bad font file is exit 4)."""
    from dryneedle_cli.render import DOCUMENTS, formats_that, names

    doc = DOCUMENTS[fmt]
    if output == "-" and (open_ or print_):
        flag = "--open" if open_ else "--print"
        raise UsageError(f"{flag} needs a file, not -o -; give -o FILE or leave -o out")
    if batch and open_:
        raise UsageError("--open opens one sheet; with --batch open the --out-dir folder instead")
    if not doc.paper and (paper or large_print):
        flag = "--large-print" if large_print else "--paper"
        raise UsageError(
            f"{flag} is for {names(formats_that('paper'))} sheets: a {doc.name} file has no "
            f"paper or type size (the program that shows it sets them); leave {flag} out or "
            "use -f pdf"
        )
    if print_ and not doc.printable:
        unprintable = [f for f in DOCUMENTS if not DOCUMENTS[f].printable]
        raise UsageError(
            f"--print sends {names(formats_that('printable'))} sheets to the printer; for an "
            f"{names(unprintable, ' or ')} sheet use --open and print from the program that "
            "shows it"
        )
    if font is not None:
        if not doc.font and not batch:
            raise UsageError(
                f"--font is for {names(formats_that('font'))} sheets; leave it out or use -f pdf"
            )
        from dryneedle_cli.render.pdf import check_font

        check_font(font)


def _deliver(paths: list[Path], open_: bool, print_: bool, batch: bool = False) -> None:
    """--open and --print after the sheet is written (a failure: exit 4, the file kept).
    ``batch``: the file names hold patients' names, so no message names a file, whatever
    their number (the user gave the one name of a single sheet)."""
    from dryneedle_cli.handouts import deliver

    if open_:
        deliver.open_file(paths[0])
    if print_ and paths:
        reply = deliver.print_files(paths, private=batch)
        what = str(paths[0]) if not batch else _count(len(paths), "sheet")
        say(f"Sent {what} to the printer" + (f" ({reply})" if reply else ""))


def _batch(session, env, checked, told, csv_path, out_dir, output, force, sized, print_):
    """--batch: every row of the CSV with the same Session (``batch.batch``); the notes the
    rows add to ``told`` (already shown), the skipped rows, then the count."""
    import contextlib
    import time

    from dryneedle_cli import batch as batches
    from dryneedle_cli.errors import OutputError

    if output is not None:
        raise UsageError("use --out-dir with --batch, not -o")
    out_dir = out_dir or env.cwd
    job = batches.BatchJob(session, csv_path, out_dir, checked, force)
    try:  # --out-dir names a folder for the day's sheets: made if new (unlike -o's folder)
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot make the folder {out_dir}: {e.strerror}") from None
    start = time.perf_counter()
    bar, update = batches.progress_bar(env.stderr_isatty)
    with bar if bar else contextlib.nullcontext():
        result = batches.batch(job, progress=update)
    tell(note for note in result.notes if note not in told)
    for problem in result.problems:
        say(f"dryneedle: {problem}")
    say(
        f"Wrote {_count(len(result.written), 'sheet')} to {out_dir}"
        f" in {batches.elapsed(start)}; {_count(len(result.problems), 'row')} skipped."
    )
    from dryneedle_cli.render import DOCUMENTS, EXTENSIONS, formats_that, names

    def doc(path):
        return DOCUMENTS[EXTENSIONS[path.suffix.lower()]]

    plain = [p for p in result.written if not doc(p).paper]
    if sized and plain:  # a row's format column chose Markdown or text: said, not hidden
        unsized = names([f for f in DOCUMENTS if not DOCUMENTS[f].paper], " or ")
        say(
            f"dryneedle: note: --paper and --large-print shape the {names(formats_that('paper'))} "
            "sheets only; "
            + (
                f"1 {unsized} sheet has"
                if len(plain) == 1
                else f"{len(plain)} {unsized} sheets have"
            )
            + " no paper or type size"
        )
    if print_:
        printable = [p for p in result.written if doc(p).printable]
        left = len(result.written) - len(printable)
        if left:
            say(
                f"dryneedle: note: {_count(left, 'HTML or Markdown sheet')} not printed; "
                "--print sends PDF and text sheets"
            )
        _deliver(printable, False, True, batch=True)
    return ExitCode.NOT_FOUND if result.problems else ExitCode.OK


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


COMMANDS = {"prepare": prepare, "aftercare": aftercare, "sheet": sheet}
