"""What every command is handed (Typer's ``ctx.obj``), and the two things every command needs."""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

from dryneedle_cli import safe

if TYPE_CHECKING:
    import typer


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
    import typer  # here, not at the top: the fast path of ``explain`` runs without Typer

    with contextlib.suppress(OSError):
        typer.echo(safe.message(message), err=True)


def language(s: Settings, flag: str | None = None, profile: str | None = None, quiet=False):
    """The language of this run (``languages.choose``): ``--lang`` (``flag``), else
    ``DRYNEEDLE_LANG``, else the clinic profile's ``language``, else the locale, else English.
    A strict choice that does not ship is a UsageError (exit 2) naming those that do."""
    from dryneedle_cli import languages
    from dryneedle_cli.errors import UsageError

    def available() -> list[str]:
        from dryneedle_cli.content.layers import discover
        from dryneedle_cli.content.layers import languages as shipped

        return shipped(discover(s.content_dirs))

    try:
        choice = languages.choose(flag, profile, os.environ, available)
    except ValueError as e:
        raise UsageError(str(e)) from None
    if profile and not quiet and choice.source not in ("--lang", "DRYNEEDLE_LANG"):
        code = languages.base(profile)
        if code != choice.code and code != "en":
            say(
                f"dryneedle: note: the clinic profile's language '{profile}' has no text here "
                f"(there is {', '.join(available())}); showing {languages.name(choice.code)}"
            )
    return choice


def query(
    s: Settings,
    values: dict[str, str] | None = None,
    quiet: bool = False,
    lang: str | None = None,
    profile_lang: str | None = None,
    *,
    require: bool = False,
    clinic_name: str = "",
):
    """The query layer over every active layer, in the language of this run (``language``:
    ``lang`` is the --lang flag, ``profile_lang`` the clinic profile's); skipped clinic files
    are warned about, and a page shown in English instead of a language from the profile or
    the locale is noted. ``require``: the profile's require_approval; ``clinic_name``: its
    name, for the approval line ("Approved for use at ...", ``status``)."""
    from dryneedle_cli import env
    from dryneedle_cli.content import cache
    from dryneedle_cli.query.pages import Query
    from dryneedle_cli.status import Policy, clinic_folder

    choice = language(s, lang, profile_lang, quiet)
    kb = cache.load(s.content_dirs, env.cache_dir(), choice.code)
    if not quiet:
        for warning in kb.warnings:
            say(f"dryneedle: warning: {warning}")
    notify = None if quiet else (lambda message: say(f"dryneedle: note: {message}"))
    english = None
    if choice.code != "en":
        made: list = []

        def english():
            if not made:
                made.append(Query(cache.load(s.content_dirs, env.cache_dir()), values=values))
            return made[0]

    q = Query(kb, values=values, strict=choice.strict, english=english, notify=notify)
    dirs = tuple(s.content_dirs)
    q.review = Policy(clinic_folder(dirs), require, clinic_name, dirs)
    return q


def clinic_values(flag) -> dict[str, str]:
    """Placeholder values for the screen from the clinic profile in force (none: {}).

    Fields still holding the template's example text are not shown: a warning says so.
    """
    return clinic_profile(flag)[0]


def clinic_profile(flag) -> tuple[dict[str, str], str]:
    """(``clinic_values``, the profile's ``language`` or '') of the profile in force."""
    values, lang, _ = clinic_settings(flag)
    return values, lang


def clinic_settings(flag) -> tuple[dict[str, str], str, dict]:
    """``clinic_profile`` and the keywords ``query`` takes from the profile: its
    require_approval and its name (as shown: not the template's example)."""
    from dryneedle_cli import env
    from dryneedle_cli.handouts import clinic
    from dryneedle_cli.handouts.handout import values_for

    path, source = clinic.locate_profile(str(flag) if flag else None)
    if path is None:
        return {}, "", {}
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
    policy = {"require": profile.require_approval, "clinic_name": values.get("clinic", "")}
    return values, profile.language, policy
