"""Pages: the view models of ``explain``, the sheets and the lists, built from the knowledge
model in one language. Finding what a query names is ``search``.

A knowledge base in another language marks what has no usable translation
(``KnowledgeBase.untranslated``). A page that needs any such item (itself, its body area, the
labels, for a condition the sheets its area notes come from) is never shown in that language:
asked for strictly it is ``NotTranslated`` (exit 1, with the fix); else it is shown whole in
English by the English ``Query`` (``english``), with one note (``notify``). Pages in "See also"
that are not translated are left out of it.

The language is resolved once per request, before a page is built: every public page method
asks ``speaker`` (THE language rule) which Query builds the page (this one or the English one),
then builds it with that Query's own builder, which never asks again. A Query holds nothing
that changes per request (placeholder values a page adds are passed as ``local``; the memories
of ``search`` are bounded), so one Query may serve many requests; ``for_request`` gives one
with its own ``notify``."""

from __future__ import annotations

import copy
import re

from dryneedle_cli.content.kinds import BY_NAME
from dryneedle_cli.errors import NotFound, NotTranslated
from dryneedle_cli.model import (
    Block,
    Condition,
    Item,
    KeyPoint,
    KnowledgeBase,
    Question,
    Section,
    Sheet,
    Term,
    Topic,
    tr,
)
from dryneedle_cli.query import explain, lists, parts, sheets
from dryneedle_cli.query.forms import Forms
from dryneedle_cli.query.parts import applies_to, in_sentence  # noqa: F401 (re-exported)
from dryneedle_cli.query.search import (
    Search,
    normalize,
)
from dryneedle_cli.safe import short
from dryneedle_cli.views import (
    ConditionList,
    Page,
    ReferenceList,
    RefView,
    SectionView,
)

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class Query(Forms):
    """Look-ups over one knowledge base in its language (``kb.lang``), and the pages built
    from them.

    ``strict``: a page not translated into this language is ``NotTranslated``; else it comes
    from ``english()`` (a Query over the English knowledge base) and ``notify`` gets one note.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        lang: str | None = None,
        values: dict[str, str] | None = None,
        *,
        strict: bool = True,
        english=None,
        notify=None,
    ):
        lang = getattr(kb, "lang", "en") if lang is None else lang
        if lang != getattr(kb, "lang", "en"):
            raise ValueError(f"this knowledge base is in '{kb.lang}', not '{lang}'")
        self.kb, self.lang = kb, lang
        self.search = Search(kb, lang)  # the look-ups, with their bounded memories
        self.labels = {k: tr(v, lang) for k, v in kb.labels.labels.items()}
        self.values = {k: tr(v, lang) for k, v in kb.labels.defaults.items()}
        self.values.update(values or {})
        # A clinic's own word for the person who treats ("your physiotherapist") is written in
        # the profile's language: on a page in another language the language's default speaks.
        if self.values.pop("clinician_word_lang", lang) != lang:
            for key in ("clinician_word", "clinician_word_start"):
                if key in kb.labels.defaults:
                    self.values[key] = tr(kb.labels.defaults[key], lang)
        # The word for the person who treats (issue 23) is in field labels too ("Name of
        # {clinician_word}"), which renderers print as they are: fill it here, once.
        word = self.values.get("clinician_word")
        if word:
            self.labels = {k: v.replace("{clinician_word}", word) for k, v in self.labels.items()}
        self.strict = strict
        self._english = english
        self._notify = notify
        self._noted: set[str] = set()

    def date(self, value: str) -> str:
        """A YYYY-MM-DD date as this language writes it (labels ``date_format``, ``months``,
        ``day_one``: '23 November 2026', '23 de noviembre de 2026', '1er décembre 2026');
        anything else as given."""
        return parts.local_date(self, value)

    def conditions(self, words: str | None) -> ConditionList:
        return lists.conditions(self, words)

    def origin(self, words: str) -> tuple[str, list[str]]:
        """(id, where each part came from) for a topic, condition, term, area or reference."""
        return lists.origin(self, words)

    def _cited(self, *docs) -> list[str]:
        """``reference:key`` for the sources these documents cite, when any source's label
        is not translated into this language (a page shows its sources by their labels)."""
        return parts.cited(self, *docs)

    def _refs(self, keys) -> tuple[RefView, ...]:
        return lists.refs(self, keys)

    def evidence(self, words: str | None) -> ReferenceList:
        return lists.evidence(self, words)

    # ------------------------------------------------------------------ look-ups (``search``)

    @property
    def index(self) -> dict[str, tuple[str, str]]:
        return self.kb.index

    def find(self, words: str) -> tuple[str, str]:
        return self.search.find(words)

    def matches(self, words: str, kinds=("topic", "condition", "term"), exact: bool = True):
        return self.search.matches(words, kinds, exact)

    def areas(self, words: list[str]) -> list[str]:
        return self.search.areas(words)

    def suggest(self, key: str, choices: dict[str, object], display) -> tuple[str, ...]:
        return self.search.suggest(key, choices, display)

    def _display(self, target: tuple[str, str]) -> str:
        return self.search._display(target)

    # ------------------------------------------------------------------ languages

    def for_request(self, *, strict: bool | None = None, notify=None) -> Query:
        """This Query for one request: the same knowledge base, memories and English Query,
        with this request's ``strict`` and ``notify`` (and its own once-only notes)."""
        q = copy.copy(self)
        q.strict = self.strict if strict is None else strict
        q._notify = notify
        q._noted = set()
        return q

    def speaker(self, what: str, needs) -> Query:
        """THE language rule, asked once per request before the page ``what`` is built: this
        Query when every item the page needs (``needs``, ``kind:id``; and the labels) is
        translated into its language; else the English Query (``english``) with one note
        (``notify``), or ``NotTranslated`` when the language was asked for strictly."""
        missing = self.kb.untranslated
        if not missing:
            return self
        reason = next((missing[k] for k in ("labels:labels", *needs) if k in missing), None)
        if reason is None:
            return self
        from dryneedle_cli.languages import name

        if self.strict or self._english is None:
            raise NotTranslated(
                f"{what} is not translated into {name(self.lang)}: {reason}; "
                "or show it in English with --lang en"
            )
        if what not in self._noted and self._notify is not None:
            self._noted.add(what)
            self._notify(f"{what} is not in {name(self.lang)} yet ({reason}); shown in English")
        return self._english()

    def speaking(self, lang: str) -> Query:
        """This Query, or the English one a page fell back to (``Page.lang``)."""
        if lang == self.lang or self._english is None:
            return self
        return self._english()

    def _shown(self, ids) -> list[str]:
        """The related pages that exist in this language."""
        missing = self.kb.untranslated
        kind = lambda i: "topic" if i in self.kb.topics else "condition"  # noqa: E731
        return [i for i in ids if f"{kind(i)}:{i}" not in missing]

    # ------------------------------------------------------------------ helpers

    def t(self, text, local: dict[str, str] | None = None) -> str:
        """``text`` in this language, placeholders filled: ``local`` (what the page being
        built adds, such as ``lung_areas``, ``lung_values``) over the clinic's ``values``.
        Passed as an argument, never kept on the Query, so one Query serves many requests."""
        values = {**self.values, **local} if local else self.values
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), tr(text, self.lang))

    def label(self, key: str) -> str:
        """A label the program shows (labels.yaml), in this language, placeholders filled."""
        return self.t(self.kb.labels.labels[key])

    def region_name(self, region: str) -> str:
        """A body area's name in this language."""
        return tr(self.kb.regions[region].name, self.lang)

    def _item(self, item: str | Item, local: dict[str, str] | None = None) -> str:
        return self.t(item.text if isinstance(item, Item) else item, local)

    def near_lungs(self, areas) -> list[str]:
        """The chosen areas that regions.yaml marks as near the lungs."""
        return [a for a in areas or () if self.kb.regions[a].near_lungs]

    def lung_places(self, areas) -> str | None:
        """What ``{lung_areas}`` says for the chosen areas: the names of those near a lung, or
        None (the label default, which names every place near the lungs) when no area is
        given or the only ones near a lung name no place ("Several areas")."""
        named = [a for a in self.near_lungs(areas) if not self.kb.regions[a].any_area]
        return ", ".join(in_sentence(self.region_name(a)) for a in named) if named else None

    def lung_values(self, areas) -> dict[str, str]:
        """The page's own placeholder values for these areas (``t``'s ``local``):
        ``{lung_areas}`` when ``lung_places`` names places, else none (the label default)."""
        places = self.lung_places(areas)
        return {"lung_areas": places} if places else {}

    def applies(self, part, areas) -> bool:
        """THE area rule, for every part that has ``areas``/``near_lungs`` (a sheet's items
        and sections, key points, teach-back questions, screening questions, and a condition
        page's area notes): ``applies_to`` over this knowledge base's regions."""
        return applies_to(self.kb.regions, part, areas)

    def _shows(self, part, areas) -> bool:
        """Whether a part of a page applies to the chosen areas (``applies``)."""
        if not isinstance(part, (Item, Section, KeyPoint, Question)):
            return True
        return self.applies(part, areas)

    def _block(
        self, heading: str, block: Block, style: str = "normal", areas=None, local=None
    ) -> SectionView:
        items = [i for i in block.items if self._shows(i, areas)]
        refs = list(block.refs)
        for i in items:
            if isinstance(i, Item):
                refs.extend(k for k in (*i.refs, *i.rules_out) if k not in refs)
        return SectionView(
            heading=heading,
            text=self.t(block.text, local) if block.text is not None else "",
            items=tuple(self._item(i, local) for i in items),
            refs=tuple(refs),
            style=style,
        )

    def _section(self, s: Section, areas=None, local=None) -> SectionView:
        return self._block(self.t(s.heading, local), s, s.style, areas, local)

    def _page(self, command, kind, ident, title, summary, sections, facts=(), **typed) -> Page:
        keys = [k for s in sections for k in s.refs]
        return Page(
            command=command,
            kind=kind,
            id=ident,
            title=title,
            summary=summary,
            sections=tuple(sections),
            references=self._refs(keys),
            labels=self.labels,
            facts=tuple(facts),
            lang=self.lang,
            **typed,
        )

    # ------------------------------------------------------------------ explain

    def explain(self, words: str | None) -> Page:
        if not words:
            return self.page_of("topic", self.kb.labels.overview_topic, overview=True)
        if not normalize(words):  # only punctuation or undecodable bytes: not the overview
            raise NotFound(f"nothing found for '{short(words)}'")
        kind, ident = self.find(words)
        return self.page_of(kind, ident)

    def page_of(self, kind: str, ident: str, overview: bool = False) -> Page:
        """The page of a topic, condition or glossary term (``kind`` as ``find`` gives it), in
        the language ``speaker`` resolves for it."""
        needs = [f"{'glossary' if kind == 'term' else kind}:{ident}"]
        if kind == "condition":
            region = self.kb.conditions[ident].region
            needs += [f"region:{region}", f"prepare:{self.kb.prepare.id}",
                      f"aftercare:{self.kb.aftercare.id}"]  # fmt: skip
        sheets = (self.kb.prepare, self.kb.aftercare) if kind == "condition" else ()
        needs += self._cited(self._doc(kind, ident), *sheets)  # its area notes come from these
        return self.speaker(self._display((kind, ident)), needs)._doc_page(kind, ident, overview)

    def _doc_page(self, kind: str, ident: str, overview: bool = False) -> Page:
        table, build = explain.BUILDERS[kind]
        item = getattr(self.kb, table)[ident]
        return explain.topic_page(self, item, "overview") if overview else build(self, item)

    def topic_page(self, topic: Topic, kind: str = "topic") -> Page:
        return explain.topic_page(self, topic, kind)

    def condition_page(self, c: Condition) -> Page:
        return explain.condition_page(self, c)

    def term_page(self, term: Term) -> Page:
        return explain.term_page(self, term)

    def area_notes(self, region: str) -> list[SectionView]:
        """The preparation and aftercare lines that apply to one body region only."""
        return explain.area_notes(self, region)

    # ------------------------------------------------------------------ areas and sheets

    def sheet(self, which: str, area_words: list[str]) -> Page:
        return self.sheet_for(which, self.areas(area_words))

    def sheet_for(self, which: str, areas: list[str]) -> Page:
        """The preparation or aftercare page for these region ids."""
        kind = BY_NAME[which]
        sheet: Sheet = getattr(self.kb, kind.kb)
        needs = [f"{kind.name}:{sheet.id}", *(f"region:{a}" for a in areas), *self._cited(sheet)]
        return sheets.sheet_page(self.speaker(f"the {which} sheet", needs), which, areas)

    # ------------------------------------------------------------------ lists

    def condition_list(self, ids: list[str], words: str | None) -> ConditionList:
        """The conditions with these ids, by body region."""
        return lists.condition_list(self, ids, words)

    def reference_list(self, keys, words: str | None, subject: str | None) -> ReferenceList:
        """These references, with their full citations (in their original language)."""
        return lists.reference_list(self, keys, words, subject)

    def _doc(self, kind: str, ident: str):
        return {"topic": self.kb.topics, "condition": self.kb.conditions, "term": self.kb.glossary}[
            kind
        ][ident]
