"""What every command is handed (Typer's ``ctx.obj``), and the two things every command needs."""

from __future__ import annotations

import contextlib
import os

import typer

from dryneedle_cli import safe


class Settings:
    """The options given before the command (``dryneedle --content-dir X explain ...``)."""

    def __init__(self, content_dirs: list[str] | None = None):
        self.content_dirs = list(content_dirs or [])


def settings(ctx: typer.Context | None) -> Settings:
    """The settings of this run; also during shell completion, when the root callback is not run
    and only the parsed parameters exist."""
    if ctx is None:
        return Settings()
    if isinstance(ctx.obj, Settings):
        return ctx.obj
    dirs = ctx.find_root().params.get("content_dir") or []
    return Settings([str(p) for p in dirs])


def say(message: object) -> None:
    """One line on stderr, with nothing a terminal would act on. A stderr that cannot be
    written (full, closed) loses the message, never the answer on stdout."""
    with contextlib.suppress(OSError):
        typer.echo(safe.line(message), err=True)


def query(
    s: Settings, values: dict[str, str] | None = None, quiet: bool = False, lang: str | None = None
):
    """The query layer over every active layer; skipped clinic files are warned about.
    ``lang``: the language of the pages [default: $DRYNEEDLE_LANG, else en]."""
    from dryneedle_cli import env
    from dryneedle_cli.content import cache
    from dryneedle_cli.query.pages import Query

    kb = cache.load(s.content_dirs, env.cache_dir())
    if not quiet:
        for warning in kb.warnings:
            say(f"dryneedle: warning: {warning}")
    return Query(kb, lang=lang or os.environ.get("DRYNEEDLE_LANG", "en"), values=values)


def clinic_values(flag) -> dict[str, str]:
    """Placeholder values for the screen from the clinic profile in force (none: {}).

    Fields still holding the template's example text are not shown: a warning says so.
    """
    from dryneedle_cli import env
    from dryneedle_cli.handouts import clinic
    from dryneedle_cli.handouts.handout import values_for

    path, source = clinic.locate_profile(str(flag) if flag else None)
    if path is None:
        return {}
    profile = clinic.load(path, source)
    values = values_for(profile)
    left = clinic.placeholders(profile, env.data_dir() / "clinic-template.yaml")
    if left:
        say(
            f"dryneedle: warning: {path} still holds the template's example text in "
            f"{', '.join(left)}; not shown (edit it, then run 'dryneedle clinic check')"
        )
        if "name" in left:
            values.pop("clinic", None)
        if "phone" in left:
            values.pop("clinic_phone", None)
    return values
