"""The session layer under every face (the CLI today, an HTTP service next): what a face needs
from dryneedle without a terminal, without printing and without reading the process's globals.

``Environment``: the streams, whether each is a terminal, the environment variables, the
current folder and the folders ``env.py`` computes. A face builds one, once
(``Environment.from_process``); tests build a fake one (``Environment.fake``) with in-memory
streams, like httpie's ``MockEnvironment``.

``Session``: over one Environment, one clinic profile and the ``--content-dir`` folders: the
profile (loaded once), the language of a request, the ``Query`` for a language (the knowledge
base loaded once per language and process), and a sheet or form as bytes with its name and
notes. Warnings are values (``notes``), never printed here; errors are the usual
``DryneedleError`` with its exit code, raised, never printed here.

This module imports nothing from ``cli/``, nor Typer or Rich.
"""

from __future__ import annotations

import _thread
import io
import os
import sys
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import IO, Any

import msgspec

from dryneedle_cli import env as _env

# --------------------------------------------------------------------------- environment


def _isatty(stream) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed or not a real stream
        return False


class Environment:
    """Everything a run reads from the process: streams, terminals, variables, folders.

    The folders are worked out from ``environ`` when first asked for (``env.py``'s rules).
    """

    def __init__(
        self,
        *,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        stdin_isatty: bool = False,
        stdout_isatty: bool = False,
        stderr_isatty: bool = False,
        environ: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        **folders: Any,
    ):
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.stdin_isatty = stdin_isatty
        self.stdout_isatty = stdout_isatty
        self.stderr_isatty = stderr_isatty
        self.environ: Mapping[str, str] = {} if environ is None else environ
        self.cwd = Path(cwd) if cwd is not None else Path(os.getcwd())
        for name, value in folders.items():  # a fake's fixed folders (config_dir=...)
            if name not in _FOLDERS:
                raise TypeError(f"Environment() got an unexpected keyword argument '{name}'")
            self.__dict__[name] = value

    @classmethod
    def from_process(cls) -> Environment:
        """The real one: ``sys`` streams, ``os.environ`` (a copy), the current folder. Built
        once by the face (``cli/typer_app.py``, ``cli/fast.py``), then passed down."""
        return cls(
            stdin=sys.stdin,
            stdout=sys.stdout,
            stderr=sys.stderr,
            stdin_isatty=_isatty(sys.stdin),
            stdout_isatty=_isatty(sys.stdout),
            stderr_isatty=_isatty(sys.stderr),
            environ=dict(os.environ),
            cwd=_cwd(),
        )

    @classmethod
    def fake(
        cls, *, environ: Mapping[str, str] | None = None, stdin: str = "", **kw
    ) -> Environment:
        """For tests: in-memory streams (``stdout``/``stderr`` are ``io.StringIO``), no
        terminal unless asked (``stdout_isatty=True``), only the variables given (``environ``),
        and any folder fixed by keyword (``config_dir=``, ``cache_dir=`` ...)."""
        kw.setdefault("stdin", io.StringIO(stdin))
        kw.setdefault("stdout", io.StringIO())
        kw.setdefault("stderr", io.StringIO())
        return cls(environ=dict(environ or {}), **kw)

    # ------------------------------------------------------------------ folders (env.py)

    @cached_property
    def data_dir(self) -> Path:
        """The built-in knowledge folder (``DRYNEEDLE_DATA_DIR`` replaces it)."""
        return _env.data_dir(self.environ)

    @cached_property
    def config_dir(self) -> Path:
        """The user config folder (the clinic profile's default place)."""
        return _env.user_config_dir(self.environ)

    @cached_property
    def site_config_dir(self) -> Path:
        return _env.site_config_dir(self.environ)

    @cached_property
    def cache_dir(self) -> Path | None:
        """The parsed-content cache, or None when ``DRYNEEDLE_CACHE_DIR`` is empty."""
        return _env.cache_dir(self.environ)

    @cached_property
    def content_dirs(self) -> tuple[str, ...]:
        """The folders of ``DRYNEEDLE_CONTENT_DIR``, the first one highest."""
        return tuple(_env.content_dirs(self.environ))

    @property
    def clinic_template(self) -> Path:
        return self.data_dir / "clinic-template.yaml"


