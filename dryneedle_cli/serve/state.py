"""What one service process loads once and then only reads: the Session (the clinic profile
and the knowledge base of each language), and per language the index of every page and the
pages' web frame.

Everything here is made at start-up (``Service.__init__``); a request makes its own ``Query``
and views, so a process serving many different searches keeps a flat memory and no request
sees another's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from dryneedle_cli.errors import NotFound, UsageError
from dryneedle_cli.render import DOCUMENTS, formats_that, names, web
from dryneedle_cli.safe import short


class Service:
    """The guide as one process serves it: a ``Session`` (the clinic profile and the
    knowledge base of each language, loaded here, once) and, per language, the web frame and
    the index of pages. Read-only after ``__init__``; each request makes its own ``Query``
    (``Session.query``), so nothing of one request is seen by another."""

    def __init__(self, content_dirs: Sequence[str] = (), clinic: str | None = None, env=None):
        from dryneedle_cli.session import Environment, Session

        self.content_dirs = [str(d) for d in content_dirs]
        self.session = Session(
            env or Environment.from_process(), clinic_file=clinic, content_dir=self.content_dirs
        )
        profile = self.session.profile  # a bad profile stops here (ContentError, exit 3)
        self.profile = profile
        self.notes = tuple(profile.notes)
        self.languages = tuple(self.session.languages())
        self.default = self.session.language(None)  # the environment's, profile's or English
        self.default_lang = self.default.code
        for code in self.languages:
            self.notes += self.session.warnings(code)  # loads each language's knowledge once
        from dryneedle_cli.status import RECORDS, clinic_folder

        folder = clinic_folder(self.content_dirs)
        self._approvals = os.path.join(folder, RECORDS) if folder else None
        self._signature: tuple | None = None
        self._made: dict[tuple, bytes] = {}
        self.frames = {code: self._frame(code) for code in self.languages}
        self.indexes = {code: self._index(code) for code in self.languages}

    # ------------------------------------------------------------------ per request

    def made(self, key: tuple, make) -> bytes:
        """The bytes of a page answer (``make()``), made once per key while the clinic's
        approvals file is unchanged: a page depends only on the content (loaded once) and on
        the approvals (read again when that file changes, as the CLI reads it), so an approval
        or a revocation shows on the next request. Keys are only real pages (``make`` raises
        for anything else), so the store is bounded by pages x languages."""
        signature = self._approvals_signature()
        if signature != self._signature:
            self._made.clear()
            self._signature = signature
        data = self._made.get(key)
        if data is None:
            data = self._made[key] = make()
        return data

    def _approvals_signature(self) -> tuple | None:
        if self._approvals is None:
            return None
        try:
            st = os.stat(self._approvals)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def lang(self, asked: str | None):
        """The language of a request (``Session.language``): ``lang`` as asked, strictly (a
        page not translated is not found, as with --lang); none asked: the profile's or the
        environment's, as the CLI without --lang. An unknown one is a UsageError."""
        if asked is None or asked == "":
            return self.default
        choice = self.session.language(asked)
        if choice.code not in self.frames:
            raise UsageError(
                f"unknown language '{short(asked)}'; use one of {', '.join(self.languages)}"
            )
        return choice

    def query(self, lang):
        """A new Query for one request (``lang`` a code or ``lang()``'s answer)."""
        return self.session.query(lang)

    def target(self, lang, ident: str) -> tuple[str, str]:
        """(kind, id) of the page ``ident`` names: an id of a topic, condition or glossary
        term, found as ``dryneedle explain ID`` finds it."""
        q = self.query(lang)
        kb = q.kb
        if ident not in kb.topics and ident not in kb.conditions and ident not in kb.glossary:
            raise NotFound(f"no page has the id '{short(ident)}'")
        return q.find(ident)

    def page(self, lang, ident: str):
        """The page view of ``ident`` with its status line, as ``dryneedle explain ID`` shows
        it (refused under the profile's require_approval unless approved)."""
        from dryneedle_cli.status import stamp

        q = self.query(lang)
        kb = q.kb
        if ident not in kb.topics and ident not in kb.conditions and ident not in kb.glossary:
            raise NotFound(f"no page has the id '{short(ident)}'")
        return stamp(q, q.explain(ident))

    def record(self, lang, words: str) -> dict:
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
        return document(view, query=words)

    def search(self, lang, words: str) -> tuple[list[web.Hit], list[web.Hit]]:
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

    def sheet(self, kind: str, fields: dict):
        """The bytes ``dryneedle sheet KIND`` writes for these fields (``sheets._fields``:
        patient, area, clinician, date, next_visit, note, lang, format, paper, large_print,
        copies): ``Session.sheet``, whose file name here leaves the patient's name out (a
        header may be logged where a body is not)."""
        from msgspec.structs import replace

        from dryneedle_cli.dates import check_date, today
        from dryneedle_cli.handouts.jobs import default_name
        from dryneedle_cli.session import SheetRequest

        fmt = fields.get("format") or "pdf"
        paper = fields.get("paper")
        if paper is not None:
            paper = paper.lower()
            if paper not in web.PAPERS:
                raise UsageError(f"unknown paper '{short(paper)}'; use letter or a4")
        large_print = bool(fields.get("large_print"))
        if fmt in DOCUMENTS and not DOCUMENTS[fmt].paper and (paper or large_print):
            what = "large_print" if large_print else "paper"
            raise UsageError(
                f"{what} is for {names(formats_that('paper'))} sheets; leave it out or use "
                "format pdf"
            )
        lang = fields.get("lang") or None
        if lang is not None:
            self.lang(lang)  # an unknown language: the service's own message
        date = check_date(fields.get("date"), "date") or today()
        request = SheetRequest(
            which=kind,
            areas=tuple(fields.get("area") or ()),
            patient=fields.get("patient"),
            clinician=fields.get("clinician"),
            date=date,
            next_visit=fields.get("next_visit"),
            notes=tuple(fields.get("note") or ()),
            format=fmt,
            paper=paper,
            large_print=large_print,
            copies=fields.get("copies") or 1,
            lang=lang,
        )
        made = self.session.sheet(request)
        return replace(made, filename=default_name(kind, date, made.fmt))

    def _hit(self, q, kind: str, ident: str) -> web.Hit:
        return web.Hit(ident, q._display((kind, ident)).rsplit(" (", 1)[0])

    # ------------------------------------------------------------------ made once

    def _frame(self, code: str) -> web.Frame:
        q = self.query(code)
        names = tuple(
            (c, self.query(c).labels.get("web_language_name") or c) for c in self.languages
        )
        return web.Frame(
            lang=code,
            labels=dict(q.labels),
            values=dict(q.values),
            languages=names,
            clinic=self.profile.name,
        )

    def _index(self, code: str) -> web.Index:
        q = self.query(code)
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
