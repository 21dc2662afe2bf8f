"""Search keys: every name a patient or clinician may type for a topic, condition or term."""

from __future__ import annotations

import re

from dryneedle_cli.model import Text

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