_FOLDERS = ("data_dir", "config_dir", "site_config_dir", "cache_dir", "content_dirs")


def _cwd() -> Path | None:
    try:
        return Path(os.getcwd())
    except OSError:  # the folder was removed under the process
        return Path(".")


# --------------------------------------------------------------------------- values


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    """The clinic profile in force (``clinic`` None: there is none), read once per Session."""

    clinic: Any = None  # a handouts.clinic.Clinic
    path: Path | None = None
    source: str = "none"  # flag, env, config or none
    values: dict = msgspec.field(default_factory=dict)  # placeholder values for pages
    language: str = ""  # the profile's language ('' none)
    require_approval: bool = False
    name: str = ""  # the clinic's name as shown ('' while the template's example)
    placeholders: tuple[str, ...] = ()  # fields still holding the template's example text
    notes: tuple[str, ...] = ()  # 'warning: ...' lines for the face to show


class Language(tuple):
    """``(code, notes)`` of a request, with ``strict`` (asked for by --lang or
    DRYNEEDLE_LANG: a page not translated is then NotTranslated, not English) and ``source``."""

    def __new__(cls, code: str, notes: tuple[str, ...] = (), strict=False, source="default"):
        self = super().__new__(cls, (code, tuple(notes)))
        self.strict = strict
        self.source = source
        return self

    @property
    def code(self) -> str:
        return self[0]

    @property
    def notes(self) -> tuple[str, ...]:
        return self[1]


class SheetRequest(msgspec.Struct, frozen=True):
    """One sheet or form: what, for whom, how. Nothing here says where it goes.

    ``date`` None is today; ``format`` None is PDF (a key of ``render.DOCUMENTS``); ``paper``
    None is the profile's, else the locale's; ``clinician`` None is the profile's default;
    ``lang`` is a --lang flag (None: the profile's, the environment's, else English)."""

    which: str  # aftercare | prepare | screening | consent
    areas: tuple[str, ...] = ()
    patient: str | None = None
    clinician: str | None = None
    date: str | None = None
    next_visit: str | None = None
    notes: tuple[str, ...] = ()  # the clinician's own instructions (--note)
    format: str | None = None
    paper: str | None = None
    large_print: bool = False
    font: Path | None = None
    copies: int = 1  # consent: 2 is a clinic copy and a patient copy in one file
    lang: str | None = None


class Sheet(msgspec.Struct, frozen=True):
    """A made sheet: its bytes, format, default file name, media type and notes."""

    data: bytes
    fmt: str
    filename: str
    media_type: str
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- session


