"""Options and arguments shared by several commands, and shell completion."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from dryneedle_cli.cli import context
from dryneedle_cli.cli.color import Color  # noqa: F401 - here for the commands and tests
from dryneedle_cli.render import DOCUMENTS

Which = Enum(
    "Which",
    {
        "aftercare": "aftercare",
        "prepare": "prepare",
        "screening": "screening",
        "consent": "consent",
    },
    type=str,
)
Paper = Enum("Paper", {"letter": "letter", "a4": "a4"}, type=str)  # either case on the command line
Format = Enum("Format", {name: name for name in DOCUMENTS}, type=str)


def _complete_words(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: ids and names of topics, conditions and glossary terms."""
    return _complete(ctx, incomplete, areas=False)


def _complete_areas(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: body areas and conditions for --area."""
    return _complete(ctx, incomplete, areas=True)


def _complete(ctx: typer.Context, incomplete: str, areas: bool) -> list[str]:
    try:
        from dryneedle_cli.query.search import region_index

        q = context.query(context.settings(ctx), quiet=True, lang=ctx.params.get("lang"))
        names = set(region_index(q.kb)) if areas else set()
        names.update(k for k, (kind, _) in q.index.items() if not areas or kind == "condition")
        start = incomplete.casefold()
        return sorted(n for n in names if n.startswith(start))
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []


def _complete_langs(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for --lang: the languages the active layers have."""
    try:
        from dryneedle_cli.content.layers import discover, languages

        found = languages(discover(context.settings(ctx).content_dirs))
        return [code for code in found if code.startswith(incomplete.casefold())]
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []


LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="CODE",
        help="Language of the text: en, es or fr. Strict: a page not yet translated is not "
        "shown in English instead (exit 1) [default: $DRYNEEDLE_LANG (strict too), else the "
        "clinic profile's language, else the locale's, else en; these two show English for "
        "a page not yet translated, with a note].",
        show_default=False,
        autocompletion=_complete_langs,
    ),
]
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
RefsOpt = Annotated[
    bool,
    typer.Option(
        "--refs", help="On a terminal: the full references after the page, not only [1] marks."
    ),
]
NoPagerOpt = Annotated[
    bool,
    typer.Option(
        "--no-pager", help="On a terminal: print a long page instead of paging it ($PAGER)."
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
ContentDirOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--content-dir",
        metavar="<path>",
        help="A folder of the clinic's own knowledge files (repeatable; the first wins). "
        "Give it before the command.",
    ),
]
ClinicOpt = Annotated[
    Path | None,
    typer.Option(
        "--clinic",
        metavar="FILE",
        help="Clinic profile (YAML) [default: $DRYNEEDLE_CLINIC, else clinic.yaml in the user "
        "config folder].",
        show_default=False,
    ),
]


def _complete_clinicians(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for --clinician: the profile's clinicians."""
    try:
        from dryneedle_cli.handouts import clinic

        flag = ctx.params.get("clinic")
        path = clinic.find(str(flag) if flag else None)
        if path is None:
            return []
        names = clinic.load(path).clinicians
        start = incomplete.casefold()
        return [n for n in names if n.casefold().startswith(start)]
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []


ClinicianOpt = Annotated[
    str | None,
    typer.Option(
        help="The clinician's name [default: the profile's default_clinician].",
        autocompletion=_complete_clinicians,
    ),
]
PaperOpt = Annotated[
    Paper | None,
    typer.Option(
        case_sensitive=False,
        help="Paper size [default: the profile's paper, else the locale's].",
        show_default=False,
    ),
]
