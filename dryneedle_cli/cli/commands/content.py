"""dryneedle validate, dryneedle paths: the clinician's view of the knowledge files."""

from pathlib import Path
from typing import Annotated

import typer

from dryneedle_cli.cli.context import query, say, settings
from dryneedle_cli.cli.options import JsonOpt, LangOpt
from dryneedle_cli.cli.output import renderer_for
from dryneedle_cli.errors import ExitCode


def validate(
    ctx: typer.Context,
    targets: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to check [default: every active layer].", show_default=False
        ),
    ] = None,
    json_: JsonOpt = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Also say what was not checked (reading grades need textstat)."
        ),
    ] = False,
) -> ExitCode:
    """Check knowledge files and report every problem as file:line:column: message.

    Every problem of every file in one run. Exit 0 when there are no errors (warnings do not
    fail), 3 when there is any error. Notes (such as reading grades not checked because
    textstat is not installed) are in the JSON "notes", and on stderr with --verbose.
    """
    from dryneedle_cli.checks import validate as checks
    from dryneedle_cli.content.layers import discover
    from dryneedle_cli.views import ValidateReport

    renderer = renderer_for(json_, False)
    report = checks.run(list(targets or []), discover(settings(ctx).content_dirs))
    renderer.show(ValidateReport.of(report))
    if verbose:
        for note in report.notes:
            say(f"dryneedle: note: {note}")
    say(checks.summary(report))
    return ExitCode.OK if report.ok else ExitCode.BAD_CONTENT


def paths(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(
            help="A topic, condition, area or term: where each part came from.", show_default=False
        ),
    ] = None,
    json_: JsonOpt = False,
    lang: LangOpt = None,
) -> ExitCode:
    """Show the content layers, highest first; with WORDS, which layer each part of it came from.

    With --lang (or another language in force), the translation each part came from too.
    """
    from dryneedle_cli.content.layers import discover
    from dryneedle_cli.views import Layer, Paths

    renderer = renderer_for(json_, False)
    dirs = settings(ctx).content_dirs
    if not words:
        layers = discover(dirs, absent=True)
        view = Paths(
            layers=tuple(
                Layer(name, str(root), root.is_dir()) for name, root, _ in reversed(layers)
            )
        )
    else:
        ident, parts = query(settings(ctx), lang=lang).origin(" ".join(words))
        view = Paths(id=ident, parts=tuple(parts))
    renderer.show(view)
    return ExitCode.OK


COMMANDS = {"validate": validate, "paths": paths}
