"""dryneedle conditions, dryneedle evidence."""

from typing import Annotated

import msgspec
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
from dryneedle_cli.views import ReferenceList

NotesOpt = Annotated[
    bool,
    typer.Option(
        "--notes",
        help="Clinician view: add each source's review note (how far it was checked, and where).",
    ),
]


def without_notes(view):
    """The reference list with its review notes taken out (kept only when --notes asks)."""
    if not isinstance(view, ReferenceList):
        return view
    refs = tuple(msgspec.structs.replace(r, note=None) for r in view.references)
    return msgspec.structs.replace(view, references=refs)


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
    notes: NotesOpt = False,
) -> ExitCode:
    """For clinicians: the sources with full citations; with WORDS, those of that topic or
    condition. Review notes only with --notes.

    Plain output: one reference a line, tab-separated: key, citation, DOI or URL, what it
    supports, and the review note (empty unless --notes; how far the source was checked).
    """
    keep = (lambda v: v) if notes else without_notes
    view_of = lambda q, w: keep(q.evidence(w))  # noqa: E731
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
