"""dryneedle teachback (key points and open questions), dryneedle note (the chart note)."""

from enum import Enum
from typing import Annotated

import typer

from dryneedle_cli.cli.context import say, session_query, settings, tell
from dryneedle_cli.cli.options import (
    AreaOpt,
    ClinicianOpt,
    ClinicOpt,
    Color,
    ColorOpt,
    LangOpt,
    PlainOpt,
    RefsOpt,
    _complete_words,
)
from dryneedle_cli.cli.output import MAX_QUERY, _too_long, renderer_for
from dryneedle_cli.errors import ExitCode, UsageError
from dryneedle_cli.safe import short

JsonOpt = Annotated[bool, typer.Option("--json", help="JSON (see docs/json.md).")]
TeachbackResult = Enum(
    "TeachbackResult", {"done": "done", "partly": "partly", "not-done": "not-done"}, type=str
)


def teachback(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(
            show_default=False,
            help="A topic, a condition, 'aftercare' or 'prepare' [default: the overview].",
            autocompletion=_complete_words,
        ),
    ] = None,
    areas: AreaOpt = None,
    json_: JsonOpt = False,
    plain: PlainOpt = False,
    color: ColorOpt = Color.auto,
    clinic: ClinicOpt = None,
    refs: RefsOpt = False,
    lang: LangOpt = None,
) -> ExitCode:
    """Key points and open teach-back questions for one page, on one screen.

    After explaining, ask the patient to say the key points back in their own words: it
    checks how clearly it was explained. With no words: the overview. Words find a page as
    'explain' does; 'aftercare' and 'prepare' are the sheets, whose points may depend on
    --area (teachback aftercare --area neck). On a terminal: no ids, and no source marks on
    the key points (their sources: --json, or the page with --refs).
    """
    from dryneedle_cli.query import teachback as teach
    from dryneedle_cli.status import stamp

    s = settings(ctx)
    renderer = renderer_for(json_, plain, color, refs, env=s.env)
    session = s.session(clinic)
    tell(session.profile.notes)
    q = session_query(session, lang)
    text = " ".join(words) if words else None
    if text is not None and len(text) > MAX_QUERY:
        raise _too_long()
    renderer.show(stamp(q, teach.view(q, text, list(areas or ()))))
    return ExitCode.OK


# --- the options of `dryneedle note` (one alias each, so that the command reads as its steps)
_Gave = Annotated[
    list[str] | None,
    typer.Option(
        "--gave",
        help="What the patient was given (repeatable): aftercare, prepare, screening, "
        "consent, or a topic or condition as 'explain' finds it.",
        autocompletion=_complete_words,
    ),
]
_Teachback = Annotated[
    TeachbackResult | None,
    typer.Option("--teachback", help="Teach-back: done, partly or not-done.", show_default=False),
]
_GivenLang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language it was given in [default: as the sheets: $DRYNEEDLE_LANG, the "
        "profile's language, the locale, else en].",
        show_default=False,
    ),
]
_Date = Annotated[str | None, typer.Option(help="Date given, YYYY-MM-DD [default: today].")]
_Fhir = Annotated[
    bool,
    typer.Option(
        "--fhir",
        help="A FHIR R4 Bundle: for each item given, a DocumentReference with its PDF "
        "attached and a Communication; a Consent when the consent form was given.",
    ),
]


def note(
    ctx: typer.Context,
    gave: _Gave = None,
    areas: AreaOpt = None,
    teachback: _Teachback = None,
    lang: _GivenLang = None,
    clinician: ClinicianOpt = None,
    date: _Date = None,
    clinic: ClinicOpt = None,
    json_: JsonOpt = False,
    fhir: _Fhir = False,
) -> ExitCode:
    """One line for the clinical record: what was given, its version and hash, teach-back.

    The line (at most 300 characters) names each thing given by its title with a short hash
    of its content (the same content always gives the same hash, see docs/json.md), the
    areas, the language, the teach-back result, the content version, the date and the
    clinician (--clinician, else the profile's default_clinician). It never holds the
    patient's name. --json for other tools; --fhir for a record system that takes FHIR R4.
    '--gave consent' records consent as given: use it once the form is signed.
    """
    import datetime as dt

    from dryneedle_cli import __version__
    from dryneedle_cli.query import record
    from dryneedle_cli.views import Fhir

    if json_ and fhir:
        raise UsageError("choose one of --json and --fhir")
    s = settings(ctx)
    renderer = renderer_for(json_ or fhir, False, Color.never, env=s.env)
    when = record.check_date(date, dt.date.today())
    if lang is not None:
        record.check_lang(lang)
    session = s.session(clinic)
    found = session.profile  # checked as for a sheet: never from the template
    profile, profile_path = found.clinic, found.path
    if profile is not None:
        from dryneedle_cli.handouts import clinic as clinics

        clinics.refuse_template(profile_path, profile, s.env.clinic_template)
    # the language the sheets of this run would print in: --lang, DRYNEEDLE_LANG, the
    # profile's language, the locale, English (so the hashes match what was printed)
    choice = session.language(lang)
    tell(choice.notes)
    language = choice.code
    clinician = _clinician(clinician, profile, profile_path)

    # the values as on the sheets, so hashes match what was printed; the approval of each
    # thing given is recorded (never refused: the note is the record)
    import msgspec.structs

    recording = session.with_clinic(profile=msgspec.structs.replace(found, require_approval=False))
    q = session_query(recording, language)
    english = None if language == "en" else recording.query("en")
    view = record.note(
        q,
        list(gave or ()),
        list(areas or ()),
        date=when,
        clinician=clinician,
        teachback=teachback.value if teachback else None,
        version=__version__,
        english=english,
    )
    if clinician is None:
        say("dryneedle: warning: no clinician in the note; give --clinician NAME")
    if fhir:  # each thing given attached as the PDF the CLI prints (without a patient's name)
        from dryneedle_cli.integrate.documents import for_note

        view = Fhir(record.fhir_bundle(view, documents=for_note(q, view, clinic=profile)))
    renderer.show(view)
    return ExitCode.OK


def _clinician(given: str | None, profile, profile_path) -> str | None:
    """The note's clinician: --clinician, else the profile's default; cleaned as on a sheet,
    with a warning when the profile lists its clinicians and this one is not among them."""
    from dryneedle_cli import safe
    from dryneedle_cli.handouts import handout

    clinician = given or (profile.default_clinician if profile else None) or None
    if clinician is not None:
        if safe.has_control(clinician):
            raise UsageError("--clinician: the name has a control character; type it plainly")
        clinician = handout.clean(clinician, "clinician's name") or None
        if profile and profile.clinicians and clinician not in profile.clinicians:
            say(
                f"dryneedle: warning: '{short(clinician)}' is not in the clinicians of "
                f"{profile_path}"
            )
    return clinician


COMMANDS = {"teachback": teachback, "note": note}
