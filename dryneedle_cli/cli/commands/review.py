"""dryneedle review list | show | approve | revoke: a clinician's sign-off, page by page and
language by language (the records and the words: ``dryneedle_cli.approvals``)."""

from __future__ import annotations

from typing import Annotated

import typer

from dryneedle_cli.cli.context import say, settings
from dryneedle_cli.cli.options import ClinicOpt, JsonOpt, LangOpt
from dryneedle_cli.errors import ExitCode

review_app = typer.Typer(
    help="Clinical sign-off: which pages a clinician of the clinic approved, in which "
    "language, and what changed since.",
    no_args_is_help=True,
)

IdsArg = Annotated[
    list[str],
    typer.Argument(
        show_default=False,
        help="Page ids as 'review list' shows them (neck-pain, aftercare, consent); "
        "KIND:ID when two kinds share an id (glossary:pneumothorax).",
    ),
]
ReviewLangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="CODE",
        help="The language of the page: en, es or fr [default: en]. An approval covers one "
        "language.",
        show_default=False,
    ),
]


def _queries(ctx: typer.Context, clinic, codes: list[str] | None):
    """{language: Query} with the clinic's values (the words as patients see them)."""
    from dryneedle_cli.cli.context import clinic_settings, language, query
    from dryneedle_cli.content.layers import discover, languages

    s = settings(ctx)
    values, _, policy = clinic_settings(clinic)
    policy = {**policy, "require": False}  # a clinician's view: never refused
    if codes is None:
        codes = languages(discover(s.content_dirs))
    out = {}
    for code in codes:
        code = language(s, code).code
        out[code] = query(s, values, quiet=code != codes[0], lang=code, **policy)
    return out


def _records(q) -> dict:
    from dryneedle_cli import approvals

    path = q.review.records
    return approvals.load(path) if path else {}


@review_app.command("list")
def review_list(
    ctx: typer.Context, lang: LangOpt = None, json_: JsonOpt = False, clinic: ClinicOpt = None
) -> ExitCode:
    """Every page (topics, conditions, glossary terms, sheets, forms) in every language, with
    its status: draft (never approved in that language), approved (its words are the ones a
    clinician approved), or changed (approved once, different now: approve it again).

    Plain output: one line a page, tab-separated: language, status, kind, id, approved by,
    approved on, the hash of the words approved (- when none). A summary per language on
    stderr. --json: see docs/json.md (review.schema.json).
    """
    import json

    from dryneedle_cli import approvals, safe

    queries = _queries(ctx, clinic, [lang] if lang else None)
    rows = []
    for code, q in queries.items():
        records = _records(q)
        counts = dict.fromkeys(("approved", "changed", "draft"), 0)
        for ref in approvals.pages(q):
            st = approvals.status(q, ref.kind, ref.id, records)
            counts[st.state] += 1
            rows.append({
                "id": ref.id, "kind": ref.kind, "lang": code, "title": ref.title,
                "status": st.state, "approved_by": st.by, "approved_on": st.on, "hash": st.hash,
                "current_hash": st.current or approvals.page_hash(q, ref.kind, ref.id),
            })  # fmt: skip
        gaps = approvals.untranslated_count(q)
        more = f"; {gaps} not translated, not listed ('dryneedle translations')" if gaps else ""
        say(
            f"{code}: {counts['approved']} approved, {counts['changed']} changed since approval, "
            f"{counts['draft']} draft{more}"
        )
        if q.review.folder is None and code == next(iter(queries)):
            say(
                "dryneedle: note: no clinic content folder is given (--content-dir or "
                "DRYNEEDLE_CONTENT_DIR), so nothing is approved"
            )
    if json_:
        from dryneedle_cli import wire

        doc = wire.ReviewDoc(
            schema_version=wire.SCHEMA_VERSION,
            command="review",
            pages=[wire.ReviewRow(**r) for r in rows],
        )
        typer.echo(json.dumps(wire.encode(doc), ensure_ascii=False, indent=2))
        return ExitCode.OK
    for r in rows:
        fields = (r["lang"], r["status"], r["kind"], r["id"], r["approved_by"] or "-",
                  r["approved_on"] or "-", r["hash"] or "-")  # fmt: skip
        typer.echo("\t".join(safe.line(f) for f in fields))
    return ExitCode.OK


