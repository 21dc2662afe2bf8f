"""What one service process loads once and then only reads: the clinic profile in force, a
query per language, the index of every page per language, and the pages' web frame.

Everything here is made at start-up (``Service.__init__``); a request reads it and makes its
own views. The one thing a request changes is the query layer's memo of matches and close
matches (a cache of what a words gives), which ``bounded`` keeps small, so a process serving
many different searches keeps a flat memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from dryneedle_cli.errors import NotFound, UsageError
from dryneedle_cli.render import web
from dryneedle_cli.safe import short

MEMO_LIMIT = 1024  # remembered matches per language before the memo starts again


class Service:
    """The guide as one process serves it; read-only after ``__init__``."""

    def __init__(self, content_dirs: Sequence[str] = (), clinic: str | None = None):
        from dryneedle_cli.cli.context import Settings, clinic_settings, query
        from dryneedle_cli.content.layers import discover, languages

        self.content_dirs = [str(d) for d in content_dirs]
        self.clinic_flag = clinic
        self.settings = Settings(self.content_dirs)
        values, profile_lang, policy = clinic_settings(clinic)
        self.profile, self.profile_path = _profile(clinic)
        self.values = values
        self.clinic_name = values.get("clinic", "") if policy else ""
        self.languages = tuple(languages(discover(self.content_dirs)))
        from dryneedle_cli import languages as langs

        wanted = langs.base(profile_lang) if profile_lang else None
        self.default_lang = wanted if wanted in self.languages else "en"
        self.queries = {
            code: query(
                self.settings, values, quiet=True, lang=code, profile_lang=profile_lang, **policy
            )
            for code in self.languages
        }
        self.frames = {code: self._frame(code) for code in self.languages}
        self.indexes = {code: self._index(code) for code in self.languages}

    # ------------------------------------------------------------------ per request

    def lang(self, asked: str | None) -> str:
        """The language of a request: ``lang`` as asked (a code these files have, 'es-MX'
        as 'es'), else the clinic profile's, else English. Anything else is a UsageError."""
        if asked is None or asked == "":
            return self.default_lang
        from dryneedle_cli import languages as langs

        code = langs.base(asked)
        if code not in self.languages:
            raise UsageError(
                f"unknown language '{short(asked)}'; use one of {', '.join(self.languages)}"
            )
        return code

    def query(self, lang: str):
        return bounded(self.queries[lang])

    def target(self, lang: str, ident: str) -> tuple[str, str]:
        """(kind, id) of the page ``ident`` names: an id of a topic, condition or glossary
        term, found as ``dryneedle explain ID`` finds it."""
        q = self.query(lang)
        kb = q.kb
        if ident not in kb.topics and ident not in kb.conditions and ident not in kb.glossary:
            raise NotFound(f"no page has the id '{short(ident)}'")
        return q.find(ident)

    def page(self, lang: str, ident: str):
        """The page view of ``ident`` with its status line, as ``dryneedle explain ID`` shows
        it (refused under the profile's require_approval unless approved)."""
        from dryneedle_cli.status import stamp

        self.target(lang, ident)  # an id, not any words
        q = self.query(lang)
        return stamp(q, q.explain(ident))

    def record(self, lang: str, words: str) -> dict:
        """The JSON record ``echo WORDS | dryneedle explain - --json`` writes for ``words``:
        the page with ``query`` and ``found: true``, or a miss with its suggestions."""
        from dryneedle_cli.render.json import document
        from dryneedle_cli.status import stamp
        from dryneedle_cli.views import Missing

        q = self.query(lang)
        try:
            view = stamp(q, q.explain(words))
        except NotFound as e:
            view = Missing("explain", words, str(e), e.suggestions)
        doc = document(view)
        return {**doc, "query": words, "found": doc.get("found", True)}

    def search(self, lang: str, words: str) -> tuple[list[web.Hit], list[web.Hit]]:
        """(pages the words name, close matches when none): ``explain``'s matcher."""
        q = self.query(lang)
        m = q.matches(words)
        hits = [self._hit(q, kind, ident) for kind, ident in m.targets]
        if hits:
            return hits, []
        from dryneedle_cli.query.search import normalize

        close = []
        key = normalize(words)
        if key:
            targets = {}
            for choice in q.suggest(key, q.index, lambda t: t):
                targets.setdefault(choice, None)
            close = [self._hit(q, kind, ident) for kind, ident in targets]
        return [], close

    def sheet(self, kind: str, fields: dict) -> Sheet:
        """The bytes ``dryneedle sheet KIND`` writes for these fields (``sheets._fields``:
        patient, area, clinician, date, next_visit, note, lang, format, paper, large_print,
        copies), without writing a file."""
        from dryneedle_cli.handouts import clinic as clinics
        from dryneedle_cli.handouts import jobs
        from dryneedle_cli.handouts.handout import make
        from dryneedle_cli.query.forms import FORMS
        from dryneedle_cli.render import document

        fmt = jobs.resolve_format(fields.get("format"), None)
        paper = fields.get("paper")
        if paper is not None:
            paper = paper.lower()
            if paper not in web.PAPERS:
                raise UsageError(f"unknown paper '{short(paper)}'; use letter or a4")
        large_print = bool(fields.get("large_print"))
        if fmt in ("md", "txt") and (paper or large_print):
            what = "large_print" if large_print else "paper"
            raise UsageError(f"{what} is for PDF and HTML sheets; leave it out or use format pdf")
        lang = self.lang(fields.get("lang"))
        profile = self.profile
        if fmt in ("pdf", "html"):
            clinics.require_logo(profile, self.profile_path)
        clinician = fields.get("clinician") or (profile and profile.default_clinician) or None
        request = jobs.SheetRequest(
            which=kind,
            date=jobs.check_date(fields.get("date"), "date") or jobs.today(),
            areas=tuple(fields.get("area") or ()),
            patient=fields.get("patient"),
            clinician=clinician,
            next_visit=fields.get("next_visit"),
            clinic=profile,
            clinic_path=self.profile_path,
            format=fmt,
            paper=paper or (profile.paper_size() if profile else clinics.locale_paper()),
            large_print=large_print,
            notes=tuple(fields.get("note") or ()),
            copies=fields.get("copies") or 1,
        )
        q = self.query(lang)
        if kind in FORMS:
            data = jobs._form(q, request, fmt)
        else:
            handout = make(
                q,
                kind,
                list(request.areas),
                clinic=profile,
                patient=request.patient,
                clinician=request.clinician,
                date=request.date,
                next_visit=request.next_visit,
                paper=request.paper,
                large_print=request.large_print,
                notes=request.notes,
            )
            data = document(handout, fmt)
        from dryneedle_cli.render import DOCUMENTS

        return Sheet(
            data,
            fmt,
            jobs.default_name(kind, request.date, fmt),
            MEDIA_TYPES[fmt],
            DOCUMENTS[fmt].extensions[0],
        )

    def _hit(self, q, kind: str, ident: str) -> web.Hit:
        return web.Hit(ident, q._display((kind, ident)).rsplit(" (", 1)[0])

    # ------------------------------------------------------------------ made once

    def _frame(self, code: str) -> web.Frame:
        q = self.queries[code]
        names = tuple(
            (c, self.queries[c].labels.get("web_language_name") or c) for c in self.languages
        )
        return web.Frame(
            lang=code,
            labels=dict(q.labels),
            values=dict(q.values),
            languages=names,
            clinic=self.clinic_name,
        )

    def _index(self, code: str) -> web.Index:
        q = self.queries[code]
        kb = q.kb
        missing = kb.untranslated
        topics = tuple(
            web.Hit(t.id, q.t(t.title))
            for t in kb.topics.values()
            if f"topic:{t.id}" not in missing
        )
        regions = []
        try:
            listing = q.conditions(None)
        except NotFound:
            listing = None
        if listing is not None and listing.lang == code:
            for _rid, name, rows in listing.groups:
                regions.append((name, tuple(web.Hit(r.id, r.name) for r in rows)))
        terms = tuple(
            web.Hit(t.id, q.t(t.term))
            for t in sorted(kb.glossary.values(), key=lambda t: q.t(t.term).casefold())
            if t.see is None and f"glossary:{t.id}" not in missing
        )
        sheets = tuple(
            (kind, q.t(getattr(kb, kind).title))
            for kind in ("aftercare", "prepare", "screening", "consent")
        )
        areas = tuple((r.id, q.t(r.name)) for r in kb.regions.values())
        return web.Index(topics, tuple(regions), terms, sheets, areas)


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


class Sheet(NamedTuple):
    data: bytes
    fmt: str
    filename: str  # the CLI's default name without the patient's (headers can be logged)
    media_type: str
    extension: str


def _profile(flag):
    """(the clinic profile in force, its path), or (None, None); the template refused, as
    ``dryneedle sheet`` refuses it."""
    from dryneedle_cli import env
    from dryneedle_cli.handouts import clinic as clinics

    path, source = clinics.locate_profile(str(flag) if flag else None)
    if path is None:
        return None, None
    profile = clinics.load(path, source)
    clinics.refuse_template(path, profile, env.data_dir() / "clinic-template.yaml")
    return profile, path


def bounded(q):
    """``q`` with its memo of matches and close matches emptied once it is large: a cache
    only, so emptying it changes no answer."""
    for memo in (q._matches, q._suggestions):
        if len(memo) > MEMO_LIMIT:
            memo.clear()
    return q
