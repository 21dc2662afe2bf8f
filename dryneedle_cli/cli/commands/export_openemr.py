"""dryneedle export openemr DIR: OpenEMR's local education files (issue 24).

A subcommand of the ``export`` group (cli/commands/export.py registers it with one line)."""

from pathlib import Path
from typing import Annotated

import typer

from dryneedle_cli.cli.context import say, settings
from dryneedle_cli.cli.options import ClinicOpt, PaperOpt
from dryneedle_cli.errors import ExitCode, UsageError


def openemr(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(help="OpenEMR's sites/<site>/documents/education folder.")
    ],
    lang: Annotated[
        list[str] | None,
        typer.Option(
            "--lang",
            help="A language to write (repeatable) [default: every language that ships].",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace files already there.")] = False,
    clinic: ClinicOpt = None,
    paper: PaperOpt = None,
) -> ExitCode:
    """Write OpenEMR's local education files: icd10_<code>_<lang>.pdf for every code.

    One PDF per ICD-10 code of the content (WHO and ICD-10-CM codes, dot kept, lower case,
    as OpenEMR looks them up) in every language: the page of the condition it names, or of
    each condition when it names several, in the clinic's voice (--clinic). OpenEMR shows
    them under Education > Local Content. Nothing is replaced without --force (then nothing
    is written while any file is there: exit 4). Each problem is one line on stderr; a file
    not written (a page not translated, or not approved when the profile requires it) exits 1.
    """
    import time

    from dryneedle_cli import env
    from dryneedle_cli.cli.context import query
    from dryneedle_cli.content.layers import discover
    from dryneedle_cli.content.layers import languages as shipped
    from dryneedle_cli.handouts import clinic as clinics
    from dryneedle_cli.handouts.handout import values_for
    from dryneedle_cli.integrate import openemr as oe

    s = settings(ctx)
    have = shipped(discover(s.content_dirs))
    langs = list(dict.fromkeys(x.strip().lower() for x in lang)) if lang else have
    for code in langs:
        if code not in have:
            raise UsageError(
                f"--lang {code[:12]}: no text in that language here; give one of {', '.join(have)}"
            )
    path, source = clinics.locate_profile(str(clinic) if clinic else None)
    profile = clinics.load(path, source) if path else None
    if profile is not None:
        clinics.refuse_template(path, profile, env.data_dir() / "clinic-template.yaml")
        clinics.require_logo(profile, path)
    values = values_for(profile)
    require = bool(profile and profile.require_approval)
    name = profile.name if profile else ""
    queries: dict = {}

    def query_for(code: str):
        if code not in queries:
            queries[code] = query(s, values, quiet=True, lang=code, require=require,
                                  clinic_name=name)  # fmt: skip
        return queries[code]

    size = paper.value if paper else (profile.paper_size() if profile else clinics.locale_paper())
    start = time.perf_counter()
    result = oe.export(query_for, folder, langs, force=force, clinic=profile, paper=size)
    for problem in result.problems:
        say(f"dryneedle: {problem}")
    n = len(result.written)
    say(
        f"Wrote {n} file{'' if n == 1 else 's'} to {folder} in "
        f"{time.perf_counter() - start:.1f} s; {len(result.problems)} problem"
        f"{'' if len(result.problems) == 1 else 's'}."
    )
    if result.refused:
        return ExitCode.CANNOT_WRITE
    return ExitCode.NOT_FOUND if result.problems else ExitCode.OK
