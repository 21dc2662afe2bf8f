"""Finding what a query names: the search keys (every name a patient or clinician may type for a
topic, condition, term or body area), look-up by name or ICD-10 code, and close matches for a
typo."""

from __future__ import annotations

import functools
import re
import threading
from typing import NamedTuple

from dryneedle_cli.content.index import (  # noqa: F401 (re-exported: the search keys live in content)
    _names,
    build_index,
    code_index,
    code_key,
    normalize,
)
from dryneedle_cli.errors import Ambiguous, NotFound, UsageError
from dryneedle_cli.model import KnowledgeBase, tr
from dryneedle_cli.safe import short

_CODE = re.compile(r"[a-z]\d\d[0-9a-z]*")  # an ICD-10 code or prefix, as code_key writes it
SUGGEST_CUTOFF = 75  # rapidfuzz WRatio: below this a "did you mean" is more noise than help
# How many answers a Query remembers (least recently used go first): a batch asks the same
# words many times, and a long-lived service asks for ever new words, so the memory is bounded.
MATCH_CACHE = 1024
SUGGEST_CACHE = 256


class Match(NamedTuple):
    """What a query found: how (exact, code, words, text, none) and the pages, best first."""

    how: str
    targets: tuple[tuple[str, str], ...]


_REGIONS: dict[int, tuple] = {}  # id(kb) -> (kb, (region_index, ambiguous_regions)), the last 8
_REGIONS_LOCK = threading.Lock()


def region_index(kb) -> dict[str, str]:
    """Map each name of a body region to its id (names shared by two areas are left out)."""
    out: dict[str, str] = {}
    shared = ambiguous_regions(kb)
    for r in kb.regions.values():
        for name in [r.id, *_names(r.name), *r.aliases, *r.shared_aliases]:
            key = normalize(name)
            if key and key not in shared:
                out.setdefault(key, r.id)
    return out


def ambiguous_regions(kb) -> dict[str, list[str]]:
    """Map each name that two or more body regions share (``shared_aliases``) to their ids."""
    claims: dict[str, list[str]] = {}
    for r in kb.regions.values():
        for name in [r.id, *_names(r.name), *r.aliases, *r.shared_aliases]:
            key = normalize(name)
            if key and r.id not in claims.setdefault(key, []):
                claims[key].append(r.id)
    shared = {normalize(n) for r in kb.regions.values() for n in r.shared_aliases}
    return {k: ids for k, ids in claims.items() if k in shared and len(ids) > 1}