@review_app.command("show")
def review_show(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="The page's id ('review list').")],
    lang: ReviewLangOpt = None,
    clinic: ClinicOpt = None,
) -> ExitCode:
    """The page as a reviewer needs it: each statement with its sources (full citations and
    the notes on how far each source was checked), its status, and, when it changed since it
    was approved, what changed (a unified diff from the words approved to the words now)."""
    from dryneedle_cli import approvals

    q = next(iter(_queries(ctx, clinic, [lang or "en"]).values()))
    ref = approvals.resolve(q, ident)
    records = _records(q)
    typer.echo(approvals.show_text(q, ref, approvals.status(q, ref.kind, ref.id, records)))
    return ExitCode.OK


@review_app.command("approve")
def review_approve(
    ctx: typer.Context,
    ids: IdsArg,
    by: Annotated[
        str,
        typer.Option(
            "--by", metavar="'NAME, ROLE'", help="Who approves: name and role ('Dr Ana Ruiz, PT')."
        ),
    ],
    lang: ReviewLangOpt = None,
    date: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD",
            help="The date of the approval (one given on paper earlier) [default: today].",
        ),
    ] = None,
    clinic: ClinicOpt = None,
) -> ExitCode:
    """Approve pages for use at the clinic, in one language: the exact words patients are
    given now (after the clinic's own files and patches, with its profile's values).

    Written to approvals.yaml in the clinic's content folder (the first --content-dir, else
    DRYNEEDLE_CONTENT_DIR), with the words approved beside it in approvals/<lang>/. Any later
    change to the words (an upgrade, a clinic edit, a new translation) makes the page
    'changed' until it is approved again. Read each page first with 'review show ID'.
    """
    import datetime as dt

    from dryneedle_cli import approvals, dates
    from dryneedle_cli.query.record import check_date

    folder = approvals.clinic_folder(settings(ctx).content_dirs)
    who = approvals.check_by(by)
    on = dates.parse(check_date(date, dt.date.today()))
    q = next(iter(_queries(ctx, clinic, [lang or "en"]).values()))
    refs = list({(r.kind, r.id): r for r in (approvals.resolve(q, i) for i in ids)}.values())
    for r in approvals.approve(folder, q, refs, who, on):
        typer.echo(f"approved\t{r.lang}\t{r.kind}\t{r.id}\t{r.hash}")
    where = folder / "approvals.yaml"
    say(f"Approved {_count(len(refs))} in {q.lang} by {who}; recorded in {where}")
    return ExitCode.OK


@review_app.command("revoke")
def review_revoke(
    ctx: typer.Context, ids: IdsArg, lang: ReviewLangOpt = None, clinic: ClinicOpt = None
) -> ExitCode:
    """Withdraw approvals in one language: the pages are drafts again (and refused under the
    profile's require_approval)."""
    from dryneedle_cli import approvals

    folder = approvals.clinic_folder(settings(ctx).content_dirs)
    q = next(iter(_queries(ctx, clinic, [lang or "en"]).values()))
    refs = list({(r.kind, r.id): r for r in (approvals.resolve(q, i) for i in ids)}.values())
    for r in approvals.revoke(folder, q.lang, refs):
        typer.echo(f"revoked\t{r.lang}\t{r.kind}\t{r.id}")
    say(f"Revoked {_count(len(refs))} in {q.lang}; recorded in {folder / 'approvals.yaml'}")
    return ExitCode.OK


def _count(n: int) -> str:
    return f"{n} page" + ("" if n == 1 else "s")


COMMANDS = {"review": review_app}
