"""The search keys: every name a patient or clinician may type for a topic, condition or term
(``build_index``) and each ICD-10 code (``code_index``), made once when the knowledge base is
built and stored with it (``KnowledgeBase.index``), and ``normalize``, the one way a name or a
query is folded. Below ``query`` (which looks things up in them) so that building content never
imports the query layer."""

from __future__ import annotations

import functools
import re

from dryneedle_cli.model import Text

_WORD = re.compile(r"[^\W_]+")


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})  # French "nœud" = "noeud"
_APOSTROPHES = ("'", "\u2019", "\u02bc")


@functools.cache
def _possessive() -> re.Pattern:
    """An apostrophe before a final s; compiled only for words with an apostrophe (the
    class of non-ASCII characters takes most of a millisecond to compile)."""
    return re.compile(r"['\u2019\u02bc](?=s\b)")


def normalize(words: str) -> str:
    """Lowercase words with case, accents and punctuation ignored, in any language:
    "Golfer's-Elbow!" -> 'golfers elbow', "Douleur à l'Épaule" -> 'douleur a l epaule'.

    An English possessive's apostrophe joins ("golfer's" -> "golfers"); any other apostrophe
    separates, as French elision does ("l'épaule" -> "l epaule", so "épaule" finds it).
    """
    text = words.casefold()
    if any(a in text for a in _APOSTROPHES):
        text = _possessive().sub("", text)
    if not text.isascii():
        import unicodedata

        decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(text))


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


def code_index(conditions) -> dict[str, list[str]]:
    """Map each ICD-10 code (as ``code_key``) to the ids of the conditions that use it."""
    out: dict[str, list[str]] = {}
    for c in conditions.values():
        for code in (*c.icd10, *c.icd10_cm):
            ids = out.setdefault(code_key(code), [])
            if c.id not in ids:
                ids.append(c.id)
    return out
