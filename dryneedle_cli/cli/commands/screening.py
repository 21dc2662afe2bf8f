"""dryneedle screen: the screening questions before the first needle, asked on a terminal or
read from an answers file; what needs the clinician's attention. Nothing is stored."""

import sys
from typing import Annotated

import typer

from dryneedle_cli.cli.context import session_query, settings, tell
from dryneedle_cli.cli.options import (
    AreaOpt,
    ClinicOpt,
    Color,
    ColorOpt,
    HeaderOpt,
    LangOpt,
    PlainOpt,
)
from dryneedle_cli.cli.output import renderer_for
from dryneedle_cli.errors import ExitCode, UsageError

MAX_REPLY = 200  # characters of one typed reply that are looked at


def _terminal(env=None) -> bool:
    """Whether a person can answer here (stdin is a terminal: the run's Environment says).
    Tests replace it."""
    return env.stdin_isatty if env is not None else bool(sys.stdin and sys.stdin.isatty())


def screen(
    ctx: typer.Context,
    areas: AreaOpt = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            metavar="FILE",
            help="Answers in YAML or JSON ('-' for stdin): question id -> yes, no or not-sure.",
        ),
    ] = None,
    questions: Annotated[
        bool, typer.Option("--questions", help="List the questions (ids, classes) and exit.")
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="JSON (see docs/json.md).")] = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
    header: HeaderOpt = False,  # --questions --plain
    clinic: ClinicOpt = None,
    lang: LangOpt = None,
) -> ExitCode:
    """Ask the screening questions before the first needle; list what needs attention.

    On a terminal each question is asked in turn (y, n or ?); Ctrl-C or Ctrl-D leaves with
    nothing kept (exit 130). --answers FILE reads them instead. The result lists every "yes"
    and "not sure" under how each source classes it, with what to discuss. It never says a
    person can or cannot have dry needling: the clinician and the patient decide together.
    Nothing is stored. --lang: the questions, the replies a patient types and the result's
    headings in that language (the clinician's notes and the sources' words stay in English).
    """
    s = settings(ctx)
    renderer = renderer_for(json_, plain, color, env=s.env)
    session = s.session(clinic)
    tell(session.profile.notes)
    # The whole screen is in one language: the form's, or all English with a note when the
    # language came from the profile or the locale (Query.form_query); exit 1 when it was
    # asked for strictly and the questions are not translated into it.
    q = session_query(session, lang)
    chosen = list(areas or [])
    if questions:
        if answers is not None:
            raise UsageError("choose one of --questions and --answers")
        renderer.show(q.screen_questions(chosen), header=header)
        return ExitCode.OK
    listing = q.screen_questions(chosen)  # checks the areas before anything is asked
    if answers is not None:
        given = _from_file(q, answers)
    elif _terminal(s.env):
        from dryneedle_cli.status import gate

        # the patient reads and answers: under require_approval, only an approved form
        gate(q, "screening", q.kb.screening.id, listing.title, listing.lang)
        given = _ask(q, listing, renderer, s.env)
    else:
        raise UsageError(
            "stdin is not a terminal, so no one can answer here: give --answers FILE "
            "(or --answers - to read them from stdin), or --questions to list them"
        )
    renderer.show(q.screen_result(given, chosen))
    return ExitCode.OK


def _from_file(q, source: str) -> dict[str, str]:
    from dryneedle_cli import answers

    entries, where = answers.read(source)
    answers.check_ids(entries, [x.id for x in q.kb.screening.questions], where)
    return answers.normalize(entries, q.replies(), where)


def _ask(q, listing, renderer, env) -> dict[str, str]:
    """Each question on stderr, each reply from stdin, until every question has an answer.
    Ctrl-C raises KeyboardInterrupt and end of input (Ctrl-D) aborts: exit 130, and nothing
    was written to stdout or anywhere else."""
    from dryneedle_cli import safe
    from dryneedle_cli.model import reply_key

    words = listing.words
    replies = q.replies()
    fancy = type(renderer).__name__ == "TerminalRenderer" and env.stderr_isatty
    stdin, stderr = env.stdin, env.stderr
    bold, dim, off = ("\x1b[1m", "\x1b[2m", "\x1b[0m") if fancy else ("", "", "")
    keys = "/".join(words[f"replies_{a}"].split("|")[0] for a in ("yes", "no", "not_sure"))

    def write(text: str = "") -> None:
        stderr.write(text + "\n")
        stderr.flush()

    write(f"{bold}{safe.line(listing.title)}{off}")
    write(safe.line(listing.summary))
    write(safe.line(words["reply_hint"]))
    given: dict[str, str] = {}
    group = None
    total = len(listing.items)
    for n, item in enumerate(listing.items, 1):
        if item.group != group:
            group = item.group
            write()
            write(f"{bold}{safe.line(item.group_heading)}{off}")
        while True:
            stderr.write(
                f"{dim}{n:>2}/{total}{off}  {safe.line(item.question)} [{safe.line(keys)}] "
            )
            stderr.flush()
            raw = stdin.readline(MAX_REPLY)
            if not raw:  # end of input: leave, keeping nothing
                write()
                raise typer.Abort()
            if len(raw) >= MAX_REPLY and not raw.endswith("\n"):
                while raw and not raw.endswith("\n"):  # skip the rest of a long line
                    raw = stdin.readline(MAX_REPLY)
                raw = ""
            answer = replies.get(reply_key(raw))
            if answer is not None:
                given[item.id] = answer
                break
            write(f"      {safe.line(words['reply_again'])}")
    write()
    return given


COMMANDS = {"screen": screen}
