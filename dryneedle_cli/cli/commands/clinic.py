"""dryneedle clinic init."""

from pathlib import Path
from typing import Annotated

import typer

from dryneedle_cli import safe
from dryneedle_cli.errors import ExitCode

clinic_app = typer.Typer(help="The clinic profile used on handouts.", no_args_is_help=True)


@clinic_app.command("init")
def clinic_init(
    path: Annotated[
        Path | None, typer.Option(help="Where to write it [default: the user config folder].")
    ] = None,
) -> ExitCode:
    """Write a commented clinic profile template to fill in; never replaces an existing one."""
    from dryneedle_cli import env
    from dryneedle_cli.handouts import clinic

    dest = path or clinic.config_dir() / clinic.PROFILE_NAME
    clinic.write_template(dest, env.data_dir() / "clinic-template.yaml")
    typer.echo(safe.line(dest))
    return ExitCode.OK


COMMANDS = {"clinic": clinic_app}