class Search:
    """Find topics, conditions and glossary terms by name, alias or code, in one language."""

    def __init__(self, kb: KnowledgeBase, lang: str = "en"):
        self.kb, self.lang = kb, lang
        # Made once, then only read (a fixed set of keys: ``_scan``). The two memories are
        # functools.lru_cache: bounded and safe to share between threads; nothing else on a
        # Search changes after it is made, so one may serve many requests.
        self._scans: dict[str, list] = {}
        self._matches = functools.lru_cache(maxsize=MATCH_CACHE)(self._match)
        self._suggestions = functools.lru_cache(maxsize=SUGGEST_CACHE)(self._suggest_index)

    @property
    def index(self) -> dict[str, tuple[str, str]]:
        return self.kb.index

    def _display(self, target: tuple[str, str]) -> str:
        kind, ident = target
        if kind == "topic":
            return f"{tr(self.kb.topics[ident].title, self.lang)} ({ident})"
        if kind == "condition":
            return f"{tr(self.kb.conditions[ident].name, self.lang)} ({ident})"
        return f"{tr(self.kb.glossary[ident].term, self.lang)} ({ident})"

    def suggest(self, key: str, choices: dict[str, object], display) -> tuple[str, ...]:
        """Up to three distinct close matches for a typo, best first (those among the search
        keys ``index`` are remembered: ``_suggestions``)."""
        if choices is self.index and display == self._display:
            return self._suggestions(key)
        return self._suggest(key, choices, display)

    def _suggest_index(self, key: str) -> tuple[str, ...]:
        return self._suggest(key, self.index, self._display)

    def _suggest(self, key: str, choices: dict[str, object], display) -> tuple[str, ...]:
        from rapidfuzz import fuzz, process

        seen: list[str] = []
        for choice, _, _ in process.extract(
            key, choices.keys(), scorer=fuzz.WRatio, limit=15, score_cutoff=SUGGEST_CUTOFF
        ):
            shown = display(choices[choice])
            if shown not in seen:
                seen.append(shown)
            if len(seen) == 3:
                break
        return tuple(seen)

    def _scan(self, what: str) -> list:
        """What the matcher's later steps read, made once per run: ``codes`` (each condition's
        code keys), ``names`` (each name's words and its target), ``texts`` (the words of each
        condition's summary and description). ``explain -`` with many queries reads these
        lists instead of walking the knowledge base again for each query."""
        made = self._scans.get(what)
        if made is None:
            conditions = self.kb.conditions.values()
            if what == "codes":
                made = [(tuple(code_key(x) for x in (*c.icd10, *c.icd10_cm)), c.id)
                        for c in conditions]  # fmt: skip
            elif what == "names":
                made = [(name.split(), target) for name, target in self.index.items()]
            else:
                made = [
                    (set(" ".join(normalize(tr(t, self.lang)) for t in
                                  (c.summary, c.description.text)).split()), c.id)
                    for c in conditions
                ]  # fmt: skip
            self._scans[what] = made
        return made

    def matches(
        self, words: str, kinds=("topic", "condition", "term"), exact: bool = True
    ) -> Match:
        """Every page ``words`` names, best first, and how sure the match is.

        The one matcher of ``explain``, ``conditions`` and ``--area``, tried in this order:
        a whole name, alias or id (``exact``); an ICD-10 code or code prefix such as M54, WHO and
        CM codes alike (``code``); every word of the query inside a page's names
        (``words``: 'plantar' finds plantar heel pain); every word inside a condition's summary or
        description (``text``). The first step that finds anything decides. A list asks with
        ``exact=False``: every page with those words, the exact one among them.
        """
        key = normalize(words)
        if not key:
            return Match("none", ())
        return self._matches(words, key, tuple(kinds), exact)

    def _fillers(self) -> frozenset[str]:
        """The words a patient adds around a name in this language ("me duele", "j'ai mal",
        "my ... hurts"): the label ``search_filler_words``, as normalised words."""
        made = self._scans.get("fillers")
        if made is None:
            given = self.kb.labels.labels.get("search_filler_words") or ""
            made = frozenset(normalize(tr(given, self.lang).replace(",", " ")).split())
            self._scans["fillers"] = made  # type: ignore[assignment]
        return made

    def _match(self, words: str, key: str, kinds, exact: bool) -> Match:
        found = self._steps(words, key, kinds, exact)
        if found.how != "none":
            return found
        # Nothing found: the same steps once more without the language's filler words, so
        # that "me duele el cuello" is "cuello" and "j'ai mal au cou" is "cou".
        fillers = self._fillers()
        kept = " ".join(w for w in key.split() if w not in fillers)
        if kept and kept != key:
            return self._steps(kept, kept, kinds, exact)
        return found

    def _steps(self, words: str, key: str, kinds, exact: bool) -> Match:
        hit = self.index.get(key)
        if exact and hit and hit[0] in kinds:
            return Match("exact", (hit,))
        compact = code_key(words)
        if "condition" in kinds and _CODE.fullmatch(compact):
            ids = [
                i for codes, i in self._scan("codes") if any(x.startswith(compact) for x in codes)
            ]
            if ids:
                return Match("code", tuple(("condition", i) for i in ids))
        wanted = key.split()
        scored: dict[tuple[str, str], float] = {}
        for have, target in self._scan("names"):
            if target[0] not in kinds:
                continue
            if all(w in have for w in wanted):
                score = len(wanted) / len(have)
                scored[target] = max(score, scored.get(target, 0.0))
        if scored:
            best = sorted(scored, key=lambda t: (-scored[t], t[1]))
            return Match("words", tuple(best))
        if "condition" in kinds:
            found = []
            for text, ident in self._scan("texts"):
                if all(w in text for w in wanted):
                    found.append(("condition", ident))
            if found:
                return Match("text", tuple(sorted(found, key=lambda t: t[1])))
        return Match("none", ())

    def find(self, words: str) -> tuple[str, str]:
        """(kind, id) of the one topic, condition or glossary term named by ``words``.

        Several pages that fit raise ``Ambiguous`` listing them (never one picked silently);
        none raises ``NotFound`` with close matches that clear ``SUGGEST_CUTOFF``.
        """
        m = self.matches(words)
        if m.how in ("exact", "words") and len(m.targets) == 1:
            return m.targets[0]
        if m.how == "code" and len(m.targets) == 1:
            return m.targets[0]
        if m.targets:
            raise Ambiguous(
                f"'{words}' fits {len(m.targets)} pages; name the one you mean",
                tuple(self._display(t) for t in m.targets),
            )
        raise NotFound(
            f"nothing found for '{short(words)}'",
            self.suggest(normalize(words), self.index, self._display),
        )

    @property
    def _regions(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """``region_index`` and ``ambiguous_regions`` of this Search's knowledge base, made
        once a knowledge base (each request has its own Search; a batch asks for every row's
        areas); only read after."""
        kb = self.kb
        with _REGIONS_LOCK:
            kept = _REGIONS.get(id(kb))
        if kept is not None and kept[0] is kb:
            return kept[1]
        made = (region_index(kb), ambiguous_regions(kb))
        with _REGIONS_LOCK:
            _REGIONS[id(kb)] = (kb, made)  # the knowledge base kept: its id stays its own
            while len(_REGIONS) > 8:
                _REGIONS.pop(next(iter(_REGIONS)))
        return made

    def areas(self, words: list[str]) -> list[str]:
        """Region ids for ``--area`` values: a region's name, or what ``matches`` finds among
        the conditions (their region); conditions in two regions ask which."""
        regions, shared = self._regions
        out: list[str] = []
        for w in words:
            key = normalize(w)
            if key in shared:
                choices = "; ".join(self._region_choice(r) for r in shared[key])
                raise UsageError(f"'{short(w)}' could mean: {choices}. Give one of them.")
            rid = regions.get(key)
            if rid is None:
                found = self.matches(w, kinds=("condition",)).targets
                rids = list(dict.fromkeys(self.kb.conditions[i].region for _, i in found))
                if len(rids) > 1:
                    choices = "; ".join(self._region_choice(r) for r in rids)
                    raise UsageError(f"'{short(w)}' could mean: {choices}. Give one of them.")
                rid = rids[0] if rids else None
            if rid is None:
                choices = {**{k: ("region", v) for k, v in regions.items()}}
                choices.update({k: v for k, v in self.index.items() if v[0] == "condition"})

                def show(target):
                    if target[0] == "region":
                        return f"{tr(self.kb.regions[target[1]].name, self.lang)} ({target[1]})"
                    return self._display(target)

                raise NotFound(
                    f"no body area called '{short(w)}'", self.suggest(key, choices, show)
                )
            if rid not in out:
                out.append(rid)
        return out

    def _region_choice(self, rid: str) -> str:
        """'Lower back (low back)': an area's name and a short name to type for it."""
        region = self.kb.regions[rid]
        return f"{tr(region.name, self.lang)} ({(region.aliases or (rid,))[0]})"
