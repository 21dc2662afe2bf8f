"""Finding what a query names: the search keys (every name a patient or clinician may type for a
topic, condition, term or body area), look-up by name or ICD-10 code, and close matches for a
typo."""

from __future__ import annotations

import re

from dryneedle_cli.errors import NotFound, UsageError
from dryneedle_cli.model import KnowledgeBase, Text, tr

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans("", "", "'\u2019")


def normalize(words: str) -> str:
    """Lowercase words with case and punctuation ignored: "Golfer's-Elbow!" -> 'golfers elbow'."""
    return " ".join(_WORD.findall(words.casefold().translate(_APOSTROPHES)))


def code_key(code: str) -> str:
    """An ICD-10 code with punctuation and spaces removed: 'M77.1' -> 'm771'."""
    return normalize(code).replace(" ", "")


def _names(*texts: Text | str | None) -> list[str]:
    out = []
    for t in texts:
        if t is None:
            continue
        out.extend([t] if isinstance(t, str) else t.values())
    return out


def build_index(topics, conditions, glossary) -> tuple[dict, list[tuple[str, str, str]]]:
    """Map each name to (kind, id); also list names claimed by two different items.

    Kinds are ``topic``, ``condition`` and ``term``. A glossary term with ``see`` points at that
    topic or condition, so its names find the fuller page. ICD-10 codes are in ``code_index``:
    one code may fit several conditions.
    """
    index: dict[str, tuple[str, str]] = {}
    clashes: list[tuple[str, str, str]] = []

    def add(key: str, target: tuple[str, str]) -> None:
        key = normalize(key)
        if not key:
            return
        if key in index and index[key] != target:
            clashes.append((key, index[key][1], target[1]))
            return
        index[key] = target

    for t in topics.values():
        for name in [t.id, *_names(t.title), *t.aliases]:
            add(name, ("topic", t.id))
    for c in conditions.values():
        for name in [c.id, *_names(c.name, c.clinical_name), *c.aliases]:
            add(name, ("condition", c.id))
    for term in glossary.values():
        if term.see:
            target = ("topic" if term.see in topics else "condition", term.see)
        else:
            target = ("term", term.id)
        for name in [term.id, *_names(term.term), *term.aliases]:
            add(name, target)
    return index, clashes


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


def code_index(conditions) -> dict[str, list[str]]:
    """Map each ICD-10 code (as ``code_key``) to the ids of the conditions that use it."""
    out: dict[str, list[str]] = {}
    for c in conditions.values():
        for code in (*c.icd10, *c.icd10_cm):
            ids = out.setdefault(code_key(code), [])
            if c.id not in ids:
                ids.append(c.id)
    return out


class Search:
    """Find topics, conditions and glossary terms by name, alias or code, in one language."""

    def __init__(self, kb: KnowledgeBase, lang: str = "en"):
        self.kb, self.lang = kb, lang
        self._suggestions: dict[tuple[str, int], tuple[str, ...]] = {}

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
        """Up to three distinct close matches for a typo, best first (remembered per run)."""
        from rapidfuzz import fuzz, process

        memo = (key, id(choices))
        if memo in self._suggestions:
            return self._suggestions[memo]
        seen: list[str] = []
        for choice, _, _ in process.extract(
            key, choices.keys(), scorer=fuzz.WRatio, limit=15, score_cutoff=60
        ):
            shown = display(choices[choice])
            if shown not in seen:
                seen.append(shown)
            if len(seen) == 3:
                break
        self._suggestions[memo] = tuple(seen)
        return self._suggestions[memo]

    def find(self, words: str) -> tuple[str, str]:
        """(kind, id) of the topic, condition or glossary term named by ``words``."""
        key = normalize(words)
        hit = self.index.get(key)
        if hit:
            return hit
        by_code = self.kb.codes.get(code_key(words), [])
        if len(by_code) == 1:
            return ("condition", by_code[0])
        if by_code:
            raise NotFound(
                f"'{words}' fits {len(by_code)} conditions; name the one you mean",
                tuple(self._display(("condition", i)) for i in by_code),
            )
        raise NotFound(f"nothing found for '{words}'", self.suggest(key, self.index, self._display))

    def areas(self, words: list[str]) -> list[str]:
        """Region ids for ``--area`` values: a region's name, or a condition (its region)."""
        regions = region_index(self.kb)
        shared = ambiguous_regions(self.kb)
        out: list[str] = []
        for w in words:
            key = normalize(w)
            if key in shared:
                choices = "; ".join(self._region_choice(r) for r in shared[key])
                raise UsageError(f"'{w}' could mean: {choices}. Give one of them.")
            rid = regions.get(key)
            if rid is None:
                hit = self.index.get(key)
                if hit and hit[0] == "condition":
                    rid = self.kb.conditions[hit[1]].region
            if rid is None:
                choices = {**{k: ("region", v) for k, v in regions.items()}}
                choices.update({k: v for k, v in self.index.items() if v[0] == "condition"})

                def show(target):
                    if target[0] == "region":
                        return f"{tr(self.kb.regions[target[1]].name, self.lang)} ({target[1]})"
                    return self._display(target)

                raise NotFound(f"no body area called '{w}'", self.suggest(key, choices, show))
            if rid not in out:
                out.append(rid)
        return out

    def _region_choice(self, rid: str) -> str:
        """'Lower back (low back)': an area's name and a short name to type for it."""
        region = self.kb.regions[rid]
        return f"{tr(region.name, self.lang)} ({(region.aliases or (rid,))[0]})"
