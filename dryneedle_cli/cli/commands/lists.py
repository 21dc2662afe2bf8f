"""dryneedle conditions, dryneedle evidence."""

import typer

from dryneedle_cli.cli.context import settings
from dryneedle_cli.cli.options import (
    ClinicOpt,
    Color,
    ColorOpt,
    HeaderOpt,
    JsonOpt,
    LangOpt,
    PlainOpt,
    WordsArg,
)
from dryneedle_cli.cli.output import show
from dryneedle_cli.errors import ExitCode


def conditions(
    ctx: typer.Context,
    words: WordsArg = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
    header: HeaderOpt = False,
    clinic: ClinicOpt = None,
    lang: LangOpt = None,
) -> ExitCode:
    """List conditions by body region, or those matching WORDS (name, alias, code or text).

    Plain output: one condition a line, tab-separated: id, name, region, ICD-10 codes
    (comma-separated), evidence strength. With '-': one query per line of stdin, each record
    starting with its query.
    """
    view_of = lambda q, w: q.conditions(w)  # noqa: E731
    return show(
        settings(ctx),
        "conditions",
        view_of,
        json_,
        plain,
        color,
        words,
        header,
        clinic=clinic,
        lang=lang,
    )


def evidence(
    ctx: typer.Context,
    words: WordsArg = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
    header: HeaderOpt = False,
    clinic: ClinicOpt = None,
    lang: LangOpt = None,
) -> ExitCode:
    """The references with full citations; with WORDS, those used by that topic or condition.

    Plain output: one reference a line, tab-separated: key, citation, DOI or URL, what it
    supports, and the clinician's review note (how far the source was checked; may be empty).
    """
    view_of = lambda q, w: q.evidence(w)  # noqa: E731
    return show(
        settings(ctx),
        "evidence",
        view_of,
        json_,
        plain,
        color,
        words,
        header,
        clinic=clinic,
        lang=lang,
    )


COMMANDS = {"conditions": conditions, "evidence": evidence}
