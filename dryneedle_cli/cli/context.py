"""What every command is handed (Typer's ``ctx.obj``): the run's settings, its Environment and
its Sessions; and the face's one way to show a message (``say``, ``tell``).

The work (profile, language, query, sheets) is in ``dryneedle_cli/session.py``; the functions
below ``tell`` are the face's steps over it, kept under their old names for the commands,
tests and tools that call them.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from dryneedle_cli import safe

if TYPE_CHECKING:
    import typer

    from dryneedle_cli.session import Environment, Session


class Settings:
    """The options given before the command (``dryneedle --content-dir X explain ...``), the
    Environment of the run (made by the entry point; else on first use) and a Session per
    --clinic flag, sharing the knowledge they load."""

    def __init__(self, content_dirs: list[str] | None = None, env: Environment | None = None):
        self.content_dirs = list(content_dirs or [])
        self._env = env
        self._sessions: dict[str | None, Session] = {}

    @property
    def env(self) -> Environment:
        if self._env is None:
            from dryneedle_cli.session import Environment

            self._env = Environment.from_process()
        return self._env

    def session(self, clinic=None) -> Session:
        """The Session for the --clinic flag ``clinic`` (None: DRYNEEDLE_CLINIC, else config)."""
        key = str(clinic) if clinic else None
        if key not in self._sessions:
            first = next(iter(self._sessions.values()), None)
            if first is None:
                from dryneedle_cli.session import Session

                made = Session(self.env, clinic_file=key, content_dir=self.content_dirs)
            else:
                made = first.with_clinic(key)
            self._sessions[key] = made
        return self._sessions[key]


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


def tell(notes) -> None:
    """The session's notes ('warning: ...', 'note: ...'), one ``dryneedle: `` line each."""
    for note in notes:
        say(f"dryneedle: {note}")


def session_query(session: Session, lang: str | None = None, quiet: bool = False):
    """The Query of a run: the language (``lang`` is --lang), its note and the skipped clinic
    files told (unless ``quiet``), and 'shown in English' notes told as they happen."""
    choice = session.language(lang)
    if not quiet:
        tell(choice.notes)
        tell(session.warnings(choice.code))
    notify = None if quiet else (lambda note: tell([note]))
    return session.query(choice, notify=notify)


def _with(s: Settings, **profile) -> Session:
    from dryneedle_cli.session import Profile

    return s.session().with_clinic(profile=Profile(**profile))


def language(s: Settings, flag: str | None = None, profile: str | None = None, quiet=False):
    """The language of this run (``Session.language``: ``.code``, ``.strict``, ``.source``);
    its note told unless ``quiet``. A strict choice that does not ship is a UsageError."""
    choice = _with(s, language=profile or "").language(flag)
    if not quiet:
        tell(choice.notes)
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
    """The Query of a run for a profile given as values (``values``, ``profile_lang``,
    ``require``: its require_approval, ``clinic_name``); see ``session_query``."""
    session = _with(
        s,
        values=dict(values or {}),
        language=profile_lang or "",
        require_approval=require,
        name=clinic_name,
    )
    return session_query(session, lang, quiet)


def clinic_values(flag, s: Settings | None = None) -> dict[str, str]:
    """Placeholder values for the screen from the clinic profile in force (none: {})."""
    return clinic_profile(flag, s)[0]


def clinic_profile(flag, s: Settings | None = None) -> tuple[dict[str, str], str]:
    """(``clinic_values``, the profile's ``language`` or '') of the profile in force."""
    values, lang, _ = clinic_settings(flag, s)
    return values, lang


def clinic_settings(flag, s: Settings | None = None) -> tuple[dict[str, str], str, dict]:
    """``clinic_profile`` and the keywords ``query`` takes from the profile (require_approval,
    the name as shown); fields still holding the template's example text are left out, told."""
    profile = (s or Settings()).session(flag).profile
    tell(profile.notes)
    if profile.clinic is None:
        return {}, "", {}
    policy = {"require": profile.require_approval, "clinic_name": profile.name}
    return dict(profile.values), profile.language, policy
