"""dryneedle explain."""

import typer

from dryneedle_cli.cli.context import settings
from dryneedle_cli.cli.fast import answer
from dryneedle_cli.cli.options import (
    ClinicOpt,
    Color,
    ColorOpt,
    JsonOpt,
    LangOpt,
    NoPagerOpt,
    PlainOpt,
    RefsOpt,
    WordsArg,
)
from dryneedle_cli.errors import ExitCode


def explain(
    ctx: typer.Context,
    words: WordsArg = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
    clinic: ClinicOpt = None,
    refs: RefsOpt = False,
    no_pager: NoPagerOpt = False,
    lang: LangOpt = None,
) -> ExitCode:
    """Explain dry needling, a topic (acupuncture, side effects ...), a condition, or a term.

    With no words: the overview, what dry needling is. Words may be a name, a lay word
    ('stiff neck'), a word of a name ('plantar'), an ICD-10 code or prefix (M77.1, M54) or a
    glossary term (LTR). Words that fit several pages list them, one a line on stderr with the
    id to type, and exit 1. With '-', one query per line of stdin (JSON Lines with --json); a
    query not found or not one page is a record with "found": false and the pages as suggestions.
    On a terminal: no ids or codes, sources as [1] marks under the body sections, never in a
    warning box or steps (--refs lists them), long pages paged.
    With --lang es or fr, names in that language find pages too ('dolor de cuello').
    """
    return answer(settings(ctx), words, json_, plain, color, clinic, refs, no_pager, lang)


COMMANDS = {"explain": explain}
