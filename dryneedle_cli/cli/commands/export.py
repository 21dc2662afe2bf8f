"""dryneedle export site | openemr: files for systems that only read files (issue 24).

Another subcommand joins the group with one line at the end: ``export_app.command(NAME)(f)``."""

from importlib import import_module
from pathlib import Path
from typing import Annotated

import typer

from dryneedle_cli.cli.context import say, settings, tell
from dryneedle_cli.cli.options import ClinicOpt
from dryneedle_cli.errors import ExitCode

export_app = typer.Typer(
    help="Write the guide as files for other systems: a static web site, an EHR's folder.",
    no_args_is_help=True,
)


@export_app.command("site")
def export_site(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="A new or empty folder, or an earlier export.")],
    clinic: ClinicOpt = None,
) -> ExitCode:
    """Write every page in every language as a static, accessible web site.

    The same pages as 'dryneedle serve' (no search and no sheets: there is no service behind
    them), in the clinic's voice, each with its status line. FOLDER must be new, empty or an
    earlier export (which is replaced); nothing is written outside it. A page not translated
    into a language, or not approved under require_approval, is left out of that language.
    """
    from dryneedle_cli.serve.site import export
    from dryneedle_cli.serve.state import Service

    service = Service(settings(ctx).content_dirs, str(clinic) if clinic else None)
    tell(service.notes)
    result = export(service, folder)
    left = sum(result.left_out.values())
    pages = sum(1 for f in result.files if "/" in f and not f.endswith("/index.html"))
    say(
        f"Wrote {pages} pages in {len(service.languages)} languages to {folder}"
        + (f"; {left} left out (not translated or not approved)" if left else "")
    )
    return ExitCode.OK


export_app.command("openemr")(import_module("dryneedle_cli.cli.commands.export_openemr").openemr)

COMMANDS = {"export": export_app}