class Session:
    """What every face asks of dryneedle, over one Environment and one clinic.

    ``clinic_file``: the --clinic flag (else DRYNEEDLE_CLINIC, else the user config's
    profile); ``content_dir``: the --content-dir folders (the first one highest).

    Kept for the process: the profile and the knowledge base of each language (read-only once
    made). Nothing of one request is kept here: safe to share across threads and, after a
    fork, across processes (a batch's workers).
    """

    def __init__(
        self,
        env: Environment,
        *,
        clinic_file=None,
        content_dir=None,
        profile: Profile | None = None,
    ):
        """``profile``: a profile already read (``clinic check``, tests): used as it is."""
        self.env = env
        self.clinic_file = str(clinic_file) if clinic_file else None
        self.content_dirs: list[str] = [str(p) for p in content_dir or [] if p]
        self._lock = _thread.RLock()
        self._kbs: dict[str, Any] = {}
        if profile is not None:
            self.__dict__["profile"] = profile

    def with_clinic(self, clinic_file=None, *, profile: Profile | None = None) -> Session:
        """A Session for another clinic (a --clinic flag, or a profile already read) over
        the same environment, folders and loaded knowledge."""
        other = Session(
            self.env, clinic_file=clinic_file, content_dir=self.content_dirs, profile=profile
        )
        other._lock, other._kbs = self._lock, self._kbs
        return other

    # ------------------------------------------------------------------ the clinic

    @cached_property
    def profile(self) -> Profile:
        """The clinic profile in force, loaded once; a ContentError (exit 3) for a bad one."""
        from dryneedle_cli.env import locate_profile

        path, source = locate_profile(self.clinic_file, self.env.environ, self.env.config_dir)
        if path is None:
            return Profile()  # most runs: nothing else of the clinic module is needed
        from dryneedle_cli.handouts import clinic
        from dryneedle_cli.handouts.handout import values_for

        profile = clinic.load(path, source)
        values = values_for(profile)
        left = tuple(clinic.placeholders(profile, self.env.clinic_template))
        notes = ()
        if left:
            notes = (
                f"warning: {path} still holds the template's example text in "
                f"{', '.join(left)}; not shown (edit it, then run 'dryneedle clinic check')",
            )
            if "name" in left:
                values.pop("clinic", None)
            if "phone" in left:
                values.pop("clinic_phone", None)
        return Profile(
            clinic=profile,
            path=path,
            source=source,
            values=values,
            language=profile.language,
            require_approval=profile.require_approval,
            name=values.get("clinic", ""),
            placeholders=left,
            notes=notes,
        )

    # ------------------------------------------------------------------ language

    def languages(self) -> list[str]:
        """The languages that ship in the active layers, English first."""
        from dryneedle_cli.content.layers import discover
        from dryneedle_cli.content.layers import languages as shipped

        return shipped(discover(self.content_dirs))

    def language(self, flag: str | None = None, *, profile: bool = True) -> Language:
        """The language of a request: ``flag`` (--lang), else ``DRYNEEDLE_LANG``, else the
        clinic profile's, else the locale's, else English. A strict choice that does not ship
        is a UsageError (exit 2) naming those that do. ``profile`` False: leave the profile
        out (a face that has not read one)."""
        from dryneedle_cli import languages
        from dryneedle_cli.errors import UsageError

        wanted = self.profile.language if profile else ""
        try:
            choice = languages.choose(flag, wanted or None, self.env.environ, self.languages)
        except ValueError as e:
            raise UsageError(str(e)) from None
        notes: tuple[str, ...] = ()
        if wanted and choice.source not in ("--lang", "DRYNEEDLE_LANG"):
            code = languages.base(wanted)
            if code != choice.code and code != "en":
                notes = (
                    f"note: the clinic profile's language '{wanted}' has no text here "
                    f"(there is {', '.join(self.languages())}); showing "
                    f"{languages.name(choice.code)}",
                )
        return Language(choice.code, notes, choice.strict, choice.source)

    # ------------------------------------------------------------------ the query

    def knowledge(self, lang: str = "en"):
        """The merged knowledge base in ``lang``, loaded once per Session (``kb.warnings``:
        clinic files skipped)."""
        with self._lock:
            kb = self._kbs.get(lang)
            if kb is None:
                from dryneedle_cli.content import cache

                kb = cache.load(self.content_dirs, self.env.cache_dir, lang)
                self._kbs[lang] = kb
            return kb

    def warnings(self, lang: str = "en") -> tuple[str, ...]:
        """'warning: ...' for each clinic file left out of the knowledge base in ``lang``."""
        return tuple(f"warning: {w}" for w in self.knowledge(lang).warnings)

    def query(self, lang: str | Language = "en", *, strict: bool | None = None, notify=None):
        """The ``Query`` over every active layer in ``lang`` (a code, or ``language()``'s
        answer, whose ``strict`` it takes), with the clinic's values and approval policy.

        The knowledge base is loaded once; the Query object is new on each call, so each
        request has its own ``notify`` and ``strict`` (docs/architecture.md, "The session
        layer"; ``Query.for_request`` shares one Query's memories). ``notify(message)`` gets each
        'shown in English' note ('note: ...'); ``strict`` defaults to the Language's, else
        False."""
        from dryneedle_cli.query.pages import Query
        from dryneedle_cli.status import Policy, clinic_folder

        code = lang if isinstance(lang, str) and not isinstance(lang, Language) else lang[0]
        if strict is None:
            strict = bool(getattr(lang, "strict", False))
        profile = self.profile
        values = dict(profile.values)
        english = None
        if code != "en":
            made: list = []

            def english():
                if not made:
                    made.append(Query(self.knowledge("en"), values=values))
                return made[0]

        say = None if notify is None else (lambda message: notify(f"note: {message}"))
        q = Query(self.knowledge(code), values=values, strict=strict, english=english, notify=say)
        dirs = tuple(self.content_dirs)
        q.review = Policy(clinic_folder(dirs), profile.require_approval, profile.name, dirs)
        return q

    # ------------------------------------------------------------------ sheets

    def sheet_format(self, request: SheetRequest) -> str:
        """The request's format (``format``, else PDF); a UsageError for one not known."""
        from dryneedle_cli.render import DOCUMENTS
        from dryneedle_cli.safe import short

        fmt = request.format or "pdf"
        if fmt not in DOCUMENTS:
            from dryneedle_cli.errors import UsageError

            raise UsageError(f"unknown format '{short(fmt)}'; use one of {', '.join(DOCUMENTS)}")
        return fmt

    def check_sheet(self, request: SheetRequest) -> tuple[SheetRequest, tuple[str, ...]]:
        """Everything a sheet checks before it is made, once: the format, the profile (not the
        template; a logo a PDF or HTML sheet cannot draw), the clinician, the date, the paper,
        the language. (the request with its defaults filled in, the notes so far); raises what
        the sheet would raise."""
        from dryneedle_cli.dates import check_date, today
        from dryneedle_cli.handouts import clinic as clinics
        from dryneedle_cli.render import DOCUMENTS

        fmt = self.sheet_format(request)
        from dryneedle_cli.handouts.forms import check_copies

        check_copies(request.which, request.copies)  # once, before a batch's rows
        profile = self.profile
        notes: list[str] = []
        clinician = request.clinician
        clinic = profile.clinic
        if clinic is not None:
            if profile.placeholders:  # never a sheet from an unedited template
                raise clinics.template_left(profile.path, profile.placeholders)
            # a PDF or HTML sheet draws the logo: one that cannot be used stops it; a text or
            # Markdown sheet does without, with one warning
            if DOCUMENTS[fmt].logo:
                clinics.require_logo(clinic, profile.path)
            elif clinic.logo_problem:
                notes.append(f"warning: {profile.path}: {clinic.logo_problem}; no logo is printed")
            clinician = clinician or clinic.default_clinician or None
            if clinician and clinic.clinicians and clinician not in clinic.clinicians:
                notes.append(f"warning: '{clinician}' is not in the clinicians of {profile.path}")
        lang = self.language(request.lang)
        notes += lang.notes
        notes += self.warnings(lang.code)
        paper = request.paper or clinics.paper_for(clinic, self.env.environ)
        date = check_date(request.date, "date") or today()
        import msgspec.structs

        done = msgspec.structs.replace(
            request, format=fmt, clinician=clinician, paper=paper, date=date
        )
        return done, tuple(notes)

    def sheet(self, request: SheetRequest) -> Sheet:
        """The sheet or form ``request`` asks for, as bytes: exactly what ``dryneedle sheet``
        writes for it. Writes no file, reads no terminal; raises UsageError (2),
        ContentError (3), NotFound/NotTranslated (1), OutputError (4: a --font that cannot be
        read)."""
        from dryneedle_cli.handouts.jobs import default_name
        from dryneedle_cli.render import DOCUMENTS

        request, notes = self.check_sheet(request)
        found: list[str] = list(notes)
        q = self.query(self.language(request.lang), notify=found.append)
        data = render_sheet(q, request, self.profile)
        fmt = request.format
        return Sheet(
            data=data,
            fmt=fmt,
            filename=default_name(request.which, request.date, fmt, request.patient),
            media_type=DOCUMENTS[fmt].media_type,
            notes=tuple(dict.fromkeys(found)),
        )


def render_sheet(q, request: SheetRequest, profile: Profile) -> bytes:
    """The bytes of a checked request (``Session.check_sheet``) with ``q``: a sheet or a form,
    drawn by the same document renderer (``render.document``)."""
    from dryneedle_cli.render import document

    return document(printed(q, request, profile), request.format, request.font)


def printed(q, request: SheetRequest, profile: Profile):
    """The document view of a request: a ``views.Handout`` (aftercare, prepare) or a
    ``views.FormHandout`` (screening, consent), from the one maker."""
    from dryneedle_cli.handouts.printed import make

    return make(
        q,
        request.which,
        request.areas,
        clinic=profile.clinic,
        patient=request.patient,
        clinician=request.clinician,
        date=request.date,
        paper=request.paper,
        large_print=request.large_print,
        next_visit=request.next_visit,
        notes=request.notes,
        copies=request.copies,
    )
