"""dryneedle translations: the review trail of every translation, and what is not translated."""

import typer

from dryneedle_cli.cli.context import say, settings
from dryneedle_cli.cli.options import JsonOpt, LangOpt
from dryneedle_cli.errors import ExitCode

DRAFT = "draft, awaiting review"


def translations(ctx: typer.Context, lang: LangOpt = None, json_: JsonOpt = False) -> ExitCode:
    """The translations in use, file by file, with their review trail; and what is not translated.

    For the clinician; patient pages and sheets never show it. Each translation records its
    translator, its reviser (a second person; "draft, awaiting review" until there is one), its
    date and the hash of the English it was made from. Plain output: one line a file,
    tab-separated: language, status (reviewed, or draft, awaiting review), translator,
    reviser, date, file; then one line a page not translated: language, "untranslated", the
    item, why. With --lang, that language only. Exit 0 (a summary per language on stderr).
    """
    import json

    from dryneedle_cli import env, safe
    from dryneedle_cli.content import cache
    from dryneedle_cli.content.layers import discover, languages

    dirs = settings(ctx).content_dirs
    shipped = languages(discover(dirs))[1:]
    if lang is not None:
        from dryneedle_cli.cli.context import language

        chosen = language(settings(ctx), lang)
        shipped = [chosen.code] if chosen.code != "en" else []
    files, missing = [], []
    for code in shipped:
        kb = cache.load(dirs, env.cache_dir(), code)
        seen: dict[str, dict] = {}
        for row in kb.trail:
            if row["status"] == "untranslated":
                missing.append({"lang": code, "item": row["item"], "reason": row["reason"]})
            elif row["file"] not in seen:
                seen[row["file"]] = {
                    "lang": code,
                    "file": row["file"],
                    "layer": row["layer"],
                    "translator": row["translator"],
                    "reviser": row["reviser"],
                    "date": row["date"],
                    "status": "reviewed" if row["reviser"] else DRAFT,
                }
        files += sorted(seen.values(), key=lambda r: r["file"])
        drafts = sum(1 for r in seen.values() if not r["reviser"])
        gaps = sum(1 for m in missing if m["lang"] == code)
        say(
            f"{code}: {len(seen)} translation files, {len(seen) - drafts} reviewed, "
            f"{drafts} {DRAFT}; {gaps} not translated"
        )
    if json_:
        from dryneedle_cli import wire

        doc = wire.TranslationsDoc(
            schema_version=wire.SCHEMA_VERSION,
            command="translations",
            translations=[wire.TranslationFile(**r) for r in files],
            untranslated=[wire.Untranslated(**m) for m in missing],
        )
        typer.echo(json.dumps(wire.encode(doc), ensure_ascii=False, indent=2))
        return ExitCode.OK
    for r in files:
        fields = (r["lang"], r["status"], r["translator"], r["reviser"] or "-", r["date"],
                  r["file"])  # fmt: skip
        typer.echo("\t".join(safe.line(f) for f in fields))
    for m in missing:
        typer.echo("\t".join(safe.line(f) for f in (m["lang"], "untranslated", m["item"],
                                                    m["reason"])))  # fmt: skip
    return ExitCode.OK


COMMANDS = {"translations": translations}
