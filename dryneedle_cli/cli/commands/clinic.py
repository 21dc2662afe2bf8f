"""dryneedle clinic init | show | check: the clinic profile used on screen and on handouts."""

from pathlib import Path
from typing import Annotated

import typer

from dryneedle_cli import safe
from dryneedle_cli.cli.context import say
from dryneedle_cli.cli.options import ClinicOpt, JsonOpt
from dryneedle_cli.errors import ExitCode

clinic_app = typer.Typer(
    help="The clinic profile: its voice on screen and on handouts.", no_args_is_help=True
)

# the fields `clinic show` lists, in the template's order
FIELDS = (
    "name", "address", "phone", "email", "website", "emergency_number", "logo", "paper",
    "language", "default_clinician", "clinicians", "require_approval",
)  # fmt: skip


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
    say(
        "Next: edit name, address and phone (and emergency_number, logo, paper) in that file, "
        f"then run 'dryneedle clinic check{_flag(path, dest)}'."
    )
    return ExitCode.OK


def _flag(path: Path | None, dest: Path) -> str:
    """' --clinic FILE' when the profile is not where dryneedle looks by itself."""
    return f" --clinic {dest}" if path is not None else ""


@clinic_app.command("show")
def clinic_show(clinic: ClinicOpt = None, json_: JsonOpt = False) -> ExitCode:
    """The profile in force, where it came from, and each field (empty ones included)."""
    import json

    from dryneedle_cli.handouts import clinic as clinics

    path, source = clinics.locate_profile(str(clinic) if clinic else None)
    profile = clinics.load(path, source) if path else None
    values = {f: (getattr(profile, f) if profile else None) for f in FIELDS}
    if isinstance(values["clinicians"], tuple):
        values["clinicians"] = list(values["clinicians"])
    paper = clinics.paper_for(profile)
    origin = "" if profile and profile.paper else " (from the locale)"
    if json_:
        record = {
            "path": str(path) if path else None,
            "source": source,
            "fields": values,
            "paper_used": paper,
            "logo_problem": (profile.logo_problem or None) if profile else None,
        }
        typer.echo(json.dumps(record, ensure_ascii=False))
        return ExitCode.OK
    where = {
        "flag": "from --clinic",
        "env": "from DRYNEEDLE_CLINIC",
        "config": "the user config folder",
    }
    if path is None:
        typer.echo("profile: none (sheets and screens use the built-in wording)")
        typer.echo(f"looked in: {safe.line(clinics.config_dir() / clinics.PROFILE_NAME)}")
    else:
        typer.echo(f"profile: {safe.line(path)} ({where[source]})")
    for name in FIELDS:
        value = values[name]
        if isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        # an address's lines as lines, each one escaped, under the first
        first, *rest = str(value or "").splitlines() or [""]
        typer.echo(f"{name}: {safe.line(first)}".rstrip())
        for more in rest:
            typer.echo(f"{' ' * (len(name) + 2)}{safe.line(more)}".rstrip())
    typer.echo(f"paper used: {paper}{origin}")
    return ExitCode.OK


@clinic_app.command("check")
def clinic_check(ctx: typer.Context, clinic: ClinicOpt = None) -> ExitCode:
    """Check the profile as a sheet would, and for the template's example text left in it.

    With require_approval: true, also that there is a clinic content folder to keep the
    approvals in (--content-dir or DRYNEEDLE_CONTENT_DIR) and that its approvals file reads,
    and how many pages are approved in the profile's language. Exit 0 when it is ready; 3
    naming each problem on stderr.
    """
    from dryneedle_cli import env
    from dryneedle_cli.errors import ContentError
    from dryneedle_cli.handouts import clinic as clinics

    path, source = clinics.locate_profile(str(clinic) if clinic else None)
    if path is None:
        say(
            "dryneedle: no clinic profile: write one with 'dryneedle clinic init', "
            "or name one with --clinic FILE"
        )
        return ExitCode.BAD_CONTENT
    try:
        profile = clinics.load(path, source)
    except ContentError as e:
        say(f"dryneedle: {e}")
        return ExitCode.BAD_CONTENT
    found = clinics.problems(path, profile, env.data_dir() / "clinic-template.yaml")
    if profile.language:  # a language with no text here would quietly be English
        from dryneedle_cli import languages
        from dryneedle_cli.content.layers import discover
        from dryneedle_cli.content.layers import languages as shipped

        have = shipped(discover())
        if languages.base(profile.language) not in have:
            found.append(
                f"{path}: language '{profile.language}' has no text here; use one of "
                f"{', '.join(have)} (or leave it empty)"
            )
    if profile.require_approval:
        found += _approval_problems(ctx, path, profile)
    for problem in found:
        say(f"dryneedle: {problem}")
    if found:
        them = "it" if len(found) == 1 else "them"
        say(f"{len(found)} problem{'' if len(found) == 1 else 's'}: fix {them}, then check again")
        return ExitCode.BAD_CONTENT
    typer.echo(f"{safe.line(path)}: ready")
    return ExitCode.OK


def _approval_problems(ctx: typer.Context, path: Path, profile) -> list[str]:
    """What would stop every page under require_approval; a count of what is approved."""
    from dryneedle_cli import approvals
    from dryneedle_cli.cli.context import language, query, settings
    from dryneedle_cli.errors import DryneedleError
    from dryneedle_cli.handouts.handout import values_for
    from dryneedle_cli.status import clinic_folder

    s = settings(ctx)
    if clinic_folder(s.content_dirs) is None:
        return [
            f"{path}: require_approval is true, but no clinic content folder is given to keep "
            "the approvals in, so every patient page would be refused; give --content-dir "
            "FOLDER before the command, or set DRYNEEDLE_CONTENT_DIR (field 'require_approval')"
        ]
    try:
        code = language(s, None, profile.language or None, quiet=True).code
        q = query(s, values_for(profile), quiet=True, lang=code, clinic_name=profile.name)
        records = approvals.load(q.review.records) if q.review.records else {}
        pages = approvals.pages(q)
        approved = sum(
            approvals.status(q, p.kind, p.id, records).state == "approved" for p in pages
        )
    except DryneedleError as e:
        return [str(e)]
    say(
        f"require_approval: {approved} of {len(pages)} pages approved in {code}; the others "
        "are refused on screen and on paper ('dryneedle review list')"
    )
    return []


COMMANDS = {"clinic": clinic_app}
