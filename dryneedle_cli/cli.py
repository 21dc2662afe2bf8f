"""The command line: thin commands that parse, query, render and choose the exit code."""

import contextlib
import errno
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer.core import TyperGroup

from dryneedle_cli import __version__, safe
from dryneedle_cli.errors import (
    BAD_CONTENT,
    CANNOT_WRITE,
    INTERNAL,
    DryneedleError,
    NotFound,
    UsageError,
)

Which = Enum("Which", {"aftercare": "aftercare", "prepare": "prepare"}, type=str)
Paper = Enum("Paper", {"letter": "letter", "a4": "a4"}, type=str)
Format = Enum("Format", {"pdf": "pdf", "html": "html", "md": "md", "txt": "txt"}, type=str)

EXIT_CODES = """\b
Exit codes:
  0    ok
  1    nothing found (close matches on stderr)
  2    bad usage
  3    invalid content or configuration
  4    output could not be written
  70   internal error (a bug; DRYNEEDLE_DEBUG=1 shows the details)
  130  interrupted
"""

_STDOUT_CLOSED = False  # set by main() when the process started with stdout closed (`>&-`)


def _say(message: object) -> None:
    """One line on stderr, with nothing a terminal would act on."""
    typer.echo(safe.line(message), err=True)


# what writing to stdout can fail with (besides a broken pipe): a full disk, a closed descriptor
_WRITE_ERRORS = {errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def _guarded(call):
    """Run ``call``; a write to stdout that fails becomes the documented exit code.

    A reader that went away (`| head`, `| :`) is not an error: every command exits 0 quietly.
    Any other failure to write stdout (a full disk, a closed descriptor) is one line and exit 4.
    """
    try:
        result = call()
        if sys.stdout is not None:
            sys.stdout.flush()
        return result
    except NoArgsIsHelpError as e:  # `dryneedle` alone: the help, as asked for
        e.show()
        raise typer.Exit(e.exit_code) from None
    except ClickException as e:  # bad usage: one line, not Click's usage block
        hint = ""
        ctx = getattr(e, "ctx", None)
        if ctx is not None:
            hint = f" (see '{ctx.command_path} -h')"
        _say(f"dryneedle: {' '.join(e.format_message().split())}{hint}")
        raise typer.Exit(e.exit_code) from None
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(0) from None
    except OSError as e:
        if e.errno not in _WRITE_ERRORS or e.filename is not None:
            raise
        _silence_stdout()
        reason = "it is closed" if _STDOUT_CLOSED else (e.strerror or str(e))
        _say(f"dryneedle: cannot write to standard output: {reason}")
        raise typer.Exit(CANNOT_WRITE) from None


class _Group(TyperGroup):
    """The root command group: output failures are handled once here, for every command."""

    def make_context(self, *args, **kwargs):
        return _guarded(lambda: super(_Group, self).make_context(*args, **kwargs))

    def invoke(self, ctx):
        return _guarded(lambda: super(_Group, self).invoke(ctx))


app = typer.Typer(
    cls=_Group,
    name="dryneedle",
    help="A patient guide to trigger-point dry needling: clinic screen, handouts, scripts.",
    epilog=EXIT_CODES,
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Color = Enum("Color", {"auto": "auto", "always": "always", "never": "never"}, type=str)


def _complete_words(incomplete: str) -> list[str]:
    """Shell completion: ids and names of topics, conditions and glossary terms."""
    return _complete(incomplete, areas=False)


def _complete_areas(incomplete: str) -> list[str]:
    """Shell completion: body areas and conditions for --area."""
    return _complete(incomplete, areas=True)


def _complete(incomplete: str, areas: bool) -> list[str]:
    try:
        from dryneedle_cli.query.search import region_index

        q = _query(quiet=True)
        names = set(region_index(q.kb)) if areas else set()
        names.update(k for k, (kind, _) in q.index.items() if not areas or kind == "condition")
        start = incomplete.casefold()
        return sorted(n for n in names if n.startswith(start))
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []


JsonOpt = Annotated[
    bool, typer.Option("--json", help="JSON (see docs/json.md); JSON Lines when reading '-'.")
]
PlainOpt = Annotated[
    bool, typer.Option("--plain", help="Plain text: no colour, no boxes (the default when piped).")
]
ColorOpt = Annotated[
    Color,
    typer.Option(
        "--color",
        help="Colour and boxes: auto (on a terminal), always or never.",
        show_default=True,
    ),
]
HeaderOpt = Annotated[
    bool, typer.Option("--header", help="Plain output: a first line naming the fields.")
]
WordsArg = Annotated[
    list[str] | None,
    typer.Argument(
        show_default=False,
        help="What to look up; '-' reads one query per line from stdin.",
        autocompletion=_complete_words,
    ),
]
AreaOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--area",
        "-a",
        help="Body area treated (repeatable): 'neck', 'low back', ...",
        autocompletion=_complete_areas,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dryneedle {__version__}")
        raise typer.Exit()


_CONTENT_DIRS: list[str] = []


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    content_dir: Annotated[
        list[str] | None,
        typer.Option(
            "--content-dir",
            metavar="<path>",
            help="A folder of the clinic's own knowledge files (repeatable; the first wins). "
            "Give it before the command.",
        ),
    ] = None,
) -> None:
    """A patient guide to trigger-point dry needling."""
    if "" in (content_dir or []):  # Path("") would be the current folder: never silently
        typer.echo("dryneedle: warning: --content-dir '' is empty; ignored", err=True)
    _CONTENT_DIRS[:] = [p for p in content_dir or [] if p]


def _format(json_: bool, plain: bool, color: Color = Color.auto) -> str:
    """json, plain or rich: flags first, then --color, then the environment and the terminal."""
    if json_ and plain:
        raise UsageError("choose one of --json and --plain")
    if json_:
        return "json"
    if plain or color is Color.never:
        return "plain"
    if color is Color.always or os.environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return "rich"
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return "plain"
    return "rich"


def _query(values: dict[str, str] | None = None, quiet: bool = False):
    """The query layer over every active layer; skipped clinic files are warned about."""
    from dryneedle_cli import env as paths
    from dryneedle_cli.content import cache as store
    from dryneedle_cli.query.pages import Query

    kb = store.load(_CONTENT_DIRS, paths.cache_dir())
    if not quiet:
        for warning in kb.warnings:
            _say(f"dryneedle: warning: {warning}")
    return Query(kb, lang=os.environ.get("DRYNEEDLE_LANG", "en"), values=values)


@contextlib.contextmanager
def _errors():
    """Turn errors a user can cause into one line on stderr and the documented exit code."""
    try:
        yield
    except DryneedleError as e:
        if os.environ.get("DRYNEEDLE_DEBUG"):
            raise
        _say(f"dryneedle: {e}")
        if isinstance(e, NotFound) and e.suggestions:
            _say(f"Did you mean: {'; '.join(e.suggestions)}?")
        raise typer.Exit(e.exit_code) from None


MAX_QUERY = 1000  # characters: a longer query (argument or stdin line) is not looked up


def _too_long(query: str) -> NotFound:
    return NotFound(f"the query is longer than {MAX_QUERY} characters; nothing was looked up")


def _show(command, view_of, json_, plain, color: Color, words=None, **options) -> None:
    """Answer one query, or with the word '-' every line of stdin, and pick the exit code."""
    from dryneedle_cli.render import emit

    with _errors():
        fmt = _format(json_, plain, color)
        q = _query()
        stream = words == ["-"]
        if not stream:
            query = _words(words)
            if query is not None and len(query) > MAX_QUERY:
                raise _too_long(query)
            view = view_of(q, query)
    force = True if color is Color.always else None
    if not stream:
        emit(view, fmt, force_terminal=force, **options)
    elif not _stream(command, q, view_of, fmt, force, options):
        raise typer.Exit(1)


def _stream(command: str, q, view_of, fmt: str, force, options) -> bool:
    """One answer per line of stdin; a miss is a record (JSON) or a line on stderr, not an end.

    True when every query was found.
    """
    from dryneedle_cli.render import emit
    from dryneedle_cli.views import Missing

    all_found = True
    for raw in _lines(sys.stdin, MAX_QUERY):
        query = raw.strip()
        if not query:
            continue
        try:
            if len(query) > MAX_QUERY:
                query = query[:40] + "…"
                raise _too_long(query)
            view = view_of(q, query)
        except NotFound as e:
            all_found = False
            view = Missing(command, query, str(e), e.suggestions)
            if fmt != "json":
                hint = f" (did you mean: {'; '.join(e.suggestions)}?)" if e.suggestions else ""
                _say(f"dryneedle: {e}{hint}")
        emit(view, fmt, stream=True, force_terminal=force, query=query, **options)
        options["header"] = False  # a header line only once, before the first record
    return all_found


def _lines(stream, limit: int):
    """The lines of ``stream``; a line longer than ``limit`` is cut short and the rest skipped,
    so one enormous line costs no memory (the caller sees it is too long)."""
    while True:
        raw = stream.readline(limit + 2)
        if not raw:
            return
        if len(raw) > limit + 1 and not raw.endswith("\n"):
            while True:  # skip the rest of the line in bounded pieces
                rest = stream.readline(65536)
                if not rest or rest.endswith("\n"):
                    break
        yield raw


def _words(words: list[str] | None) -> str | None:
    return " ".join(words) if words else None


@app.command()
def explain(
    words: WordsArg = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
) -> None:
    """Explain dry needling, a topic (acupuncture, side effects ...), a condition, or a term.

    With no words: the overview, what dry needling is. Words may be a name, a lay word
    ('stiff neck'), an ICD-10 code (M77.1) or a glossary term (LTR). With '-', one query per
    line of stdin (JSON Lines with --json); a query not found is a record with "found": false.
    """
    _show("explain", lambda q, w: q.explain(w), json_, plain, color, words)


@app.command()
def prepare(
    areas: AreaOpt = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
) -> None:
    """How to prepare for a visit, and what to tell your clinician first."""
    _show("prepare", lambda q, _: q.sheet("prepare", areas or []), json_, plain, color)


@app.command()
def aftercare(
    areas: AreaOpt = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
) -> None:
    """What is normal after dry needling, what helps, and warning signs that need urgent care."""
    _show("aftercare", lambda q, _: q.sheet("aftercare", areas or []), json_, plain, color)


@app.command()
def conditions(
    words: WordsArg = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
    header: HeaderOpt = False,
) -> None:
    """List conditions by body region, or those matching WORDS (name, alias, code or text).

    Plain output: one condition a line, tab-separated: id, name, region, ICD-10 codes
    (comma-separated), evidence strength. With '-': one query per line of stdin, each record
    starting with its query.
    """
    _show("conditions", lambda q, w: q.conditions(w), json_, plain, color, words, header=header)


@app.command()
def evidence(
    words: WordsArg = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
    header: HeaderOpt = False,
) -> None:
    """The references with full citations; with WORDS, those used by that topic or condition.

    Plain output: one reference a line, tab-separated: key, citation, DOI or URL, what it
    supports, and the clinician's review note (how far the source was checked; may be empty).
    """
    _show("evidence", lambda q, w: q.evidence(w), json_, plain, color, words, header=header)


@app.command()
def validate(
    targets: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to check [default: every active layer].", show_default=False
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Check knowledge files and report every problem as file:line:column: message.

    Exit 0 when there are no errors (warnings do not fail), 3 when there is any error.
    """
    from dryneedle_cli.content import cache as store
    from dryneedle_cli.content import validate as checks

    with _errors():
        report = checks.run(list(targets or []), store.layers(_CONTENT_DIRS))
    if json_:
        _print_json(checks.as_dict(report))
    else:
        for line in checks.lines(report):
            typer.echo(safe.line(line))
    for note in report.notes:
        _say(f"dryneedle: note: {note}")
    _say(
        f"{len(report.errors)} errors, {len(report.warnings)} warnings "
        f"({len(report.checked)} layers checked)"
    )
    if not report.ok:
        raise typer.Exit(3)


@app.command()
def paths(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            help="A topic, condition, area or term: where each part came from.", show_default=False
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Show the content layers, highest first; with WORDS, which layer each part of it came from."""
    from dryneedle_cli.content import cache as store

    with _errors():
        if not words:
            rows = [
                {"layer": name, "folder": str(root), "present": root.is_dir()}
                for name, root, _ in reversed(store.layers(_CONTENT_DIRS, absent=True))
            ]
            lines = [
                f"{r['layer']}\t{safe.line(r['folder'])}"
                + ("" if r["present"] else "\t(not present)")
                for r in rows
            ]
            doc = {"layers": rows}
        else:
            ident, parts = _query().origin(" ".join(words))
            lines = [f"{safe.line(ident)}\t{safe.line(part)}" for part in parts]
            doc = {"id": ident, "parts": parts}
    if json_:
        _print_json({"schema_version": 1, "command": "paths", **doc})
    else:
        for line in lines:
            typer.echo(line)  # each field made safe above


def _print_json(doc: dict) -> None:
    import json

    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


@app.command()
def sheet(
    which: Annotated[Which, typer.Argument(help="aftercare or prepare")],
    areas: AreaOpt = None,
    patient: Annotated[str | None, typer.Option(help="The patient's name.")] = None,
    clinician: Annotated[str | None, typer.Option(help="The clinician's name.")] = None,
    date: Annotated[str | None, typer.Option(help="Date on the sheet [default: today].")] = None,
    next_visit: Annotated[str | None, typer.Option(help="When the next visit is.")] = None,
    clinic: Annotated[
        Path | None, typer.Option(help="Clinic profile (YAML). [default: $DRYNEEDLE_CLINIC]")
    ] = None,
    fmt: Annotated[
        Format | None, typer.Option("--format", "-f", help="[default: from -o, else pdf]")
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="File to write, or - for stdout.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
    paper: Annotated[Paper, typer.Option(help="Paper size.")] = Paper.letter,
    large_print: Annotated[bool, typer.Option(help="About 18 pt, one column.")] = False,
    font: Annotated[
        Path | None, typer.Option(help="A .ttf for scripts the built-in font lacks.")
    ] = None,
    batch: Annotated[
        Path | None,
        typer.Option(help="CSV of patient, areas, clinician, next_visit, format: a sheet a row."),
    ] = None,
    out_dir: Annotated[Path | None, typer.Option(help="Folder for --batch sheets.")] = None,
) -> None:
    """Write a printable preparation or aftercare sheet (PDF, HTML, Markdown or text).

    The clinic's name, phone, logo and emergency number come from its profile (see
    'dryneedle clinic init'). Nothing about the patient is stored or logged.
    """
    import time

    from dryneedle_cli import clinic as clinics
    from dryneedle_cli import handout, sheets

    with _errors():
        profile_path = clinics.find(str(clinic) if clinic else None)
        profile = clinics.load(profile_path) if profile_path else None
        q = _query(handout.values_for(profile))
        day = date or sheets.today()
        if batch is not None:
            if output is not None:
                raise UsageError("use --out-dir with --batch, not -o")
            start = time.perf_counter()
            bar, update = sheets.progress_bar()
            with bar if bar else contextlib.nullcontext():
                job = sheets.BatchJob(
                    q=q,
                    which=which.value,
                    csv_path=batch,
                    out_dir=out_dir or Path.cwd(),
                    clinic=profile,
                    date=day,
                    paper=paper.value,
                    large_print=large_print,
                    font=font,
                    force=force,
                    default_format=fmt.value if fmt else None,
                )
                result = sheets.batch(job, progress=update)
            for problem in result.problems:
                _say(f"dryneedle: {problem}")
            _say(
                f"Wrote {_count(len(result.written), 'sheet')} to {out_dir or Path.cwd()}"
                f" in {sheets.elapsed(start)}; {_count(len(result.problems), 'row')} skipped."
            )
            if result.problems:
                raise typer.Exit(1)
            return
        kind = sheets.resolve_format(fmt.value if fmt else None, output)
        made = handout.make(
            q,
            which.value,
            areas or [],
            clinic=profile,
            patient=patient,
            clinician=clinician,
            date=day,
            next_visit=next_visit,
            paper=paper.value,
            large_print=large_print,
        )
        data = sheets.render(made, kind, font)
        path = sheets.write(data, output, sheets.default_name(which.value, day, kind), force)
        if path is not None:
            _say(f"Wrote {path}")


clinic_app = typer.Typer(help="The clinic profile used on handouts.", no_args_is_help=True)
app.add_typer(clinic_app, name="clinic")


@clinic_app.command("init")
def clinic_init(
    path: Annotated[
        Path | None, typer.Option(help="Where to write it [default: the user config folder].")
    ] = None,
) -> None:
    """Write a commented clinic profile template to fill in; never replaces an existing one."""
    from dryneedle_cli import clinic as clinics
    from dryneedle_cli import env as paths

    with _errors():
        dest = path or clinics.config_dir() / clinics.PROFILE_NAME
        clinics.write_template(dest, paths.data_dir() / "clinic-template.yaml")
        typer.echo(safe.line(dest))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _standard_streams() -> None:
    """Give a closed stdin an empty one, and a closed stdout one that refuses every write.

    Without this Python leaves ``sys.stdout`` as None (and the next file opened would take
    descriptor 1). Writing to it then fails like a full disk and is reported as exit 4.
    """
    global _STDOUT_CLOSED
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives for the process
    if sys.stdout is None:
        _STDOUT_CLOSED = True
        sink = "/dev/full" if os.path.exists("/dev/full") else os.devnull
        fd = os.open(sink, os.O_WRONLY)
        if fd != 1:
            os.dup2(fd, 1)
            os.close(fd)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stdin is not None and hasattr(sys.stdin, "reconfigure"):
        # undecodable bytes in a query become U+FFFD: every record stays valid UTF-8
        with contextlib.suppress(ValueError, OSError):
            sys.stdin.reconfigure(errors="replace")


def main() -> None:
    """Console-script entry point: the app plus the last line of defence for errors."""
    _standard_streams()
    try:
        app()
    except DryneedleError as e:  # raised outside a command
        if os.environ.get("DRYNEEDLE_DEBUG"):
            raise
        print(safe.line(f"dryneedle: {e}"), file=sys.stderr)
        sys.exit(e.exit_code)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - a bug: one line, unless debugging
        if os.environ.get("DRYNEEDLE_DEBUG"):
            raise
        print(
            safe.line(
                f"dryneedle: internal error: {type(e).__name__}: {e} "
                "(run with DRYNEEDLE_DEBUG=1 for details, and please report it)"
            ),
            file=sys.stderr,
        )
        sys.exit(BAD_CONTENT if isinstance(e, FileNotFoundError) else INTERNAL)
    except BaseException as e:  # SIGTERM during a batch: its workers are stopped
        from dryneedle_cli.sheets import Terminated  # only a batch raises it

        if not isinstance(e, Terminated):
            raise
        sys.exit(143)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the flush at exit cannot fail on a closed pipe."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
