"""What a translation records of the English it was made from: the one hash function.

A translation's ``translation.source_hash`` is a mapping, one short hash per part of the
English file that holds text a reader sees:

    source_hash:
      name: 3f2a9c1b0d4e
      summary: 7c1e...
      sections: 09ab...

- a page or form (a topic, a condition, a sheet, the screening and consent forms): one hash per
  top-level field that holds text (``name``, ``summary``, ``sections`` ...);
- a list file (``glossary.yaml``, ``regions.yaml``): one hash per item, by its key
  (``pneumothorax``);
- ``labels.yaml``: one hash per label (``labels.sources``, ``defaults.emergency_number``).

Each hash covers only the English text inside that part, by place: not its ids, codes,
reference keys or areas (the page always takes those from the English), not its search words
(``aliases``: a language has its own), not its review date. So when a clinic adds an alias, a
reference or a related page, no translation goes stale; when it changes the English of one
field, only that field's translation does (``content.i18n`` says what that does to a page).

A translation stamped before this (``source_hash: "48e18ebe619482a6"``, the hash of the whole
English file, ``source_hash``) is still read: all of its parts are taken as made from the
English file with that whole-file hash. ``tools/restamp.py`` and the tests use these functions;
there is no other copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

OWN = frozenset({"reviewed_on", "reviewed_by"})  # the English file's review: never translated
_LETTER = re.compile(r"[^\W\d_]")


def _digest(value: Any, n: int) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:n]


def source_hash(data: dict) -> str:
    """The whole-file hash (the stamp before per-part hashes, still read): the first 16 hex
    digits of the SHA-256 of the English file's YAML, parsed, without its review fields, as
    sorted JSON."""
    return _digest({k: v for k, v in data.items() if k not in OWN}, 16)


def is_text(value: Any) -> bool:
    """A text: a string, or a mapping by language with English."""
    if isinstance(value, str):
        return True
    return (
        isinstance(value, dict)
        and isinstance(value.get("en"), str)
        and all(isinstance(v, str) for v in value.values())
    )


def english_text(value: Any) -> str:
    return value if isinstance(value, str) else value["en"]


def text_view(value: Any, text: frozenset, words: frozenset, field: str | None = None) -> Any:
    """The English text inside ``value`` (plain data), by place, and nothing else: None when it
    holds no text a translation gives."""
    if field in words or field in OWN:
        return None
    if field in text and is_text(value):
        return english_text(value)
    if isinstance(value, (list, tuple)):
        inside = [text_view(v, text, words, field) for v in value]
        return inside if any(v is not None for v in inside) else None
    if isinstance(value, dict):
        inside = {k: text_view(v, text, words, k) for k, v in value.items()}
        inside = {k: v for k, v in inside.items() if v is not None}
        return inside or None
    return None


def part_hash(value: Any, text: frozenset, words: frozenset, field: str | None = None):
    """The hash of one part's English text (12 hex digits), or None when it holds no text."""
    view = text_view(value, text, words, field)
    return None if view is None else _digest(view, 12)


def label_hash(value: Any) -> str:
    """The hash of one label's English."""
    return _digest(english_text(value), 12)


def has_words(value: Any) -> bool:
    """Whether a label needs a translation: its English has letters ("000", "" need none)."""
    return bool(_LETTER.search(english_text(value)))


def stamp(kind, data: dict) -> dict[str, str]:
    """The per-part stamp of one English file of ``kind`` (plain data, as ``to_builtins`` or
    the YAML gives it)."""
    from dryneedle_cli.content.kinds import Merge

    out: dict[str, str] = {}
    if kind.merge is Merge.LABELS:
        for group in ("labels", "defaults"):
            for label, value in (data.get(group) or {}).items():
                out[f"{group}.{label}"] = label_hash(value)
        return out
    if kind.merge is Merge.ITEMS:
        for item in data.get(kind.items) or ():
            h = part_hash(item, kind.text, kind.words)
            if h is not None:
                out[item[kind.key]] = h
        return out
    for name, value in data.items():
        h = part_hash(value, kind.text, kind.words, name)
        if h is not None and name != "id":
            out[name] = h
    return out


def stamp_file(path) -> tuple[dict[str, str], str]:
    """(the per-part stamp, the whole-file hash) of the English knowledge file at ``path``
    (read, checked and converted as the loader does: a ContentError if it is broken)."""
    from pathlib import Path

    import msgspec

    from dryneedle_cli.content.kinds import kind_of
    from dryneedle_cli.content.yamlfile import convert, parse
    from dryneedle_cli.errors import ContentError

    path = Path(path)
    parts = path.parts
    kind = None
    for n in range(len(parts) - 1, 0, -1):  # the path relative to its layer folder
        kind, patch = kind_of("/".join(parts[n:]))
        if kind is not None and not patch:
            break
    if kind is None:
        raise ContentError(str(path), "is not a knowledge file that has translations")
    data = parse(path)
    doc = convert(path, data, kind.model)
    return stamp(kind, msgspec.to_builtins(doc, builtin_types=(dt.date,))), source_hash(data)
